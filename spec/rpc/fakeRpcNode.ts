import { BanList } from '../../lib/ban/BanList.js';
import type { RpcNode, RpcPeer } from '../../lib/rpc/RpcNode.js';

export const T0 = 1_700_000_000_000;

/** An in-memory RpcNode: peers and added nodes in arrays, a real BanList on a hand-held clock, a log of calls. */
export function fakeRpcNode(peers: RpcPeer[] = []) {
  const clock = { t: T0 };
  const calls: string[] = [];
  const added: string[] = [];
  let active = true;
  const bans = new BanList({ now: () => clock.t, whitelist: ['127.0.0.1'] });
  const node: RpcNode = {
    bans,
    now: () => clock.t,
    peers: () => peers,
    disconnect: (id) => {
      calls.push(`disconnect ${id}`);
      const i = peers.findIndex((p) => p.id === id);
      if (i < 0) return false;
      peers.splice(i, 1);
      return true;
    },
    addNode: (a) => {
      calls.push(`add ${a}`);
      if (added.includes(a)) return false;
      added.push(a);
      return true;
    },
    removeNode: (a) => {
      calls.push(`remove ${a}`);
      const i = added.indexOf(a);
      if (i < 0) return false;
      added.splice(i, 1);
      return true;
    },
    tryNode: (a) => void calls.push(`onetry ${a}`),
    addedNodes: () => added,
    networkActive: () => active,
    setNetworkActive: (on) => (active = on),
    knownAddresses: () => [
      { host: '10.0.0.1', port: 8333, services: 1n, time: T0 - 5_000 },
      { host: '2001:db8::1', port: 8333, services: 9n, time: T0 - 9_000 },
    ],
  };
  return { node, clock, calls, added, bans, peers };
}

export function peer(id: number, addr: string, extra: Partial<RpcPeer> = {}): RpcPeer {
  return {
    id,
    addr,
    inbound: false,
    connectionType: 'outbound-full-relay',
    subver: '/test:1/',
    connectedAt: T0 - 60_000,
    startingHeight: 7,
    ...extra,
  };
}
