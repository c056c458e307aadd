import { EMPTY, map, merge, type Observable } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import { dnsSeeds } from '../discovery/dnsSeeds.js';
import { isDnsSeedFailure } from '../discovery/DnsSeedFailure.js';
import { peerAddresses, type PeerMessage } from '../discovery/peerAddresses.js';
import { staticSeeds } from '../discovery/staticSeeds.js';
import { netGroupWith } from '../net/netGroup.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import type { NodeEvent } from './NodeEvent.js';
import { limitAddrSources } from './limitAddrSources.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';

/** What {@link discoverAddresses} works with. */
export interface DiscoverAddressesDeps {
  readonly options: ResolvedNodeOptions;
  readonly book: AddressBook;
  /** The `addr` messages of handshaken peers. */
  readonly addrMessages: Observable<PeerMessage>;
  /** The address of every handshaken peer that has gone: its addr bucket is forgotten at once (issue #16). */
  readonly peersGone: Observable<SocketAddress>;
  /** Peers whose `addr` messages skip the rate limit (the `addr` permission). */
  readonly unlimited: (peer: SocketAddress) => boolean;
  /** The peers we sent `getaddr` to, when we sent it: their answer gets a full allowance. */
  readonly solicited: Observable<SocketAddress>;
}

/**
 * The ways to find peers, as one stream into the book: hard-coded seeds (only into an empty
 * book), DNS seeds and `addr`/`addrv2` messages from peers — rate-limited per peer, then per
 * source network group (`limitAddrSources`, keyed by the node's `loopbackGrouping`, so a reconnect does not
 * refill the allowance; only a `getaddr` we sent does), but for peers with the `addr` permission. (The book on disk and
 * addnode/connect are the other two: the persistence and the manager's permanent requests.)
 * Emits what was learned, or a DNS seed's failure, as node events.
 */
export function discoverAddresses(
  deps: DiscoverAddressesDeps,
): Observable<Extract<NodeEvent, { type: 'addressesLearned' | 'dnsSeedFailed' }>> {
  const { options, book } = deps;
  const dns = options.dnsSeeds ?? [];
  return merge(
    staticSeeds(options.seeds ?? [], { when: () => book.size === 0 }),
    dns.length > 0
      ? dnsSeeds(dns, {
          defaultPort: NETWORKS[options.network].defaultPort,
          scheduler: options.scheduler,
          ...(options.dnsServers ? { servers: options.dnsServers } : {}),
        })
      : EMPTY,
    limitAddrSources(
      peerAddresses(deps.addrMessages, { scheduler: options.scheduler, gone$: deps.peersGone, unlimited: deps.unlimited }),
      deps.solicited,
      { group: netGroupWith({ loopback: options.loopbackGrouping }), scheduler: options.scheduler, unlimited: deps.unlimited },
    ),
  ).pipe(
    map((found) => {
      if (isDnsSeedFailure(found)) return { type: 'dnsSeedFailed', host: found.host, error: found.error } as const;
      const added =
        (found.addrs.length > 0 ? book.add(found.addrs, found.source) : 0) +
        (found.overlay && found.overlay.length > 0 ? book.addOverlay(found.overlay, found.source) : 0);
      return {
        type: 'addressesLearned',
        origin: found.origin,
        source: found.source.toString(),
        announced: found.addrs.length,
        added,
      } as const;
    }),
  );
}
