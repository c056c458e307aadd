import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { WireProtocol } from '../WireProtocol.js';
import { bitcoinProtocol, type BitcoinProtocolOptions } from '../bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../bitcoin/messages.js';
import { NETWORKS } from '../bitcoin/networks.js';
import { InvalidOptionError } from '../../transport/errors.js';
import { V2HandshakeTimeoutError, V2HangupError } from './errors.js';
import { V2Handshake, type V2HandshakeOptions } from './V2Handshake.js';
import { v2Protocol, type V2SessionProtocol } from './v2Protocol.js';

/** Default time the whole v2 handshake may take: 30 s. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

/**
 * Options of {@link negotiateTransport}.
 *
 * @example
 * ```ts
 * const options: NegotiateTransportOptions = { initiating: true, magic: NETWORKS.regtest.magic };
 * ```
 */
export interface NegotiateTransportOptions {
  /** Whether we opened the connection (we then start the v2 handshake). */
  readonly initiating: boolean;
  /** The network magic (little-endian uint32). Default mainnet. */
  readonly magic?: number;
  /** Longest payload accepted and sent, on either transport. Default 4,000,000 bytes. */
  readonly maxPayload?: number;
  /** Randomness for keys and garbage. Default `crypto.randomBytes`. */
  readonly randomBytes?: (length: number) => Uint8Array;
  /** Garbage bytes after our key, 0–4095. Default random. */
  readonly garbageLength?: number;
  /** Contents lengths of decoy packets before our version packet. Default none. */
  readonly decoys?: readonly number[];
  /** Outbound only: send the garbage with our key (default `true`) or after theirs; see `V2HandshakeOptions`. */
  readonly garbageWithKey?: boolean;
  /** Inbound only: accept v1 initiators (detected from their first 16 bytes). Default `true`. */
  readonly allowV1?: boolean;
  /** Milliseconds the handshake may take; `Infinity` for no limit. Default {@link DEFAULT_HANDSHAKE_TIMEOUT}. */
  readonly timeout?: number;
  /** Scheduler of the timeout. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The transport a connection ended up with, and the {@link WireProtocol} to build its `Peer` with.
 *
 * @example
 * ```ts
 * const info = { transport_protocol_type: t.transport, session_id: t.transport === 'v2' ? t.protocol.sessionId : '' };
 * ```
 */
export type NegotiatedTransport =
  | { readonly transport: 'v1'; readonly protocol: WireProtocol<BitcoinMessage> }
  | { readonly transport: 'v2'; readonly protocol: V2SessionProtocol };

/**
 * Runs the BIP324 handshake on a fresh socket, before any `Peer` exists, and emits the transport
 * it settled on, then completes. Outbound it speaks v2; inbound it detects v1 from the first 16
 * bytes (a v1 `version` header for our magic) and otherwise answers as a v2 responder.
 *
 * On success the socket is handed over paused, with every byte not consumed by the handshake
 * (a v1 initiator's first bytes, or the first v2 packets after the version packet) put back with
 * `socket.unshift`: build the `Peer` at once from `transport.protocol`; `Peer` resumes it.
 *
 * On failure the socket is destroyed and the error says why: {@link V2HangupError} and
 * `V1ResponseError` mean "retry once with v1" (see `isV1Fallback`), a `ProtocolError` carries its
 * ban score, {@link V2HandshakeTimeoutError} is a plain timeout. Unsubscribing before the end
 * destroys the socket and removes every listener and timer.
 *
 * @throws InvalidOptionError (synchronously) for a timeout that is not a number >= 0.
 * @example
 * ```ts
 * tcpDial(addr).pipe(
 *   switchMap((socket) => negotiateTransport(socket, { initiating: true, magic }).pipe(
 *     map((t) => new Peer(socket, t.protocol)))),
 * );
 * ```
 */
export function negotiateTransport(socket: Socket, options: NegotiateTransportOptions): Observable<NegotiatedTransport> {
  const timeout = options.timeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidOptionError('timeout', timeout, 'a number of milliseconds >= 0, or Infinity');
  }
  const magic = options.magic ?? NETWORKS.mainnet.magic;
  const scheduler = options.scheduler ?? asyncScheduler;
  const protocolOptions = protocolOptionsOf(options);
  const handshakeOptions: V2HandshakeOptions = {
    initiating: options.initiating,
    magic,
    randomBytes: options.randomBytes ?? ((length) => new Uint8Array(cryptoRandomBytes(length))),
    ...(options.garbageLength === undefined ? {} : { garbageLength: options.garbageLength }),
    ...(options.decoys === undefined ? {} : { decoys: options.decoys }),
    ...(options.allowV1 === undefined ? {} : { allowV1: options.allowV1 }),
    ...(options.garbageWithKey === undefined ? {} : { garbageWithKey: options.garbageWithKey }),
  };

  return new Observable<NegotiatedTransport>((subscriber) => {
    const handshake = new V2Handshake(handshakeOptions);
    let settled = false;
    let bytesReceived = 0;
    let timer: Subscription | undefined;

    const detach = (): void => {
      settled = true;
      timer?.unsubscribe();
      socket.off('data', onData);
      socket.off('end', onHangup);
      socket.off('close', onHangup);
      socket.off('error', onError);
    };
    const release = (): void => {
      detach();
      // An error already in flight would otherwise be unhandled once our listener is gone.
      socket.on('error', () => {});
      socket.destroy();
    };
    const fail = (error: unknown): void => {
      release();
      subscriber.error(error);
    };
    function onData(chunk: Buffer): void {
      bytesReceived += chunk.length;
      try {
        const step = handshake.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (step.send.length > 0) socket.write(step.send);
        const outcome = step.outcome;
        if (outcome === undefined) return;
        detach();
        // Paused so nothing is emitted to no one between here and the Peer's 'data' listener.
        socket.pause();
        const rest = outcome.transport === 'v1' ? outcome.received : outcome.leftover;
        if (rest.length > 0) socket.unshift(Buffer.from(rest));
        subscriber.next(
          outcome.transport === 'v1'
            ? { transport: 'v1', protocol: bitcoinProtocol(protocolOptions) }
            : { transport: 'v2', protocol: v2Protocol(outcome.cipher, protocolOptions) },
        );
        subscriber.complete();
      } catch (error) {
        fail(error);
      }
    }
    function onHangup(): void {
      fail(new V2HangupError(bytesReceived));
    }
    function onError(error: Error): void {
      fail(new V2HangupError(bytesReceived, { cause: error }));
    }

    if (socket.destroyed) {
      fail(new V2HangupError(0));
      return undefined;
    }
    socket.on('data', onData);
    socket.on('end', onHangup);
    socket.on('close', onHangup);
    socket.on('error', onError);
    if (timeout !== Infinity) {
      timer = scheduler.schedule(() => {
        if (!settled) fail(new V2HandshakeTimeoutError(timeout));
      }, timeout);
    }
    const first = handshake.start();
    if (first.length > 0) socket.write(first);
    return () => {
      if (!settled) release();
    };
  });
}

/**
 * The options both transports' protocols are built with: the magic (default mainnet) and, if set,
 * `maxPayload`.
 *
 * @example
 * ```ts
 * bitcoinProtocol(protocolOptionsOf({ magic: NETWORKS.regtest.magic }));
 * ```
 */
export function protocolOptionsOf(options: Pick<NegotiateTransportOptions, 'magic' | 'maxPayload'>): BitcoinProtocolOptions {
  const magic = options.magic ?? NETWORKS.mainnet.magic;
  return options.maxPayload === undefined ? { magic } : { magic, maxPayload: options.maxPayload };
}
