/**
 * `Array.isArray` without its `any[]` narrowing. The option and message checks guard parameters
 * typed as lists against untyped callers (JavaScript, parsed JSON); narrowing those parameters to
 * `any[]` would switch type checking off for the rest of the function, so this guard keeps the
 * element type the signature promises.
 */
export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
