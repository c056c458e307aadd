/**
 * Peers: a socket speaking a pluggable wire protocol as reactive streams, plus the Bitcoin version
 * handshake and keep-alive that run on top of it.
 *
 * @packageDocumentation
 */
export { Peer, type PeerOptions, type PeerCloseInfo, type PeerStats } from './Peer.js';
export { bitcoinHandshake, type HandshakeOptions, type HandshakeResult } from './bitcoin/bitcoinHandshake.js';
export { keepAlive, type KeepAliveOptions, type PingSample } from './bitcoin/keepAlive.js';
export {
  SendBufferOverflowError,
  PeerClosedError,
  HandshakeTimeoutError,
  SelfConnectionError,
  ObsoleteVersionError,
  UnexpectedMessageError,
  IdleTimeoutError,
} from './errors.js';
