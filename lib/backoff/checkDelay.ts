import { isCount } from '../shared/isCount.js';

/**
 * The largest duration any policy returns, in ms: `Number.MAX_SAFE_INTEGER`.
 * Above it doubles stop being exact integers, so caps and bases are clamped
 * to it internally; an uncapped policy therefore saturates instead of
 * reaching `Infinity` or `NaN`.
 *
 * @internal
 */
export const MAX_DURATION = Number.MAX_SAFE_INTEGER;

/**
 * Validates a millisecond option of a backoff factory and returns it clamped
 * to {@link MAX_DURATION} (clamping cannot change any duration, since every
 * duration is capped to at most that much anyway).
 *
 * @param factory - the factory's name, for the error message.
 * @param field - the option's name, for the error message.
 * @param value - the option as given (callers may be untyped JavaScript).
 * @param allowInfinity - whether `Infinity` ("no cap") is accepted.
 * @throws RangeError naming the field and the value unless it is a
 *   non-negative integer (or `Infinity` when allowed).
 *
 * @example
 * ```ts
 * checkDelay('linearBackoff', 'cap', Infinity, true); // 9007199254740991
 * checkDelay('linearBackoff', 'step', -1, false);     // throws RangeError
 * ```
 *
 * @internal
 */
export function checkDelay(factory: string, field: string, value: unknown, allowInfinity: boolean): number {
  if (!isCount(value, 0, allowInfinity)) {
    const expected = allowInfinity ? 'a non-negative integer or Infinity' : 'a non-negative integer';
    throw new RangeError(`${factory}: ${field} must be ${expected}, got ${String(value)}`);
  }
  return Math.min(value, MAX_DURATION);
}
