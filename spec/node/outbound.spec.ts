import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { asyncScheduler, filter, firstValueFrom } from 'rxjs';
import { createNode, type Node, type NodeEvent } from '../../lib/node/index.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { tcpListen } from '../../lib/transport/tcpListen.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';
import { rawBitcoinPeer, type RawBitcoinPeer } from './rawBitcoinPeer.js';

/** Resolves once `condition` holds, polling every 10 ms (bounded by mocha's timeout). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Node outbound defences: anchors, feelers, block-relay-only (real sockets on loopback)', function () {
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

  it('a block-relay-only peer gets relay = false, no getaddr and not our address', async () => {
    const raws: RawBitcoinPeer[] = [];
    let address: SocketAddress | undefined;
    const sockets: Socket[] = [];
    const sub = tcpListen({ host: '127.0.0.45', onListening: (a) => (address = a) }).subscribe((socket) => {
      sockets.push(socket);
      void rawBitcoinPeer(socket, { direction: 'inbound', scheduler: asyncScheduler }).then((r) => raws.push(r));
    });
    try {
      await until(() => address !== undefined);
      // Listening, so it would announce itself to a full-relay peer.
      const node = createNode({ ...fast, host: '127.0.0.2', targetOutbound: 0, blockRelayOnlyPeers: 1, seeds: [address!.toString()] });
      nodes.push(node);
      await node.start();
      await until(() => raws.length === 1 && node.peers().length === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(raws[0]!.handshake.version.relay).to.equal(false);
      expect(raws[0]!.received.map((m) => m.command)).not.to.include.members(['getaddr']);
      expect(raws[0]!.received.map((m) => m.command)).not.to.include.members(['addr']);
      expect(node.peers()[0]!.connectionType).to.equal('block-relay-only');
    } finally {
      sub.unsubscribe();
      for (const socket of sockets) socket.destroy();
    }
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
