/**
 * The node hub: connection manager + peers + handshake + address book + bans (btcd's server).
 * @packageDocumentation
 */
export { Node, createNode, BannedPeerError, type PeerInfo, type NodeEvent, type RefusalReason, type NodeStats, type NodeConn } from './Node.js';
export type { NodeOptions } from './NodeOptions.js';
export { peerDoneCommands, type PeerDoneCommand } from './peerDone.js';
