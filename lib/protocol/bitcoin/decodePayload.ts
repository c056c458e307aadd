import { BIP155_NETWORKS, MAX_ADDRV2_ADDRESS_LENGTH, bip155Network, isUsableAddrV2 } from './bip155.js';
import { MalformedPayloadError, TooManyAddressesError, TooManyEntriesError } from './errors.js';
import {
  BLOCK_HEADER_SIZE,
  MAX_ADDR_ENTRIES,
  MAX_HEADERS_ENTRIES,
  MAX_INV_ENTRIES,
  MAX_LOCATOR_HASHES,
  MAX_USER_AGENT_LENGTH,
  type AddrV2Address,
  type Addrv2Message,
  type BitcoinMessage,
  type GetheadersMessage,
  type InvVector,
  type NetAddress,
  type TimestampedNetAddress,
  type VersionMessage,
} from './messages.js';
import { PayloadReader } from './PayloadReader.js';

/**
 * Decodes the payload of a frame into a {@link BitcoinMessage}: a typed message for the commands
 * this codec models, a `RawMessage` (with a copy of the payload) for any other. Bytes after
 * the last known field are ignored, as Bitcoin Core does, so later protocol extensions still decode.
 *
 * @throws MalformedPayloadError (naming `command`) when a known payload is truncated or malformed;
 *   (for `addrv2`: an address longer than 512 bytes, or of the wrong length for its network);
 *   TooManyAddressesError for an `addr` or `addrv2` announcing more than {@link MAX_ADDR_ENTRIES}
 *   entries; TooManyEntriesError for a `getdata` / `notfound`, locator or `headers` over its limit.
 * @example
 * ```ts
 * decodePayload('ping', Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)); // { command: 'ping', nonce: 1n }
 * decodePayload('inv', bytes);                                   // { command: 'inv', payload: bytes' }
 * ```
 */
export function decodePayload(command: string, payload: Uint8Array): BitcoinMessage {
  try {
    return decodeKnown(command, new PayloadReader(payload)) ?? { command, payload: payload.slice() };
  } catch (error) {
    if (error instanceof MalformedPayloadError && error.command === undefined) throw error.inCommand(command);
    throw error;
  }
}

function decodeKnown(command: string, reader: PayloadReader): BitcoinMessage | undefined {
  switch (command) {
    case 'version':
      return decodeVersion(reader);
    case 'ping':
      return { command, nonce: reader.u64le('nonce') };
    case 'pong':
      return { command, nonce: reader.u64le('nonce') };
    case 'addr':
      return { command, addresses: decodeAddresses(reader) };
    case 'verack':
      return { command };
    case 'getaddr':
      return { command };
    case 'sendheaders':
      return { command };
    case 'wtxidrelay':
      return { command };
    case 'sendaddrv2':
      return { command };
    case 'addrv2':
      return decodeAddrV2(reader);
    case 'getheaders':
      return { command, ...readLocator(reader, command) };
    case 'getblocks':
      return { command, ...readLocator(reader, command) };
    case 'getdata':
      return { command, inventory: readInventory(reader, command) };
    case 'notfound':
      return { command, inventory: readInventory(reader, command) };
    case 'headers':
      return {
        command,
        headers: readList(reader, command, MAX_HEADERS_ENTRIES, (i) => {
          const header = reader.bytes(BLOCK_HEADER_SIZE, `headers[${i}]`);
          reader.varInt(); // the transaction count: always 0 in `headers`, ignored as by Core
          return header;
        }),
      };
    default:
      return undefined;
  }
}

function decodeVersion(reader: PayloadReader): VersionMessage {
  const protocolVersion = reader.i32le('protocolVersion');
  const services = reader.u64le('services');
  const timestamp = reader.i64le('timestamp');
  const addrRecv = readNetAddress(reader, 'addrRecv');
  const addrFrom = readNetAddress(reader, 'addrFrom');
  const nonce = reader.u64le('nonce');
  const userAgent = reader.varStr(MAX_USER_AGENT_LENGTH);
  const startHeight = reader.i32le('startHeight');
  const fields = { command: 'version', protocolVersion, services, timestamp, addrRecv, addrFrom, nonce, userAgent, startHeight } as const;
  // Any non-zero byte is true, as in Core's and btcd's bool deserialization.
  return reader.remaining > 0 ? { ...fields, relay: reader.u8('relay') !== 0 } : fields;
}

function decodeAddresses(reader: PayloadReader): TimestampedNetAddress[] {
  const count = reader.varInt();
  // Checked before reading any entry, so the cost of a hostile count is nil.
  if (count > BigInt(MAX_ADDR_ENTRIES)) throw new TooManyAddressesError(count, MAX_ADDR_ENTRIES);
  const addresses: TimestampedNetAddress[] = [];
  for (let i = 0; i < Number(count); i += 1) {
    const timestamp = reader.u32le(`addresses[${i}].timestamp`);
    addresses.push({ timestamp, ...readNetAddress(reader, `addresses[${i}]`) });
  }
  return addresses;
}

function readNetAddress(reader: PayloadReader, field: string): NetAddress {
  const services = reader.u64le(`${field}.services`);
  const ip = reader.bytes(16, `${field}.ip`);
  const port = reader.u16be(`${field}.port`);
  return { services, ip, port };
}

/** Reads a CompactSize count (refused over `limit` before anything else is read) and that many items. */
function readList<T>(reader: PayloadReader, command: string, limit: number, item: (i: number) => T): T[] {
  const count = reader.varInt();
  if (count > BigInt(limit)) throw new TooManyEntriesError(command, count, limit);
  return Array.from({ length: Number(count) }, (_, i) => item(i));
}

function readInventory(reader: PayloadReader, command: string): InvVector[] {
  return readList(reader, command, MAX_INV_ENTRIES, (i) => ({
    type: reader.u32le(`inventory[${i}].type`),
    hash: reader.bytes(32, `inventory[${i}].hash`),
  }));
}

function readLocator(reader: PayloadReader, command: string): Omit<GetheadersMessage, 'command'> {
  const version = reader.u32le('version');
  const locator = readList(reader, command, MAX_LOCATOR_HASHES, (i) => reader.bytes(32, `locator[${i}]`));
  return { version, locator, hashStop: reader.bytes(32, 'hashStop') };
}

/**
 * BIP155: a count, then entries of time, CompactSize services, network id, CompactSize-prefixed
 * address and port. Malformed entries spoil the message (BIP155: "reject"); unusable ones are
 * counted in `skipped` and left out (BIP155: "ignore").
 */
function decodeAddrV2(reader: PayloadReader): Addrv2Message {
  const count = reader.varInt();
  if (count > BigInt(MAX_ADDR_ENTRIES)) throw new TooManyAddressesError(count, MAX_ADDR_ENTRIES, 'addrv2');
  const addresses: AddrV2Address[] = [];
  let skipped = 0;
  for (let i = 0; i < Number(count); i += 1) {
    const field = `addresses[${i}]`;
    const timestamp = reader.u32le(`${field}.timestamp`);
    const services = reader.varInt();
    const id = reader.u8(`${field}.network`);
    const at = reader.offset;
    const length = reader.varInt();
    if (length > BigInt(MAX_ADDRV2_ADDRESS_LENGTH)) {
      throw new MalformedPayloadError(`${field}.addr is ${length} bytes, more than the ${MAX_ADDRV2_ADDRESS_LENGTH} BIP155 allows`, at);
    }
    const network = bip155Network(id);
    if (network !== undefined && Number(length) !== BIP155_NETWORKS[network].length) {
      throw new MalformedPayloadError(`${field}.addr is ${length} bytes, a ${network} address has ${BIP155_NETWORKS[network].length}`, at);
    }
    const addr = reader.bytes(Number(length), `${field}.addr`);
    const port = reader.u16be(`${field}.port`);
    // TorV2 (id 3) and unknown ids land here too: bip155Network knows neither.
    if (network === undefined || !isUsableAddrV2(network, addr)) skipped += 1;
    else addresses.push({ timestamp, services, network, addr, port });
  }
  return { command: 'addrv2', addresses, skipped };
}
