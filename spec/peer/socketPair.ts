/**
 * Connected loopback socket pairs for the peer specs, all torn down by `closeAll`.
 */
import type { Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { tcpDial } from '../../lib/transport/tcpDial.js';
import { startServer } from '../transport/loopback.js';

/** Both ends of one TCP connection on 127.0.0.1. */
export interface SocketPair {
  /** The dialling end (no listeners attached). */
  readonly client: Socket;
  /** The accepting end (the test server attached an `'error'` listener that destroys it). */
  readonly server: Socket;
}

const open: Socket[] = [];

/** Opens a connection on 127.0.0.1 (port 0) and returns both ends; the listener is closed at once. */
export async function socketPair(): Promise<SocketPair> {
  const listener = await startServer();
  try {
    const accepted = listener.nextSocket();
    const client = await firstValueFrom(tcpDial(listener.address, { timeout: 5_000 }));
    open.push(client);
    const server = await accepted;
    open.push(server);
    return { client, server };
  } finally {
    listener.subscription.unsubscribe();
  }
}

/** Destroys every socket `socketPair` opened. */
export function closeAll(): void {
  for (const socket of open.splice(0)) {
    if (socket.listenerCount('error') === 0) socket.on('error', () => {});
    socket.destroy();
  }
}

/**
 * Resolves when `socket` emits 'close'. Call it before the close begins: `socket.closed` turns
 * true a little before the event, so it cannot tell whether the event is still to come.
 */
export function closeEvent(socket: Socket): Promise<void> {
  // Not events.once: it would reject on an 'error' emitted before 'close'.
  return new Promise<void>((resolve) => socket.once('close', () => resolve()));
}
