import { expect } from 'chai';
import type { Socket } from 'node:net';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import type { BitcoinMessage, TimestampedNetAddress } from '../../lib/protocol/bitcoin/messages.js';
import { seeded } from '../addr/helpers.js';
import { rawBitcoinPeer, type RawBitcoinPeer } from './rawBitcoinPeer.js';
import { rawListener } from './rawListener.js';
import { virtualNodes, type VirtualNodeOptions } from './virtualNodes.js';

/** `n` distinct routable IPv4 addresses (1.0.0.1, 1.0.1.1, …), numbered from `first`. */
function addresses(n: number, first: number, now: number): TimestampedNetAddress[] {
  return Array.from({ length: n }, (_, i) => {
    const k = first + i;
    const ip = new Uint8Array(16);
    ip.set([0xff, 0xff], 10);
    ip.set([1 + (k >> 16), (k >> 8) & 0xff, k & 0xff, 1], 12);
    return { timestamp: Math.floor(now / 1000), services: 1n, ip, port: 8333 };
  });
}

const addrsIn = (messages: readonly BitcoinMessage[]) =>
  messages.filter((m): m is Extract<BitcoinMessage, { command: 'addr' | 'addrv2' }> => m.command === 'addr' || m.command === 'addrv2');

/**
 * Issue #14's addr defences and non-service answers, wired into the node, in virtual time: a
 * hand-driven peer on the in-memory network talks to a real node.
 */
describe('Node addr relay and non-service answers (virtual time)', () => {
  const h = virtualNodes();
  // FAST, but the node's own minUptime and no outbound of its own: the raw peers are the only traffic.
  const start = async (options: VirtualNodeOptions) => {
    const node = h.make({ minUptime: 60_000, targetOutbound: 0, ...options });
    const address = await node.start();
    return { node, address: address! };
  };
  /** A raw peer dialing `target` from `from`, handshaken. */
  const dialIn = async (target: SocketAddress, from: string, sendAddrV2 = false): Promise<RawBitcoinPeer> => {
    const sockets: Socket[] = [];
    h.net
      .transport()
      .dial(target, { timeout: Infinity, localAddress: from, scheduler: h.time.scheduler })
      .subscribe((socket) => sockets.push(socket));
    await h.time.until(() => sockets.length === 1, 1_000, 'connected');
    const socket = sockets[0]!;
    h.release(() => socket.destroy());
    let raw: RawBitcoinPeer | undefined;
    void rawBitcoinPeer(sockets[0]!, { direction: 'outbound', scheduler: h.time.scheduler, sendAddrV2 }).then((r) => (raw = r));
    await h.time.until(() => raw !== undefined, 1_000, 'handshaken');
    return raw!;
  };
  it('sends sendaddrv2 in the handshake, and answers getaddr once per inbound connection with a random ≤ 23 % of the book', async () => {
    const { node, address } = await start({ host: '127.0.0.3' });
    node.book.add(
      addresses(100, 0, h.time.now()).map((a) => ({ addr: SocketAddress.fromBytes16(a.ip, a.port), timestamp: h.time.now() })),
      address,
    );
    expect(node.book.size).to.be.greaterThan(20); // one /16 from one source: bucket collisions keep some out
    const raw = await dialIn(address, '127.0.0.9');
    expect(raw.handshake.sendAddrV2, 'the node sent sendaddrv2 before its verack').to.equal(true);
    raw.peer.send({ command: 'getaddr' });
    raw.peer.send({ command: 'getaddr' });
    await h.time.advance(100);
    const answers = addrsIn(raw.received);
    expect(answers, 'one answer for two getaddr').to.have.length(1);
    expect(answers[0]!.command).to.equal('addr'); // we sent no sendaddrv2
    expect(answers[0]!.addresses.length).to.equal(Math.floor((23 * node.book.size) / 100));
    // A new connection gets its own answer (which is why it is only a sample).
    const again = await dialIn(address, '127.0.0.10');
    again.peer.send({ command: 'getaddr' });
    await h.time.advance(100);
    expect(addrsIn(again.received)).to.have.length(1);
  });

  it('answers as addrv2 to a peer that sent sendaddrv2', async () => {
    const { node, address } = await start({ host: '127.0.0.3' });
    node.book.add(
      addresses(20, 0, h.time.now()).map((a) => ({ addr: SocketAddress.fromBytes16(a.ip, a.port), timestamp: h.time.now() })),
      address,
    );
    const raw = await dialIn(address, '127.0.0.9', true);
    raw.peer.send({ command: 'getaddr' });
    await h.time.advance(100);
    const [answer] = addrsIn(raw.received);
    expect(answer?.command).to.equal('addrv2');
    expect(answer!.addresses.length).to.equal(Math.floor((23 * node.book.size) / 100));
  });

  it('never answers getaddr from an outbound peer, and announces its own address to it: at once, then on a mean interval', async () => {
    const listener = await rawListener(h, '127.0.0.5');
    const { node, address } = await start({
      host: '127.0.0.3',
      connectPeers: [listener.address.toString()],
      selfAnnounceInterval: 10_000,
      random: seeded(1),
    });
    node.book.add(
      addresses(100, 0, h.time.now()).map((a) => ({ addr: SocketAddress.fromBytes16(a.ip, a.port), timestamp: h.time.now() })),
      address,
    );
    await h.time.until(() => listener.peers.length === 1, 1_000, 'dialed');
    const raw = listener.peers[0]!;
    const announcedAt: number[] = [];
    raw.peer.messages$.subscribe((m) => m.command === 'addr' && announcedAt.push(h.time.now()));
    raw.peer.send({ command: 'getaddr' });
    await h.time.advance(100);
    const first = addrsIn(raw.received);
    expect(first, 'only the self-announcement, no getaddr answer').to.have.length(1);
    const own = first[0]!.addresses as TimestampedNetAddress[];
    expect(own.map((a) => SocketAddress.fromBytes16(a.ip, a.port).toString())).to.deep.equal([address.toString()]);
    // 4 min (under the raw peer's idle timeout) at a mean of 10 s: about 24 more, at random times.
    await h.time.advance(4 * 60_000);
    const times = announcedAt.slice(1);
    expect(times.length).to.be.within(12, 40);
    const gaps = times.map((t, i) => t - (i === 0 ? announcedAt[0]! : times[i - 1]!));
    expect(new Set(gaps).size, 'exponential gaps, not a fixed period').to.be.greaterThan(times.length / 2);
  });

  it('gives a syncing peer empty headers for getheaders and notfound for getdata', async () => {
    const { address } = await start({ host: '127.0.0.3', services: 9n });
    const raw = await dialIn(address, '127.0.0.9');
    expect(raw.handshake.version.services).to.equal(9n | 2048n); // + NODE_P2P_V2: v2 is on by default
    expect(raw.handshake.version.relay).to.equal(false);
    const hash = new Uint8Array(32).fill(7);
    raw.peer.send({ command: 'getheaders', version: 70016, locator: [hash], hashStop: new Uint8Array(32) });
    raw.peer.send({ command: 'getdata', inventory: [{ type: 2, hash }] });
    await h.time.advance(100);
    const replies = raw.received.filter((m) => m.command === 'headers' || m.command === 'notfound');
    expect(replies).to.have.length(2);
    expect(replies[0]).to.deep.include({ command: 'headers', headers: [] });
    expect(replies[1]!.command).to.equal('notfound');
    expect((replies[1] as Extract<BitcoinMessage, { command: 'notfound' }>).inventory).to.deep.equal([{ type: 2, hash }]);
  });

  for (const [grouping, bound, why] of [
    ['host-port', 20, 'each reconnect (a new port) is a new group, with 1 token to start: 10 connections buy about 10'],
    ['slash16', 4, 'one group for 127.9/16: 1 token to start, 0.1/s after (20 s here), whatever the reconnects'],
  ] as const) {
    it(`poisoning: one IP reconnecting 10 times with 1,000-address bursts gets at most ${bound} into the book (loopbackGrouping ${grouping})`, async () => {
      const { node, address } = await start({ host: '127.0.0.3', loopbackGrouping: grouping });
      for (let round = 0; round < 10; round++) {
        const raw = await dialIn(address, '127.9.0.1');
        raw.peer.send({ command: 'addr', addresses: addresses(1_000, round * 1_000, h.time.now()) });
        await h.time.advance(1_000);
        raw.peer.close();
        await h.time.advance(1_000);
      }
      const attacker = node.book.all().filter((e) => e.source.host === '127.9.0.1').length;
      expect(attacker, why).to.be.at.most(bound).and.at.least(1);
    });
  }
});
