import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { createNode, type Node, type NodeEvent } from '../../lib/node/index.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';

describe('Node outbound defences: anchors and feelers (real sockets on loopback)', function () {
  this.timeout(15_000);
  const nodes: Node[] = [];
  let baseline = 0;
  let dir = '';
  const fast = {
    blockRelayOnlyPeers: 0,
    retryDuration: 50,
    maxRetryDuration: 400,
    dialTimeout: 1_000,
    handshakeTimeout: 1_000,
    feelerInterval: Infinity,
  } as const;
  beforeEach(async () => {
    baseline = tcpHandles();
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-outbound-'));
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await settleTcpHandles(baseline);
    await rm(dir, { recursive: true, force: true });
  });
  const listener = async (host: string) => {
    const n = createNode({ ...fast, host, targetOutbound: 0 });
    nodes.push(n);
    return (await n.start())!.toString();
  };

  it('remembers 2 outbound peers across a restart and dials them first', async () => {
    const others: string[] = [];
    for (let i = 0; i < 6; i++) others.push(await listener(`127.0.0.${30 + i}`));
    const anchorsFile = join(dir, 'anchors.json');
    const first = createNode({ ...fast, host: '127.0.0.2', listen: false, targetOutbound: 3, seeds: others.slice(0, 3), anchorsFile });
    let ups = 0;
    const three = firstValueFrom(first.events$.pipe(filter((e) => e.type === 'peerUp' && ++ups === 3)));
    await first.start();
    await three;
    await first.stop();
    const anchors = JSON.parse(await readFile(anchorsFile, 'utf8')) as string[];
    expect(anchors).to.have.length(2);
    expect(others.slice(0, 3)).to.include.members(anchors);
    // Restarted with a book that knows only the *other* three: the anchors still come first.
    const second = createNode({ ...fast, host: '127.0.0.2', listen: false, targetOutbound: 3, seeds: others.slice(3), anchorsFile });
    nodes.push(second);
    const dialed: string[] = [];
    second.manager.events$.subscribe((e) => e.type === 'dialing' && dialed.push(String(e.addr)));
    let ups2 = 0;
    const three2 = firstValueFrom(second.events$.pipe(filter((e) => e.type === 'peerUp' && ++ups2 === 3)));
    await second.start();
    await three2;
    expect(dialed.slice(0, 2).sort()).to.deep.equal([...anchors].sort());
  });

  it('a feeler tests an address from the new table and promotes it to tried', async () => {
    const target = await listener('127.0.0.40');
    const node = createNode({ ...fast, host: '127.0.0.2', listen: false, targetOutbound: 0, feelerInterval: 100, seeds: [target] });
    nodes.push(node);
    const addr = SocketAddress.parse(target);
    const feeler = firstValueFrom(node.events$.pipe(filter((e): e is Extract<NodeEvent, { type: 'feeler' }> => e.type === 'feeler')));
    await node.start();
    expect(node.book.get(addr)!.tried).to.equal(false);
    expect(await feeler).to.deep.equal({ type: 'feeler', addr: target, ok: true });
    expect(node.book.get(addr)!.tried).to.equal(true);
    expect(node.stats().outbound).to.equal(0); // it took no outbound slot
  });
});
