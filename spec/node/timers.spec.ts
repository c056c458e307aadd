import { expect } from 'chai';
import { connect } from 'node:net';
import { createNode, type Node } from '../../lib/node/index.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';

/** Short inbound connections served; `npm run test:long` may raise it with TIMER_CONNS. */
const N = Number(process.env['TIMER_CONNS'] ?? 1_000);
/** Connections open at once: enough to overlap handshakes, few enough for 2 busy cores. */
const PARALLEL = 20;

const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
const NO_ADDR = { services: 0n, ip: new Uint8Array(16), port: 0 };
const frame = (message: BitcoinMessage): Buffer => Buffer.from(protocol.encode(message));
const VERSION = frame({
  command: 'version', protocolVersion: 70016, services: 0n, timestamp: 0n, addrRecv: NO_ADDR, addrFrom: NO_ADDR,
  nonce: 7n, userAgent: '/timers-spec/', startHeight: 0, relay: false,
});
const VERACK = frame({ command: 'verack' });
/** One gossiped address (10.0.0.1:8333): what made the node keep a release timer per peer (#16). */
const ADDR = frame({
  command: 'addr',
  addresses: [{ timestamp: 1_700_000_000, services: 1n, ip: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1]), port: 8333 }],
});
const PING = frame({ command: 'ping', nonce: 42n });

/**
 * How a client spends its short life. Each one ends at a point the client can see, so the node
 * has done its part when the client hangs up: its reply for `handshake`, its `pong` (sent after
 * it read the `addr` before the `ping`) for `addr`.
 */
type Kind = 'hangUp' | 'halfHandshake' | 'handshake' | 'addr';
const KINDS: readonly Kind[] = ['hangUp', 'halfHandshake', 'handshake', 'addr'];

/** `process.getActiveResourcesInfo()`'s Timeout count (refed timers: setTimeout, setInterval). */
function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** One client: connects, plays `kind`, hangs up; resolves on its socket's close. */
function shortConnection(port: number, kind: Kind): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const decoder = protocol.createDecoder();
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      if (kind === 'hangUp') return void socket.destroy();
      if (kind === 'halfHandshake') return void socket.write(VERSION);
      if (kind === 'handshake') return void socket.write(Buffer.concat([VERSION, VERACK]));
      // The ping comes after the addr, so its pong proves the node has read the addr.
      socket.write(Buffer.concat([VERSION, VERACK, ADDR, PING]));
    });
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) {
        const command = message.command;
        // A half handshake leaves on the node's verack; the others wait for what they asked for.
        if (kind === 'halfHandshake' && command === 'verack') socket.destroy();
        if (kind === 'handshake' && command === 'verack') socket.end();
        if (command === 'pong') socket.end();
      }
    });
  });
}

/** Turns the event loop until `done()` (bounded: a node that never settles fails the spec). */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done(), 'the node settled').to.equal(true);
}

describe('Node timers (issue #16): peers that have gone leave no timer behind', function () {
  this.timeout(60_000); // bounded by N; ~2 s on an idle machine

  let node: Node | undefined;
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  it(`serves ${N} short inbound connections and ends with no more Timeout handles than it started with`, async () => {
    // Mocha arms its own test timer once this function has returned its promise: count after it.
    await new Promise((resolve) => setImmediate(resolve));
    const beforeNode = timeouts();
    // Every inbound defence wide open (each has its own spec): every client reaches the node.
    node = createNode({ targetOutbound: 0, maxPeers: 1e6, acceptRate: 1e6, maxInboundPerIp: 1e6, maxPendingHandshakes: 1e6 });
    const counts = { peerUp: 0, peerDown: 0, handshakeFailed: 0, addrFromPeers: 0 };
    node.events$.subscribe((e) => {
      if (e.type === 'peerUp') counts.peerUp++;
      else if (e.type === 'peerDown') counts.peerDown++;
      else if (e.type === 'handshakeFailed') counts.handshakeFailed++;
      else if (e.type === 'addressesLearned' && e.origin === 'peer') counts.addrFromPeers++;
    });
    const { port } = (await node.start())!;
    // The node's own fixed timers (the feeler's interval) are in the baseline.
    const baseline = timeouts();

    const kinds = Array.from({ length: N }, (_, i) => KINDS[i % KINDS.length]!);
    for (let i = 0; i < N; i += PARALLEL) await Promise.all(kinds.slice(i, i + PARALLEL).map((kind) => shortConnection(port, kind)));
    const m = node.manager;
    await settle(() => m.state.inbound.size === 0 && counts.peerDown === counts.peerUp);

    const per = (kind: Kind): number => kinds.filter((k) => k === kind).length;
    // The timers of every stage were armed: handshakes, keep-alives, addr buckets.
    expect(counts.peerUp, 'handshakes completed').to.equal(per('handshake') + per('addr'));
    expect(counts.addrFromPeers, 'addr messages read').to.equal(per('addr'));
    expect(counts.handshakeFailed, 'half handshakes').to.be.at.least(per('halfHandshake'));
    expect(timeouts(), `Timeout handles after ${N} peers came and went (baseline ${baseline})`).to.be.at.most(baseline);

    await node.stop();
    node = undefined;
    expect(timeouts(), 'Timeout handles once stopped').to.be.at.most(beforeNode);
  });
});
