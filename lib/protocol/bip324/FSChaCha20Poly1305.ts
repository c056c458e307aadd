import { createCipheriv, createDecipheriv } from 'node:crypto';
import { REKEY_INTERVAL, rekeyNonce } from './FSChaCha20.js';

const TAG = 16;
const ZEROS = new Uint8Array(32);

/**
 * FSChaCha20Poly1305, BIP324's packet cipher: ChaCha20Poly1305 whose nonce counts the packets,
 * rekeyed every {@link REKEY_INTERVAL} packets (the new key is the first 32 bytes of 32 zero bytes
 * encrypted under the nonce `0xffffffff || le64(rekeys)`, as the BIP puts it). Stateful, one
 * direction only: a sender calls only `encrypt`, a receiver only `decrypt`.
 *
 * The AEAD is `node:crypto`'s `chacha20-poly1305` (OpenSSL), not `@noble/ciphers`: measured on
 * this machine it is 2–3× faster per small packet and 10× on a 1 MB one (536 vs 51 MB/s), and
 * packet encryption is where v2 spends its time. The length cipher stays on noble's ChaCha20
 * block function, which Node's API does not expose with a free counter as conveniently.
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
    return this.#step((nonce) => seal(this.#key, nonce, aad, plaintext));
  }

  /**
   * Opens `ciphertext` (tag included), or returns `undefined` when it does not authenticate. The
   * packet counter advances either way, as in the BIP; a failed packet ends the session anyway.
   */
  decrypt(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    return this.#step((nonce) => open(this.#key, nonce, aad, ciphertext));
  }

  #step<T>(run: (nonce: Uint8Array) => T): T {
    const rekeys = Math.floor(this.#packetCounter / REKEY_INTERVAL);
    const result = run(rekeyNonce(this.#packetCounter % REKEY_INTERVAL, rekeys));
    if ((this.#packetCounter + 1) % REKEY_INTERVAL === 0) {
      this.#key = seal(this.#key, rekeyNonce(0xffff_ffff, rekeys), new Uint8Array(0), ZEROS).subarray(0, 32);
    }
    this.#packetCounter += 1;
    return result;
  }
}

function seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const body = cipher.update(plaintext);
  const last = cipher.final();
  const out = new Uint8Array(body.length + last.length + TAG);
  out.set(body);
  out.set(last, body.length);
  out.set(cipher.getAuthTag(), body.length + last.length);
  return out;
}

function open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < TAG) return undefined;
  const length = sealed.length - TAG;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  decipher.setAAD(aad, { plaintextLength: length });
  decipher.setAuthTag(sealed.subarray(length));
  const body = decipher.update(sealed.subarray(0, length));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}
