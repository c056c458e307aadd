import type createDebug from 'debug';
import { Subscription, filter, map, type Observable } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BanList } from '../ban/BanList.js';
import type { PeerMessage } from '../discovery/peerAddresses.js';
import type { ConnManager } from '../manager/ConnManager.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { FEELER } from './connectionType.js';
import { discoverAddresses } from './discoverAddresses.js';
import { outboundRotation } from './outboundRotation.js';
import type { ManagerView } from './ManagerView.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeCounters } from './NodeCounters.js';
import type { NodeEvent } from './NodeEvent.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { OutboundDialer } from './OutboundDialer.js';
import type { PeerSessions } from './PeerSessions.js';

/** What {@link wireNode} connects. */
export interface NodeWiring {
  readonly options: ResolvedNodeOptions;
  readonly manager: ConnManager<SocketAddress, NodeConn>;
  readonly book: AddressBook;
  readonly banList: BanList;
  readonly sessions: PeerSessions;
  readonly dialer: OutboundDialer;
  readonly counters: NodeCounters;
  /** The node's read model of the manager (its live config among it). */
  readonly view: ManagerView;
  /** The node's own events (`peerUp`/`peerDown` among them), for discovery's limiter. */
  readonly events$: Observable<NodeEvent>;
  readonly addrMessages: Observable<PeerMessage>;
  readonly solicited: Observable<SocketAddress>;
  /** Where the parts' node events go. */
  readonly events: { next(event: NodeEvent): void };
  /** No feelers (connect mode). */
  readonly connectMode: boolean;
  /** Whether a host may send addresses without limit (the `addr` permission). */
  readonly unlimited: (peer: SocketAddress) => boolean;
  readonly log: createDebug.Debugger;
}

/**
 * The flows of a started node, as one subscription (released by `stop()`): the manager's
 * connected and accepted conns run as peer sessions; its events are counted, and its inbound
 * verdicts become node events; discovery fills the book; feelers test its new table; extra
 * peers rotate the least useful out (`tipStale$`, `extraBlockRelayInterval`); a ban
 * imposed while a peer of that host (or subnet) is connected closes it (Core's `setban`). Each flow
 * goes one way — the manager's streams into the node's parts, the parts' events out.
 */
export function wireNode(w: NodeWiring): Subscription {
  const { manager: m, sessions } = w;
  const flows = new Subscription();
  // Feelers are manager requests of class 'feeler' (one at a time: the reducer's budget).
  if (!w.connectMode) flows.add(w.dialer.feelers().subscribe((addr) => m.connect(addr, { connClass: FEELER })));
  const discovery = discoverAddresses({
    options: w.options,
    book: w.book,
    addrMessages: w.addrMessages,
    solicited: w.solicited,
    peersGone: w.events$.pipe(
      filter((e) => e.type === 'peerDown'),
      map((e) => e.peer.remote),
    ),
    unlimited: w.unlimited,
  });
  flows.add(
    discovery.subscribe((e) => {
      if (e.type === 'dnsSeedFailed') w.log('DNS seed %s failed: %O', e.host, e.error);
      w.events.next(e);
    }),
  );
  flows.add(m.connected$.subscribe((e) => sessions.runOutbound(e.conn, e.req.id, e.addr, e.req.permanent)));
  // Connection classes: an extra outbound peer on tipStale$ / every extraBlockRelayInterval,
  // then the least useful one of its type evicted.
  flows.add(
    outboundRotation({
      options: w.options,
      peerUp$: w.events$.pipe(
        filter((e) => e.type === 'peerUp'),
        map((e) => e.peer),
      ),
      peers: () => sessions.peers(),
      newConnReq: (options) => m.newConnReq(options),
      disconnect: (id) => sessions.disconnect(id),
      connectMode: w.connectMode,
      targetOutbound: () => w.view.latest.config.targetOutbound,
    }).subscribe(),
  );
  flows.add(m.accepted$.subscribe((e) => sessions.runInbound(e.conn, e.inboundId)));
  flows.add(
    m.events$.subscribe((e) => {
      const verdict = w.counters.record(e);
      if (!verdict) return;
      w.log('%s %o', verdict.type, verdict);
      w.events.next(verdict);
    }),
  );
  flows.add(
    w.banList.bans$.pipe(filter((e) => e.type === 'banned')).subscribe(() => {
      // A subnet ban matches many hosts: every live peer is checked against the list as it is now.
      for (const peer of sessions.peers()) {
        if (!w.banList.isBanned(peer.remote.host)) continue;
        w.log('closing %s: banned', peer.remote);
        sessions.disconnect(peer.id);
      }
    }),
  );
  return flows;
}
