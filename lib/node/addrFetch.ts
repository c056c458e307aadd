import { EMPTY, Observable } from 'rxjs';
import type { ConnReqOptions, ConnReq } from '../model/ConnReq.js';
import type { ConnEvent } from '../model/events.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { ADDR_FETCH } from './connectionType.js';
import type { NodeConn } from './NodeConn.js';
import { MAX_ADDR_FETCH } from './nodeManagerConfig.js';

/** What {@link addrFetch} works with. */
export interface AddrFetchDeps {
  /** The seed nodes to ask, in order (Core's `-seednode`). */
  readonly seedNodes: readonly SocketAddress[];
  /** Addresses in the book now. */
  readonly bookSize: () => number;
  /** Below this many addresses the book needs filling. */
  readonly threshold: number;
  /** The manager's `connect`. */
  readonly connect: (addr: SocketAddress, options: ConnReqOptions) => ConnReq<SocketAddress>;
  /** The manager's events: when an addr-fetch request ends, the next seed node may go. */
  readonly events$: Observable<ConnEvent<SocketAddress, NodeConn>>;
}

/**
 * Core's addr-fetch connections to seed nodes: while the book holds fewer than `threshold`
 * addresses, the seed nodes are connected one after another as requests of class `addr-fetch`
 * ({@link MAX_ADDR_FETCH} at a time: the manager's budget). The session asks each for addresses
 * and closes it once it answered (or after `ADDR_FETCH_TIMEOUT`); then the next one goes, until the
 * book is full enough or every seed node was asked once. Nothing when the book is full enough at start.
 */
export function addrFetch(deps: AddrFetchDeps): Observable<never> {
  if (deps.seedNodes.length === 0) return EMPTY;
  return new Observable<never>(() => {
    const queue = [...deps.seedNodes];
    const live = new Set<number>();
    const launch = () => {
      while (live.size < MAX_ADDR_FETCH && queue.length > 0 && deps.bookSize() < deps.threshold) {
        live.add(deps.connect(queue.shift()!, { connClass: ADDR_FETCH }).id);
      }
    };
    const events = deps.events$.subscribe((e) => {
      const ended = e.type === 'canceled' || e.type === 'disconnected' || (e.type === 'failed' && !e.willRetry);
      if (ended && live.delete(e.req.id)) launch();
    });
    launch();
    return () => events.unsubscribe();
  });
}
