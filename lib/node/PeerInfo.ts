import type { PermissionFlag } from '../ban/permissions.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { ConnectionType } from './connectionType.js';

/**
 * A peer that completed its handshake. `node.peers()` gives a fresh snapshot on every call (ping
 * and byte counters as of that call); a `peerUp`/`peerDown` event carries the snapshot of its
 * moment.
 */
export interface PeerInfo {
  /** Core's `nodeid`: a number unique within the node, given in handshake order from 0, never reused. */
  readonly id: number;
  /** `out#<request id>` or `in@<inbound id>`: unique within a node. */
  readonly key: string;
  readonly direction: 'outbound' | 'inbound';
  readonly remote: SocketAddress;
  /** What the connection is for, in Core's words (getpeerinfo's `connection_type`). */
  readonly connectionType: ConnectionType;
  /** A manual peer (`addPeers`/`connectPeers`/`addPeer`): never banned automatically. */
  readonly permanent: boolean;
  readonly userAgent: string;
  readonly startHeight: number;
  /** The service bits of the remote's `version`. */
  readonly services: bigint;
  /** The protocol version the remote announced. */
  readonly version: number;
  /** Its permission flags (the `permissions` table, plus `noban` for the ban list's whitelist), in Core's order. */
  readonly permissions: readonly PermissionFlag[];
  /** Scheduler time of the handshake. */
  readonly since: number;
  /** The last ping round trip, ms; absent until a pong came back. */
  readonly pingMs?: number;
  /** The best ping round trip, ms; absent until a pong came back. */
  readonly minPingMs?: number;
  /** Bytes written to the peer so far (the handshake included). */
  readonly bytesSent: number;
  /** Bytes read from the peer so far (the handshake included). */
  readonly bytesRecv: number;
  /** Scheduler time of its last useful message (`inv`, `headers`, `block`, `tx`); absent while it sent none. */
  readonly lastUseful?: number;
  /** The transport: plaintext `'v1'` or BIP324 `'v2'` (getpeerinfo's `transport_protocol_type`). */
  readonly transport: 'v1' | 'v2';
  /** The v2 session id, 64 hex digits; `''` on v1 (getpeerinfo's `session_id`). */
  readonly sessionId: string;
}
