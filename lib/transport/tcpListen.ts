/**
 * A TCP server as a cold Observable of accepted sockets.
 *
 * @packageDocumentation
 */
import { createServer } from 'node:net';
import type { AddressInfo, ListenOptions, Socket } from 'node:net';
import { Observable } from 'rxjs';
import { SocketAddress } from '../net/SocketAddress.js';
import { InvalidOptionError, ListenError } from './errors.js';
// Imported only for the TSDoc {@link}s below, which the linter does not read.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
import type { AddressAccessError, AddressInUseError, TransportError } from './errors.js';
import { listenFailure } from './failures.js';

/** Options of {@link tcpListen}. */
export interface TcpListenOptions {
  /** Interface to bind, an IP literal (or a name Node resolves). Default `'127.0.0.1'`: nothing is exposed unless asked. */
  host?: string;
  /** Port to bind. Default `0`: the OS picks a free one, reported through `onListening`. */
  port?: number;
  /** Called once the server is bound, with the actual address (the real port when `port` was 0). */
  onListening?: (address: SocketAddress) => void;
  /** Length of the kernel's queue of not-yet-accepted connections. Default: Node's (511). */
  backlog?: number;
}

/**
 * Listens for TCP connections.
 *
 * Cold: each subscription binds its own server, and unsubscribing closes it,
 * freeing the port. Sockets already emitted are NOT destroyed then: each one
 * belongs to the subscriber from the moment it is emitted (attach an `'error'`
 * listener to it, as with any Node socket).
 *
 * Failures end the stream with a {@link TransportError} naming `host:port`:
 * `EADDRINUSE` → {@link AddressInUseError}, `EACCES` → {@link AddressAccessError},
 * anything else (at bind time or later) → {@link ListenError} wrapping the cause.
 *
 * @param options - see {@link TcpListenOptions}; all optional.
 * @returns the accepted sockets; never completes on its own.
 * @throws {@link InvalidOptionError} at call time for a port outside 0..65535
 * or a negative/non-integer backlog.
 *
 * @example
 * ```ts
 * const server = tcpListen({ onListening: (a) => console.log(`listening on ${a}`) })
 *   .subscribe((socket) => {
 *     socket.on('error', () => socket.destroy());
 *     socket.end('hello\n');
 *   });
 * // later: server.unsubscribe() closes the listening socket
 * ```
 */
export function tcpListen(options: TcpListenOptions = {}): Observable<Socket> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { onListening, backlog } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError('port', port, 'an integer in 0..65535');
  }
  if (backlog !== undefined && (!Number.isInteger(backlog) || backlog < 0)) {
    throw new InvalidOptionError('backlog', backlog, 'a non-negative integer');
  }
  const name = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

  return new Observable<Socket>((subscriber) => {
    const server = createServer();
    let closed = false;

    server.on('connection', (socket: Socket) => {
      // A connection racing the close has no owner; do not leak it.
      if (closed) socket.destroy();
      else subscriber.next(socket);
    });
    server.on('error', (error: unknown) => subscriber.error(listenFailure(name, error)));
    server.once('listening', () => {
      if (onListening === undefined) return;
      let bound: SocketAddress;
      try {
        const info = server.address() as AddressInfo;
        bound = SocketAddress.from(info.address, info.port);
      } catch (error) {
        subscriber.error(new ListenError(name, error));
        return;
      }
      try {
        onListening(bound);
      } catch (error) {
        subscriber.error(error);
      }
    });

    const listenOptions: ListenOptions = { host, port };
    if (backlog !== undefined) listenOptions.backlog = backlog;
    server.listen(listenOptions);

    return () => {
      closed = true;
      // close() releases the listening handle now; accepted sockets are left alone.
      server.close();
      server.removeAllListeners('listening');
      // Keep a sink so a late error from a closing server cannot crash the process.
      server.removeAllListeners('error');
      server.on('error', () => {});
    };
  });
}
