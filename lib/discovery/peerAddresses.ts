/**
 * Addresses gossiped by peers (`addr` messages), rate-limited per peer.
 *
 * @packageDocumentation
 */
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import { SocketAddress } from '../net/SocketAddress.js';
import type { OverlayAnnouncement } from '../addr/AddressBook.js';
import type { AddrV2Address } from '../protocol/bitcoin/messages.js';
import { KeyedDeadlines } from '../schedulers/KeyedDeadlines.js';
import type { AddressAnnouncement, AnnouncedAddress } from './AddressAnnouncement.js';
import { addrV2Announcement } from './addrV2Announcements.js';
import { AddrRateLimiter } from './AddrRateLimiter.js';
import { InvalidDiscoveryOptionError } from './errors.js';

/**
 * A message from a peer, tagged with the peer's address. Any message shape
 * with a `command` fits (e.g. `BitcoinMessage` from `Peer.messages$`); only
 * `addr` messages are read.
 *
 * @example
 * ```ts
 * const tagged$: Observable<PeerMessage> = peer.messages$.pipe(map((message) => ({ peer: peer.address, message })));
 * ```
 */
export interface PeerMessage {
  /** The peer that sent the message. */
  readonly peer: SocketAddress;
  /**
   * The message; an `addr` one carries `addresses: { timestamp (s), services, ip (16 bytes), port }[]`.
   * `addresses` is declared (as `unknown`, checked at run time) so that an object literal may carry it.
   */
  readonly message: { readonly command: string; readonly addresses?: unknown };
}

/**
 * Options of {@link peerAddresses}.
 *
 * @example
 * ```ts
 * const options: PeerAddressesOptions = { scheduler: testScheduler, limiter: new AddrRateLimiter() };
 * ```
 */
export interface PeerAddressesOptions {
  /** Bucket capacity per peer, an integer ≥ 0. Default 1,000 (Core). Not allowed with `limiter`. */
  readonly maxBurst?: number;
  /** Refill per peer, addresses per second. Default 0.1 (Core). Not allowed with `limiter`. */
  readonly ratePerSecond?: number;
  /** The clock of the buckets and the timers that release them. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * The per-peer buckets, when the caller wants to read their statistics
   * (`size`, `accepted`, `dropped`). Give one limiter to one stream only.
   * Default: a new {@link AddrRateLimiter} per subscription.
   */
  readonly limiter?: AddrRateLimiter;
  /**
   * Peers that have disconnected: each one's bucket is forgotten at once instead of when it is
   * full again (Core drops a peer's bucket with the peer). Default: none, buckets go when full.
   */
  readonly gone$?: Observable<SocketAddress>;
  /**
   * Peers exempt from the limit (Core's `addr` permission): their messages are kept whole and
   * spend no tokens. Default: none.
   */
  readonly unlimited?: (peer: SocketAddress) => boolean;
}

/**
 * Turns peers' `addr` and `addrv2` messages into address announcements,
 * under Bitcoin Core's per-peer rate limit: a token bucket of `maxBurst`
 * (1,000) addresses refilled at `ratePerSecond` (0.1/s, one address per
 * 10 s). Addresses beyond a peer's tokens are dropped.
 *
 * For each `addr` or `addrv2` message with at least one well-formed entry, it
 * emits one announcement: `source` the peer, `origin: 'peer'`, `addrs` the
 * admitted IP entries (in message order; timestamps converted from s to ms),
 * for an `addrv2` also `overlay`, its admitted Tor v3, I2P and CJDNS entries
 * (the limit counts entries of every network alike, keeping the message's
 * first ones), and `dropped` how many were refused by the limit. A fully rate-limited message
 * still emits (with empty `addrs`) so that the drops can be seen; for totals,
 * pass a `limiter` and read its `dropped`, or sum `dropped` with `scan`.
 * Entries that are malformed (IP not 16 bytes, bad port, timestamp not a
 * number) are skipped without spending tokens. Other commands are ignored.
 *
 * Memory stays bounded: each peer's bucket is forgotten once it is full
 * again (a full bucket is the same as a fresh one), so a peer that stops
 * sending costs nothing after at most `maxBurst / ratePerSecond`, or at once
 * when `gone$` says it disconnected. One timer on `scheduler` serves every
 * peer's release, so the timers do not grow with the peers. On completion,
 * error or unsubscription, the timer is cancelled and the stream's buckets are
 * forgotten.
 *
 * Errors and completion of `messages$` pass through.
 *
 * @param messages$ - messages from all peers, each tagged with its sender.
 * @param options - see {@link PeerAddressesOptions}.
 * @returns a cold Observable; with the default limiter, each subscription has its own buckets.
 * @throws {@link InvalidDiscoveryOptionError} for a bad `maxBurst` or `ratePerSecond`, or either given with `limiter`.
 * @example
 * ```ts
 * peerAddresses(allPeerMessages$).subscribe(({ addrs, source, dropped }) => {
 *   book.add(addrs, source);
 *   if (dropped) log(`${source} sent ${dropped} addresses over its limit`);
 * });
 * ```
 */
export function peerAddresses(messages$: Observable<PeerMessage>, options: PeerAddressesOptions = {}): Observable<AddressAnnouncement> {
  const { limiter: given, maxBurst, ratePerSecond } = options;
  if (given !== undefined && (maxBurst !== undefined || ratePerSecond !== undefined)) {
    throw new InvalidDiscoveryOptionError(
      maxBurst !== undefined ? 'maxBurst' : 'ratePerSecond',
      maxBurst ?? ratePerSecond,
      'absent when a limiter is given (the limiter has its own)',
    );
  }
  // Construct one now only so that bad options throw at call time, not on subscription.
  if (given === undefined) new AddrRateLimiter({ maxBurst, ratePerSecond });
  const scheduler = options.scheduler ?? asyncScheduler;

  return new Observable<AddressAnnouncement>((subscriber) => {
    const limiter = given ?? new AddrRateLimiter({ maxBurst, ratePerSecond });
    // One timer for every peer's release (issue #16: a timer per peer outlived the peer by up to
    // maxBurst / ratePerSecond, 10,000 s with Core's numbers).
    const releases = new KeyedDeadlines<string>(scheduler, (key, now) =>
      // Not yet full (clock skew, or the limiter is shared after all): wait until it is.
      limiter.release(key, now) ? undefined : limiter.fullAt(key),
    );

    const source = messages$.subscribe({
      next: ({ peer, message }) => {
        if (message.command !== 'addr' && message.command !== 'addrv2') return;
        const entries = message.command === 'addr' ? addrEntries(message).map((ip) => ({ ip })) : addrV2Entries(message);
        if (entries.length === 0) return;
        const key = peer.toString();
        let granted = entries.length;
        if (options.unlimited?.(peer) !== true) {
          granted = limiter.admit(key, entries.length, scheduler.now());
          const at = limiter.fullAt(key);
          if (at === undefined) releases.delete(key);
          else releases.set(key, at);
        }
        // The limit keeps the first `granted` entries of the message, whatever their network.
        const kept = entries.slice(0, granted);
        const addrs = kept.flatMap((e) => ('ip' in e ? [e.ip] : []));
        const overlay = kept.flatMap((e) => ('overlay' in e ? [e.overlay] : []));
        const dropped = entries.length - granted;
        subscriber.next(
          message.command === 'addr'
            ? { addrs, source: peer, origin: 'peer', dropped }
            : { addrs, overlay, source: peer, origin: 'peer', dropped },
        );
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    // A peer that left needs no bucket: Core drops it with the peer. A reconnect starts full.
    const gone = options.gone$?.subscribe((peer) => {
      const key = peer.toString();
      limiter.forget(key);
      releases.delete(key);
    });

    return () => {
      source.unsubscribe();
      gone?.unsubscribe();
      for (const key of releases.keys()) limiter.forget(key);
      releases.clear();
    };
  });
}

/** The well-formed entries of an `addr` message, converted for the book. */
function addrEntries(message: PeerMessage['message']): AnnouncedAddress[] {
  const { addresses } = message;
  if (!Array.isArray(addresses)) return [];
  const out: AnnouncedAddress[] = [];
  for (const entry of addresses as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { ip, port, services, timestamp } = entry as Record<string, unknown>;
    if (!(ip instanceof Uint8Array) || typeof port !== 'number' || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) continue;
    let addr: SocketAddress;
    try {
      addr = SocketAddress.fromBytes16(ip, port);
    } catch (error) {
      if (error instanceof InvalidAddressError) continue;
      throw error;
    }
    out.push({ addr, timestamp: timestamp * 1000, ...(typeof services === 'bigint' && { services }) });
  }
  return out;
}

/** The well-formed entries of an `addrv2` message, converted for the book, in message order. */
function addrV2Entries(message: PeerMessage['message']): ({ readonly ip: AnnouncedAddress } | { readonly overlay: OverlayAnnouncement })[] {
  const { addresses } = message;
  if (!Array.isArray(addresses)) return [];
  return (addresses as unknown[]).flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { network, addr, port, services, timestamp } = entry as Record<string, unknown>;
    if (typeof network !== 'string' || !(addr instanceof Uint8Array) || typeof port !== 'number') return [];
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || typeof services !== 'bigint') return [];
    const converted = addrV2Announcement({ network, addr, port, services, timestamp } as AddrV2Address);
    return converted === undefined ? [] : [converted];
  });
}
