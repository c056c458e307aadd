/**
 * Backoff policies: how long a permanent peer waits before its next retry.
 * Every backoff is an immutable value; jittered ones carry a seeded
 * generator, so they stay pure and reproducible.
 *
 * @example
 * ```ts
 * import { decorrelatedJitterBackoff } from './backoff/index.js';
 * const policy = decorrelatedJitterBackoff({ base: 1_000, cap: 300_000 });
 * ```
 *
 * @packageDocumentation
 */
export type { Backoff, BackoffPolicy } from './Backoff.js';
export { linearBackoff, type LinearBackoffOptions } from './linearBackoff.js';
export { exponentialBackoff, type ExponentialBackoffOptions, type ExponentialJitter } from './exponentialBackoff.js';
export { decorrelatedJitterBackoff, type DecorrelatedJitterBackoffOptions } from './decorrelatedJitterBackoff.js';
export { seededRandom, type SeededRandom } from './seededRandom.js';
export { retryJitter } from './retryJitter.js';
