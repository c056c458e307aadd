import { EMPTY, map, merge, type Observable } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import { dnsSeeds } from '../discovery/dnsSeeds.js';
import { isDnsSeedFailure } from '../discovery/DnsSeedFailure.js';
import { peerAddresses, type PeerMessage } from '../discovery/peerAddresses.js';
import { staticSeeds } from '../discovery/staticSeeds.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import type { NodeEvent } from './NodeEvent.js';
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
}

/**
 * The ways to find peers, as one stream into the book: hard-coded seeds (only into an empty
 * book), DNS seeds and `addr` messages from peers (rate-limited per peer, but for peers with the
 * `addr` permission). (The book on disk and
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
    peerAddresses(deps.addrMessages, { scheduler: options.scheduler, gone$: deps.peersGone, unlimited: deps.unlimited }),
  ).pipe(
    map((found) => {
      if (isDnsSeedFailure(found)) return { type: 'dnsSeedFailed', host: found.host, error: found.error } as const;
      const added = found.addrs.length > 0 ? book.add(found.addrs, found.source) : 0;
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
