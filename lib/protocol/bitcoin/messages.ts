import { VERSION } from '../../version.js';
import { InvalidMessageError } from './errors.js';

/**
 * The protocol version we announce by default: 70016, the version that introduced `wtxidrelay`
 * (BIP339), as sent by Bitcoin Core since 0.21.
 */
export const PROTOCOL_VERSION = 70016;

/** The most entries an `addr` message may carry (Core's `MAX_ADDR_TO_SEND`). */
export const MAX_ADDR_ENTRIES = 1000;

/** The most entries a `getdata` or `notfound` may carry: 50,000 (Core's `MAX_INV_SZ`). */
export const MAX_INV_ENTRIES = 50_000;

/** The most hashes a `getheaders` or `getblocks` locator may carry: 101 (Core's `MAX_LOCATOR_SZ`). */
export const MAX_LOCATOR_HASHES = 101;

/** The most headers a `headers` message may carry: 2,000 (Core's `MAX_HEADERS_RESULTS`). */
export const MAX_HEADERS_ENTRIES = 2_000;

/** The size of a serialized block header, in bytes. */
export const BLOCK_HEADER_SIZE = 80;

/**
 * Inventory types of {@link InvVector} (Core's `GetDataMsg`): transactions, blocks, and their
 * witness forms (the `MSG_WITNESS_FLAG` bit 1 << 30 set).
 *
 * @example
 * ```ts
 * INV_TYPES.MSG_WITNESS_BLOCK; // 0x40000002
 * ```
 */
export const INV_TYPES = {
  MSG_TX: 1,
  MSG_BLOCK: 2,
  MSG_FILTERED_BLOCK: 3,
  MSG_CMPCT_BLOCK: 4,
  MSG_WTX: 5,
  MSG_WITNESS_TX: 0x4000_0001,
  MSG_WITNESS_BLOCK: 0x4000_0002,
} as const;

/** The longest accepted `version` user agent, in bytes (Core's `MAX_SUBVERSION_LENGTH`). */
export const MAX_USER_AGENT_LENGTH = 256;

/**
 * A network address as carried in `version` and `addr`: the IP is kept as the 16 wire bytes
 * (IPv4 as an IPv4-mapped IPv6 address, `::ffff:a.b.c.d`) so this layer needs no IP library.
 *
 * @example
 * ```ts
 * const local: NetAddress = { services: 1n, ip: Uint8Array.of(0,0,0,0,0,0,0,0,0,0,0xff,0xff,127,0,0,1), port: 8333 };
 * ```
 */
export interface NetAddress {
  /** Service bits of the node at that address (uint64). */
  readonly services: bigint;
  /** The 16-byte IPv6 (or IPv4-mapped) address, in network order. */
  readonly ip: Uint8Array;
  /** The TCP port (0–65535); big-endian on the wire, unlike every other integer. */
  readonly port: number;
}

/**
 * An `addr` entry: a {@link NetAddress} with the time it was last seen.
 *
 * @example
 * ```ts
 * const entry: TimestampedNetAddress = { timestamp: 1_700_000_000, ...local };
 * ```
 */
export interface TimestampedNetAddress extends NetAddress {
  /** Last-seen time, in seconds since the Unix epoch (uint32). */
  readonly timestamp: number;
}

/**
 * `version`: the first message each side sends, announcing what it is.
 *
 * Decoding requires every field up to `startHeight` (every peer Core still talks to sends them) and
 * reads `relay` only if present; bytes after it are ignored. Build one with {@link versionMessage}.
 *
 * @example
 * ```ts
 * if (message.command === 'version') console.log(message.userAgent, message.startHeight);
 * ```
 */
export interface VersionMessage {
  readonly command: 'version';
  /** The sender's protocol version (int32). */
  readonly protocolVersion: number;
  /** The sender's service bits (uint64). */
  readonly services: bigint;
  /** The sender's clock, seconds since the Unix epoch (int64 on the wire). */
  readonly timestamp: bigint;
  /** The receiver's address as the sender sees it. */
  readonly addrRecv: NetAddress;
  /** The sender's own address (Core sends zeros but for the services). */
  readonly addrFrom: NetAddress;
  /** Random per-connection value (uint64) that lets a node detect a connection to itself. */
  readonly nonce: bigint;
  /** BIP14 user agent, e.g. `/Satoshi:27.0.0/`; at most {@link MAX_USER_AGENT_LENGTH} bytes. */
  readonly userAgent: string;
  /** Height of the sender's best chain (int32). */
  readonly startHeight: number;
  /**
   * BIP37 relay flag: whether the sender wants transaction announcements. Absent when the sender
   * omitted the byte (protocol < 70001), which BIP37 says to treat as `true`; encoding writes the
   * byte only when the field is present.
   */
  readonly relay?: boolean;
}

/**
 * `verack`: acknowledges the peer's `version`. No payload.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'verack' });
 * ```
 */
export interface VerackMessage {
  readonly command: 'verack';
}

/**
 * `ping`: keep-alive and latency probe (BIP31); the peer answers with a `pong` carrying the same nonce.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'ping', nonce: 42n });
 * ```
 */
export interface PingMessage {
  readonly command: 'ping';
  /** Random uint64 echoed by the `pong`. */
  readonly nonce: bigint;
}

/**
 * `pong`: the answer to a `ping`.
 *
 * @example
 * ```ts
 * if (message.command === 'ping') send({ command: 'pong', nonce: message.nonce });
 * ```
 */
export interface PongMessage {
  readonly command: 'pong';
  /** The nonce of the `ping` answered (uint64). */
  readonly nonce: bigint;
}

/**
 * `getaddr`: asks the peer for addresses of other nodes. No payload.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'getaddr' });
 * ```
 */
export interface GetaddrMessage {
  readonly command: 'getaddr';
}

/**
 * `addr`: addresses of other nodes, at most {@link MAX_ADDR_ENTRIES}.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'addr', addresses: [{ timestamp: 1_700_000_000, services: 1n, ip, port: 8333 }] });
 * ```
 */
export interface AddrMessage {
  readonly command: 'addr';
  /** The announced addresses. */
  readonly addresses: readonly TimestampedNetAddress[];
}

/**
 * `sendheaders` (BIP130): announce new blocks with `headers` rather than `inv`. No payload.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'sendheaders' });
 * ```
 */
export interface SendheadersMessage {
  readonly command: 'sendheaders';
}

/**
 * `wtxidrelay` (BIP339): announce transactions by wtxid; sent between `version` and `verack`. No payload.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'wtxidrelay' });
 * ```
 */
export interface WtxidrelayMessage {
  readonly command: 'wtxidrelay';
}

/**
 * `sendaddrv2` (BIP155): the sender understands `addrv2`; sent between `version` and `verack`. No payload.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'sendaddrv2' });
 * ```
 */
export interface Sendaddrv2Message {
  readonly command: 'sendaddrv2';
}

/**
 * The networks of BIP155 that this codec decodes, by name. TorV2 (id 3) is not among them: Tor
 * retired it, BIP155 now says to ignore it on receive, and Core 22+ does.
 *
 * @example
 * ```ts
 * const network: AddrV2Network = 'torv3';
 * ```
 */
export type AddrV2Network = 'ipv4' | 'ipv6' | 'torv3' | 'i2p' | 'cjdns';

/**
 * An `addrv2` entry (BIP155): like {@link TimestampedNetAddress}, with a network and an address of
 * that network's length instead of the 16-byte IP.
 *
 * @example
 * ```ts
 * const entry: AddrV2Address = { timestamp: 1_700_000_000, services: 9n, network: 'ipv4', addr: Uint8Array.of(1, 2, 3, 4), port: 8333 };
 * ```
 */
export interface AddrV2Address {
  /** Last-seen time, in seconds since the Unix epoch (uint32). */
  readonly timestamp: number;
  /** Service bits (uint64; CompactSize on the wire). */
  readonly services: bigint;
  /** The network the address belongs to. */
  readonly network: AddrV2Network;
  /**
   * The address bytes, of the network's length (see `BIP155_NETWORKS`): IPv4 4, IPv6 16, TorV3 32
   * (the ed25519 public key), I2P 32 (the SHA-256 of the destination), CJDNS 16 (an fc00::/8 IPv6).
   */
  readonly addr: Uint8Array;
  /** The port (0–65535, big-endian on the wire); 0 where the network has none (I2P). */
  readonly port: number;
}

/**
 * `addrv2` (BIP155): addresses of other nodes on any network, at most {@link MAX_ADDR_ENTRIES}.
 * Sent only to a peer that sent `sendaddrv2`.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'addrv2', addresses: [entry] });
 * ```
 */
export interface Addrv2Message {
  readonly command: 'addrv2';
  /** The entries of the networks this codec knows, in message order. */
  readonly addresses: readonly AddrV2Address[];
  /**
   * Set on decoding: entries left out because they are of no use — an unknown network id, TorV2,
   * an IPv6 entry carrying an IPv4 or OnionCat address, a CJDNS one outside fc00::/8 — which
   * BIP155 and Core ignore rather than reject. Ignored when encoding.
   */
  readonly skipped?: number;
}

/**
 * One inventory entry of `getdata` and `notfound` (and `inv`): a type (see `INV_TYPES`) and a
 * 32-byte hash, in internal byte order (as on the wire).
 *
 * @example
 * ```ts
 * const item: InvVector = { type: INV_TYPES.MSG_WITNESS_BLOCK, hash: new Uint8Array(32) };
 * ```
 */
export interface InvVector {
  /** The kind of object (uint32). */
  readonly type: number;
  /** Its hash, 32 bytes. */
  readonly hash: Uint8Array;
}

/**
 * `getheaders`: asks for up to 2,000 block headers following the first locator hash we know.
 *
 * @example
 * ```ts
 * if (message.command === 'getheaders') send({ command: 'headers', headers: [] });
 * ```
 */
export interface GetheadersMessage {
  readonly command: 'getheaders';
  /** The sender's protocol version (uint32 on the wire). */
  readonly version: number;
  /** Block hashes from the sender's tip back to genesis, densest first; at most {@link MAX_LOCATOR_HASHES}. 32 bytes each. */
  readonly locator: readonly Uint8Array[];
  /** Stop at this hash; all zeros for "as many as allowed". 32 bytes. */
  readonly hashStop: Uint8Array;
}

/**
 * `getblocks`: like {@link GetheadersMessage}, but asks for an `inv` of up to 500 blocks.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'getblocks', version: 70016, locator: [tip], hashStop: new Uint8Array(32) });
 * ```
 */
export interface GetblocksMessage {
  readonly command: 'getblocks';
  /** The sender's protocol version (uint32 on the wire). */
  readonly version: number;
  /** As in `getheaders`; at most {@link MAX_LOCATOR_HASHES}. */
  readonly locator: readonly Uint8Array[];
  /** As in `getheaders`. */
  readonly hashStop: Uint8Array;
}

/**
 * `getdata`: asks for the objects listed; at most {@link MAX_INV_ENTRIES}.
 *
 * @example
 * ```ts
 * if (message.command === 'getdata') send({ command: 'notfound', inventory: message.inventory });
 * ```
 */
export interface GetdataMessage {
  readonly command: 'getdata';
  /** The objects asked for. */
  readonly inventory: readonly InvVector[];
}

/**
 * `notfound`: the objects of a `getdata` that the sender does not have; at most {@link MAX_INV_ENTRIES}.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'notfound', inventory: [{ type: 1, hash }] });
 * ```
 */
export interface NotfoundMessage {
  readonly command: 'notfound';
  /** The objects not found. */
  readonly inventory: readonly InvVector[];
}

/**
 * `headers`: block headers (80 bytes each, kept raw: this codec does not validate chains), at most
 * {@link MAX_HEADERS_ENTRIES}. On the wire each header is followed by a transaction count, always
 * 0; it is written as 0 and ignored when read, as Core does.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'headers', headers: [] }); // "I have nothing after your locator"
 * ```
 */
export interface HeadersMessage {
  readonly command: 'headers';
  /** The headers, {@link BLOCK_HEADER_SIZE} bytes each. */
  readonly headers: readonly Uint8Array[];
}

/**
 * Any message this codec does not model (`inv`, `tx`, `block`, …), as its command and raw
 * payload. Unknown commands are not an error: the protocol grows, and Core ignores what it does not
 * know. Encoding sends the payload verbatim (whatever the command, so a known command can also be
 * sent pre-serialized).
 *
 * Because `command` is a plain string, `message.command === 'ping'` cannot rule this type out; use
 * {@link isRawMessage} first, then switch on `command`.
 *
 * @example
 * ```ts
 * protocol.encode({ command: 'feefilter', payload: Uint8Array.of(0xe8, 3, 0, 0, 0, 0, 0, 0) });
 * ```
 */
export interface RawMessage {
  readonly command: string;
  /** The payload as received (or to be sent), without the frame header. */
  readonly payload: Uint8Array;
}

/**
 * The messages this codec decodes into typed objects.
 *
 * @example
 * ```ts
 * function handle(message: KnownBitcoinMessage) {
 *   switch (message.command) { case 'ping': return pong(message.nonce); … }
 * }
 * ```
 */
export type KnownBitcoinMessage =
  | VersionMessage
  | VerackMessage
  | PingMessage
  | PongMessage
  | GetaddrMessage
  | AddrMessage
  | SendheadersMessage
  | WtxidrelayMessage
  | Sendaddrv2Message
  | Addrv2Message
  | GetheadersMessage
  | GetblocksMessage
  | GetdataMessage
  | NotfoundMessage
  | HeadersMessage;

/**
 * Every message of the Bitcoin protocol: a {@link KnownBitcoinMessage} or a {@link RawMessage}.
 *
 * @example
 * ```ts
 * for (const message of decoder.push(chunk)) {
 *   if (isRawMessage(message)) continue; // not modelled
 *   if (message.command === 'ping') send({ command: 'pong', nonce: message.nonce });
 * }
 * ```
 */
export type BitcoinMessage = KnownBitcoinMessage | RawMessage;

/**
 * The commands decoded into typed messages.
 *
 * @example
 * ```ts
 * const cmd: KnownCommand = 'verack';
 * ```
 */
export type KnownCommand = KnownBitcoinMessage['command'];

/**
 * The commands decoded into typed messages, as a set.
 *
 * @example
 * ```ts
 * KNOWN_COMMANDS.has('addr'); // true
 * KNOWN_COMMANDS.has('inv');  // false
 * ```
 */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set<KnownCommand>([
  'version',
  'verack',
  'ping',
  'pong',
  'getaddr',
  'addr',
  'sendheaders',
  'wtxidrelay',
  'sendaddrv2',
  'addrv2',
  'getheaders',
  'getblocks',
  'getdata',
  'notfound',
  'headers',
]);

/**
 * Whether `message` is a {@link RawMessage} (it carries a raw `payload`). In the `false` branch
 * TypeScript narrows to {@link KnownBitcoinMessage}, where `switch (message.command)` works.
 *
 * @example
 * ```ts
 * if (!isRawMessage(message) && message.command === 'version') message.startHeight;
 * ```
 */
export function isRawMessage(message: BitcoinMessage): message is RawMessage {
  return 'payload' in message;
}

/**
 * Fields of {@link versionMessage}: the required ones have no sensible default.
 *
 * @example
 * ```ts
 * const init: VersionInit = { nonce: 1n, timestamp: Math.floor(Date.now() / 1000), addrRecv };
 * ```
 */
export interface VersionInit {
  /** Random uint64, kept to detect connections to ourselves. */
  readonly nonce: bigint;
  /** Seconds since the Unix epoch (a number is converted). */
  readonly timestamp: bigint | number;
  /** The peer's address as we see it. */
  readonly addrRecv: NetAddress;
  /** Default {@link PROTOCOL_VERSION} (70016). */
  readonly protocolVersion?: number;
  /** Our service bits; default `0n` (we serve no blocks). */
  readonly services?: bigint;
  /** Default: `services` at `::` port 0, as Bitcoin Core sends. */
  readonly addrFrom?: NetAddress;
  /** Default `/rx-connmgr:<package version>/` (BIP14). */
  readonly userAgent?: string;
  /** Default 0. */
  readonly startHeight?: number;
  /** Default `true`. */
  readonly relay?: boolean;
}

/**
 * Builds a `version` message, filling in the defaults listed on {@link VersionInit}. Pure: the
 * caller supplies the clock and the randomness.
 *
 * @example
 * ```ts
 * const version = versionMessage({
 *   nonce: randomBytes(8).readBigUInt64LE(),
 *   timestamp: Math.floor(Date.now() / 1000),
 *   addrRecv: { services: 0n, ip: peerIp16, port: 18444 },
 * });
 * socket.write(protocol.encode(version));
 * ```
 */
export function versionMessage(init: VersionInit): VersionMessage {
  const services = init.services ?? 0n;
  return {
    command: 'version',
    protocolVersion: init.protocolVersion ?? PROTOCOL_VERSION,
    services,
    timestamp: toTimestamp(init.timestamp),
    addrRecv: init.addrRecv,
    addrFrom: init.addrFrom ?? { services, ip: new Uint8Array(16), port: 0 },
    nonce: init.nonce,
    userAgent: init.userAgent ?? `/rx-connmgr:${VERSION}/`,
    startHeight: init.startHeight ?? 0,
    relay: init.relay ?? true,
  };
}

function toTimestamp(value: bigint | number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new InvalidMessageError('version', 'timestamp', value, 'an integer number of seconds');
  return BigInt(value);
}
