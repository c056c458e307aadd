/**
 * How often one IP may open a connection to us: a per-IP token bucket checked
 * before anything else is spent on an accepted socket.
 *
 * @packageDocumentation
 */
import { checkCount, checkNow, checkPositive } from './checks.js';
import { TokenBucketTable } from './TokenBucketTable.js';

/** Default sustained rate: 5 connections a second per IP, js-libp2p's `inboundConnectionThreshold`. */
const DEFAULT_PER_SECOND = 5;

/**
 * Default cap on IPs tracked at once: 10,000.
 *
 * Each tracked IP costs on the order of a hundred bytes, so the table stays
 * around a megabyte. An IP is dropped within two seconds (two refill windows,
 * at the default rate) of its last connection, so the cap is reached only
 * when more than 10,000 distinct IPs connect within a couple of seconds —
 * which is an attack, not a busy day.
 *
 * @example
 * ```ts
 * acceptRateLimiter({ maxTracked: DEFAULT_MAX_TRACKED_IPS / 10 });
 * ```
 */
export const DEFAULT_MAX_TRACKED_IPS = 10_000;

/**
 * Options of {@link acceptRateLimiter}.
 *
 * @example
 * ```ts
 * const options: AcceptRateLimiterOptions = { perSecond: 2, burst: 4 };
 * ```
 */
export interface AcceptRateLimiterOptions {
  /** Sustained connections per second per IP, a finite number > 0. Default 5. */
  readonly perSecond?: number | undefined;
  /**
   * Connections one IP may open at once after a quiet spell, an integer ≥ 1.
   * Default: one second's worth, `max(1, floor(perSecond))` (5).
   */
  readonly burst?: number | undefined;
  /** Most IPs tracked at once, an integer ≥ 1 or `Infinity`. Default {@link DEFAULT_MAX_TRACKED_IPS}. */
  readonly maxTracked?: number | undefined;
}

/**
 * The answer of {@link AcceptRateLimiter.check}. `next` is the limiter to keep
 * for the next call, whatever the verdict.
 *
 * `reason` on a refusal: `'rate'` — this IP has used up its bucket;
 * `'tableFull'` — this IP is not tracked and the table is at `maxTracked`.
 *
 * @example
 * ```ts
 * const d: AcceptDecision = limiter.check('198.51.100.7', now);
 * if (!d.allowed) log(d.reason);
 * ```
 */
export type AcceptDecision =
  | { readonly allowed: true; readonly next: AcceptRateLimiter }
  | { readonly allowed: false; readonly reason: 'rate' | 'tableFull'; readonly next: AcceptRateLimiter };

/**
 * An immutable per-IP token bucket for accepted connections. Each IP has a
 * bucket of `burst` tokens refilled at `perSecond`; each connection takes one,
 * and a connection finding the bucket empty should be closed straight away.
 *
 * With the defaults an IP may connect 5 times at once, then once every
 * 200 ms: the same 5 a second as js-libp2p's `inboundConnectionThreshold`,
 * shaped as a bucket so that no more than `burst` ever arrive in one instant
 * (a count per fixed one-second window would let 2 × 5 through around a
 * window boundary).
 *
 * The table is bounded twice over:
 * - an IP whose bucket has refilled is forgotten — at the latest two refill
 *   windows (`burst / perSecond` seconds each, one second by default) after
 *   its last connection — which changes no answer, since a forgotten IP starts
 *   again from a full bucket;
 * - at most `maxTracked` IPs are tracked. At the cap, a **new** IP is refused
 *   (`reason: 'tableFull'`) until old entries expire, at most two windows
 *   later; IPs already tracked are checked as usual. Refusing rather than
 *   letting untracked IPs through means that at the cap the limiter fails
 *   closed, during what can only be a flood from very many addresses.
 *
 * Only allowed connections are recorded, so an IP hammering us while refused
 * does not push its own refill further away (nor grow the table).
 *
 * Keys are whatever the caller passes; pass `addr.host`. (For IPv6, where one
 * host is usually given a whole /64, a caller may prefer to key by that /64.)
 *
 * @example
 * ```ts
 * let limiter = acceptRateLimiter();
 * // on every accepted socket:
 * const d = limiter.check(remote.host, now);
 * limiter = d.next;
 * if (!d.allowed) socket.destroy();
 * ```
 */
export class AcceptRateLimiter {
  readonly #buckets: TokenBucketTable<string>;

  private constructor(buckets: TokenBucketTable<string>) {
    this.#buckets = buckets;
    Object.freeze(this);
  }

  /**
   * An empty limiter; prefer {@link acceptRateLimiter}, which has the defaults.
   *
   * @throws {@link PolicyArgumentError} naming the option that is out of range.
   * @example
   * ```ts
   * const limiter = AcceptRateLimiter.create({ perSecond: 5 });
   * ```
   */
  static create(options: AcceptRateLimiterOptions = {}): AcceptRateLimiter {
    const perSecond = options.perSecond ?? DEFAULT_PER_SECOND;
    checkPositive('options.perSecond', perSecond);
    const burst = options.burst ?? Math.max(1, Math.floor(perSecond));
    checkCount('options.burst', burst, 1);
    const maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED_IPS;
    checkCount('options.maxTracked', maxTracked, 1, true);
    return new AcceptRateLimiter(TokenBucketTable.create<string>({ capacity: burst, ratePerSecond: perSecond }, maxTracked));
  }

  /**
   * IPs tracked now (an upper bound on those whose bucket is not full).
   *
   * @example
   * ```ts
   * acceptRateLimiter().size; // 0
   * ```
   */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Whether `ip` may open a connection at `now`, taking a token if so.
   *
   * @param ip - the key to limit by, normally the remote `addr.host`.
   * @param now - the time, in ms (any epoch, but the same for every call).
   * @returns the verdict and the limiter to use next.
   * @throws {@link PolicyArgumentError} naming `now` when it is not finite.
   *
   * @example
   * ```ts
   * let l = acceptRateLimiter({ perSecond: 1, burst: 1 });
   * let d = l.check('1.2.3.4', 0);      // allowed
   * d = d.next.check('1.2.3.4', 500);   // refused, reason 'rate'
   * d = d.next.check('1.2.3.4', 1000);  // allowed
   * ```
   */
  check(ip: string, now: number): AcceptDecision {
    checkNow(now);
    const { granted, tableFull, next } = this.#buckets.take(ip, 1, now);
    const limiter = next === this.#buckets ? this : new AcceptRateLimiter(next);
    if (granted === 1) return { allowed: true, next: limiter };
    return { allowed: false, reason: tableFull ? 'tableFull' : 'rate', next: limiter };
  }
}

/**
 * An empty {@link AcceptRateLimiter}: by default 5 connections a second per
 * IP with a burst of 5, tracking at most {@link DEFAULT_MAX_TRACKED_IPS} IPs.
 *
 * @param options - see {@link AcceptRateLimiterOptions}.
 * @throws {@link PolicyArgumentError} naming the option that is out of range.
 *
 * @example
 * ```ts
 * const limiter = acceptRateLimiter({ perSecond: 2 }); // burst 2, then one every 500 ms
 * ```
 */
export function acceptRateLimiter(options: AcceptRateLimiterOptions = {}): AcceptRateLimiter {
  return AcceptRateLimiter.create(options);
}
