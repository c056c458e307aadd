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
    const at = this.#reserve(1);
    this.#view.setUint8(at, value);
    return this;
  }

  /** Appends a big-endian uint16. */
  u16be(value: number): this {
    const at = this.#reserve(2);
    this.#view.setUint16(at, value, false);
    return this;
  }

  /** Appends a little-endian uint32. */
  u32le(value: number): this {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value, true);
    return this;
  }

  /** Appends a little-endian int32. */
  i32le(value: number): this {
    const at = this.#reserve(4);
    this.#view.setInt32(at, value, true);
    return this;
  }

  /** Appends a little-endian uint64. */
  u64le(value: bigint): this {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, value, true);
    return this;
  }

  /** Appends a little-endian int64. */
  i64le(value: bigint): this {
    const at = this.#reserve(8);
    this.#view.setBigInt64(at, value, true);
    return this;
  }

  /** Appends raw bytes. */
  bytes(value: Uint8Array): this {
    const at = this.#reserve(value.length);
    this.#buffer.set(value, at);
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

  /**
   * Makes room for `count` more bytes and returns where they go. It may replace `#buffer` and
   * `#view`, so callers must call it before reading either (`this.#view.setX(this.#reserve(n), …)`
   * would write through the old view).
   */
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
