/**
 * The TCP transport: {@link tcpListen} (a server as a cold Observable of
 * accepted sockets) and {@link tcpDial} (a connection as a one-shot cold
 * Observable), with typed {@link TransportError}s naming the address.
 *
 * @example
 * ```ts
 * import { tcpDial, tcpListen } from './transport/index.js';
 * tcpListen({ port: 18444 }).subscribe((socket) => socket.end());
 * tcpDial('127.0.0.1:18444').subscribe((socket) => socket.end());
 * ```
 *
 * @packageDocumentation
 */
export { tcpListen } from './tcpListen.js';
export type { TcpListenOptions } from './tcpListen.js';
export { tcpDial } from './tcpDial.js';
export type { TcpDialOptions } from './tcpDial.js';
export {
  TransportError,
  AddressInUseError,
  AddressAccessError,
  ListenError,
  ConnectionRefusedError,
  HostUnreachableError,
  DialTimeoutError,
  DialError,
  InvalidOptionError,
} from './errors.js';
export { tcpTransport } from './tcpTransport.js';
export type { Transport, TransportDialOptions, TransportListenOptions } from './Transport.js';
