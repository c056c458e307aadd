import { foldSeed } from './foldSeed.js';

/**
 * An immutable, seedable pseudo-random number generator state: `value` is a
 * number in [0, 1) and `next()` returns the following state. Being a value
 * rather than a stateful function lets a backoff carry its randomness inside
 * itself and stay pure: the same state always yields the same `value`.
 *
 * Not cryptographically secure; it only spreads retry times.
 *
 * @example
 * ```ts
 * const r1 = seededRandom(42);
 * const r2 = r1.next();
 * r1.value;                      // some number in [0, 1)
 * r2.value === r1.next().value;  // true, every time
 * ```
 */
export interface SeededRandom {
  /** The current draw, uniform in [0, 1) with a resolution of 2^-32. */
  readonly value: number;
  /** The generator one step further. Pure: calling it twice gives equal states. */
  next(): SeededRandom;
}

/** Mulberry32's Weyl-sequence increment. */
const INCREMENT = 0x6d2b79f5;

/**
 * One state of Tommy Ettinger's Mulberry32: a 32-bit counter stepped by a
 * constant and scrambled into the output. Its whole state is one number, so
 * holding a `SeededRandom` never keeps earlier states alive.
 */
class Mulberry32 implements SeededRandom {
  readonly value: number;

  constructor(private readonly state: number) {
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    this.value = ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
    Object.freeze(this);
  }

  next(): SeededRandom {
    return new Mulberry32((this.state + INCREMENT) | 0);
  }
}

/**
 * Makes a {@link SeededRandom} from an integer seed. For seeds in
 * [0, 2^32) the sequence of `value`s is exactly the classic `mulberry32(seed)`
 * function's; larger or negative integers are folded to 32 bits first
 * (2^32 distinct streams in all).
 *
 * Seeds that differ by Mulberry32's increment give the same stream shifted
 * by one step; the backoff policies hash their seeds so this cannot bite
 * them, and callers seeding it directly with related numbers should do the
 * same.
 *
 * @param seed - any integer. The same seed always gives the same sequence.
 * @throws RangeError naming `seed` and the value if it is not an integer.
 *
 * @example
 * ```ts
 * let r = seededRandom(2024);
 * const draws = [];
 * for (let i = 0; i < 3; i++) { draws.push(r.value); r = r.next(); }
 * // draws: three numbers in [0, 1), identical on every run
 * ```
 */
export function seededRandom(seed: number): SeededRandom {
  const state = foldSeed(seed, 'seededRandom: seed');
  return new Mulberry32((state + INCREMENT) | 0);
}
