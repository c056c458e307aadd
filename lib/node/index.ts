/**
 * The node hub: connection manager + peers + handshake + address book + bans (btcd's server).
 * @packageDocumentation
 */
export { BitcoinNode, Node, createNode } from './BitcoinNode.js';
export { BannedPeerError } from './BannedPeerError.js';
export {
  InboundGate,
  type RefusalReason,
  type ArrivalFacts,
  type InboundSessionFacts,
  type InboundGateLimits,
  type GatedConn,
} from './InboundGate.js';
export type { NodeConn } from './NodeConn.js';
export type { NodeEvent, NodeStats } from './NodeEvent.js';
export type { NodeOptions } from './NodeOptions.js';
export type { NodeLiveConfig } from './NodeControl.js';
export { NODE_DEFAULTS, resolveNodeOptions, type ResolvedNodeOptions } from './nodeDefaults.js';
export type { PeerInfo } from './PeerInfo.js';
export { ADDR_FETCH, BLOCK_RELAY_ONLY, FEELER, outboundConnectionType, type ConnectionType } from './connectionType.js';
export { selectOutboundToEvict } from './selectOutboundToEvict.js';
