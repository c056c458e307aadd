/**
 * Counts the set bits of a 32-bit integer (Hamming weight) with the classic
 * SWAR reduction: no loop, no table, five arithmetic steps. The trie calls
 * this on every level of every lookup to turn a bitmap position into an
 * array index, so it must stay branch-free.
 *
 * @internal
 * @param x - any number; only its low 32 bits are read.
 * @returns the number of one bits, 0 to 32.
 * @example
 * ```ts
 * popcount(0b1011); // 3
 * popcount(-1);     // 32
 * ```
 */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
