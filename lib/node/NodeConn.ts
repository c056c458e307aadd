import type { Socket } from 'node:net';
import type { Peer } from '../peer/Peer.js';
import type { HandshakeResult } from '../peer/bitcoin/bitcoinHandshake.js';
import type { BitcoinMessage } from '../protocol/bitcoin/messages.js';
import type { WireProtocol } from '../protocol/WireProtocol.js';
import type { ConnectionType } from './connectionType.js';
import type { ArrivalFacts } from './InboundGate.js';

/**
 * A node's connection, as its manager sees it: a peer on a socket. An outbound one is handed to
 * the manager only after its version handshake (so a failed handshake is a failed dial, with
 * the manager's backoff and throttle); an inbound one is judged by the gate in the manager's
 * reducer, and shakes hands once admitted.
 */
export interface NodeConn {
  readonly peer: Peer<BitcoinMessage>;
  readonly socket: Socket;
  /**
   * The conn's own protocol (v1, a v2 session, or an inbound one that detects which); it says the
   * transport for `PeerInfo`. Undefined: the node's shared v1 protocol.
   */
  readonly protocol?: WireProtocol<BitcoinMessage>;
  /** The outbound handshake's result; undefined for inbound conns. */
  readonly handshake?: HandshakeResult;
  /** What an outbound conn is for (from its manager request's class); undefined for inbound conns. */
  readonly connectionType?: ConnectionType;
  /** What the node knew of an inbound conn when it arrived: the input of the inbound gate. */
  readonly arrival?: ArrivalFacts;
}
