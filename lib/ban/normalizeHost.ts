import { isIP } from 'node:net';
import { InvalidHostError } from './errors.js';
import { formatIp, parseIp, unmapIpv4 } from '../net/ipAddress.js';

/**
 * The canonical spelling of an IP host, used as the key of bans and scores so that one machine
 * cannot dodge a ban by changing how its address is written.
 *
 * - IPv4 stays dotted decimal; IPv6 becomes RFC 5952 form (lowercase, shortest `::`).
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:102:304`) becomes the IPv4 address.
 * - Surrounding brackets (`[::1]`) and an IPv6 zone (`fe80::1%eth0`) are dropped: the zone names a
 *   local interface, not the remote machine.
 *
 * Throws {@link InvalidHostError} for anything else — hostnames, `host:port`, empty strings.
 *
 * @example
 * ```ts
 * normalizeHost('::FFFF:10.0.0.1');       // '10.0.0.1'
 * normalizeHost('2001:0DB8:0000::0001');  // '2001:db8::1'
 * ```
 */
export function normalizeHost(host: string): string {
  return formatIp(hostToBytes(host));
}

/**
 * The bytes of a host after the same normalization as {@link normalizeHost}: 4 bytes for IPv4
 * (including IPv4-mapped IPv6), 16 for IPv6. Throws {@link InvalidHostError} for a non-IP.
 *
 * @example
 * ```ts
 * hostToBytes('[::ffff:127.0.0.1]'); // Uint8Array [127, 0, 0, 1]
 * ```
 */
export function hostToBytes(host: string): Uint8Array {
  if (typeof host !== 'string') throw new InvalidHostError(host);
  const bracketed = host.startsWith('[') && host.endsWith(']');
  let text = bracketed ? host.slice(1, -1) : host;
  const family = isIP(text); // Node's own grammar, zones included
  if (family === 0 || (bracketed && family !== 6)) throw new InvalidHostError(host);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const bytes = parseIp(text);
  if (bytes === undefined) throw new InvalidHostError(host);
  return unmapIpv4(bytes);
}
