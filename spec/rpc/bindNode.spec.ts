import { expect } from 'chai';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import { createNode, type Node, type NodeEvent } from '../../lib/node/index.js';
import { bindNode } from '../../lib/rpc/bindNode.js';
import { RpcServer } from '../../lib/rpc/RpcServer.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';
import { httpCall, rpcCall } from './httpClient.js';
import { type RpcReplyJson, parseRpcReply } from './rpcReplyJson.js';
import { FAST as fast } from '../node/virtualNodes.js';

function next<T>(source$: Observable<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return firstValueFrom(source$.pipe(filter(predicate)));
}
const CREDS = 'op:pw';

/** The getpeerinfo fields these specs read one by one. */
interface PeerInfoJson {
  readonly id: number;
  readonly addr: string;
  readonly inbound: boolean;
  readonly connection_type: string;
  readonly transport_protocol_type: string;
  readonly session_id: string;
  readonly bytessent: number;
  readonly bytesrecv: number;
  readonly conntime: number;
}

/** The first entry of a list result; fails the spec when there is none. */
function firstOf<T>(reply: RpcReplyJson<readonly T[]>): T {
  const [item] = reply.result ?? [];
  expect(item, 'a first entry in the result').to.not.equal(undefined);
  return item!;
}

describe('rpc/bindNode: every method over real HTTP against live nodes on loopback', function () {
  this.timeout(10_000);
  const nodes: Node[] = [];
  const servers: RpcServer[] = [];
  let baseline = 0;
  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await settleTcpHandles(baseline);
  });

  /** Node A (RPC-served, 127.0.0.2) with node B (127.0.0.3) connected to it as an inbound peer. */
  async function pair() {
    const a = createNode({
      ...fast,
      host: '127.0.0.2',
      targetOutbound: 0,
      seeds: ['127.0.0.9:18444'],
      services: 1n,
      permissions: 'relay@127.0.0.3',
    });
    nodes.push(a);
    const aAddr = (await a.start())!;
    const b = createNode({
      ...fast,
      host: '127.0.0.3',
      targetOutbound: 0,
      connectPeers: [aAddr.toString()],
      services: 9n,
      userAgent: '/b:1/',
    });
    nodes.push(b);
    const up = next(a.events$, (e) => e.type === 'peerUp');
    const bAddr = (await b.start())!;
    await up;
    const rpc = new RpcServer({ node: bindNode(a), auth: { user: 'op', password: 'pw' } });
    servers.push(rpc);
    const { port } = await rpc.start();
    const call = async <R = unknown>(method: string, params: unknown = []): Promise<RpcReplyJson<R>> =>
      (await rpcCall<R>(port, CREDS, method, params)).json ?? {};
    return { a, b, bAddr, call, port };
  }

  it('getpeerinfo, getconnectioncount, getnetworkinfo describe the live peer', async () => {
    const { call } = await pair();
    expect((await call('getconnectioncount')).result).to.equal(1);
    const p = firstOf(await call<PeerInfoJson[]>('getpeerinfo'));
    expect(p).to.deep.include({ id: 0, inbound: true, connection_type: 'inbound', network: 'ipv4', banscore: 0 });
    // 9 = NETWORK | WITNESS as configured, plus P2P_V2 (bit 11): v2 is on by default, and these two nodes speak it.
    expect(p).to.deep.include({
      services: '0000000000000809',
      servicesnames: ['NETWORK', 'WITNESS', 'P2P_V2'],
      version: 70016,
      subver: '/b:1/',
      permissions: ['relay'],
    });
    expect(p.transport_protocol_type).to.be.oneOf(['v1', 'v2']);
    expect(p.session_id).to.have.length(p.transport_protocol_type === 'v2' ? 64 : 0);
    expect(p.addr).to.match(/^127\.0\.0\.3:\d+$/);
    expect(p.bytessent).to.be.greaterThan(0);
    expect(p.bytesrecv).to.be.greaterThan(0);
    expect(p.conntime).to.be.closeTo(Date.now() / 1000, 60);
    expect((await call('getnetworkinfo')).result).to.deep.include({
      connections: 1,
      connections_in: 1,
      connections_out: 0,
      networkactive: true,
      localservices: '0000000000000001',
      protocolversion: 70016,
    });
    expect((await call<{ subversion: string }>('getnetworkinfo')).result?.subversion).to.match(/^\/rx-connmgr:/);
  });

  it('addnode add → a manual outbound peer that getaddednodeinfo shows connected; remove drops it; onetry dials once', async () => {
    const { a, bAddr, call } = await pair();
    const up = next(a.events$, (e) => e.type === 'peerUp' && e.peer.direction === 'outbound');
    expect((await call('addnode', [bAddr.toString(), 'add'])).result).to.equal(null);
    expect((await call('addnode', [bAddr.toString(), 'add'])).error?.code).to.equal(-23);
    const upEvent = (await up) as Extract<NodeEvent, { type: 'peerUp' }>;
    expect(upEvent.peer.permanent).to.equal(true);
    expect((await call('getaddednodeinfo')).result).to.deep.equal([
      { addednode: bAddr.toString(), connected: true, addresses: [{ address: bAddr.toString(), connected: 'outbound' }] },
    ]);
    const manual = (await call<PeerInfoJson[]>('getpeerinfo')).result?.find((x) => !x.inbound);
    expect(manual?.connection_type).to.equal('manual');
    const down = next(a.events$, (e) => e.type === 'peerDown' && e.peer.direction === 'outbound');
    expect((await call('addnode', [bAddr.toString(), 'remove'])).result).to.equal(null);
    await down;
    expect((await call('getaddednodeinfo')).result).to.deep.equal([]);
    expect((await call('addnode', [bAddr.toString(), 'remove'])).error?.code).to.equal(-24);
    const once = next(a.events$, (e) => e.type === 'peerUp' && e.peer.direction === 'outbound');
    expect((await call('addnode', [bAddr.toString(), 'onetry'])).result).to.equal(null);
    expect(((await once) as Extract<NodeEvent, { type: 'peerUp' }>).peer.permanent).to.equal(false);
    expect((await call('addnode', ['not an address', 'add'])).error?.code).to.equal(-8);
  });

  it('disconnectnode by nodeid and by address closes the peer', async () => {
    const { a, call } = await pair();
    const p = firstOf(await call<PeerInfoJson[]>('getpeerinfo'));
    const down = next(a.events$, (e) => e.type === 'peerDown');
    expect((await call('disconnectnode', { nodeid: p.id })).result).to.equal(null);
    await down;
    expect((await call('disconnectnode', [p.addr])).error?.code).to.equal(-29);
    // B (connect mode) redials; the new conn gets a new id, and goes by address.
    await next(a.events$, (e) => e.type === 'peerUp');
    const q = firstOf(await call<PeerInfoJson[]>('getpeerinfo'));
    expect(q.id).to.not.equal(p.id);
    const down2 = next(a.events$, (e) => e.type === 'peerDown');
    expect((await call('disconnectnode', [q.addr])).result).to.equal(null);
    await down2;
  });

  it("setban drops the banned subnet's peer and refuses it; listbanned shows it; clearbanned lifts it", async () => {
    const { a, call } = await pair();
    const down = next(a.events$, (e) => e.type === 'peerDown');
    const refused = next(a.events$, (e) => e.type === 'refused' && e.reason === 'banned');
    expect((await call('setban', ['127.0.0.3/32', 'add', 600])).result).to.equal(null);
    await down;
    await refused; // B redials and is turned away before its handshake
    const ban = firstOf(await call<unknown[]>('listbanned'));
    expect(ban).to.deep.include({ address: '127.0.0.3/32', ban_duration: 600 });
    expect(a.banList.isBanned('127.0.0.3')).to.equal(true);
    expect((await call('setban', ['127.0.0.0/30', 'add'])).result).to.equal(null);
    expect((await call<{ address: string }[]>('listbanned')).result?.map((b) => b.address)).to.deep.equal(['127.0.0.3/32', '127.0.0.0/30']);
    expect((await call('setban', ['127.0.0.0/30', 'remove'])).result).to.equal(null);
    expect((await call('setban', ['127.0.0.0/30', 'remove'])).error?.code).to.equal(-30);
    expect((await call<{ address: string }[]>('listbanned')).result?.map((b) => b.address)).to.deep.equal(['127.0.0.3/32']);
    expect(a.banList.isBanned('127.0.0.3')).to.equal(true);
    const back = next(a.events$, (e) => e.type === 'peerUp');
    expect((await call('clearbanned')).result).to.equal(null);
    expect((await call('listbanned')).result).to.deep.equal([]);
    await back; // B gets in again
  });

  it('bad input (wrong types, huge params, unknown methods, a 10,000-call batch, bad JSON) leaves the node its peers', async () => {
    const { a, call, port } = await pair();
    for (const [method, params] of [
      ['setban', [123, 'add']],
      ['disconnectnode', { nodeid: 'x'.repeat(5_000) }],
      ['addnode', ['x'.repeat(1_000_000), 'add']],
      ['stop', []],
      ['getpeerinfo', 'oops'],
    ] as const) {
      expect((await call(method, params)).error?.code, method).to.be.oneOf([-32602, -32601]);
    }
    expect(
      (
        await call(
          'getconnectioncount',
          Array.from({ length: 10_000 }, () => 0),
        )
      ).error?.code,
    ).to.equal(-32602);
    const batch = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ method: 'getpeerinfo', id: i })));
    expect(parseRpcReply((await httpCall(port, { body: batch, auth: CREDS })).text).error?.code).to.equal(-32600);
    expect(parseRpcReply((await httpCall(port, { body: '{"method": [', auth: CREDS })).text).error?.code).to.equal(-32700);
    expect(a.stats()).to.include({ inbound: 1 });
    expect((await call('getconnectioncount')).result).to.equal(1);
  });

  it('getnodeaddresses reads the address book', async () => {
    const { call } = await pair();
    const addrs = (await call<{ address: string; port: number }[]>('getnodeaddresses', [0])).result ?? [];
    expect(addrs.map((x) => `${x.address}:${x.port}`)).to.include('127.0.0.9:18444');
  });

  it('setnetworkactive false drops the peer and turns its redials away; true lets it back in', async () => {
    const { a, call } = await pair();
    const down = next(a.events$, (e) => e.type === 'peerDown');
    const refused = next(a.events$, (e) => e.type === 'refused' && e.reason === 'networkInactive');
    expect((await call('setnetworkactive', [false])).result).to.equal(false);
    await down;
    await refused; // B (connect mode) redials on its backoff and is refused before its handshake
    expect((await call('getnetworkinfo')).result).to.deep.include({ networkactive: false, connections: 0 });
    expect((await call('getpeerinfo')).result).to.deep.equal([]);
    const back = next(a.events$, (e) => e.type === 'peerUp');
    expect((await call('setnetworkactive', [true])).result).to.equal(true);
    await back;
    expect((await call('getnetworkinfo')).result).to.deep.include({ networkactive: true, connections: 1 });
  });
});
