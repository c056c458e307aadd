/**
 * When an address book entry is worthless enough to be overwritten.
 *
 * @packageDocumentation
 */
import type { AddrInfo } from './AddrInfo.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** An entry attempted within this window is never bad: we are still finding out. 1 minute. */
export const BAD_GRACE_MS = MINUTE;
/** A timestamp further than this in the future is a lie. 10 minutes. */
export const MAX_FUTURE_MS = 10 * MINUTE;
/** An address not seen for longer than this is stale. 30 days. */
export const HORIZON_MS = 30 * DAY;
/** A never-successful address is bad after this many attempts. 3. */
export const MAX_RETRIES = 3;
/** An address with no success in {@link MIN_FAIL_MS} is bad after this many attempts. 10. */
export const MAX_FAILURES = 10;
/** The window of {@link MAX_FAILURES}. 7 days. */
export const MIN_FAIL_MS = 7 * DAY;

/**
 * Whether an entry is "terrible" in Bitcoin Core's sense, i.e. may be replaced
 * by a newcomer that lands on its slot. The rules, checked in this order:
 *
 * 1. attempted in the last minute (`now - lastAttempt <= 1 min`) → **not** bad;
 * 2. `timestamp > now + 10 min` → bad (a timestamp from the future);
 * 3. `now - timestamp > 30 days` → bad (not seen for a month);
 * 4. never succeeded and `attempts >= 3` → bad;
 * 5. no success in the last 7 days (`now - lastSuccess > 7 days`, or never)
 *    and `attempts >= 10` → bad (attempts are counted since the last success,
 *    so these are ten failures in a row);
 * 6. otherwise → not bad.
 *
 * @param info - the entry (only its times and attempt count are read).
 * @param now - the current time in ms.
 * @returns `true` if the entry may be evicted.
 *
 * @example
 * ```ts
 * isBad({ timestamp: now, attempts: 3, lastAttempt: now - 3_600_000, lastSuccess: undefined }, now); // true
 * ```
 */
export function isBad(info: Pick<AddrInfo, 'timestamp' | 'attempts' | 'lastAttempt' | 'lastSuccess'>, now: number): boolean {
  if (info.lastAttempt !== undefined && now - info.lastAttempt <= BAD_GRACE_MS) return false;
  if (info.timestamp > now + MAX_FUTURE_MS) return true;
  if (now - info.timestamp > HORIZON_MS) return true;
  if (info.lastSuccess === undefined && info.attempts >= MAX_RETRIES) return true;
  const sinceSuccess = info.lastSuccess === undefined ? Infinity : now - info.lastSuccess;
  return sinceSuccess > MIN_FAIL_MS && info.attempts >= MAX_FAILURES;
}
