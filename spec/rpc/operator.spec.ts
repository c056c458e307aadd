import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { filter, firstValueFrom } from 'rxjs';
import { connMetrics } from '../../lib/metrics/connMetrics.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { createNode, type Node } from '../../lib/node/index.js';
import { RpcServer, bindNode } from '../../lib/rpc/index.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';
import { httpCall, rpcCall } from './httpClient.js';
import { FAST as fast } from '../node/virtualNodes.js';

// The README's "Operating a node" example, run against live nodes on loopback.
describe('rpc + metrics: the README operator example on a live node', function () {
  this.timeout(10_000);
  const nodes: Node[] = [];
  let rpc: RpcServer | undefined;
  let dir: string;
  let baseline = 0;
  beforeEach(async () => {
    baseline = tcpHandles();
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-operator-'));
  });
  afterEach(async () => {
    await rpc?.stop();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await rm(dir, { recursive: true, force: true });
    await settleTcpHandles(baseline);
  });

  it('serves getpeerinfo with the cookie and /metrics whose counters match the manager events', async () => {
    const node = createNode({ ...fast, host: '127.0.0.2', targetOutbound: 0 });
    nodes.push(node);
    const events: ConnEvent[] = [];
    node.manager.events$.subscribe((e) => events.push(e));
    const registry = new Registry();
    connMetrics(
      { events$: node.manager.events$, state: () => node.manager.state, nodeEvents$: node.events$, bans$: node.bans$ },
      { registry },
    );
    const cookieFile = join(dir, '.cookie');
    rpc = new RpcServer({ node: bindNode(node), auth: { cookieFile }, metrics: { source: registry } });
    const addr = (await node.start())!;
    const { port } = await rpc.start();

    const peer = createNode({ ...fast, host: '127.0.0.3', targetOutbound: 0, connectPeers: [addr.toString()] });
    nodes.push(peer);
    const up = firstValueFrom(node.events$.pipe(filter((e) => e.type === 'peerUp')));
    await peer.start();
    await up;

    const cookie = await readFile(cookieFile, 'utf8');
    const info = await rpcCall<{ inbound: boolean; connection_type: string }[]>(port, cookie, 'getpeerinfo');
    expect(info.json?.result).to.have.length(1);
    expect(info.json?.result?.[0]).to.deep.include({ inbound: true, connection_type: 'inbound' });

    const metrics = await httpCall(port, { method: 'GET', path: '/metrics', auth: cookie });
    expect(metrics.status).to.equal(200);
    const accepted = events.filter((e) => e.type === 'accepted').length;
    expect(accepted).to.be.at.least(1);
    expect(metrics.text).to.include(`rxconnmgr_inbound_accepted_total ${accepted}\n`);
    expect(metrics.text).to.include('rxconnmgr_connections{direction="inbound",class="inbound"} 1\n');
    expect((await httpCall(port, { method: 'GET', path: '/metrics' })).status).to.equal(401);
  });
});
