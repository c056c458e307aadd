import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { createNode, type Node } from '../../lib/node/index.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';

describe('Node discovery end to end (real sockets on loopback)', function () {
  this.timeout(15_000);
  const nodes: Node[] = [];
  let baseline = 0;
  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await settleTcpHandles(baseline);
  });
  const fast = { blockRelayOnlyPeers: 0, retryDuration: 50, maxRetryDuration: 400, dialTimeout: 1_000, handshakeTimeout: 1_000 } as const;

  it('a node with an empty book and one seed learns addresses by getaddr and fills its 8 outbound slots', async () => {
    const others: string[] = [];
    // 35: a getaddr answer is a random 23 % of the book (Core), and 8 of 35 is enough.
    for (let i = 0; i < 35; i++) {
      const n = createNode({ ...fast, host: `127.0.0.${20 + i}`, targetOutbound: 0 });
      nodes.push(n);
      others.push((await n.start())!.toString());
    }
    // The seed knows everyone; the newcomer knows only the seed.
    const seed = createNode({ ...fast, host: '127.0.0.19', targetOutbound: 0, seeds: others });
    nodes.push(seed);
    const seedAddr = (await seed.start())!.toString();
    const newcomer = createNode({ ...fast, host: '127.0.0.2', targetOutbound: 8, seeds: [seedAddr] });
    nodes.push(newcomer);
    expect(newcomer.book.size).to.equal(0);
    let ups = 0;
    const eight = firstValueFrom(newcomer.events$.pipe(filter((e) => e.type === 'peerUp' && ++ups >= 8)));
    await newcomer.start();
    await eight;
    expect(newcomer.book.size).to.be.at.least(8); // 23 % of the seed's book arrived by addr
    expect(newcomer.stats().outbound).to.equal(8);
    const remotes = new Set(newcomer.peers().map((p) => p.remote.toString()));
    expect(remotes.size).to.equal(8); // 8 distinct peers (loopback address:port = its own group)
  });
});
