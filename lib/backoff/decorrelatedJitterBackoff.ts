import type { Backoff, BackoffPolicy } from './Backoff.js';
import { checkDelay } from './checkDelay.js';
import { mixSeeds } from './mixSeeds.js';
import { policySeed } from './policySeed.js';
import { seededRandom, type SeededRandom } from './seededRandom.js';

/** Options of {@link decorrelatedJitterBackoff}. */
export interface DecorrelatedJitterBackoffOptions {
  /** ms: the smallest delay (unless the cap is lower). A non-negative integer. */
  readonly base: number;
  /** ms the delay never exceeds. A non-negative integer or `Infinity`; it may be below `base`. */
  readonly cap: number;
  /** Makes the delays reproducible. Default: drawn from `Math.random()` once, when the policy is made. Any integer. */
  readonly seed?: number;
}

/**
 * An integer drawn uniformly from [low, high) — or `low` when the range is
 * empty — then capped. Above 2^53 the sum may round up to `high`, but such
 * values only occur when `high` exceeds the cap, which then applies.
 */
function draw(low: number, high: number, cap: number, r: number): number {
  return Math.min(cap, high > low ? low + Math.floor(r * (high - low)) : low);
}

/**
 * The n-th step of a decorrelated-jitter backoff. The next delay depends only
 * on this one, so the previous duration is all the state it needs.
 */
class DecorrelatedStep implements Backoff {
  constructor(
    readonly attempt: number,
    readonly duration: number,
    private readonly base: number,
    private readonly cap: number,
    private readonly random: SeededRandom,
  ) {
    Object.freeze(this);
  }

  next(): Backoff {
    const random = this.random.next();
    // duration ≤ 2^53, so × 3 stays finite.
    const duration = draw(this.base, this.duration * 3, this.cap, random.value);
    return new DecorrelatedStep(this.attempt + 1, duration, this.base, this.cap, random);
  }
}

/**
 * AWS's "decorrelated jitter": each delay is drawn between `base` and three
 * times the previous one, so delays grow roughly exponentially while retries
 * of peers dropped together drift apart:
 *
 * - d(1) = min(cap, rand[base, 3·base)) — as if a virtual d(0) equalled
 *   `base`, which is AWS's formula with `sleep` initialised to `base`;
 * - d(n+1) = min(cap, rand[base, 3·d(n))).
 *
 * So `base ≤ d(n+1) ≤ min(cap, 3·d(n))`, except that the cap wins when it is
 * below `base`. With `base: 0` every delay is 0. Durations are integers and
 * never exceed `Number.MAX_SAFE_INTEGER`. Determinism as for
 * {@link exponentialBackoff}: same policy and `first(seed)`, same delays.
 *
 * @param options - `base` and `cap` in ms (required); `seed` (default:
 *   random once per policy — pass one for reproducible runs).
 * @throws RangeError naming the field and value if `base` is not a
 *   non-negative integer, `cap` is neither that nor `Infinity`, or `seed` is
 *   given and not an integer.
 *
 * @example
 * ```ts
 * const policy = decorrelatedJitterBackoff({ base: 1_000, cap: 60_000, seed: 3 });
 * let b = policy.first(42);
 * b.duration;        // in [1000, 3000)
 * b.next().duration; // in [1000, 3 × b.duration), at most 60000
 * ```
 */
export function decorrelatedJitterBackoff(options: DecorrelatedJitterBackoffOptions): BackoffPolicy {
  const base = checkDelay('decorrelatedJitterBackoff', 'base', options?.base, false);
  const cap = checkDelay('decorrelatedJitterBackoff', 'cap', options?.cap, true);
  const seed = policySeed('decorrelatedJitterBackoff', options.seed);
  return Object.freeze({
    first: (callSeed?: number): Backoff => {
      const random = seededRandom(callSeed === undefined ? seed : mixSeeds(seed, callSeed));
      return new DecorrelatedStep(1, draw(base, base * 3, cap, random.value), base, cap, random);
    },
  });
}
