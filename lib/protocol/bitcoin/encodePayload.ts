import { BIP155_NETWORKS } from './bip155.js';
import { InvalidMessageError } from './errors.js';
import {
  BLOCK_HEADER_SIZE,
  MAX_ADDR_ENTRIES,
  MAX_HEADERS_ENTRIES,
  MAX_INV_ENTRIES,
  MAX_LOCATOR_HASHES,
  MAX_USER_AGENT_LENGTH,
  isRawMessage,
  type AddrV2Address,
  type BitcoinMessage,
  type InvVector,
  type NetAddress,
} from './messages.js';
import { PayloadWriter } from './PayloadWriter.js';
import { isList } from '../../shared/isList.js';

const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const NET_ADDRESS_SIZE = 26;

/**
 * Serializes the payload of `message` (no frame header). Every field is range-checked first, so a
 * value that does not fit its wire type is reported instead of silently truncated. A
 * `RawMessage` yields a copy of its payload.
 *
 * @throws InvalidMessageError naming the first field that cannot be encoded (including more than
 *   {@link MAX_ADDR_ENTRIES} addresses, a user agent over {@link MAX_USER_AGENT_LENGTH} bytes, an
 *   `addrv2` address of the wrong length for its network, or a list over its limit: peers would
 *   reject all of these).
 * @example
 * ```ts
 * encodePayload({ command: 'ping', nonce: 1n }); // 01 00 00 00 00 00 00 00
 * ```
 */
export function encodePayload(message: BitcoinMessage): Uint8Array {
  if (isRawMessage(message)) {
    if (!(message.payload instanceof Uint8Array)) {
      throw new InvalidMessageError(message.command, 'payload', message.payload, 'a Uint8Array');
    }
    return message.payload.slice();
  }
  const { command } = message;
  switch (message.command) {
    case 'version': {
      const userAgent = new TextEncoder().encode(checkString(command, 'userAgent', message.userAgent));
      if (userAgent.length > MAX_USER_AGENT_LENGTH) {
        throw new InvalidMessageError(command, 'userAgent', message.userAgent, `at most ${MAX_USER_AGENT_LENGTH} UTF-8 bytes`);
      }
      const out = new PayloadWriter(86 + userAgent.length + 4)
        .i32le(int32(command, 'protocolVersion', message.protocolVersion))
        .u64le(uint64(command, 'services', message.services))
        .i64le(int64(command, 'timestamp', message.timestamp));
      writeNetAddress(out, command, 'addrRecv', message.addrRecv);
      writeNetAddress(out, command, 'addrFrom', message.addrFrom);
      out
        .u64le(uint64(command, 'nonce', message.nonce))
        .varInt(userAgent.length)
        .bytes(userAgent)
        .i32le(int32(command, 'startHeight', message.startHeight));
      if (message.relay !== undefined) out.u8(bool(command, 'relay', message.relay) ? 1 : 0);
      return out.finish();
    }
    case 'ping':
    case 'pong':
      return new PayloadWriter(8).u64le(uint64(command, 'nonce', message.nonce)).finish();
    case 'addr': {
      const addresses = list(command, 'addresses', message.addresses, MAX_ADDR_ENTRIES);
      const out = new PayloadWriter(3 + addresses.length * (4 + NET_ADDRESS_SIZE)).varInt(addresses.length);
      addresses.forEach((entry, i) => {
        out.u32le(uint32(command, `addresses[${i}].timestamp`, entry.timestamp));
        writeNetAddress(out, command, `addresses[${i}]`, entry);
      });
      return out.finish();
    }
    case 'addrv2': {
      const addresses = list(command, 'addresses', message.addresses, MAX_ADDR_ENTRIES);
      const out = new PayloadWriter(3 + addresses.length * 48).varInt(addresses.length);
      addresses.forEach((entry, i) => writeAddrV2(out, command, `addresses[${i}]`, entry));
      return out.finish();
    }
    case 'getheaders':
    case 'getblocks': {
      const locator = list(command, 'locator', message.locator, MAX_LOCATOR_HASHES);
      const out = new PayloadWriter(4 + 3 + (locator.length + 1) * 32)
        .u32le(uint32(command, 'version', message.version))
        .varInt(locator.length);
      locator.forEach((hash, i) => out.bytes(fixedBytes(command, `locator[${i}]`, hash, 32)));
      return out.bytes(fixedBytes(command, 'hashStop', message.hashStop, 32)).finish();
    }
    case 'getdata':
    case 'notfound': {
      const inventory = list(command, 'inventory', message.inventory, MAX_INV_ENTRIES);
      const out = new PayloadWriter(3 + inventory.length * 36).varInt(inventory.length);
      inventory.forEach((item, i) => writeInvVector(out, command, `inventory[${i}]`, item));
      return out.finish();
    }
    case 'headers': {
      const headers = list(command, 'headers', message.headers, MAX_HEADERS_ENTRIES);
      const out = new PayloadWriter(3 + headers.length * (BLOCK_HEADER_SIZE + 1)).varInt(headers.length);
      headers.forEach((header, i) => out.bytes(fixedBytes(command, `headers[${i}]`, header, BLOCK_HEADER_SIZE)).varInt(0));
      return out.finish();
    }
    case 'verack':
    case 'getaddr':
    case 'sendheaders':
    case 'wtxidrelay':
    case 'sendaddrv2':
      return new Uint8Array(0);
    default: {
      // Reached only from untyped callers: an unknown command must come with its raw payload.
      const unknown: { readonly command?: unknown } = message;
      throw new InvalidMessageError(String(unknown.command), 'payload', undefined, 'a Uint8Array for a command this codec does not model');
    }
  }
}

function writeNetAddress(out: PayloadWriter, command: string, field: string, address: NetAddress): void {
  if (typeof address !== 'object' || address === null) throw new InvalidMessageError(command, field, address, 'a NetAddress');
  const { ip } = address;
  if (!(ip instanceof Uint8Array) || ip.length !== 16) {
    throw new InvalidMessageError(command, `${field}.ip`, ip, 'a 16-byte Uint8Array');
  }
  out
    .u64le(uint64(command, `${field}.services`, address.services))
    .bytes(ip)
    .u16be(port(command, `${field}.port`, address.port));
}

/** Checks that `value` is an array of at most `limit` items. */
function list<T>(command: string, field: string, value: readonly T[], limit: number): readonly T[] {
  if (!isList(value)) throw new InvalidMessageError(command, field, value, 'an array');
  if (value.length > limit) throw new InvalidMessageError(command, `${field}.length`, value.length, `at most ${limit}`);
  return value;
}

function fixedBytes(command: string, field: string, value: Uint8Array, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new InvalidMessageError(command, field, value, `a ${length}-byte Uint8Array`);
  }
  return value;
}

function writeInvVector(out: PayloadWriter, command: string, field: string, item: InvVector): void {
  if (typeof item !== 'object' || item === null) throw new InvalidMessageError(command, field, item, 'an InvVector');
  out.u32le(uint32(command, `${field}.type`, item.type)).bytes(fixedBytes(command, `${field}.hash`, item.hash, 32));
}

function writeAddrV2(out: PayloadWriter, command: string, field: string, entry: AddrV2Address): void {
  if (typeof entry !== 'object' || entry === null) throw new InvalidMessageError(command, field, entry, 'an AddrV2Address');
  const network = Object.hasOwn(BIP155_NETWORKS, entry.network) ? BIP155_NETWORKS[entry.network] : undefined;
  if (network === undefined) {
    throw new InvalidMessageError(command, `${field}.network`, entry.network, `one of ${Object.keys(BIP155_NETWORKS).join(', ')}`);
  }
  const addr = fixedBytes(command, `${field}.addr`, entry.addr, network.length);
  out
    .u32le(uint32(command, `${field}.timestamp`, entry.timestamp))
    .varInt(uint64(command, `${field}.services`, entry.services))
    .u8(network.id)
    .varInt(addr.length)
    .bytes(addr)
    .u16be(port(command, `${field}.port`, entry.port));
}

function port(command: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new InvalidMessageError(command, field, value, 'an integer 0–65535');
  return value;
}

function uint64(command: string, field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) {
    throw new InvalidMessageError(command, field, value, `a bigint 0–${MAX_UINT64}`);
  }
  return value;
}

function int64(command: string, field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < MIN_INT64 || value > MAX_INT64) {
    throw new InvalidMessageError(command, field, value, `a bigint ${MIN_INT64}–${MAX_INT64}`);
  }
  return value;
}

function int32(command: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new InvalidMessageError(command, field, value, 'an integer −2147483648–2147483647');
  }
  return value;
}

function uint32(command: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new InvalidMessageError(command, field, value, 'an integer 0–4294967295');
  }
  return value;
}

function bool(command: string, field: string, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new InvalidMessageError(command, field, value, 'a boolean');
  return value;
}

function checkString(command: string, field: string, value: string): string {
  if (typeof value !== 'string') throw new InvalidMessageError(command, field, value, 'a string');
  return value;
}
