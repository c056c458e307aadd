import { expect } from 'chai';
import { connect } from 'node:net';
import { asyncScheduler } from 'rxjs';
import { createNode, type Node } from '../../lib/node/index.js';
import { HandshakeTimeoutError, IdleTimeoutError } from '../../lib/peer/errors.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';

/** Short inbound connections served; set TIMER_CONNS (e.g. 10000) for a longer run. */
const N = Number(process.env['TIMER_CONNS'] ?? 1_000);
/** Connections open at once: enough to overlap handshakes, few enough for 2 busy cores. */
const PARALLEL = 20;

const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
const NO_ADDR = { services: 0n, ip: new Uint8Array(16), port: 0 };
const frame = (message: BitcoinMessage): Buffer => Buffer.from(protocol.encode(message));
const VERSION = frame({
  command: 'version',
  protocolVersion: 70016,
  services: 0n,
  timestamp: 0n,
  addrRecv: NO_ADDR,
  addrFrom: NO_ADDR,
  nonce: 7n,
  userAgent: '/timers-spec/',
  startHeight: 0,
  relay: false,
});
const VERACK = frame({ command: 'verack' });
/** One gossiped address (10.0.0.1:8333): what made the node keep a release timer per peer (#16). */
const ADDR = frame({
  command: 'addr',
  addresses: [
    { timestamp: 1_700_000_000, services: 1n, ip: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1]), port: 8333 },
  ],
});
const PING = frame({ command: 'ping', nonce: 42n });

/**
 * How a client spends its short life. Each one ends at a point the client can see, so the node
 * has done its part when the client hangs up: its reply for `handshake`, its `pong` (sent after
 * it read the `addr` before the `ping`) for `addr`.
 */
type Kind = 'hangUp' | 'halfHandshake' | 'handshake' | 'addr' | 'silent' | 'idle';
const KINDS: readonly Kind[] = ['hangUp', 'halfHandshake', 'handshake', 'addr'];
/**
 * The clients that wait for the node to hang up, so that its timers fire rather than being
 * canceled: `silent` sends nothing (the handshake timeout fires), `idle` shakes hands and then says
 * nothing (pings go out, then the idle timeout fires). A few, alongside the others.
 */
const LINGERING = 10;
/**
 * Short enough for the lingering clients to end within the run, long enough that a busy machine
 * rarely times out the others (the checks below count what each client saw, so one that did is
 * not a failure).
 */
const TIMERS = { handshakeTimeout: 1_000, pingInterval: 200, idleTimeout: 1_000 };

/** `process.getActiveResourcesInfo()`'s Timeout count (refed timers: setTimeout, setInterval). */
function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** How a client's visit went. */
interface Outcome {
  readonly kind: Kind;
  /** The node answered what the client waited for: its verack, or for `addr` its pong. */
  readonly answered: boolean;
}

/**
 * One client: connects, plays `kind`, hangs up; resolves on its socket's close with whether the
 * node answered what it waited for (for `addr`: the pong).
 */
function shortConnection(port: number, kind: Kind): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    const socket = connect({ host: '127.0.0.1', port });
    const decoder = protocol.createDecoder();
    socket.on('error', () => {});
    socket.on('close', () => resolve({ kind, answered }));
    socket.on('connect', () => {
      if (kind === 'hangUp') return void socket.destroy();
      if (kind === 'halfHandshake') return void socket.write(VERSION);
      if (kind === 'silent') return;
      if (kind === 'handshake' || kind === 'idle') return void socket.write(Buffer.concat([VERSION, VERACK]));
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
        if (command === (kind === 'addr' ? 'pong' : 'verack')) answered = true;
      }
    });
  });
}

/**
 * Waits until `done()`, turning the event loop (closes still in flight arrive as I/O). Bounded at
 * 10 s only against a hang: the assertions that follow do not depend on how long it took.
 */
async function settle(done: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (!done() && Date.now() < giveUpAt) await new Promise((resolve) => setImmediate(resolve));
  expect(done(), 'the node settled').to.equal(true);
}

describe('Node timers (issue #16): peers that have gone leave no timer behind', function () {
  this.timeout(60_000); // bounded by N; ~2 s on an idle machine

  let node: Node | undefined;
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  // The node's default, and RxJS's asyncScheduler, whose actions hold a setInterval each (reused
  // when an action reschedules itself with the same delay, as keep-alive's ping does).
  for (const [name, scheduler] of [
    ['immediateScheduler', undefined],
    ['asyncScheduler', asyncScheduler],
  ] as const) {
    it(`serves ${N} short inbound connections and ends with no more Timeout handles than it started with (${name})`, async () => {
      // Mocha arms its own test timer once this function has returned its promise: count after it.
      await new Promise((resolve) => setImmediate(resolve));
      const beforeNode = timeouts();
      // Every inbound defence wide open (each has its own spec): every client reaches the node.
      node = createNode({
        targetOutbound: 0,
        blockRelayOnlyPeers: 0,
        maxPeers: 1e6,
        acceptRate: 1e6,
        maxInboundPerIp: 1e6,
        maxPendingHandshakes: 1e6,
        ...TIMERS,
        ...(scheduler ? { scheduler } : {}),
      });
      const counts = { peerUp: 0, peerDown: 0, handshakeFailed: 0, addrFromPeers: 0, handshakeTimeouts: 0, idleTimeouts: 0 };
      node.events$.subscribe((e) => {
        switch (e.type) {
          case 'peerUp':
            counts.peerUp++;
            break;
          case 'peerDown':
            counts.peerDown++;
            if (e.error instanceof IdleTimeoutError) counts.idleTimeouts++;
            break;
          case 'handshakeFailed':
            counts.handshakeFailed++;
            if (e.error instanceof HandshakeTimeoutError) counts.handshakeTimeouts++;
            break;
          case 'addressesLearned':
            if (e.origin === 'peer') counts.addrFromPeers++;
            break;
          default:
            break;
        }
      });
      const { port } = (await node.start())!;
      // The node's own fixed timers (the feeler's interval) are in the baseline.
      const baseline = timeouts();

      const lingering = Array.from({ length: LINGERING }, (_, i) => shortConnection(port, i % 2 === 0 ? 'silent' : 'idle'));
      const kinds = Array.from({ length: N - LINGERING }, (_, i) => KINDS[i % KINDS.length]!);
      const outcomes: Outcome[] = [];
      for (let i = 0; i < kinds.length; i += PARALLEL)
        outcomes.push(...(await Promise.all(kinds.slice(i, i + PARALLEL).map((kind) => shortConnection(port, kind)))));
      outcomes.push(...(await Promise.all(lingering)));
      const m = node.manager;
      await settle(() => m.state.inbound.size === 0 && counts.peerDown === counts.peerUp);

      const answered = (kind: Kind): number => outcomes.filter((o) => o.kind === kind && o.answered).length;
      // The timers of every stage were armed (handshakes, keep-alives, addr buckets), and some
      // fired. A pong proves the node read the addr before it, on a handshaken peer.
      const pongs = answered('addr');
      expect(pongs, 'addr clients answered (most of them, even on a busy machine)').to.be.at.least(
        kinds.filter((k) => k === 'addr').length / 2,
      );
      expect(counts.addrFromPeers, 'addr messages read').to.be.at.least(pongs);
      expect(counts.peerUp, 'handshakes completed').to.be.at.least(pongs);
      expect(counts.handshakeTimeouts, 'handshake timeouts that fired (the silent clients)').to.be.at.least(LINGERING / 2);
      expect(counts.idleTimeouts, 'idle timeouts that fired').to.be.at.least(1);
      // A half handshake that got the node's verack left without sending its own: a failed handshake.
      expect(counts.handshakeFailed, 'failed handshakes').to.be.at.least(answered('halfHandshake'));
      expect(timeouts(), `Timeout handles after ${N} peers came and went (baseline ${baseline})`).to.be.at.most(baseline);

      await node.stop();
      node = undefined;
      expect(timeouts(), 'Timeout handles once stopped').to.be.at.most(beforeNode);
    });
  }
});
