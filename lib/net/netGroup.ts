/**
 * Which part of the Internet an address belongs to: whether it is worth
 * dialling at all, and which "network group" it counts against when the
 * manager spreads its outbound connections (so that one operator owning a
 * /16 cannot fill every outbound slot).
 *
 * The rules follow btcd's `addrmgr/network.go`; where this module goes
 * further it says so.
 *
 * @packageDocumentation
 */
import { InvalidNetGroupOptionError } from './InvalidNetGroupOptionError.js';
import type { SocketAddress } from './SocketAddress.js';

/**
 * The kind of an address:
 * - `'loopback'`: 127.0.0.0/8 or ::1;
 * - `'unroutable'`: cannot be a public peer (see {@link addressClass});
 * - `'ipv4'` / `'ipv6'`: a public address of that family.
 */
export type AddressClass = 'ipv4' | 'ipv6' | 'loopback' | 'unroutable';

/** An IPv4 range as its first address's 4 bytes and a prefix length. */
type V4Range = readonly [a: number, b: number, c: number, d: number, bits: number];

/** IPv4 ranges no public peer can have. */
const UNROUTABLE_V4: readonly V4Range[] = [
  [0, 0, 0, 0, 8], // "this network", including the unspecified 0.0.0.0 (RFC 1122)
  [10, 0, 0, 0, 8], // private (RFC 1918)
  [100, 64, 0, 0, 10], // carrier-grade NAT shared space (RFC 6598)
  [169, 254, 0, 0, 16], // link-local (RFC 3927)
  [172, 16, 0, 0, 12], // private (RFC 1918)
  [192, 0, 2, 0, 24], // documentation TEST-NET-1 (RFC 5737)
  [192, 168, 0, 0, 16], // private (RFC 1918)
  [198, 18, 0, 0, 15], // benchmarking (RFC 2544)
  [198, 51, 100, 0, 24], // documentation TEST-NET-2 (RFC 5737)
  [203, 0, 113, 0, 24], // documentation TEST-NET-3 (RFC 5737)
  [224, 0, 0, 0, 4], // multicast (RFC 5771); not in btcd
  [240, 0, 0, 0, 4], // reserved, including broadcast 255.255.255.255 (RFC 1112); btcd has the broadcast only
];

/** An IPv6 range as its first 16-bit words (the rest zero) and a prefix length. */
type V6Range = readonly [words: readonly number[], bits: number];

/** IPv6 ranges no public peer can have (`::` itself is handled apart). */
const UNROUTABLE_V6: readonly V6Range[] = [
  [[0x2001, 0x0010], 28], // ORCHID (RFC 4843)
  [[0x2001, 0x0db8], 32], // documentation (RFC 3849)
  [[0xfc00], 7], // unique local (RFC 4193); btcd exempts OnionCat Tor, which this library does not speak
  [[0xfe80], 10], // link-local (RFC 4291); wider than btcd's RFC 4862 fe80::/64
  [[0xff00], 8], // multicast (RFC 4291); not in btcd
];

/**
 * Classifies an address.
 *
 * `'unroutable'` covers, for IPv4: 0.0.0.0/8 (so the unspecified address),
 * RFC 1918 private (10/8, 172.16/12, 192.168/16), RFC 6598 shared 100.64/10,
 * RFC 3927 link-local 169.254/16, RFC 5737 documentation (192.0.2/24,
 * 198.51.100/24, 203.0.113/24), RFC 2544 benchmarking 198.18/15, multicast
 * 224/4 and reserved 240/4 (with broadcast 255.255.255.255). For IPv6: the
 * unspecified `::`, RFC 4843 ORCHID 2001:10::/28, RFC 3849 documentation
 * 2001:db8::/32, RFC 4193 unique local fc00::/7, link-local fe80::/10 (btcd:
 * RFC 4862 fe80::/64) and multicast ff00::/8.
 *
 * IPv6 forms that carry an IPv4 address (RFC 3964 6to4 2002::/16, RFC 4380
 * Teredo 2001::/32, RFC 6052 64:ff9b::/96, RFC 6145 ::ffff:0:0:0/96) are
 * `'ipv6'` when the IPv4 inside is public and `'unroutable'` otherwise (btcd
 * does not look inside for this).
 *
 * @param addr - the address (its port is ignored).
 * @returns its class.
 *
 * @example
 * ```ts
 * addressClass(SocketAddress.parse('8.8.8.8:53'));         // 'ipv4'
 * addressClass(SocketAddress.parse('192.168.1.10:8333'));  // 'unroutable'
 * addressClass(SocketAddress.parse('[::1]:8333'));         // 'loopback'
 * ```
 */
export function addressClass(addr: SocketAddress): AddressClass {
  const bytes = addr.toBytes16();
  if (addr.family === 4) return classOfV4(bytes.subarray(12));

  const words = wordsOf(bytes);
  if (words.every((w, i) => w === (i === 7 ? 1 : 0))) return 'loopback';
  if (words.every((w) => w === 0)) return 'unroutable';
  if (UNROUTABLE_V6.some(([prefix, bits]) => inV6Range(words, prefix, bits))) return 'unroutable';
  const embedded = embeddedV4(bytes);
  if (embedded !== undefined && classOfV4(embedded) !== 'ipv4') return 'unroutable';
  return 'ipv6';
}

/**
 * The network group of an address, for outbound diversity: two addresses in
 * one group are assumed to be one operator's.
 *
 * - IPv4: its /16, as `'ipv4:203.0'`.
 * - IPv6: its /32 as two zero-padded hextets, as `'ipv6:2001:0db9'`; but the
 *   forms that carry an IPv4 address (6to4, Teredo, RFC 6052, RFC 6145) group
 *   by that IPv4's /16, as btcd does, so they cannot dodge the IPv4 limit.
 *   (btcd's /36 for Hurricane Electric's 2001:470::/32 is not applied.)
 * - Loopback: the whole address including the port, as
 *   `'loopback:127.0.0.1:18444'`, so that many nodes of a local test network
 *   on one host still count as distinct groups.
 * - Unroutable: the single group `'unroutable'`.
 *
 * @param addr - the address.
 * @returns the group key; equal keys mean the same group.
 *
 * @example
 * ```ts
 * netGroup(SocketAddress.parse('203.0.7.1:8333'));        // 'ipv4:203.0'
 * netGroup(SocketAddress.parse('[2a01:4f8::1]:8333'));    // 'ipv6:2a01:04f8'
 * netGroup(SocketAddress.parse('127.0.0.1:18444'));       // 'loopback:127.0.0.1:18444'
 * ```
 */
export function netGroup(addr: SocketAddress): string {
  switch (addressClass(addr)) {
    case 'unroutable':
      return 'unroutable';
    case 'loopback':
      return `loopback:${addr.toString()}`;
    case 'ipv4': {
      const bytes = addr.toBytes16();
      return `ipv4:${bytes[12]}.${bytes[13]}`;
    }
    case 'ipv6': {
      const bytes = addr.toBytes16();
      const embedded = embeddedV4(bytes);
      if (embedded !== undefined) return `ipv4:${embedded[0]}.${embedded[1]}`;
      const hex = (i: number): string => (bytes[i] ?? 0).toString(16).padStart(2, '0');
      return `ipv6:${hex(0)}${hex(1)}:${hex(2)}${hex(3)}`;
    }
  }
}

/**
 * How {@link netGroupWith} groups loopback addresses:
 * - `'host-port'`: each host *and port* is its own group, as {@link netGroup}
 *   does — right for a test network of many nodes on one machine, where each
 *   node is told apart only by its port;
 * - `'slash16'`: like a public IPv4 /16 — `127.a.*.*` is the group
 *   `'loopback:127.a'` (and `::1` is `'loopback:::1'`), ignoring the port. One
 *   host reconnecting from fresh source ports stays one group, so tests of the
 *   per-group defences (address-book buckets, addr-relay allowance) on 127.x
 *   behave as they would on the Internet: peers in distinct groups are bound
 *   to distinct `127.a` prefixes.
 *
 * @example
 * ```ts
 * const grouping: LoopbackGrouping = 'slash16';
 * ```
 */
export type LoopbackGrouping = 'host-port' | 'slash16';

/**
 * Options of {@link netGroupWith}.
 *
 * @example
 * ```ts
 * const options: NetGroupOptions = { loopback: 'slash16' };
 * ```
 */
export interface NetGroupOptions {
  /** How loopback addresses are grouped; see {@link LoopbackGrouping}. @default 'host-port' */
  readonly loopback?: LoopbackGrouping;
}

/**
 * A network-group function like {@link netGroup} with another grouping of
 * loopback addresses; every other address is grouped exactly as `netGroup`
 * groups it. Pass the result wherever a `group` function is taken (the
 * address book, `selectOutboundAddress`, the addr-relay limiter's keys).
 *
 * @param options - see {@link NetGroupOptions}.
 * @returns the group function.
 * @throws InvalidNetGroupOptionError when `options.loopback` is neither grouping.
 * @example
 * ```ts
 * const group = netGroupWith({ loopback: 'slash16' });
 * group(SocketAddress.parse('127.0.0.1:50001')); // 'loopback:127.0'
 * group(SocketAddress.parse('127.0.9.9:50002')); // 'loopback:127.0'
 * group(SocketAddress.parse('127.1.0.1:50003')); // 'loopback:127.1'
 * ```
 */
export function netGroupWith(options: NetGroupOptions = {}): (addr: SocketAddress) => string {
  const loopback = options.loopback ?? 'host-port';
  if (loopback !== 'host-port' && loopback !== 'slash16') throw new InvalidNetGroupOptionError(loopback);
  if (loopback === 'host-port') return netGroup;
  return (addr) => {
    if (addressClass(addr) !== 'loopback') return netGroup(addr);
    if (addr.family === 6) return 'loopback:::1';
    const bytes = addr.toBytes16();
    return `loopback:${bytes[12]}.${bytes[13]}`;
  };
}

/**
 * Whether an address is worth dialling: true for `'ipv4'`, `'ipv6'` and —
 * unlike btcd — `'loopback'`, so that regtest/simnet networks on one machine
 * work out of the box. Callers wanting public peers only should test
 * `addressClass(addr) !== 'loopback'` as well.
 *
 * @example
 * ```ts
 * isRoutable(SocketAddress.parse('127.0.0.1:18444')); // true
 * isRoutable(SocketAddress.parse('10.0.0.1:8333'));   // false
 * ```
 */
export function isRoutable(addr: SocketAddress): boolean {
  return addressClass(addr) !== 'unroutable';
}

function classOfV4(v4: Uint8Array): AddressClass {
  if (v4[0] === 127) return 'loopback';
  return UNROUTABLE_V4.some((range) => inV4Range(v4, range)) ? 'unroutable' : 'ipv4';
}

function inV4Range(v4: Uint8Array, [a, b, c, d, bits]: V4Range): boolean {
  const value = (((v4[0] ?? 0) << 24) | ((v4[1] ?? 0) << 16) | ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)) >>> 0;
  const base = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (base & mask) >>> 0;
}

function wordsOf(bytes: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return words;
}

function inV6Range(words: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((words[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address inside an IPv6 transition form, or undefined. */
function embeddedV4(bytes: Uint8Array): Uint8Array | undefined {
  const words = wordsOf(bytes);
  // 6to4 (RFC 3964): 2002:AABB:CCDD::/48.
  if (words[0] === 0x2002) return bytes.slice(2, 6);
  // Teredo (RFC 4380): 2001:0::/32, client IPv4 stored inverted in the last 32 bits.
  if (words[0] === 0x2001 && words[1] === 0) return bytes.slice(12, 16).map((b) => b ^ 0xff);
  // NAT64 well-known prefix (RFC 6052): 64:ff9b::/96.
  if (inV6Range(words, [0x64, 0xff9b], 96)) return bytes.slice(12, 16);
  // IPv4-translated (RFC 6145): ::ffff:0:0:0/96.
  if (inV6Range(words, [0, 0, 0, 0, 0xffff, 0], 96)) return bytes.slice(12, 16);
  return undefined;
}
