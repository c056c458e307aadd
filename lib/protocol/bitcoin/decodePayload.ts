import { MalformedPayloadError, TooManyAddressesError } from './errors.js';
import {
  MAX_ADDR_ENTRIES, MAX_USER_AGENT_LENGTH,
  type BitcoinMessage, type NetAddress, type TimestampedNetAddress, type VersionMessage,
} from './messages.js';
import { PayloadReader } from './PayloadReader.js';

/**
 * Decodes the payload of a frame into a {@link BitcoinMessage}: a typed message for the commands
 * this codec models, a `RawMessage` (with a copy of the payload) for any other. Bytes after
 * the last known field are ignored, as Bitcoin Core does, so later protocol extensions still decode.
 *
 * @throws MalformedPayloadError (naming `command`) when a known payload is truncated or malformed;
 *   TooManyAddressesError for an `addr` announcing more than {@link MAX_ADDR_ENTRIES} entries.
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
