import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { REKEY_INTERVAL, rekeyNonce } from './FSChaCha20.js';

/**
 * FSChaCha20Poly1305, BIP324's packet cipher: ChaCha20Poly1305 whose nonce counts the packets,
 * rekeyed every {@link REKEY_INTERVAL} packets (the new key is keystream bytes 64–95 under the
 * nonce `0xffffffff || le64(rekeys)`, what the BIP's "encrypt 32 zero bytes" amounts to).
 * Stateful, one direction only: a sender calls only `encrypt`, a receiver only `decrypt`.
 *
 * @example
 * ```ts
 * const send = new FSChaCha20Poly1305(keys.initiatorP);
 * const sealed = send.encrypt(aad, plaintext); // plaintext.length + 16 bytes
 * ```
 */
export class FSChaCha20Poly1305 {
  #key: Uint8Array;
  #packetCounter = 0;

  /** @param key - the 32-byte initial key. */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`FSChaCha20Poly1305 key must be 32 bytes, got ${key.length}`);
    this.#key = key.slice();
  }

  /** Seals `plaintext` (with `aad` authenticated): ciphertext plus the 16-byte tag. */
  encrypt(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.#crypt((cipher) => cipher.encrypt(plaintext), aad);
  }

  /**
   * Opens `ciphertext` (tag included), or returns `undefined` when it does not authenticate. The
   * packet counter advances either way, as in the BIP; a failed packet ends the session anyway.
   */
  decrypt(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    return this.#crypt((cipher) => {
      try {
        return cipher.decrypt(ciphertext);
      } catch {
        return undefined;
      }
    }, aad);
  }

  #crypt<T>(run: (cipher: ReturnType<typeof chacha20poly1305>) => T, aad: Uint8Array): T {
    const rekeys = Math.floor(this.#packetCounter / REKEY_INTERVAL);
    const result = run(chacha20poly1305(this.#key, rekeyNonce(this.#packetCounter % REKEY_INTERVAL, rekeys), aad));
    if ((this.#packetCounter + 1) % REKEY_INTERVAL === 0) {
      this.#key = chacha20(this.#key, rekeyNonce(0xffff_ffff, rekeys), new Uint8Array(32), undefined, 1);
    }
    this.#packetCounter += 1;
    return result;
  }
}
