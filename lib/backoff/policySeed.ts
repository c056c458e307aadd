import { foldSeed } from './foldSeed.js';

/**
 * The seed a jittered policy keeps for its lifetime: the `seed` option folded
 * to 32 bits, or, when it is omitted, one drawn from `Math.random()` right
 * here — once, at construction — so that `next()` stays pure and a policy
 * built with an explicit seed is fully reproducible.
 *
 * @param factory - the factory's name, for the error message.
 * @param seed - the `seed` option, possibly absent.
 * @returns an unsigned 32-bit integer.
 * @throws RangeError naming the field and value if `seed` is given but not an integer.
 *
 * @example
 * ```ts
 * policySeed('exponentialBackoff', 5);         // 5
 * policySeed('exponentialBackoff', undefined); // random, fixed from now on
 * ```
 *
 * @internal
 */
export function policySeed(factory: string, seed: number | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * 0x1_0000_0000);
  return foldSeed(seed, `${factory}: seed`);
}
