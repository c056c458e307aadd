/**
 * Per-peer token buckets for `addr` relay, after Bitcoin Core.
 *
 * @packageDocumentation
 */
import { InvalidDiscoveryOptionError } from './errors.js';
import { bucketFullAt, takeTokens, type TokenBucket, type TokenBucketConfig } from './tokenBucket.js';

/** Addresses a peer may send at once before being limited: 1,000 (Core's `MAX_ADDR_PROCESSING_TOKEN_BUCKET`). */
export const DEFAULT_ADDR_BURST = 1_000;
/** Addresses per second a peer regains afterwards: 0.1, one per 10 s (Core's `MAX_ADDR_RATE_PER_SECOND`). */
export const DEFAULT_ADDR_RATE_PER_SECOND = 0.1;

/**
 * Options of {@link AddrRateLimiter}.
 *
 * @example
 * ```ts
 * const options: AddrRateLimiterOptions = { maxBurst: 100, ratePerSecond: 1 };
 * ```
 */
export interface AddrRateLimiterOptions {
  /** Bucket capacity: addresses accepted in one go from a peer not heard from lately. Default {@link DEFAULT_ADDR_BURST}. */
  readonly maxBurst?: number;
  /** Refill rate, addresses per second. Default {@link DEFAULT_ADDR_RATE_PER_SECOND}. */
  readonly ratePerSecond?: number;
}

/**
 * Bitcoin Core's defence against address flooding: each peer has a token
 * bucket, one token per address it sends; addresses beyond the tokens are
 * dropped. Peers are keyed by text (`String(peerAddress)`).
 *
 * Memory stays bounded: a bucket that is full again equals a fresh one, so
 * {@link AddrRateLimiter.release} forgets it and only peers that sent
 * addresses recently (within `maxBurst / ratePerSecond`, at most ≈ 2.8 h with
 * the defaults, much less for small messages) hold an entry.
 *
 * Differences from Core: a new peer's bucket starts **full** (Core starts it
 * at 1 token and adds 1,000 when we send `getaddr`; this class does not see
 * our `getaddr`s), and addresses are taken in message order (Core shuffles
 * first; the sender controls the order either way).
 *
 * Time is passed in by the caller (ms), so the class is deterministic;
 * {@link peerAddresses} drives it from its scheduler.
 *
 * @example
 * ```ts
 * const limiter = new AddrRateLimiter();
 * limiter.admit('1.2.3.4:8333', 1_001, 0);      // 1_000
 * limiter.admit('1.2.3.4:8333', 1, 10_000);     // 1
 * limiter.dropped;                              // 1
 * ```
 */
export class AddrRateLimiter {
  /** The buckets' shape. */
  readonly config: TokenBucketConfig;
  private readonly buckets = new Map<string, TokenBucket>();
  private acceptedCount = 0;
  private droppedCount = 0;

  /**
   * @param options - see {@link AddrRateLimiterOptions}.
   * @throws {@link InvalidDiscoveryOptionError} for a negative or non-finite `maxBurst`, or a `ratePerSecond` that is not positive and finite.
   */
  constructor(options: AddrRateLimiterOptions = {}) {
    const { maxBurst = DEFAULT_ADDR_BURST, ratePerSecond = DEFAULT_ADDR_RATE_PER_SECOND } = options;
    if (typeof maxBurst !== 'number' || !Number.isFinite(maxBurst) || maxBurst < 0) {
      throw new InvalidDiscoveryOptionError('maxBurst', maxBurst, 'a finite number ≥ 0');
    }
    // A rate of 0 would never refill, so buckets could never be released.
    if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new InvalidDiscoveryOptionError('ratePerSecond', ratePerSecond, 'a finite number > 0');
    }
    this.config = { capacity: maxBurst, ratePerSecond };
  }

  /** Peers currently holding a bucket (ones not yet full again). */
  get size(): number {
    return this.buckets.size;
  }

  /** Addresses admitted so far, all peers together. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Addresses dropped so far, all peers together. */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Spends `peer`'s tokens on `count` addresses received at `now`.
   *
   * @returns how many of them (the first ones) are admitted; the rest are dropped.
   * @example
   * ```ts
   * const kept = addrs.slice(0, limiter.admit(String(peer), addrs.length, scheduler.now()));
   * ```
   */
  admit(peer: string, count: number, now: number): number {
    const { bucket, granted } = takeTokens(this.buckets.get(peer), count, now, this.config);
    this.buckets.set(peer, bucket);
    this.acceptedCount += granted;
    this.droppedCount += Math.max(0, count - granted);
    return granted;
  }

  /**
   * When `peer`'s bucket is full again, ms.
   *
   * @returns the time, or `undefined` if the peer holds no bucket.
   * @example
   * ```ts
   * const at = limiter.fullAt('1.2.3.4:8333'); // e.g. 10_000_000 after a burst of 1,000 at 0
   * ```
   */
  fullAt(peer: string): number | undefined {
    const bucket = this.buckets.get(peer);
    return bucket && bucketFullAt(bucket, this.config);
  }

  /**
   * Forgets `peer`'s bucket if it is full at `now`; a later message from the
   * peer gets a fresh, full bucket, which is the same thing.
   *
   * @returns true if the bucket was forgotten.
   * @example
   * ```ts
   * scheduler.schedule(() => limiter.release(key, scheduler.now()), limiter.fullAt(key)! - scheduler.now());
   * ```
   */
  release(peer: string, now: number): boolean {
    const at = this.fullAt(peer);
    if (at === undefined || now < at) return false;
    return this.buckets.delete(peer);
  }

  /**
   * Forgets `peer`'s bucket whatever its level (e.g. the peer disconnected
   * and its stream ended). Note a peer that reconnects then starts full.
   *
   * @returns true if there was a bucket.
   * @example
   * ```ts
   * limiter.forget('1.2.3.4:8333');
   * ```
   */
  forget(peer: string): boolean {
    return this.buckets.delete(peer);
  }
}
