/**
 * How many gossiped addresses to accept from each peer: Bitcoin Core's
 * addr-relay token bucket, as an immutable value.
 *
 * @packageDocumentation
 */
import { checkCount, checkNow, checkPositive } from './checks.js';
import { TokenBucketTable } from './TokenBucketTable.js';
import type { TokenBucketConfig } from './tokenBucket.js';

/**
 * Addresses a peer may send at once before being limited: 1,000, Core's
 * `MAX_ADDR_PROCESSING_TOKEN_BUCKET` (= `MAX_ADDR_TO_SEND`, one full `addr`
 * message, so that an honest peer's answer to `getaddr` is never cut).
 *
 * @example
 * ```ts
 * addrRelayLimiter({ burst: DEFAULT_ADDR_BURST / 10 });
 * ```
 */
export const DEFAULT_ADDR_BURST = 1_000;

/**
 * Addresses a second a peer's allowance grows by afterwards: 0.1, one every
 * 10 s, Core's `MAX_ADDR_RATE_PER_SECOND`.
 *
 * @example
 * ```ts
 * addrRelayLimiter({ perSecond: DEFAULT_ADDR_RATE_PER_SECOND * 2 });
 * ```
 */
export const DEFAULT_ADDR_RATE_PER_SECOND = 0.1;

/**
 * A peer's key: its connection id (or any other stable string or number).
 *
 * @example
 * ```ts
 * const peer: PeerKey = 42;
 * ```
 */
export type PeerKey = string | number;

/**
 * Options of {@link addrRelayLimiter}.
 *
 * @example
 * ```ts
 * const options: AddrRelayLimiterOptions = { perSecond: 0.1, burst: 1000 }; // the defaults
 * ```
 */
export interface AddrRelayLimiterOptions {
  /** Addresses per second a peer's allowance grows by, a finite number > 0. Default 0.1 (one every 10 s). */
  readonly perSecond?: number | undefined;
  /**
   * The most addresses a peer may send at once, an integer ≥ 0. Default 1,000.
   * 0 drops every address (and tracks no peer), for a caller that wants addr
   * relay off without a second code path.
   */
  readonly burst?: number | undefined;
}

/**
 * The answer of an addr limiter's `take` ({@link AddrRelayLimiter.take},
 * `AddrSourceLimiter.take`): how many of the addresses to process (the first
 * `accepted` of the message) and how many to ignore, and the limiter `L` to
 * keep for the next call.
 *
 * @example
 * ```ts
 * const { accepted, dropped, next } = limiter.take(peerId, addrs.length, now);
 * ```
 */
export interface AddrTake<L> {
  /** Addresses to process, from the front of the message. */
  readonly accepted: number;
  /** Addresses to ignore (`count − accepted`). */
  readonly dropped: number;
  /** The limiter after this call. */
  readonly next: L;
}

/**
 * The answer of {@link AddrRelayLimiter.take}; see {@link AddrTake}.
 *
 * @example
 * ```ts
 * const taken: AddrRelayTake = addrRelayLimiter().take(1, 10, 0);
 * ```
 */
export type AddrRelayTake = AddrTake<AddrRelayLimiter>;

/**
 * One token bucket per peer for gossiped addresses, as Bitcoin Core keeps
 * since v22: each address processed costs a token; the bucket holds at most
 * `burst` (1,000) and refills at `perSecond` (0.1, one address every ten
 * seconds). Addresses beyond the tokens are dropped, not queued. This caps
 * how fast a peer can push addresses into our address book — and so how fast
 * it can fill it with its own.
 *
 * Differences from Core, deliberately kept small:
 * - a new peer starts with a **full** bucket (1,000). Core starts it at one
 *   token and grants 1,000 more when we send that peer a `getaddr`, which in
 *   practice is done at once for outbound peers; a caller that wants Core's
 *   strictness for inbound peers can pass a smaller `burst`.
 * - exemptions (Core does not limit peers with the `addr` permission) are the
 *   caller's: just do not call `take` for them.
 *
 * Fractions of a token carry over between calls, so the long-run rate is
 * exactly `perSecond`. Call {@link AddrRelayLimiter.forget} when a peer
 * disconnects; a peer not heard from for two refill windows (2 × 10,000 s
 * by default) is forgotten anyway, which changes nothing since its bucket
 * was full.
 *
 * @example
 * ```ts
 * let limiter = addrRelayLimiter();
 * // on every `addr` message:
 * const { accepted, next } = limiter.take(peer.id, message.addrs.length, now);
 * limiter = next;
 * book.add(message.addrs.slice(0, accepted), peer.addr);
 * ```
 */
export class AddrRelayLimiter {
  readonly #buckets: TokenBucketTable<PeerKey>;

  private constructor(buckets: TokenBucketTable<PeerKey>) {
    this.#buckets = buckets;
    Object.freeze(this);
  }

  /**
   * An empty limiter; prefer {@link addrRelayLimiter}, which has the defaults.
   *
   * @throws {@link PolicyArgumentError} naming the option that is out of range.
   * @example
   * ```ts
   * const limiter = AddrRelayLimiter.create({ burst: 1000 });
   * ```
   */
  static create(options: AddrRelayLimiterOptions = {}): AddrRelayLimiter {
    return new AddrRelayLimiter(TokenBucketTable.create<PeerKey>(addrBucketConfig(options), Infinity));
  }

  /**
   * Peers tracked now.
   *
   * @example
   * ```ts
   * addrRelayLimiter().size; // 0
   * ```
   */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Spends the tokens for an `addr` message of `count` addresses from `peer`.
   *
   * @param peer - the sending peer.
   * @param count - addresses in the message, an integer ≥ 0.
   * @param now - the time, in ms (any epoch, but the same for every call).
   * @returns how many to process and drop, and the limiter to use next.
   * @throws {@link PolicyArgumentError} naming `count` or `now` when out of range.
   *
   * @example
   * ```ts
   * const l = addrRelayLimiter();
   * const a = l.take(1, 1200, 0);          // { accepted: 1000, dropped: 200 }
   * a.next.take(1, 5, 25_000).accepted;    // 2: 25 s at 0.1/s is 2.5 tokens
   * ```
   */
  take(peer: PeerKey, count: number, now: number): AddrRelayTake {
    checkCount('count', count, 0);
    checkNow(now);
    const { granted, next } = this.#buckets.take(peer, count, now);
    return {
      accepted: granted,
      dropped: count - granted,
      next: next === this.#buckets ? this : new AddrRelayLimiter(next),
    };
  }

  /**
   * Whole addresses `peer` could send at `now` without any being dropped.
   *
   * @throws {@link PolicyArgumentError} naming `now` when it is not finite.
   * @example
   * ```ts
   * addrRelayLimiter().available(7, 0); // 1000
   * ```
   */
  available(peer: PeerKey, now: number): number {
    checkNow(now);
    return this.#buckets.available(peer, now);
  }

  /**
   * When `peer`'s bucket is full again, in ms. From then on
   * {@link AddrRelayLimiter.forget | forgetting} the peer changes no answer,
   * which is what lets a caller that keeps state only while it matters
   * (discovery's `peerAddresses`) set a timer for it.
   *
   * @returns the time (possibly past), or `undefined` if the peer is not tracked.
   * @example
   * ```ts
   * addrRelayLimiter().take(1, 10, 0).next.fullAt(1); // 100_000: ten addresses at one per 10 s
   * ```
   */
  fullAt(peer: PeerKey): number | undefined {
    return this.#buckets.fullAt(peer);
  }

  /**
   * Forgets `peer` (call it on disconnect). A peer that comes back starts
   * again from a full bucket, so forget only peers that are gone.
   *
   * @example
   * ```ts
   * limiter = limiter.forget(peer.id);
   * ```
   */
  forget(peer: PeerKey): AddrRelayLimiter {
    const next = this.#buckets.forget(peer);
    return next === this.#buckets ? this : new AddrRelayLimiter(next);
  }
}

/**
 * The bucket shape of `perSecond` and `burst`, with their defaults, checked:
 * shared by {@link AddrRelayLimiter} and `AddrSourceLimiter`.
 *
 * @throws {@link PolicyArgumentError} naming the option that is out of range.
 * @example
 * ```ts
 * addrBucketConfig({}); // { capacity: 1000, ratePerSecond: 0.1 }
 * ```
 * @internal
 */
export function addrBucketConfig(options: AddrRelayLimiterOptions): TokenBucketConfig {
  const ratePerSecond = options.perSecond ?? DEFAULT_ADDR_RATE_PER_SECOND;
  checkPositive('options.perSecond', ratePerSecond);
  const capacity = options.burst ?? DEFAULT_ADDR_BURST;
  checkCount('options.burst', capacity, 0);
  return { capacity, ratePerSecond };
}

/**
 * An empty {@link AddrRelayLimiter} with Core's numbers by default: burst
 * 1,000 addresses, refilled at 0.1 address a second.
 *
 * @param options - see {@link AddrRelayLimiterOptions}.
 * @throws {@link PolicyArgumentError} naming the option that is out of range.
 *
 * @example
 * ```ts
 * let limiter = addrRelayLimiter();
 * ```
 */
export function addrRelayLimiter(options: AddrRelayLimiterOptions = {}): AddrRelayLimiter {
  return AddrRelayLimiter.create(options);
}
