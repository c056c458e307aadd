import { Subscription, filter, type Observable } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BanEvent } from '../ban/BanEvent.js';
import type { BanList } from '../ban/BanList.js';
import type { Discouragement } from '../ban/Discouragement.js';
import type { PermissionFlag, PermissionTable } from '../ban/permissions.js';
import type { ConnManager } from '../manager/ConnManager.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { PROTOCOL_VERSION } from '../protocol/bitcoin/messages.js';
import { composeNode, type NodeParts } from './composeNode.js';
import { hostPermissions } from './hostPermissions.js';
import { toAddress } from './ManualPeerControl.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent, NodeStats } from './NodeEvent.js';
import type { NodeOptions } from './NodeOptions.js';
import type { NodeLiveConfig } from './NodeControl.js';
import type { PeerInfo } from './PeerInfo.js';
import { DEFAULT_GETADDR_THRESHOLD } from '../discovery/shouldAskForAddresses.js';
import { addrFetch } from './addrFetch.js';
import { wireNode } from './wireNode.js';

type PeerChange = Extract<NodeEvent, { type: 'peerUp' | 'peerDown' }>;

/**
 * A Bitcoin P2P node: the composition root that runs the connection manager with the peers, the
 * address book and the ban list — btcd's `server`, as streams. `composeNode` makes the parts
 * (the accept edge, whose conns the `InboundGate` judges in the manager's reducer; the
 * `OutboundDialer`; the `PeerSessions`; discovery and persistence; the `ManagerView` that reads
 * the manager's `state$`), `wireNode` runs their flows once started; the README's node layout
 * shows who imports whom. The operator's surface (what `rx-connmgr/rpc`'s `bindNode` serves)
 * delegates to `NodeControl` and `ManualPeerControl`, the place for more runtime commands.
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
  readonly peers$: Observable<PeerChange>;
  /** The ban list's events. */
  readonly bans$: Observable<BanEvent>;
  /** Misbehaving hosts that were not banned: evicted first when inbound is full. */
  readonly discouragement: Discouragement;
  /** The `permissions` option, parsed. */
  readonly permissions: PermissionTable;

  readonly #parts: NodeParts;
  readonly #subscriptions = new Subscription();
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(options: NodeOptions = {}) {
    const p = (this.#parts = composeNode(options, () => this.#started && !this.#stopped));
    this.manager = p.manager;
    this.book = p.book;
    this.banList = p.banList;
    this.discouragement = p.discouragement;
    this.permissions = p.permissions;
    this.events$ = p.events.asObservable();
    this.peers$ = this.events$.pipe(filter((e): e is PeerChange => e.type === 'peerUp' || e.type === 'peerDown'));
    this.bans$ = p.banList.bans$;
  }

  /** Our user agent, as sent in our `version`. */
  get userAgent(): string {
    return this.#parts.options.userAgent;
  }

  /** Our service bits, as sent in our `version` (getnetworkinfo's `localservices`). */
  get localServices(): bigint {
    return this.#parts.options.services;
  }

  /** The protocol version we announce. */
  get protocolVersion(): number {
    return PROTOCOL_VERSION;
  }

  /** Whether P2P networking is on (Core's `networkactive`). */
  get networkActive(): boolean {
    return this.#parts.network.active;
  }

  /** The address the node listens on, once `start()` has resolved (undefined when not listening). */
  get address(): SocketAddress | undefined {
    return this.#parts.listen.address;
  }

  /** Core's `setnetworkactive`: off closes every peer and dials nothing, on brings them back (see `NodeControl`). Returns the new state. */
  setNetworkActive(active: boolean): boolean {
    return this.#parts.control.setNetworkActive(active);
  }

  /** The permission flags of `host` (the `permissions` table, plus `noban` for the ban list's whitelist). Throws `InvalidHostError` for a non-IP. */
  permissionsOf(host: string): readonly PermissionFlag[] {
    return hostPermissions(this.permissions, this.banList, host);
  }

  /** Closes the handshaken peer with this `PeerInfo.id` (Core's `disconnectnode`); `false` if there is none. */
  disconnectPeer(id: number): boolean {
    return this.#parts.control.disconnectPeer(id);
  }

  /** `addnode add`: a permanent (manual) peer, reconnected forever on its backoff. `false` if already added. Throws `InvalidAddressError`. */
  addPeer(address: string | SocketAddress): boolean {
    return this.#parts.manual.add(toAddress(address));
  }

  /** `addnode remove`: ends a manual peer for good. `false` if it was not added. Throws `InvalidAddressError`. */
  removePeer(address: string | SocketAddress): boolean {
    return this.#parts.manual.remove(toAddress(address));
  }

  /** `addnode onetry`: one connection attempt, not retried (fails at once while networking is off). Throws `InvalidAddressError`. */
  tryPeer(address: string | SocketAddress): void {
    this.#parts.control.tryPeer(toAddress(address));
  }

  /** The manual peers (`addPeers`, `connectPeers`, `addPeer`), connected or not, as `host:port`. */
  addedPeers(): string[] {
    return this.#parts.manual.added();
  }

  /** The peers that completed their handshake. */
  peers(): PeerInfo[] {
    return this.#parts.sessions.peers();
  }

  /** Changes the outbound target and inbound limit while running (see `NodeControl.configure`). */
  configure(change: NodeLiveConfig): void {
    this.#parts.control.configure(change);
  }

  /** Counters for display. */
  stats(): NodeStats {
    return this.#parts.control.stats();
  }

  /**
   * Starts listening and connecting. Resolves with the listening address (undefined when
   * `listen: false`); rejects with the listener's typed error (e.g. `AddressInUseError`), after
   * stopping the node.
   */
  async start(): Promise<SocketAddress | undefined> {
    if (this.#started) throw new Error('node already started');
    this.#started = true;
    const p = this.#parts;
    const [o, m] = [p.options, p.manager];
    p.dialer.anchors = await p.persistence.load();
    const unlimited = (peer: SocketAddress) => this.permissionsOf(peer.host).includes('addr');
    this.#subscriptions.add(wireNode({ ...p, events$: this.events$, connectMode: p.plan.connectMode, unlimited }));
    const listening = new Promise<SocketAddress | undefined>((resolve, reject) => {
      if (!o.listen) return resolve(undefined);
      const failed = m.events$.pipe(filter((e) => e.type === 'listenerError'));
      this.#subscriptions.add(failed.subscribe((e) => reject(e.error instanceof Error ? e.error : new Error(String(e.error)))));
      void p.listen.bound.then(resolve);
    });
    m.start();
    // Seed nodes as addr-fetch peers while the book is nearly empty (Core's -seednode).
    const fetch = { seedNodes: p.seedNodes, bookSize: () => p.book.size, threshold: DEFAULT_GETADDR_THRESHOLD, events$: m.events$ };
    this.#subscriptions.add(addrFetch({ ...fetch, connect: (addr, options) => m.connect(addr, options) }).subscribe());
    for (const addr of p.plan.permanent) p.manual.add(addr);
    try {
      const address = await listening;
      p.log('started on %s', address ?? '(not listening)');
      return address;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops everything: the manager closes every conn, each peer ends, subscriptions are released. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const p = this.#parts;
      const anchors = p.dialer.anchorCandidates(this.peers());
      this.manager.stop();
      if (this.#started) await p.persistence.saveAnchors(anchors);
      await this.manager.wait();
      this.#subscriptions.unsubscribe();
      await p.close();
      p.log('stopped');
    })();
    return this.#stopped;
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
