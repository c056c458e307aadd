/**
 * How willing {@link AddressBook.select} is to hand out an entry.
 *
 * @packageDocumentation
 */
import type { AddrInfo } from './AddrInfo.js';

/** Attempts within this window make an entry 100 times less likely to be chosen. 10 minutes. */
export const RECENT_ATTEMPT_MS = 10 * 60_000;
/** Factor applied when the entry was attempted within {@link RECENT_ATTEMPT_MS}. 0.01. */
export const RECENT_ATTEMPT_FACTOR = 0.01;
/** Factor applied per failed attempt. 0.66. */
export const FAILED_ATTEMPT_FACTOR = 0.66;
/** Failed attempts beyond this many stop lowering the chance further. 8. */
export const MAX_PENALISED_ATTEMPTS = 8;

/**
 * The relative chance, in (0, 1], that a picked entry is accepted, as Bitcoin
 * Core's `GetChance`: 1, times 0.01 if attempted in the last 10 minutes
 * (including an attempt time in the future), times 0.66 per attempt since the
 * last success, counting at most 8. The floor is 0.01 × 0.66⁸ ≈ 3.6 × 10⁻⁴, so
 * nothing is ever excluded outright.
 *
 * @param info - the entry (its attempt count and last attempt are read).
 * @param now - the current time in ms.
 * @returns a number in (0, 1].
 *
 * @example
 * ```ts
 * selectionChance({ attempts: 2, lastAttempt: undefined }, now); // 0.4356
 * ```
 */
export function selectionChance(info: Pick<AddrInfo, 'attempts' | 'lastAttempt'>, now: number): number {
  let chance = 1;
  if (info.lastAttempt !== undefined && now - info.lastAttempt < RECENT_ATTEMPT_MS) chance *= RECENT_ATTEMPT_FACTOR;
  return chance * FAILED_ATTEMPT_FACTOR ** Math.min(Math.max(info.attempts, 0), MAX_PENALISED_ATTEMPTS);
}
