/**
 * What the book believes of an announced "last seen" time, as Bitcoin Core
 * does before it stores an `addr` entry.
 *
 * @packageDocumentation
 */
import { MAX_FUTURE_MS } from './isBad.js';

/** An implausible timestamp is replaced by one this long before now: 5 days, Core's figure. */
export const IMPLAUSIBLE_TIMESTAMP_AGE_MS = 5 * 24 * 60 * 60_000;
/** Timestamps at or before this (1973-03-03, 100,000,000 s after the epoch) are implausible, as in Core. */
export const MIN_PLAUSIBLE_TIMESTAMP_MS = 100_000_000_000;

/**
 * The timestamp to store for an announcement: as given when plausible;
 * `now − 5 days` when it lies more than {@link MAX_FUTURE_MS} (10 minutes)
 * in the future or at or before {@link MIN_PLAUSIBLE_TIMESTAMP_MS}. Core
 * does the same (`net_processing`, on every `addr`/`addrv2` entry): a peer
 * cannot make its addresses look fresher than any honest one, nor plant an
 * entry that {@link isBad} would flag at once, and a clock that is off by
 * years still yields an address we may try — just not first.
 *
 * @param timestamp - the announced time, ms since the epoch (not finite counts as implausible).
 * @param now - the book's clock, ms.
 * @returns the time to store, ms.
 * @example
 * ```ts
 * clampTimestamp(now + 365 * DAY, now); // now - 5 * DAY
 * clampTimestamp(now - HOUR, now);      // now - HOUR
 * ```
 */
export function clampTimestamp(timestamp: number, now: number): number {
  const plausible = Number.isFinite(timestamp) && timestamp > MIN_PLAUSIBLE_TIMESTAMP_MS && timestamp <= now + MAX_FUTURE_MS;
  return plausible ? timestamp : now - IMPLAUSIBLE_TIMESTAMP_AGE_MS;
}
