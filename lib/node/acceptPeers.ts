import type { Socket } from 'node:net';
import { EMPTY, mergeMap, of, type Observable } from 'rxjs';
import type { BanList } from '../ban/BanList.js';
import type { PermissionFlag } from '../ban/permissions.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { Peer } from '../peer/Peer.js';
import { acceptRateLimiter } from '../policy/acceptRateLimiter.js';
import { v2ResponderProtocol } from '../protocol/bip324/v2ResponderProtocol.js';
import type { BitcoinMessage } from '../protocol/bitcoin/messages.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import type { WireProtocol } from '../protocol/WireProtocol.js';
import type { ArrivalFacts } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { PeerSessions } from './PeerSessions.js';

/** What {@link acceptPeers} works with. */
export interface AcceptPeersDeps {
  readonly options: ResolvedNodeOptions;
  readonly protocol: WireProtocol<BitcoinMessage>;
  readonly banList: BanList;
  readonly sessions: PeerSessions;
  /** The permission flags of a host. */
  readonly permissions: (host: string) => readonly PermissionFlag[];
  /** Whether networking is on (`setNetworkActive`). */
  readonly networkActive: () => boolean;
  readonly onListening: (address: SocketAddress) => void;
  /** Where an `acceptFailed` goes (the node's `events$`). */
  readonly emit: (event: Extract<NodeEvent, { type: 'acceptFailed' }>) => void;
}

/**
 * The accept edge, the node's listener for its manager: each accepted socket becomes a peer
 * stamped with what the node knows of it now — networking on or off, banned, its permissions
 * (`noban` or the whitelist, `forceinbound`), whether its IP's accept-rate
 * bucket is empty (the buckets are an immutable value folded over the accepts), the handshakes
 * in flight and the eviction candidates — so that the gate in the manager's reducer stays pure.
 * Nothing is sent to the remote here; with `v2Transport` each conn gets its own protocol, which
 * detects v1 or v2 from the first bytes once the conn is admitted (see `v2ResponderProtocol`).
 * A socket a `Peer` cannot be built on (it throws: a transport's bug), or whose facts cannot be
 * read (a ban list or permissions that throw), is an `acceptFailed` event, the socket destroyed,
 * and the accepting goes on, on the same listener.
 */
export function acceptPeers(deps: AcceptPeersDeps): Observable<NodeConn> {
  const { options, protocol, banList, sessions, permissions } = deps;
  const magic = NETWORKS[options.network].magic;
  let limiter = acceptRateLimiter({ perSecond: options.acceptRate });
  const facts = (remote: SocketAddress): ArrivalFacts => {
    const networkInactive = !deps.networkActive();
    const banned = banList.isBanned(remote.host);
    const flags = permissions(remote.host);
    const whitelisted = flags.includes('noban');
    let rateLimited = false;
    if (!networkInactive && !banned && !whitelisted) {
      const decision = limiter.check(remote.host, options.scheduler.now());
      limiter = decision.next;
      rateLimited = !decision.allowed;
    }
    return {
      remote,
      banned,
      whitelisted,
      forceInbound: flags.includes('forceinbound'),
      networkInactive,
      rateLimited,
      pendingHandshakes: sessions.pendingHandshakes,
      sessions: sessions.inboundSessions(),
    };
  };
  return options.transport.listen({ host: options.host, port: options.port, onListening: deps.onListening }).pipe(
    mergeMap((socket) => {
      let peer: Peer<BitcoinMessage> | undefined;
      try {
        // With v2 on, each conn gets its own protocol, which tells v1 from v2 by the first bytes
        // and runs the BIP324 responder; it reads nothing before the gate has admitted the conn.
        const write = (bytes: Uint8Array) => {
          if (!socket.destroyed) socket.write(bytes);
        };
        const own = options.v2Transport ? v2ResponderProtocol(write, { magic }) : protocol;
        peer = new Peer(socket, own, { scheduler: options.scheduler });
        const remote = peer.remote;
        if (!remote) {
          peer.close(); // closed before we could look at it
          return EMPTY;
        }
        return of<NodeConn>({ peer, socket, protocol: own, arrival: facts(remote) });
      } catch (error) {
        // Swallowed, this once hid a TypeError as a node that silently accepted nothing; thrown
        // on, it would end the listener (and a port-0 one would come back on another port).
        deps.emit({ type: 'acceptFailed', remote: peer?.remote?.toString() ?? remoteOf(socket), error });
        closeQuietly(peer, socket);
        return EMPTY;
      }
    }),
  );
}

/** The socket's remote end as `host:port` (`[v6]:port`), or `'?'` when it cannot tell (or throws). */
function remoteOf(socket: Socket): string {
  try {
    const { remoteAddress: host, remotePort: port } = socket;
    if (host === undefined) return '?';
    return host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
  } catch {
    return '?';
  }
}

/** Closes the peer (if one was built) and destroys the socket, for a socket that may be broken enough to throw there too. */
function closeQuietly(peer: Peer<BitcoinMessage> | undefined, socket: Socket): void {
  try {
    peer?.close();
  } catch {
    // The socket is destroyed below either way.
  }
  try {
    socket.destroy();
  } catch {
    // Nothing more can be done with it; the acceptFailed event has said what happened.
  }
}
