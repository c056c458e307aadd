import { hashKey } from './hashKey.js';
import { HamtIterator } from './HamtIterator.js';
import { assoc, assocAdded, dissoc, EMPTY_NODE, forEachEntry, lastUpdateChanged, lookup, MapOwner, NOT_FOUND } from './HamtNode.js';
import type { HamtNode } from './HamtNode.js';

export { MapOwner };

/**
 * An immutable hash map with structural sharing, for state that a pure reducer
 * rebuilds on every event while older snapshots must stay valid (for example
 * consecutive states compared with RxJS `pairwise()`).
 *
 * It is a hash array mapped trie: 32-way branching nodes indexed by bitmaps,
 * with collision nodes for keys whose 32-bit hashes are equal. `set` and
 * `delete` copy only the nodes on the path to the changed entry — at most
 * eight, three for 10,000 sequential ids — and share everything else with the
 * previous version, which is never modified. `size` is stored, not counted.
 *
 * Transient updates (Clojure's transients, immutable.js's `withMutations`): `set`, `delete` and
 * `update` take an optional {@link MapOwner}. Nodes an update makes under an owner carry it, and
 * later updates under the same owner change them in place instead of copying the path again — a
 * batch of updates then copies each node at most once. A map holding such nodes must not be seen
 * by anyone else while its owner is still used; once the owner is dropped the map is frozen like
 * any other. `withMutations` does all of that in one call.
 *
 * Keys are strings or numbers compared with SameValueZero, like the native
 * `Map`: `1` and `'1'` are different keys, `NaN` is one key, `0` and `-0` are
 * the same key. Iteration order is unspecified, but the same sequence of
 * operations always yields the same order.
 *
 * @typeParam K - key type.
 * @typeParam V - value type.
 * @example
 * ```ts
 * const a = PersistentMap.empty<number, string>().set(1, 'alice');
 * const b = a.set(2, 'bob');
 * a.size;      // 1 — `a` is unchanged
 * b.get(2);    // 'bob'
 * b.delete(3) === b; // true — nothing to remove, same map back
 * ```
 */
export class PersistentMap<K extends string | number, V> implements Iterable<[K, V]> {
  private static readonly EMPTY: PersistentMap<never, never> = new PersistentMap<never, never>(EMPTY_NODE, 0, undefined);

  // Written only by updates under `owner` (the map is then transient, see the class comment).
  private root: HamtNode;
  private count: number;
  private readonly owner: MapOwner | undefined;

  private constructor(root: HamtNode, size: number, owner: MapOwner | undefined) {
    this.root = root;
    this.count = size;
    this.owner = owner;
  }

  /** Number of entries. O(1). */
  get size(): number {
    return this.count;
  }

  /**
   * The empty map. Every call returns the same shared instance, which is
   * safe because maps are immutable.
   *
   * @example
   * ```ts
   * const peers = PersistentMap.empty<number, Peer>();
   * ```
   */
  static empty<K extends string | number, V>(): PersistentMap<K, V> {
    return PersistentMap.EMPTY;
  }

  /**
   * Builds a map from entries; when a key repeats, the later entry wins.
   *
   * @example
   * ```ts
   * PersistentMap.from([['a', 1], ['b', 2], ['a', 3]]).get('a'); // 3
   * ```
   */
  static from<K extends string | number, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    // One owner for the whole build: each node is made once and filled in place. Dropped on return.
    const owner = new MapOwner();
    let root = EMPTY_NODE;
    let size = 0;
    for (const [key, value] of entries) {
      root = assoc(root, hashKey(key), key, value, owner);
      if (assocAdded()) size++;
    }
    return size === 0 ? PersistentMap.empty<K, V>() : new PersistentMap<K, V>(root, size, undefined);
  }

  /**
   * Applies a batch of updates to a transient version of this map and returns the result,
   * frozen: `fn` gets a map to call `set` / `delete` / `update` on (chain or reassign, both
   * work), and each trie node is copied at most once for the whole batch. `this` is unchanged.
   *
   * @example
   * ```ts
   * const m = PersistentMap.empty<number, string>().withMutations((t) => {
   *   for (let i = 0; i < 1000; i++) t = t.set(i, String(i));
   *   return t;
   * });
   * ```
   * @param fn - the batch; returns the final map (it may simply return the map it was given).
   */
  withMutations(fn: (draft: TransientMap<K, V>) => TransientMap<K, V> | void): PersistentMap<K, V> {
    const owner = new MapOwner();
    const start: PersistentMap<K, V> = this.self();
    let current = start;
    const draft: TransientMap<K, V> = {
      get: (key) => current.get(key),
      has: (key) => current.has(key),
      get size() {
        return current.size;
      },
      set: (key, value) => ((current = current.set(key, value, owner)), draft),
      delete: (key) => ((current = current.delete(key, owner)), draft),
      update: (key, f) => ((current = current.update(key, f, owner)), draft),
    };
    fn(draft);
    // A fresh wrapper without the owner: the token dies with this call, so nothing can edit `current` again.
    return current === start || current.size === 0 ? current : new PersistentMap<K, V>(current.root, current.count, undefined);
  }

  /**
   * The value stored under `key`, or `undefined` when there is none. Use
   * {@link PersistentMap.has} to tell a stored `undefined` from a missing key.
   */
  get(key: K): V | undefined {
    // An empty map answers without hashing the key (a string key's hash reads every character).
    if (this.count === 0) return undefined;
    const found = lookup(this.root, hashKey(key), key);
    return found === NOT_FOUND ? undefined : (found as V);
  }

  /** Whether `key` is present (even if it maps to `undefined`). */
  has(key: K): boolean {
    return this.count !== 0 && lookup(this.root, hashKey(key), key) !== NOT_FOUND;
  }

  /**
   * A map with `key` mapped to `value`. Returns `this` itself when `key`
   * already maps to the identical (`===`) value, so reducers can detect
   * "no change" by reference.
   *
   * @example
   * ```ts
   * const m = PersistentMap.empty<string, number>().set('x', 1);
   * m.set('x', 1) === m; // true
   * m.set('x', 2) === m; // false, and m.get('x') is still 1
   * ```
   * @param owner - update transiently under this token (see the class comment); none = a plain persistent update.
   */
  set(key: K, value: V, owner?: MapOwner): PersistentMap<K, V> {
    return this.setHashed(hashKey(key), key, value, owner);
  }

  /**
   * A map without `key`. Returns `this` itself when `key` is absent. Nodes
   * left nearly empty are merged back, so a map shrunk by deletes is as
   * compact as one built from its remaining entries.
   *
   * @param owner - update transiently under this token (see the class comment); none = a plain persistent update.
   */
  delete(key: K, owner?: MapOwner): PersistentMap<K, V> {
    return this.deleteHashed(hashKey(key), key, owner);
  }

  /**
   * A map where `key` holds `fn(current)`, `current` being the stored value
   * or `undefined` when absent. If `fn` returns `undefined` the key is
   * deleted instead. Returns `this` itself when nothing changes (same value
   * returned, or absent key left absent).
   *
   * @example
   * ```ts
   * const counts = PersistentMap.empty<string, number>();
   * const next = counts.update('inbound', (n) => (n ?? 0) + 1); // inbound → 1
   * next.update('inbound', () => undefined).has('inbound');    // false
   * ```
   * @param owner - update transiently under this token (see the class comment); none = a plain persistent update.
   */
  update(key: K, fn: (value: V | undefined) => V | undefined, owner?: MapOwner): PersistentMap<K, V> {
    const hash = hashKey(key);
    const found = lookup(this.root, hash, key);
    const current = found === NOT_FOUND ? undefined : (found as V);
    const next = fn(current);
    if (next === undefined) return found === NOT_FOUND ? this : this.deleteHashed(hash, key, owner);
    if (found !== NOT_FOUND && next === current) return this;
    return this.setHashed(hash, key, next, owner);
  }

  /** The keys, in iteration order. */
  keys(): IterableIterator<K> {
    return new HamtIterator<K>(this.root, 'keys');
  }

  /** The values, in iteration order. */
  values(): IterableIterator<V> {
    return new HamtIterator<V>(this.root, 'values');
  }

  /** Fresh `[key, value]` pairs, in iteration order. */
  entries(): IterableIterator<[K, V]> {
    return new HamtIterator<[K, V]>(this.root, 'entries');
  }

  /** Same as {@link PersistentMap.entries}, so a map can be spread or used in `for…of`. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return new HamtIterator<[K, V]>(this.root, 'entries');
  }

  /**
   * Calls `fn(value, key)` for each entry, in iteration order. Cheaper than
   * iterating: no per-entry allocation.
   */
  forEach(fn: (value: V, key: K) => void): void {
    forEachEntry(this.root, fn as (value: unknown, key: unknown) => void);
  }

  /** `this`, typed: lets `withMutations` start its draft without aliasing `this` (lint). */
  private self(): PersistentMap<K, V> {
    return this;
  }

  private setHashed(hash: number, key: K, value: V, owner: MapOwner | undefined): PersistentMap<K, V> {
    const root = assoc(this.root, hash, key, value, owner);
    if (!lastUpdateChanged()) return this;
    const size = assocAdded() ? this.count + 1 : this.count;
    if (owner !== undefined && this.owner === owner) {
      this.root = root;
      this.count = size;
      return this;
    }
    return new PersistentMap<K, V>(root, size, owner);
  }

  private deleteHashed(hash: number, key: K, owner: MapOwner | undefined): PersistentMap<K, V> {
    const root = dissoc(this.root, hash, key, owner);
    if (!lastUpdateChanged()) return this;
    if (this.count === 1) return PersistentMap.empty<K, V>();
    if (owner !== undefined && this.owner === owner) {
      this.root = root;
      this.count--;
      return this;
    }
    return new PersistentMap<K, V>(root, this.count - 1, owner);
  }
}

/**
 * The map `PersistentMap.withMutations` hands its batch: the reading methods, and updates that
 * change it in place (each returns the map itself, so calls chain).
 */
export interface TransientMap<K extends string | number, V> {
  /** Number of entries. */
  readonly size: number;
  /** The value under `key`, or `undefined`. */
  get(key: K): V | undefined;
  /** Whether `key` is present. */
  has(key: K): boolean;
  /** Maps `key` to `value`. */
  set(key: K, value: V): TransientMap<K, V>;
  /** Removes `key`. */
  delete(key: K): TransientMap<K, V>;
  /** `key` holds `fn(current)`; `undefined` deletes it. */
  update(key: K, fn: (value: V | undefined) => V | undefined): TransientMap<K, V>;
}
