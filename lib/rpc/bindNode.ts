import type { BitcoinNode as Node } from '../node/BitcoinNode.js';
import type { PeerInfo } from '../node/PeerInfo.js';
import { RPC_ERROR, RpcError } from './RpcError.js';
import type { RpcNode, RpcPeer } from './RpcNode.js';

/**
 * Adapts a `BitcoinNode` to the {@link RpcNode} the RPC methods need, through the node's public
 * operator surface only: `peers()` (Core's nodeid, services, version, ping, byte counters and
 * permissions), `disconnectPeer`, `addPeer`/`removePeer`/`tryPeer`/`addedPeers`,
 * `networkActive`/`setNetworkActive`, `userAgent`/`localServices`/`protocolVersion`, `book`, and
 * `banList` with its clock (`banList.now()`, the `now` of listbanned and absolute `setban`).
 * Every method is available.
 *
 * `conntime` is the peer's `PeerInfo.since`, on the node's scheduler: with the default scheduler
 * that is the wall clock, as Core's.
 *
 * @example
 * ```ts
 * const rpc = new RpcServer({ node: bindNode(node), auth: { cookieFile: '.cookie' } });
 * ```
 */
export function bindNode(node: Node): RpcNode {
  const address = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw new RpcError(RPC_ERROR.INVALID_PARAMETER, `Error: ${(error as Error).message}`);
    }
  };
  return {
    bans: node.banList,
    now: () => node.banList.now(),
    peers: () => node.peers().map((info) => rpcPeer(info, node.banList.scoreOf(info.remote.host))),
    networkInfo: () => ({ subversion: node.userAgent, protocolVersion: node.protocolVersion, localServices: node.localServices }),
    disconnect: (id) => node.disconnectPeer(id),
    addNode: (text) => address(() => node.addPeer(text)),
    removeNode: (text) => address(() => node.removePeer(text)),
    tryNode: (text) => address(() => node.tryPeer(text)),
    addedNodes: () => node.addedPeers(),
    networkActive: () => node.networkActive,
    setNetworkActive: (active) => node.setNetworkActive(active),
    knownAddresses: () => node.book.all().map((a) => ({ host: a.addr.host, port: a.addr.port, services: a.services, time: a.timestamp })),
  };
}

/** One node peer as getpeerinfo shows it. */
function rpcPeer(info: PeerInfo, banScore: number): RpcPeer {
  const inbound = info.direction === 'inbound';
  return {
    id: info.id,
    addr: info.remote.toString(),
    inbound,
    connectionType: info.connectionType,
    subver: info.userAgent,
    connectedAt: info.since,
    startingHeight: info.startHeight,
    services: info.services,
    version: info.version,
    ...(info.pingMs === undefined ? {} : { pingMs: info.pingMs }),
    ...(info.minPingMs === undefined ? {} : { minPingMs: info.minPingMs }),
    bytesSent: info.bytesSent,
    bytesRecv: info.bytesRecv,
    banScore,
    permissions: info.permissions,
    transport: info.transport,
    sessionId: info.sessionId,
  };
}
