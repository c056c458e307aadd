import { foldSeed } from './foldSeed.js';
import { mixSeeds } from './mixSeeds.js';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * A jitter in ms, drawn in [0, bound) as a pure function of a request and its attempt: the same
 * `(id, attempt)` always gives the same delay, neighbouring ids give unrelated ones. The reducer
 * uses it to spread the permanent peers it retries at once when their network comes back, without
 * a random source of its own (it stays a pure fold of its actions).
 *
 * @param id - the request id (any integer).
 * @param attempt - the request's attempt number (any integer), so a second outage draws anew.
 * @param bound - ms, a non-negative integer; 0 gives 0.
 * @returns an integer in [0, bound), or 0 when `bound` is 0.
 *
 * @example
 * ```ts
 * retryJitter(7, 3, 1_000); // the same number in [0, 1000) on every call and every run
 * retryJitter(7, 3, 0);     // 0
 * ```
 */
export function retryJitter(id: number, attempt: number, bound: number): number {
  if (bound <= 0) return 0;
  const word = mixSeeds(foldSeed(id, 'retryJitter: id'), attempt);
  return Math.floor((word / TWO_POW_32) * bound);
}
