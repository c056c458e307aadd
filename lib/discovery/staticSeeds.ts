/**
 * The hard-coded seeds, as a discovery source.
 *
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { AddressAnnouncement } from './AddressAnnouncement.js';
import { dialableAddress } from './dialableAddress.js';
import { InvalidSeedError } from './errors.js';
import { isList } from '../shared/isList.js';

/**
 * Options of {@link staticSeeds}.
 *
 * @example
 * ```ts
 * const options: StaticSeedsOptions = { when: () => book.size === 0 };
 * ```
 */
export interface StaticSeedsOptions {
  /**
   * Asked once per subscription, at subscription time: the seeds are
   * announced only if it returns true. The node passes "the address book is
   * empty", so that a node with a saved book does not lean on the same few
   * hard-coded addresses again. Default: always.
   */
  readonly when?: () => boolean;
}

/**
 * Announces hard-coded seed addresses once, then completes.
 *
 * On subscription, if `when()` is true, it emits **one announcement per
 * seed**, synchronously and in list order, each with the seed itself as
 * `source` and `origin: 'static'`, then completes; if `when()` is false it
 * completes at once without emitting. One announcement per seed (rather than
 * one for all) keeps `source` meaningful: the book groups addresses by
 * source, and no seed vouches for another. Announcements carry no timestamp,
 * so the book stamps them with its clock.
 *
 * The list is parsed when `staticSeeds` is called, so a bad entry fails at
 * start-up, not on subscription. Duplicates are announced once.
 *
 * @param list - `ip:port` or `[ipv6]:port` entries (host names are not accepted: use {@link dnsSeeds}).
 * @param options - see {@link StaticSeedsOptions}.
 * @returns a cold Observable; each subscription asks `when()` again.
 * @throws {@link InvalidSeedError} naming the first entry that is not an IP literal with a non-zero port.
 * @example
 * ```ts
 * staticSeeds(['203.0.113.1:8333', '[2001:db8::5]:8333'], { when: () => book.size === 0 })
 *   .subscribe(({ addrs, source }) => book.add(addrs, source));
 * ```
 */
export function staticSeeds(list: readonly string[], options: StaticSeedsOptions = {}): Observable<AddressAnnouncement> {
  const when = options.when ?? (() => true);
  const seeds = uniqueSeeds(list);
  return new Observable<AddressAnnouncement>((subscriber) => {
    if (when()) {
      for (const seed of seeds) {
        if (subscriber.closed) return;
        subscriber.next({ addrs: [{ addr: seed }], source: seed, origin: 'static' });
      }
    }
    subscriber.complete();
  });
}

function uniqueSeeds(list: readonly string[]): SocketAddress[] {
  if (!isList(list)) throw new InvalidSeedError('static', list, 'the seed list is not an array');
  const seen = new Map<string, SocketAddress>();
  for (const entry of list) {
    let addr: SocketAddress;
    try {
      addr = dialableAddress(entry);
    } catch (error) {
      if (error instanceof InvalidAddressError) throw new InvalidSeedError('static', entry, error.reason, { cause: error });
      throw error;
    }
    if (!seen.has(addr.toString())) seen.set(addr.toString(), addr);
  }
  return [...seen.values()];
}
