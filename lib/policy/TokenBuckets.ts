/**
 * The immutable keyed token-bucket table under {@link AcceptRateLimiter} and
 * {@link AddrRelayLimiter}.
 *
 * @packageDocumentation
 * @internal
 */
import { PersistentMap } from '../collections/PersistentMap.js';

/**
 * Slack for the floor in {@link TokenBuckets.take}: when the refill interval is
 * not a whole number of ms (3 per second is 333.33… ms a token), the division
 * may land a hair under the whole token it stands for.
 */
const EPSILON = 1e-9;

/**
 * The result of {@link TokenBuckets.take}.
 *
 * @example
 * ```ts
 * const { granted, tableFull, next } = buckets.take('1.2.3.4', 1, now);
 * ```
 * @internal
 */
export interface Take<K extends string | number> {
  /** Tokens taken, at most the number asked for. */
  readonly granted: number;
  /** True when nothing was granted because the key is new and the table is at its cap. */
  readonly tableFull: boolean;
  /** The table after the call; always use it, even when nothing was granted. */
  readonly next: TokenBuckets<K>;
}

/**
 * One token bucket per key — capacity `burst`, one token added every
 * `interval` ms — as an immutable value.
 *
 * Each key's bucket is stored as one number, the moment its bucket was (or
 * would have been) empty: it holds `min(burst, (now − emptyAt) / interval)`
 * tokens. Taking k tokens moves `emptyAt` forward by k intervals. A key never
 * seen is a full bucket, and so is one not touched for `burst × interval` ms
 * (the *window*): that is why such entries can be forgotten without changing
 * any answer.
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
 * let buckets = TokenBuckets.create<string>(200, 5, 10_000); // 5 a second, burst 5
 * const r = buckets.take('1.2.3.4', 1, Date.now());
 * buckets = r.next;
 * ```
 * @internal
 */
export class TokenBuckets<K extends string | number> {
  /** ms between two tokens. */
  readonly interval: number;
  /** Bucket capacity, in tokens. */
  readonly burst: number;
  /** Most keys tracked at once. */
  readonly maxKeys: number;
  readonly #current: PersistentMap<K, number>;
  readonly #previous: PersistentMap<K, number>;
  /** When `#current` was started; −Infinity before the first call. */
  readonly #epoch: number;

  private constructor(
    interval: number,
    burst: number,
    maxKeys: number,
    current: PersistentMap<K, number>,
    previous: PersistentMap<K, number>,
    epoch: number,
  ) {
    this.interval = interval;
    this.burst = burst;
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
   * TokenBuckets.create<number>(10_000, 1000, Infinity); // Core's addr relay
   * ```
   */
  static create<K extends string | number>(interval: number, burst: number, maxKeys: number): TokenBuckets<K> {
    return new TokenBuckets<K>(interval, burst, maxKeys, PersistentMap.empty(), PersistentMap.empty(), -Infinity);
  }

  /**
   * Keys tracked, including any whose bucket has refilled but whose generation
   * has not been dropped yet.
   *
   * @example
   * ```ts
   * TokenBuckets.create<string>(200, 5, 10).size; // 0
   * ```
   */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /** The time it takes an empty bucket to fill. */
  get #window(): number {
    return this.burst * this.interval;
  }

  /**
   * Takes up to `want` whole tokens from `key`'s bucket at time `now`.
   *
   * @example
   * ```ts
   * TokenBuckets.create<string>(200, 5, 10).take('a', 7, 0).granted; // 5
   * ```
   */
  take(key: K, want: number, now: number): Take<K> {
    const table = this.#rotate(now);
    let emptyAt = table.#current.get(key);
    let fromPrevious = false;
    if (emptyAt === undefined) {
      emptyAt = table.#previous.get(key);
      fromPrevious = emptyAt !== undefined;
    }
    if (emptyAt === undefined && table.size >= table.maxKeys) return { granted: 0, tableFull: true, next: table };

    const base = table.#baseOf(emptyAt, now);
    const granted = Math.min(want, table.#wholeTokens(base, now));
    if (granted === 0) return { granted: 0, tableFull: false, next: table };
    const next = new TokenBuckets<K>(
      table.interval,
      table.burst,
      table.maxKeys,
      table.#current.set(key, base + granted * table.interval),
      fromPrevious ? table.#previous.delete(key) : table.#previous,
      table.#epoch,
    );
    return { granted, tableFull: false, next };
  }

  /**
   * Whole tokens in `key`'s bucket at `now`, without taking any.
   *
   * @example
   * ```ts
   * TokenBuckets.create<string>(200, 5, 10).available('a', 0); // 5
   * ```
   */
  available(key: K, now: number): number {
    const emptyAt = this.#current.get(key) ?? this.#previous.get(key);
    return this.#wholeTokens(this.#baseOf(emptyAt, now), now);
  }

  /**
   * Drops `key`'s bucket, as if it had never been used: for a peer that has
   * disconnected.
   *
   * @example
   * ```ts
   * buckets = buckets.forget(peerId);
   * ```
   */
  forget(key: K): TokenBuckets<K> {
    const current = this.#current.delete(key);
    const previous = this.#previous.delete(key);
    if (current === this.#current && previous === this.#previous) return this;
    return new TokenBuckets<K>(this.interval, this.burst, this.maxKeys, current, previous, this.#epoch);
  }

  /** `emptyAt`, but no earlier than a full bucket's (the cap on refill). */
  #baseOf(emptyAt: number | undefined, now: number): number {
    return Math.max(emptyAt ?? -Infinity, now - this.#window);
  }

  /** Whole tokens accrued from `base` to `now`; 0 if the clock went back. */
  #wholeTokens(base: number, now: number): number {
    return Math.max(0, Math.floor((now - base) / this.interval + EPSILON));
  }

  /** Starts a new generation (and drops the oldest) once a window has passed. */
  #rotate(now: number): TokenBuckets<K> {
    const elapsed = now - this.#epoch;
    const window = this.#window;
    if (elapsed < window) return this;
    const empty = PersistentMap.empty<K, number>();
    // After two windows even `current` holds only full buckets.
    const previous = elapsed >= 2 * window ? empty : this.#current;
    return new TokenBuckets<K>(this.interval, this.burst, this.maxKeys, empty, previous, now);
  }
}
