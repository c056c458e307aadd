/**
 * The on-disk (JSON) form of an {@link AddressBook}, and its validation.
 *
 * @packageDocumentation
 */
import { SocketAddress } from '../net/SocketAddress.js';
import type { BookAddress } from './AddrInfo.js';
import { AddressBookFormatError } from './errors.js';
import { OverlayAddress, type OverlayNetwork } from './OverlayAddress.js';

/** The current format version written by `AddressBook.toJSON()`. Any other version is refused. */
export const ADDRESS_BOOK_JSON_VERSION = 1;

/**
 * One serialized entry. Addresses are in `SocketAddress.toString()` form —
 * or, with `network` set, in `OverlayAddress.toString()` form — services a
 * decimal string (JSON has no bigint), times in ms or `null`. A file without
 * overlay entries is exactly what the book wrote before it held them.
 *
 * @example
 * ```ts
 * const e: AddressBookEntryJson = { addr: '1.2.3.4:8333', source: '5.6.7.8:8333', services: '1',
 *   timestamp: 1700000000000, attempts: 0, lastAttempt: null, lastSuccess: null, tried: false };
 * ```
 */
export interface AddressBookEntryJson {
  /** Set for an overlay address (Tor v3, I2P, CJDNS); absent for an IP one. */
  readonly network?: OverlayNetwork;
  readonly addr: string;
  readonly source: string;
  readonly services: string;
  readonly timestamp: number;
  readonly attempts: number;
  readonly lastAttempt: number | null;
  readonly lastSuccess: number | null;
  readonly tried: boolean;
}

/**
 * A serialized address book. The secret `key` is stored with the entries,
 * as Core stores it in peers.dat: bucket placement depends on it, and a book
 * reloaded under a new key would scatter (and partly lose) its tried table.
 * Treat the file as private.
 *
 * @example
 * ```ts
 * const json: AddressBookJson = book.toJSON();
 * json.version; // 1
 * ```
 */
export interface AddressBookJson {
  readonly version: typeof ADDRESS_BOOK_JSON_VERSION;
  /** The 32-byte secret key, hex. */
  readonly key: string;
  /** Tried entries first, then new ones, each in table order. */
  readonly entries: readonly AddressBookEntryJson[];
}

/**
 * A validated entry, with parsed addresses and services.
 *
 * @example
 * ```ts
 * for (const entry of parseAddressBookJson(raw).entries) console.log(entry.addr.port, entry.tried);
 * ```
 */
export interface ParsedEntry {
  readonly addr: BookAddress;
  readonly source: SocketAddress;
  readonly services: bigint;
  readonly timestamp: number;
  readonly attempts: number;
  readonly lastAttempt: number | undefined;
  readonly lastSuccess: number | undefined;
  readonly tried: boolean;
}

/**
 * A validated address book: its key and entries.
 *
 * @example
 * ```ts
 * const { key, entries }: ParsedAddressBook = parseAddressBookJson(raw);
 * ```
 */
export interface ParsedAddressBook {
  readonly key: Uint8Array;
  readonly entries: readonly ParsedEntry[];
}

/**
 * Validates raw JSON as an {@link AddressBookJson} and parses its addresses.
 * Nothing is repaired: any malformed field rejects the whole file, because a
 * half-trusted book is worse than an empty one (the node re-learns addresses
 * from its seeds and peers within minutes).
 *
 * @param raw - the value `JSON.parse` produced.
 * @returns the parsed book.
 * @throws AddressBookFormatError naming the first bad field and its value.
 *
 * @example
 * ```ts
 * const { key, entries } = parseAddressBookJson(JSON.parse(text));
 * ```
 */
export function parseAddressBookJson(raw: unknown): ParsedAddressBook {
  const root = asRecord(raw, '$');
  if (root['version'] !== ADDRESS_BOOK_JSON_VERSION) {
    throw new AddressBookFormatError('version', root['version'], `${ADDRESS_BOOK_JSON_VERSION}`);
  }
  const keyHex = root['key'];
  if (typeof keyHex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(keyHex)) {
    throw new AddressBookFormatError('key', keyHex, '64 hex digits');
  }
  const list = root['entries'];
  if (!Array.isArray(list)) throw new AddressBookFormatError('entries', list, 'an array');
  const entries = list.map((item: unknown, i) => parseEntry(item, `entries[${i}]`));
  return { key: new Uint8Array(Buffer.from(keyHex, 'hex')), entries };
}

function parseEntry(raw: unknown, path: string): ParsedEntry {
  const record = asRecord(raw, path);
  const services = record['services'];
  if (typeof services !== 'string' || !/^\d{1,20}$/.test(services)) {
    throw new AddressBookFormatError(`${path}.services`, services, 'a decimal string');
  }
  const tried = record['tried'];
  if (typeof tried !== 'boolean') throw new AddressBookFormatError(`${path}.tried`, tried, 'a boolean');
  const attempts = record['attempts'];
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 0) {
    throw new AddressBookFormatError(`${path}.attempts`, attempts, 'a non-negative integer');
  }
  return {
    addr: record['network'] === undefined ? asAddress(record['addr'], `${path}.addr`) : asOverlay(record, path),
    source: asAddress(record['source'], `${path}.source`),
    services: BigInt(services),
    timestamp: asTime(record['timestamp'], `${path}.timestamp`),
    attempts,
    lastAttempt: asOptionalTime(record['lastAttempt'], `${path}.lastAttempt`),
    lastSuccess: asOptionalTime(record['lastSuccess'], `${path}.lastSuccess`),
    tried,
  };
}

function asRecord(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AddressBookFormatError(path, raw, 'an object');
  }
  return raw as Record<string, unknown>;
}

function asAddress(raw: unknown, path: string): SocketAddress {
  if (typeof raw !== 'string') throw new AddressBookFormatError(path, raw, 'an address string');
  try {
    return SocketAddress.parse(raw);
  } catch {
    throw new AddressBookFormatError(path, raw, 'a valid host:port address');
  }
}

function asOverlay(record: Record<string, unknown>, path: string): OverlayAddress {
  const network = record['network'];
  if (network !== 'torv3' && network !== 'i2p' && network !== 'cjdns') {
    throw new AddressBookFormatError(`${path}.network`, network, "'torv3', 'i2p' or 'cjdns'");
  }
  const raw = record['addr'];
  if (typeof raw !== 'string') throw new AddressBookFormatError(`${path}.addr`, raw, 'an address string');
  let addr: OverlayAddress;
  try {
    addr = OverlayAddress.parse(raw, network);
  } catch {
    throw new AddressBookFormatError(`${path}.addr`, raw, `a valid ${network} address`);
  }
  if (addr.network !== network) throw new AddressBookFormatError(`${path}.addr`, raw, `a ${network} address`);
  return addr;
}

function asTime(raw: unknown, path: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new AddressBookFormatError(path, raw, 'a time in ms');
  return raw;
}

function asOptionalTime(raw: unknown, path: string): number | undefined {
  return raw === null ? undefined : asTime(raw, path);
}
