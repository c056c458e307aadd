import { encodeVarInt, encodeVarStr } from './varint.js';

/**
 * An append-only byte builder for message payloads: grows by doubling, so building a payload of n
 * bytes costs O(n). It writes what it is given; range checks belong to the message encoders, which
 * know the field names. Internal to the message codecs.
 *
 * @example
 * ```ts
 * const payload = new PayloadWriter().u64le(nonce).finish();
 * ```
 */
export class PayloadWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #length = 0;

  /** @param capacity - initial size in bytes (default 64); it grows as needed. */
  constructor(capacity = 64) {
    this.#buffer = new Uint8Array(Math.max(capacity, 1));
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Appends one byte. */
  u8(value: number): this {
    this.#view.setUint8(this.#reserve(1), value);
    return this;
  }

  /** Appends a big-endian uint16. */
  u16be(value: number): this {
    this.#view.setUint16(this.#reserve(2), value, false);
    return this;
  }

  /** Appends a little-endian uint32. */
  u32le(value: number): this {
    this.#view.setUint32(this.#reserve(4), value, true);
    return this;
  }

  /** Appends a little-endian int32. */
  i32le(value: number): this {
    this.#view.setInt32(this.#reserve(4), value, true);
    return this;
  }

  /** Appends a little-endian uint64. */
  u64le(value: bigint): this {
    this.#view.setBigUint64(this.#reserve(8), value, true);
    return this;
  }

  /** Appends a little-endian int64. */
  i64le(value: bigint): this {
    this.#view.setBigInt64(this.#reserve(8), value, true);
    return this;
  }

  /** Appends raw bytes. */
  bytes(value: Uint8Array): this {
    this.#buffer.set(value, this.#reserve(value.length));
    return this;
  }

  /** Appends a CompactSize. */
  varInt(value: bigint | number): this {
    return this.bytes(encodeVarInt(value));
  }

  /** Appends a var_str. */
  varStr(text: string): this {
    return this.bytes(encodeVarStr(text));
  }

  /** The bytes written so far, as an array of exactly that length. */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  #reserve(count: number): number {
    const at = this.#length;
    const needed = at + count;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, at));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = needed;
    return at;
  }
}
