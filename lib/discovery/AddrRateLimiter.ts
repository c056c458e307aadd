/**
 * The mutable holder of {@link peerAddresses}' per-peer addr-relay limit.
 *
 * @packageDocumentation
 */
import { addrRelayLimiter, type AddrRelayLimiter } from '../policy/addrRelayLimiter.js';
import { PolicyArgumentError } from '../policy/errors.js';
import { InvalidDiscoveryOptionError } from './errors.js';

/**
 * Options of {@link AddrRateLimiter}: those of `addrRelayLimiter` under the
 * names {@link peerAddresses} has always used.
 *
 * @example
 * ```ts
 * const options: AddrRateLimiterOptions = { maxBurst: 100, ratePerSecond: 1 };
 * ```
 */
export interface AddrRateLimiterOptions {
  /** Bucket capacity: addresses accepted in one go from a peer not heard from lately, an integer ≥ 0. Default `DEFAULT_ADDR_BURST` (1,000). */
  readonly maxBurst?: number | undefined;
  /** Refill rate, addresses per second, a finite number > 0. Default `DEFAULT_ADDR_RATE_PER_SECOND` (0.1). */
  readonly ratePerSecond?: number | undefined;
}

/**
 * Bitcoin Core's per-peer addr-relay token bucket — the policy's immutable
 * {@link AddrRelayLimiter} — held in one mutable object with running totals.
 * It exists because a stream keeps its limiter from message to message, and
 * a caller who wants the totals (`size`, `accepted`, `dropped`) needs an
 * object it can hand to {@link peerAddresses} and read later. The limit
 * itself (numbers, differences from Core) is documented on
 * `addrRelayLimiter`. Peers are keyed by text (`String(peerAddress)`).
 *
 * Memory stays bounded: a bucket that is full again equals a fresh one, so
 * {@link AddrRateLimiter.release} forgets it; {@link peerAddresses} calls it
 * from a timer at {@link AddrRateLimiter.fullAt}.
 *
 * Time is passed in by the caller (ms), so the class is deterministic.
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
  #limiter: AddrRelayLimiter;
  #accepted = 0;
  #dropped = 0;

  /**
   * @param options - see {@link AddrRateLimiterOptions}.
   * @throws {@link InvalidDiscoveryOptionError} naming `maxBurst` or `ratePerSecond` when out of range.
   */
  constructor({ maxBurst, ratePerSecond }: AddrRateLimiterOptions = {}) {
    try {
      this.#limiter = addrRelayLimiter({ burst: maxBurst, perSecond: ratePerSecond });
    } catch (error) {
      if (!(error instanceof PolicyArgumentError)) throw error;
      // Discovery's callers catch discovery's error type and know the options by these names.
      throw new InvalidDiscoveryOptionError(error.argument === 'options.burst' ? 'maxBurst' : 'ratePerSecond', error.value, error.expected);
    }
  }

  /** Peers currently holding a bucket (ones not yet full again). */
  get size(): number {
    return this.#limiter.size;
  }

  /** Addresses admitted so far, all peers together. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Addresses dropped so far, all peers together. */
  get dropped(): number {
    return this.#dropped;
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
    const { accepted, dropped, next } = this.#limiter.take(peer, count, now);
    this.#limiter = next;
    this.#accepted += accepted;
    this.#dropped += dropped;
    return accepted;
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
    return this.#limiter.fullAt(peer);
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
    return at !== undefined && now >= at && this.forget(peer);
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
    const next = this.#limiter.forget(peer);
    const had = next !== this.#limiter;
    this.#limiter = next;
    return had;
  }
}
