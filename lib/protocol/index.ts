/**
 * Pluggable wire protocols: the {@link WireProtocol} contract a `Peer` frames its socket with, and
 * the built-in Bitcoin P2P protocol.
 * @packageDocumentation
 */
export { ProtocolError, type WireProtocol, type MessageDecoder } from './WireProtocol.js';
export * from './bitcoin/index.js';
