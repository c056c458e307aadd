/**
 * How many gossiped addresses to accept from each *source group*: Bitcoin
 * Core's addr-relay token bucket, keyed so that reconnecting does not refill
 * it, as an immutable value.
 *
 * @packageDocumentation
 */
import { PersistentMap } from '../collections/PersistentMap.js';
import { addrBucketConfig, type AddrRelayLimiterOptions, type AddrTake } from './addrRelayLimiter.js';
import { checkCount, checkNow } from './checks.js';
import { PolicyArgumentError } from './errors.js';
import { takeTokens, tokensAt, type TokenBucket, type TokenBucketConfig } from './tokenBucket.js';

/**
 * Tokens a source group starts with: 1, Core's starting `m_addr_token_bucket`.
 * A peer we never sent `getaddr` to (every inbound peer) may thus send one
 * address at once, then one per 10 s: its unsolicited `addr` is a trickle.
 *
 * @example
 * ```ts
 * addrSourceLimiter({ initialTokens: DEFAULT_INITIAL_ADDR_TOKENS });
 * ```
 */
export const DEFAULT_INITIAL_ADDR_TOKENS = 1;

/**
 * Source groups tracked at once: 4,096. An attacker needs thousands of
 * distinct /16s to make the table forget a group, and forgetting only
 * lowers a group's allowance (see {@link AddrSourceLimiter}).
 *
 * @example
 * ```ts
 * addrSourceLimiter({ maxGroups: DEFAULT_MAX_ADDR_SOURCE_GROUPS * 2 });
 * ```
 */
export const DEFAULT_MAX_ADDR_SOURCE_GROUPS = 4_096;

/**
 * Options of {@link addrSourceLimiter}: those of `addrRelayLimiter` (`perSecond`,
 * default 0.1; `burst`, default 1,000, here also what one `getaddr` we send
 * grants) and two of its own.
 *
 * @example
 * ```ts
 * const options: AddrSourceLimiterOptions = { perSecond: 0.1, burst: 1_000, initialTokens: 1, maxGroups: 4_096 }; // the defaults
 * ```
 */
export interface AddrSourceLimiterOptions extends AddrRelayLimiterOptions {
  /** Tokens of a group not tracked (new, or forgotten), an integer in [0, burst]. @default 1 */
  readonly initialTokens?: number | undefined;
  /** Groups tracked at once, an integer ≥ 2. @default 4096 */
  readonly maxGroups?: number | undefined;
}

/**
 * The answer of {@link AddrSourceLimiter.take}; see `AddrTake`.
 *
 * @example
 * ```ts
 * const { accepted, dropped, next }: AddrSourceTake = limiter.take(group(peer.addr), addrs.length, now);
 * ```
 */
export type AddrSourceTake = AddrTake<AddrSourceLimiter>;

interface Config extends TokenBucketConfig {
  readonly initialTokens: number;
  readonly maxGroups: number;
}

/**
 * One token bucket per source network group (pass `netGroup(peer.addr)`, or
 * `netGroupWith({ loopback: 'slash16' })` on a loopback test network) for
 * the addresses peers gossip to us, as Core's per-peer bucket but keyed by
 * group, which is the point: Core's per-peer bucket starts almost empty for
 * every new connection, while a bucket keyed by group does not care how
 * often its owner reconnects — ten connections from one IP share one
 * allowance. (The per-peer {@link AddrRelayLimiter}, which starts full,
 * gave each reconnect a fresh 1,000: issue #14's poisoning.)
 *
 * - A group starts with `initialTokens` (1) and gains `perSecond` (0.1) a
 *   second up to `burst` (1,000): unsolicited `addr` trickles in.
 * - {@link AddrSourceLimiter.solicit} when we send `getaddr` to a peer adds
 *   `burst` tokens (capped at `burst`), so the answer — up to 1,000
 *   addresses — is taken whole, as Core does (`+= MAX_ADDR_TO_SEND`).
 * - Every address processed costs a token; those beyond are dropped.
 *
 * Bounded: groups live in two generations. Writes go to the current one;
 * when it holds `maxGroups / 2` groups, or a bucket's fill time (burst /
 * perSecond, 10,000 s) has passed since it was started, it becomes the
 * previous one and the older previous is dropped. A forgotten group starts
 * again from `initialTokens`, so forgetting never raises an allowance above
 * what a brand-new group gets; an attacker who cycles thousands of groups to
 * evict its own gains `initialTokens` per cycle, and each of those groups
 * has only `initialTokens` too. Peers in one group share a bucket, including
 * an honest outbound peer and an attacker's inbound one in the same /16 —
 * the price of not being refilled by reconnects.
 *
 * @example
 * ```ts
 * let limiter = addrSourceLimiter();
 * // when we send `getaddr` to an outbound peer:
 * limiter = limiter.solicit(group(peer.addr), now);
 * // on every `addr` message:
 * const { accepted, next } = limiter.take(group(peer.addr), message.addresses.length, now);
 * limiter = next;
 * ```
 */
export class AddrSourceLimiter {
  readonly #config: Config;
  readonly #current: PersistentMap<string, TokenBucket>;
  readonly #previous: PersistentMap<string, TokenBucket>;
  /** When `#current` was started; −Infinity before the first write. */
  readonly #epoch: number;

  private constructor(
    config: Config,
    current: PersistentMap<string, TokenBucket>,
    previous: PersistentMap<string, TokenBucket>,
    epoch: number,
  ) {
    this.#config = config;
    this.#current = current;
    this.#previous = previous;
    this.#epoch = epoch;
    Object.freeze(this);
  }

  /**
   * An empty limiter; prefer {@link addrSourceLimiter}, which has the defaults.
   *
   * @throws {@link PolicyArgumentError} naming the option that is out of range.
   * @example
   * ```ts
   * const limiter = AddrSourceLimiter.create({ maxGroups: 100 });
   * ```
   */
  static create(options: AddrSourceLimiterOptions = {}): AddrSourceLimiter {
    const { capacity, ratePerSecond } = addrBucketConfig(options);
    const initialTokens = options.initialTokens ?? Math.min(DEFAULT_INITIAL_ADDR_TOKENS, capacity);
    checkCount('options.initialTokens', initialTokens, 0);
    if (initialTokens > capacity) throw new PolicyArgumentError('options.initialTokens', initialTokens, `an integer ≤ burst (${capacity})`);
    const maxGroups = options.maxGroups ?? DEFAULT_MAX_ADDR_SOURCE_GROUPS;
    checkCount('options.maxGroups', maxGroups, 2);
    return new AddrSourceLimiter(
      { capacity, ratePerSecond, initialTokens, maxGroups },
      PersistentMap.empty(),
      PersistentMap.empty(),
      -Infinity,
    );
  }

  /**
   * Groups tracked now (at most `maxGroups`).
   *
   * @example
   * ```ts
   * addrSourceLimiter().size; // 0
   * ```
   */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /**
   * Spends `group`'s tokens on an `addr` (or `addrv2`) message of `count` addresses.
   *
   * @param group - the sending peer's network group.
   * @param count - addresses in the message, an integer ≥ 0.
   * @param now - the time, ms (any epoch, the same for every call).
   * @returns how many to process and drop, and the limiter to use next.
   * @throws {@link PolicyArgumentError} naming `count` or `now` when out of range.
   * @example
   * ```ts
   * const a = addrSourceLimiter().take('ipv4:81.2', 1_000, 0); // accepted 1, dropped 999
   * a.next.take('ipv4:81.2', 1_000, 20_000).accepted;           // 2: 20 s at 0.1/s
   * ```
   */
  take(group: string, count: number, now: number): AddrSourceTake {
    checkCount('count', count, 0);
    checkNow(now);
    const { bucket, granted } = takeTokens(this.#bucket(group, now), count, now, this.#config);
    return { accepted: granted, dropped: count - granted, next: granted === 0 ? this : this.#with(group, bucket, now) };
  }

  /**
   * Records that we sent `getaddr` to a peer of `group`: its allowance grows
   * by `burst` (capped at `burst`), so the answer is not cut.
   *
   * @throws {@link PolicyArgumentError} naming `now` when it is not finite.
   * @example
   * ```ts
   * addrSourceLimiter().solicit('ipv4:81.2', 0).available('ipv4:81.2', 0); // 1000
   * ```
   */
  solicit(group: string, now: number): AddrSourceLimiter {
    checkNow(now);
    const { capacity, ratePerSecond } = this.#config;
    const tokens = Math.min(capacity, tokensAt(this.#bucket(group, now), now, this.#config) + capacity);
    return this.#with(group, { emptyAt: now - (tokens * 1000) / ratePerSecond }, now);
  }

  /**
   * Whole addresses `group` could send at `now` without any being dropped.
   *
   * @throws {@link PolicyArgumentError} naming `now` when it is not finite.
   * @example
   * ```ts
   * addrSourceLimiter().available('ipv4:81.2', 0); // 1
   * ```
   */
  available(group: string, now: number): number {
    checkNow(now);
    return takeTokens(this.#bucket(group, now), Infinity, now, this.#config).granted;
  }

  /** `group`'s bucket, or a new one holding `initialTokens` at `now`. */
  #bucket(group: string, now: number): TokenBucket {
    const { initialTokens, ratePerSecond } = this.#config;
    return this.#current.get(group) ?? this.#previous.get(group) ?? { emptyAt: now - (initialTokens * 1000) / ratePerSecond };
  }

  #with(group: string, bucket: TokenBucket, now: number): AddrSourceLimiter {
    const { maxGroups, capacity, ratePerSecond } = this.#config;
    const window = (capacity * 1000) / ratePerSecond;
    let current = this.#current;
    let previous = this.#previous;
    let epoch = this.#epoch;
    // Rotate on size (bounds memory) or on age (a group idle that long is full; forgetting it only lowers it).
    if (!current.has(group) && (current.size >= Math.floor(maxGroups / 2) || now - epoch >= window)) {
      previous = current;
      current = PersistentMap.empty();
      epoch = now;
    }
    // A group found in `previous` moves to `current`, so that dropping `previous` cannot lose it.
    return new AddrSourceLimiter(this.#config, current.set(group, bucket), previous.delete(group), epoch);
  }
}

/**
 * An empty {@link AddrSourceLimiter} with Core's numbers by default: burst
 * 1,000, refill 0.1 address a second, a new group starting at 1 token, and
 * at most 4,096 groups tracked.
 *
 * @param options - see {@link AddrSourceLimiterOptions}.
 * @throws {@link PolicyArgumentError} naming the option that is out of range.
 * @example
 * ```ts
 * let limiter = addrSourceLimiter();
 * ```
 */
export function addrSourceLimiter(options: AddrSourceLimiterOptions = {}): AddrSourceLimiter {
  return AddrSourceLimiter.create(options);
}
