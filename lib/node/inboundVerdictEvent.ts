import type { ConnEvent } from '../model/events.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { RefusalReason } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';

/**
 * The manager's verdict on an inbound conn as a node event, or `undefined` for any other event:
 * `rejected` → `refused` (the gate's reason; no slot is `full`; a conn arriving while not running
 * is no refusal), `inboundClosed` evicted → `evicted`, with the victim's `PeerInfo` from the
 * newcomer's arrival snapshot (the victim may already be closed and gone from the sessions).
 */
export function inboundVerdictEvent(
  e: ConnEvent<SocketAddress, NodeConn>,
): Extract<NodeEvent, { type: 'refused' | 'evicted' }> | undefined {
  if (e.type === 'rejected' && e.reason !== 'notRunning') {
    const reason = (e.reason === 'maxInbound' ? 'full' : e.reason) as RefusalReason;
    return { type: 'refused', remote: e.conn.arrival?.remote.toString() ?? '?', reason };
  }
  if (e.type === 'inboundClosed' && e.reason === 'evicted') {
    const victim = e.for.arrival?.sessions.find((session) => session.inboundId === e.inboundId);
    return victim && { type: 'evicted', peer: victim.info, for: String(e.for.arrival?.remote) };
  }
  return undefined;
}
