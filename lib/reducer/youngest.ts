import type { PersistentMap } from '../collections/PersistentMap.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import type { InboundEntry, OutboundEntry } from '../model/state.js';

/**
 * The `count` automatic requests of the default class (the one `targetOutbound` counts; named
 * classes keep their own targets) to let go first when `targetOutbound` is lowered, in the order
 * they go: those not yet established (looking up an address or dialing), newest request first
 * (the highest id), then the established ones, latest `connectedAt` first.
 *
 * Not-yet-established ones go first because closing them loses nothing that works: no conn, no
 * handshake, no peer that proved itself; among established peers the youngest have proven the
 * least (Core likewise protects its longest-standing outbound peers). O(n log n) in automatic
 * requests, for this rare step only.
 *
 * @example
 * youngestAutomatic(state.requests, 2); // [a dialing request, the last one connected]
 */
export function youngestAutomatic<A, C>(requests: PersistentMap<number, OutboundEntry<A, C>>, count: number): OutboundEntry<A, C>[] {
  if (count <= 0) return [];
  const automatic: OutboundEntry<A, C>[] = [];
  for (const entry of requests.values()) if (entry.automatic && entry.req.connClass === DEFAULT_CONN_CLASS) automatic.push(entry);
  automatic.sort((a, b) => {
    const aUp = a.stage === 'established';
    const bUp = b.stage === 'established';
    if (aUp !== bUp) return aUp ? 1 : -1;
    if (aUp && a.connectedAt !== b.connectedAt) return (b.connectedAt ?? 0) - (a.connectedAt ?? 0);
    return b.id - a.id;
  });
  return automatic.slice(0, count);
}

/**
 * The `count` inbound conns to close first when `maxInbound` is lowered below the admitted
 * count: the latest accepted first (ties: the higher inbound id), as the youngest have proven the
 * least. O(n log n) in inbound conns, for this rare step only.
 *
 * @example
 * youngestInbound(state.inbound, 1); // [the conn accepted last]
 */
export function youngestInbound<C>(inbound: PersistentMap<number, InboundEntry<C>>, count: number): InboundEntry<C>[] {
  if (count <= 0) return [];
  const all = [...inbound.values()];
  all.sort((a, b) => b.acceptedAt - a.acceptedAt || b.inboundId - a.inboundId);
  return all.slice(0, count);
}
