import { ByteQueue } from '../bitcoin/ByteQueue.js';
import { V2DecryptError, V2OversizePacketError } from './errors.js';
import { HEADER_SIZE, LENGTH_FIELD_SIZE, TAG_SIZE, type V2Cipher, type V2Packet } from './V2Cipher.js';

/**
 * Options of {@link V2PacketReader}.
 *
 * @example
 * ```ts
 * new V2PacketReader(cipher, { aad: receivedGarbage, maxContents: 4_000_013 });
 * ```
 */
export interface V2PacketReaderOptions {
  /** Authenticated data of the first packet: the garbage the remote sent. Default empty. */
  readonly aad?: Uint8Array;
  /** Longest accepted contents; longer packets fail from their length field. Default 4,000,013. */
  readonly maxContents?: number;
}

/** Core's limit: a maximal message (4,000,000 bytes) plus a 13-byte message type. */
export const DEFAULT_MAX_CONTENTS = 4_000_013;

/**
 * Cuts a received v2 byte stream into packets, one at a time: push bytes, then call `next` until
 * it returns `undefined`. Each length field is decrypted exactly once, as soon as its 3 bytes are
 * in, so an oversize packet is refused before its body is buffered. Decoys are returned too (with
 * `ignore: true`); dropping them is the caller's choice.
 *
 * @example
 * ```ts
 * const reader = new V2PacketReader(cipher);
 * reader.push(chunk);
 * for (let p = reader.next(); p !== undefined; p = reader.next()) if (!p.ignore) handle(p.contents);
 * ```
 */
export class V2PacketReader {
  readonly #cipher: V2Cipher;
  readonly #maxContents: number;
  readonly #queue = new ByteQueue();
  #aad: Uint8Array;
  #length: number | undefined;
  #index = 0;

  /**
   * @param cipher - the session's ciphers (its receiving half advances).
   * @param options - see {@link V2PacketReaderOptions}.
   */
  constructor(cipher: V2Cipher, options: V2PacketReaderOptions = {}) {
    this.#cipher = cipher;
    this.#aad = options.aad ?? new Uint8Array(0);
    this.#maxContents = options.maxContents ?? DEFAULT_MAX_CONTENTS;
  }

  /** Buffers received bytes (kept by reference until consumed). */
  push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
  }

  /**
   * The next complete packet, or `undefined` until more bytes arrive.
   *
   * @throws V2OversizePacketError or V2DecryptError; the reader is then out of sync for good.
   */
  next(): V2Packet | undefined {
    if (this.#length === undefined) {
      if (this.#queue.length < LENGTH_FIELD_SIZE) return undefined;
      const length = this.#cipher.decryptLength(this.#queue.take(LENGTH_FIELD_SIZE));
      if (length > this.#maxContents) throw new V2OversizePacketError(this.#index, length, this.#maxContents);
      this.#length = length;
    }
    const length = this.#length;
    if (this.#queue.length < HEADER_SIZE + length + TAG_SIZE) return undefined;
    const packet = this.#cipher.decrypt(this.#queue.take(HEADER_SIZE + length + TAG_SIZE), this.#aad);
    if (packet === undefined) throw new V2DecryptError(this.#index, length);
    this.#length = undefined;
    this.#aad = new Uint8Array(0);
    this.#index += 1;
    return packet;
  }

  /**
   * Removes and returns the buffered bytes not yet part of any packet. Only meaningful between
   * packets (no length pending), which is where the handshake stops.
   */
  takeRest(): Uint8Array {
    return this.#queue.take(this.#queue.length);
  }
}
