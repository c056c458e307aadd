import type { PeerInfo } from './PeerInfo.js';

/**
 * Which outbound peer to let go once an extra one is up (Core's `EvictExtraOutboundPeers`): of
 * `peers` (one connection type, outbound), the one whose last useful message (`lastUseful`:
 * `inv`, `headers`, `block`, `tx`) is the oldest — one that never sent any first; among equals
 * the youngest (Core: the highest id). Never the newest peer (it has had no time to be useful),
 * never a manual (permanent) one. `undefined` when no peer may go.
 *
 * @example
 * // a: useful at 50, b: never, c: the newest (never) → b goes
 * selectOutboundToEvict([a, b, c]); // b
 */
export function selectOutboundToEvict(peers: readonly PeerInfo[]): PeerInfo | undefined {
  let newest: PeerInfo | undefined;
  for (const p of peers) if (newest === undefined || younger(p, newest)) newest = p;
  let victim: PeerInfo | undefined;
  for (const p of peers) {
    if (p === newest || p.permanent) continue;
    if (victim === undefined) {
      victim = p;
      continue;
    }
    const [a, b] = [p.lastUseful ?? -Infinity, victim.lastUseful ?? -Infinity];
    if (a < b || (a === b && younger(p, victim))) victim = p;
  }
  return victim;
}

/** Whether `a` came up after `b` (handshake time, then id: ids are given in handshake order). */
function younger(a: PeerInfo, b: PeerInfo): boolean {
  return a.since > b.since || (a.since === b.since && a.id > b.id);
}
