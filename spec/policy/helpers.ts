import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { netGroup } from '../../lib/net/netGroup.js';
import type { EvictionCandidate } from '../../lib/policy/selectNodeToEvict.js';

/** Fields a test may set on a candidate, besides the id and group number. */
export type CandidateFields = Partial<Omit<EvictionCandidate, 'id' | 'addr' | 'group'>>;

/**
 * A public IPv4 address numbered `n` in network group number `g` (0..100):
 * `(g+20).0.hi(n).lo(n)`, whose netGroup is `'ipv4:(g+20).0'`. (First
 * octets 20..120 keep clear of every unroutable range.)
 */
export function addrIn(g: number, n: number): SocketAddress {
  if (!Number.isInteger(g) || g < 0 || g > 100) throw new Error(`test group number out of range: ${g}`);
  return SocketAddress.from(`${g + 20}.0.${(n >> 8) & 255}.${n & 255}`, 8333);
}

/**
 * An inbound, non-whitelisted eviction candidate with id `id` in group number
 * `g`, connected at `id * 1000` (so a larger id is younger) with unknown ping
 * and no relayed blocks or transactions, unless `fields` say otherwise.
 */
export function peer(id: number, g: number, fields: CandidateFields = {}): EvictionCandidate {
  const addr = addrIn(g, id);
  return {
    id,
    addr,
    group: netGroup(addr),
    connectedAt: id * 1000,
    minPingMs: Infinity,
    whitelisted: false,
    outbound: false,
    ...fields,
  };
}

/** The group number back from a group made by {@link addrIn}: `'ipv4:27.0'` → 7. */
export function groupNumber(group: string): number {
  const match = /^ipv4:(\d+)\.0$/.exec(group);
  if (match === null) throw new Error(`not a test group: ${group}`);
  return Number(match[1]) - 20;
}

/** A keyedGroup for tests: the rank of a group is its group number, so higher numbers are protected. */
export const rankByGroupNumber = (c: { readonly group: string }): number => groupNumber(c.group);

/** Three-way comparison of numbers (Infinity-safe). */
export function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fixed 32-byte key. */
export function fixedKey(seed = 1): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + seed * 7) & 255);
}
