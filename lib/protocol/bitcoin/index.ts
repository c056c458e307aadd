/**
 * The Bitcoin P2P wire protocol: v1 framing, CompactSize helpers and the messages a connection
 * manager needs (handshake, keep-alive, address gossip with BIP155 `addrv2`, and the block requests
 * a node that serves no blocks must still answer, see {@link nonServiceReply}); every other message
 * passes through raw.
 * @packageDocumentation
 */
export { bitcoinProtocol, type BitcoinProtocolOptions } from './bitcoinProtocol.js';
export {
  PROTOCOL_VERSION,
  MAX_ADDR_ENTRIES,
  MAX_USER_AGENT_LENGTH,
  KNOWN_COMMANDS,
  isRawMessage,
  versionMessage,
  MAX_INV_ENTRIES,
  MAX_LOCATOR_HASHES,
  MAX_HEADERS_ENTRIES,
  BLOCK_HEADER_SIZE,
  INV_TYPES,
  type AddrV2Network,
  type AddrV2Address,
  type Addrv2Message,
  type InvVector,
  type GetheadersMessage,
  type GetblocksMessage,
  type GetdataMessage,
  type NotfoundMessage,
  type HeadersMessage,
  type BitcoinMessage,
  type KnownBitcoinMessage,
  type KnownCommand,
  type RawMessage,
  type NetAddress,
  type TimestampedNetAddress,
  type VersionMessage,
  type VersionInit,
  type VerackMessage,
  type PingMessage,
  type PongMessage,
  type GetaddrMessage,
  type AddrMessage,
  type SendheadersMessage,
  type WtxidrelayMessage,
  type Sendaddrv2Message,
} from './messages.js';
export { encodePayload } from './encodePayload.js';
export { BIP155_NETWORKS, BIP155_TORV2_ID, MAX_ADDRV2_ADDRESS_LENGTH, bip155Network, isUsableAddrV2 } from './bip155.js';
export {
  NODE_NETWORK,
  NODE_BLOOM,
  NODE_WITNESS,
  NODE_COMPACT_FILTERS,
  NODE_NETWORK_LIMITED,
  NODE_P2P_V2,
  isFullRelayCandidate,
  serviceNames,
} from './services.js';
export { nonServiceReply } from './nonServiceReply.js';
export { decodePayload } from './decodePayload.js';
export {
  FRAME_HEADER_SIZE,
  COMMAND_SIZE,
  DEFAULT_MAX_PAYLOAD,
  FrameDecoder,
  encodeFrame,
  frameChecksum,
  type Frame,
  type FrameDecoderOptions,
} from './frame.js';
export { encodeVarInt, decodeVarInt, encodeVarStr, decodeVarStr, type Decoded } from './varint.js';
export { NETWORKS, networkByMagic, signetMagic, type BitcoinNetwork, type BitcoinNetworkName } from './networks.js';
export {
  BadMagicError,
  BadChecksumError,
  OversizeMessageError,
  BadCommandError,
  MalformedPayloadError,
  TooManyAddressesError,
  TooManyEntriesError,
  InvalidMessageError,
} from './errors.js';
