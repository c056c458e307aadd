import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { createNode } from '../../lib/node/index.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';
import { versionMessage } from './versionMessage.js';

/** `npm test` sends 300 frames; `npm run test:long` sets GARBAGE_FRAMES=100000. */
const FRAMES = Number(process.env['GARBAGE_FRAMES'] ?? 300);
/** About six frames per host, so most hosts send bad frames before and after their ban. */
const HOSTS = Math.max(50, Math.floor(FRAMES / 6));

/** Sends one chunk from `localAddress` and resolves when the node hangs up (or after it answers). */
function sendOnce(port: number, localAddress: string, bytes: Uint8Array): Promise<{ answered: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.3', port, localAddress });
    let answered = false;
    socket.on('error', () => {});
    socket.on('data', () => {
      // A node that answers has started a handshake: only hosts that are not banned get that far.
      answered = true;
      socket.destroy();
    });
    socket.on('close', () => resolve({ answered }));
    socket.on('connect', () => socket.end(bytes));
  });
}

describe('Node under garbage: random and mutated frames from many hosts', function () {
  this.timeout(0); // bounded by FRAMES, not by the clock
  it('never crashes, charges every bad frame, and a banned host never reaches the handshake again', async () => {
    const baseline = tcpHandles();
    // The other inbound defences (rate, per-IP, handshakes in flight) have their own specs: wide
    // open here, so that every refusal this spec sees is a ban.
    const node = createNode({
      host: '127.0.0.3',
      targetOutbound: 0,
      maxPeers: 1_000_000,
      handshakeTimeout: 2_000,
      acceptRate: 1e6,
      maxInboundPerIp: 1e6,
      maxPendingHandshakes: 1e6,
    });
    const { port } = (await node.start())!;
    const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
    const version = protocol.encode(versionMessage(7n, '/garbage/'));
    const frames = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 200 }), // random bytes
        fc.tuple(fc.nat(version.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
          const mutated = version.slice();
          mutated[i] = (mutated[i]! ^ x) & 0xff; // one byte flipped somewhere in a valid version frame
          return mutated;
        }),
      ),
      { numRuns: FRAMES, seed: 424242 },
    );
    const bannedAt = new Map<string, number>();
    // Each charge must be exactly the documented ban score of the error that caused it.
    let charged = 0;
    let refusedForBan = 0;
    node.events$.subscribe((e) => {
      if (e.type === 'refused' && e.reason === 'banned') refusedForBan++;
    });
    let overcharged = 0;
    const last = new Map<string, number>();
    node.events$.subscribe((e) => {
      if (e.type !== 'misbehaving') return;
      charged++;
      const host = e.remote.split(':')[0]!;
      const before = last.get(host) ?? 0;
      const documented = (e.error as { banScore?: number }).banScore;
      if (e.cost !== documented || (!e.banned && e.score - before !== documented)) overcharged++;
      last.set(host, e.banned ? 0 : e.score);
    });
    let refusedAfterBan = 0;
    let answeredAfterBan = 0;
    for (const [i, bytes] of frames.entries()) {
      const h = i % HOSTS;
      const host = `127.1.${Math.floor(h / 250)}.${(h % 250) + 1}`;
      const wasBanned = node.banList.isBanned(host);
      const { answered } = await sendOnce(port, host, bytes);
      if (wasBanned) {
        refusedAfterBan++;
        if (answered) answeredAfterBan++;
      } else if (node.banList.isBanned(host) && !bannedAt.has(host)) {
        bannedAt.set(host, i);
      }
    }
    const stats = node.stats();
    await node.stop();
    await settleTcpHandles(baseline);
    expect(answeredAfterBan, 'a banned host got an answer').to.equal(0);
    expect(bannedAt.size, 'hosts banned').to.be.greaterThan(0);
    expect(charged, 'frames charged').to.be.greaterThan(FRAMES / 3);
    expect(overcharged, 'a charge other than the documented ban score').to.equal(0);
    expect(refusedAfterBan).to.be.greaterThan(0);
    expect(refusedForBan).to.equal(refusedAfterBan);
    expect(stats.refused).to.equal(refusedAfterBan);
    expect(stats.inbound).to.equal(0);
  });
});
