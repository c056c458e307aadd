/**
 * Argument checks shared by the policies, each throwing a
 * {@link PolicyArgumentError} that names the argument and the value.
 *
 * @packageDocumentation
 * @internal
 */
import { isCount } from '../shared/isCount.js';
import { PolicyArgumentError } from './errors.js';

/**
 * Checks that `now` is a finite number of milliseconds. Any epoch will do
 * (wall clock, monotonic, virtual test time), as long as one limiter always
 * sees the same one.
 *
 * @example
 * ```ts
 * checkNow(Date.now()); // ok
 * checkNow(NaN);        // throws PolicyArgumentError: now must be …
 * ```
 * @internal
 */
export function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new PolicyArgumentError('now', now, 'a finite number of milliseconds');
  }
}

/**
 * Checks that `value` is an integer ≥ `min`, or `Infinity` when `allowInfinity`
 * is set (meaning "no limit").
 *
 * @example
 * ```ts
 * checkCount('limits.maxInbound', 117, 0);          // ok
 * checkCount('limits.maxPerIp', Infinity, 1, true); // ok
 * checkCount('count', 1.5, 0);                      // throws PolicyArgumentError
 * ```
 * @internal
 */
export function checkCount(argument: string, value: number, min: number, allowInfinity = false): void {
  if (!isCount(value, min, allowInfinity)) {
    const expected = `an integer ≥ ${min}${allowInfinity ? ' or Infinity' : ''}`;
    throw new PolicyArgumentError(argument, value, expected);
  }
}

/**
 * Checks that `value` is a finite number > 0 (a rate).
 *
 * @example
 * ```ts
 * checkPositive('options.perSecond', 0.1); // ok
 * checkPositive('options.perSecond', 0);   // throws PolicyArgumentError
 * ```
 * @internal
 */
export function checkPositive(argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PolicyArgumentError(argument, value, 'a finite number > 0');
  }
}
