import type { SchedulerLike } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BackoffPolicy } from '../backoff/Backoff.js';
import type { BanList, BanListOptions } from '../ban/BanList.js';
import type { BitcoinNetworkName } from '../protocol/bitcoin/networks.js';
import type { Transport } from '../transport/Transport.js';

/**
 * Options of a node (`createNode`). Defaults follow btcd's server; the ones that differ say why.
 */
export interface NodeOptions {
  /** IP to listen on and to dial from. Default `'127.0.0.1'`. Several nodes on one machine can use 127.0.0.2, 127.0.0.3, … to look like distinct hosts. */
  readonly host?: string;
  /** Port to listen on. Default 0: one from the OS (see `node.address`). */
  readonly port?: number;
  /** Accept inbound connections. Default true. */
  readonly listen?: boolean;
  /** Bitcoin network (magic and default port). Default `'regtest'`: nothing here should reach mainnet by accident. */
  readonly network?: BitcoinNetworkName;
  /** Automatic outbound peers kept. Default 8. */
  readonly targetOutbound?: number;
  /** Peers at most, both directions; inbound slots are `maxPeers − targetOutbound − permanent peers`. Default 125. */
  readonly maxPeers?: number;
  /** `addnode`: permanent peers, reconnected forever on their backoff. */
  readonly addPeers?: readonly string[];
  /** `connect`: connect mode — only these (permanent) peers, no automatic outbound. */
  readonly connectPeers?: readonly string[];
  /** Hard-coded seeds: put in the address book at start when it is empty. */
  readonly seeds?: readonly string[];
  /** DNS seeds: host names resolved (A and AAAA) at start; each address gets the network's default port. */
  readonly dnsSeeds?: readonly string[];
  /** DNS servers for `dnsSeeds` (`'127.0.0.1:5353'`, …). Default: the system's. */
  readonly dnsServers?: readonly string[];
  /** Where the address book is kept (JSON, atomic writes; a corrupt file is set aside). Default: not kept. */
  readonly addressFile?: string;
  /** Where the anchors are kept: up to 2 outbound peers saved on stop and dialed first on the next start (Core). Default: none. */
  readonly anchorsFile?: string;
  /** ms between feeler connections (a short test of an address from the new table). Default 120,000 (Core); `Infinity` = none. */
  readonly feelerInterval?: number;
  /** ms between saves of the address book (it is also saved on stop). Default 600,000. */
  readonly saveInterval?: number;
  /** The address book to draw outbound addresses from. Default: a new, empty one. */
  readonly addressBook?: AddressBook;
  /** The ban list, or options for a new one (threshold 100, 24 h). */
  readonly bans?: BanList | BanListOptions;
  /** ms; manager retry step. Default 5,000. */
  readonly retryDuration?: number;
  /** ms; manager retry cap. Default 300,000. */
  readonly maxRetryDuration?: number;
  /** Retry policy of permanent peers. Default btcd's linear one. */
  readonly backoff?: BackoffPolicy;
  /**
   * ms a connection must last before its backoff resets. Default 60,000 — unlike btcd (0), whose
   * peers that accept TCP and then hang up (e.g. a node that banned us) are redialed every
   * `retryDuration` forever.
   */
  readonly minUptime?: number;
  /** ms to connect. Default 30,000 (btcd). */
  readonly dialTimeout?: number;
  /** ms for the version handshake. Default 30,000 (btcd). */
  readonly handshakeTimeout?: number;
  /** ms between pings. Default 120,000 (btcd). */
  readonly pingInterval?: number;
  /** ms of silence before a peer is dropped. Default 300,000 (btcd). */
  readonly idleTimeout?: number;
  /** Our user agent. Default `/rx-connmgr:<version>/`. */
  readonly userAgent?: string;
  /**
   * Service bits announced in our version. Default `0n` (we serve no blocks). A node that real
   * nodes should dial must set `1n` (NODE_NETWORK): bcoin and Bitcoin Core drop outbound peers
   * without it (bcoin: "Peer does not support network services").
   */
  readonly services?: bigint;
  /** Block height announced in our version. Default 0. */
  readonly startHeight?: number;
  /** Inbound conns at most from one IP (loopback counts per address:port). Default 8. */
  readonly maxInboundPerIp?: number;
  /** Inbound conns at most from one network group. Default: no cap (eviction already thins crowded groups). */
  readonly maxInboundPerGroup?: number;
  /** Accepts per second per IP before more are refused (a token bucket; js-libp2p's default). Default 5. */
  readonly acceptRate?: number;
  /** Inbound handshakes in flight at most; more are refused. Default 64. */
  readonly maxPendingHandshakes?: number;
  /** For demos and tests: after each handshake, send the peer a frame with a bad network magic (each costs the sender 100 ban points). Default false. */
  readonly misbehave?: boolean;
  /** How the node dials and listens. Default TCP (`tcpTransport`); `MemoryNetwork.transport()` (rx-connmgr/testing) for virtual-time scenarios. */
  readonly transport?: Transport;
  /** Every timer (manager, handshake, keep-alive). Default `immediateScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** A name for logs (`rx-connmgr:node:<name>`). Default the listen address. */
  readonly name?: string;
}
