import type { SocketAddress } from '../net/SocketAddress.js';

/** A peer that completed its handshake. */
export interface PeerInfo {
  /** `out#<request id>` or `in@<inbound id>`: unique within a node. */
  readonly key: string;
  readonly direction: 'outbound' | 'inbound';
  readonly remote: SocketAddress;
  readonly permanent: boolean;
  readonly userAgent: string;
  readonly startHeight: number;
  /** Scheduler time of the handshake. */
  readonly since: number;
  /** The transport: plaintext `'v1'` or BIP324 `'v2'` (getpeerinfo's `transport_protocol_type`). */
  readonly transport: 'v1' | 'v2';
  /** The v2 session id, 64 hex digits; `''` on v1 (getpeerinfo's `session_id`). */
  readonly sessionId: string;
}
