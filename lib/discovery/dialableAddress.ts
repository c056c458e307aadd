/**
 * Parsing of configured peer addresses (seeds, `addnode`, `connect`).
 *
 * @packageDocumentation
 */
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import { SocketAddress } from '../net/SocketAddress.js';

/**
 * Reads an `ip:port` / `[ipv6]:port` that we mean to dial: like
 * {@link SocketAddress.parse}, but port 0 is refused too, since it means
 * "any port" when listening and nothing at all when dialling.
 *
 * @param text - the configured entry.
 * @returns the address.
 * @throws {@link InvalidAddressError} naming `text`; callers wrap it in their own typed error.
 * @example
 * ```ts
 * dialableAddress('[2001:db8::1]:8333').host; // '2001:db8::1'
 * dialableAddress('1.2.3.4:0');                // throws InvalidAddressError
 * ```
 */
export function dialableAddress(text: string): SocketAddress {
  if (typeof text !== 'string') throw new InvalidAddressError(String(text), 'not a string');
  const addr = SocketAddress.parse(text);
  if (addr.port === 0) throw new InvalidAddressError(text, 'port 0 cannot be dialled');
  return addr;
}
