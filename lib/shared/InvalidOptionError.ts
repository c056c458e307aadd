/**
 * A function was called with an option outside its domain (a negative
 * timeout, a port above 65535, …). Shared by the transport, the peer and the
 * protocol, so it lives in this leaf module, which imports nothing. Thrown synchronously at the call,
 * since it is a programming error rather than a network condition.
 *
 * @example
 * ```ts
 * tcpDial('127.0.0.1:8333', { timeout: -1 }); // throws InvalidOptionError: timeout = -1 …
 * ```
 */
export class InvalidOptionError extends RangeError {
  override readonly name = 'InvalidOptionError';

  /**
   * @param option - the option's name.
   * @param value - the offending value.
   * @param expected - what would have been accepted.
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`invalid option ${option} = ${String(value)}: expected ${expected}`);
  }
}
