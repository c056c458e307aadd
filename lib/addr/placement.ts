/**
 * Where an address goes in the {@link AddressBook}'s two tables: the bucket
 * and slot arithmetic of Bitcoin Core's addrman, as pure functions of a secret
 * key, the address and network groups.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';
import { keyedHash } from './keyedHash.js';

/** Buckets in the *new* table (addresses heard of but never connected to). */
export const NEW_BUCKET_COUNT = 1024;
/** Buckets in the *tried* table (addresses we have connected to). */
export const TRIED_BUCKET_COUNT = 256;
/** Slots per bucket, in both tables. */
export const BUCKET_SIZE = 64;
/** All tried addresses of one network group share at most this many tried buckets. */
export const TRIED_BUCKETS_PER_GROUP = 8;
/** All new addresses told to us by one source group share at most this many new buckets. */
export const NEW_BUCKETS_PER_SOURCE_GROUP = 64;

/** The two tables of the book. */
export type Table = 'new' | 'tried';

/**
 * A place in one table: `bucket` in [0, bucket count), `slot` in [0, {@link BUCKET_SIZE}).
 *
 * @example
 * ```ts
 * const p: Placement = { table: 'tried', bucket: 131, slot: 9 };
 * ```
 */
export interface Placement {
  readonly table: Table;
  readonly bucket: number;
  readonly slot: number;
}

/**
 * The bytes that identify an address for hashing: its 16-byte IPv6 (or
 * IPv4-mapped) form followed by the port, big-endian, as Core's `GetKey()`.
 * Distinct ports are distinct addresses.
 *
 * @param addr - the address.
 * @returns 18 bytes.
 *
 * @example
 * ```ts
 * addressKey(SocketAddress.parse('1.2.3.4:8333')).length; // 18
 * ```
 */
export function addressKey(addr: SocketAddress): Uint8Array {
  const bytes = new Uint8Array(18);
  bytes.set(addr.toBytes16(), 0);
  bytes[16] = (addr.port >>> 8) & 0xff;
  bytes[17] = addr.port & 0xff;
  return bytes;
}

/**
 * The tried bucket of an address. The address alone picks one of
 * {@link TRIED_BUCKETS_PER_GROUP} lanes; the group and lane then pick the
 * bucket, so a whole group (e.g. one /16 an attacker owns) can never occupy
 * more than 8 of the 256 tried buckets, whatever addresses it uses.
 *
 * @param key - the book's secret key.
 * @param addrKey - {@link addressKey} of the address.
 * @param group - the address's network group.
 * @returns a bucket in [0, {@link TRIED_BUCKET_COUNT}).
 *
 * @example
 * ```ts
 * triedBucket(key, addressKey(addr), netGroup(addr)); // e.g. 131
 * ```
 */
export function triedBucket(key: Uint8Array, addrKey: Uint8Array, group: string): number {
  const lane = keyedHash(key, addrKey) % TRIED_BUCKETS_PER_GROUP;
  return keyedHash(key, group, lane) % TRIED_BUCKET_COUNT;
}

/**
 * The new bucket of an address as told by a source. The pair (address group,
 * source group) picks one of {@link NEW_BUCKETS_PER_SOURCE_GROUP} lanes of the
 * source group, so one source group — a peer flooding us with addresses — can
 * fill at most 64 of the 1,024 new buckets.
 *
 * @param key - the book's secret key.
 * @param group - the address's network group.
 * @param sourceGroup - the network group of the peer that told us.
 * @returns a bucket in [0, {@link NEW_BUCKET_COUNT}).
 *
 * @example
 * ```ts
 * newBucket(key, 'ipv4:203.0', 'ipv4:198.51'); // e.g. 712
 * ```
 */
export function newBucket(key: Uint8Array, group: string, sourceGroup: string): number {
  const lane = keyedHash(key, group, sourceGroup) % NEW_BUCKETS_PER_SOURCE_GROUP;
  return keyedHash(key, sourceGroup, lane) % NEW_BUCKET_COUNT;
}

/**
 * The slot of an address inside a bucket. The table letter ('N' for new, 'K'
 * for tried, as in Core) keeps the two tables' slot choices independent.
 *
 * @param key - the book's secret key.
 * @param table - which table the bucket belongs to.
 * @param bucket - the bucket number.
 * @param addrKey - {@link addressKey} of the address.
 * @returns a slot in [0, {@link BUCKET_SIZE}).
 *
 * @example
 * ```ts
 * bucketSlot(key, 'new', 712, addressKey(addr)); // e.g. 17
 * ```
 */
export function bucketSlot(key: Uint8Array, table: Table, bucket: number, addrKey: Uint8Array): number {
  return keyedHash(key, table === 'new' ? 'N' : 'K', bucket, addrKey) % BUCKET_SIZE;
}

/**
 * Where an address would sit in the tried table.
 *
 * @param key - the book's secret key.
 * @param addr - the address.
 * @param group - the address's network group (default in the book: `netGroup`).
 * @returns its tried placement.
 *
 * @example
 * ```ts
 * const { bucket, slot } = triedPlacement(key, addr, netGroup(addr));
 * ```
 */
export function triedPlacement(key: Uint8Array, addr: SocketAddress, group: string): Placement {
  const addrKey = addressKey(addr);
  const bucket = triedBucket(key, addrKey, group);
  return { table: 'tried', bucket, slot: bucketSlot(key, 'tried', bucket, addrKey) };
}

/**
 * Where an address told to us by a source would sit in the new table.
 *
 * @param key - the book's secret key.
 * @param addr - the address.
 * @param group - the address's network group.
 * @param sourceGroup - the source's network group.
 * @returns its new placement.
 *
 * @example
 * ```ts
 * const { bucket, slot } = newPlacement(key, addr, netGroup(addr), netGroup(source));
 * ```
 */
export function newPlacement(key: Uint8Array, addr: SocketAddress, group: string, sourceGroup: string): Placement {
  const bucket = newBucket(key, group, sourceGroup);
  return { table: 'new', bucket, slot: bucketSlot(key, 'new', bucket, addressKey(addr)) };
}
