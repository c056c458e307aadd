/**
 * A token bucket as an immutable value and pure functions over it: the one
 * piece of token-bucket arithmetic in the package. {@link TokenBucketTable}
 * keeps one per key on top of it, and so serves {@link acceptRateLimiter} and
 * {@link addrRelayLimiter} (and through the latter discovery's
 * `peerAddresses`).
 *
 * @packageDocumentation
 */

/**
 * A bucket's shape: it holds at most `capacity` tokens and regains
 * `ratePerSecond` tokens per second.
 *
 * @example
 * ```ts
 * const addrRelay: TokenBucketConfig = { capacity: 1_000, ratePerSecond: 0.1 }; // Bitcoin Core's addr limit
 * ```
 */
export interface TokenBucketConfig {
  /** The most tokens the bucket holds (the burst), ≥ 0. */
  readonly capacity: number;
  /** Tokens regained per second, > 0 and finite. */
  readonly ratePerSecond: number;
}

/**
 * A bucket's state, as a single instant rather than a token count: the time
 * (ms) at which it would have held zero tokens had it refilled without a cap
 * ever since. Tokens at `t` are `min(capacity, (t − emptyAt) · rate)`.
 * Keeping a time instead of a running count means no rounding error builds up
 * over many refills: with a rate of 0.1/s every quantity stays an integer
 * number of ms.
 *
 * @example
 * ```ts
 * const full: TokenBucket = fullBucket(Date.now(), { capacity: 1_000, ratePerSecond: 0.1 });
 * ```
 */
export interface TokenBucket {
  readonly emptyAt: number;
}

/** Slack for floating-point noise, so that a token due exactly now is not missed by rounding (rates like 0.3/s). */
const EPSILON = 1e-9;

/** ms to regain one token. */
function interval(config: TokenBucketConfig): number {
  return 1000 / config.ratePerSecond;
}

/**
 * A bucket holding `capacity` tokens at `now`.
 *
 * @example
 * ```ts
 * tokensAt(fullBucket(0, config), 0, config); // config.capacity
 * ```
 */
export function fullBucket(now: number, config: TokenBucketConfig): TokenBucket {
  return { emptyAt: now - config.capacity * interval(config) };
}

/**
 * The tokens in `bucket` at `now` (possibly fractional; never more than
 * `capacity`, never below 0).
 *
 * @example
 * ```ts
 * tokensAt({ emptyAt: 0 }, 25_000, { capacity: 1_000, ratePerSecond: 0.1 }); // 2.5
 * ```
 */
export function tokensAt(bucket: TokenBucket, now: number, config: TokenBucketConfig): number {
  return Math.max(0, Math.min(config.capacity, (now - bucket.emptyAt) / interval(config)));
}

/**
 * The first instant at which `bucket`, left alone, is full again. From then
 * on it is indistinguishable from a fresh {@link fullBucket}, which is what
 * lets a caller forget it.
 *
 * @example
 * ```ts
 * bucketFullAt({ emptyAt: 0 }, { capacity: 1_000, ratePerSecond: 0.1 }); // 10_000_000 (≈ 2.8 h)
 * ```
 */
export function bucketFullAt(bucket: TokenBucket, config: TokenBucketConfig): number {
  return bucket.emptyAt + config.capacity * interval(config);
}

/**
 * Takes up to `wanted` whole tokens from `bucket` at `now`, refilling it
 * first for the time elapsed. Pure.
 *
 * @param bucket - the bucket's state; `undefined` for a new (full) bucket.
 * @param wanted - tokens asked for; a non-integer is rounded down.
 * @param now - the current time, ms (a time before the bucket's last use grants nothing).
 * @param config - see {@link TokenBucketConfig}.
 * @returns the new state and how many tokens were granted (`0 ≤ granted ≤ wanted`).
 * @example
 * ```ts
 * const config = { capacity: 1_000, ratePerSecond: 0.1 };
 * const a = takeTokens(undefined, 1_001, 0, config); // granted 1_000
 * const b = takeTokens(a.bucket, 5, 10_000, config);  // granted 1: one token regained in 10 s
 * ```
 */
export function takeTokens(
  bucket: TokenBucket | undefined,
  wanted: number,
  now: number,
  config: TokenBucketConfig,
): { readonly bucket: TokenBucket; readonly granted: number } {
  const step = interval(config);
  // A bucket cannot hold more than its capacity, however long it sat unused.
  const emptyAt = Math.max(bucket?.emptyAt ?? -Infinity, now - config.capacity * step);
  const available = Math.floor((now - emptyAt) / step + EPSILON);
  const granted = Math.max(0, Math.min(Math.floor(wanted), available));
  return { bucket: { emptyAt: emptyAt + granted * step }, granted };
}
