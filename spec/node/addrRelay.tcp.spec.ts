import { expect } from 'chai';
import { connect } from 'node:net';
import { asyncScheduler } from 'rxjs';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import type { BitcoinMessage, TimestampedNetAddress } from '../../lib/protocol/bitcoin/messages.js';
import { rawBitcoinPeer, type RawBitcoinPeer } from './rawBitcoinPeer.js';
import { loopbackNodes, type LoopbackNodeOptions } from './loopbackNodes.js';

/** `n` distinct routable IPv4 addresses, each on its own /16 (1.0.0.1, 1.1.0.1, …), numbered from `first`. */
function spread(n: number, first: number): TimestampedNetAddress[] {
  return Array.from({ length: n }, (_, i) => {
    const k = first + i;
    const ip = new Uint8Array(16);
    ip.set([0xff, 0xff], 10);
    ip.set([1 + (k >> 8), k & 0xff, 0, 1], 12);
    return { timestamp: Math.floor(Date.now() / 1000), services: 1n, ip, port: 8333 };
  });
}

/** Polls `done` (real time, bounded) until it holds. */
async function until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Issue #14's addr defences on real sockets on loopback (the virtual-time twins are in addrRelay.spec.ts). */
describe('Node addr relay (real sockets on loopback)', function () {
  this.timeout(20_000);
  const { make, release } = loopbackNodes({ host: '127.0.0.3', targetOutbound: 0, feelerInterval: Infinity, handshakeTimeout: 5_000 });
  const start = async (options: LoopbackNodeOptions) => {
    const node = make(options);
    return { node, address: (await node.start())! };
  };
  const dialIn = (address: SocketAddress, localAddress: string, sendAddrV2 = false): Promise<RawBitcoinPeer> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port, localAddress });
      socket.on('error', () => {});
      release(() => socket.destroy());
      socket.once('connect', () => {
        rawBitcoinPeer(socket, { direction: 'outbound', scheduler: asyncScheduler, sendAddrV2 }).then(resolve, reject);
      });
    });
  const answers = (raw: RawBitcoinPeer) =>
    raw.received.filter(
      (m): m is Extract<BitcoinMessage, { command: 'addr' | 'addrv2' }> => m.command === 'addr' || m.command === 'addrv2',
    );

  it('sends sendaddrv2, answers getaddr once per connection (addrv2 to a peer that asked for it), with 23 % of the book', async () => {
    const { node, address } = await start({});
    node.book.add(
      spread(200, 0).map((a) => ({ addr: SocketAddress.fromBytes16(a.ip, a.port) })),
      SocketAddress.parse('127.0.0.4:8333'),
    );
    const size = node.book.size;
    const raw = await dialIn(address, '127.0.0.9', true);
    expect(raw.handshake.sendAddrV2).to.equal(true);
    raw.peer.send({ command: 'getaddr' });
    raw.peer.send({ command: 'getaddr' });
    raw.peer.send({ command: 'ping', nonce: 7n });
    // The pong follows both getaddr: once it is here, a second answer would be too.
    await until(() => raw.received.some((m) => m.command === 'pong'), 'pong');
    const got = answers(raw);
    expect(got).to.have.length(1);
    expect(got[0]!.command).to.equal('addrv2');
    expect(got[0]!.addresses.length).to.equal(Math.floor((23 * size) / 100));
  });

  it('poisoning: one IP reconnecting 10 times with 1,000-address bursts gets a handful into the book (loopbackGrouping slash16)', async () => {
    // Accept limits raised: this is about what the connections say, not how often they come.
    const { node, address } = await start({ loopbackGrouping: 'slash16', acceptRate: 1_000, maxInboundPerIp: 100 });
    for (let round = 0; round < 10; round++) {
      const raw = await dialIn(address, '127.9.0.1');
      raw.peer.send({ command: 'addr', addresses: spread(1_000, round * 1_000) });
      raw.peer.send({ command: 'ping', nonce: BigInt(round) });
      await until(() => raw.received.some((m) => m.command === 'pong'), 'pong');
      raw.peer.close();
    }
    const attacker = node.book.all().filter((e) => e.source.host === '127.9.0.1').length;
    // One token to start for the group 127.9/16, then 0.1 a second: a few seconds of test buy a few.
    expect(attacker).to.be.at.least(1).and.at.most(5);
  });
});
