/**
 * The one check behind every "a non-negative integer, or `Infinity` where that means no limit"
 * option (the manager's config, the backoff factories, the policies): an integer ≥ `min` (a huge
 * one too: a backoff clamps it, a limit that large is no limit), or `Infinity` when `allowInfinity`. Each caller throws its own typed error naming the option.
 *
 * @param value - the value as given (callers may be untyped JavaScript).
 * @param min - the least integer accepted. @default 0
 * @param allowInfinity - whether `Infinity` is accepted. @default false
 *
 * @example
 * isCount(3);               // true
 * isCount(Infinity, 0, true); // true
 * isCount(1.5);             // false
 * isCount(0, 1);            // false
 */
export function isCount(value: unknown, min = 0, allowInfinity = false): value is number {
  if (typeof value !== 'number') return false;
  if (value === Infinity) return allowInfinity;
  return Number.isInteger(value) && value >= min;
}
