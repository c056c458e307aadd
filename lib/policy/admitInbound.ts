/**
 * Whether to take on one more inbound connection: caps on the total, per IP
 * and per network group.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';
import { checkCount } from './checks.js';
import type { InboundCounts } from './InboundCounts.js';

/**
 * Default cap on inbound connections from one IP: 8.
 *
 * Bitcoin Core and btcd have no such cap and rely on eviction; but one IP
 * holding dozens of slots is almost always one machine trying to, and this
 * refuses it before it costs anyone else a slot. 8 rather than 1 because
 * several honest nodes can share a public IP behind a carrier-grade or
 * office NAT. Set `Infinity` to turn it off.
 *
 * @example
 * ```ts
 * admitInbound(counts, addr, { maxInbound: 117, maxPerIp: DEFAULT_MAX_INBOUND_PER_IP });
 * ```
 */
export const DEFAULT_MAX_INBOUND_PER_IP = 8;

/**
 * Default cap on inbound connections from one network group: `Infinity`, no cap.
 *
 * A /16 can hold a whole hosting provider and its many honest nodes, and a
 * flood from one group is already what {@link selectNodeToEvict} targets:
 * with inbound full, each newcomer from the crowded group evicts a member of
 * that same group. Set a number to refuse such a flood outright instead.
 *
 * @example
 * ```ts
 * admitInbound(counts, addr, { maxInbound: 117, maxPerGroup: 16 }); // opt in
 * ```
 */
export const DEFAULT_MAX_INBOUND_PER_GROUP = Infinity;

/**
 * The caps of {@link admitInbound}.
 *
 * @example
 * ```ts
 * const limits: InboundLimits = { maxInbound: 117, maxPerIp: 4 };
 * ```
 */
export interface InboundLimits {
  /** Inbound connections at most, an integer ≥ 0 (or `Infinity`). Required: it depends on the node's budget. */
  readonly maxInbound: number;
  /** Connections at most from one IP, an integer ≥ 1 or `Infinity`; default {@link DEFAULT_MAX_INBOUND_PER_IP} (8). */
  readonly maxPerIp?: number | undefined;
  /** Connections at most from one netgroup, an integer ≥ 1 or `Infinity`; default {@link DEFAULT_MAX_INBOUND_PER_GROUP} (no cap). */
  readonly maxPerGroup?: number | undefined;
}

/**
 * The answer of {@link admitInbound}: admit, or refuse and say which cap.
 *
 * @example
 * ```ts
 * const a: Admission = { admit: false, reason: 'perIp' };
 * ```
 */
export type Admission = { readonly admit: true } | { readonly admit: false; readonly reason: 'maxInbound' | 'perIp' | 'perGroup' };

const ADMIT: Admission = Object.freeze({ admit: true });
const REFUSE_PER_IP: Admission = Object.freeze({ admit: false, reason: 'perIp' });
const REFUSE_PER_GROUP: Admission = Object.freeze({ admit: false, reason: 'perGroup' });
const REFUSE_FULL: Admission = Object.freeze({ admit: false, reason: 'maxInbound' });

/**
 * Decides whether a new inbound connection from `addr` fits under the caps,
 * given the connections already counted in `state` (not including this one).
 *
 * The caps are checked per IP first, then per group, then the total, so the
 * reason says the most specific thing that is wrong. In particular
 * `'maxInbound'` means "this peer is acceptable, there is just no free slot":
 * the caller may then ask {@link selectNodeToEvict} for a peer to drop
 * (as Core does), while `'perIp'` and `'perGroup'` mean "refuse, do not evict
 * anyone for this peer".
 *
 * @param state - the inbound connections open now.
 * @param addr - the newcomer's remote address.
 * @param limits - the caps; see {@link InboundLimits}.
 * @returns `{ admit: true }` or `{ admit: false, reason }`.
 * @throws {@link PolicyArgumentError} naming the limit that is not an integer
 *   in range (or `Infinity`).
 *
 * @example
 * ```ts
 * const verdict = admitInbound(counts, addr, { maxInbound: 117 });
 * if (verdict.admit) counts = counts.add(addr);
 * else if (verdict.reason === 'maxInbound') tryEvictThenAdmit(addr);
 * else refuse(addr, verdict.reason);
 * ```
 */
export function admitInbound(state: InboundCounts, addr: SocketAddress, limits: InboundLimits): Admission {
  const maxPerIp = limits.maxPerIp ?? DEFAULT_MAX_INBOUND_PER_IP;
  const maxPerGroup = limits.maxPerGroup ?? DEFAULT_MAX_INBOUND_PER_GROUP;
  checkCount('limits.maxInbound', limits.maxInbound, 0, true);
  checkCount('limits.maxPerIp', maxPerIp, 1, true);
  checkCount('limits.maxPerGroup', maxPerGroup, 1, true);

  if (state.perIp(addr) >= maxPerIp) return REFUSE_PER_IP;
  if (state.perGroup(addr) >= maxPerGroup) return REFUSE_PER_GROUP;
  if (state.total >= limits.maxInbound) return REFUSE_FULL;
  return ADMIT;
}
