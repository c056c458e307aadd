import type { BitcoinNode as Node } from '../node/BitcoinNode.js';
import type { PeerInfo } from '../node/PeerInfo.js';
import { SocketAddress } from '../net/SocketAddress.js';
import { RPC_ERROR, RpcError } from './RpcError.js';
import type { RpcNode, RpcPeer } from './RpcNode.js';

/** Options of {@link bindNode}. */
export interface BindNodeOptions {
  /** The clock of the node's ban list, in ms. Default `Date.now` (the ban list's own default). */
  readonly now?: () => number;
}

/**
 * Adapts a running `Node` to the {@link RpcNode} the RPC methods need, through the node's public
 * surface only (`peers()`, `manager`, `book`, `banList`). What that surface cannot give is left
 * out, and the methods that need it say so:
 *
 * - `setnetworkactive`: the node has no way to pause networking (no `setNetworkActive`);
 * - getpeerinfo's `services`, `version`, `pingtime`, `bytessent/recv` are not exposed by `PeerInfo`,
 *   so they read 0 / are omitted; getnetworkinfo's `localservices` and our user agent likewise.
 *
 * Node ids are numbers given to peers in the order this adapter first sees them (Core's `nodeid`),
 * kept while the peer is connected.
 *
 * @example
 * ```ts
 * const rpc = new RpcServer({ node: bindNode(node), auth: { cookieFile: '.cookie' } });
 * ```
 */
export function bindNode(node: Node, options: BindNodeOptions = {}): RpcNode {
  const now = options.now ?? Date.now;
  const ids = new Map<string, number>();
  let nextId = 0;
  const m = node.manager;

  const idOf = (info: PeerInfo) => {
    let id = ids.get(info.key);
    if (id === undefined) ids.set(info.key, (id = nextId++));
    return id;
  };
  const current = (): { info: PeerInfo; id: number }[] => {
    const list = node.peers();
    const live = new Set(list.map((p) => p.key));
    for (const key of ids.keys()) if (!live.has(key)) ids.delete(key);
    return list.map((info) => ({ info, id: idOf(info) }));
  };
  const parse = (address: string): SocketAddress => {
    try {
      return SocketAddress.parse(address);
    } catch (error) {
      throw new RpcError(RPC_ERROR.INVALID_PARAMETER, `Error: ${(error as Error).message}`);
    }
  };
  const permanentFor = (addr: SocketAddress) => {
    for (const entry of m.state.requests.values()) if (entry.permanent && entry.addr?.toString() === addr.toString()) return entry;
    return undefined;
  };

  return {
    bans: node.banList,
    now,
    peers: (): RpcPeer[] =>
      current().map(({ info, id }) => ({
        id,
        addr: info.remote.toString(),
        inbound: info.direction === 'inbound',
        connectionType: info.direction === 'inbound' ? 'inbound' : info.permanent ? 'manual' : 'outbound-full-relay',
        subver: info.userAgent,
        connectedAt: info.since,
        startingHeight: info.startHeight,
        banScore: node.banList.scoreOf(info.remote.host),
        ...(node.banList.isWhitelisted(info.remote.host) ? { permissions: ['noban'] } : {}),
      })),
    disconnect: (id) => {
      const found = current().find((p) => p.id === id);
      if (!found) return false;
      // Closing the peer is what the remote hanging up would do: the node's own rule then redials
      // a manual peer and replaces an automatic one, as Core's addnode/automatic slots do.
      const key = found.info.key;
      const number = Number(key.slice(key.startsWith('out#') ? 4 : 3));
      const conn = key.startsWith('out#') ? m.state.requests.get(number)?.conn : m.state.inbound.get(number)?.conn;
      if (!conn) return false;
      conn.peer.close();
      return true;
    },
    addNode: (address) => {
      const addr = parse(address);
      if (permanentFor(addr)) return false;
      m.connect(addr, { permanent: true });
      return true;
    },
    removeNode: (address) => {
      const entry = permanentFor(parse(address));
      if (!entry) return false;
      m.remove(entry.id);
      return true;
    },
    tryNode: (address) => {
      m.connect(parse(address));
    },
    addedNodes: () => [...m.state.requests.values()].filter((e) => e.permanent && e.addr !== undefined).map((e) => e.addr!.toString()),
    knownAddresses: () => node.book.all().map((a) => ({ host: a.addr.host, port: a.addr.port, services: a.services, time: a.timestamp })),
  };
}
