/**
 * Whether `value` has a callable `then`: a promise or thenable, to be settled with `.then`
 * directly rather than through `from()` (no Observable and subscriber per call).
 *
 * @example
 * isPromiseLike(Promise.resolve(1)); // true
 * isPromiseLike([1]); // false
 */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
