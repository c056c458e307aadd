import { bytesToHex as hexOf } from '@noble/hashes/utils.js';
import { ProtocolError } from '../WireProtocol.js';

// Ban scores of the v2 transport. Every fault after the key exchange (a packet that does not
// authenticate, a length over the limit, no garbage terminator) could as well be the work of a
// third party on the path, who can inject bytes into the TCP stream without knowing the keys: the
// peer is not provably at fault. So each costs 10, as a v1 bad checksum does — the session ends
// (the stream cannot be resynchronised), one fault never bans, repeated ones do. A v1 peer from
// another network costs 100, as v1's BadMagicError.

/** Ban score of every v2 cipher-level fault; see the note in errors.ts. */
export const V2_FAULT_BAN_SCORE = 10;

/**
 * A v2 packet did not authenticate: tampered with, sent with other keys, or out of sync.
 * **Ban score 10** (see above).
 *
 * @example
 * ```ts
 * // V2DecryptError: v2 packet 3 (42 content bytes) failed authentication
 * ```
 */
export class V2DecryptError extends ProtocolError {
  override readonly name = 'V2DecryptError';
  constructor(
    /** Index of the packet among those received (0 = the first after the garbage). */
    readonly packetIndex: number,
    /** The contents length its (unauthenticated) length field announced. */
    readonly length: number,
  ) {
    super(`v2 packet ${packetIndex} (${length} content bytes) failed authentication`, V2_FAULT_BAN_SCORE);
  }
}

/**
 * A v2 packet's decrypted length field announces more than the limit. Raised before any of the
 * packet is buffered. **Ban score 10**: the length is not yet authenticated.
 *
 * @example
 * ```ts
 * // V2OversizePacketError: v2 packet 0 announces 16777215 content bytes, more than the limit of 4000013
 * ```
 */
export class V2OversizePacketError extends ProtocolError {
  override readonly name = 'V2OversizePacketError';
  constructor(
    /** Index of the packet among those received. */
    readonly packetIndex: number,
    /** The announced contents length. */
    readonly length: number,
    /** The limit it exceeded. */
    readonly limit: number,
  ) {
    super(`v2 packet ${packetIndex} announces ${length} content bytes, more than the limit of ${limit}`, V2_FAULT_BAN_SCORE);
  }
}

/**
 * The remote's garbage ran past 4095 bytes with no garbage terminator: not a BIP324 peer, or keys
 * that do not match (e.g. another network's magic). **Ban score 10**.
 *
 * @example
 * ```ts
 * // V2GarbageTooLongError: no garbage terminator within the first 4111 bytes after the key
 * ```
 */
export class V2GarbageTooLongError extends ProtocolError {
  override readonly name = 'V2GarbageTooLongError';
  constructor(
    /** Bytes searched. */
    readonly searched: number,
  ) {
    super(`no garbage terminator within the first ${searched} bytes after the key`, V2_FAULT_BAN_SCORE);
  }
}

/**
 * An authenticated packet whose contents are not a message: empty, or a long message type cut
 * short. **Ban score 10**: no honest implementation sends it, but it costs us nothing.
 *
 * @example
 * ```ts
 * // V2MalformedContentsError: v2 message contents 00616464 (4 bytes): a 0x00 message type needs 12 more bytes
 * ```
 */
export class V2MalformedContentsError extends ProtocolError {
  override readonly name = 'V2MalformedContentsError';
  constructor(
    /** The contents received. */
    readonly contents: Uint8Array,
    /** What was wrong. */
    readonly reason: string,
  ) {
    super(`v2 message contents ${hexOf(contents.subarray(0, 16))} (${contents.length} bytes): ${reason}`, V2_FAULT_BAN_SCORE);
  }
}

/**
 * An inbound connection began with another network's magic followed by `version`: a v1 node of
 * the wrong network (the BIP's optional check). **Ban score 100**, as v1's `BadMagicError`.
 *
 * @example
 * ```ts
 * // V1WrongNetworkError: inbound v1 version header with magic 0b110907, not ours
 * ```
 */
export class V1WrongNetworkError extends ProtocolError {
  override readonly name = 'V1WrongNetworkError';
  constructor(
    /** The 4 magic bytes received. */
    readonly magic: Uint8Array,
  ) {
    super(`bad network magic: inbound v1 version header with magic ${hexOf(magic)}, not ours`, 100);
  }
}

/**
 * Base of the outcomes of a v2 attempt that mean "this peer may speak only v1": the connection
 * manager retries the same request once with the v1 transport (btcd's and Core's downgrade).
 * Not a {@link ProtocolError}: nothing was proven wrong, so nothing is charged.
 *
 * @example
 * ```ts
 * if (isV1Fallback(error)) redial(req, { transport: 'v1' });
 * ```
 */
export class V2FallbackError extends Error {
  override readonly name: string = 'V2FallbackError';
  /** Always `true`: the classification the connection manager reads. */
  readonly retryWithV1 = true;
}

/**
 * Our v2 initiation was answered with v1 bytes (the reply starts with our network magic).
 *
 * @example
 * ```ts
 * // V1ResponseError: the responder answered with v1 bytes f9beb4d9…
 * ```
 */
export class V1ResponseError extends V2FallbackError {
  override readonly name = 'V1ResponseError';
  constructor(
    /** The first bytes received. */
    readonly received: Uint8Array,
  ) {
    super(`the responder answered with v1 bytes ${hexOf(received.subarray(0, 16))}`);
  }
}

/**
 * The remote hung up (or reset) before the v2 handshake completed, as a v1-only node does when our
 * 64-byte key reaches its v1 frame decoder.
 *
 * @example
 * ```ts
 * // V2HangupError: connection closed after 0 bytes, before the v2 handshake completed
 * ```
 */
export class V2HangupError extends V2FallbackError {
  override readonly name = 'V2HangupError';
  constructor(
    /** Bytes received from the remote before it hung up. */
    readonly bytesReceived: number,
    options?: ErrorOptions,
  ) {
    super(`connection closed after ${bytesReceived} bytes, before the v2 handshake completed`, options);
  }
}

/**
 * The v2 handshake did not complete within its time limit. Not a fallback: a slow peer is not a
 * v1 peer (Core does not downgrade on a timeout either).
 *
 * @example
 * ```ts
 * // V2HandshakeTimeoutError: v2 handshake not complete after 10000 ms
 * ```
 */
export class V2HandshakeTimeoutError extends Error {
  override readonly name = 'V2HandshakeTimeoutError';
  constructor(
    /** The limit, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`v2 handshake not complete after ${timeout} ms`);
  }
}

/**
 * Whether a failed v2 attempt should be retried once with v1 on the same request.
 *
 * @example
 * ```ts
 * isV1Fallback(new V2HangupError(0)); // true
 * isV1Fallback(new V2DecryptError(0, 1)); // false: a real v2 peer misbehaved
 * ```
 */
export function isV1Fallback(error: unknown): error is V2FallbackError {
  return error instanceof V2FallbackError;
}
