import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendWrongMagic } from '../../examples/sendWrongMagic.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { virtualNodes } from './virtualNodes.js';

/**
 * The node's scenarios again, on an in-memory network in virtual time: the same nodes, peers,
 * handshakes and timers as the real-socket specs, but every connect, byte and timer is a
 * TestScheduler action, so minutes of node life run in milliseconds, the same way every run.
 */
describe('Node in virtual time (in-memory transport, TestScheduler)', () => {
  const h = virtualNodes();
  const { make, of, start, silent } = h;
  it('handshakes in both directions: an outbound peer on one side, an inbound one on the other', async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
    await h.time.until(() => a.peers().length === 1 && b.peers().length === 1, 1_000, 'both peers up');
    expect(a.peers()[0]).to.include({ direction: 'outbound', key: 'out#1' });
    expect(b.peers()[0]).to.include({ direction: 'inbound' });
    expect(b.peers()[0]!.remote.host).to.equal('127.0.0.2');
  });

  it('a killed permanent peer is redialed on its backoff and reconnected when it comes back', async () => {
    const { node: b1, target } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
    await h.time.until(() => a.peers().length === 1, 1_000, 'a up');
    const stopped = b1.stop();
    await h.time.until(() => of(a, 'peerDown').length === 1, 1_000, 'a sees b go');
    await stopped;
    await h.time.advance(2_000); // several refused redials while b is away
    expect(a.stats().retries).to.be.greaterThan(1);
    await start({ host: '127.0.0.3', port: SocketAddress.parse(target).port, targetOutbound: 0 });
    await h.time.until(() => a.peers().length === 1, 1_000, 'a reconnected');
    expect(a.peers()[0]!.key).to.equal('out#1'); // the same request
  });

  it("the seed's ban scenario: b bans a misbehaving a and refuses it before the handshake from then on", async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [target], onPeerUp: sendWrongMagic() });
    await h.time.until(() => b.banList.isBanned('127.0.0.2'), 1_000, 'a banned');
    await h.time.until(() => of(b, 'refused').length >= 1, 2_000, 'a refused');
    expect(of(b, 'refused')[0]).to.include({ reason: 'banned' });
    expect(of(b, 'misbehaving').filter((e) => e.banned)).to.have.length(1);
    // b never accepted the banned host again: only the first conn was admitted.
    expect(b.manager.state.inbound.size).to.equal(0);
    expect(a.stats().outbound).to.equal(0);
  });

  it('caps inbound conns per IP: the third from one IP is refused in the reducer, never accepted', async () => {
    const { node, target } = await start({ host: '127.0.0.3', targetOutbound: 0, maxInboundPerIp: 2 });
    let accepted = 0;
    node.manager.events$.subscribe((e) => e.type === 'accepted' && accepted++);
    for (let i = 0; i < 3; i++) silent(target, '127.0.9.1');
    await h.time.advance(10);
    expect(of(node, 'refused').map((e) => e.reason)).to.deep.equal(['perIp']);
    expect(accepted).to.equal(2);
  });

  it('limits the accept rate per IP (a burst, then refusals), and refills with time', async () => {
    const { node, target } = await start({ host: '127.0.0.3', targetOutbound: 0, acceptRate: 2, maxInboundPerIp: 100 });
    for (let i = 0; i < 3; i++) silent(target, '127.0.9.2');
    await h.time.advance(10);
    expect(of(node, 'refused').map((e) => e.reason)).to.deep.equal(['rate']);
    await h.time.advance(1_000);
    silent(target, '127.0.9.2');
    await h.time.advance(10);
    expect(of(node, 'refused')).to.have.length(1);
  });

  it('bounds the handshakes in flight; the slot frees when a silent one times out', async () => {
    const { node, target } = await start({ host: '127.0.0.3', targetOutbound: 0, maxPendingHandshakes: 2 });
    for (let i = 0; i < 3; i++) silent(target, `127.0.9.${10 + i}`);
    await h.time.advance(10);
    expect(of(node, 'refused').map((e) => e.reason)).to.deep.equal(['pendingHandshakes']);
    await h.time.advance(1_000); // handshakeTimeout
    expect(of(node, 'handshakeFailed')).to.have.length(2);
    silent(target, '127.0.9.20');
    await h.time.advance(10);
    expect(of(node, 'refused')).to.have.length(1);
  });

  it('when every inbound slot is taken, evicts one peer (Core) to admit a newcomer; inbound never exceeds its slots', async () => {
    const { node, target } = await start({ host: '127.0.0.3', maxPeers: 22, targetOutbound: 0 });
    let most = 0;
    node.manager.state$.subscribe((s) => (most = Math.max(most, s.inbound.size)));
    for (let i = 0; i < 22; i++) await start({ host: `127.2.${i}.1`, listen: false, connectPeers: [target], retryDuration: 60_000 });
    await h.time.until(() => node.peers().length === 22, 2_000, '22 inbound peers');
    await start({ host: '127.3.0.1', listen: false, connectPeers: [target] });
    await h.time.until(() => node.peers().some((p) => p.remote.host === '127.3.0.1'), 2_000, 'the newcomer up');
    const [evicted] = of(node, 'evicted');
    expect(evicted!.peer.direction).to.equal('inbound');
    expect(evicted!.peer.remote.host).to.match(/^127\.2\./);
    expect(evicted!.for).to.match(/^127\.3\.0\.1:/);
    expect(of(node, 'peerDown').map((e) => e.peer.key)).to.include(evicted!.peer.key);
    expect(most).to.equal(22); // no maxInbound + 1
    expect(of(node, 'refused')).to.deep.equal([]);
  });

  it('refuses a newcomer as `full` when no inbound peer may be evicted (too few candidates)', async () => {
    const { node, target } = await start({ host: '127.0.0.3', maxPeers: 2, targetOutbound: 0 });
    for (let i = 0; i < 2; i++) await start({ host: `127.2.${i}.1`, listen: false, connectPeers: [target], retryDuration: 60_000 });
    await h.time.until(() => node.peers().length === 2, 1_000, '2 inbound peers');
    silent(target, '127.4.0.1');
    await h.time.advance(10);
    expect(of(node, 'refused').map((e) => e.reason)).to.deep.equal(['full']);
    expect(node.stats()).to.include({ inbound: 2, refused: 1 });
  });

  describe('outbound: anchors and feelers', () => {
    let dir = '';
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-virtual-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('remembers 2 outbound peers across a restart and dials them first', async () => {
      const others: string[] = [];
      for (let i = 0; i < 6; i++) others.push((await start({ host: `127.0.${30 + i}.1`, targetOutbound: 0 })).target);
      const anchorsFile = join(dir, 'anchors.json');
      const { node: first } = await start({ host: '127.0.0.2', listen: false, targetOutbound: 3, seeds: others.slice(0, 3), anchorsFile });
      await h.time.until(() => first.peers().length === 3, 2_000, 'three outbound');
      const stopped = first.stop();
      await h.time.until(() => of(first, 'peerDown').length === 3, 1_000, 'first stopped');
      await stopped;
      const anchors = JSON.parse(await readFile(anchorsFile, 'utf8')) as string[];
      expect(anchors).to.have.length(2);
      expect(others.slice(0, 3)).to.include.members(anchors);
      const second = make({ host: '127.0.0.2', listen: false, targetOutbound: 3, seeds: others.slice(3), anchorsFile });
      const dialed: string[] = [];
      second.manager.events$.subscribe((e) => e.type === 'dialing' && dialed.push(String(e.addr)));
      await second.start();
      await h.time.until(() => second.peers().length === 3, 2_000, 'three again');
      expect(dialed.slice(0, 2).sort()).to.deep.equal([...anchors].sort());
    });

    it('a feeler tests an address from the new table on its interval and promotes it to tried', async () => {
      const { target } = await start({ host: '127.0.40.1', targetOutbound: 0 });
      const { node } = await start({ host: '127.0.0.2', listen: false, targetOutbound: 0, feelerInterval: 120_000, seeds: [target] });
      const addr = SocketAddress.parse(target);
      await h.time.advance(119_000);
      expect(of(node, 'feeler')).to.deep.equal([]);
      expect(node.book.get(addr)!.tried).to.equal(false);
      await h.time.advance(2_000);
      expect(of(node, 'feeler')).to.deep.equal([{ type: 'feeler', addr: target, ok: true }]);
      expect(node.book.get(addr)!.tried).to.equal(true);
      expect(node.stats().outbound).to.equal(0);
    });
  });

  it('discovery: a node with an empty book and one seed learns addresses by getaddr and fills its 8 outbound slots', async () => {
    const hub = await start({ host: '127.0.50.1', targetOutbound: 0 });
    const listeners: string[] = [];
    // 35: a getaddr answer is a random 23 % of the book (Core): 8 addresses, all listening.
    for (let i = 0; i < 35; i++) listeners.push((await start({ host: `127.1.${i}.1`, targetOutbound: 0 })).target);
    hub.node.book.add(
      listeners.map((t) => ({ addr: SocketAddress.parse(t) })),
      SocketAddress.parse(hub.target),
    );
    const { node } = await start({ host: '127.0.0.2', listen: false, seeds: [hub.target] });
    await h.time.until(() => node.stats().outbound === 8, 30_000, '8 outbound');
    expect(of(node, 'addressesLearned').some((e) => e.origin === 'peer' && e.added > 0)).to.equal(true);
  });
});
