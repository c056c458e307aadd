import { fmix32 } from './fmix32.js';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Reduces an integer seed to the 32-bit word a PRNG state is made from.
 * Seeds in [0, 2^32) map to themselves; for others the high bits are hashed
 * into the low word so that, e.g., -1 and 2^32 - 1, or 1 and 2^32 + 1, give
 * different states.
 *
 * @param seed - any integer (safe or not; only finiteness matters).
 * @param what - names the seed in the error message, e.g. `"seededRandom: seed"`.
 * @returns an unsigned 32-bit integer.
 * @throws RangeError naming `what` and the value unless `seed` is an integer.
 *
 * @example
 * ```ts
 * foldSeed(42, 'seed');          // 42
 * foldSeed(2 ** 32 + 42, 'seed'); // not 42
 * ```
 *
 * @internal
 */
export function foldSeed(seed: unknown, what: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new RangeError(`${what} must be an integer, got ${String(seed)}`);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return (low ^ fmix32(high)) >>> 0;
}
