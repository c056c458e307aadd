import { expect } from 'chai';
import { asyncScheduler, filter, firstValueFrom } from 'rxjs';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { type Node, type NodeEvent } from '../../lib/node/index.js';
import { NODE_P2P_V2 } from '../../lib/protocol/bip324/services.js';
import { tcpTransport } from '../../lib/transport/tcpTransport.js';
import { bookWith } from './bookWith.js';
import { v1OnlyListener } from './v1OnlyListener.js';
import { FAST as fast } from './virtualNodes.js';
import { loopbackNodes } from './loopbackNodes.js';

type PeerUp = Extract<NodeEvent, { type: 'peerUp' }>;
/** `count` peerUp events of `node` (bounded by mocha's timeout). */
const ups = (node: Node, count: number): Promise<PeerUp[]> =>
  new Promise((resolve) => {
    const seen: PeerUp[] = [];
    node.events$.pipe(filter((e): e is PeerUp => e.type === 'peerUp')).subscribe((e) => {
      seen.push(e);
      if (seen.length === count) resolve(seen);
    });
  });

describe('Node with the v2 transport (BIP324), real sockets on loopback', function () {
  this.timeout(10_000);
  const { make, release } = loopbackNodes(fast);

  it('two rx nodes talk v2: both peer infos say v2 with one session id', async () => {
    const b = make({ host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = (await b.start())!;
    const a = make({ host: '127.0.0.2', listen: false, targetOutbound: 1, addressBook: bookWith(bAddr.toString(), NODE_P2P_V2) });
    const [aUp, bUp] = [ups(a, 1), ups(b, 1)];
    await a.start();
    const [[ea], [eb]] = await Promise.all([aUp, bUp]);
    expect(ea!.peer).to.include({ direction: 'outbound', transport: 'v2' });
    expect(eb!.peer).to.include({ direction: 'inbound', transport: 'v2' });
    expect(ea!.peer.sessionId).to.match(/^[0-9a-f]{64}$/);
    expect(eb!.peer.sessionId).to.equal(ea!.peer.sessionId);
  });

  it('a v2 node and a v1-only node connect both ways over v1 (inbound detection), and a v1-only peer that hangs up on the key gets the v1 redial', async () => {
    const old = make({ host: '127.0.0.3', targetOutbound: 0, v2Transport: false });
    const oldAddr = (await old.start())!;
    const v2 = make({ host: '127.0.0.2', targetOutbound: 0, addPeers: [oldAddr.toString()] });
    const v2Ups = ups(v2, 3);
    const v2Addr = (await v2.start())!;
    await firstValueFrom(old.events$.pipe(filter((e) => e.type === 'peerUp')));
    old.manager.connect(v2Addr); // v1-only → v2: the v2 node's inbound side detects v1
    // A Core-like v1-only listener behind a stale NODE_P2P_V2 entry: v2 first, then v1, one attempt.
    const listener = await v1OnlyListener(tcpTransport, '127.0.0.4', asyncScheduler);
    release(() => listener.stop());
    v2.book.add([{ addr: listener.address, services: NODE_P2P_V2 }], SocketAddress.parse('127.0.0.250:1'));
    const fellBack = firstValueFrom(v2.events$.pipe(filter((e) => e.type === 'v2Fallback')));
    v2.manager.connect(listener.address);
    const peers = (await v2Ups).map((e) => e.peer);
    await fellBack;
    for (const p of peers) expect(p).to.include({ transport: 'v1', sessionId: '' });
    expect(peers.map((p) => p.direction).sort()).to.deep.equal(['inbound', 'outbound', 'outbound']);
    expect(listener.accepted).to.equal(2);
    expect(listener.hungUp).to.equal(1);
  });
});
