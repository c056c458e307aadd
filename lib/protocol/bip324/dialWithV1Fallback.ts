import type { Socket } from 'node:net';
import { type Observable, catchError, defer, map, switchMap, throwError } from 'rxjs';
import { bitcoinProtocol } from '../bitcoin/bitcoinProtocol.js';
import { isV1Fallback, type V2FallbackError } from './errors.js';
import { negotiateTransport, protocolOptionsOf, type NegotiateTransportOptions, type NegotiatedTransport } from './negotiateTransport.js';

/**
 * A connection made by {@link dialWithV1Fallback}: the socket, its transport and whether the v2
 * attempt was given up for v1.
 *
 * @example
 * ```ts
 * const peer = new Peer(connection.socket, connection.protocol);
 * ```
 */
export type FallbackConnection = NegotiatedTransport & {
  /** The connected socket, handed over paused (build the `Peer` at once). */
  readonly socket: Socket;
  /** `true` when the first, v2, attempt failed with a fallback error and this is the v1 retry. */
  readonly fellBack: boolean;
  /** Why the v2 attempt was given up (only when `fellBack`), for logs. */
  readonly reason?: V2FallbackError;
};

/**
 * Core's and btcd's downgrade as one outbound attempt: dial, try the v2 handshake; if it fails
 * with a fallback error (`isV1Fallback`: the remote hung up or answered in v1), dial once more and
 * speak v1. Any other failure (a dial error, a timeout, a v2 peer misbehaving) is passed on.
 * Meant for peers that advertise `NODE_P2P_V2`; dial others with v1 directly.
 *
 * @param dial - opens a fresh connection each time it is subscribed, e.g. `() => tcpDial(addr)`.
 * @param options - handshake options (`initiating` is implied).
 * @example
 * ```ts
 * dialWithV1Fallback(() => tcpDial(addr), { magic }).subscribe(({ socket, protocol, transport }) => {
 *   const peer = new Peer(socket, protocol);
 * });
 * ```
 */
export function dialWithV1Fallback(
  dial: () => Observable<Socket>,
  options: Omit<NegotiateTransportOptions, 'initiating' | 'allowV1'> = {},
): Observable<FallbackConnection> {
  return defer(dial).pipe(
    switchMap((socket) =>
      negotiateTransport(socket, { ...options, initiating: true }).pipe(
        map((transport): FallbackConnection => ({ ...transport, socket, fellBack: false })),
      ),
    ),
    catchError((error: unknown) =>
      isV1Fallback(error)
        ? defer(dial).pipe(
            map((socket): FallbackConnection => ({
              transport: 'v1',
              protocol: bitcoinProtocol(protocolOptionsOf(options)),
              socket,
              fellBack: true,
              reason: error,
            })),
          )
        : throwError(() => error),
    ),
  );
}
