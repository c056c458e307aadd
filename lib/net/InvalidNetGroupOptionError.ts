/**
 * Thrown by `netGroupWith` when `options.loopback` is not one of the
 * groupings it knows (`'host-port'`, `'slash16'`).
 *
 * @example
 * ```ts
 * try { netGroupWith({ loopback: 'slash8' as never }); }
 * catch (e) { if (e instanceof InvalidNetGroupOptionError) console.log(e.value); } // 'slash8'
 * ```
 */
export class InvalidNetGroupOptionError extends Error {
  override readonly name = 'InvalidNetGroupOptionError';

  /** @param value - the offending `loopback` option. */
  constructor(readonly value: unknown) {
    super(`invalid netGroupWith option loopback=${JSON.stringify(value)}: expected 'host-port' or 'slash16'`);
  }
}
