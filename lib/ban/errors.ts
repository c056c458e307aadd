/**
 * Thrown when a string given as a host is not an IP address. Bans are keyed by IP (no port, no
 * hostname): a name could resolve differently tomorrow, and a port would let a banned node come back
 * on another one.
 *
 * @example
 * ```ts
 * banList.ban('example.com'); // throws InvalidHostError: host "example.com" is not an IP address …
 * ```
 */
export class InvalidHostError extends TypeError {
  override readonly name = 'InvalidHostError';
  constructor(
    /** The rejected value, as given. */
    readonly host: unknown,
  ) {
    super(`host ${describe(host)} is not an IP address (expected IPv4 or IPv6 without a port)`);
  }
}

/**
 * Thrown by {@link parseCidr} for text that is not `address/prefix` (or a bare address) with a prefix
 * length valid for the address family.
 *
 * @example
 * ```ts
 * parseCidr('10.0.0.0/33'); // throws InvalidCidrError: CIDR "10.0.0.0/33" … prefix length must be 0–32
 * ```
 */
export class InvalidCidrError extends TypeError {
  override readonly name = 'InvalidCidrError';
  constructor(
    /** The rejected value, as given. */
    readonly cidr: unknown,
    /** Why it was rejected. */
    readonly reason: string,
  ) {
    super(`CIDR ${describe(cidr)} is invalid: ${reason}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${String(value)} (${typeof value})`;
}
