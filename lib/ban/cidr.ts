import { InvalidCidrError } from './errors.js';
import { formatIp, parseIp, unmapIpv4 } from '../net/ipAddress.js';
import { hostToBytes } from './normalizeHost.js';

/**
 * A parsed IP network: the address family, the prefix length and the network address with its host
 * bits cleared. Produced by {@link parseCidr}; plain data, safe to share.
 */
export interface Cidr {
  /** 4 or 6. IPv4 hosts are only ever matched by IPv4 networks, IPv6 by IPv6. */
  readonly family: 4 | 6;
  /** Number of leading bits that must match: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number;
  /** The network address, host bits zeroed, canonical spelling (e.g. `'10.0.0.0'`, `'fe80::'`). */
  readonly network: string;
  /** Canonical `network/prefix` text. */
  readonly text: string;
  /** The network address bytes (4 or 16), host bits zeroed. */
  readonly bytes: readonly number[];
}

/**
 * Parses `address/prefix` (IPv4 or IPv6) — or a bare address, meaning that single host, as btcd's
 * `--whitelist` accepts — into a {@link Cidr}.
 *
 * - Host bits below the prefix are cleared, like Go's `net.ParseCIDR`: `'10.1.2.3/8'` is `10.0.0.0/8`.
 * - An IPv4-mapped IPv6 network with prefix ≥ 96 (`::ffff:10.0.0.0/104`) becomes the IPv4 network
 *   (`10.0.0.0/8`), because hosts in mapped form are normalized to IPv4 (see {@link normalizeHost})
 *   and would otherwise never match it.
 * - The prefix is plain decimal digits; no zones, brackets or spaces.
 *
 * Throws {@link InvalidCidrError} for anything else.
 *
 * @example
 * ```ts
 * parseCidr('192.168.1.77/24').text; // '192.168.1.0/24'
 * parseCidr('::1').text;             // '::1/128'
 * ```
 */
export function parseCidr(text: string): Cidr {
  if (typeof text !== 'string') throw new InvalidCidrError(text, 'not a string');
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const parsed = parseIp(addressText);
  if (parsed === undefined) throw new InvalidCidrError(text, `${JSON.stringify(addressText)} is not an IP address`);
  const maxPrefix = parsed.length * 8;

  let prefix = maxPrefix;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      throw new InvalidCidrError(text, `prefix length must be a whole number 0–${maxPrefix}, got ${JSON.stringify(prefixText)}`);
    }
    prefix = Number(prefixText);
  }

  let bytes = parsed;
  const unmapped = unmapIpv4(parsed);
  if (unmapped !== parsed && prefix >= 96) {
    bytes = unmapped;
    prefix -= 96;
  }
  const masked = maskBytes(bytes, prefix);
  const network = formatIp(masked);
  return {
    family: masked.length === 4 ? 4 : 6,
    prefix,
    network,
    text: `${network}/${prefix}`,
    bytes: Array.from(masked),
  };
}

/**
 * Whether `ip` lies inside `cidr`. `ip` is normalized like a ban key first, so `::ffff:10.1.1.1`,
 * `[fe80::1%eth0]` and the like are accepted. A network of the other family never matches.
 * Throws {@link InvalidHostError} if `ip` is not an IP address, and {@link InvalidCidrError} if
 * `cidr` is an unparsable string.
 *
 * @example
 * ```ts
 * cidrContains('10.0.0.0/8', '10.200.3.4');     // true
 * cidrContains(parseCidr('::1/128'), '::2');    // false
 * cidrContains('0.0.0.0/0', '::1');             // false — families differ
 * ```
 */
export function cidrContains(cidr: Cidr | string, ip: string): boolean {
  const net = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const bytes = hostToBytes(ip);
  if (bytes.length !== net.bytes.length) return false;
  const masked = maskBytes(bytes, net.prefix);
  return masked.every((b, i) => b === net.bytes[i]);
}

/** A copy of `bytes` with every bit after the first `prefix` bits cleared. */
function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    out[i] = (out[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}
