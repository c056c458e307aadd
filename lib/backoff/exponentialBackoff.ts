import type { Backoff, BackoffPolicy } from './Backoff.js';
import { checkDelay } from './checkDelay.js';
import { mixSeeds } from './mixSeeds.js';
import { policySeed } from './policySeed.js';
import { seededRandom, type SeededRandom } from './seededRandom.js';

/**
 * How an exponential delay is randomised. `'none'`: exactly the ceiling
 * `min(cap, base·2^(n-1))`. `'full'`: uniform in [0, ceiling) — AWS's
 * "full jitter", which spreads a herd of simultaneous retries the most.
 */
export type ExponentialJitter = 'none' | 'full';

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** ms: the ceiling of the first step. A non-negative integer. */
  readonly base: number;
  /** ms the ceiling never exceeds. A non-negative integer or `Infinity`; it may be below `base`. */
  readonly cap: number;
  /** Default `'full'`. */
  readonly jitter?: ExponentialJitter;
  /** Makes the jitter reproducible. Default: drawn from `Math.random()` once, when the policy is made. Any integer. */
  readonly seed?: number;
}

/**
 * The n-th step of an exponential backoff. It keeps the current ceiling
 * rather than recomputing `base·2^(n-1)`, so the doubling saturates at the
 * cap and never overflows to `Infinity` (nor `0·Infinity` to `NaN`).
 */
class ExponentialStep implements Backoff {
  readonly duration: number;

  constructor(
    readonly attempt: number,
    private readonly ceiling: number,
    private readonly cap: number,
    /** Absent without jitter. */
    private readonly random: SeededRandom | undefined,
  ) {
    // random.value < 1 and ceiling ≤ 2^53, so the product rounds below the ceiling.
    this.duration = random === undefined ? ceiling : Math.floor(random.value * ceiling);
    Object.freeze(this);
  }

  next(): Backoff {
    return new ExponentialStep(this.attempt + 1, Math.min(this.cap, this.ceiling * 2), this.cap, this.random?.next());
  }
}

/**
 * Exponential backoff with optional full jitter, after AWS's "Exponential
 * Backoff and Jitter". The n-th consecutive failure waits
 *
 * - `jitter: 'none'`: `min(cap, base·2^(n-1))`;
 * - `jitter: 'full'` (default): `floor(r × min(cap, base·2^(n-1)))`, with r
 *   uniform in [0, 1) — so it can be 0, and is always below the ceiling.
 *
 * Randomness comes from a seeded generator carried inside each step: the
 * same policy and `first(seed)` give the same delays every time, different
 * seeds (such as request ids) give unrelated ones, and `first()` without a
 * seed uses the policy's own. Durations are integers in [0, cap] and never
 * exceed `Number.MAX_SAFE_INTEGER`.
 *
 * @param options - `base` and `cap` in ms (required); `jitter` (default
 *   `'full'`); `seed` (default: random once per policy — pass one for
 *   reproducible runs).
 * @throws RangeError naming the field and value if `base` is not a
 *   non-negative integer, `cap` is neither that nor `Infinity`, `jitter` is
 *   not `'none'` or `'full'`, or `seed` is given and not an integer.
 *
 * @example
 * ```ts
 * let b = exponentialBackoff({ base: 100, cap: 1_000, jitter: 'none' }).first();
 * // durations: 100, 200, 400, 800, 1000, 1000, …
 *
 * const policy = exponentialBackoff({ base: 1_000, cap: 60_000, seed: 1 });
 * policy.first(17).duration; // in [0, 1000), the same on every run
 * ```
 */
export function exponentialBackoff(options: ExponentialBackoffOptions): BackoffPolicy {
  const base = checkDelay('exponentialBackoff', 'base', options?.base, false);
  const cap = checkDelay('exponentialBackoff', 'cap', options?.cap, true);
  const jitter: unknown = options.jitter ?? 'full';
  if (jitter !== 'none' && jitter !== 'full') {
    throw new RangeError(`exponentialBackoff: jitter must be 'none' or 'full', got ${String(jitter)}`);
  }
  const ceiling = Math.min(cap, base);
  if (jitter === 'none') {
    if (options.seed !== undefined) policySeed('exponentialBackoff', options.seed); // still reject a bad seed
    return Object.freeze({
      first: (): Backoff => new ExponentialStep(1, ceiling, cap, undefined),
    });
  }
  const seed = policySeed('exponentialBackoff', options.seed);
  return Object.freeze({
    first: (callSeed?: number): Backoff =>
      new ExponentialStep(1, ceiling, cap, seededRandom(callSeed === undefined ? seed : mixSeeds(seed, callSeed))),
  });
}
