/**
 * Thrown when text or a host/port pair is not a valid IP socket address.
 *
 * @example
 * ```ts
 * try { SocketAddress.parse('localhost:8333'); }
 * catch (e) { if (e instanceof InvalidAddressError) console.log(e.input); } // 'localhost:8333'
 * ```
 */
export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';

  /**
   * @param input - the offending text (or host, port or bytes rendered as text).
   * @param reason - why it was rejected, for the message.
   */
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid socket address ${JSON.stringify(input)}: ${reason}`);
  }
}
