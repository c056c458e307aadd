/**
 * The Bitcoin P2P wire protocol: v1 framing, CompactSize helpers and the messages a connection
 * manager needs (handshake, keep-alive, address gossip); every other message passes through raw.
 * @packageDocumentation
 */
export { bitcoinProtocol, type BitcoinProtocolOptions } from './bitcoinProtocol.js';
export {
  PROTOCOL_VERSION, MAX_ADDR_ENTRIES, MAX_USER_AGENT_LENGTH, KNOWN_COMMANDS, isRawMessage, versionMessage,
  type BitcoinMessage, type KnownBitcoinMessage, type KnownCommand, type RawMessage, type NetAddress,
  type TimestampedNetAddress, type VersionMessage, type VersionInit, type VerackMessage, type PingMessage,
  type PongMessage, type GetaddrMessage, type AddrMessage, type SendheadersMessage, type WtxidrelayMessage,
  type Sendaddrv2Message,
} from './messages.js';
export { encodePayload } from './encodePayload.js';
export { decodePayload } from './decodePayload.js';
export {
  FRAME_HEADER_SIZE, COMMAND_SIZE, DEFAULT_MAX_PAYLOAD, FrameDecoder, encodeFrame, frameChecksum,
  type Frame, type FrameDecoderOptions,
} from './frame.js';
export { encodeVarInt, decodeVarInt, encodeVarStr, decodeVarStr, type Decoded } from './varint.js';
export { NETWORKS, networkByMagic, signetMagic, type BitcoinNetwork, type BitcoinNetworkName } from './networks.js';
export {
  BadMagicError, BadChecksumError, OversizeMessageError, BadCommandError, MalformedPayloadError,
  TooManyAddressesError, InvalidMessageError,
} from './errors.js';
