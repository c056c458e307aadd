/**
 * BIP324 v2 encrypted transport: ElligatorSwift key exchange, the rekeying ChaCha20 ciphers, the
 * handshake (with inbound v1 detection), the v2 session as a `WireProtocol`, and the v2 → v1
 * fallback classification.
 * @packageDocumentation
 */
export { NODE_P2P_V2 } from './services.js';
export { transportInfo, type TransportInfo } from './transportInfo.js';
export {
  negotiateTransport,
  protocolOptionsOf,
  DEFAULT_HANDSHAKE_TIMEOUT,
  type NegotiateTransportOptions,
  type NegotiatedTransport,
} from './negotiateTransport.js';
export { dialWithV1Fallback, type FallbackConnection } from './dialWithV1Fallback.js';
export { v2ResponderProtocol, type V2ResponderOptions, type V2ResponderProtocol } from './v2ResponderProtocol.js';
export { v2Protocol, type V2ProtocolOptions, type V2SessionProtocol } from './v2Protocol.js';
export {
  V2Handshake,
  v1Prefix,
  MAX_GARBAGE,
  GARBAGE_TERMINATOR_SIZE,
  ELLSWIFT_SIZE,
  type V2HandshakeOptions,
  type V2HandshakeOutcome,
  type V2HandshakeStep,
} from './V2Handshake.js';
export {
  V2Cipher,
  LENGTH_FIELD_SIZE,
  HEADER_SIZE,
  TAG_SIZE,
  IGNORE_BIT,
  MAX_PACKET_CONTENTS,
  type V2EncryptOptions,
  type V2Packet,
} from './V2Cipher.js';
export { V2PacketReader, DEFAULT_MAX_CONTENTS, type V2PacketReaderOptions } from './V2PacketReader.js';
export { SHORT_MESSAGE_TYPES, encodeV2Contents, decodeV2Contents, type V2Message } from './messageTypes.js';
export { FSChaCha20, REKEY_INTERVAL, rekeyNonce } from './FSChaCha20.js';
export { FSChaCha20Poly1305 } from './FSChaCha20Poly1305.js';
export { deriveV2Keys, type V2Keys } from './deriveV2Keys.js';
export { ellswiftCreate, ellswiftEcdhXonly, v2SharedSecret, type EllswiftKeyPair } from './v2Ecdh.js';
export { xswiftec, xswiftecInv, ellswiftDecode, ellswiftEncode } from './ellswift.js';
export {
  V2_FAULT_BAN_SCORE,
  V2DecryptError,
  V2OversizePacketError,
  V2GarbageTooLongError,
  V2MalformedContentsError,
  V1WrongNetworkError,
  V2FallbackError,
  V1ResponseError,
  V2HangupError,
  V2HandshakeTimeoutError,
  isV1Fallback,
} from './errors.js';
