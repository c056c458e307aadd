/**
 * An outbound TCP connection as a cold Observable.
 *
 * @packageDocumentation
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Observable, asyncScheduler } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { SocketAddress } from '../net/SocketAddress.js';
import { DialTimeoutError, InvalidOptionError } from './errors.js';
// Imported only for the TSDoc {@link}s below, which the linter does not read.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
import type { ConnectionRefusedError, DialError, HostUnreachableError, TransportError } from './errors.js';
import { dialFailure } from './failures.js';

/** Options of {@link tcpDial}. */
export interface TcpDialOptions {
  /** Milliseconds to wait for the connection. Default `30_000`; `Infinity` waits as long as the OS does. */
  timeout?: number;
  /** Scheduler that measures the timeout. Default `asyncScheduler`; pass a virtual-time one in tests. */
  scheduler?: SchedulerLike;
  /**
   * Local IP to dial from. Default: the OS's choice. Lets several nodes on one machine appear
   * as different hosts (127.0.0.2, 127.0.0.3, …), which bans keyed by host need.
   */
  localAddress?: string;
}

/** btcd's default dial timeout. */
const DEFAULT_TIMEOUT = 30_000;

/**
 * Connects to `addr` over TCP.
 *
 * Cold: each subscription opens its own connection. It emits the connected
 * socket once and completes; from that moment the socket belongs to the
 * subscriber (unsubscribing later does not touch it — attach an `'error'`
 * listener and destroy it yourself). Unsubscribing before the connection is
 * made destroys the half-open socket.
 *
 * Failures end the stream with a {@link TransportError} naming the address:
 * `ECONNREFUSED` → {@link ConnectionRefusedError}, `EHOSTUNREACH` /
 * `ENETUNREACH` → {@link HostUnreachableError}, the timeout →
 * {@link DialTimeoutError}, anything else → {@link DialError}.
 *
 * @param addr - where to connect: a {@link SocketAddress} or its text form
 * (`'1.2.3.4:8333'`, `'[::1]:8333'`); host names are not resolved.
 * @param options - see {@link TcpDialOptions}.
 * @returns a one-shot stream of the connected socket.
 * @throws `InvalidAddressError` at call time when `addr` is text that does not
 * parse, {@link InvalidOptionError} when `timeout` is negative or NaN.
 *
 * @example
 * ```ts
 * tcpDial('127.0.0.1:18444', { timeout: 5_000 }).subscribe({
 *   next: (socket) => { socket.on('error', () => socket.destroy()); socket.write('ping'); },
 *   error: (e) => console.error(e.message), // e.g. 'connection to 127.0.0.1:18444 refused'
 * });
 * ```
 */
export function tcpDial(addr: SocketAddress | string, options: TcpDialOptions = {}): Observable<Socket> {
  const target = typeof addr === 'string' ? SocketAddress.parse(addr) : addr;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidOptionError('timeout', timeout, 'a number of milliseconds >= 0, or Infinity');
  }
  const name = target.toString();

  return new Observable<Socket>((subscriber) => {
    let settled = false;
    let timer: Subscription | undefined;

    const socket = connect({
      host: target.host,
      port: target.port,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });

    const detach = (): void => {
      settled = true;
      timer?.unsubscribe();
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
    };
    const abandon = (): void => {
      detach();
      // A failure already in flight would otherwise surface as an unhandled 'error'.
      socket.on('error', () => {});
      socket.destroy();
    };
    function onConnect(): void {
      // Hand-over happens before next(), which may unsubscribe synchronously.
      detach();
      subscriber.next(socket);
      subscriber.complete();
    }
    function onError(error: unknown): void {
      abandon();
      subscriber.error(dialFailure(name, error));
    }

    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (timeout !== Infinity) {
      timer = scheduler.schedule(() => {
        if (settled) return;
        abandon();
        subscriber.error(new DialTimeoutError(name, timeout));
      }, timeout);
    }

    return () => {
      if (!settled) abandon();
    };
  });
}
