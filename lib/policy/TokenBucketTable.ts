/**
 * One {@link TokenBucket} per key, as an immutable table: what
 * {@link AcceptRateLimiter} and {@link AddrRelayLimiter} are made of.
 *
 * @packageDocumentation
 * @internal
 */
import { PersistentMap } from '../collections/PersistentMap.js';
import { bucketFullAt, takeTokens, type TokenBucket, type TokenBucketConfig } from './tokenBucket.js';

/**
 * The result of {@link TokenBucketTable.take}.
 *
 * @example
 * ```ts
 * const { granted, tableFull, next } = table.take('1.2.3.4', 1, now);
 * ```
 * @internal
 */
export interface Take<K extends string | number> {
  /** Tokens taken, at most the number asked for. */
  readonly granted: number;
  /** True when nothing was granted because the key is new and the table is at its cap. */
  readonly tableFull: boolean;
  /** The table after the call; always use it, even when nothing was granted. */
  readonly next: TokenBucketTable<K>;
}

/**
 * One token bucket per key, all of one {@link TokenBucketConfig}, as an
 * immutable value. The arithmetic is {@link takeTokens}'; this class only
 * decides which buckets to keep.
 *
 * A key never seen is a full bucket, and so is one not touched for the time
 * an empty bucket takes to fill (the *window*): that is why such entries can
 * be forgotten without changing any answer.
 *
 * Forgetting them cheaply, without scanning: keys live in two generations.
 * Writes go to `current`. Once a window has passed since `current` was
 * started, it becomes `previous` and the old `previous` is dropped: every entry
 * in it was last written at least a window ago, so its bucket is full. So an
 * entry is dropped within two windows of its last use, each call is
 * O(log₃₂ n), and old snapshots stay valid (persistent maps).
 *
 * With `maxKeys` finite, a key not in the table is refused while the table
 * holds `maxKeys` entries; keys already tracked are unaffected.
 *
 * @example
 * ```ts
 * let table = TokenBucketTable.create<string>({ capacity: 5, ratePerSecond: 5 }, 10_000);
 * const r = table.take('1.2.3.4', 1, Date.now());
 * table = r.next;
 * ```
 * @internal
 */
export class TokenBucketTable<K extends string | number> {
  /** Every bucket's shape. */
  readonly config: TokenBucketConfig;
  /** Most keys tracked at once. */
  readonly maxKeys: number;
  readonly #current: PersistentMap<K, TokenBucket>;
  readonly #previous: PersistentMap<K, TokenBucket>;
  /** When `#current` was started; −Infinity before the first call. */
  readonly #epoch: number;

  private constructor(
    config: TokenBucketConfig,
    maxKeys: number,
    current: PersistentMap<K, TokenBucket>,
    previous: PersistentMap<K, TokenBucket>,
    epoch: number,
  ) {
    this.config = config;
    this.maxKeys = maxKeys;
    this.#current = current;
    this.#previous = previous;
    this.#epoch = epoch;
    Object.freeze(this);
  }

  /**
   * An empty table. Arguments are assumed already checked by the caller.
   *
   * @example
   * ```ts
   * TokenBucketTable.create<number>({ capacity: 1_000, ratePerSecond: 0.1 }, Infinity); // Core's addr relay
   * ```
   */
  static create<K extends string | number>(config: TokenBucketConfig, maxKeys: number): TokenBucketTable<K> {
    return new TokenBucketTable<K>(config, maxKeys, PersistentMap.empty(), PersistentMap.empty(), -Infinity);
  }

  /**
   * Keys tracked, including any whose bucket has refilled but whose generation
   * has not been dropped yet.
   *
   * @example
   * ```ts
   * TokenBucketTable.create<string>({ capacity: 5, ratePerSecond: 5 }, 10).size; // 0
   * ```
   */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /**
   * Takes up to `want` whole tokens from `key`'s bucket at time `now`.
   *
   * @example
   * ```ts
   * TokenBucketTable.create<string>({ capacity: 5, ratePerSecond: 5 }, 10).take('a', 7, 0).granted; // 5
   * ```
   */
  take(key: K, want: number, now: number): Take<K> {
    const table = this.#rotate(now);
    const inCurrent = table.#current.get(key);
    const bucket = inCurrent ?? table.#previous.get(key);
    if (bucket === undefined && table.size >= table.maxKeys) return { granted: 0, tableFull: true, next: table };
    const taken = takeTokens(bucket, want, now, table.config);
    // Nothing granted leaves the bucket as it was: not recording it keeps a
    // refused key from growing the table.
    if (taken.granted === 0) return { granted: 0, tableFull: false, next: table };
    // A key found in `previous` moves to `current`, so that dropping `previous` cannot lose it.
    const previous = inCurrent === undefined && bucket !== undefined ? table.#previous.delete(key) : table.#previous;
    const next = new TokenBucketTable<K>(table.config, table.maxKeys, table.#current.set(key, taken.bucket), previous, table.#epoch);
    return { granted: taken.granted, tableFull: false, next };
  }

  /**
   * Whole tokens in `key`'s bucket at `now`, without taking any.
   *
   * @example
   * ```ts
   * TokenBucketTable.create<string>({ capacity: 5, ratePerSecond: 5 }, 10).available('a', 0); // 5
   * ```
   */
  available(key: K, now: number): number {
    // What taking everything would grant, so that `available` and `take` cannot disagree.
    return takeTokens(this.#bucket(key), Infinity, now, this.config).granted;
  }

  /**
   * When `key`'s bucket is full again, in ms: from then on forgetting it
   * changes no answer.
   *
   * @returns the time (possibly past), or `undefined` if the key is not tracked.
   * @example
   * ```ts
   * TokenBucketTable.create<string>({ capacity: 5, ratePerSecond: 5 }, 10).take('a', 1, 0).next.fullAt('a'); // 200
   * ```
   */
  fullAt(key: K): number | undefined {
    const bucket = this.#bucket(key);
    return bucket && bucketFullAt(bucket, this.config);
  }

  /**
   * Drops `key`'s bucket, as if it had never been used: for a peer that has
   * disconnected.
   *
   * @example
   * ```ts
   * table = table.forget(peerId);
   * ```
   */
  forget(key: K): TokenBucketTable<K> {
    const current = this.#current.delete(key);
    const previous = this.#previous.delete(key);
    if (current === this.#current && previous === this.#previous) return this;
    return new TokenBucketTable<K>(this.config, this.maxKeys, current, previous, this.#epoch);
  }

  /** `key`'s bucket in either generation. */
  #bucket(key: K): TokenBucket | undefined {
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  /** Starts a new generation (and drops the oldest) once a window has passed. */
  #rotate(now: number): TokenBucketTable<K> {
    const elapsed = now - this.#epoch;
    // The window: how long a bucket emptied at 0 takes to fill.
    const window = bucketFullAt({ emptyAt: 0 }, this.config);
    if (elapsed < window) return this;
    const empty = PersistentMap.empty<K, TokenBucket>();
    // After two windows even `current` holds only full buckets.
    const previous = elapsed >= 2 * window ? empty : this.#current;
    return new TokenBucketTable<K>(this.config, this.maxKeys, empty, previous, now);
  }
}
