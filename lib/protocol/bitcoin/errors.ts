import { ProtocolError } from '../WireProtocol.js';
import { networkByMagic } from './networks.js';

// Ban scores. Bitcoin Core and btcd charge no score for framing faults: they disconnect on a wrong
// magic or an oversize header (the stream cannot be resynchronised) and merely drop a message with
// a bad checksum, an invalid command or an undecodable payload. Our decoders are poisoned by every
// fault, so the connection closes in all cases; the score only decides whether the address is also
// banned. The rule used: 100 where Core/btcd disconnect (stream-level faults: honest software on
// our network never produces them, and banning stops us redialling a useless peer), 10 where Core
// drops the message and carries on (could be corruption or a harmless bug), and Core's historical
// Misbehaving(20) for an oversize addr.

/**
 * A frame started with another network's magic (or with garbage). The peer is on another network
 * or the stream is out of sync; Core and btcd disconnect. **Ban score 100**: such a peer is useless
 * to us, and banning it keeps the connection manager from redialling it.
 *
 * @example
 * ```ts
 * // a mainnet decoder fed a testnet3 frame:
 * // BadMagicError: bad network magic 0x0709110b (testnet3), expected 0xd9b4bef9 (mainnet)
 * ```
 */
export class BadMagicError extends ProtocolError {
  override readonly name = 'BadMagicError';
  constructor(
    /** The magic found in the frame header (little-endian uint32). */
    readonly received: number,
    /** The magic this decoder accepts. */
    readonly expected: number,
  ) {
    super(`bad network magic ${describeMagic(received)}, expected ${describeMagic(expected)}`, 100);
  }
}

/**
 * A frame header announced a payload longer than the decoder's `maxPayload` (default 4,000,000
 * bytes, Core's `MAX_PROTOCOL_MESSAGE_LENGTH`). Raised as soon as the header is read, before any of
 * the payload is buffered. Core disconnects. **Ban score 100**: Core never sends such a frame, and
 * accepting it would let a peer make us buffer gigabytes.
 *
 * @example
 * ```ts
 * // OversizeMessageError: "block" frame announces 4000001 payload bytes, more than the limit of 4000000
 * ```
 */
export class OversizeMessageError extends ProtocolError {
  override readonly name = 'OversizeMessageError';
  constructor(
    /** The command of the oversize frame. */
    readonly command: string,
    /** The payload length announced in the header. */
    readonly length: number,
    /** The limit it exceeded. */
    readonly maxPayload: number,
  ) {
    super(`${JSON.stringify(command)} frame announces ${length} payload bytes, more than the limit of ${maxPayload}`, 100);
  }
}

/**
 * A frame's checksum (first 4 bytes of SHA256(SHA256(payload))) did not match its payload. Core
 * logs and drops the message. **Ban score 10**: corruption is possible, so one bad checksum must
 * not ban, but a peer that keeps sending them accumulates a ban.
 *
 * @example
 * ```ts
 * // BadChecksumError: "ping" frame checksum is ffffffff, payload hashes to 0ff35e10
 * ```
 */
export class BadChecksumError extends ProtocolError {
  override readonly name = 'BadChecksumError';
  constructor(
    /** The command of the frame. */
    readonly command: string,
    /** The 4 checksum bytes found in the header. */
    readonly received: Uint8Array,
    /** The 4 bytes the payload actually hashes to. */
    readonly expected: Uint8Array,
  ) {
    super(`${JSON.stringify(command)} frame checksum is ${toHex(received)}, payload hashes to ${toHex(expected)}`, 10);
  }
}

/**
 * A frame's 12-byte command field is not printable ASCII (0x20–0x7e) padded with NULs: it holds a
 * control or non-ASCII byte, or a non-NUL byte after the first NUL. Core drops such a message
 * ("Invalid message type"). **Ban score 10**, as for a bad checksum.
 *
 * @example
 * ```ts
 * // BadCommandError: invalid command field 76657200616b0000… ("ver\u0000ak…"): a non-NUL byte follows the first NUL
 * ```
 */
export class BadCommandError extends ProtocolError {
  override readonly name = 'BadCommandError';
  constructor(
    /** The 12 bytes of the command field, as received. */
    readonly bytes: Uint8Array,
    /** Why they were rejected. */
    readonly reason: string,
  ) {
    super(`invalid command field ${toHex(bytes)} (${JSON.stringify(latin1(bytes))}): ${reason}`, 10);
  }
}

/**
 * A payload could not be decoded: it is truncated, a CompactSize is not minimally encoded, or a
 * length exceeds its bound. Never a `RangeError` from a buffer read. Core drops such a message.
 * **Ban score 10**, as for a bad checksum.
 *
 * @example
 * ```ts
 * // MalformedPayloadError: malformed "ping" payload at byte 0: nonce needs 8 bytes, 7 left
 * ```
 */
export class MalformedPayloadError extends ProtocolError {
  override readonly name = 'MalformedPayloadError';
  constructor(
    /** What is wrong, naming the offending field or value. */
    readonly reason: string,
    /** Offset in the payload (or in the buffer being read) where decoding failed. */
    readonly offset: number,
    /** The command whose payload it is; `undefined` when raised by a bare `varint` read. */
    readonly command?: string,
  ) {
    super(`malformed ${command === undefined ? '' : `${JSON.stringify(command)} `}payload at byte ${offset}: ${reason}`, 10);
  }

  /** The same error, attributed to the payload of `command`. */
  inCommand(command: string): MalformedPayloadError {
    return new MalformedPayloadError(this.reason, this.offset, command);
  }
}

/**
 * A list-carrying message announced more entries than Core accepts: `getdata` / `notfound` over
 * 50,000 (`MAX_INV_SZ`), a `getheaders` / `getblocks` locator over 101 (`MAX_LOCATOR_SZ`), `headers`
 * over 2,000 (`MAX_HEADERS_RESULTS`). Raised from the count alone, before reading entries. **Ban
 * score 20**, Core's historical `Misbehaving(pfrom, 20, "… message size")` (for an oversize locator
 * Core disconnects without a score; 20 does not ban on its own either).
 *
 * @example
 * ```ts
 * // TooManyEntriesError: getdata message announces 50001 entries, more than the limit of 50000
 * ```
 */
export class TooManyEntriesError extends ProtocolError {
  override readonly name: string = 'TooManyEntriesError';
  constructor(
    /** The command of the message. */
    readonly command: string,
    /** The entry count announced by the message. */
    readonly count: bigint,
    /** The limit it exceeded. */
    readonly limit: number,
  ) {
    super(`${command} message announces ${count} entries, more than the limit of ${limit}`, 20);
  }
}

/**
 * An `addr` or `addrv2` message announced more than 1,000 entries (Core's `MAX_ADDR_TO_SEND`,
 * BIP155's limit). Raised from the count alone, before reading entries. **Ban score 20**, Bitcoin
 * Core's historical `Misbehaving(pfrom, 20, "addr message size")` (Core 28+ discourages at once for
 * any misbehaviour).
 *
 * @example
 * ```ts
 * // TooManyAddressesError: addr message announces 1001 entries, more than the limit of 1000
 * ```
 */
export class TooManyAddressesError extends TooManyEntriesError {
  override readonly name = 'TooManyAddressesError';
  /**
   * @param count - the entry count announced by the message.
   * @param limit - the limit it exceeded.
   * @param command - `'addr'` (the default) or `'addrv2'`.
   */
  constructor(count: bigint, limit: number, command = 'addr') {
    super(command, count, limit);
  }
}

/**
 * Thrown by encoders when a message handed to them cannot be put on the wire (a field out of range,
 * an IP that is not 16 bytes, a command that is not printable ASCII…). Our own fault, so it is a
 * `TypeError`, not a {@link ProtocolError}.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'ping', nonce: -1n });
 * // InvalidMessageError: cannot encode "ping": nonce is -1, expected an integer 0–18446744073709551615
 * ```
 */
export class InvalidMessageError extends TypeError {
  override readonly name = 'InvalidMessageError';
  constructor(
    /** The command being encoded (or the wire element, such as `var_int`). */
    readonly command: string,
    /** The offending field, e.g. `addrRecv.port`. */
    readonly field: string,
    /** The offending value, as given. */
    readonly value: unknown,
    /** What was expected. */
    readonly expected: string,
  ) {
    super(`cannot encode ${JSON.stringify(command)}: ${field} is ${describe(value)}, expected ${expected}`);
  }
}

function describeMagic(magic: number): string {
  const network = networkByMagic(magic);
  const hex = `0x${(magic >>> 0).toString(16).padStart(8, '0')}`;
  return network === undefined ? hex : `${hex} (${network.name})`;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `a ${value.length}-byte array`;
  if (typeof value === 'string') return JSON.stringify(value);
  return `${String(value)} (${typeof value})`;
}
