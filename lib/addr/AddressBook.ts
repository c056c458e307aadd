/**
 * The node's address book: Bitcoin Core's addrman design (new and tried
 * tables, keyed bucket placement, test-before-evict) with an injectable
 * clock, randomness and key.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { SocketAddress } from '../net/SocketAddress.js';
import { isRoutable, netGroup } from '../net/netGroup.js';
import { loadJsonFile, writeJsonFileAtomic } from '../persist/jsonFile.js';
import type { AddrInfo, BookAddress } from './AddrInfo.js';
import { BookTable, type AddressKind } from './BookTable.js';
import { ADDRESS_BOOK_JSON_VERSION, parseAddressBookJson, type AddressBookEntryJson, type AddressBookJson } from './addressBookJson.js';
import { InvalidBookKeyError, MissingBookFileError } from './errors.js';
import { clampTimestamp } from './clampTimestamp.js';
import { isBad } from './isBad.js';
import { OverlayAddress, overlayGroup, type OverlayNetwork } from './OverlayAddress.js';
import {
  BUCKET_SIZE,
  NEW_BUCKET_COUNT,
  TRIED_BUCKET_COUNT,
  addressKey,
  bucketSlot,
  newBucket,
  triedBucket,
  type Placement,
} from './placement.js';
import { selectionChance } from './selectionChance.js';

/** Length of the secret placement key, in bytes. */
export const BOOK_KEY_LENGTH = 32;
/** At most this many `good` calls wait for {@link AddressBook.resolveCollisions} at once (Core's figure). */
export const MAX_PENDING_COLLISIONS = 10;
/** `connected` and `good` refresh an entry's timestamp at most this often. 20 minutes. */
export const TIMESTAMP_UPDATE_INTERVAL_MS = 20 * 60_000;
/** Each rejected draw in {@link AddressBook.select} makes the next acceptance this much likelier. */
const CHANCE_GROWTH = 1.2;
/**
 * A hard stop for {@link AddressBook.select}'s draws. With growth 1.2 and the
 * smallest chance ≈ 3.6e-4, acceptance is certain by draw 45 anyway; the cap
 * only matters for a `random` that never returns below 1.
 */
const MAX_SELECT_DRAWS = 64;

/**
 * Options of {@link AddressBook}. Everything has a default; tests inject all
 * three of `key`, `now` and `random` to be deterministic.
 *
 * @example
 * ```ts
 * const book = new AddressBook({ key: new Uint8Array(32).fill(7), now: () => clock, random: seeded, file: 'peers.json' });
 * ```
 */
export interface AddressBookOptions {
  /** The 32-byte secret that scatters addresses over buckets. Default: `crypto.randomBytes(32)`. */
  readonly key?: Uint8Array;
  /** The clock, in ms since the epoch. Default: `Date.now`. */
  readonly now?: () => number;
  /** Uniform numbers in [0, 1). Default: `Math.random`. */
  readonly random?: () => number;
  /** The network group of an address (IPv4 /16, IPv6 /32, …). Default: `netGroup`. */
  readonly group?: (addr: SocketAddress) => string;
  /** The file used by {@link AddressBook.save} and {@link AddressBook.load} when none is passed. No default. */
  readonly file?: string;
}

/**
 * One address as announced to the book.
 *
 * @example
 * ```ts
 * const a: AddressAnnouncement = { addr: SocketAddress.parse('1.2.3.4:8333'), services: 1n, timestamp: Date.now() };
 * ```
 */
export interface AddressAnnouncement {
  readonly addr: SocketAddress;
  /** Service bits. Default `0n`. */
  readonly services?: bigint;
  /** When the address was last seen alive, ms. Default: the book's `now()`. */
  readonly timestamp?: number;
}

/**
 * One overlay address (Tor v3, I2P, CJDNS) as announced to the book, e.g.
 * from an `addrv2` entry.
 *
 * @example
 * ```ts
 * const a: OverlayAnnouncement = { addr: OverlayAddress.fromBytes('torv3', entry.addr, entry.port), services: entry.services };
 * ```
 */
export interface OverlayAnnouncement {
  readonly addr: OverlayAddress;
  /** Service bits. Default `0n`. */
  readonly services?: bigint;
  /** When the address was last seen alive, ms. Default: the book's `now()`. */
  readonly timestamp?: number;
}

/**
 * What {@link AddressBook.good} did:
 * `'tried'` — the address is (now or already) in the tried table;
 * `'collision'` — its tried slot is taken: it stays in the new table and, unless
 * {@link MAX_PENDING_COLLISIONS} are already pending, waits for
 * {@link AddressBook.resolveCollisions};
 * `'unknown'` — the address is not in the book.
 *
 * @example
 * ```ts
 * const outcome: GoodResult = book.good(peer.addr); // 'tried'
 * ```
 */
export type GoodResult = 'tried' | 'collision' | 'unknown';

/**
 * A pending tried-table collision: `newcomer` (in the new table) wants the
 * tried slot held by `occupant`. The caller tests whether `occupant` still
 * answers (Core dials it as a "feeler") before calling
 * {@link AddressBook.resolveCollisions}.
 *
 * @example
 * ```ts
 * for (const { occupant } of book.pendingCollisions()) reachable.set(String(occupant.addr), await probe(occupant.addr));
 * ```
 */
export interface PendingCollision {
  readonly newcomer: AddrInfo<BookAddress>;
  readonly occupant: AddrInfo<BookAddress>;
}

/**
 * The outcome of {@link AddressBook.resolveCollisions}:
 * `promoted` — newcomers moved into the tried table;
 * `evicted` — unreachable occupants sent back to the new table to make room;
 * `kept` — reachable occupants that kept their slot (their newcomer stays new).
 *
 * @example
 * ```ts
 * const { evicted } = book.resolveCollisions(() => false);
 * evicted.forEach((old) => console.log(`${old.addr} lost its tried slot`));
 * ```
 */
export interface CollisionResolution {
  readonly promoted: readonly AddrInfo<BookAddress>[];
  readonly evicted: readonly AddrInfo<BookAddress>[];
  readonly kept: readonly AddrInfo<BookAddress>[];
}

/**
 * The result of {@link AddressBook.load}:
 * `'loaded'` with the number of entries now in the book, IP and overlay (entries that could
 * not be placed are counted in `dropped`); `'missing'` when there is no file;
 * `'corrupt'` when the file could not be used (bad JSON, wrong `version`, a
 * malformed field) — it was moved aside to `movedTo` and `warning` says so.
 *
 * @example
 * ```ts
 * const result: AddressBookLoadResult = await book.load();
 * if (result.status === 'loaded') console.log(`${result.count} addresses`);
 * ```
 */
export type AddressBookLoadResult =
  | { readonly status: 'loaded'; readonly count: number; readonly dropped: number }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly warning: string; readonly movedTo: string; readonly error: Error };

/** The mutable record behind an {@link AddrInfo}. */
interface Entry {
  readonly addr: BookAddress;
  readonly kind: AddressKind;
  readonly id: string;
  readonly addrKey: Uint8Array;
  readonly group: string;
  readonly source: SocketAddress;
  readonly sourceGroup: string;
  services: bigint;
  timestamp: number;
  attempts: number;
  lastAttempt: number | undefined;
  lastSuccess: number | undefined;
  tried: boolean;
  /** `bucket * BUCKET_SIZE + slot` in the table given by `tried`. */
  position: number;
}

type Slots = BookTable<Entry>;

function emptySlots(buckets: number): Slots {
  return new BookTable<Entry>(buckets * BUCKET_SIZE);
}

const IP: readonly AddressKind[] = ['ip'];
const OVERLAY_NETWORKS: readonly OverlayNetwork[] = ['torv3', 'i2p', 'cjdns'];

/** The book's key for an address: its text, prefixed by the network for overlay ones. */
function idOf(addr: BookAddress): string {
  return addr instanceof OverlayAddress ? `${addr.network}:${addr.toString()}` : addr.toString();
}

/**
 * The snapshot of an entry; `A` narrows the address type for a caller that
 * has checked the entry's kind. `NoInfer` keeps `A` from being guessed from
 * the context, which would narrow unchecked.
 */
function snapshot<A extends BookAddress = BookAddress>(entry: Entry): AddrInfo<NoInfer<A>> {
  return {
    addr: entry.addr as A,
    services: entry.services,
    timestamp: entry.timestamp,
    source: entry.source,
    attempts: entry.attempts,
    lastAttempt: entry.lastAttempt,
    lastSuccess: entry.lastSuccess,
    tried: entry.tried,
  };
}

/**
 * The address book the node draws outbound peers from, after Bitcoin Core's
 * addrman.
 *
 * Addresses we have only heard of live in the **new** table (1,024 buckets ×
 * 64 slots); addresses we have connected to move to the **tried** table (256 ×
 * 64). Where an entry goes is a keyed hash of the address, its network group
 * and (for new) its source's group, under a secret key, so that
 * - one source group can fill at most 64 new buckets, and
 * - one address group can fill at most 8 tried buckets,
 * which bounds how much of the book an attacker controlling a few /16s can
 * own, and makes the layout unpredictable to them.
 *
 * Design choices that differ from Core:
 * - An address sits in exactly **one** new bucket (Core allows up to 8 copies,
 *   one per source that told it). One placement keeps every position a pure
 *   function of (key, address, first source), so a saved book is restored by
 *   recomputing positions, and an address's selection weight cannot be
 *   inflated by having many peers gossip it.
 * - A newcomer that lands on an occupied new slot replaces the occupant only
 *   if the occupant {@link isBad}; otherwise the newcomer is dropped.
 * - Failed attempts are always counted (Core skips counting while it has had
 *   no success since the last attempt, to spare addresses when we are offline).
 *
 * Overlay addresses (Tor v3, I2P, CJDNS, from `addrv2`) share the tables
 * with IP ones, as in Core, so they compete for the same buckets under the
 * same bounds; they are added with {@link addOverlay}, listed by
 * {@link overlayEntries} and drawn only by {@link selectOverlay}, for a
 * caller that has a proxy for their network. `size`, `all()` and `select()`
 * are about IP addresses, the ones the node dials.
 *
 * @example
 * ```ts
 * const book = new AddressBook({ file: 'peers.json' });
 * await book.load();
 * book.add([{ addr: SocketAddress.parse('203.0.113.5:8333') }], SocketAddress.parse('198.51.100.1:8333'));
 * const info = book.select();
 * if (info) { book.attempt(info.addr); … book.good(info.addr); }
 * await book.save();
 * ```
 */
export class AddressBook {
  private key: Uint8Array;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly group: (addr: SocketAddress) => string;
  private readonly file: string | undefined;
  private readonly options: Omit<AddressBookOptions, 'key'>;
  private entries = new Map<string, Entry>();
  private newTable = emptySlots(NEW_BUCKET_COUNT);
  private triedTable = emptySlots(TRIED_BUCKET_COUNT);
  /** Ids of new entries whose `good` hit an occupied tried slot, oldest first. */
  private collisions = new Set<string>();

  /**
   * @param options - see {@link AddressBookOptions}; all optional.
   * @throws InvalidBookKeyError when `options.key` is not 32 bytes.
   */
  constructor(options: AddressBookOptions = {}) {
    const { key, ...rest } = options;
    if (key !== undefined && key.length !== BOOK_KEY_LENGTH) throw new InvalidBookKeyError(key);
    // Copy the key: a caller mutating its buffer must not silently re-scatter the book.
    this.key = key === undefined ? new Uint8Array(randomBytes(BOOK_KEY_LENGTH)) : Uint8Array.from(key);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.group = options.group ?? netGroup;
    this.file = options.file;
    this.options = rest;
  }

  /** How many IP addresses the book holds (new + tried); overlay ones are counted by {@link overlayCount}. */
  get size(): number {
    return this.newCount + this.triedCount;
  }

  /** How many IP addresses sit in the new table. */
  get newCount(): number {
    return this.newTable.count(IP);
  }

  /** How many IP addresses sit in the tried table. */
  get triedCount(): number {
    return this.triedTable.count(IP);
  }

  /** How many overlay addresses (Tor v3, I2P, CJDNS) the book holds, both tables. */
  get overlayCount(): number {
    return this.newTable.count(OVERLAY_NETWORKS) + this.triedTable.count(OVERLAY_NETWORKS);
  }

  /**
   * Whether the book holds `addr` (same host and port).
   *
   * @example
   * ```ts
   * book.has(SocketAddress.parse('1.2.3.4:8333')); // false
   * ```
   */
  has(addr: BookAddress): boolean {
    return this.entries.has(idOf(addr));
  }

  /**
   * A snapshot of what the book knows about `addr`.
   *
   * @returns the entry, or `undefined` if the address is not in the book.
   * @example
   * ```ts
   * book.get(addr)?.attempts; // 0
   * ```
   */
  get(addr: SocketAddress): AddrInfo | undefined;
  get(addr: OverlayAddress): AddrInfo<OverlayAddress> | undefined;
  get(addr: BookAddress): AddrInfo<BookAddress> | undefined;
  get(addr: BookAddress): AddrInfo<BookAddress> | undefined {
    const entry = this.entries.get(idOf(addr));
    return entry && snapshot(entry);
  }

  /**
   * Where `addr` sits: table, bucket and slot. Meant for diagnostics and for
   * checking the placement properties; the layout depends on the secret key.
   *
   * @returns the placement, or `undefined` if the address is not in the book.
   * @example
   * ```ts
   * book.placementOf(addr); // { table: 'new', bucket: 712, slot: 17 }
   * ```
   */
  placementOf(addr: BookAddress): Placement | undefined {
    const entry = this.entries.get(idOf(addr));
    if (!entry) return undefined;
    return {
      table: entry.tried ? 'tried' : 'new',
      bucket: Math.floor(entry.position / BUCKET_SIZE),
      slot: entry.position % BUCKET_SIZE,
    };
  }

  /**
   * Every entry, tried table first, each table in slot order.
   *
   * @example
   * ```ts
   * const triedOnes = book.all().filter((info) => info.tried);
   * ```
   */
  all(): AddrInfo[] {
    return this.orderedEntries()
      .filter((entry) => entry.kind === 'ip')
      .map((entry) => snapshot<SocketAddress>(entry));
  }

  /**
   * Every overlay entry (Tor v3, I2P, CJDNS), tried table first, each table in slot order.
   *
   * @example
   * ```ts
   * book.overlayEntries().filter((info) => info.addr.network === 'torv3');
   * ```
   */
  overlayEntries(): AddrInfo<OverlayAddress>[] {
    return this.orderedEntries()
      .filter((entry) => entry.kind !== 'ip')
      .map((entry) => snapshot<OverlayAddress>(entry));
  }

  /**
   * Whether an entry is bad (evictable) right now, by the rules of
   * {@link isBad} on the book's clock.
   *
   * @example
   * ```ts
   * const info = book.get(addr);
   * if (info && book.isBad(info)) console.log('stale');
   * ```
   */
  isBad(info: Pick<AddrInfo, 'timestamp' | 'attempts' | 'lastAttempt' | 'lastSuccess'>): boolean {
    return isBad(info, this.now());
  }

  /**
   * Records addresses that `source` told us about.
   *
   * Unroutable addresses are dropped. Timestamps are first made plausible by
   * {@link clampTimestamp}, as Core does: one more than 10 minutes in the
   * future (or before 1973) becomes now − 5 days, so gossip can neither make
   * its addresses look fresher than honest ones nor make a good entry look
   * bad. A known address only gains the new service bits and a newer
   * timestamp; its table and source do not change. An unknown address goes
   * to its slot in the new table; if that slot is taken, the occupant is
   * replaced only if it {@link isBad}, otherwise the newcomer is dropped.
   *
   * @param addrs - the announced addresses.
   * @param source - the peer that sent them (it need not be routable).
   * @returns how many addresses were new to the book and kept.
   * @example
   * ```ts
   * book.add([{ addr: SocketAddress.parse('203.0.113.5:8333'), services: 1n }], peerAddress); // 1
   * ```
   */
  add(addrs: readonly AddressAnnouncement[], source: SocketAddress): number {
    return this.addAll(addrs, source);
  }

  /**
   * Records overlay addresses (Tor v3, I2P, CJDNS) that `source` told us
   * about, e.g. in `addrv2`, by the rules of {@link add}: they take slots in
   * the same tables as IP addresses, grouped by {@link overlayGroup}. They are
   * never drawn by {@link select}; see {@link selectOverlay}.
   *
   * @param addrs - the announced addresses.
   * @param source - the peer that sent them.
   * @returns how many addresses were new to the book and kept.
   * @example
   * ```ts
   * book.addOverlay([{ addr: OverlayAddress.fromBytes('torv3', entry.addr, entry.port) }], peerAddress); // 1
   * ```
   */
  addOverlay(addrs: readonly OverlayAnnouncement[], source: SocketAddress): number {
    return this.addAll(
      addrs.filter(({ addr }) => addr instanceof OverlayAddress),
      source,
    );
  }

  /**
   * Notes a connection attempt to `addr`: sets `lastAttempt` to now and counts
   * one more attempt (reset by {@link good}).
   *
   * `countFailure: false` (our network is offline): the attempt's time is kept, its count is not raised.
   *
   * @returns `false` if the address is not in the book.
   * @example
   * ```ts
   * book.attempt(info.addr);
   * ```
   */
  attempt(addr: BookAddress, countFailure = true): boolean {
    const entry = this.entries.get(idOf(addr));
    if (!entry) return false;
    entry.lastAttempt = this.now();
    // Core's `Attempt(addr, fCountFailure)`: while our own network is down, a try says nothing
    // about the address, so it is not held against it (it is still the latest attempt).
    if (countFailure) entry.attempts += 1;
    return true;
  }

  /**
   * Notes that we are (still) connected to `addr`: refreshes its timestamp,
   * at most every 20 minutes — the coarse grain, as in Core, keeps the
   * timestamps we might gossip from revealing exactly when we talk to whom.
   *
   * @returns `false` if the address is not in the book.
   * @example
   * ```ts
   * book.connected(peer.addr);
   * ```
   */
  connected(addr: BookAddress): boolean {
    const entry = this.entries.get(idOf(addr));
    if (!entry) return false;
    this.refreshTimestamp(entry, this.now());
    return true;
  }

  /**
   * Notes a successful connection (handshake done): `lastSuccess` and
   * `lastAttempt` become now, `attempts` 0, the timestamp is refreshed as by
   * {@link connected}, and a new entry moves to the tried table.
   *
   * If its tried slot is held by another address, nothing is evicted yet
   * (test-before-evict): the address stays new and is recorded as a pending
   * collision, to be settled by {@link resolveCollisions} once the occupant
   * has been tested.
   *
   * @returns see {@link GoodResult}.
   * @example
   * ```ts
   * if (book.good(peer.addr) === 'collision') scheduleFeelers(book.pendingCollisions());
   * ```
   */
  good(addr: BookAddress): GoodResult {
    const entry = this.entries.get(idOf(addr));
    if (!entry) return 'unknown';
    const now = this.now();
    entry.lastSuccess = now;
    entry.lastAttempt = now;
    entry.attempts = 0;
    this.refreshTimestamp(entry, now);
    if (entry.tried) return 'tried';
    const position = this.triedPosition(entry);
    if (this.triedTable.at(position) !== undefined) {
      if (this.collisions.size < MAX_PENDING_COLLISIONS) this.collisions.add(entry.id);
      return 'collision';
    }
    this.moveToTried(entry, position);
    return 'tried';
  }

  /**
   * The collisions waiting for {@link resolveCollisions}, oldest first.
   * Newcomers that have left the book, or whose tried slot has freed up
   * meanwhile, are not listed: `resolveCollisions` settles those without
   * asking.
   *
   * @example
   * ```ts
   * book.pendingCollisions().map((c) => c.occupant.addr); // addresses to probe
   * ```
   */
  pendingCollisions(): PendingCollision[] {
    const pending: PendingCollision[] = [];
    for (const id of this.collisions) {
      const entry = this.entries.get(id);
      if (!entry || entry.tried) continue;
      const occupant = this.triedTable.at(this.triedPosition(entry));
      if (occupant) pending.push({ newcomer: snapshot(entry), occupant: snapshot(occupant) });
    }
    return pending;
  }

  /**
   * Settles every pending tried collision: when the slot has freed up the
   * newcomer simply moves in; otherwise the occupant is kept if
   * `isReachable(occupant)` says it still answers, and evicted if not — it
   * goes back to the new table (taking its new slot from whoever holds it)
   * and the newcomer takes its tried slot. An established peer is thus never
   * pushed out by a flood of fresh addresses.
   *
   * @param isReachable - whether the current occupant answered a test connection.
   * @returns what happened; see {@link CollisionResolution}.
   * @example
   * ```ts
   * const probed = new Set(reachableAddrs.map(String));
   * book.resolveCollisions((old) => probed.has(String(old.addr)));
   * ```
   */
  resolveCollisions(isReachable: (occupant: AddrInfo<BookAddress>) => boolean): CollisionResolution {
    const promoted: AddrInfo<BookAddress>[] = [];
    const evicted: AddrInfo<BookAddress>[] = [];
    const kept: AddrInfo<BookAddress>[] = [];
    const ids = [...this.collisions];
    this.collisions.clear();
    const now = this.now();
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry || entry.tried) continue;
      const position = this.triedPosition(entry);
      const occupant = this.triedTable.at(position);
      if (occupant === undefined) {
        this.moveToTried(entry, position);
        promoted.push(snapshot(entry));
      } else if (isReachable(snapshot(occupant))) {
        kept.push(snapshot(occupant));
      } else {
        this.triedTable.vacate(occupant);
        occupant.tried = false;
        this.moveToTried(entry, position);
        this.placeNew(occupant, now, true);
        evicted.push(snapshot(occupant));
        promoted.push(snapshot(entry));
      }
    }
    return { promoted, evicted, kept };
  }

  /**
   * Draws an address to connect to, as Core's addrman: from the tried or the
   * new table with equal odds when both have entries (only new with
   * `newOnly`), then a uniformly random entry of that table, accepted with
   * its {@link selectionChance}. Each rejection raises the acceptance odds by
   * 20 %, so a draw always ends within a few dozen picks, even when every
   * entry was just attempted and failed eight times.
   *
   * The entry is not marked attempted: call {@link attempt} when dialing.
   *
   * @param options - `newOnly` (default `false`): draw from the new table only.
   * @returns a snapshot of the chosen entry, or `undefined` if the table(s) are empty.
   * @example
   * ```ts
   * const info = book.select();
   * ```
   */
  select(options: { readonly newOnly?: boolean } = {}): AddrInfo | undefined {
    const entry = this.draw(IP, options.newOnly ?? false);
    return entry && snapshot<SocketAddress>(entry);
  }

  /**
   * Draws an overlay address of one of `networks`, by the rules of
   * {@link select} applied to the overlay entries of those networks only:
   * for a caller with a proxy for them (Tor for `'torv3'`, an I2P SAM bridge
   * for `'i2p'`, a CJDNS interface for `'cjdns'`).
   *
   * @param networks - the networks the caller can reach.
   * @param options - `newOnly` (default `false`): draw from the new table only.
   * @returns a snapshot of the chosen entry, or `undefined` if there is none of those networks.
   * @example
   * ```ts
   * const onion = torProxy ? book.selectOverlay(['torv3']) : undefined;
   * ```
   */
  selectOverlay(networks: readonly OverlayNetwork[], options: { readonly newOnly?: boolean } = {}): AddrInfo<OverlayAddress> | undefined {
    const kinds = OVERLAY_NETWORKS.filter((network) => networks.includes(network));
    const entry = kinds.length === 0 ? undefined : this.draw(kinds, options.newOnly ?? false);
    return entry && snapshot<OverlayAddress>(entry);
  }

  /**
   * The book as JSON-ready data (see {@link AddressBookJson}), including the
   * secret key. Entries are listed tried first, each table in slot order, so
   * two books with the same layout serialize identically.
   *
   * @example
   * ```ts
   * fs.writeFileSync('peers.json', JSON.stringify(book.toJSON()));
   * ```
   */
  toJSON(): AddressBookJson {
    return {
      version: ADDRESS_BOOK_JSON_VERSION,
      key: Buffer.from(this.key).toString('hex'),
      entries: this.orderedEntries().map((entry): AddressBookEntryJson => ({
        ...(entry.addr instanceof OverlayAddress ? { network: entry.addr.network } : {}),
        addr: entry.addr.toString(),
        source: entry.source.toString(),
        services: entry.services.toString(),
        timestamp: entry.timestamp,
        attempts: entry.attempts,
        lastAttempt: entry.lastAttempt ?? null,
        lastSuccess: entry.lastSuccess ?? null,
        tried: entry.tried,
      })),
    };
  }

  /**
   * Rebuilds a book from {@link toJSON} output. The stored key is used (hence
   * no `key` option), and every position is recomputed from it: tried entries
   * first, then new ones. Entries that no longer fit — unroutable, duplicate,
   * or colliding because the `group` function changed — are dropped, except
   * that a tried entry whose tried slot is taken falls back to the new table.
   *
   * @param json - parsed JSON, e.g. `JSON.parse(text)`.
   * @param options - clock, randomness, group and file, as for the constructor.
   * @throws AddressBookFormatError when `json` is malformed or its `version` is not 1.
   * @example
   * ```ts
   * const copy = AddressBook.fromJSON(JSON.parse(JSON.stringify(book)), { now: () => clock });
   * ```
   */
  static fromJSON(json: unknown, options: Omit<AddressBookOptions, 'key'> = {}): AddressBook {
    return AddressBook.restore(json, options).book;
  }

  /**
   * Writes the book to `file` (default: `options.file`) atomically: a crash
   * mid-write leaves the previous file intact.
   *
   * @throws MissingBookFileError when no file is given either way.
   * @example
   * ```ts
   * await book.save();
   * ```
   */
  async save(file: string | undefined = this.file): Promise<void> {
    if (file === undefined) throw new MissingBookFileError('save');
    await writeJsonFileAtomic(file, this.toJSON());
  }

  /**
   * Replaces the book's contents with those of `file` (default:
   * `options.file`), adopting the stored key. After the call the book holds
   * exactly what the file held: nothing when the file is missing, and
   * nothing when it is unusable (bad JSON, wrong version, malformed entry) —
   * then the file is moved aside so the next `save` does not destroy the
   * evidence, and the result carries a warning naming where it went. Load
   * before adding seed addresses.
   *
   * @throws MissingBookFileError when no file is given either way.
   * @example
   * ```ts
   * const result = await book.load();
   * if (result.status === 'corrupt') console.warn(result.warning);
   * ```
   */
  async load(file: string | undefined = this.file): Promise<AddressBookLoadResult> {
    if (file === undefined) throw new MissingBookFileError('load');
    const result = await loadJsonFile(file, (raw) => AddressBook.restore(raw, this.options), { now: this.now });
    if (result.status === 'loaded') {
      this.adopt(result.value.book);
      return { status: 'loaded', count: this.size + this.overlayCount, dropped: result.value.dropped };
    }
    this.reset();
    if (result.status === 'missing') return { status: 'missing' };
    return {
      status: 'corrupt',
      warning: `address book ${file} is unusable (${result.error.message}); moved aside to ${result.movedTo}, starting empty`,
      movedTo: result.movedTo,
      error: result.error,
    };
  }

  private static restore(json: unknown, options: Omit<AddressBookOptions, 'key'>): { book: AddressBook; dropped: number } {
    const parsed = parseAddressBookJson(json);
    const book = new AddressBook({ ...options, key: parsed.key });
    const now = book.now();
    let dropped = 0;
    // Tried entries first: they are the valuable ones and must win any contest for a slot.
    const ordered = [...parsed.entries.filter((e) => e.tried), ...parsed.entries.filter((e) => !e.tried)];
    for (const stored of ordered) {
      const entry = book.newEntry(stored.addr, stored.source, stored);
      if (entry === undefined || book.entries.has(entry.id)) {
        dropped += 1;
        continue;
      }
      if (stored.tried) {
        const position = book.triedPosition(entry);
        if (book.triedTable.at(position) === undefined) {
          book.entries.set(entry.id, entry);
          book.moveToTried(entry, position, false);
          continue;
        }
      }
      if (!book.placeNew(entry, now, false)) dropped += 1;
    }
    return { book, dropped };
  }

  /** Takes over another book's key and contents (used by `load`). */
  private adopt(other: AddressBook): void {
    this.key = other.key;
    this.entries = other.entries;
    this.newTable = other.newTable;
    this.triedTable = other.triedTable;
    this.collisions = other.collisions;
  }

  private reset(): void {
    this.entries = new Map();
    this.newTable = emptySlots(NEW_BUCKET_COUNT);
    this.triedTable = emptySlots(TRIED_BUCKET_COUNT);
    this.collisions = new Set();
  }

  private orderedEntries(): Entry[] {
    return [...this.triedTable.sorted(), ...this.newTable.sorted()];
  }

  /**
   * A fresh entry for `addr` told by `source` with the given facts, placed
   * nowhere yet; `undefined` for an IP address that is not routable.
   */
  private newEntry(
    addr: BookAddress,
    source: SocketAddress,
    facts: Pick<Entry, 'services' | 'timestamp' | 'attempts' | 'lastAttempt' | 'lastSuccess'>,
    sourceGroup: string = this.group(source),
  ): Entry | undefined {
    const overlay = addr instanceof OverlayAddress;
    if (!overlay && !isRoutable(addr)) return undefined;
    return {
      addr,
      kind: overlay ? addr.network : 'ip',
      id: idOf(addr),
      addrKey: overlay ? addr.keyBytes() : addressKey(addr),
      group: overlay ? overlayGroup(addr) : this.group(addr),
      source,
      sourceGroup,
      ...facts,
      tried: false,
      position: 0,
    };
  }

  /** The body of {@link add} and {@link addOverlay}, for addresses already filtered. */
  private addAll(
    addrs: readonly { readonly addr: BookAddress; readonly services?: bigint; readonly timestamp?: number }[],
    source: SocketAddress,
  ): number {
    const now = this.now();
    const sourceGroup = this.group(source);
    let added = 0;
    for (const announcement of addrs) {
      const services = announcement.services ?? 0n;
      const timestamp = clampTimestamp(announcement.timestamp ?? now, now);
      const known = this.entries.get(idOf(announcement.addr));
      if (known) {
        known.services |= services;
        if (timestamp > known.timestamp) known.timestamp = timestamp;
        continue;
      }
      const facts = { services, timestamp, attempts: 0, lastAttempt: undefined, lastSuccess: undefined };
      const entry = this.newEntry(announcement.addr, source, facts, sourceGroup);
      if (entry !== undefined && this.placeNew(entry, now, false)) added += 1;
    }
    return added;
  }

  /**
   * The core of {@link select}: the tried or the new table (equal odds when
   * both hold entries of `kinds`), then entries of `kinds` drawn uniformly
   * and accepted with their {@link selectionChance}, the odds growing 20 %
   * per rejection.
   */
  private draw(kinds: readonly AddressKind[], newOnly: boolean): Entry | undefined {
    const triedSize = this.triedTable.count(kinds);
    const newSize = this.newTable.count(kinds);
    const useTried = !newOnly && triedSize > 0 && (newSize === 0 || this.random() < 0.5);
    const table = useTried ? this.triedTable : this.newTable;
    if (table.count(kinds) === 0) return undefined;
    const now = this.now();
    let factor = 1;
    for (let draw = 1; ; draw += 1) {
      const entry = table.pick(kinds, this.random) as Entry;
      if (draw >= MAX_SELECT_DRAWS || this.random() < factor * selectionChance(entry, now)) return entry;
      factor *= CHANCE_GROWTH;
    }
  }

  private triedPosition(entry: Entry): number {
    const bucket = triedBucket(this.key, entry.addrKey, entry.group);
    return bucket * BUCKET_SIZE + bucketSlot(this.key, 'tried', bucket, entry.addrKey);
  }

  private newPosition(entry: Entry): number {
    const bucket = newBucket(this.key, entry.group, entry.sourceGroup);
    return bucket * BUCKET_SIZE + bucketSlot(this.key, 'new', bucket, entry.addrKey);
  }

  /**
   * Puts `entry` (not currently in a table) at its new slot. An occupant is
   * displaced if `force` or if it is bad; otherwise `entry` is dropped from
   * the book.
   *
   * @returns whether `entry` was placed.
   */
  private placeNew(entry: Entry, now: number, force: boolean): boolean {
    const position = this.newPosition(entry);
    const occupant = this.newTable.at(position);
    if (occupant !== undefined) {
      if (!force && !isBad(occupant, now)) {
        this.entries.delete(entry.id);
        this.collisions.delete(entry.id);
        return false;
      }
      this.newTable.vacate(occupant);
      this.entries.delete(occupant.id);
      this.collisions.delete(occupant.id);
    }
    entry.tried = false;
    this.newTable.place(entry, position);
    this.entries.set(entry.id, entry);
    return true;
  }

  /** Moves `entry` into the (free) tried slot `position`, out of the new table if `fromNew`. */
  private moveToTried(entry: Entry, position: number, fromNew = true): void {
    if (fromNew) this.newTable.vacate(entry);
    this.collisions.delete(entry.id);
    entry.tried = true;
    this.triedTable.place(entry, position);
  }

  private refreshTimestamp(entry: Entry, now: number): void {
    if (now - entry.timestamp > TIMESTAMP_UPDATE_INTERVAL_MS) entry.timestamp = now;
  }
}
