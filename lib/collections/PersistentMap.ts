import { hashKey } from './hashKey.js';
import { HamtIterator } from './HamtIterator.js';
import { assoc, assocAdded, dissoc, EMPTY_NODE, forEachEntry, lookup, NOT_FOUND } from './HamtNode.js';
import type { HamtNode } from './HamtNode.js';

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
  private static readonly EMPTY: PersistentMap<never, never> = new PersistentMap<never, never>(EMPTY_NODE, 0);

  /** Number of entries. O(1). */
  readonly size: number;

  private readonly root: HamtNode;

  private constructor(root: HamtNode, size: number) {
    this.root = root;
    this.size = size;
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
    let root = EMPTY_NODE;
    let size = 0;
    for (const [key, value] of entries) {
      root = assoc(root, hashKey(key), key, value);
      if (assocAdded()) size++;
    }
    return size === 0 ? PersistentMap.empty<K, V>() : new PersistentMap<K, V>(root, size);
  }

  /**
   * The value stored under `key`, or `undefined` when there is none. Use
   * {@link PersistentMap.has} to tell a stored `undefined` from a missing key.
   */
  get(key: K): V | undefined {
    const found = lookup(this.root, hashKey(key), key);
    return found === NOT_FOUND ? undefined : (found as V);
  }

  /** Whether `key` is present (even if it maps to `undefined`). */
  has(key: K): boolean {
    return lookup(this.root, hashKey(key), key) !== NOT_FOUND;
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
   */
  set(key: K, value: V): PersistentMap<K, V> {
    const root = assoc(this.root, hashKey(key), key, value);
    if (root === this.root) return this;
    return new PersistentMap<K, V>(root, assocAdded() ? this.size + 1 : this.size);
  }

  /**
   * A map without `key`. Returns `this` itself when `key` is absent. Nodes
   * left nearly empty are merged back, so a map shrunk by deletes is as
   * compact as one built from its remaining entries.
   */
  delete(key: K): PersistentMap<K, V> {
    return this.deleteHashed(hashKey(key), key);
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
   */
  update(key: K, fn: (value: V | undefined) => V | undefined): PersistentMap<K, V> {
    const hash = hashKey(key);
    const found = lookup(this.root, hash, key);
    const current = found === NOT_FOUND ? undefined : (found as V);
    const next = fn(current);
    if (next === undefined) return found === NOT_FOUND ? this : this.deleteHashed(hash, key);
    if (found !== NOT_FOUND && next === current) return this;
    const root = assoc(this.root, hash, key, next);
    return new PersistentMap<K, V>(root, assocAdded() ? this.size + 1 : this.size);
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

  private deleteHashed(hash: number, key: K): PersistentMap<K, V> {
    const root = dissoc(this.root, hash, key);
    if (root === this.root) return this;
    return this.size === 1 ? PersistentMap.empty<K, V>() : new PersistentMap<K, V>(root, this.size - 1);
  }
}
