import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { createNode, type Node, type NodeEvent } from '../../lib/node/index.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';

/** A raw TCP client that connects and then says nothing (a handshake that never starts). */
function silent(port: number, localAddress: string, sockets: Socket[]): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.3', port, localAddress });
    socket.on('error', () => {});
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
  });
}

describe('Node inbound defences (real sockets on loopback)', function () {
  this.timeout(30_000); // 24 nodes in one spec: generous for a loaded CI machine
  const nodes: Node[] = [];
  const sockets: Socket[] = [];
  let baseline = 0;
  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await settleTcpHandles(baseline);
  });
  const start = async (options: Parameters<typeof createNode>[0]) => {
    const node = createNode({ host: '127.0.0.3', targetOutbound: 0, blockRelayOnlyPeers: 0, handshakeTimeout: 5_000, ...options });
    nodes.push(node);
    return { node, port: (await node.start())!.port };
  };
  const refusals = (node: Node, n: number) =>
    firstValueFrom(
      node.events$.pipe(
        filter((e): e is Extract<NodeEvent, { type: 'refused' }> => e.type === 'refused'),
        take(n),
        toArray(),
      ),
    );

  it('caps inbound conns per IP', async () => {
    const { node, port } = await start({ maxInboundPerIp: 2 });
    const refused = refusals(node, 1);
    for (let i = 0; i < 3; i++) await silent(port, '127.0.0.9', sockets);
    expect((await refused)[0]).to.include({ reason: 'perIp' });
  });

  it('limits the accept rate per IP (a burst, then refusals)', async () => {
    const { node, port } = await start({ acceptRate: 2, maxInboundPerIp: 100 });
    const refused = refusals(node, 1);
    for (let i = 0; i < 3; i++) await silent(port, '127.0.0.10', sockets);
    expect((await refused)[0]).to.include({ reason: 'rate' });
  });

  it('bounds the handshakes in flight', async () => {
    const { node, port } = await start({ maxPendingHandshakes: 2 });
    const refused = refusals(node, 1);
    for (let i = 0; i < 3; i++) await silent(port, `127.0.0.${11 + i}`, sockets);
    expect((await refused)[0]).to.include({ reason: 'pendingHandshakes' });
  });

  it('when every inbound slot is taken, evicts one peer (Core) to admit a newcomer', async () => {
    // 22 inbound slots (maxPeers 22, no outbound); 22 peers from distinct hosts fill them.
    const { node, port } = await start({ maxPeers: 22 });
    const target = `127.0.0.3:${port}`;
    let ups = 0;
    const full = firstValueFrom(node.events$.pipe(filter((e) => e.type === 'peerUp' && ++ups === 22)));
    for (let i = 0; i < 22; i++) {
      const peer = createNode({ host: `127.0.2.${i + 1}`, listen: false, connectPeers: [target], retryDuration: 60_000 });
      nodes.push(peer);
      await peer.start();
    }
    await full;
    const evicted = firstValueFrom(node.events$.pipe(filter((e): e is Extract<NodeEvent, { type: 'evicted' }> => e.type === 'evicted')));
    const newcomerUp = firstValueFrom(node.events$.pipe(filter((e) => e.type === 'peerUp' && e.peer.remote.host === '127.0.3.1')));
    const newcomer = createNode({ host: '127.0.3.1', listen: false, connectPeers: [target] });
    nodes.push(newcomer);
    await newcomer.start();
    const { peer } = await evicted;
    await newcomerUp;
    expect(peer.direction).to.equal('inbound');
    expect(peer.remote.host).to.match(/^127\.0\.2\./);
    expect(node.stats().inbound).to.be.at.most(22);
  });
});
