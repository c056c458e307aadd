import { chacha20 } from '@noble/ciphers/chacha.js';

/** Messages (chunks or packets) per key before a BIP324 cipher rekeys itself. */
export const REKEY_INTERVAL = 224;

/** The 12-byte nonce `le32(first) || le64(rekeys)` both BIP324 ciphers use. */
export function rekeyNonce(first: number, rekeys: number): Uint8Array {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(0, first, true);
  view.setBigUint64(4, BigInt(rekeys), true);
  return nonce;
}

/**
 * FSChaCha20, BIP324's length cipher: one ChaCha20 keystream consumed chunk after chunk (a chunk
 * is one `crypt` call, i.e. one 3-byte packet length), rekeyed every {@link REKEY_INTERVAL} chunks
 * from the next 32 keystream bytes, so a key leaked later does not reveal earlier lengths.
 * Encryption and decryption are the same operation. Stateful: one instance per direction.
 *
 * @example
 * ```ts
 * const send = new FSChaCha20(keys.initiatorL);
 * const encryptedLength = send.crypt(Uint8Array.of(5, 0, 0));
 * ```
 */
export class FSChaCha20 {
  #key: Uint8Array;
  #blockCounter = 0;
  #chunkCounter = 0;
  #keystream = new Uint8Array(0);

  /** @param key - the 32-byte initial key. */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`FSChaCha20 key must be 32 bytes, got ${key.length}`);
    this.#key = key.slice();
  }

  /** XORs `chunk` with the next keystream bytes; returns a new array. */
  crypt(chunk: Uint8Array): Uint8Array {
    const keystream = this.#take(chunk.length);
    const out = new Uint8Array(chunk.length);
    for (let i = 0; i < chunk.length; i += 1) out[i] = (chunk[i] as number) ^ (keystream[i] as number);
    if ((this.#chunkCounter + 1) % REKEY_INTERVAL === 0) {
      this.#key = this.#take(32);
      this.#blockCounter = 0;
    }
    this.#chunkCounter += 1;
    return out;
  }

  #take(count: number): Uint8Array {
    if (this.#keystream.length < count) {
      const blocks = Math.ceil((count - this.#keystream.length) / 64);
      const nonce = rekeyNonce(0, Math.floor(this.#chunkCounter / REKEY_INTERVAL));
      const fresh = chacha20(this.#key, nonce, new Uint8Array(blocks * 64), undefined, this.#blockCounter);
      this.#blockCounter += blocks;
      const joined = new Uint8Array(this.#keystream.length + fresh.length);
      joined.set(this.#keystream);
      joined.set(fresh, this.#keystream.length);
      this.#keystream = joined;
    }
    const out = this.#keystream.slice(0, count);
    this.#keystream = this.#keystream.subarray(count);
    return out;
  }
}
