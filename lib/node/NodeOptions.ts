import type { Socket } from 'node:net';
import type { Observable, SchedulerLike } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BackoffPolicy } from '../backoff/Backoff.js';
import type { BanList, BanListOptions } from '../ban/BanList.js';
import type { Discouragement, DiscouragementOptions } from '../ban/Discouragement.js';
import type { LoopbackGrouping } from '../net/netGroup.js';
import type { BitcoinNetworkName } from '../protocol/bitcoin/networks.js';
import type { Transport } from '../transport/Transport.js';
import type { PeerInfo } from './PeerInfo.js';

/**
 * Options of a node (`createNode`). Defaults follow btcd's server; the ones that differ say why.
 * Each default is applied in one place, `NODE_DEFAULTS` (nodeDefaults.ts).
 */
export interface NodeOptions {
  /** IP to listen on and to dial from. Several nodes on one machine can use 127.0.0.2, 127.0.0.3, … to look like distinct hosts. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 = one from the OS (see `node.address`). @default 0 */
  readonly port?: number;
  /** Accept inbound connections. @default true */
  readonly listen?: boolean;
  /** Bitcoin network (magic and default port). Regtest, so that nothing here reaches mainnet by accident. @default 'regtest' */
  readonly network?: BitcoinNetworkName;
  /** Automatic full-relay outbound peers kept (the manager's default class). @default 8 */
  readonly targetOutbound?: number;
  /**
   * Automatic block-relay-only outbound peers kept, on top of `targetOutbound` (Core: 2): our
   * `version` says `relay = false`, no `addr`/`getaddr` goes to them and their `addr` messages are
   * ignored, our address is not announced to them — peers an attacker cannot map through addr
   * relay. They are the anchors kept on stop. Their own budget in the manager (class `'block-relay-only'`).
   * @default 2
   */
  readonly blockRelayOnlyPeers?: number;
  /**
   * "The tip is stale / our peers are useless" (Core's stale-tip check; this library has no chain,
   * so the signal comes from outside): each value opens one extra full-relay outbound peer, and
   * once it is up the full-relay outbound peer whose last useful message (`inv`, `headers`,
   * `block`, `tx`) is the oldest is evicted — never the newest, never a manual one.
   * @default none
   */
  readonly tipStale$?: Observable<unknown>;
  /**
   * ms between extra block-relay-only peers (Core's `EXTRA_BLOCK_RELAY_ONLY_PEER_INTERVAL`, 5 min):
   * one more is opened, and once it is up the block-relay-only peer with the oldest useful message
   * is evicted (never the newest), so these peers rotate slowly. `Infinity` = never.
   * @default 300_000
   */
  readonly extraBlockRelayInterval?: number;
  /** Peers at most, both directions; inbound slots are `maxPeers − targetOutbound − permanent peers`. @default 125 */
  readonly maxPeers?: number;
  /** `addnode`: permanent peers, reconnected forever on their backoff. @default none */
  readonly addPeers?: readonly string[];
  /** `connect`: connect mode — only these (permanent) peers, no automatic outbound. @default none */
  readonly connectPeers?: readonly string[];
  /** Hard-coded seeds: put in the address book at start when it is empty. @default none */
  readonly seeds?: readonly string[];
  /**
   * Seed nodes (Core's `-seednode`): while the book holds fewer than 1,000 addresses, these are
   * connected as short-lived `addr-fetch` peers (two at a time) — asked for addresses with
   * `getaddr`, closed once they answered or after a minute — to fill an empty book. Not kept as peers.
   * @default none
   */
  readonly seedNodes?: readonly string[];
  /** DNS seeds: host names resolved (A and AAAA) at start; each address gets the network's default port. @default none */
  readonly dnsSeeds?: readonly string[];
  /** DNS servers for `dnsSeeds` (`'127.0.0.1:5353'`, …). @default the system's */
  readonly dnsServers?: readonly string[];
  /** Where the address book is kept (JSON, atomic writes; a corrupt file is set aside). @default not kept */
  readonly addressFile?: string;
  /** Where the anchors are kept: up to 2 outbound peers saved on stop and dialed first on the next start (Core). @default none */
  readonly anchorsFile?: string;
  /** ms between feeler connections (a short test of an address from the new table); `Infinity` = none. @default 120_000 (Core) */
  readonly feelerInterval?: number;
  /** ms between saves of the address book (it is also saved on stop). @default 600_000 */
  readonly saveInterval?: number;
  /** The address book to draw outbound addresses from. @default a new, empty one */
  readonly addressBook?: AddressBook;
  /** The ban list, or options for a new one. @default a new one: threshold 100, 24 h */
  readonly bans?: BanList | BanListOptions;
  /**
   * Permission flags per network, in Bitcoin Core's `-whitelist` syntax: `'noban,forceinbound@127.0.0.0/8'`,
   * `'all@::1'`, or a bare network for Core's default `relay,mempool,noban`. `noban`: never banned
   * nor discouraged, past the accept caps, never evicted; `forceinbound`: admitted when inbound is
   * full by evicting someone; `addr`, `relay`, `mempool`: flags shown in `PeerInfo.permissions`.
   * The ban list's `whitelist` still works and means `noban`. A bad rule throws `InvalidPermissionError`.
   * @default none
   */
  readonly permissions?: string | readonly string[];
  /**
   * Where misbehaving hosts that are not (yet) banned are remembered — the first evicted when
   * inbound is full (Core's discouragement) — or options for a new one (`discourageLoopback: true`
   * to discourage 127.0.0.0/8 and ::1 as well).
   * @default a new one: 50,000 hosts, loopback never discouraged
   */
  readonly discouragement?: Discouragement | DiscouragementOptions;
  /** ms; manager retry step. @default 5_000 */
  readonly retryDuration?: number;
  /** ms; manager retry cap. @default 300_000 */
  readonly maxRetryDuration?: number;
  /** Retry policy of permanent peers. @default btcd's linear one (`retryDuration` steps up to `maxRetryDuration`) */
  readonly backoff?: BackoffPolicy;
  /**
   * ms a connection must last before its backoff resets. Unlike btcd (0), whose peers that accept
   * TCP and then hang up (e.g. a node that banned us) are redialed every `retryDuration` forever.
   * @default 60_000
   */
  readonly minUptime?: number;
  /** ms to connect. @default 30_000 (btcd) */
  readonly dialTimeout?: number;
  /** ms for the version handshake. @default 30_000 (btcd) */
  readonly handshakeTimeout?: number;
  /** ms between pings. @default 120_000 (btcd) */
  readonly pingInterval?: number;
  /** ms of silence before a peer is dropped. @default 300_000 (btcd) */
  readonly idleTimeout?: number;
  /** Our user agent. @default `/rx-connmgr:<version>/` */
  readonly userAgent?: string;
  /**
   * Service bits announced in our version (`NODE_NETWORK` 1, `NODE_WITNESS` 8, … from
   * `lib/protocol/bitcoin/services.ts`): by default none, we serve no blocks. A node that real
   * nodes should dial must set `NODE_NETWORK | NODE_WITNESS` (`9n`): Bitcoin Core and bcoin only
   * keep automatic outbound peers with both (Core's `HasAllDesirableServiceFlags`). Whatever is
   * claimed, block requests get the empty answers of `nonServiceReply` (empty `headers`,
   * `notfound`), so a peer syncing from us moves on instead of waiting.
   * @default 0n
   */
  readonly services?: bigint;
  /**
   * BIP324 v2 encrypted transport. On: `NODE_P2P_V2` (bit 11) is added to our services; outbound
   * peers whose book entry advertises it are dialed v2, and dialed again once with v1 on the same
   * attempt if they answer in v1 or hang up (never after a timeout); inbound conns are v1 or v2 as
   * their first bytes say. Off: a v1-only node, as before BIP324.
   * @default true
   */
  readonly v2Transport?: boolean;
  /**
   * Dial manual peers (`addPeers`, `connectPeers`) v2 first, with the same fallback, even when the
   * book does not say they advertise `NODE_P2P_V2` (Core's `addnode … v2transport`). Only with `v2Transport`.
   * @default false
   */
  readonly v2ManualPeers?: boolean;
  /** BIP37 relay flag in our version: whether we want transactions announced. We relay none. @default false */
  readonly relay?: boolean;
  /**
   * How loopback addresses are grouped, for the address book's buckets, the addr-relay limit
   * per source group and the outbound one-per-group rule. `'slash16'` groups 127.a.b.c by
   * 127.a (an IPv4 /16), so that a test network on 127.x behaves as the internet does; the
   * default keeps every loopback host:port its own group (many nodes on one machine).
   * @default 'host-port'
   */
  readonly loopbackGrouping?: LoopbackGrouping;
  /**
   * ms, mean interval between announcements of our own listening address to each outbound peer
   * (exponentially distributed, as Core's `AVG_LOCAL_ADDRESS_BROADCAST_INTERVAL`); the first goes
   * right after the handshake. `Infinity` = never. Nothing is announced when not listening.
   * @default 86_400_000 (24 h, Core)
   */
  readonly selfAnnounceInterval?: number;
  /** Uniform numbers in [0, 1): the getaddr answer's sample and the self-announcement times (seed it for reproducible runs). @default Math.random */
  readonly random?: () => number;
  /** Block height announced in our version. @default 0 */
  readonly startHeight?: number;
  /** Inbound conns at most from one IP. @default 8 */
  readonly maxInboundPerIp?: number;
  /** Inbound conns at most from one network group (eviction already thins crowded groups). @default Infinity */
  readonly maxInboundPerGroup?: number;
  /** Accepts per second per IP before more are refused (a token bucket; js-libp2p's default). @default 5 */
  readonly acceptRate?: number;
  /** Inbound handshakes in flight at most; more are refused. @default 64 */
  readonly maxPendingHandshakes?: number;
  /** Called after each handshake with the peer and its socket: a hook for demos and tests (see `examples/sendWrongMagic.ts`). @default none */
  readonly onPeerUp?: (peer: PeerInfo, socket: Socket) => void;
  /** How the node dials and listens; `MemoryNetwork.transport()` (rx-connmgr/testing) for virtual-time scenarios. @default tcpTransport */
  readonly transport?: Transport;
  /** Every timer (manager, handshake, keep-alive, feelers, saves). @default immediateScheduler */
  readonly scheduler?: SchedulerLike;
  /** A name for logs (`rx-connmgr:node:<name>`). @default the listen host */
  readonly name?: string;
}
