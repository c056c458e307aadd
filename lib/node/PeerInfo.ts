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
}
