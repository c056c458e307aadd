import { expect } from 'chai';
import { VirtualTimeScheduler, firstValueFrom } from 'rxjs';
import type { Subscription } from 'rxjs';
import { IdleTimeoutError } from '../../../lib/peer/errors.js';
import { keepAlive, type PingSample } from '../../../lib/peer/bitcoin/keepAlive.js';
import { InvalidOptionError } from '../../../lib/transport/errors.js';
import { settleTcpHandles, tcpHandles } from '../../transport/loopback.js';
import { closeAll } from '../socketPair.js';
import { nextCommand, scripted, type Scripted } from './bitcoinPeers.js';

const MINUTE = 60_000;

/** Runs every action due up to `frame` and leaves the virtual clock at exactly `frame`. */
function advanceTo(scheduler: VirtualTimeScheduler, frame: number): void {
  scheduler.schedule(() => {}, frame - scheduler.frame);
  scheduler.maxFrames = frame;
  scheduler.flush();
}

interface Run {
  readonly samples: PingSample[];
  readonly outcome: { error?: unknown; completed?: boolean };
  readonly subscription: Subscription;
}

describe('keepAlive', () => {
  let baseline: number;
  let scheduler: VirtualTimeScheduler;
  let pair: Scripted;
  let nonces: bigint;

  function start(options: Parameters<typeof keepAlive>[1] = {}): Run {
    const samples: PingSample[] = [];
    const outcome: Run['outcome'] = {};
    const subscription = keepAlive(pair.peer, { scheduler, nonce: () => ++nonces, ...options }).subscribe({
      next: (sample) => samples.push(sample),
      error: (error: unknown) => (outcome.error = error),
      complete: () => (outcome.completed = true),
    });
    return { samples, outcome, subscription };
  }

  /** Proves that nothing our peer sent is still in flight: TCP delivers in order. */
  async function drainToRemote(): Promise<void> {
    const marker = nextCommand(pair.remote, 'getaddr');
    pair.peer.send({ command: 'getaddr' });
    await marker;
  }

  beforeEach(async () => {
    baseline = tcpHandles();
    scheduler = new VirtualTimeScheduler();
    nonces = 0n;
    pair = await scripted();
  });
  afterEach(async () => {
    closeAll();
    await settleTcpHandles(baseline);
  });

  it('answers a ping with a pong carrying its nonce', async () => {
    const { samples } = start();
    const pong = nextCommand(pair.remote, 'pong');
    pair.remote.send({ command: 'ping', nonce: 0xdeadbeefcafen });
    expect(await pong).to.deep.equal({ command: 'pong', nonce: 0xdeadbeefcafen });
    expect(samples).to.deep.equal([]);
  });

  it('sends a ping every pingInterval (2 minutes by default), none before', async () => {
    start();
    advanceTo(scheduler, 2 * MINUTE - 1);
    await drainToRemote();
    expect(pair.received.map((m) => m.command)).to.deep.equal(['getaddr']);

    advanceTo(scheduler, 2 * MINUTE);
    const first = nextCommand(pair.remote, 'ping');
    expect(await first).to.deep.equal({ command: 'ping', nonce: 1n });

    const second = nextCommand(pair.remote, 'ping');
    advanceTo(scheduler, 4 * MINUTE);
    expect(await second).to.deep.equal({ command: 'ping', nonce: 2n });
  });

  it('emits the round trip when the pong matches the latest ping, and ignores other pongs', async () => {
    const { samples } = start({ pingInterval: 10_000, idleTimeout: Infinity });
    const ping = nextCommand(pair.remote, 'ping');
    advanceTo(scheduler, 10_000);
    expect(await ping).to.deep.equal({ command: 'ping', nonce: 1n });
    advanceTo(scheduler, 10_250);

    const stray = nextCommand(pair.peer, 'pong');
    pair.remote.send({ command: 'pong', nonce: 99n });
    await stray;
    expect(samples).to.deep.equal([]);

    const answer = nextCommand(pair.peer, 'pong');
    pair.remote.send({ command: 'pong', nonce: 1n });
    await answer;
    expect(samples).to.deep.equal([{ nonce: 1n, rtt: 250 }]);

    // Answered once: a duplicate pong is not a second sample.
    const duplicate = nextCommand(pair.peer, 'pong');
    pair.remote.send({ command: 'pong', nonce: 1n });
    await duplicate;
    expect(samples).to.have.length(1);
  });

  it('a newer ping supersedes an unanswered one', async () => {
    const { samples } = start({ pingInterval: 10_000, idleTimeout: Infinity });
    const pings = firstTwoPings();
    advanceTo(scheduler, 20_000);
    expect(await pings).to.deep.equal([1n, 2n]);
    advanceTo(scheduler, 20_040);
    const late = nextCommand(pair.peer, 'pong');
    pair.remote.send({ command: 'pong', nonce: 1n });
    await late;
    expect(samples).to.deep.equal([]);
    const current = nextCommand(pair.peer, 'pong');
    pair.remote.send({ command: 'pong', nonce: 2n });
    await current;
    expect(samples).to.deep.equal([{ nonce: 2n, rtt: 40 }]);
  });

  it('fails with IdleTimeoutError after 5 minutes without any message, closing the peer', async () => {
    const { outcome } = start();
    advanceTo(scheduler, 5 * MINUTE - 1);
    expect(outcome).to.deep.equal({});
    expect(pair.peer.closed).to.equal(false);
    advanceTo(scheduler, 5 * MINUTE);
    expect(outcome.error).to.be.instanceOf(IdleTimeoutError);
    expect(outcome.error).to.deep.include({ idleTimeout: 5 * MINUTE });
    expect(await firstValueFrom(pair.peer.closed$)).to.deep.equal({ by: 'local', error: outcome.error });
    expect(scheduler.actions.every((action) => action.closed)).to.equal(true);
  });

  it('every message received pushes the idle deadline back', async () => {
    const { outcome } = start({ pingInterval: Infinity });
    advanceTo(scheduler, 4 * MINUTE);
    const arrived = nextCommand(pair.peer, 'sendheaders');
    pair.remote.send({ command: 'sendheaders' });
    await arrived;
    advanceTo(scheduler, 9 * MINUTE - 1);
    expect(outcome).to.deep.equal({});
    advanceTo(scheduler, 9 * MINUTE);
    expect(outcome.error).to.be.instanceOf(IdleTimeoutError);
    expect(pair.peer.closed).to.equal(true);
  });

  it('completes when the peer closes, and cancels its timers', () => {
    const { outcome } = start();
    pair.peer.close();
    expect(outcome).to.deep.equal({ completed: true });
    expect(scheduler.actions.every((action) => action.closed)).to.equal(true);
  });

  it('runs until unsubscribed: no more pings afterwards', async () => {
    const { subscription } = start({ pingInterval: 1_000, idleTimeout: Infinity });
    const ping = nextCommand(pair.remote, 'ping');
    advanceTo(scheduler, 1_000);
    await ping;
    subscription.unsubscribe();
    advanceTo(scheduler, 10_000);
    await drainToRemote();
    expect(pair.received.map((m) => m.command)).to.deep.equal(['ping', 'getaddr']);
    expect(pair.peer.closed).to.equal(false);
  });

  it('rejects intervals that are not positive', () => {
    expect(() => keepAlive(pair.peer, { pingInterval: 0 })).to.throw(InvalidOptionError, 'pingInterval');
    expect(() => keepAlive(pair.peer, { idleTimeout: Number.NaN })).to.throw(InvalidOptionError, 'idleTimeout');
  });

  function firstTwoPings(): Promise<bigint[]> {
    return new Promise((resolve) => {
      const seen: bigint[] = [];
      const subscription = pair.remote.messages$.subscribe((message) => {
        if (message.command === 'ping' && 'nonce' in message) seen.push(message.nonce);
        if (seen.length === 2) {
          subscription.unsubscribe();
          resolve(seen);
        }
      });
    });
  }
});
