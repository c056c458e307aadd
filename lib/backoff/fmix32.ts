/**
 * MurmurHash3's 32-bit finaliser: a bijection on 32-bit words in which every
 * input bit flips each output bit with probability about one half. Seeds that
 * differ by one (request ids 1, 2, 3…) thereby become unrelated PRNG states
 * instead of neighbouring points of the same sequence. It maps 0 to 0.
 *
 * @param x - any number; only its low 32 bits (ToUint32) are used.
 * @returns an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * fmix32(1) !== fmix32(2) - 1; // true: neighbours are scattered
 * fmix32(0);                   // 0
 * ```
 *
 * @internal
 */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
