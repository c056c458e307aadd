/**
 * Address poisoning from one IP: how much of the address book, and of the
 * outbound peers drawn from it, an attacker gets by reconnecting and
 * flooding `addr` — issue #14's scenario, replayed on the book directly.
 *
 * Run: `npx tsx benchmarks/poisoning.ts [honest peers, default 8]`. Deterministic (fixed key, seeded
 * randomness, fixed clock); it prints one line per mode.
 *
 * The scenario: 8 honest peers, each on its own loopback /16-equivalent
 * (127.10.0.1, 127.11.0.1, …), tell us 1,000 addresses each; then one
 * attacker IP, 127.0.0.1, connects 10 times (a fresh source port each time)
 * and sends 1,000 fresh addresses per connection. All announced addresses
 * are public IPv4 spread over many /16s, as an attacker would choose to dodge
 * the per-group limits. Then {@link ROUNDS} times, 8 outbound addresses are
 * drawn with `selectOutboundAddress` (one per group, as the manager does).
 *
 * Then the restart with anchors: the node had 2 anchors (honest peers it was connected to when it
 * stopped) and comes back after the flood. {@link ROUNDS} restarts, each counting the attacker's
 * addresses among the outbound peers drawn:
 * - `anchors as full-relay` (before connection classes): the 2 anchors are 2 of the 8 full-relay
 *   peers, 6 are drawn from the book;
 * - `anchors as block-relay-only` (Core, and this node now): the 2 anchors are the 2
 *   block-relay-only peers, all 8 full-relay peers are drawn from the book.
 * The issue's figure is the attacker's count among the 8 full-relay peers of one restart: ≤ 1 of 8.
 *
 * Modes:
 * - `per-host-port`: the grouping the book had before issue #14 — loopback
 *   grouped by host and port, so every reconnect is a new source group — and a
 *   fresh 1,000-address allowance per connection;
 * - `loopback-/16`: loopback grouped as a /16-equivalent (`netGroup` with
 *   `loopback: 'slash16'`), same allowance: the bucket layout's bound alone;
 * - `loopback-/16 + source limiter`: also the addr-relay allowance kept per
 *   source group across reconnects, starting as Core does for a peer we never
 *   sent `getaddr` (inbound).
 */
import { AddressBook, type AddressAnnouncement } from '../lib/addr/AddressBook.js';
import { selectOutboundAddress } from '../lib/addr/selectOutboundAddress.js';
import { SocketAddress } from '../lib/net/SocketAddress.js';
import { netGroup, netGroupWith } from '../lib/net/netGroup.js';
import { addrSourceLimiter, type AddrSourceLimiter } from '../lib/policy/addrSourceLimiter.js';
// The soak's mulberry32, so that both benchmarks draw the same reproducible sequences.
import { prng as seeded } from './soak/messages.js';

const KEY = new Uint8Array(32).fill(7);
const NOW = 1_700_000_000_000;
/** Honest peers: the first command-line argument, default 8. */
const HONEST_PEERS = Number(process.argv[2] ?? 8);
// Honest parties use third octets 1–90, the attacker's 100–109: they must not overlap.
if (!Number.isInteger(HONEST_PEERS) || HONEST_PEERS < 1 || HONEST_PEERS > 90)
  throw new RangeError(`honest peers must be an integer 1–90, got ${process.argv[2]}`);
const ATTACKER_CONNECTIONS = 10;
const PER_MESSAGE = 1_000;
const OUTBOUND = 8;
/** Restarts simulated: each draws {@link OUTBOUND} peers afresh. */
const ROUNDS = 100;

/** Public unicast first octets (no private, loopback, test or multicast ranges). */
const FIRST_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1).filter((a) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(a));

/** Public address number `i` of party `party`: /16s vary fastest, parties never overlap. */
function announced(party: number, i: number): AddressAnnouncement {
  const a = FIRST_OCTETS[i % FIRST_OCTETS.length] as number;
  const rest = Math.floor(i / FIRST_OCTETS.length);
  return { addr: SocketAddress.from(`${a}.${rest & 255}.${party}.${(rest >>> 8) + 1}`, 8333), timestamp: NOW - 3_600_000 };
}

interface Mode {
  readonly name: string;
  readonly group: (addr: SocketAddress) => string;
  /** Addresses kept out of each message, given the source's key and the message size. */
  readonly admit: (source: SocketAddress, count: number) => number;
}

interface Figures {
  readonly book: number;
  readonly attackerInBook: number;
  readonly picks: number;
  readonly attackerPicks: number;
  /** Per restart layout: the attacker's full-relay peers over {@link ROUNDS} restarts. */
  readonly restarts: readonly RestartFigures[];
}

/** The attacker's share of the full-relay outbound peers after restarts with anchors. */
interface RestartFigures {
  readonly layout: string;
  /** Attacker peers among the 8 full-relay ones, summed over the restarts. */
  readonly attackerFullRelay: number;
  /** The most attacker peers among the 8 full-relay ones in one restart. */
  readonly worst: number;
  /** Restarts with more than 1 attacker among the 8 full-relay peers. */
  readonly over1: number;
  /** Attacker peers among the block-relay-only ones, summed (the anchors: always 0). */
  readonly attackerBlockRelay: number;
}

/** The 2 anchors of every restart: honest peers we were connected to (not in the book's attacker set). */
const ANCHORS = [SocketAddress.from('127.10.0.1', 40_000), SocketAddress.from('127.11.0.1', 40_001)];
const BLOCK_RELAY = 2;

function run(mode: Mode): Figures {
  const book = new AddressBook({ key: KEY, now: () => NOW, random: seeded(42), group: mode.group });
  const attackerAddrs = new Set<string>();
  for (let peer = 0; peer < HONEST_PEERS; peer += 1) {
    const source = SocketAddress.from(`127.${10 + peer}.0.1`, 40_000 + peer);
    const addrs = Array.from({ length: PER_MESSAGE }, (_, i) => announced(1 + peer, i));
    book.add(addrs.slice(0, mode.admit(source, addrs.length)), source);
  }
  for (let connection = 0; connection < ATTACKER_CONNECTIONS; connection += 1) {
    const source = SocketAddress.from('127.0.0.1', 50_000 + connection);
    const addrs = Array.from({ length: PER_MESSAGE }, (_, i) => announced(100 + connection, i));
    addrs.forEach(({ addr }) => attackerAddrs.add(addr.toString()));
    book.add(addrs.slice(0, mode.admit(source, addrs.length)), source);
  }
  const attackerInBook = book.all().filter((info) => attackerAddrs.has(info.addr.toString())).length;
  /** `n` outbound addresses drawn one per group (as the node does), avoiding `taken`; how many are the attacker's. */
  const draw = (n: number, taken: readonly SocketAddress[]): number => {
    const groupsInUse = new Set<string>(taken.map((a) => netGroup(a)));
    const chosen = new Set<string>(taken.map((a) => a.toString()));
    let attacker = 0;
    for (let i = 0; i < n; i += 1) {
      const addr = selectOutboundAddress({
        pick: () => book.select(),
        now: NOW,
        groupsInUse,
        isUnavailable: (a) => chosen.has(a.toString()),
        group: netGroup,
        defaultPort: 8333,
      });
      chosen.add(addr.toString());
      groupsInUse.add(netGroup(addr));
      if (attackerAddrs.has(addr.toString())) attacker += 1;
    }
    return attacker;
  };
  let attackerPicks = 0;
  let picks = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    attackerPicks += draw(OUTBOUND, []);
    picks += OUTBOUND;
  }
  const restart = (layout: string, anchorsAsFullRelay: boolean): RestartFigures => {
    let attackerFullRelay = 0;
    let worst = 0;
    let over1 = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Before: the anchors are 2 of the 8 full-relay peers. Core: they are the block-relay-only peers.
      const fromBook = anchorsAsFullRelay ? OUTBOUND - ANCHORS.length : OUTBOUND;
      const attacker = draw(fromBook, ANCHORS);
      attackerFullRelay += attacker;
      worst = Math.max(worst, attacker);
      if (attacker > 1) over1 += 1;
    }
    // Block-relay-only: the anchors fill both slots; none is drawn from the book.
    return {
      layout,
      attackerFullRelay,
      worst,
      over1,
      attackerBlockRelay: anchorsAsFullRelay ? 0 : Math.max(0, BLOCK_RELAY - ANCHORS.length),
    };
  };
  const restarts = [restart('anchors as full-relay (before)', true), restart('anchors as block-relay-only (Core)', false)];
  return { book: book.size, attackerInBook, picks, attackerPicks, restarts };
}

console.log(
  `${HONEST_PEERS} honest peers × ${PER_MESSAGE}, attacker ${ATTACKER_CONNECTIONS} connections × ${PER_MESSAGE} from 127.0.0.1, ${ROUNDS} × ${OUTBOUND} outbound picks`,
);
const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

const perConnection = (_source: SocketAddress, count: number): number => Math.min(count, PER_MESSAGE);
const slash16 = netGroupWith({ loopback: 'slash16' });
const modes: Mode[] = [
  { name: 'per-host-port', group: netGroup, admit: perConnection },
  { name: 'loopback-/16', group: slash16, admit: perConnection },
  { name: 'loopback-/16 + source limiter', group: slash16, admit: sourceLimited(slash16) },
];

/**
 * Admission by an {@link AddrSourceLimiter} keyed by source group. The honest
 * peers are our outbound peers answering our `getaddr` (solicited: a full
 * allowance); the attacker is inbound (never solicited). The clock does not
 * move: the whole flood arrives within the benchmark's instant, as it did in
 * 3.7 s in the issue.
 */
function sourceLimited(group: (addr: SocketAddress) => string): (source: SocketAddress, count: number) => number {
  let limiter: AddrSourceLimiter = addrSourceLimiter();
  return (source, count) => {
    if (source.host !== '127.0.0.1') limiter = limiter.solicit(group(source), NOW);
    const { accepted, next } = limiter.take(group(source), count, NOW);
    limiter = next;
    return accepted;
  };
}

for (const mode of modes) {
  const f = run(mode);
  console.log(
    `${mode.name.padEnd(32)} book ${f.attackerInBook}/${f.book} attacker (${percent(f.attackerInBook, f.book)}); ` +
      `outbound ${f.attackerPicks}/${f.picks} attacker (${percent(f.attackerPicks, f.picks)})`,
  );
  for (const r of f.restarts) {
    console.log(
      `  restart, ${r.layout.padEnd(36)} full-relay ${r.attackerFullRelay}/${ROUNDS * OUTBOUND} attacker ` +
        `(${(r.attackerFullRelay / ROUNDS).toFixed(2)} of ${OUTBOUND} per restart, worst ${r.worst} of ${OUTBOUND}, ` +
        `${r.over1}/${ROUNDS} restarts > 1); block-relay-only ${r.attackerBlockRelay}/${ROUNDS * BLOCK_RELAY}`,
    );
  }
}
