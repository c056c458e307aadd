import type { Backoff, BackoffPolicy } from './Backoff.js';
import { checkDelay } from './checkDelay.js';

/** Options of {@link linearBackoff}. */
export interface LinearBackoffOptions {
  /** ms added per consecutive failure (btcd's `RetryDuration`, 5,000 by default there). A non-negative integer. */
  readonly step: number;
  /** ms the delay never exceeds (btcd's `maxRetryDuration`, 5 minutes). A non-negative integer or `Infinity`; it may be below `step`. */
  readonly cap: number;
}

/** The n-th step of a linear backoff: `min(n × step, cap)`. */
class LinearStep implements Backoff {
  readonly duration: number;

  constructor(
    private readonly step: number,
    private readonly cap: number,
    readonly attempt: number,
  ) {
    // Both factors are at most 2^53, so the product is finite even before the cap.
    this.duration = Math.min(attempt * step, cap);
    Object.freeze(this);
  }

  next(): Backoff {
    return new LinearStep(this.step, this.cap, this.attempt + 1);
  }
}

/**
 * btcd's retry policy for permanent peers: wait `n × step` ms before the
 * n-th retry in a row, but never more than `cap`. There is no randomness, so
 * the `seed` passed to `first` is ignored; peers dropped together retry
 * together, which is what btcd does (choose a jittered policy to avoid it).
 *
 * Durations never exceed `Number.MAX_SAFE_INTEGER`, even with `cap: Infinity`.
 *
 * @param options - `step` and `cap`, in ms; no defaults.
 * @throws RangeError naming the field and value if `step` is not a
 *   non-negative integer, or `cap` is neither that nor `Infinity`.
 *
 * @example
 * ```ts
 * let b = linearBackoff({ step: 5_000, cap: 12_000 }).first();
 * b.duration;               // 5000
 * (b = b.next()).duration;  // 10000
 * (b = b.next()).duration;  // 12000, and 12000 from then on
 * ```
 */
export function linearBackoff(options: LinearBackoffOptions): BackoffPolicy {
  const step = checkDelay('linearBackoff', 'step', options?.step, false);
  const cap = checkDelay('linearBackoff', 'cap', options?.cap, true);
  return Object.freeze({
    first: (): Backoff => new LinearStep(step, cap, 1),
  });
}
