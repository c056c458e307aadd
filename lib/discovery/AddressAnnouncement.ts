/**
 * The common currency of every discovery source: a batch of addresses and
 * who told us about them.
 *
 * @packageDocumentation
 */
import type { AddressAnnouncement as BookAddress, OverlayAnnouncement } from '../addr/AddressBook.js';
import type { SocketAddress } from '../net/SocketAddress.js';

/**
 * One announced address, exactly what `AddressBook.add` takes: the address,
 * its service bits (default `0n`) and when it was last seen alive, in ms
 * (default: the book's clock). An alias of the address book's own type, so a
 * discovery announcement always feeds the book without conversion.
 *
 * @example
 * ```ts
 * const entry: AnnouncedAddress = { addr: SocketAddress.parse('1.2.3.4:8333'), services: 1n, timestamp: Date.now() };
 * ```
 */
export type AnnouncedAddress = BookAddress;

/**
 * Where an announcement came from:
 * `'static'` — the hard-coded seeds ({@link staticSeeds});
 * `'dns'` — a DNS seed ({@link dnsSeeds});
 * `'manual'` — addresses the operator configured (`addnode` / `connect`); no source
 *   here emits it ({@link manualPeers} feeds the connection manager), it is for a
 *   caller that also puts those addresses in the book;
 * `'peer'` — an `addr` message from a connected peer ({@link peerAddresses}).
 *
 * @example
 * ```ts
 * const trusted = (origin: AnnouncementOrigin) => origin !== 'peer';
 * ```
 */
export type AnnouncementOrigin = 'static' | 'dns' | 'manual' | 'peer';

/**
 * One announcement: addresses and who told us. Every discovery source emits
 * these, so the sources merge into one stream that feeds the address book
 * with `book.add(a.addrs, a.source)`.
 *
 * `source` is what the book groups by (one source group can fill at most 64
 * of its new buckets), so it must be an address:
 * - static seeds: the seed itself;
 * - DNS seeds: the first address the seed returned (btcd's choice, since a
 *   host name is not an address);
 * - peers: the peer that sent the `addr` message.
 *
 * @example
 * ```ts
 * source$.subscribe((a: AddressAnnouncement) => book.add(a.addrs, a.source));
 * ```
 */
export interface AddressAnnouncement {
  /** The announced addresses, possibly empty (a peer message whose every address was rate-limited). */
  readonly addrs: readonly AnnouncedAddress[];
  /**
   * For an `addrv2` from a peer: its overlay addresses (Tor v3, I2P, CJDNS),
   * for `AddressBook.addOverlay`. Absent otherwise.
   */
  readonly overlay?: readonly OverlayAnnouncement[];
  /** Who told us; see above. */
  readonly source: SocketAddress;
  /** Which kind of source this came from. */
  readonly origin: AnnouncementOrigin;
  /** For `origin: 'dns'`: the seed host that was resolved, for logs. */
  readonly host?: string;
  /**
   * For `origin: 'peer'`: how many addresses of this message the per-peer
   * rate limit dropped (0 when none). Not set for other origins.
   */
  readonly dropped?: number;
}
