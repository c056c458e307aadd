import { Observable, type SchedulerLike } from 'rxjs';
import type { AddressAnnouncement } from '../discovery/AddressAnnouncement.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { addrSourceLimiter, type AddrSourceLimiterOptions } from '../policy/addrSourceLimiter.js';

/** Options of {@link limitAddrSources}. */
export interface LimitAddrSourcesOptions {
  /** The network group of a peer: the limiter's key (the node's, so loopback can count as /16s). */
  readonly group: (addr: SocketAddress) => string;
  /** The limiter's clock. */
  readonly scheduler: SchedulerLike;
  /** The limiter's numbers. @default Core's: burst 1,000, 0.1/s, a new group starts at 1 token */
  readonly limiter?: AddrSourceLimiterOptions;
  /** Peers that skip the limit (the `addr` permission): their announcements pass whole and spend nothing. @default none */
  readonly unlimited?: (peer: SocketAddress) => boolean;
}

/**
 * Gossiped addresses under one token bucket per *source network group* (`AddrSourceLimiter`),
 * so that reconnecting does not refill an allowance: ten connections from one IP share what one
 * gets (issue #14). A group starts at 1 token and gains 0.1 a second, so unsolicited `addr` is a
 * trickle; each address in `solicited$` (we sent it `getaddr`) grants its group a full burst, so
 * the answer is taken whole. Only announcements with `origin: 'peer'` are limited, the others
 * pass as they are; of a limited one the first addresses are kept (IP ones, then overlay ones)
 * and `dropped` grows by what was cut. The limiter is a value kept by the subscription: nothing
 * is scheduled, and it is gone with the subscription.
 *
 * @param announcements$ - e.g. `peerAddresses(...)` merged with the seeds.
 * @param solicited$ - the peers we sent `getaddr` to, at the time we sent it.
 * @param options - see {@link LimitAddrSourcesOptions}.
 * @returns the announcements, peers' ones cut to their group's allowance.
 * @throws `PolicyArgumentError` (from the limiter) at call time for bad `limiter` options.
 */
export function limitAddrSources(
  announcements$: Observable<AddressAnnouncement>,
  solicited$: Observable<SocketAddress>,
  options: LimitAddrSourcesOptions,
): Observable<AddressAnnouncement> {
  const { group, scheduler } = options;
  const empty = addrSourceLimiter(options.limiter);
  return new Observable<AddressAnnouncement>((subscriber) => {
    let limiter = empty;
    const asked = solicited$.subscribe((peer) => {
      limiter = limiter.solicit(group(peer), scheduler.now());
    });
    const source = announcements$.subscribe({
      next: (found) => {
        if (found.origin !== 'peer' || options.unlimited?.(found.source)) return subscriber.next(found);
        const overlay = found.overlay ?? [];
        const count = found.addrs.length + overlay.length;
        if (count === 0) return subscriber.next(found);
        const { accepted, dropped, next } = limiter.take(group(found.source), count, scheduler.now());
        limiter = next;
        const addrs = found.addrs.slice(0, accepted);
        const cut = { ...found, addrs, dropped: (found.dropped ?? 0) + dropped };
        subscriber.next(found.overlay ? { ...cut, overlay: overlay.slice(0, Math.max(0, accepted - addrs.length)) } : cut);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      asked.unsubscribe();
      source.unsubscribe();
    };
  });
}
