import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import type { BitcoinMessage, TimestampedNetAddress } from '../../lib/protocol/bitcoin/messages.js';
import { ADDR_FETCH_TIMEOUT } from '../../lib/node/PeerSessions.js';
import { bindNode } from '../../lib/rpc/bindNode.js';
import { rawListener } from './rawListener.js';
import { virtualNodes } from './virtualNodes.js';

/** `n` routable IPv4 addresses in distinct /16s (1.k.0.1), to announce. */
function announced(n: number, now: number): TimestampedNetAddress[] {
  return Array.from({ length: n }, (_, k) => {
    const ip = new Uint8Array(16);
    ip.set([0xff, 0xff], 10);
    ip.set([1, k + 1, 0, 1], 12);
    return { timestamp: Math.floor(now / 1000), services: 1n, ip, port: 8333 };
  });
}

const commands = (messages: readonly BitcoinMessage[]) => messages.map((m) => m.command);

/**
 * Issue #14 item 4 in the node, in virtual time: connection classes (block-relay-only peers,
 * feelers as manager requests, connection types in peer info), and the two ways outbound peers
 * rotate (tipStale$, extraBlockRelayInterval) with the least useful peer evicted.
 */
describe('Node connection classes (virtual time)', () => {
  const h = virtualNodes();

  const listenRaw = (host: string) => rawListener(h, host);
  const listenMute = (host: string) => rawListener(h, host, { handshake: false });

  it('rejects a bad blockRelayOnlyPeers or extraBlockRelayInterval with a RangeError naming it and the value', () => {
    expect(() => h.make({ blockRelayOnlyPeers: -1 })).to.throw(RangeError, /blockRelayOnlyPeers.*-1/);
    expect(() => h.make({ blockRelayOnlyPeers: 1.5 })).to.throw(RangeError, /blockRelayOnlyPeers.*1\.5/);
    expect(() => h.make({ extraBlockRelayInterval: NaN })).to.throw(RangeError, /extraBlockRelayInterval.*NaN/);
    expect(() => h.make({ extraBlockRelayInterval: Infinity })).not.to.throw();
  });

  describe('block-relay-only peers', () => {
    /** A node whose only outbound peer is a raw one, of the given class; the raw peer then announces 5 addresses. */
    async function onePeer(options: { blockRelayOnlyPeers: number; targetOutbound: number }) {
      const raw = await listenRaw('127.0.0.5');
      const { node } = await h.start({ host: '127.0.0.2', ...options, extraBlockRelayInterval: Infinity, seeds: [raw.address.toString()] });
      await h.time.until(() => raw.peers.length === 1 && node.peers().length === 1, 2_000, 'one outbound');
      const before = node.book.size;
      raw.peers[0]!.peer.send({ command: 'addr', addresses: announced(5, h.time.now()) });
      await h.time.advance(1_000);
      return { node, peer: raw.peers[0]!, before };
    }

    it('get relay = false in our version, no getaddr nor our address, and their addr is ignored; connectionType says so', async () => {
      const { node, peer, before } = await onePeer({ blockRelayOnlyPeers: 1, targetOutbound: 0 });
      expect(peer.handshake.version.relay).to.equal(false);
      expect(commands(peer.received)).not.to.include.members(['getaddr']);
      expect(commands(peer.received)).not.to.include.members(['addr']);
      expect(node.book.size, 'their addresses are not taken').to.equal(before);
      expect(node.peers().map((p) => p.connectionType)).to.deep.equal(['block-relay-only']);
      const rpc = bindNode(node).peers();
      expect(rpc.map((p) => p.connectionType)).to.deep.equal(['block-relay-only']);
    });

    it('(the same peer as full-relay: asked for addresses, told ours, its addr taken)', async () => {
      const { node, peer, before } = await onePeer({ blockRelayOnlyPeers: 0, targetOutbound: 1 });
      expect(peer.handshake.version.relay).to.equal(false); // our relay option's default
      expect(commands(peer.received)).to.include.members(['getaddr', 'addr']);
      expect(node.book.size).to.equal(before + 5);
      expect(node.peers().map((p) => p.connectionType)).to.deep.equal(['outbound-full-relay']);
    });

    it('a relay: true node still says relay = false to its block-relay-only peers', async () => {
      const raw = await listenRaw('127.0.0.5');
      await h.start({ host: '127.0.0.2', relay: true, blockRelayOnlyPeers: 1, targetOutbound: 0, seeds: [raw.address.toString()] });
      await h.time.until(() => raw.peers.length === 1, 2_000, 'one outbound');
      expect(raw.peers[0]!.handshake.version.relay).to.equal(false);
    });

    it('are kept to their own target beside the full-relay ones, and are the anchors kept on stop', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-classes-'));
      try {
        const others: string[] = [];
        for (let i = 0; i < 5; i++) others.push((await h.start({ host: `127.0.${30 + i}.1`, targetOutbound: 0 })).target);
        const anchorsFile = join(dir, 'anchors.json');
        const { node } = await h.start({
          host: '127.0.0.2',
          listen: false,
          targetOutbound: 3,
          blockRelayOnlyPeers: 2,
          seeds: others,
          anchorsFile,
        });
        await h.time.until(() => node.peers().length === 5, 2_000, 'five outbound');
        const types = node.peers().map((p) => p.connectionType);
        expect(types.filter((t) => t === 'block-relay-only')).to.have.length(2);
        expect(types.filter((t) => t === 'outbound-full-relay')).to.have.length(3);
        expect(node.manager.state.automaticCount).to.equal(3);
        expect(node.manager.state.classCounts['block-relay-only']).to.include({ automatic: 2 });
        const blockRelay = node
          .peers()
          .filter((p) => p.connectionType === 'block-relay-only')
          .map((p) => p.remote.toString());
        const stopping = node.stop();
        await h.time.advance(100);
        await stopping;
        const anchors = JSON.parse(await readFile(anchorsFile, 'utf8')) as string[];
        expect([...anchors].sort()).to.deep.equal([...blockRelay].sort());
        // On the next start the anchors are dialed first, as block-relay-only peers again (Core).
        const second = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 3, blockRelayOnlyPeers: 2, seeds: others, anchorsFile });
        const dialed: string[] = [];
        second.manager.events$.subscribe(
          (e) => e.type === 'dialing' && e.req.connClass === 'block-relay-only' && dialed.push(String(e.addr)),
        );
        await second.start();
        await h.time.until(() => second.peers().length === 5, 2_000, 'five again');
        expect(dialed.slice(0, 2).sort()).to.deep.equal([...anchors].sort());
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('feelers', () => {
    it('are manager requests of class feeler, one at a time (the reducer refuses a second: classFull)', async () => {
      const a = await listenMute('127.0.41.1');
      const b = await listenMute('127.0.42.1');
      const node = h.make({
        host: '127.0.0.2',
        listen: false,
        targetOutbound: 0,
        feelerInterval: 300,
        handshakeTimeout: 5_000,
        seeds: [a.address.toString(), b.address.toString()],
      });
      const events: string[] = [];
      node.manager.events$.subscribe((e) => {
        if (e.type === 'dialing' || e.type === 'canceled')
          events.push(`${e.type} ${e.req.connClass}${e.type === 'canceled' ? ` ${e.reason}` : ''}`);
      });
      await node.start();
      await h.time.advance(1_000); // ticks at 300, 600, 900: the first feeler still hangs in its handshake
      expect(a.sockets.length + b.sockets.length, 'one feeler connection').to.equal(1);
      expect(events[0]).to.equal('dialing feeler');
      expect(events.slice(1)).to.include('canceled feeler classFull');
      expect(events.filter((e) => e === 'dialing feeler')).to.have.length(1);
      expect(node.manager.state.classCounts['feeler']).to.include({ live: 1 });
    });

    it('a feeler that fails is reported ok: false, and its address marked attempted', async () => {
      const node = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 0, feelerInterval: 300, seeds: ['127.0.43.1:18444'] });
      await node.start();
      await h.time.advance(500);
      expect(h.of(node, 'feeler')).to.deep.equal([{ type: 'feeler', addr: '127.0.43.1:18444', ok: false }]);
      expect(node.book.get(SocketAddress.parse('127.0.43.1:18444'))!.attempts).to.be.greaterThan(0);
    });
  });

  describe('addr-fetch (seed nodes, Core -seednode)', () => {
    it('connects a seed node while the book is nearly empty, asks it for addresses, and closes it once it answered', async () => {
      const raw = await listenRaw('127.0.70.1');
      const { node } = await h.start({ host: '127.0.0.2', listen: false, targetOutbound: 0, seedNodes: [raw.address.toString()] });
      await h.time.until(() => raw.peers.length === 1 && node.peers().length === 1, 2_000, 'addr-fetch up');
      expect(node.peers().map((p) => p.connectionType)).to.deep.equal(['addr-fetch']);
      await h.time.advance(100);
      expect(commands(raw.peers[0]!.received)).to.include('getaddr');
      expect(commands(raw.peers[0]!.received), 'our address is not announced to it').not.to.include('addr');
      raw.peers[0]!.peer.send({ command: 'addr', addresses: announced(5, h.time.now()) });
      await h.time.until(() => node.peers().length === 0, 1_000, 'closed after the answer');
      expect(node.book.size).to.equal(5);
      expect(node.manager.state.requests.size, 'not retried, not replaced').to.equal(0);
    });

    it('closes a seed node that does not answer after ADDR_FETCH_TIMEOUT, then asks the next one (two at a time)', async () => {
      const raws = [await listenRaw('127.0.71.1'), await listenRaw('127.0.72.1'), await listenRaw('127.0.73.1')];
      const { node } = await h.start({
        host: '127.0.0.2',
        listen: false,
        targetOutbound: 0,
        seedNodes: raws.map((r) => r.address.toString()),
      });
      await h.time.until(() => node.peers().length === 2, 2_000, 'two addr-fetch up');
      expect(raws[2]!.peers, 'the third waits for a slot').to.have.length(0);
      await h.time.advance(ADDR_FETCH_TIMEOUT - 2_000);
      expect(node.peers()).to.have.length(2);
      await h.time.until(() => raws[2]!.peers.length === 1, 4_000, 'the third asked');
      expect(node.peers().map((p) => p.remote.toString())).to.deep.equal([raws[2]!.address.toString()]);
    });

    it('leaves the seed nodes alone when the book is full enough', async () => {
      const raw = await listenRaw('127.0.74.1');
      const node = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 0, seedNodes: [raw.address.toString()] });
      node.book.add(
        announced(200, h.time.now()).flatMap((a, i) =>
          Array.from({ length: 8 }, (_, j) => ({ addr: SocketAddress.from(`${2 + j}.${i}.0.1`, 8333), timestamp: h.time.now() })),
        ),
        SocketAddress.parse('127.0.9.9:1'),
      );
      expect(node.book.size).to.be.at.least(1_000);
      await node.start();
      await h.time.advance(1_000);
      expect(raw.sockets).to.have.length(0);
    });
  });

  describe('rotation: an extra outbound peer, then the least useful evicted', () => {
    /** A node with `options` whose outbound peers are three raw listeners (distinct groups); its dials counted. */
    async function rotating(options: Parameters<typeof h.start>[0]) {
      const raws = [await listenRaw('127.0.61.1'), await listenRaw('127.0.62.1'), await listenRaw('127.0.63.1')];
      const node = h.make({ host: '127.0.0.2', listen: false, ...options, seeds: raws.map((r) => r.address.toString()) });
      const dials = { count: 0 };
      node.manager.events$.subscribe((e) => e.type === 'dialing' && dials.count++);
      await node.start();
      /** The node's peer `id` sends a `headers` message (useful) from the raw side of its connection. */
      const sendUseful = (id: number) => {
        const remote = node
          .peers()
          .find((p) => p.id === id)!
          .remote.toString();
        const raw = raws.find((r) => r.address.toString() === remote)!;
        raw.peers[0]!.peer.send({ command: 'headers', headers: [] });
      };
      return { node, dials, sendUseful };
    }

    it('tipStale$: one extra full-relay peer; once it is up the one with the oldest useful message goes; nothing is refilled', async () => {
      const tipStale$ = new Subject<void>();
      const { node, dials, sendUseful } = await rotating({ targetOutbound: 2, blockRelayOnlyPeers: 0, tipStale$ });
      await h.time.until(() => node.peers().length === 2, 2_000, 'two outbound');
      // The second one up sends a header; the first never says anything useful.
      const [idle, useful] = [...node.peers()].sort((a, b) => a.id - b.id);
      sendUseful(useful!.id);
      await h.time.advance(100);
      expect(node.peers().find((p) => p.id === useful!.id)!.lastUseful).to.be.a('number');
      const dialsBefore = dials.count;
      tipStale$.next();
      await h.time.until(() => h.of(node, 'peerDown').length === 1, 2_000, 'one evicted');
      await h.time.advance(1_000);
      expect(h.of(node, 'peerDown')[0]!.peer.id, 'the idle one went').to.equal(idle!.id);
      const ids = node.peers().map((p) => p.id);
      expect(ids).to.have.length(2);
      expect(ids).to.include(useful!.id);
      expect(dials.count - dialsBefore, 'one extra dial, no refill after the eviction').to.equal(1);
      expect(node.manager.state.automaticCount).to.equal(2);
      expect(node.manager.state.failedAttempts).to.equal(0);
    });

    it('tipStale$ while the extra is still there asks for nothing more (the manager refuses: atTarget)', async () => {
      const tipStale$ = new Subject<void>();
      const { node, dials } = await rotating({ targetOutbound: 1, blockRelayOnlyPeers: 0, tipStale$ });
      await h.time.until(() => node.peers().length === 1, 2_000, 'one outbound');
      const ignored: string[] = [];
      node.manager.events$.subscribe((e) => e.type === 'ignored' && ignored.push(e.reason));
      const before = dials.count;
      tipStale$.next();
      tipStale$.next(); // the first extra is still dialing
      await h.time.advance(1_000);
      expect(dials.count - before).to.equal(1);
      expect(ignored).to.deep.equal(['atTarget']);
    });

    it('a tipStale$ that errors ends the rotation, not the node', async () => {
      const tipStale$ = new Subject<void>();
      const { node } = await rotating({ targetOutbound: 1, blockRelayOnlyPeers: 0, tipStale$ });
      await h.time.until(() => node.peers().length === 1, 2_000, 'one outbound');
      tipStale$.error(new Error('stale-tip source broke'));
      await h.time.advance(1_000);
      expect(node.peers()).to.have.length(1);
      expect(node.manager.state.phase).to.equal('running');
    });

    it('extraBlockRelayInterval: an extra block-relay-only peer on the interval, then the block-relay peer with the oldest useful message goes', async () => {
      const { node, sendUseful } = await rotating({ targetOutbound: 0, blockRelayOnlyPeers: 2, extraBlockRelayInterval: 10_000 });
      await h.time.until(() => node.peers().length === 2, 2_000, 'two block-relay-only');
      const [first, second] = [...node.peers()].sort((a, b) => a.id - b.id);
      sendUseful(second!.id);
      await h.time.advance(5_000);
      expect(h.of(node, 'peerDown'), 'nothing before the interval').to.deep.equal([]);
      await h.time.until(() => h.of(node, 'peerDown').length === 1, 6_000, 'one rotated out');
      await h.time.advance(1_000);
      expect(h.of(node, 'peerDown')[0]!.peer.id).to.equal(first!.id);
      expect(node.peers().map((p) => p.connectionType)).to.deep.equal(['block-relay-only', 'block-relay-only']);
      expect(node.manager.state.classCounts['block-relay-only']).to.include({ automatic: 2, refillsPending: 0 });
    });
  });
});
