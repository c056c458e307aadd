import { expect } from 'chai';
import { handleJsonRpc } from '../../lib/rpc/handleJsonRpc.js';
import { RPC_METHODS } from '../../lib/rpc/rpcMethods.js';
import type { RpcNode } from '../../lib/rpc/RpcNode.js';
import { T0, fakeRpcNode, peer } from './fakeRpcNode.js';
import { type RpcReplyJson, parseRpcReply } from './rpcReplyJson.js';

/** Calls `method` on `node` the way the server does; the result or the error. */
async function call<R = unknown>(node: RpcNode, method: string, params: unknown = []): Promise<RpcReplyJson<R>> {
  const reply = await handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }), node, { methods: RPC_METHODS });
  return parseRpcReply<R>(reply.body!);
}

describe('rpc/RPC_METHODS (in-memory RpcNode)', () => {
  it('getpeerinfo: Core field names, seconds, banscore and connection_type', async () => {
    const { node } = fakeRpcNode([
      peer(3, '[2001:db8::5]:8333', { inbound: true, connectionType: 'inbound', pingMs: 250, banScore: 20, services: 9n }),
    ]);
    const [p] = (await call<unknown[]>(node, 'getpeerinfo')).result ?? [];
    expect(p).to.deep.include({
      id: 3,
      addr: '[2001:db8::5]:8333',
      network: 'ipv6',
      services: '0000000000000009',
      servicesnames: ['NETWORK', 'WITNESS'],
      inbound: true,
      connection_type: 'inbound',
      banscore: 20,
      pingtime: 0.25,
      conntime: (T0 - 60_000) / 1000,
      subver: '/test:1/',
      startingheight: 7,
    });
    expect(p).to.include.keys('bytessent', 'bytesrecv', 'version', 'permissions');
  });

  it('getconnectioncount and getnetworkinfo count peers by direction', async () => {
    const { node } = fakeRpcNode([peer(1, '10.0.0.1:1'), peer(2, '10.0.0.2:1', { inbound: true, connectionType: 'inbound' })]);
    expect((await call(node, 'getconnectioncount')).result).to.equal(2);
    const info = (await call<{ subversion: string }>(node, 'getnetworkinfo')).result;
    expect(info).to.deep.include({ connections: 2, connections_in: 1, connections_out: 1, networkactive: true, protocolversion: 70016 });
    expect(info?.subversion).to.match(/^\/rx-connmgr:/);
  });

  it('addnode add|remove|onetry, with Core errors for twice-added and never-added', async () => {
    const { node, calls } = fakeRpcNode();
    expect((await call(node, 'addnode', ['10.0.0.9:8333', 'add'])).result).to.equal(null);
    expect((await call(node, 'addnode', { node: '10.0.0.9:8333', command: 'add' })).error?.code).to.equal(-23);
    expect((await call(node, 'addnode', ['10.0.0.9:8333', 'onetry'])).result).to.equal(null);
    expect((await call(node, 'addnode', ['10.0.0.9:8333', 'remove'])).result).to.equal(null);
    expect((await call(node, 'addnode', ['10.0.0.9:8333', 'remove'])).error?.code).to.equal(-24);
    expect((await call(node, 'addnode', ['10.0.0.9:8333', 'explode'])).error?.code).to.equal(-8);
    expect(calls).to.deep.equal([
      'add 10.0.0.9:8333',
      'add 10.0.0.9:8333',
      'onetry 10.0.0.9:8333',
      'remove 10.0.0.9:8333',
      'remove 10.0.0.9:8333',
    ]);
  });

  it('getaddednodeinfo lists added nodes with their outbound connection; an unknown one is -24', async () => {
    const { node, added } = fakeRpcNode([peer(1, '10.0.0.9:8333', { connectionType: 'manual' })]);
    added.push('10.0.0.9:8333', '10.0.0.10:8333');
    expect((await call(node, 'getaddednodeinfo')).result).to.deep.equal([
      { addednode: '10.0.0.9:8333', connected: true, addresses: [{ address: '10.0.0.9:8333', connected: 'outbound' }] },
      { addednode: '10.0.0.10:8333', connected: false, addresses: [] },
    ]);
    expect((await call(node, 'getaddednodeinfo', ['10.0.0.10:8333'])).result).to.have.length(1);
    expect((await call(node, 'getaddednodeinfo', ['10.0.0.11:8333'])).error?.code).to.equal(-24);
  });

  it('disconnectnode by address or by nodeid; both or neither → -32602; unknown → -29', async () => {
    const { node, calls } = fakeRpcNode([peer(1, '10.0.0.1:8333'), peer(2, '10.0.0.2:8333')]);
    expect((await call(node, 'disconnectnode', ['10.0.0.1:8333'])).result).to.equal(null);
    expect((await call(node, 'disconnectnode', { nodeid: 2 })).result).to.equal(null);
    expect((await call(node, 'disconnectnode', ['', 2])).error?.code).to.equal(-29);
    expect((await call(node, 'disconnectnode', ['10.0.0.1:8333', 2])).error?.code).to.equal(-32602);
    expect((await call(node, 'disconnectnode', [])).error?.code).to.equal(-32602);
    expect((await call(node, 'disconnectnode', { nodeid: 1.5 })).error?.code).to.equal(-32602);
    expect(calls).to.deep.equal(['disconnect 1', 'disconnect 2']);
  });

  it('setban add (subnet, bantime, absolute) bans and drops covered peers; listbanned shows Core fields', async () => {
    const { node, clock, calls } = fakeRpcNode([peer(1, '10.1.2.3:8333'), peer(2, '10.2.0.1:8333')]);
    expect((await call(node, 'setban', ['10.1.0.0/16', 'add', 3600])).result).to.equal(null);
    expect(calls).to.deep.equal(['disconnect 1']);
    expect(
      (await call(node, 'setban', { subnet: '2001:db8::/32', command: 'add', bantime: T0 / 1000 + 60, absolute: true })).result,
    ).to.equal(null);
    expect((await call(node, 'setban', ['192.0.2.1', 'add'])).result).to.equal(null); // default 24 h
    clock.t += 10_000;
    expect((await call(node, 'listbanned')).result).to.deep.equal([
      { address: '10.1.0.0/16', ban_created: T0 / 1000, banned_until: T0 / 1000 + 3600, ban_duration: 3600, time_remaining: 3590 },
      { address: '2001:db8::/32', ban_created: T0 / 1000, banned_until: T0 / 1000 + 60, ban_duration: 60, time_remaining: 50 },
      { address: '192.0.2.1/32', ban_created: T0 / 1000, banned_until: T0 / 1000 + 86_400, ban_duration: 86_400, time_remaining: 86_390 },
    ]);
  });

  it('setban errors: bad subnet -30, already banned -23, past absolute -8, bad command -8, whitelisted -8', async () => {
    const { node } = fakeRpcNode();
    expect((await call(node, 'setban', ['10.0.0.0/33', 'add'])).error?.code).to.equal(-30);
    expect((await call(node, 'setban', ['example.com', 'add'])).error?.code).to.equal(-30);
    await call(node, 'setban', ['10.0.0.0/8', 'add']);
    expect((await call(node, 'setban', ['10.0.0.0/8', 'add'])).error?.code).to.equal(-23);
    expect((await call(node, 'setban', ['10.0.0.0/9', 'add', 10, true])).error?.code).to.equal(-8);
    expect((await call(node, 'setban', ['10.0.0.0/9', 'add', -1])).error?.code).to.equal(-8);
    expect((await call(node, 'setban', ['10.0.0.0/9', 'ban'])).error?.code).to.equal(-8);
    expect((await call(node, 'setban', ['127.0.0.1', 'add'])).error?.code).to.equal(-8);
    expect((await call(node, 'setban', ['10.0.0.0/8', 'add', 'soon'])).error?.code).to.equal(-32602);
  });

  it('setban remove lifts exactly that subnet (-30 if not banned); clearbanned lifts all', async () => {
    const { node, bans } = fakeRpcNode();
    await call(node, 'setban', ['10.0.0.0/8', 'add']);
    await call(node, 'setban', ['192.0.2.1', 'add']);
    expect((await call(node, 'setban', ['10.0.0.0/16', 'remove'])).error?.code).to.equal(-30);
    expect((await call(node, 'setban', ['10.0.0.0/8', 'remove'])).result).to.equal(null);
    expect(bans.isBanned('10.1.1.1')).to.equal(false);
    expect((await call(node, 'clearbanned')).result).to.equal(null);
    expect((await call(node, 'listbanned')).result).to.deep.equal([]);
  });

  it('setnetworkactive turns networking off and on; getnetworkinfo follows', async () => {
    const { node } = fakeRpcNode();
    expect((await call(node, 'setnetworkactive', [false])).result).to.equal(false);
    expect((await call<{ networkactive: boolean }>(node, 'getnetworkinfo')).result?.networkactive).to.equal(false);
    expect((await call(node, 'setnetworkactive', ['yes'])).error?.code).to.equal(-32602);
    expect((await call(node, 'setnetworkactive', [])).error?.code).to.equal(-32602);
  });

  it('getnodeaddresses: count (1 by default, 0 = all), network filter, Core errors', async () => {
    const { node } = fakeRpcNode();
    expect((await call(node, 'getnodeaddresses')).result).to.deep.equal([
      { time: (T0 - 5_000) / 1000, services: 1, address: '10.0.0.1', port: 8333, network: 'ipv4' },
    ]);
    expect((await call(node, 'getnodeaddresses', [0])).result).to.have.length(2);
    expect((await call<{ address: string }[]>(node, 'getnodeaddresses', [0, 'ipv6'])).result?.map((a) => a.address)).to.deep.equal([
      '2001:db8::1',
    ]);
    expect((await call(node, 'getnodeaddresses', [-1])).error?.code).to.equal(-8);
    expect((await call(node, 'getnodeaddresses', [1, 'tor'])).error?.code).to.equal(-8);
  });

  it('a method whose capability the node lacks answers -32601 naming it', async () => {
    const bare: RpcNode = { peers: () => [], bans: fakeRpcNode().bans, now: () => T0 };
    const r = await call(bare, 'setnetworkactive', [true]);
    expect(r.error?.code).to.equal(-32601);
    expect(r.error?.message).to.include('setNetworkActive');
    expect((await call(bare, 'getnodeaddresses')).error?.message).to.include('knownAddresses');
  });
});
