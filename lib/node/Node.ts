import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { EMPTY, Subject, catchError, ignoreElements, throwError, timer, Subscription, defer, filter, map, merge, mergeMap, of, switchMap, tap, type Observable, type SchedulerLike } from 'rxjs';
import { AddressBook } from '../addr/AddressBook.js';
import { selectOutboundAddress } from '../addr/selectOutboundAddress.js';
import { BanList } from '../ban/BanList.js';
import type { BanEvent } from '../ban/BanEvent.js';
import { ConnManager } from '../manager/ConnManager.js';
import type { ConnEventOf } from '../model/events.js';
import { SocketAddress } from '../net/SocketAddress.js';
import { netGroup } from '../net/netGroup.js';
import { Peer } from '../peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../peer/bitcoin/bitcoinHandshake.js';
import { dnsSeeds } from '../discovery/dnsSeeds.js';
import { isDnsSeedFailure } from '../discovery/DnsSeedFailure.js';
import { manualPeers, type ManualPeersPlan } from '../discovery/manualPeers.js';
import { peerAddresses, type PeerMessage } from '../discovery/peerAddresses.js';
import { shouldAskForAddresses } from '../discovery/shouldAskForAddresses.js';
import { staticSeeds } from '../discovery/staticSeeds.js';
import { keepAlive } from '../peer/bitcoin/keepAlive.js';
import { bitcoinProtocol } from '../protocol/bitcoin/bitcoinProtocol.js';
import { encodeFrame } from '../protocol/bitcoin/frame.js';
import { isRawMessage, type BitcoinMessage, type TimestampedNetAddress } from '../protocol/bitcoin/messages.js';
import { NETWORKS, type BitcoinNetwork } from '../protocol/bitcoin/networks.js';
import type { WireProtocol } from '../protocol/WireProtocol.js';
import { ProtocolError } from '../protocol/WireProtocol.js';
import { acceptRateLimiter, type AcceptRateLimiter } from '../policy/acceptRateLimiter.js';
import { loadJsonFile, writeJsonFileAtomic } from '../persist/jsonFile.js';
import { tcpTransport } from '../transport/tcpTransport.js';
import type { Transport } from '../transport/Transport.js';
import type { PeerInfo } from './PeerInfo.js';
import { InboundGate, type ArrivalFacts, type RefusalReason } from './InboundGate.js';
import { VERSION } from '../version.js';
import { immediateScheduler } from '../schedulers/immediateScheduler.js';
import type { NodeOptions } from './NodeOptions.js';
import { peerDoneCommands } from './peerDone.js';

/**
 * A node's connection, as its manager sees it: a peer on a socket. An outbound one is handed to
 * the manager only after its version handshake (so a failed handshake is a failed dial, with
 * the manager's backoff and throttle); an inbound one is admitted first and shakes hands after.
 */
export interface NodeConn {
  readonly peer: Peer<BitcoinMessage>;
  readonly socket: Socket;
  /** The outbound handshake's result; undefined for inbound conns. */
  readonly handshake?: HandshakeResult;
  /** What the node knew of an inbound conn when it arrived: the input of the inbound gate. */
  readonly arrival?: ArrivalFacts;
}

export type { RefusalReason, PeerInfo };

/** What a node does with its peers: the `events$` stream. */
export type NodeEvent =
  | { readonly type: 'peerUp'; readonly peer: PeerInfo }
  | { readonly type: 'peerDown'; readonly peer: PeerInfo; readonly error: unknown }
  | { readonly type: 'handshakeFailed'; readonly direction: 'outbound' | 'inbound'; readonly remote: string; readonly error: unknown }
  /** An inbound conn closed before its handshake (see `RefusalReason`). */
  | { readonly type: 'refused'; readonly remote: string; readonly reason: RefusalReason }
  /** An inbound peer closed to make room for a newcomer when every inbound slot was taken (Bitcoin Core's eviction). */
  | { readonly type: 'evicted'; readonly peer: PeerInfo; readonly for: string }
  /** A discovery source announced addresses: `added` of them were new to the book. */
  | { readonly type: 'addressesLearned'; readonly origin: 'static' | 'dns' | 'manual' | 'peer'; readonly source: string; readonly announced: number; readonly added: number }
  | { readonly type: 'dnsSeedFailed'; readonly host: string; readonly error: unknown }
  /** A feeler connection tested an address from the new table (`ok`: it answered the handshake and moved to tried). */
  | { readonly type: 'feeler'; readonly addr: string; readonly ok: boolean }
  /** A peer's bytes or messages broke a rule: `cost` (the error's documented `banScore`) was charged, making `score`. */
  | { readonly type: 'misbehaving'; readonly remote: string; readonly cost: number; readonly score: number; readonly banned: boolean; readonly reason: string; readonly error: unknown };

/** Counters for a status line or a table. */
export interface NodeStats {
  readonly outbound: number;
  readonly inbound: number;
  /** Outbound requests not established (dialing, handshaking, waiting to retry). */
  readonly pending: number;
  /** Retries so far: permanent redials and replacements of lost automatic connections. */
  readonly retries: number;
  /** Hosts banned now. */
  readonly bans: number;
  /** Inbound conns refused before their handshake so far. */
  readonly refused: number;
}

/** The failure of an outbound dial to a banned host (no packet is sent). */
export class BannedPeerError extends Error {
  override readonly name = 'BannedPeerError';
  constructor(readonly addr: SocketAddress) {
    super(`${addr} is banned: not dialed`);
  }
}

const MAX_ADDR_PER_MESSAGE = 1_000;
/** Core keeps two anchors. */
const MAX_ANCHORS = 2;

function parseAnchors(raw: unknown): SocketAddress[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string')) throw new TypeError('anchors file: expected an array of "host:port" strings');
  return raw.map((text: string) => SocketAddress.parse(text));
}

/**
 * A Bitcoin P2P node: the hub between the connection manager, the peers, the address book and the
 * ban list — btcd's `server`, as streams.
 *
 * - inbound conn → refused before any byte if its host is banned (or no room), else an inbound
 *   peer; outbound conn → an outbound peer; both run the version handshake, then keep-alive;
 * - a peer that is done (closed, failed handshake, protocol error) or cannot be made → btcd's
 *   rule (`peerDoneCommands`): permanent `disconnect`, automatic `remove` + `newConnReq`;
 * - bad frames cost their `banScore`; a host over the threshold is banned and never dialed;
 * - `getaddr` is answered from the book, `addr` fills it, and a node with a small book asks every
 *   new outbound peer for addresses.
 *
 * @example
 * const node = createNode({ host: '127.0.0.2', seeds: ['127.0.0.3:18444'] });
 * const addr = await node.start();
 * node.events$.subscribe((e) => console.log(e.type));
 * await node.stop();
 */
export class Node {
  /** The connection manager (addresses are `SocketAddress`, conns are handshaken peers). */
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

  readonly #options: NodeOptions;
  readonly #network: BitcoinNetwork;
  readonly #protocol: WireProtocol<BitcoinMessage>;
  readonly #scheduler: SchedulerLike;
  readonly #events = new Subject<NodeEvent>();
  /** Every message of every handshaken peer, for the discovery sources (addr). */
  readonly #peerMessages = new Subject<PeerMessage>();
  readonly #manual: ManualPeersPlan;
  /** The accept edge's fold: the per-IP token buckets, replaced (never mutated) on every accept. */
  #acceptLimiter: AcceptRateLimiter;
  /** Inbound handshakes in flight: a fact the accept edge stamps on each newcomer for the gate. */
  #pendingHandshakes = 0;
  readonly #transport: Transport;
  /** Handshaken inbound peers (eviction candidates) and every peer's best ping. */
  readonly #inbound = new Map<string, { readonly peer: Peer<BitcoinMessage>; readonly info: PeerInfo }>();
  readonly #minPing = new Map<string, number>();
  /** Anchors read at start: tried first by automatic requests (Core's anchors). */
  #anchors: SocketAddress[] = [];
  readonly #peers = new Map<string, PeerInfo>();
  readonly #nonces = new Set<bigint>();
  readonly #subscriptions = new Subscription();
  readonly #log: createDebug.Debugger;
  #address: SocketAddress | undefined;
  #onListening!: (address: SocketAddress) => void;
  readonly #listening = new Promise<SocketAddress>((resolve) => (this.#onListening = resolve));
  #retries = 0;
  #refused = 0;
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(options: NodeOptions = {}) {
    this.#options = options;
    this.#network = NETWORKS[options.network ?? 'regtest'];
    this.#protocol = bitcoinProtocol({ magic: this.#network.magic });
    this.#scheduler = options.scheduler ?? immediateScheduler;
    this.#log = createDebug(`rx-connmgr:node:${options.name ?? options.host ?? '127.0.0.1'}`);
    this.book = options.addressBook ?? new AddressBook();
    // addnode → permanent peers on top of the target; connect → connect mode (only those).
    this.#manual = manualPeers({
      ...(options.addPeers ? { addnode: options.addPeers } : {}),
      ...(options.connectPeers ? { connect: options.connectPeers } : {}),
    });
    this.banList = options.bans instanceof BanList ? options.bans : new BanList(options.bans ?? {});
    this.events$ = this.#events.asObservable();
    this.peers$ = this.events$.pipe(filter((e): e is Extract<NodeEvent, { type: 'peerUp' | 'peerDown' }> => e.type === 'peerUp' || e.type === 'peerDown'));
    this.bans$ = this.banList.bans$;

    const host = options.host ?? '127.0.0.1';
    const targetOutbound = this.#manual.connectMode ? 0 : options.targetOutbound ?? 8;
    const permanent = this.#manual.permanent.length;
    const maxPeers = options.maxPeers ?? 125;
    const listen = options.listen ?? true;
    const maxInbound = Math.max(0, maxPeers - targetOutbound - permanent);
    this.#transport = options.transport ?? tcpTransport;
    const gate = new InboundGate({
      ...(options.maxInboundPerIp === undefined ? {} : { maxPerIp: options.maxInboundPerIp }),
      ...(options.maxInboundPerGroup === undefined ? {} : { maxPerGroup: options.maxInboundPerGroup }),
      ...(options.maxPendingHandshakes === undefined ? {} : { maxPendingHandshakes: options.maxPendingHandshakes }),
    });
    this.#acceptLimiter = acceptRateLimiter({ perSecond: options.acceptRate ?? 5 });
    const dialTimeout = options.dialTimeout ?? 30_000;
    this.manager = new ConnManager<SocketAddress, NodeConn>({
      dial: (addr) => this.#dialPeer(addr, dialTimeout, host),
      listeners: listen ? [this.#acceptPeers(host)] : [],
      ...(this.#manual.connectMode ? {} : { getNewAddress: () => this.#chooseAddress() }),
      targetOutbound,
      // The gate refuses in the reducer, or names a peer to evict for the newcomer (Core).
      maxInbound,
      admitInbound: (conn, state) => gate.check(conn, state),
      retryDuration: options.retryDuration ?? 5_000,
      maxRetryDuration: options.maxRetryDuration ?? 300_000,
      minUptime: options.minUptime ?? 60_000,
      // The manager's dial covers the TCP connect and the handshake.
      dialTimeout: dialTimeout + (options.handshakeTimeout ?? 30_000),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      addressKey: (a) => a.toString(),
      closeConn: (c) => c.peer.close(),
      connClosed: (c) => c.peer.closed$,
      scheduler: this.#scheduler,
    });
  }

  /** The address the node listens on, once `start()` has resolved (undefined when not listening). */
  get address(): SocketAddress | undefined {
    return this.#address;
  }

  /** The peers that completed their handshake. */
  peers(): PeerInfo[] {
    return [...this.#peers.values()];
  }

  /** Counters for display. */
  stats(): NodeStats {
    let outbound = 0;
    for (const peer of this.#peers.values()) if (peer.direction === 'outbound') outbound++;
    const s = this.manager.state;
    return {
      outbound,
      inbound: this.#peers.size - outbound,
      pending: s.requests.size - outbound,
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
    const { warning } = await this.banList.load(); // no-op without a file
    if (warning) this.#log('ban list: %s', warning);
    // Bans are saved as they happen (atomic writes), so a crash loses none.
    this.#subscriptions.add(this.banList.bans$.pipe(filter((e) => e.type === 'banned' || e.type === 'unbanned')).subscribe(() => void this.banList.save().catch((e: unknown) => this.#log('saving bans failed: %O', e))));
    const bookFile = this.#options.addressFile;
    if (bookFile !== undefined) {
      const loaded = await this.book.load(bookFile);
      if (loaded.status === 'corrupt') this.#log('address book: %s', loaded.warning);
      // Saved periodically and on stop, so a crash loses at most one interval of learning.
      const every = this.#options.saveInterval ?? 600_000;
      this.#subscriptions.add(timer(every, every, this.#scheduler).subscribe(() => void this.#saveBook()));
    }
    const anchorsFile = this.#options.anchorsFile;
    if (anchorsFile !== undefined) {
      const loaded = await loadJsonFile(anchorsFile, parseAnchors);
      if (loaded.status === 'loaded') this.#anchors = loaded.value.slice(0, MAX_ANCHORS);
      else if (loaded.status === 'corrupt') this.#log('anchors: %s set aside (%s)', loaded.movedTo, loaded.error.message);
    }
    const feelerEvery = this.#options.feelerInterval ?? 120_000;
    if (!this.#manual.connectMode && Number.isFinite(feelerEvery) && feelerEvery > 0) {
      this.#subscriptions.add(timer(feelerEvery, feelerEvery, this.#scheduler).pipe(mergeMap(() => this.#feeler())).subscribe());
    }
    // The five ways to find peers, as one stream into the book: the book itself (loaded above),
    // hard-coded seeds (only into an empty book), DNS seeds, addnode/connect (the manager's
    // permanent requests, below) and addr messages from peers (rate-limited per peer).
    this.#subscriptions.add(
      merge(
        staticSeeds(this.#options.seeds ?? [], { when: () => this.book.size === 0 }),
        (this.#options.dnsSeeds?.length ?? 0) > 0
          ? dnsSeeds(this.#options.dnsSeeds!, {
              defaultPort: this.#network.defaultPort,
              scheduler: this.#scheduler,
              ...(this.#options.dnsServers ? { servers: this.#options.dnsServers } : {}),
            })
          : EMPTY,
        peerAddresses(this.#peerMessages, { scheduler: this.#scheduler }),
      ).subscribe((found) => {
        if (isDnsSeedFailure(found)) {
          this.#log('DNS seed %s failed: %s', found.host, found.error.message);
          this.#events.next({ type: 'dnsSeedFailed', host: found.host, error: found.error });
          return;
        }
        const added = found.addrs.length > 0 ? this.book.add(found.addrs, found.source) : 0;
        this.#events.next({ type: 'addressesLearned', origin: found.origin, source: found.source.toString(), announced: found.addrs.length, added });
      }),
    );
    this.#subscriptions.add(m.connected$.subscribe((e) => this.#onOutbound(e)));
    this.#subscriptions.add(m.accepted$.subscribe((e) => this.#onInbound(e.conn, e.inboundId)));
    this.#subscriptions.add(
      m.events$.subscribe((e) => {
        if (e.type === 'rejected' && e.reason !== 'notRunning') this.#onRejected(e.conn, e.reason);
        else if (e.type === 'inboundClosed' && e.reason === 'evicted') this.#onEvicted(e.inboundId, e.for);
      }),
    );
    // Retries: every redial of a permanent peer and every replacement of a lost automatic one
    // (the first refill, at start, only fills the target).
    let initialFill = true;
    this.#subscriptions.add(
      m.events$.subscribe((e) => {
        if (e.type === 'retryScheduled') this.#retries++;
        else if (e.type === 'refillScheduled') {
          if (!initialFill) this.#retries += e.count;
          initialFill = false;
        }
      }),
    );
    const listening = new Promise<SocketAddress | undefined>((resolve, reject) => {
      if (!(this.#options.listen ?? true)) return resolve(undefined);
      this.#subscriptions.add(m.events$.subscribe((e) => e.type === 'listenerError' && reject(e.error)));
      void this.#listening.then(resolve);
    });
    m.start();
    for (const addr of this.#manual.permanent) m.connect(addr, { permanent: true });
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
      const anchors = this.#anchorCandidates();
      this.manager.stop();
      if (this.#options.anchorsFile !== undefined && this.#started) {
        await writeJsonFileAtomic(this.#options.anchorsFile, anchors.map(String)).catch((e: unknown) => this.#log('saving anchors failed: %O', e));
      }
      await this.manager.wait();
      this.#subscriptions.unsubscribe();
      await this.banList.save().catch((e: unknown) => this.#log('saving bans failed: %O', e));
      await this.#saveBook();
      this.#peerMessages.complete();
      this.banList.close();
      this.#events.complete();
      this.#log('stopped');
    })();
    return this.#stopped;
  }

  #bind(address: SocketAddress): void {
    this.#address = address;
    this.#onListening(address);
  }

  /** Up to two automatic outbound peers, the longest connected first: the anchors to keep. */
  #anchorCandidates(): SocketAddress[] {
    const automatic = new Set<number>();
    for (const entry of this.manager.state.requests.values()) if (entry.automatic) automatic.add(entry.id);
    return [...this.#peers.values()]
      .filter((p) => p.direction === 'outbound' && automatic.has(Number(p.key.slice(4))))
      .sort((a, b) => a.since - b.since)
      .slice(0, MAX_ANCHORS)
      .map((p) => p.remote);
  }

  /**
   * A feeler (Core): briefly connect to an address from the *new* table; if it completes the
   * handshake it is promoted to *tried*, then the conn is closed. Tests addresses before we need
   * them, without taking an outbound slot.
   */
  #feeler(): Observable<never> {
    const info = this.book.select({ newOnly: true });
    if (!info) return EMPTY;
    const addr = info.addr;
    if (this.manager.state.addresses.has(addr.toString()) || this.banList.isBanned(addr.host) || addr.toString() === this.#address?.toString()) return EMPTY;
    this.book.attempt(addr);
    const timeout = this.#options.dialTimeout ?? 30_000;
    return this.#dialPeer(addr, timeout, this.#options.host ?? '127.0.0.1').pipe(
      map((conn) => {
        this.book.good(addr);
        conn.peer.close();
        this.#events.next({ type: 'feeler', addr: addr.toString(), ok: true });
      }),
      catchError(() => {
        this.#events.next({ type: 'feeler', addr: addr.toString(), ok: false });
        return EMPTY;
      }),
      ignoreElements(),
    );
  }

  #chooseAddress(): SocketAddress {
    const state = this.manager.state;
    const groupsInUse = new Set<string>();
    for (const entry of state.requests.values()) if (entry.addr) groupsInUse.add(netGroup(entry.addr));
    const own = this.#address?.toString();
    const unavailable = (a: SocketAddress) => a.toString() === own || state.addresses.has(a.toString()) || this.banList.isBanned(a.host);
    // Anchors first: the outbound peers we had when we last stopped, so a restart cannot be
    // steered into a fresh set of attacker-chosen peers (Core's anchors).
    while (this.#anchors.length > 0) {
      const anchor = this.#anchors.shift()!;
      if (!unavailable(anchor) && !groupsInUse.has(netGroup(anchor))) {
        this.book.attempt(anchor);
        return anchor;
      }
    }
    const addr = selectOutboundAddress({
      pick: () => this.book.select(),
      now: this.#scheduler.now(),
      groupsInUse,
      isUnavailable: unavailable,
      group: netGroup,
      defaultPort: this.#network.defaultPort,
    });
    this.book.attempt(addr);
    return addr;
  }

  /** TCP connect, then the version handshake: the conn reaches the manager only as a handshaken peer. */
  #dialPeer(addr: SocketAddress, timeout: number, host: string): Observable<NodeConn> {
    // A banned host is never dialed, not even as a permanent peer: the attempt fails before any
    // packet and the request waits on its backoff, until the ban ends.
    if (this.banList.isBanned(addr.host)) return throwError(() => new BannedPeerError(addr));
    return this.#transport.dial(addr, { timeout, scheduler: this.#scheduler, localAddress: host }).pipe(
      switchMap((socket) =>
        defer(() => {
          const peer = new Peer(socket, this.#protocol, { scheduler: this.#scheduler });
          let shaken = false;
          return this.#handshake(peer, 'outbound').pipe(
            map((handshake): NodeConn => {
              shaken = true;
              return { peer, socket, handshake };
            }),
            tap({
              error: (error: unknown) => {
                this.#chargeMisbehaviour(addr, error);
                this.#events.next({ type: 'handshakeFailed', direction: 'outbound', remote: addr.toString(), error });
              },
              // Abandoned mid-handshake (timeout, cancel, stop): the half-made peer goes too.
              finalize: () => {
                if (!shaken) peer.close();
              },
            }),
          );
        }),
      ),
    );
  }

  /**
   * The accept edge: each socket becomes a peer stamped with what the node knows of it now (ban,
   * accept rate, handshakes in flight, the eviction candidates), for the manager's gate to judge.
   */
  #acceptPeers(host: string): Observable<NodeConn> {
    return this.#transport.listen({ host, port: this.#options.port ?? 0, onListening: (a) => this.#bind(a) }).pipe(
      mergeMap((socket) => {
        let peer: Peer<BitcoinMessage>;
        try {
          peer = new Peer(socket, this.#protocol, { scheduler: this.#scheduler });
        } catch {
          socket.destroy(); // closed before we could look at it
          return EMPTY;
        }
        const remote = peer.remote;
        if (!remote) {
          peer.close();
          return EMPTY;
        }
        return of<NodeConn>({ peer, socket, arrival: this.#arrivalFacts(remote) });
      }),
    );
  }

  #arrivalFacts(remote: SocketAddress): ArrivalFacts {
    const banned = this.banList.isBanned(remote.host);
    const whitelisted = this.banList.isWhitelisted(remote.host);
    let rateLimited = false;
    if (!banned && !whitelisted) {
      const decision = this.#acceptLimiter.check(remote.host, this.#scheduler.now());
      this.#acceptLimiter = decision.next;
      rateLimited = !decision.allowed;
    }
    const sessions = [];
    for (const [key, entry] of this.#inbound) {
      sessions.push({
        inboundId: Number(key.slice(3)), // 'in@<id>'
        remote: entry.info.remote,
        since: entry.info.since,
        minPingMs: this.#minPing.get(key) ?? Infinity,
        whitelisted: this.banList.isWhitelisted(entry.info.remote.host),
        info: entry.info,
      });
    }
    return { remote, banned, whitelisted, rateLimited, pendingHandshakes: this.#pendingHandshakes, sessions };
  }

  /** The manager refused an inbound conn (the gate's reason, or no slot): closed before any byte of ours. */
  #onRejected(conn: NodeConn, reason: string): void {
    const remote = conn.arrival?.remote.toString() ?? conn.peer.remote?.toString() ?? '?';
    const refusal: RefusalReason = reason === 'maxInbound' ? 'full' : (reason as RefusalReason);
    this.#refused++;
    this.#log('refused %s: %s', remote, refusal);
    this.#events.next({ type: 'refused', remote, reason: refusal });
  }

  /** The gate evicted an inbound peer for a newcomer; the manager closes it. */
  #onEvicted(inboundId: number, newcomer: NodeConn): void {
    // From the newcomer's snapshot: the victim may already be closed and gone from `#inbound`.
    const victim = newcomer.arrival?.sessions.find((session) => session.inboundId === inboundId);
    if (!victim) return;
    this.#log('evicting %s for %s', victim.info.key, newcomer.arrival?.remote);
    this.#events.next({ type: 'evicted', peer: victim.info, for: String(newcomer.arrival?.remote) });
  }

  #handshake(peer: Peer<BitcoinMessage>, direction: 'outbound' | 'inbound'): Observable<HandshakeResult> {
    const nonce = randomBytes(8).readBigUInt64LE();
    return defer(() => {
      if (direction === 'outbound') this.#nonces.add(nonce);
      return bitcoinHandshake(peer, {
        direction,
        nonce,
        isOwnNonce: (n) => this.#nonces.has(n),
        userAgent: this.#options.userAgent ?? `/rx-connmgr:${VERSION}/`,
        startHeight: this.#options.startHeight ?? 0,
        services: this.#options.services ?? 0n,
        timeout: this.#options.handshakeTimeout ?? 30_000,
        scheduler: this.#scheduler,
      });
    }).pipe(tap({ finalize: () => this.#nonces.delete(nonce) }));
  }

  #onOutbound(event: ConnEventOf<'connected', SocketAddress, NodeConn>): void {
    const { req, conn, addr } = event;
    const handshake = conn.handshake!;
    this.book.good(addr);
    if (shouldAskForAddresses(this.book.size)) conn.peer.send({ command: 'getaddr' });
    this.#runPeer(conn, handshake, { direction: 'outbound', key: `out#${req.id}`, remote: addr, permanent: req.permanent }, () =>
      this.#peerDone(req.id, conn),
    );
  }

  /** An admitted inbound conn: the gate already let it in; it shakes hands, then runs as a peer. */
  #onInbound(conn: NodeConn, inboundId: number): void {
    const { peer } = conn;
    const remote = conn.arrival!.remote;
    this.#pendingHandshakes++;
    let shaking = true;
    const handshakeDone = () => {
      if (shaking) this.#pendingHandshakes--;
      shaking = false;
    };
    peer.closed$.subscribe(() => handshakeDone());
    const subscription = this.#handshake(peer, 'inbound').subscribe({
      next: (handshake) => {
        handshakeDone();
        // Its slot frees itself: the manager watches the peer close.
        this.#runPeer(conn, handshake, { direction: 'inbound', key: `in@${inboundId}`, remote, permanent: false }, () => {});
      },
      error: (error: unknown) => {
        this.#chargeMisbehaviour(remote, error);
        this.#events.next({ type: 'handshakeFailed', direction: 'inbound', remote: remote.toString(), error });
      },
    });
    this.#subscriptions.add(subscription);
    peer.closed$.subscribe(() => this.#subscriptions.remove(subscription));
  }

  /** A handshaken peer's life: registered, kept alive, its messages handled, until it closes. */
  #runPeer(
    conn: NodeConn,
    handshake: HandshakeResult,
    meta: { direction: 'outbound' | 'inbound'; key: string; remote: SocketAddress; permanent: boolean },
    done: () => void,
  ): void {
    const { peer, socket } = conn;
    const info: PeerInfo = {
      key: meta.key,
      direction: meta.direction,
      remote: meta.remote,
      permanent: meta.permanent,
      userAgent: handshake.userAgent,
      startHeight: handshake.startHeight,
      since: this.#scheduler.now(),
    };
    this.#peers.set(meta.key, info);
    if (meta.direction === 'inbound') this.#inbound.set(meta.key, { peer, info });
    this.#log('peer up %s %s %s', meta.key, meta.remote, handshake.userAgent);
    this.#events.next({ type: 'peerUp', peer: info });
    if (this.#options.misbehave) this.#sendGarbage(socket);
    let failure: unknown;
    const subscription = merge(
      keepAlive(peer, {
        pingInterval: this.#options.pingInterval ?? 120_000,
        idleTimeout: this.#options.idleTimeout ?? 300_000,
        scheduler: this.#scheduler,
      }).pipe(tap((sample) => this.#minPing.set(meta.key, Math.min(sample.rtt, this.#minPing.get(meta.key) ?? Infinity)))),
      peer.messages$.pipe(tap((message) => this.#onMessage(peer, meta.remote, message))),
    ).subscribe({
      error: (error: unknown) => {
        failure = error;
        peer.close(error);
      },
    });
    this.#subscriptions.add(subscription);
    // Every way a peer ends passes here once: the remote hung up, its bytes broke the protocol
    // (the peer closes itself), keep-alive failed, or we stopped.
    peer.closed$.subscribe((closeInfo) => {
      subscription.unsubscribe();
      this.#subscriptions.remove(subscription);
      const error = failure ?? closeInfo.error;
      if (error !== undefined) this.#chargeMisbehaviour(meta.remote, error);
      this.#peers.delete(meta.key);
      this.#inbound.delete(meta.key);
      this.#minPing.delete(meta.key);
      this.#log('peer down %s', meta.key);
      this.#events.next({ type: 'peerDown', peer: info, error });
      done();
    });
  }

  #onMessage(peer: Peer<BitcoinMessage>, remote: SocketAddress, message: BitcoinMessage): void {
    if (isRawMessage(message)) return;
    if (message.command === 'getaddr') {
      const now = Math.floor(this.#scheduler.now() / 1000);
      const addresses: TimestampedNetAddress[] = this.book
        .all()
        .slice(0, MAX_ADDR_PER_MESSAGE)
        .map((info) => ({ timestamp: Math.min(now, Math.floor(info.timestamp / 1000)), services: info.services, ip: info.addr.toBytes16(), port: info.addr.port }));
      if (addresses.length > 0) peer.send({ command: 'addr', addresses });
    } else if (message.command === 'addr') {
      this.#peerMessages.next({ peer: remote, message });
    }
  }

  async #saveBook(): Promise<void> {
    const file = this.#options.addressFile;
    if (file === undefined) return;
    await this.book.save(file).catch((e: unknown) => this.#log('saving the address book failed: %O', e));
  }

  #chargeMisbehaviour(remote: SocketAddress, error: unknown): void {
    const banScore = error instanceof ProtocolError ? error.banScore : (error as { banScore?: unknown } | null)?.banScore;
    if (typeof banScore !== 'number' || banScore <= 0) return;
    const reason = error instanceof Error ? error.message : String(error);
    const { score, banned } = this.banList.misbehaving(remote.host, banScore, 0, reason);
    this.#log('misbehaving %s +%d → %d%s: %s', remote, banScore, score, banned ? ' BANNED' : '', reason);
    this.#events.next({ type: 'misbehaving', remote: remote.toString(), cost: banScore, score, banned, reason, error });
  }

  #sendGarbage(socket: Socket): void {
    // A frame for another network: the receiver's decoder rejects it (bad magic, 100 points).
    const wrongMagic = this.#network.magic === NETWORKS.mainnet.magic ? NETWORKS.testnet3.magic : NETWORKS.mainnet.magic;
    socket.write(encodeFrame(wrongMagic, 'ping', new Uint8Array(8)));
  }

  #peerDone(id: number, conn: NodeConn): void {
    for (const command of peerDoneCommands(this.manager.state, id, conn)) {
      if (command === 'newConnReq') this.manager.newConnReq();
      else this.manager[command](id);
    }
  }
}

/** Creates a node (see `Node`). */
export function createNode(options: NodeOptions = {}): Node {
  return new Node(options);
}
