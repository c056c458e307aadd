import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type createDebug from 'debug';
import { EMPTY, Subscription, defer, map, merge, mergeMap, tap, timer, type Observable } from 'rxjs';
import type { AddrInfo, BookAddress } from '../addr/AddrInfo.js';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BanList } from '../ban/BanList.js';
import type { PeerMessage } from '../discovery/peerAddresses.js';
import { addrAnswer, addrMessageOf, getaddrVerdict } from '../discovery/answerGetaddr.js';
import { shouldAskForAddresses } from '../discovery/shouldAskForAddresses.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { Peer } from '../peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../peer/bitcoin/bitcoinHandshake.js';
import { keepAlive } from '../peer/bitcoin/keepAlive.js';
import { isRawMessage, type BitcoinMessage } from '../protocol/bitcoin/messages.js';
import { nonServiceReply } from '../protocol/bitcoin/nonServiceReply.js';
import { ProtocolError, type WireProtocol } from '../protocol/WireProtocol.js';
import type { InboundSessionFacts } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { PeerInfo } from './PeerInfo.js';

/** What a running session knows about its peer that its message handling reads. */
interface SessionState {
  readonly remote: SocketAddress;
  readonly outbound: boolean;
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

/**
 * The peers' lives: the version handshake (our nonces, to spot a dial to ourselves; our
 * `sendaddrv2`), then keep-alive and message handling until the peer closes: `getaddr`
 * answered as Core does (once per inbound connection, never to outbound, a random ≤ 23 % /
 * 1,000 of the book, as `addrv2` to peers that sent `sendaddrv2`), `addr`/`addrv2` passed to
 * discovery, block requests given the empty answers of `nonServiceReply`, and our own listening
 * address announced to outbound peers after the handshake and then about every
 * `selfAnnounceInterval`; every error with a `banScore` is charged to its host. The
 * manager learns of every close by itself (it watches `peer.closed$`), so a session never sends
 * it commands.
 */
export class PeerSessions {
  readonly #deps: PeerSessionsDeps;
  readonly #peers = new Map<string, PeerInfo>();
  /** Handshaken inbound peers by inbound id: the eviction candidates. */
  readonly #inbound = new Map<number, PeerInfo>();
  readonly #minPing = new Map<string, number>();
  readonly #nonces = new Set<bigint>();
  readonly #subscriptions = new Subscription();
  readonly #random: () => number;
  #pendingHandshakes = 0;

  constructor(deps: PeerSessionsDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
  }

  /** The handshaken peers. */
  peers(): PeerInfo[] {
    return [...this.#peers.values()];
  }

  /** Inbound handshakes in flight. */
  get pendingHandshakes(): number {
    return this.#pendingHandshakes;
  }

  /** The handshaken inbound peers as eviction sees them now. */
  inboundSessions(): InboundSessionFacts[] {
    const sessions: InboundSessionFacts[] = [];
    for (const [inboundId, info] of this.#inbound) {
      sessions.push({
        inboundId,
        remote: info.remote,
        since: info.since,
        minPingMs: this.#minPing.get(info.key) ?? Infinity,
        whitelisted: this.#deps.banList.isWhitelisted(info.remote.host),
        info,
      });
    }
    return sessions;
  }

  /** An outbound socket's handshake: the conn for the manager, or the handshake's error (charged). */
  shakeOutbound(addr: SocketAddress, socket: Socket): Observable<NodeConn> {
    return defer(() => {
      const peer = new Peer(socket, this.#deps.protocol, { scheduler: this.#deps.options.scheduler });
      let shaken = false;
      return this.#handshake(peer, 'outbound').pipe(
        map((handshake): NodeConn => {
          shaken = true;
          return { peer, socket, handshake };
        }),
        tap({
          error: (error: unknown) => {
            this.charge(addr, error);
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

  /** An outbound peer the manager took: it is good, may be asked for addresses, and runs. */
  runOutbound(conn: NodeConn, id: number, addr: SocketAddress, permanent: boolean): void {
    this.#deps.book.good(addr);
    if (shouldAskForAddresses(this.#deps.book.size)) {
      // Solicited first, so that the answer finds its allowance in discovery's limiter.
      this.#deps.solicited(addr);
      conn.peer.send({ command: 'getaddr' });
    }
    this.#run(conn, conn.handshake!, { direction: 'outbound', key: `out#${id}`, remote: addr, permanent });
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
        this.#run(conn, handshake, { direction: 'inbound', key: `in@${inboundId}`, remote, permanent: false }, inboundId);
      },
      error: (error: unknown) => {
        this.charge(remote, error);
        this.#deps.emit({ type: 'handshakeFailed', direction: 'inbound', remote: remote.toString(), error });
      },
    });
    this.#subscriptions.add(subscription);
    peer.closed$.subscribe(() => this.#subscriptions.remove(subscription));
  }

  /** Charges `error`'s `banScore` (if any) to the host; a host over the threshold is banned. */
  charge(remote: SocketAddress, error: unknown): void {
    const banScore = error instanceof ProtocolError ? error.banScore : (error as { banScore?: unknown } | null)?.banScore;
    if (typeof banScore !== 'number' || banScore <= 0) return;
    const reason = error instanceof Error ? error.message : String(error);
    const { score, banned } = this.#deps.banList.misbehaving(remote.host, banScore, 0, reason);
    this.#deps.log('misbehaving %s +%d → %d%s: %s', remote, banScore, score, banned ? ' BANNED' : '', reason);
    this.#deps.emit({ type: 'misbehaving', remote: remote.toString(), cost: banScore, score, banned, reason, error });
  }

  /** Ends every session's work (the peers themselves are closed by the manager). */
  stop(): void {
    this.#subscriptions.unsubscribe();
  }

  #handshake(peer: Peer<BitcoinMessage>, direction: 'outbound' | 'inbound'): Observable<HandshakeResult> {
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
        services: options.services,
        relay: options.relay,
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
    meta: Pick<PeerInfo, 'direction' | 'key' | 'remote' | 'permanent'>,
    inboundId?: number,
  ): void {
    const { peer, socket } = conn;
    const { options, log, emit } = this.#deps;
    const { scheduler } = options;
    const info: PeerInfo = { ...meta, userAgent: handshake.userAgent, startHeight: handshake.startHeight, since: scheduler.now() };
    this.#peers.set(info.key, info);
    if (inboundId !== undefined) this.#inbound.set(inboundId, info);
    log('peer up %s %s %s', info.key, info.remote, handshake.userAgent);
    emit({ type: 'peerUp', peer: info });
    options.onPeerUp?.(info, socket);
    let failure: unknown;
    const session: SessionState = {
      remote: info.remote,
      outbound: meta.direction === 'outbound',
      addrv2: handshake.sendAddrV2,
      getaddrAnswered: false,
    };
    const subscription = merge(
      session.outbound ? this.#selfAnnouncements(peer, session) : EMPTY,
      keepAlive(peer, { pingInterval: options.pingInterval, idleTimeout: options.idleTimeout, scheduler }).pipe(
        tap((sample) => this.#minPing.set(info.key, Math.min(sample.rtt, this.#minPing.get(info.key) ?? Infinity))),
      ),
      peer.messages$.pipe(tap((message) => this.#onMessage(peer, session, message))),
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
      if (error !== undefined) this.charge(info.remote, error);
      this.#peers.delete(info.key);
      if (inboundId !== undefined) this.#inbound.delete(inboundId);
      this.#minPing.delete(info.key);
      log('peer down %s', info.key);
      emit({ type: 'peerDown', peer: info, error });
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
      this.#deps.addrMessages({ peer: session.remote, message });
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
