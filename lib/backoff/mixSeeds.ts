import { fmix32 } from './fmix32.js';
import { foldSeed } from './foldSeed.js';

/** 2^32 / φ: an odd constant so that `callSeed` 0 does not hash to 0. */
const GOLDEN = 0x9e3779b9;

/**
 * Combines a policy's seed with a caller's seed (such as a request id) into
 * one 32-bit PRNG seed. For a given policy seed it is injective on 32-bit
 * call seeds — every step is a bijection — so requests 1 and 2 are
 * guaranteed different generator states, and the hashing keeps neighbouring
 * ids from producing related sequences.
 *
 * @param policySeed - an unsigned 32-bit integer (already folded).
 * @param callSeed - any integer.
 * @returns an unsigned 32-bit integer.
 * @throws RangeError if `callSeed` is not an integer.
 *
 * @example
 * ```ts
 * mixSeeds(7, 1) === mixSeeds(7, 1); // true
 * mixSeeds(7, 1) === mixSeeds(7, 2); // false
 * ```
 *
 * @internal
 */
export function mixSeeds(policySeed: number, callSeed: number): number {
  const call = foldSeed(callSeed, 'first: seed');
  return fmix32(policySeed ^ fmix32((call + GOLDEN) >>> 0));
}
