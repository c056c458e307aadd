import createDebug from 'debug';
import { Subject, Subscription, filter, map, type Observable } from 'rxjs';
import { AddressBook } from '../addr/AddressBook.js';
import { BanList } from '../ban/BanList.js';
import type { BanEvent } from '../ban/BanEvent.js';
import { Discouragement } from '../ban/Discouragement.js';
import {
  NO_PERMISSIONS,
  PERMISSION_FLAGS,
  parsePermissions,
  permissionsFor,
  type PermissionFlag,
  type PermissionTable,
} from '../ban/permissions.js';
import type { PeerMessage } from '../discovery/peerAddresses.js';
import { manualPeers, type ManualPeersPlan } from '../discovery/manualPeers.js';
import { ConnManager } from '../manager/ConnManager.js';
import type { ConnEvent } from '../model/events.js';
import { netGroupWith } from '../net/netGroup.js';
import { SocketAddress } from '../net/SocketAddress.js';
import { bitcoinProtocol } from '../protocol/bitcoin/bitcoinProtocol.js';
import { PROTOCOL_VERSION } from '../protocol/bitcoin/messages.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import { DEFAULT_GETADDR_THRESHOLD } from '../discovery/shouldAskForAddresses.js';
import { acceptPeers } from './acceptPeers.js';
import { addrFetch } from './addrFetch.js';
import { FEELER } from './connectionType.js';
import { discoverAddresses } from './discoverAddresses.js';
import { inboundVerdictEvent } from './inboundVerdictEvent.js';
import type { NodeConn } from './NodeConn.js';
import { resolveNodeOptions, type ResolvedNodeOptions } from './nodeDefaults.js';
import type { NodeEvent, NodeStats } from './NodeEvent.js';
import type { NodeOptions } from './NodeOptions.js';
import { nodeManagerConfig } from './nodeManagerConfig.js';
import { NetworkActivity } from './NetworkActivity.js';
import { NodePersistence } from './NodePersistence.js';
import { OutboundDialer } from './OutboundDialer.js';
import { outboundRotation } from './outboundRotation.js';
import type { PeerInfo } from './PeerInfo.js';
import { PeerSessions } from './PeerSessions.js';

/**
 * A Bitcoin P2P node: the composition root that wires the connection manager to the peers, the
 * address book and the ban list — btcd's `server`, as streams. Its parts:
 *
 * - `acceptPeers` (the accept edge) → the manager, whose reducer asks the `InboundGate`: refused
 *   (`refused`), admitted, or admitted in place of an evicted peer (`evicted`);
 * - `OutboundDialer`: the manager's `dial` (transport + handshake) and `getNewAddress` (anchors,
 *   then the book), and the feelers' addresses; the connection classes (full-relay,
 *   block-relay-only, feeler, addr-fetch) are the manager's budgets (`nodeManagerConfig`);
 * - `outboundRotation` and `addrFetch`: extra peers on `tipStale$` / `extraBlockRelayInterval`
 *   (the least useful evicted), and `seedNodes` asked for addresses;
 * - `PeerSessions`: handshakes, keep-alive, messages, misbehaviour charges (bans);
 * - `discoverAddresses` and `NodePersistence`: the book's sources and what is kept on disk.
 *
 * A peer that ends is seen by the manager itself (it watches `peer.closed$`): permanent requests
 * reconnect on their backoff, automatic ones are replaced (btcd's `peerDoneHandler`).
 *
 * The operator's surface (what `rx-connmgr/rpc`'s `bindNode` serves): `peers()` with Core's
 * getpeerinfo facts, `disconnectPeer(id)`, `addPeer`/`removePeer`/`tryPeer`/`addedPeers`,
 * `setNetworkActive`, `permissionsOf`, `banList` (and its clock), `discouragement`.
 *
 * @example
 * const node = createNode({ host: '127.0.0.2', seeds: ['127.0.0.3:18444'] });
 * const addr = await node.start();
 * node.events$.subscribe((e) => console.log(e.type));
 * await node.stop();
 */
export class BitcoinNode {
  /** The connection manager (addresses are `SocketAddress`, conns are peers). */
  readonly manager: ConnManager<SocketAddress, NodeConn>;
  /** Where outbound addresses come from. */
  readonly book: AddressBook;
  /** Banned hosts and misbehaviour scores. */
  readonly banList: BanList;
  /** Peers up and down, refusals, misbehaviour. Completes on `stop()`. */
  readonly events$: Observable<NodeEvent>;
  /** Only `peerUp` and `peerDown`. */
  readonly peers$: Observable<Extract<NodeEvent, { type: 'peerUp' | 'peerDown' }>>;
  /** The ban list's events. */
  readonly bans$: Observable<BanEvent>;
  /** Misbehaving hosts that were not banned: evicted first when inbound is full. */
  readonly discouragement: Discouragement;
  /** The `permissions` option, parsed. */
  readonly permissions: PermissionTable;

  readonly #options: ResolvedNodeOptions;
  readonly #events = new Subject<NodeEvent>();
  readonly #addrMessages = new Subject<PeerMessage>();
  /** Peers we sent `getaddr` to: PeerSessions → discovery's limiter (a back-channel, one-way). */
  readonly #solicited = new Subject<SocketAddress>();
  readonly #manual: ManualPeersPlan;
  readonly #sessions: PeerSessions;
  readonly #dialer: OutboundDialer;
  readonly #persistence: NodePersistence;
  readonly #subscriptions = new Subscription();
  readonly #log: createDebug.Debugger;
  readonly #listening: Promise<SocketAddress>;
  readonly #network = new NetworkActivity();
  /** `seedNodes`, parsed at construction (a bad one throws `InvalidAddressError` there). */
  readonly #seedNodes: readonly SocketAddress[];
  /** Manual peers set aside while networking is off; connected again when it is back on. */
  #paused: SocketAddress[] = [];
  #address: SocketAddress | undefined;
  #retries = 0;
  #initialFill = true;
  #refused = 0;
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(options: NodeOptions = {}) {
    const o = (this.#options = resolveNodeOptions(options));
    const protocol = bitcoinProtocol({ magic: NETWORKS[o.network].magic });
    const log = (this.#log = createDebug(`rx-connmgr:node:${o.name ?? o.host}`));
    // The node's own book runs on the node's clock (virtual in virtual-time runs) and its netgroups.
    const group = netGroupWith({ loopback: o.loopbackGrouping });
    const book = (this.book = o.addressBook ?? new AddressBook({ now: () => o.scheduler.now(), group }));
    const banList = (this.banList = o.bans instanceof BanList ? o.bans : new BanList(o.bans ?? {}));
    this.events$ = this.#events.asObservable();
    this.peers$ = this.events$.pipe(
      filter((e): e is Extract<NodeEvent, { type: 'peerUp' | 'peerDown' }> => e.type === 'peerUp' || e.type === 'peerDown'),
    );
    this.bans$ = banList.bans$;
    this.discouragement = o.discouragement instanceof Discouragement ? o.discouragement : new Discouragement(o.discouragement ?? {});
    const rules = o.permissions === undefined ? [] : typeof o.permissions === 'string' ? [o.permissions] : o.permissions;
    this.permissions = rules.length === 0 ? NO_PERMISSIONS : parsePermissions(rules);
    const permissions = (host: string) => this.permissionsOf(host);
    this.#seedNodes = (o.seedNodes ?? []).map((text) => SocketAddress.parse(text));
    const network = this.#network;
    // addnode → permanent peers on top of the target; connect → connect mode (only those).
    this.#manual = manualPeers({ ...(o.addPeers ? { addnode: o.addPeers } : {}), ...(o.connectPeers ? { connect: o.connectPeers } : {}) });
    const emit = (event: NodeEvent) => this.#events.next(event);
    const addrMessages = (m: PeerMessage) => this.#addrMessages.next(m);
    const [state, ownAddress] = [() => this.manager.state, () => this.#address];
    const solicited = (peer: SocketAddress) => this.#solicited.next(peer);
    const sessions = (this.#sessions = new PeerSessions({
      options: o,
      protocol,
      book,
      banList,
      discouragement: this.discouragement,
      permissions,
      emit,
      addrMessages,
      solicited,
      ownAddress,
      log,
    }));
    const manual = this.#manual.permanent;
    const dialer = (this.#dialer = new OutboundDialer({
      options: o,
      book,
      banList,
      sessions,
      emit,
      state,
      ownAddress,
      manualPeers: manual,
      network,
    }));
    this.#persistence = new NodePersistence({ options: o, book, banList, log });
    let onListening!: (address: SocketAddress) => void;
    this.#listening = new Promise((resolve) => (onListening = resolve));
    const accepts = acceptPeers({
      options: o,
      protocol,
      banList,
      sessions,
      permissions,
      networkActive: () => network.active,
      onListening: (a) => onListening((this.#address = a)),
    });
    this.manager = new ConnManager(nodeManagerConfig(o, this.#manual, dialer, accepts, network));
  }

  /** Our user agent, as sent in our `version`. */
  get userAgent(): string {
    return this.#options.userAgent;
  }

  /** Our service bits, as sent in our `version` (getnetworkinfo's `localservices`). */
  get localServices(): bigint {
    return this.#options.services;
  }

  /** The protocol version we announce. */
  get protocolVersion(): number {
    return PROTOCOL_VERSION;
  }

  /** Whether P2P networking is on (Core's `networkactive`). */
  get networkActive(): boolean {
    return this.#network.active;
  }

  /**
   * Turns P2P networking off or on (Core's `setnetworkactive`). Off: every peer is closed, inbound
   * conns are refused (`networkInactive`), nothing is dialed — manual peers are set aside and
   * automatic requests wait for an address. On: manual peers are connected again and automatic
   * ones fill the target. Done with the manager's public commands. Returns the new state.
   */
  setNetworkActive(active: boolean): boolean {
    if (!this.#network.set(active)) return active;
    const m = this.manager;
    this.#log('network %s', active ? 'on' : 'off');
    if (!this.#started || this.#stopped) return active;
    if (active) {
      const paused = this.#paused;
      this.#paused = [];
      for (const addr of paused) m.connect(addr, { permanent: true });
      const { automaticCount, refillsPending, config } = m.state;
      for (let i = automaticCount + refillsPending; i < config.targetOutbound; i++) m.newConnReq();
      return active;
    }
    const { requests, inbound } = m.state;
    for (const entry of requests.values()) {
      if (entry.permanent && entry.addr !== undefined) {
        this.#paused.push(entry.addr);
        m.remove(entry.id);
      } else if (!entry.automatic) m.remove(entry.id);
      // An established one is replaced by a request that waits for an address; a dial is canceled.
      else if (entry.stage !== 'address') m.disconnect(entry.id);
    }
    for (const entry of inbound.values()) entry.conn.peer.close();
    return active;
  }

  /** The permission flags of `host` (the `permissions` table, plus `noban` for the ban list's whitelist). Throws `InvalidHostError` for a non-IP. */
  permissionsOf(host: string): readonly PermissionFlag[] {
    const flags = permissionsFor(this.permissions, host);
    if (flags.includes('noban') || !this.banList.isWhitelisted(host)) return flags;
    return PERMISSION_FLAGS.filter((f) => f === 'noban' || flags.includes(f));
  }

  /** Closes the handshaken peer with this `PeerInfo.id` (Core's `disconnectnode`); `false` if there is none. */
  disconnectPeer(id: number): boolean {
    return this.#sessions.disconnect(id);
  }

  /**
   * `addnode add`: a permanent (manual) peer, reconnected forever on its backoff. `false` if it is
   * already added. Throws `InvalidAddressError` for a bad address.
   */
  addPeer(address: string | SocketAddress): boolean {
    const addr = typeof address === 'string' ? SocketAddress.parse(address) : address;
    if (this.#permanentRequest(addr) !== undefined || this.#paused.some((a) => a.toString() === addr.toString())) return false;
    if (this.#network.active) this.manager.connect(addr, { permanent: true });
    else this.#paused.push(addr);
    return true;
  }

  /** `addnode remove`: ends a manual peer for good. `false` if it was not added. Throws `InvalidAddressError`. */
  removePeer(address: string | SocketAddress): boolean {
    const addr = typeof address === 'string' ? SocketAddress.parse(address) : address;
    const paused = this.#paused.findIndex((a) => a.toString() === addr.toString());
    if (paused >= 0) {
      this.#paused.splice(paused, 1);
      return true;
    }
    const id = this.#permanentRequest(addr);
    if (id === undefined) return false;
    this.manager.remove(id);
    return true;
  }

  /** `addnode onetry`: one connection attempt, not retried (fails at once while networking is off). Throws `InvalidAddressError`. */
  tryPeer(address: string | SocketAddress): void {
    this.manager.connect(typeof address === 'string' ? SocketAddress.parse(address) : address);
  }

  /** The manual peers (`addPeers`, `connectPeers`, `addPeer`), connected or not, as `host:port`. */
  addedPeers(): string[] {
    const added: string[] = [];
    for (const entry of this.manager.state.requests.values())
      if (entry.permanent && entry.addr !== undefined) added.push(entry.addr.toString());
    return [...added, ...this.#paused.map((a) => a.toString())];
  }

  #permanentRequest(addr: SocketAddress): number | undefined {
    const key = addr.toString();
    for (const entry of this.manager.state.requests.values()) if (entry.permanent && entry.addrKey === key) return entry.id;
    return undefined;
  }

  /** The address the node listens on, once `start()` has resolved (undefined when not listening). */
  get address(): SocketAddress | undefined {
    return this.#address;
  }

  /** The peers that completed their handshake. */
  peers(): PeerInfo[] {
    return this.#sessions.peers();
  }

  /** Counters for display. */
  stats(): NodeStats {
    const peers = this.peers();
    const outbound = peers.filter((p) => p.direction === 'outbound').length;
    return {
      outbound,
      inbound: peers.length - outbound,
      pending: this.manager.state.requests.size - outbound,
      retries: this.#retries,
      bans: this.banList.entries().length,
      refused: this.#refused,
    };
  }

  /**
   * Starts listening and connecting. Resolves with the listening address (undefined when
   * `listen: false`); rejects with the listener's typed error (e.g. `AddressInUseError`), after
   * stopping the node.
   */
  async start(): Promise<SocketAddress | undefined> {
    if (this.#started) throw new Error('node already started');
    this.#started = true;
    const m = this.manager;
    this.#dialer.anchors = await this.#persistence.load();
    const o = this.#options;
    // Feelers are manager requests of class 'feeler' (one at a time: the reducer's budget).
    if (!this.#manual.connectMode)
      this.#subscriptions.add(this.#dialer.feelers().subscribe((addr) => m.connect(addr, { connClass: FEELER })));
    this.#subscriptions.add(
      discoverAddresses({
        options: o,
        book: this.book,
        addrMessages: this.#addrMessages,
        solicited: this.#solicited,
        peersGone: this.peers$.pipe(
          filter((e) => e.type === 'peerDown'),
          map((e) => e.peer.remote),
        ),
        unlimited: (peer) => this.permissionsOf(peer.host).includes('addr'),
      }).subscribe((e) => {
        if (e.type === 'dnsSeedFailed') this.#log('DNS seed %s failed: %O', e.host, e.error);
        this.#events.next(e);
      }),
    );
    this.#subscriptions.add(m.connected$.subscribe((e) => this.#sessions.runOutbound(e.conn, e.req.id, e.addr, e.req.permanent)));
    // Connection classes (issue #14): an extra outbound peer on tipStale$ / every
    // extraBlockRelayInterval, then the least useful one of its type evicted.
    this.#subscriptions.add(
      outboundRotation({
        options: o,
        peerUp$: this.peers$.pipe(
          filter((e) => e.type === 'peerUp'),
          map((e) => e.peer),
        ),
        peers: () => this.peers(),
        newConnReq: (options) => m.newConnReq(options),
        disconnect: (id) => this.#sessions.disconnect(id),
        connectMode: this.#manual.connectMode,
      }).subscribe(),
    );
    this.#subscriptions.add(m.accepted$.subscribe((e) => this.#sessions.runInbound(e.conn, e.inboundId)));
    this.#subscriptions.add(m.events$.subscribe((e) => this.#onManagerEvent(e)));
    const listening = new Promise<SocketAddress | undefined>((resolve, reject) => {
      if (!o.listen) return resolve(undefined);
      this.#subscriptions.add(
        m.events$.subscribe((e) => e.type === 'listenerError' && reject(e.error instanceof Error ? e.error : new Error(String(e.error)))),
      );
      void this.#listening.then(resolve);
    });
    m.start();
    // Seed nodes as addr-fetch peers while the book is nearly empty (Core's -seednode; issue #14).
    this.#subscriptions.add(
      addrFetch({
        seedNodes: this.#seedNodes,
        bookSize: () => this.book.size,
        threshold: DEFAULT_GETADDR_THRESHOLD,
        connect: (addr, options) => m.connect(addr, options),
        events$: m.events$,
      }).subscribe(),
    );
    for (const addr of this.#manual.permanent) {
      if (this.#network.active) m.connect(addr, { permanent: true });
      else this.#paused.push(addr);
    }
    try {
      const address = await listening;
      this.#log('started on %s', address ?? '(not listening)');
      return address;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops everything: the manager closes every conn, each peer ends, subscriptions are released. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const anchors = this.#dialer.anchorCandidates(this.peers());
      this.manager.stop();
      if (this.#started) await this.#persistence.saveAnchors(anchors);
      await this.manager.wait();
      this.#subscriptions.unsubscribe();
      this.#sessions.stop();
      await this.#persistence.close();
      this.#addrMessages.complete();
      this.#solicited.complete();
      this.banList.close();
      this.#network.close();
      this.#events.complete();
      this.#log('stopped');
    })();
    return this.#stopped;
  }

  /** Refusals and evictions as node events; retries counted. */
  #onManagerEvent(e: ConnEvent<SocketAddress, NodeConn>): void {
    const verdict = inboundVerdictEvent(e);
    if (verdict) {
      if (verdict.type === 'refused') this.#refused++;
      this.#log('%s %o', verdict.type, verdict);
      this.#events.next(verdict);
    } else if (e.type === 'retryScheduled') this.#retries++;
    else if (e.type === 'refillScheduled') {
      // Replacements of lost automatic peers; the first refill, at start, only fills the target.
      if (!this.#initialFill) this.#retries += e.count;
      this.#initialFill = false;
    }
  }
}

/** The former name of {@link BitcoinNode}. */
export const Node = BitcoinNode;
/** The former name of {@link BitcoinNode}. */
export type Node = BitcoinNode;

/** Creates a node (see {@link BitcoinNode}). */
export function createNode(options: NodeOptions = {}): BitcoinNode {
  return new BitcoinNode(options);
}
