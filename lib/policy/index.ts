/**
 * Defence policies for a node's connections, as pure functions and immutable
 * values that a reducer can call (time is always an argument, `now`, in ms):
 *
 * - {@link selectNodeToEvict}: which inbound peer to drop when inbound is full
 *   (Bitcoin Core's eviction), with {@link keyedNetGroup} for its secret
 *   netgroup ranking;
 * - {@link admitInbound} over an {@link InboundCounts} tally: caps in total,
 *   per IP and per network group;
 * - {@link acceptRateLimiter}: connections per second per IP;
 * - {@link maxPendingHandshakes}: a cap on handshakes in progress;
 * - {@link addrRelayLimiter}: gossiped addresses per peer (Core's addr-relay
 *   token bucket);
 * - {@link addrSourceLimiter}: the same bucket keyed by the source's network
 *   group, starting at one token, so reconnecting does not refill it;
 * - {@link takeTokens} and the other {@link TokenBucket} functions: the
 *   token-bucket arithmetic under both limiters, for a caller that keeps its
 *   own buckets.
 *
 * @example
 * ```ts
 * import { admitInbound, InboundCounts, selectNodeToEvict } from './policy/index.js';
 * const verdict = admitInbound(InboundCounts.empty(), addr, { maxInbound: 117 });
 * ```
 *
 * @packageDocumentation
 */
export { selectNodeToEvict, EVICTION_PROTECTION, MIN_CANDIDATES_TO_EVICT } from './selectNodeToEvict.js';
export type { EvictionCandidate, SelectNodeToEvictOptions } from './selectNodeToEvict.js';
export { keyedNetGroup, defaultKeyedNetGroup } from './keyedNetGroup.js';
export { InboundCounts, ipKey } from './InboundCounts.js';
export { admitInbound, DEFAULT_MAX_INBOUND_PER_IP, DEFAULT_MAX_INBOUND_PER_GROUP } from './admitInbound.js';
export type { Admission, InboundLimits } from './admitInbound.js';
export { acceptRateLimiter, AcceptRateLimiter, DEFAULT_MAX_TRACKED_IPS } from './acceptRateLimiter.js';
export type { AcceptDecision, AcceptRateLimiterOptions } from './acceptRateLimiter.js';
export { maxPendingHandshakes, DEFAULT_MAX_PENDING_HANDSHAKES } from './maxPendingHandshakes.js';
export { addrRelayLimiter, AddrRelayLimiter, DEFAULT_ADDR_BURST, DEFAULT_ADDR_RATE_PER_SECOND } from './addrRelayLimiter.js';
export { addrSourceLimiter, AddrSourceLimiter, DEFAULT_INITIAL_ADDR_TOKENS, DEFAULT_MAX_ADDR_SOURCE_GROUPS } from './addrSourceLimiter.js';
export type { AddrSourceLimiterOptions, AddrSourceTake } from './addrSourceLimiter.js';
export { bucketFullAt, fullBucket, takeTokens, tokensAt } from './tokenBucket.js';
export type { TokenBucket, TokenBucketConfig } from './tokenBucket.js';
export type { AddrRelayLimiterOptions, AddrRelayTake, AddrTake, PeerKey } from './addrRelayLimiter.js';
export { PolicyArgumentError, InvalidEvictionCandidateError, InboundCountsError } from './errors.js';
