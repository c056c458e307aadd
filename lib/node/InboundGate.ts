import type { ConnManagerState, InboundVerdict } from '../model/state.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { netGroup } from '../net/netGroup.js';
import { DEFAULT_MAX_INBOUND_PER_GROUP, DEFAULT_MAX_INBOUND_PER_IP } from '../policy/admitInbound.js';
import { checkCount } from '../policy/checks.js';
import { ipKey } from '../policy/InboundCounts.js';
import { DEFAULT_MAX_PENDING_HANDSHAKES, maxPendingHandshakes } from '../policy/maxPendingHandshakes.js';
import { selectDiscouragedToEvict } from '../ban/selectDiscouragedToEvict.js';
import { selectNodeToEvict, type EvictionCandidate } from '../policy/selectNodeToEvict.js';
import type { PeerInfo } from './PeerInfo.js';

/**
 * Why an inbound conn was refused before its handshake: a banned host, too many accepts from its
 * IP in a short time (`rate`), too many conns from its IP or group, too many handshakes in
 * flight, every inbound slot (`maxPeers − targetOutbound − permanent`) taken by peers that
 * eviction protects (`full`), or networking switched off (`networkInactive`, Core's
 * `setnetworkactive false`).
 */
export type RefusalReason = 'banned' | 'rate' | 'perIp' | 'perGroup' | 'pendingHandshakes' | 'full' | 'networkInactive';

/** A handshaken inbound peer as eviction sees it, at the moment a newcomer arrived. */
export interface InboundSessionFacts {
  /** The manager's inbound id of the peer's conn. */
  readonly inboundId: number;
  readonly remote: SocketAddress;
  /** Scheduler time of the handshake. */
  readonly since: number;
  /** Best ping so far, ms; `Infinity` while unknown. */
  readonly minPingMs: number;
  /** It has `noban` (or is on the ban list's whitelist): never evicted. */
  readonly whitelisted: boolean;
  /** It misbehaved lately (the node's `Discouragement`): evicted before anyone else. Default false. */
  readonly discouraged?: boolean;
  /** The peer, for the `evicted` event. */
  readonly info: PeerInfo;
}

/**
 * What the node knew about an inbound conn when it arrived, stamped on the conn by the accept
 * edge so that the gate can be a pure function: the ban list, the accept-rate bucket and the
 * handshakes in flight live outside the manager's state, and reading them from the reducer
 * would make it impure.
 */
export interface ArrivalFacts {
  readonly remote: SocketAddress;
  readonly banned: boolean;
  /** `noban`: past every cap but the ban and the slot count, and never evicted. */
  readonly whitelisted: boolean;
  /** `forceinbound`: when every slot is taken, someone (not `noban`) is evicted for it even where eviction protects everyone. Default false. */
  readonly forceInbound?: boolean;
  /** Networking is off (`setNetworkActive(false)`): refused. Default false. */
  readonly networkInactive?: boolean;
  /** The accept-rate bucket of this IP was empty (never set for whitelisted hosts). */
  readonly rateLimited: boolean;
  /** Inbound handshakes in flight, not counting this one. */
  readonly pendingHandshakes: number;
  /** The handshaken inbound peers: the eviction candidates. */
  readonly sessions: readonly InboundSessionFacts[];
}

/** The limits of an {@link InboundGate}. */
export interface InboundGateLimits {
  /** Inbound conns at most from one IP. @default 8 (`DEFAULT_MAX_INBOUND_PER_IP`) */
  readonly maxPerIp?: number;
  /** Inbound conns at most from one network group. @default Infinity (`DEFAULT_MAX_INBOUND_PER_GROUP`) */
  readonly maxPerGroup?: number;
  /** Inbound handshakes in flight at most. @default 64 (`DEFAULT_MAX_PENDING_HANDSHAKES`) */
  readonly maxPendingHandshakes?: number;
}

/** What the gate needs of a conn: the facts stamped at arrival (absent: the conn is admitted as any other). */
export interface GatedConn {
  readonly arrival?: ArrivalFacts | undefined;
}

/**
 * The node's inbound defences as one immutable value: `check` is the manager's `admitInbound`
 * hook, a pure function of the newcomer's arrival facts and the manager's state. Cheapest first:
 * networking off → refused; banned → refused; whitelisted (`noban`) → only needs a slot; accept
 * rate; handshakes in flight; per-IP and per-group caps; then, with every slot taken, the
 * youngest discouraged peer goes first, else Core's eviction picks a handshaken inbound peer to
 * make room, else a `forceinbound` newcomer evicts the youngest peer that is not `noban`, else
 * the newcomer is refused as `full`.
 *
 * @example
 * const gate = new InboundGate({ maxPerIp: 2 });
 * new ConnManager({ dial, maxInbound: 117, admitInbound: (conn, state) => gate.check(conn, state) });
 */
export class InboundGate {
  readonly #maxPerIp: number;
  readonly #maxPerGroup: number;
  readonly #maxPending: number;

  /** @throws `PolicyArgumentError` naming a limit that is not an integer in range (or `Infinity` where allowed). */
  constructor(limits: InboundGateLimits = {}) {
    this.#maxPerIp = limits.maxPerIp ?? DEFAULT_MAX_INBOUND_PER_IP;
    this.#maxPerGroup = limits.maxPerGroup ?? DEFAULT_MAX_INBOUND_PER_GROUP;
    this.#maxPending = limits.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES;
    // Checked once here, so that `check` (run in the manager's reducer) cannot throw on a limit.
    checkCount('maxInboundPerIp', this.#maxPerIp, 1, true);
    checkCount('maxInboundPerGroup', this.#maxPerGroup, 1, true);
    checkCount('maxPendingHandshakes', this.#maxPending, 0);
  }

  /** The verdict on `conn`, given the inbound conns the manager holds in `state`. Pure. */
  check<A, C extends GatedConn>(conn: C, state: ConnManagerState<A, C>): InboundVerdict {
    const facts = conn.arrival;
    if (facts === undefined) return undefined;
    if (facts.networkInactive) return refuse('networkInactive');
    if (facts.banned) return refuse('banned');
    if (!facts.whitelisted) {
      if (facts.rateLimited) return refuse('rate');
      if (maxPendingHandshakes(facts.pendingHandshakes, this.#maxPending)) return refuse('pendingHandshakes');
      const ip = ipKey(facts.remote);
      const group = netGroup(facts.remote);
      let sameIp = 0;
      let sameGroup = 0;
      for (const entry of state.inbound.values()) {
        const other = entry.conn.arrival?.remote;
        if (other === undefined) continue;
        if (ipKey(other) === ip) sameIp++;
        if (netGroup(other) === group) sameGroup++;
      }
      if (sameIp >= this.#maxPerIp) return refuse('perIp');
      if (sameGroup >= this.#maxPerGroup) return refuse('perGroup');
    }
    if (state.inbound.size < state.config.maxInbound) return undefined;
    const candidates = facts.sessions.map(toCandidate);
    const discouraged = new Set(facts.sessions.filter((s) => s.discouraged).map((s) => s.inboundId));
    const victim =
      selectDiscouragedToEvict(candidates, (c) => discouraged.has(c.id)) ??
      selectNodeToEvict(candidates) ??
      (facts.forceInbound ? youngest(candidates) : undefined);
    return victim === undefined ? refuse('full') : { evict: victim.id };
  }
}

function refuse(reason: RefusalReason): InboundVerdict {
  return { refuse: reason };
}

/** The most recently connected candidate that is not `noban`: whom a `forceinbound` newcomer replaces. */
function youngest(candidates: readonly EvictionCandidate[]): EvictionCandidate | undefined {
  let pick: EvictionCandidate | undefined;
  for (const c of candidates) if (!c.whitelisted && (pick === undefined || c.connectedAt > pick.connectedAt)) pick = c;
  return pick;
}

function toCandidate(session: InboundSessionFacts): EvictionCandidate {
  return {
    id: session.inboundId,
    addr: session.remote,
    group: netGroup(session.remote),
    connectedAt: session.since,
    minPingMs: session.minPingMs,
    whitelisted: session.whitelisted,
    outbound: false,
  };
}
