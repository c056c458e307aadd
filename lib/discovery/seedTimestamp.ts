/**
 * The "last seen" time given to addresses learnt from a DNS seed.
 *
 * @packageDocumentation
 */

const DAY_SECONDS = 24 * 60 * 60;

/** The youngest a DNS-seeded address is made to look: 3 days, in ms. */
export const SEED_MIN_AGE_MS = 3 * DAY_SECONDS * 1000;
/** The oldest a DNS-seeded address is made to look, exclusive: 7 days, in ms. */
export const SEED_MAX_AGE_MS = 7 * DAY_SECONDS * 1000;

/**
 * A random "last seen" timestamp between 3 and 7 days before `now`, in whole
 * seconds back, as btcd (after Bitcoin Core) stamps DNS-seeded addresses.
 * A seed only says an address was once up; an old-looking timestamp makes
 * such addresses rank below ones a peer has seen recently, and spreads them
 * so they do not all go stale at once.
 *
 * @param now - the current time, ms since the epoch.
 * @param random - uniform in [0, 1); default `Math.random`.
 * @returns a time in `(now − 7 days, now − 3 days]`, ms, whole seconds before `now`.
 * @example
 * ```ts
 * seedTimestamp(Date.now(), () => 0);       // exactly 3 days ago
 * seedTimestamp(Date.now(), () => 0.99999); // just under 7 days ago
 * ```
 */
export function seedTimestamp(now: number, random: () => number = Math.random): number {
  const spreadSeconds = (SEED_MAX_AGE_MS - SEED_MIN_AGE_MS) / 1000;
  const r = random();
  // Clamped so that a sloppy `random` (exactly 1, negative, NaN) still lands inside the window.
  const extra = r > 0 ? Math.min(spreadSeconds - 1, Math.floor(r * spreadSeconds)) : 0;
  return now - SEED_MIN_AGE_MS - extra * 1000;
}
