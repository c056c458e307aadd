/**
 * Which inbound peer to drop when every inbound slot is taken and a new peer
 * knocks: Bitcoin Core's `SelectNodeToEvict`, as a pure function.
 *
 * The idea (Core's, from its net.cpp and later node/eviction.cpp): a node that
 * simply refused newcomers once full could be occupied for good by an attacker
 * who connected first; a node that evicted at random could be flushed of its
 * honest peers by an attacker who connects fast. Instead a few peers are
 * protected for each of several qualities that are hard to forge — a netgroup
 * the attacker cannot predict, low latency, useful transactions and blocks,
 * long uptime — so an attacker has to beat the honest peers at all of them at
 * once to take over. Among the rest, the peer evicted is the youngest of the
 * most crowded netgroup, which is where a flood of connections from one
 * operator ends up.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';
import { InvalidEvictionCandidateError } from './errors.js';
import { defaultKeyedNetGroup } from './keyedNetGroup.js';

/**
 * What eviction needs to know about one connected peer. All times are
 * milliseconds on the caller's clock (any epoch, but one clock for all).
 *
 * @example
 * ```ts
 * const addr = SocketAddress.parse('203.0.113.9:51234');
 * const candidate: EvictionCandidate = {
 *   id: 7, addr, group: netGroup(addr), connectedAt: 1_700_000_000_000,
 *   minPingMs: 42, lastTxTime: 1_700_000_050_000, whitelisted: false, outbound: false,
 * };
 * ```
 */
export interface EvictionCandidate {
  /** The connection's id, unique among the candidates; larger ids are taken to be newer on a tie. */
  readonly id: number;
  /** The peer's address (not read by eviction itself; there for the caller's logs). */
  readonly addr: SocketAddress;
  /** The peer's network group, normally `netGroup(addr)`; peers are counted and evicted per group. */
  readonly group: string;
  /** When the connection was established. */
  readonly connectedAt: number;
  /** The lowest ping round trip seen so far, in ms; `Infinity` while unknown (ranks last). */
  readonly minPingMs: number;
  /** When the peer last sent us a block new to us; absent if it never has. */
  readonly lastBlockTime?: number | undefined;
  /** When the peer last sent us a transaction new to us and accepted; absent if it never has. */
  readonly lastTxTime?: number | undefined;
  /** Whitelisted (Core: `noban`) peers are never evicted. */
  readonly whitelisted: boolean;
  /** Outbound peers are never evicted: we chose them, which is the point of outbound. */
  readonly outbound: boolean;
  /**
   * Set for peers we would rather lose (Core: `prefer_evict`, for discouraged
   * peers). Among the unprotected, only these are then considered.
   * Default `false`.
   */
  readonly preferEvict?: boolean | undefined;
}

/**
 * Options of {@link selectNodeToEvict}.
 *
 * @example
 * ```ts
 * const options: SelectNodeToEvictOptions = { keyedGroup: keyedNetGroup(secretKey) };
 * ```
 */
export interface SelectNodeToEvictOptions {
  /**
   * The secret rank of a candidate's group for the netgroup protection: higher
   * ranks are protected. It must give every peer of one group the same finite
   * number. Default {@link defaultKeyedNetGroup}: HMAC-SHA256 of `group` under
   * a key drawn once per process. It only ranks; peers are still counted per
   * `group` when choosing whom to evict.
   */
  readonly keyedGroup?: ((candidate: EvictionCandidate) => number) | undefined;
}

/**
 * How many peers each rule of {@link selectNodeToEvict} protects, in the order
 * the rules run. These are Bitcoin Core's numbers. Core also protects up to 8
 * block-relay-only peers by block time and reserves part of the uptime half
 * for Tor, I2P, CJDNS and localhost peers; this library has neither
 * connection kind, so both rules are left out.
 *
 * @example
 * ```ts
 * EVICTION_PROTECTION.ping; // 8
 * ```
 */
export const EVICTION_PROTECTION = Object.freeze({
  /** Peers with the highest keyed netgroup rank. */
  netGroup: 4,
  /** Peers with the lowest minimum ping. */
  ping: 8,
  /** Peers that most recently sent us a new transaction. */
  tx: 4,
  /** Peers that most recently sent us a new block. */
  block: 4,
} as const);

/**
 * The fewest eligible candidates (neither whitelisted nor outbound) for which
 * {@link selectNodeToEvict} evicts: 21.
 *
 * Derivation: the four fixed rules protect exactly 4 + 8 + 4 + 4 = 20 peers
 * whenever that many are eligible (each rule protects
 * `min(its count, peers left)`, whatever their fields), so 20 or fewer are all
 * protected. With 21 or more, r ≥ 1 remain, the uptime rule protects
 * ⌊r/2⌋ < r of them, and at least one is left to evict. So the function
 * evicts **if and only if** at least 21 candidates are eligible. (Core, with
 * its extra 8 block-relay-only protections, can only promise "never at 20 or
 * fewer, always at 29 or more"; both statements hold here too.)
 *
 * @example
 * ```ts
 * selectNodeToEvict(twentyInboundPeers);     // undefined
 * selectNodeToEvict(twentyOneInboundPeers);  // some candidate
 * ```
 */
export const MIN_CANDIDATES_TO_EVICT = 21;

/** A candidate with its keyed group rank, computed once. */
interface Ranked {
  readonly candidate: EvictionCandidate;
  readonly rank: number;
}

/** Negative when `a` deserves protection more than `b`. */
type Preference = (a: Ranked, b: Ranked) => number;

/**
 * Chooses the inbound peer to disconnect to make room for a new one, or
 * `undefined` when every candidate is protected.
 *
 * The rules, in order (each works on the candidates the earlier ones left):
 *
 * 1. **Whitelisted and outbound peers are never evicted.** Only the rest are
 *    *eligible*.
 * 2. **4 peers by keyed netgroup**: those whose `group` ranks highest under
 *    `keyedGroup`. An attacker cannot tell which groups these are. (As in
 *    Core, it is 4 peers, not 4 groups: they may share a group.)
 * 3. **8 peers by lowest `minPingMs`**: latency cannot be faked without
 *    moving machines closer to us.
 * 4. **4 peers by most recent `lastTxTime`**: it takes useful work.
 * 5. **4 peers by most recent `lastBlockTime`**: likewise.
 * 6. **Half of the rest (rounded down) by longest uptime**: peers that were
 *    here before an attack began keep their place, as they would if the node
 *    never evicted at all.
 * 7. If any remaining peer has `preferEvict`, only those are considered.
 * 8. **The group with the most remaining peers** is chosen (ties: the group
 *    whose youngest member connected last), and its **youngest member** is
 *    evicted. A flood from one operator piles up in one group, so it is the
 *    flood that pays.
 *
 * Ties within a rule go to the peer connected longer (then the smaller id);
 * "youngest" means the latest `connectedAt` (then the larger id). With these
 * total orders the result depends only on the set of candidates, not on their
 * order in the array. Peers that never sent a transaction or block tie on
 * that rule, so it falls through to uptime, as in Core.
 *
 * Guarantees (each checked by a property spec):
 * - it evicts exactly when at least {@link MIN_CANDIDATES_TO_EVICT} (21)
 *   candidates are eligible;
 * - the victim is never whitelisted or outbound, nor among the best 4 by
 *   netgroup rank, 8 by ping, 4 by tx or 4 by block of all eligible peers;
 * - a flood of at least 20 + m peers from one netgroup that connected after
 *   every other peer, where m ≥ 1 bounds the size of every other group,
 *   always loses one of its own, however well it pings and relays: the fixed
 *   rules spare at most 20 of it, and uptime spares the older peers first.
 *
 * The function is pure and O(n log n); apart from
 * the per-process default key it is deterministic.
 *
 * @param candidates - the connected peers, inbound and outbound alike.
 * @param options - see {@link SelectNodeToEvictOptions}.
 * @returns the candidate to evict (the very object passed in), or `undefined`.
 * @throws {@link InvalidEvictionCandidateError} naming the candidate, field and
 *   value for a duplicate `id`, a non-finite `connectedAt`, a NaN or negative
 *   `minPingMs`, a non-finite `lastTxTime`/`lastBlockTime`, or a non-finite
 *   `keyedGroup` rank.
 *
 * @example
 * ```ts
 * const victim = selectNodeToEvict(peers.map(toCandidate), { keyedGroup: keyedNetGroup(nodeKey) });
 * if (victim === undefined) refuse(incoming);
 * else { disconnect(victim.id); accept(incoming); }
 * ```
 */
export function selectNodeToEvict(
  candidates: readonly EvictionCandidate[],
  options: SelectNodeToEvictOptions = {},
): EvictionCandidate | undefined {
  const keyedGroup = options.keyedGroup ?? defaultKeyedNetGroup;
  checkCandidates(candidates);

  let pool: Ranked[] = [];
  for (const candidate of candidates) {
    if (candidate.whitelisted || candidate.outbound) continue;
    const rank = keyedGroup(candidate);
    if (typeof rank !== 'number' || !Number.isFinite(rank)) {
      throw new InvalidEvictionCandidateError(candidate.id, 'keyedGroup', rank, 'is not a finite number');
    }
    pool.push({ candidate, rank });
  }

  pool = protect(pool, EVICTION_PROTECTION.netGroup, byNetGroupRank);
  pool = protect(pool, EVICTION_PROTECTION.ping, byLowestPing);
  pool = protect(pool, EVICTION_PROTECTION.tx, byLatestTx);
  pool = protect(pool, EVICTION_PROTECTION.block, byLatestBlock);
  pool = protect(pool, Math.floor(pool.length / 2), byLongestUptime);
  if (pool.length === 0) return undefined;

  // Protections run first: a discouraged peer that is still among the best by
  // some measure (say, the one relaying blocks fastest) is worth keeping.
  if (pool.some((r) => r.candidate.preferEvict === true)) {
    pool = pool.filter((r) => r.candidate.preferEvict === true);
  }

  // Per group: its size and its youngest member.
  const groups = new Map<string, { size: number; youngest: EvictionCandidate }>();
  for (const { candidate } of pool) {
    const entry = groups.get(candidate.group);
    if (entry === undefined) groups.set(candidate.group, { size: 1, youngest: candidate });
    else {
      entry.size += 1;
      if (isYounger(candidate, entry.youngest)) entry.youngest = candidate;
    }
  }
  let chosen: { size: number; youngest: EvictionCandidate } | undefined;
  for (const entry of groups.values()) {
    if (chosen === undefined || entry.size > chosen.size || (entry.size === chosen.size && isYounger(entry.youngest, chosen.youngest))) {
      chosen = entry;
    }
  }
  return chosen?.youngest;
}

/** Sorts by preference and removes the best `count` (they are protected). */
function protect(pool: readonly Ranked[], count: number, prefer: Preference): Ranked[] {
  if (count <= 0) return [...pool];
  return [...pool].sort(prefer).slice(count);
}

/** Three-way comparison that, unlike subtraction, is 0 for Infinity vs Infinity. */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-unit order (not locale order, which could differ between machines). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Older first; then the smaller id. Every rule's last resort, so all orders are total. */
function olderFirst(a: EvictionCandidate, b: EvictionCandidate): number {
  return compare(a.connectedAt, b.connectedAt) || compare(a.id, b.id);
}

/** Whether `a` is younger than `b`: connected later, or at the same time with a larger id. */
function isYounger(a: EvictionCandidate, b: EvictionCandidate): boolean {
  return olderFirst(a, b) > 0;
}

// Within one rank the group text keeps two colliding groups apart, so the
// protected peers of a group are its oldest.
const byNetGroupRank: Preference = (a, b) =>
  compare(b.rank, a.rank) || compareText(a.candidate.group, b.candidate.group) || olderFirst(a.candidate, b.candidate);

const byLowestPing: Preference = (a, b) => compare(a.candidate.minPingMs, b.candidate.minPingMs) || olderFirst(a.candidate, b.candidate);

const byLatestTx: Preference = (a, b) =>
  compare(b.candidate.lastTxTime ?? -Infinity, a.candidate.lastTxTime ?? -Infinity) || olderFirst(a.candidate, b.candidate);

const byLatestBlock: Preference = (a, b) =>
  compare(b.candidate.lastBlockTime ?? -Infinity, a.candidate.lastBlockTime ?? -Infinity) || olderFirst(a.candidate, b.candidate);

const byLongestUptime: Preference = (a, b) => olderFirst(a.candidate, b.candidate);

function checkCandidates(candidates: readonly EvictionCandidate[]): void {
  const ids = new Set<number>();
  for (const c of candidates) {
    if (typeof c.id !== 'number' || Number.isNaN(c.id)) {
      throw new InvalidEvictionCandidateError(c.id, 'id', c.id, 'is not a number');
    }
    if (ids.has(c.id)) throw new InvalidEvictionCandidateError(c.id, 'id', c.id, 'is used by two candidates');
    ids.add(c.id);
    if (typeof c.connectedAt !== 'number' || !Number.isFinite(c.connectedAt)) {
      throw new InvalidEvictionCandidateError(c.id, 'connectedAt', c.connectedAt, 'is not a finite number');
    }
    if (typeof c.minPingMs !== 'number' || Number.isNaN(c.minPingMs) || c.minPingMs < 0) {
      throw new InvalidEvictionCandidateError(c.id, 'minPingMs', c.minPingMs, 'is not a number ≥ 0 (or Infinity)');
    }
    for (const field of ['lastTxTime', 'lastBlockTime'] as const) {
      const value = c[field];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw new InvalidEvictionCandidateError(c.id, field, value, 'is not a finite number');
      }
    }
  }
}
