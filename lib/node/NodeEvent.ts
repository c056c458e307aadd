import type { RefusalReason } from './InboundGate.js';
import type { PeerInfo } from './PeerInfo.js';

/** What a node does with its peers: the `events$` stream. */
export type NodeEvent =
  | { readonly type: 'peerUp'; readonly peer: PeerInfo }
  | { readonly type: 'peerDown'; readonly peer: PeerInfo; readonly error: unknown }
  | { readonly type: 'handshakeFailed'; readonly direction: 'outbound' | 'inbound'; readonly remote: string; readonly error: unknown }
  /** An inbound conn refused by the gate (or for want of a slot) before its handshake; see `RefusalReason`. */
  | { readonly type: 'refused'; readonly remote: string; readonly reason: RefusalReason }
  /** An inbound peer closed to make room for a newcomer when every inbound slot was taken (Bitcoin Core's eviction). */
  | { readonly type: 'evicted'; readonly peer: PeerInfo; readonly for: string }
  /**
   * An accepted socket the node could not take: a `Peer` could not be built on it (a transport
   * whose socket breaks the `net.Socket` surface) or its arrival facts could not be read (a ban
   * list or permission check that threw); `error` is what was thrown. The socket is destroyed; the
   * node goes on accepting on the same listener.
   */
  | { readonly type: 'acceptFailed'; readonly remote: string; readonly error: unknown }
  /** A discovery source announced addresses: `added` of them were new to the book. */
  | {
      readonly type: 'addressesLearned';
      readonly origin: 'static' | 'dns' | 'manual' | 'peer';
      readonly source: string;
      readonly announced: number;
      readonly added: number;
    }
  | { readonly type: 'dnsSeedFailed'; readonly host: string; readonly error: unknown }
  /** A v2 (BIP324) dial was answered in v1 or hung up: the same attempt dialed again with v1 (`reason`). */
  | { readonly type: 'v2Fallback'; readonly remote: string; readonly reason: unknown }
  /** A feeler connection tested an address from the new table (`ok`: it answered the handshake and moved to tried). */
  | { readonly type: 'feeler'; readonly addr: string; readonly ok: boolean }
  /**
   * A peer's bytes or messages broke a rule: `cost` (the error's documented `banScore`) was
   * charged, making `score`; over the threshold the host is `banned`, below it `discouraged`
   * (first evicted; never loopback unless `discourageLoopback`). An `exempt` peer — manual or
   * `noban` — is neither, and not charged: this event is all that happens.
   */
  | {
      readonly type: 'misbehaving';
      readonly remote: string;
      readonly cost: number;
      readonly score: number;
      readonly banned: boolean;
      readonly discouraged: boolean;
      readonly exempt: boolean;
      readonly reason: string;
      readonly error: unknown;
    };

/** Counters for a status line or a table. */
export interface NodeStats {
  readonly outbound: number;
  readonly inbound: number;
  /** Outbound requests not established (dialing, handshaking, waiting to retry). */
  readonly pending: number;
  /** Retries so far: permanent redials and replacements of lost automatic connections. */
  readonly retries: number;
  /** Hosts banned now. */
  readonly bans: number;
  /** Inbound conns refused before their handshake so far. */
  readonly refused: number;
}
