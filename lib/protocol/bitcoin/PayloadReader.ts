import { MalformedPayloadError } from './errors.js';
import { decodeVarInt, decodeVarStr } from './varint.js';

/**
 * A bounds-checked cursor over one message payload. Every read checks that its bytes exist and
 * throws {@link MalformedPayloadError} otherwise, so a lying or truncated payload can never surface
 * as a `RangeError` from a `DataView`. Internal to the message codecs.
 *
 * @example
 * ```ts
 * const reader = new PayloadReader(payload);
 * const nonce = reader.u64le('nonce');
 * ```
 */
export class PayloadReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The number of bytes not read yet. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** The offset of the next byte to read. */
  get offset(): number {
    return this.#offset;
  }

  /** Reads one byte. */
  u8(field: string): number {
    return this.#view.getUint8(this.#advance(1, field));
  }

  /** Reads a big-endian uint16 (ports are big-endian on the wire). */
  u16be(field: string): number {
    return this.#view.getUint16(this.#advance(2, field), false);
  }

  /** Reads a little-endian uint32. */
  u32le(field: string): number {
    return this.#view.getUint32(this.#advance(4, field), true);
  }

  /** Reads a little-endian int32. */
  i32le(field: string): number {
    return this.#view.getInt32(this.#advance(4, field), true);
  }

  /** Reads a little-endian uint64. */
  u64le(field: string): bigint {
    return this.#view.getBigUint64(this.#advance(8, field), true);
  }

  /** Reads a little-endian int64. */
  i64le(field: string): bigint {
    return this.#view.getBigInt64(this.#advance(8, field), true);
  }

  /** Reads `count` bytes into a fresh array (never a view of the payload). */
  bytes(count: number, field: string): Uint8Array {
    const at = this.#advance(count, field);
    return this.#bytes.slice(at, at + count);
  }

  /** Reads a CompactSize. */
  varInt(): bigint {
    const { value, offset } = decodeVarInt(this.#bytes, this.#offset);
    this.#offset = offset;
    return value;
  }

  /** Reads a var_str of at most `maxLength` bytes. */
  varStr(maxLength: number): string {
    const { value, offset } = decodeVarStr(this.#bytes, this.#offset, maxLength);
    this.#offset = offset;
    return value;
  }

  #advance(count: number, field: string): number {
    const at = this.#offset;
    if (this.remaining < count) {
      throw new MalformedPayloadError(`${field} needs ${count} bytes, ${this.remaining} left`, at);
    }
    this.#offset = at + count;
    return at;
  }
}
