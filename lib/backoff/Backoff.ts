/**
 * One step of a backoff: how long to wait before the attempt it stands for.
 *
 * A backoff is an immutable value, so a pure reducer can keep it in its state
 * and derive the next one without side effects. Each value holds only what the
 * next step needs (a few numbers, never the steps before it), so a peer that
 * fails for weeks costs the same memory as one that failed once.
 *
 * @example
 * ```ts
 * const b1 = linearBackoff({ step: 5_000, cap: 300_000 }).first();
 * b1.duration;        // 5000
 * b1.next().duration; // 10000
 * b1.next().attempt;  // 2
 * ```
 */
export interface Backoff {
  /** Delay in milliseconds (a non-negative integer). */
  readonly duration: number;
  /** How many consecutive failures this value stands for (1 for the first). */
  readonly attempt: number;
  /** The backoff after one more consecutive failure. Pure: calling it twice gives equal values. */
  next(): Backoff;
}

/**
 * A backoff policy: makes the first step after a success. Immutable and
 * shareable: one policy serves every request of a manager.
 *
 * @example
 * ```ts
 * const policy = exponentialBackoff({ base: 1_000, cap: 60_000, seed: 7 });
 * const forPeer1 = policy.first(1); // request ids as seeds: peers dropped
 * const forPeer2 = policy.first(2); // together retry at different times
 * ```
 */
export interface BackoffPolicy {
  /**
   * The first step. `seed` (optional) de-correlates jitter between callers —
   * e.g. the manager passes each request's id so that 1,000 peers dropped at
   * once draw different delays; without it a policy-level seed is used.
   * Deterministic: same policy + same seed → same sequence.
   */
  first(seed?: number): Backoff;
}
