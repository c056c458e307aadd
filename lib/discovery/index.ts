/**
 * Node discovery: where the address book's addresses come from. Every
 * source is an Observable of {@link AddressAnnouncement}s (addresses plus who
 * told us), so they merge into one stream that feeds `AddressBook.add`:
 *
 * - {@link staticSeeds} — hard-coded `ip:port` seeds, announced once;
 * - {@link dnsSeeds} — DNS seeds' A/AAAA records, one announcement (or
 *   {@link DnsSeedFailure}) per seed;
 * - {@link peerAddresses} — peers' `addr` messages under Core's per-peer
 *   token bucket (1,000 at once, then one per 10 s);
 * - {@link manualPeers} — the operator's `addnode` / `connect` lists as
 *   permanent requests (these go to the connection manager, not the book);
 * - {@link shouldAskForAddresses} — btcd's rule for sending `getaddr`;
 * - {@link getaddrVerdict} and {@link addrAnswer} — Core's rules for
 *   answering one: once per inbound connection, a random ≤ 23 % (≤ 1,000).
 *
 * @example
 * ```ts
 * import { concat, EMPTY, merge, mergeMap, of } from 'rxjs';
 * import { AddressBook } from './addr/index.js';
 * import { dnsSeeds, isDnsSeedFailure, manualPeers, peerAddresses, shouldAskForAddresses, staticSeeds } from './discovery/index.js';
 *
 * const book = new AddressBook({ file: 'peers.json' });
 * await book.load();
 * const { permanent, connectMode } = manualPeers({ addnode: ['203.0.113.7:8333'] });
 * // `permanent` → the connection manager's permanent requests; connect mode also turns seeding off.
 *
 * const seeds$ = concat(
 *   dnsSeeds(['seed.example.org', 'seed.example.net'], { defaultPort: 8333 }).pipe(
 *     // A dead seed is a value, not an error: log it and go on.
 *     mergeMap((x) => (isDnsSeedFailure(x) ? (console.warn(x.error.message), EMPTY) : of(x))),
 *   ),
 *   // Hard-coded seeds last, and only if DNS left the book empty (Bitcoin Core's order).
 *   staticSeeds(['203.0.113.1:8333', '[2001:db8::5]:8333'], { when: () => book.size === 0 }),
 * );
 *
 * // peerMessages$: Observable<PeerMessage>, every peer's messages tagged with its address,
 * // e.g. merge(...peers.map((p) => p.messages$.pipe(map((message) => ({ peer: p.address, message }))))).
 * merge(connectMode ? EMPTY : seeds$, peerAddresses(peerMessages$))
 *   .subscribe(({ addrs, source }) => book.add(addrs, source));
 *
 * // When an outbound peer completes its handshake:
 * if (shouldAskForAddresses(book.size)) peer.send({ command: 'getaddr' });
 * ```
 *
 * @packageDocumentation
 */
export type { AddressAnnouncement, AnnouncedAddress, AnnouncementOrigin } from './AddressAnnouncement.js';
export { staticSeeds, type StaticSeedsOptions } from './staticSeeds.js';
export { dnsSeeds, DEFAULT_DNS_SEED_TIMEOUT_MS, type DnsResolverLike, type DnsSeedsOptions } from './dnsSeeds.js';
export { isDnsSeedFailure, type DnsSeedFailure } from './DnsSeedFailure.js';
export { seedTimestamp, SEED_MAX_AGE_MS, SEED_MIN_AGE_MS } from './seedTimestamp.js';
export { manualPeers, type ManualPeersConfig, type ManualPeersPlan } from './manualPeers.js';
export { peerAddresses, type PeerAddressesOptions, type PeerMessage } from './peerAddresses.js';
export { AddrRateLimiter, type AddrRateLimiterOptions } from './AddrRateLimiter.js';
// The defaults of `peerAddresses`' options, defined once with the limit itself (the token-bucket math is in '../policy/index.js').
export { DEFAULT_ADDR_BURST, DEFAULT_ADDR_RATE_PER_SECOND } from '../policy/addrRelayLimiter.js';
export { shouldAskForAddresses, DEFAULT_GETADDR_THRESHOLD } from './shouldAskForAddresses.js';
export { addrV2Announcements, type AddrV2Split } from './addrV2Announcements.js';
export {
  addrAnswer,
  addrMessageOf,
  getaddrVerdict,
  MAX_GETADDR_ANSWER_PERCENT,
  MAX_GETADDR_ANSWER_SIZE,
  type AddrAnswerOptions,
  type GetaddrConnection,
  type GetaddrVerdict,
} from './answerGetaddr.js';
export { dialableAddress } from './dialableAddress.js';
export {
  DnsLookupTimeoutError,
  DnsSeedError,
  InvalidDiscoveryOptionError,
  InvalidManualPeerError,
  InvalidSeedError,
  ManualPeersConflictError,
  type DnsSeedErrorReason,
} from './errors.js';
