import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type createDebug from 'debug';
import { EMPTY, Subscription, defer, map, merge, mergeMap, tap, timer, type Observable } from 'rxjs';
import type { AddrInfo, BookAddress } from '../addr/AddrInfo.js';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BanList } from '../ban/BanList.js';
import type { Discouragement } from '../ban/Discouragement.js';
import { mayAutoBan } from '../ban/mayAutoBan.js';
import type { PermissionFlag } from '../ban/permissions.js';
import type { PeerMessage } from '../discovery/peerAddresses.js';
import { addrAnswer, addrMessageOf, getaddrVerdict } from '../discovery/answerGetaddr.js';
import { shouldAskForAddresses } from '../discovery/shouldAskForAddresses.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { Peer } from '../peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../peer/bitcoin/bitcoinHandshake.js';
import { keepAlive } from '../peer/bitcoin/keepAlive.js';
import { transportInfo } from '../protocol/bip324/transportInfo.js';
import { isRawMessage, type BitcoinMessage } from '../protocol/bitcoin/messages.js';
import { nonServiceReply } from '../protocol/bitcoin/nonServiceReply.js';
import { ProtocolError, type WireProtocol } from '../protocol/WireProtocol.js';
import type { InboundSessionFacts } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import { ourServices } from './ourServices.js';
import type { ConnectionType } from './connectionType.js';
import type { PeerInfo } from './PeerInfo.js';

/** What a running session knows about its peer that its message handling reads. */
interface SessionState {
  readonly remote: SocketAddress;
  readonly outbound: boolean;
  /** Addresses are relayed with it (not a block-relay-only peer): its `addr` is taken, ours is announced. */
  readonly addrRelay: boolean;
  /** An addr-fetch peer: closed once it has answered our `getaddr`. */
  readonly addrFetch: boolean;
  /** The peer sent `sendaddrv2`: our addresses go to it as `addrv2`. */
  readonly addrv2: boolean;
  /** Its one `getaddr` answer has been sent (Core: one per connection). */
  getaddrAnswered: boolean;
}

/** What {@link PeerSessions} works with. */
export interface PeerSessionsDeps {
  readonly options: ResolvedNodeOptions;
  readonly protocol: WireProtocol<BitcoinMessage>;
  readonly book: AddressBook;
  readonly banList: BanList;
  /** Hosts that misbehaved without being banned: the first evicted. */
  readonly discouragement: Discouragement;
  /** The permission flags of a host (the node's table and the ban list's whitelist). */
  readonly permissions: (host: string) => readonly PermissionFlag[];
  /** Where the node's events go. */
  readonly emit: (event: NodeEvent) => void;
  /** Every `addr` and `addrv2` message of a handshaken peer, for discovery. */
  readonly addrMessages: (message: PeerMessage) => void;
  /** We sent `getaddr` to this peer: its answer is solicited (a back-channel to discovery's limiter). */
  readonly solicited: (peer: SocketAddress) => void;
  /** Our listening address, announced to outbound peers (undefined when not listening). */
  readonly ownAddress: () => SocketAddress | undefined;
  /** Uniform numbers in [0, 1) for the getaddr sample and the announcement times. @default Math.random */
  readonly random?: () => number;
  readonly log: createDebug.Debugger;
}

/** A handshaken peer as the sessions keep it: what is fixed at the handshake, and what changes. */
interface LivePeer {
  readonly info: PeerInfo;
  readonly peer: Peer<BitcoinMessage>;
  pingMs?: number;
  minPingMs?: number;
  /** Scheduler time of its last useful message (see {@link USEFUL_COMMANDS}). */
  lastUseful?: number;
}

/**
 * What makes a peer useful to us — it tells us of blocks and transactions: `inv`, `headers`,
 * `block`, `tx`. The outbound peer whose last one is the oldest is the first let go when an extra
 * peer comes in (Core's stale-tip eviction keys on the last block announcement).
 */
export const USEFUL_COMMANDS: ReadonlySet<string> = new Set(['inv', 'headers', 'block', 'tx']);

/** ms an addr-fetch peer has to answer our `getaddr` before it is closed anyway. */
export const ADDR_FETCH_TIMEOUT = 60_000;

/**
 * The peers' lives: the version handshake (our nonces, to spot a dial to ourselves; our
 * `sendaddrv2`), then keep-alive and message handling until the peer closes: `getaddr`
 * answered as Core does (once per inbound connection, never to outbound, a random ≤ 23 % /
 * 1,000 of the book, as `addrv2` to peers that sent `sendaddrv2`), `addr`/`addrv2` passed to
 * discovery, block requests given the empty answers of `nonServiceReply`, and our own listening
 * address announced to outbound peers after the handshake and then about every
 * `selfAnnounceInterval`; every error with a `banScore` is charged to its host —
 * banned or discouraged, unless it is a manual or `noban` peer, whose misbehaviour is only
 * reported (`mayAutoBan`). The
 * manager learns of every close by itself (it watches `peer.closed$`), so a session never sends
 * it commands.
 */
export class PeerSessions {
  readonly #deps: PeerSessionsDeps;
  readonly #peers = new Map<string, LivePeer>();
  /** Handshaken inbound peers by inbound id: the eviction candidates. */
  readonly #inbound = new Map<number, LivePeer>();
  readonly #nonces = new Set<bigint>();
  readonly #subscriptions = new Subscription();
  readonly #random: () => number;
  #pendingHandshakes = 0;
  #nextId = 0;

  constructor(deps: PeerSessionsDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
  }

  /** The handshaken peers, as of now (ping and byte counters read at this call). */
  peers(): PeerInfo[] {
    return [...this.#peers.values()].map(snapshot);
  }

  /**
   * Closes the handshaken peer with this `id` (`PeerInfo.id`) as its remote hanging up would:
   * the manager then redials a manual peer on its backoff and replaces an automatic one.
   * Returns `false` when no peer has this id.
   */
  disconnect(id: number): boolean {
    for (const live of this.#peers.values()) {
      if (live.info.id !== id) continue;
      live.peer.close();
      return true;
    }
    return false;
  }

  /** Inbound handshakes in flight. */
  get pendingHandshakes(): number {
    return this.#pendingHandshakes;
  }

  /** The handshaken inbound peers as eviction sees them now. */
  inboundSessions(): InboundSessionFacts[] {
    const sessions: InboundSessionFacts[] = [];
    for (const [inboundId, live] of this.#inbound) {
      const { info } = live;
      sessions.push({
        inboundId,
        remote: info.remote,
        since: info.since,
        minPingMs: live.minPingMs ?? Infinity,
        whitelisted: info.permissions.includes('noban'),
        discouraged: this.#deps.discouragement.isDiscouraged(info.remote.host),
        info: snapshot(live),
      });
    }
    return sessions;
  }

  /**
   * An outbound socket's handshake: the conn for the manager, or the handshake's error (charged;
   * `manual`: only reported). `protocol` is the connection's own (a v2 session after BIP324's
   * handshake); default the node's v1 one.
   */
  shakeOutbound(
    addr: SocketAddress,
    socket: Socket,
    manual = false,
    protocol: WireProtocol<BitcoinMessage> = this.#deps.protocol,
    connectionType: ConnectionType = manual ? 'manual' : 'outbound-full-relay',
  ): Observable<NodeConn> {
    return defer(() => {
      const peer = new Peer(socket, protocol, { scheduler: this.#deps.options.scheduler });
      let shaken = false;
      // A block-relay-only peer is told not to announce transactions (Core: relay = false).
      const relay = connectionType === 'block-relay-only' ? false : this.#deps.options.relay;
      return this.#handshake(peer, 'outbound', relay).pipe(
        map((handshake): NodeConn => {
          shaken = true;
          return { peer, socket, protocol, handshake, connectionType };
        }),
        tap({
          error: (error: unknown) => {
            this.charge(addr, error, manual);
            this.#deps.emit({ type: 'handshakeFailed', direction: 'outbound', remote: addr.toString(), error });
          },
          // Abandoned mid-handshake (timeout, cancel, stop): the half-made peer goes too.
          finalize: () => {
            if (!shaken) peer.close();
          },
        }),
      );
    });
  }

  /**
   * An outbound peer the manager took: it is good, may be asked for addresses, and runs — as its
   * connection type says: a feeler is closed at once (its test passed); a block-relay-only peer is
   * never asked for addresses; an addr-fetch peer always is, and closed once it answered.
   */
  runOutbound(conn: NodeConn, id: number, addr: SocketAddress, permanent: boolean): void {
    const { book, emit } = this.#deps;
    book.good(addr);
    const connectionType = conn.connectionType ?? (permanent ? 'manual' : 'outbound-full-relay');
    if (connectionType === 'feeler') {
      conn.peer.close();
      emit({ type: 'feeler', addr: addr.toString(), ok: true });
      return;
    }
    const ask = connectionType === 'addr-fetch' || (connectionType !== 'block-relay-only' && shouldAskForAddresses(book.size));
    if (ask) {
      // Solicited first, so that the answer finds its allowance in discovery's limiter.
      this.#deps.solicited(addr);
      conn.peer.send({ command: 'getaddr' });
    }
    this.#run(conn, conn.handshake!, { direction: 'outbound', key: `out#${id}`, remote: addr, permanent, connectionType });
  }

  /** An inbound conn the gate admitted: it shakes hands, then runs. */
  runInbound(conn: NodeConn, inboundId: number): void {
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
        this.#run(
          conn,
          handshake,
          { direction: 'inbound', key: `in@${inboundId}`, remote, permanent: false, connectionType: 'inbound' },
          inboundId,
        );
      },
      error: (error: unknown) => {
        this.charge(remote, error);
        this.#deps.emit({ type: 'handshakeFailed', direction: 'inbound', remote: remote.toString(), error });
      },
    });
    this.#subscriptions.add(subscription);
    peer.closed$.subscribe(() => this.#subscriptions.remove(subscription));
  }

  /**
   * Charges `error`'s `banScore` (if any) to the host: over the threshold it is banned, below it
   * discouraged (Core: the first evicted; loopback only if configured). A `manual` peer or a
   * `noban` one is neither — its misbehaviour is only reported, with `exempt: true`.
   */
  charge(remote: SocketAddress, error: unknown, manual = false): void {
    const banScore = error instanceof ProtocolError ? error.banScore : (error as { banScore?: unknown } | null)?.banScore;
    if (typeof banScore !== 'number' || banScore <= 0) return;
    const { banList, discouragement, log, emit } = this.#deps;
    const reason = error instanceof Error ? error.message : String(error);
    const host = remote.host;
    if (!mayAutoBan({ manual, permissions: this.#deps.permissions(host) })) {
      log('misbehaving %s +%d, not punished (manual or noban): %s', remote, banScore, reason);
      const score = banList.scoreOf(host);
      emit({
        type: 'misbehaving',
        remote: remote.toString(),
        cost: banScore,
        score,
        banned: false,
        discouraged: false,
        exempt: true,
        reason,
        error,
      });
      return;
    }
    const { score, banned } = banList.misbehaving(host, banScore, 0, reason);
    const discouraged = !banned && discouragement.discourage(host);
    log('misbehaving %s +%d → %d%s: %s', remote, banScore, score, banned ? ' BANNED' : discouraged ? ' discouraged' : '', reason);
    emit({ type: 'misbehaving', remote: remote.toString(), cost: banScore, score, banned, discouraged, exempt: false, reason, error });
  }

  /** Ends every session's work (the peers themselves are closed by the manager). */
  stop(): void {
    this.#subscriptions.unsubscribe();
  }

  #handshake(peer: Peer<BitcoinMessage>, direction: 'outbound' | 'inbound', relay = this.#deps.options.relay): Observable<HandshakeResult> {
    const { options } = this.#deps;
    const { scheduler } = options;
    const nonce = randomBytes(8).readBigUInt64LE();
    return defer(() => {
      if (direction === 'outbound') this.#nonces.add(nonce);
      return bitcoinHandshake(peer, {
        direction,
        nonce,
        isOwnNonce: (n) => this.#nonces.has(n),
        userAgent: options.userAgent,
        startHeight: options.startHeight,
        services: ourServices(options),
        relay,
        sendAddrV2: true,
        timeout: options.handshakeTimeout,
        scheduler,
      });
    }).pipe(tap({ finalize: () => this.#nonces.delete(nonce) }));
  }

  /** A handshaken peer's life: registered, kept alive, its messages handled, until it closes. */
  #run(
    conn: NodeConn,
    handshake: HandshakeResult,
    meta: Pick<PeerInfo, 'direction' | 'key' | 'remote' | 'permanent' | 'connectionType'>,
    inboundId?: number,
  ): void {
    const { peer, socket } = conn;
    const { options, log, emit } = this.#deps;
    const { scheduler } = options;
    const { transport_protocol_type: transport, session_id: sessionId } = transportInfo(conn.protocol ?? this.#deps.protocol);
    const info: PeerInfo = {
      ...meta,
      id: this.#nextId++,
      userAgent: handshake.userAgent,
      startHeight: handshake.startHeight,
      services: handshake.version.services,
      version: handshake.version.protocolVersion,
      permissions: this.#deps.permissions(meta.remote.host),
      since: scheduler.now(),
      bytesSent: 0,
      bytesRecv: 0,
      transport,
      sessionId,
    };
    const live: LivePeer = { info, peer };
    this.#peers.set(info.key, live);
    if (inboundId !== undefined) this.#inbound.set(inboundId, live);
    log('peer up %s %s %s', info.key, info.remote, handshake.userAgent);
    const up = snapshot(live);
    emit({ type: 'peerUp', peer: up });
    options.onPeerUp?.(up, socket);
    let failure: unknown;
    const session: SessionState = {
      remote: info.remote,
      outbound: meta.direction === 'outbound',
      addrRelay: meta.connectionType !== 'block-relay-only',
      addrFetch: meta.connectionType === 'addr-fetch',
      addrv2: handshake.sendAddrV2,
      getaddrAnswered: false,
    };
    // Our address goes to outbound peers we relay addresses with, not to the short-lived ones.
    const announce = session.outbound && session.addrRelay && !session.addrFetch;
    const subscription = merge(
      announce ? this.#selfAnnouncements(peer, session) : EMPTY,
      session.addrFetch ? timer(ADDR_FETCH_TIMEOUT, scheduler).pipe(tap(() => peer.close())) : EMPTY,
      keepAlive(peer, { pingInterval: options.pingInterval, idleTimeout: options.idleTimeout, scheduler }).pipe(
        tap((sample) => {
          live.pingMs = sample.rtt;
          live.minPingMs = Math.min(sample.rtt, live.minPingMs ?? Infinity);
        }),
      ),
      peer.messages$.pipe(
        tap((message) => {
          if (USEFUL_COMMANDS.has(message.command)) live.lastUseful = scheduler.now();
          this.#onMessage(peer, session, message);
        }),
      ),
    ).subscribe({
      error: (error: unknown) => {
        failure = error;
        peer.close(error);
      },
    });
    this.#subscriptions.add(subscription);
    // Every way a peer ends passes here once: the remote hung up, its bytes broke the protocol
    // (the peer closes itself), keep-alive failed, the manager closed it (evicted, stop).
    peer.closed$.subscribe((closeInfo) => {
      subscription.unsubscribe();
      this.#subscriptions.remove(subscription);
      const error = failure ?? closeInfo.error;
      if (error !== undefined) this.charge(info.remote, error, info.permanent);
      this.#peers.delete(info.key);
      if (inboundId !== undefined) this.#inbound.delete(inboundId);
      log('peer down %s', info.key);
      emit({ type: 'peerDown', peer: snapshot(live), error });
    });
  }

  #onMessage(peer: Peer<BitcoinMessage>, session: SessionState, message: BitcoinMessage): void {
    if (isRawMessage(message)) return;
    const { book, options } = this.#deps;
    if (message.command === 'getaddr') {
      if (getaddrVerdict({ outbound: session.outbound, answered: session.getaddrAnswered }) !== 'answer') return;
      session.getaddrAnswered = true;
      const now = options.scheduler.now();
      const entries = addrAnswer<BookAddress>([...book.all(), ...book.overlayEntries()], { now, random: this.#random });
      const answer = addrMessageOf(entries, { addrv2: session.addrv2, now });
      if (answer.addresses.length > 0) peer.send(answer);
    } else if (message.command === 'addr' || message.command === 'addrv2') {
      // A block-relay-only peer's addresses are not taken (Core: no addr relay with it at all).
      if (!session.addrRelay) return;
      this.#deps.addrMessages({ peer: session.remote, message });
      // An addr-fetch peer has done its job once it answered (more than a self-announcement: Core).
      if (session.addrFetch && message.addresses.length > 1) peer.close();
    } else {
      const reply = nonServiceReply(message);
      if (reply) peer.send(reply);
    }
  }

  /**
   * Our listening address to an outbound peer: once now, then after exponentially distributed
   * delays of mean `selfAnnounceInterval` (Core's local-address broadcast), so that the times do
   * not fingerprint us. Nothing when we do not listen.
   */
  #selfAnnouncements(peer: Peer<BitcoinMessage>, session: SessionState): Observable<never> {
    const { options, ownAddress } = this.#deps;
    const mean = options.selfAnnounceInterval;
    return defer(() => {
      const announce = () => {
        const own = ownAddress();
        if (own === undefined) return;
        const now = options.scheduler.now();
        const self: AddrInfo = {
          addr: own,
          services: options.services,
          timestamp: now,
          source: own,
          attempts: 0,
          lastAttempt: undefined,
          lastSuccess: undefined,
          tried: false,
        };
        peer.send(addrMessageOf([self], { addrv2: session.addrv2, now }));
      };
      announce();
      if (!(mean > 0 && Number.isFinite(mean))) return EMPTY;
      const next = (): Observable<never> =>
        timer(-Math.log(1 - this.#random()) * mean, options.scheduler).pipe(
          mergeMap(() => {
            announce();
            return next();
          }),
        );
      return next();
    });
  }
}

/** A peer's info as of now: the handshake's facts with its ping and byte counters. */
function snapshot(live: LivePeer): PeerInfo {
  const { bytesIn, bytesOut } = live.peer.stats();
  return {
    ...live.info,
    ...(live.pingMs === undefined ? {} : { pingMs: live.pingMs }),
    ...(live.minPingMs === undefined ? {} : { minPingMs: live.minPingMs }),
    ...(live.lastUseful === undefined ? {} : { lastUseful: live.lastUseful }),
    bytesSent: bytesOut,
    bytesRecv: bytesIn,
  };
}
