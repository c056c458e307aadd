/**
 * Test helpers that manufacture keys with a chosen 32-bit hash, so that specs
 * can drive the trie's collision and deep-path code deterministically instead
 * of hoping that random keys collide.
 *
 * Both hash functions are invertible: the number hash of an int32 is a
 * bijection (the identity), and FNV-1a's last two steps can be solved
 * for a pair of trailing UTF-16 code units. The helpers check their output
 * against the real `hashKey`, so a drift between this file and the
 * implementation fails loudly instead of silently testing nothing.
 */
import { hashKey } from '../../lib/collections/hashKey.js';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Multiplicative inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverseOdd(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x;
}

const INV_FNV_PRIME = inverseOdd(FNV_PRIME);
const INV_C1 = inverseOdd(0x85ebca6b | 0);
const INV_C2 = inverseOdd(0xc2b2ae35 | 0);

/** Inverse of the murmur3 finaliser used by `hashKey`. */
export function unmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, INV_C2);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, INV_C1);
  h ^= h >>> 16;
  return h | 0;
}

function fnvState(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * An int32 key whose hash is `hash`. Works whether int32 keys hash to
 * themselves (the current choice) or through the murmur3 finaliser.
 */
export function numberWithHash(hash: number): number {
  for (const n of [hash | 0, unmix32(hash)]) {
    if (hashKey(n) === (hash | 0)) return n;
  }
  throw new Error(`no int32 key found for hash ${hash}`);
}

/**
 * A string key, starting with `prefix`, whose hash is `hash`. Different
 * prefixes give different strings with the same hash.
 */
export function stringWithHash(hash: number, prefix: string): string {
  // Raw FNV value we need before the final mix, pre-divided by the prime.
  const target = Math.imul(unmix32(hash), INV_FNV_PRIME);
  // A given prefix has a solution with probability ~63%; try numbered variants.
  for (let attempt = 0; attempt < 64; attempt++) {
    const head = `${prefix}#${attempt}:`;
    const state = fnvState(head);
    for (let c1 = 0; c1 < 0x10000; c1++) {
      const c2 = Math.imul(state ^ c1, FNV_PRIME) ^ target;
      if (c2 >>> 16 === 0) {
        const s = head + String.fromCharCode(c1, c2);
        if (hashKey(s) !== (hash | 0)) throw new Error(`forged string does not hash to ${hash}`);
        return s;
      }
    }
  }
  throw new Error(`could not forge a string with hash ${hash}`);
}
