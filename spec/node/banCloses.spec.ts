import { expect } from 'chai';
import { virtualNodes } from './virtualNodes.js';

/** Core's `setban`: a ban imposed on a connected host (or its subnet) closes that peer at once; others stay. */
describe('Node: a ban closes the banned host’s live peers', () => {
  const h = virtualNodes();

  it('a host ban closes its peer; a subnet ban closes every peer in it; a peer outside stays', async () => {
    const { node: server, target } = await h.start({ host: '127.0.0.1', targetOutbound: 0 });
    const clients = ['127.0.1.2', '127.0.2.2', '127.0.2.3', '127.9.0.2'].map((host) =>
      h.make({ host, listen: false, targetOutbound: 0, addPeers: [target] }),
    );
    for (const c of clients) await c.start();
    await h.time.until(() => server.peers().length === 4, 2_000, 'four inbound peers');
    const down: string[] = [];
    server.events$.subscribe((e) => {
      if (e.type === 'peerDown') down.push(e.peer.remote.host);
    });

    server.banList.ban('127.0.1.2', 'operator');
    await h.time.until(() => down.length === 1, 1_000, 'the banned host closed');
    expect(down).to.deep.equal(['127.0.1.2']);

    server.banList.banSubnet('127.0.2.0/24', 'operator');
    await h.time.until(() => down.length === 3, 1_000, 'the subnet closed');
    expect(down.slice(1).sort()).to.deep.equal(['127.0.2.2', '127.0.2.3']);

    await h.time.advance(1_000);
    expect(server.peers().map((p) => p.remote.host)).to.deep.equal(['127.9.0.2']);
  });
});
