/**
 * Test helpers for real loopback sockets: a server that queues what it
 * accepts, and a way to check that every TCP handle a test opened is gone.
 */
import type { Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import type { SocketAddress } from '../../lib/net/SocketAddress.js';
import { tcpListen } from '../../lib/transport/tcpListen.js';

/** A {@link tcpListen} subscription with its bound address and accepted sockets. */
export interface TestServer {
  readonly address: SocketAddress;
  readonly subscription: Subscription;
  /** Every socket accepted so far. */
  readonly accepted: Socket[];
  /** The next socket accepted that no earlier call has taken. */
  nextSocket(): Promise<Socket>;
  /** Unsubscribes and destroys every accepted socket. */
  close(): void;
}

/** Binds `tcpListen` on `host` port 0 and resolves once it listens. */
export function startServer(host = '127.0.0.1'): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const accepted: Socket[] = [];
    const queue: Socket[] = [];
    const waiters: Array<(socket: Socket) => void> = [];
    let address: SocketAddress | undefined;
    const subscription = tcpListen({ host, onListening: (a) => (address = a) }).subscribe({
      next: (socket) => {
        socket.on('error', () => socket.destroy());
        accepted.push(socket);
        const waiter = waiters.shift();
        if (waiter) waiter(socket);
        else queue.push(socket);
      },
      error: reject,
    });
    const check = (): void => {
      if (address === undefined) {
        if (!subscription.closed) setImmediate(check);
        return;
      }
      resolve({
        address,
        subscription,
        accepted,
        nextSocket: () => {
          const ready = queue.shift();
          return ready ? Promise.resolve(ready) : new Promise((r) => waiters.push(r));
        },
        close: () => {
          subscription.unsubscribe();
          for (const socket of accepted) socket.destroy();
        },
      });
    };
    check();
  });
}

/** Lets the event loop run once. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The number of live TCP handles (sockets and servers) in this process. */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

/**
 * Resolves once at most `limit` TCP handles remain, letting the loop turn up
 * to `turns` times (closing a handle takes a turn or two); rejects otherwise.
 */
export async function settleTcpHandles(limit: number, turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (tcpHandles() <= limit) return;
    await turn();
  }
  throw new Error(`expected at most ${limit} TCP handles, still ${tcpHandles()}: ${process.getActiveResourcesInfo().join(', ')}`);
}

/** Reads from `socket` until at least `length` characters arrived, as text. */
export function readText(socket: Socket, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (text.length >= length) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** The error an Observable-derived promise rejects with; fails if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got a value');
}
