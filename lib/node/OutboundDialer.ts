import { EMPTY, catchError, ignoreElements, map, mergeMap, switchMap, tap, throwError, timer, type Observable } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import { selectOutboundAddress } from '../addr/selectOutboundAddress.js';
import type { BanList } from '../ban/BanList.js';
import { netGroupWith } from '../net/netGroup.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { dialWithV1Fallback } from '../protocol/bip324/dialWithV1Fallback.js';
import { NODE_P2P_V2 } from '../protocol/bip324/services.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import { BannedPeerError } from './BannedPeerError.js';
import type { ManagerView, NodeManagerState } from './ManagerView.js';
import type { NetworkActivity } from './NetworkActivity.js';
import { NetworkInactiveError } from './NetworkInactiveError.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { PeerInfo } from './PeerInfo.js';
import type { PeerSessions } from './PeerSessions.js';

/** Core keeps two anchors. */
export const MAX_ANCHORS = 2;

/** What an {@link OutboundDialer} works with. */
export interface OutboundDialerDeps {
  readonly options: ResolvedNodeOptions;
  readonly book: AddressBook;
  readonly banList: BanList;
  readonly sessions: PeerSessions;
  /** The node's read model of its manager: which addresses are in use, which requests are automatic. */
  readonly view: Pick<ManagerView, 'inUse' | 'automaticIds'>;
  /** Whether `addr` is a manual peer (addnode/connect): its misbehaviour is only reported. */
  readonly isManual: (addr: SocketAddress) => boolean;
  /** Our listening address, never to be dialed. */
  readonly ownAddress: () => SocketAddress | undefined;
  readonly emit: (event: NodeEvent) => void;
  /** Networking on or off: nothing is dialed while it is off. */
  readonly network: NetworkActivity;
  /** The manual peers (`addPeers`/`connectPeers`), dialed v2 first with `v2ManualPeers`. @default none */
  readonly manualPeers?: readonly SocketAddress[];
}

/**
 * The outbound side: the dial (transport, then handshake; banned hosts never dialed), the choice
 * of the next address (anchors first, then the book, one per network group), feelers, and the
 * anchors to keep on stop.
 */
export class OutboundDialer {
  readonly #deps: OutboundDialerDeps;
  /** Anchors read at start: tried first by automatic requests (Core's anchors). */
  #anchors: SocketAddress[] = [];

  constructor(deps: OutboundDialerDeps) {
    this.#deps = deps;
  }

  /** The anchors loaded at start (at most {@link MAX_ANCHORS} are used). */
  set anchors(anchors: readonly SocketAddress[]) {
    this.#anchors = anchors.slice(0, MAX_ANCHORS);
  }

  /**
   * Connect, then the version handshake: the conn reaches the manager only as a handshaken peer.
   * A peer that should speak v2 (see {@link OutboundDialer.wantsV2}) gets BIP324's handshake
   * first, and one v1 redial within this same attempt if it answers in v1 or hangs up.
   */
  dial(addr: SocketAddress): Observable<NodeConn> {
    const { options, banList, sessions, emit } = this.#deps;
    // A banned host is never dialed, not even as a permanent peer: the attempt fails before any
    // packet and the request waits on its backoff, until the ban ends.
    if (banList.isBanned(addr.host)) return throwError(() => new BannedPeerError(addr));
    if (!this.#deps.network.active) return throwError(() => new NetworkInactiveError(addr));
    const manual = this.#deps.isManual(addr);
    const connect = () =>
      options.transport.dial(addr, { timeout: options.dialTimeout, scheduler: options.scheduler, localAddress: options.host });
    if (!this.wantsV2(addr)) return connect().pipe(switchMap((socket) => sessions.shakeOutbound(addr, socket, manual)));
    const magic = NETWORKS[options.network].magic;
    return dialWithV1Fallback(connect, { magic, scheduler: options.scheduler, timeout: options.handshakeTimeout }).pipe(
      // A v2 peer that broke the transport (bad packet, no terminator) is charged like a bad frame.
      tap({ error: (error: unknown) => sessions.charge(addr, error, manual) }),
      switchMap((conn) => {
        if (conn.fellBack) emit({ type: 'v2Fallback', remote: addr.toString(), reason: conn.reason });
        return sessions.shakeOutbound(addr, conn.socket, manual, conn.protocol);
      }),
    );
  }

  /**
   * Whether to dial `addr` v2 first: with `v2Transport` on, when its book entry advertises
   * `NODE_P2P_V2` (a peer that does not is dialed v1 directly, as Core does), or when it is a
   * manual peer and `v2ManualPeers` is set.
   */
  wantsV2(addr: SocketAddress): boolean {
    const { options, book } = this.#deps;
    if (!options.v2Transport) return false;
    if (((book.get(addr)?.services ?? 0n) & NODE_P2P_V2) !== 0n) return true;
    const text = addr.toString();
    return options.v2ManualPeers && (this.#deps.manualPeers ?? []).some((m) => m.toString() === text);
  }

  /**
   * The address of the next automatic request (the manager's `getNewAddress`), chosen against
   * `state`, the manager's state as it asks: the addresses and groups its requests hold.
   */
  chooseAddress(state: NodeManagerState): SocketAddress {
    const { book, options } = this.#deps;
    // The node's grouping (loopback as /16s when asked), as the book and the addr limiter use.
    const group = netGroupWith({ loopback: options.loopbackGrouping });
    const groupsInUse = new Set<string>();
    for (const entry of state.requests.values()) if (entry.addr) groupsInUse.add(group(entry.addr));
    const unavailable = (a: SocketAddress) => this.#unavailable(a, state.addresses.has(a.toString()));
    // Anchors first: the outbound peers we had when we last stopped, so a restart cannot be
    // steered into a fresh set of attacker-chosen peers (Core's anchors).
    while (this.#anchors.length > 0) {
      const anchor = this.#anchors.shift()!;
      if (!unavailable(anchor) && !groupsInUse.has(group(anchor))) {
        book.attempt(anchor);
        return anchor;
      }
    }
    const addr = selectOutboundAddress({
      pick: () => book.select(),
      now: options.scheduler.now(),
      groupsInUse,
      isUnavailable: unavailable,
      group,
      defaultPort: NETWORKS[options.network].defaultPort,
    });
    book.attempt(addr);
    return addr;
  }

  /** A feeler every `feelerInterval` ms (none for `Infinity` or 0). */
  feelers(): Observable<never> {
    const every = this.#deps.options.feelerInterval;
    if (!Number.isFinite(every) || every <= 0) return EMPTY;
    return timer(every, every, this.#deps.options.scheduler).pipe(mergeMap(() => this.feeler()));
  }

  /**
   * A feeler (Core): briefly connect to an address from the *new* table; if it completes the
   * handshake it is promoted to *tried*, then the conn is closed. Tests addresses before we need
   * them, without taking an outbound slot.
   */
  feeler(): Observable<never> {
    const { book, emit } = this.#deps;
    if (!this.#deps.network.active) return EMPTY;
    const info = book.select({ newOnly: true });
    if (!info) return EMPTY;
    const addr = info.addr;
    if (this.#unavailable(addr, this.#deps.view.inUse(addr))) return EMPTY;
    book.attempt(addr);
    return this.dial(addr).pipe(
      map((conn) => {
        book.good(addr);
        conn.peer.close();
        emit({ type: 'feeler', addr: addr.toString(), ok: true });
      }),
      catchError(() => {
        emit({ type: 'feeler', addr: addr.toString(), ok: false });
        return EMPTY;
      }),
      ignoreElements(),
    );
  }

  /** Up to two automatic outbound peers, the longest connected first: the anchors to keep. */
  anchorCandidates(peers: readonly PeerInfo[]): SocketAddress[] {
    const automatic = new Set<string>();
    for (const id of this.#deps.view.automaticIds()) automatic.add(`out#${id}`);
    return peers
      .filter((p) => automatic.has(p.key))
      .sort((a, b) => a.since - b.since)
      .slice(0, MAX_ANCHORS)
      .map((p) => p.remote);
  }

  /** Ours, in use (`inUse`: a live request holds it) or banned: not to be dialed. */
  #unavailable(addr: SocketAddress, inUse: boolean): boolean {
    return inUse || addr.toString() === this.#deps.ownAddress()?.toString() || this.#deps.banList.isBanned(addr.host);
  }
}
