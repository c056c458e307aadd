import { InvalidOptionError } from '../../shared/InvalidOptionError.js';
import { InvalidMessageError, MalformedPayloadError } from './errors.js';

/** The largest value a CompactSize can carry (uint64). */
const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

/**
 * A value read from a buffer and the offset just after it, so reads can be chained without state.
 *
 * @example
 * ```ts
 * const { value: count, offset } = decodeVarInt(payload, 0);
 * ```
 */
export interface Decoded<T> {
  /** The decoded value. */
  readonly value: T;
  /** The offset of the first byte after the value. */
  readonly offset: number;
}

/**
 * Encodes `value` as a Bitcoin CompactSize ("var_int"): one byte below 0xfd, else a marker byte
 * (0xfd / 0xfe / 0xff) followed by a little-endian uint16 / uint32 / uint64, always the shortest form.
 *
 * @throws InvalidMessageError unless `value` is an integer 0 … 2^64−1.
 * @example
 * ```ts
 * encodeVarInt(252);   // fc
 * encodeVarInt(253);   // fd fd 00
 * encodeVarInt(2n**32n); // ff 00 00 00 00 01 00 00 00
 * ```
 */
export function encodeVarInt(value: bigint | number): Uint8Array {
  const n = toUint64(value);
  if (n < 0xfdn) return Uint8Array.of(Number(n));
  if (n <= 0xffffn) {
    const out = new Uint8Array(3);
    out[0] = 0xfd;
    new DataView(out.buffer).setUint16(1, Number(n), true);
    return out;
  }
  if (n <= 0xffff_ffffn) {
    const out = new Uint8Array(5);
    out[0] = 0xfe;
    new DataView(out.buffer).setUint32(1, Number(n), true);
    return out;
  }
  const out = new Uint8Array(9);
  out[0] = 0xff;
  new DataView(out.buffer).setBigUint64(1, n, true);
  return out;
}

/**
 * Reads a CompactSize ("var_int") at `offset`. Strict like Core's `ReadCompactSize`: a value that
 * has a shorter encoding (e.g. `fd 05 00`) is rejected, so every value has exactly one encoding.
 * Size limits are the caller's business (e.g. addr's 1,000 entries).
 *
 * @throws MalformedPayloadError when the bytes end early or the encoding is not minimal.
 * @example
 * ```ts
 * decodeVarInt(Uint8Array.of(0xfd, 0x00, 0x01), 0); // { value: 256n, offset: 3 }
 * ```
 */
export function decodeVarInt(bytes: Uint8Array, offset = 0): Decoded<bigint> {
  requireBytes(bytes, offset, 1, 'var_int');
  const marker = bytes[offset] as number;
  if (marker < 0xfd) return { value: BigInt(marker), offset: offset + 1 };
  const width = marker === 0xfd ? 2 : marker === 0xfe ? 4 : 8;
  requireBytes(bytes, offset, 1 + width, `var_int with marker 0x${marker.toString(16)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset + 1, width);
  const value = width === 2 ? BigInt(view.getUint16(0, true)) : width === 4 ? BigInt(view.getUint32(0, true)) : view.getBigUint64(0, true);
  const smallest = width === 2 ? 0xfdn : width === 4 ? 0x1_0000n : 0x1_0000_0000n;
  if (value < smallest) {
    throw new MalformedPayloadError(`non-canonical var_int: ${value} encoded in ${1 + width} bytes`, offset);
  }
  return { value, offset: offset + 1 + width };
}

/**
 * Encodes text as a Bitcoin "var_str": CompactSize byte length, then the UTF-8 bytes.
 *
 * @example
 * ```ts
 * encodeVarStr('/Satoshi:0.7.2/'); // 0f 2f 53 61 …
 * ```
 */
export function encodeVarStr(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  const length = encodeVarInt(utf8.length);
  const out = new Uint8Array(length.length + utf8.length);
  out.set(length, 0);
  out.set(utf8, length.length);
  return out;
}

/**
 * Reads a "var_str" at `offset`: CompactSize byte length, then that many bytes, decoded as UTF-8.
 * Invalid UTF-8 is replaced by U+FFFD rather than rejected (Core sanitises user agents the same
 * lenient way), so only the framing of the string can make it fail.
 *
 * @param maxLength - longest accepted byte length; default unlimited (the bytes must exist anyway,
 *   so a lying length cannot make us allocate).
 * @throws MalformedPayloadError when the bytes end early or the length exceeds `maxLength`.
 * @example
 * ```ts
 * decodeVarStr(bytes, 80, 256); // { value: '/Satoshi:0.7.2/', offset: 96 }
 * ```
 */
export function decodeVarStr(bytes: Uint8Array, offset = 0, maxLength = Number.POSITIVE_INFINITY): Decoded<string> {
  const { value: length, offset: start } = decodeVarInt(bytes, offset);
  if (length > BigInt(Math.min(maxLength, Number.MAX_SAFE_INTEGER))) {
    throw new MalformedPayloadError(`var_str length ${length} exceeds the limit of ${maxLength}`, offset);
  }
  const n = Number(length);
  requireBytes(bytes, start, n, `var_str of ${n} bytes`);
  const value = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, start + n));
  return { value, offset: start + n };
}

function requireBytes(bytes: Uint8Array, offset: number, count: number, what: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidOptionError('offset', offset, 'a non-negative integer');
  }
  const left = bytes.length - offset;
  if (left < count) {
    throw new MalformedPayloadError(`${what} needs ${count} bytes, ${Math.max(left, 0)} left`, offset);
  }
}

function toUint64(value: bigint | number): bigint {
  const ok = typeof value === 'bigint' ? value >= 0n && value <= MAX_UINT64 : Number.isSafeInteger(value) && value >= 0;
  if (!ok) throw new InvalidMessageError('var_int', 'value', value, `an integer 0–${MAX_UINT64}`);
  return BigInt(value);
}
