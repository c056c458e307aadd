import { expect } from 'chai';
import { exponentialBackoff } from '../../lib/backoff/exponentialBackoff.js';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { immediateScheduler } from '../../lib/schedulers/immediateScheduler.js';
import { runHerd } from '../../lib/bench/runHerd.js';
import { runStorm, UnreachableError } from '../../lib/bench/runStorm.js';
import { BenchConn } from '../../lib/bench/BenchConn.js';
import { CallbackConnManager } from '../../benchmarks/baselines/callback.js';
import { VirtualClock } from '../../lib/bench/VirtualClock.js';
import { ConnManager } from '../../lib/manager/ConnManager.js';

describe('lib/bench', () => {
  describe('runHerd (virtual time)', () => {
    const herd = () =>
      runHerd({
        policies: {
          linear: linearBackoff({ step: 300, cap: 3_000 }),
          jitter: exponentialBackoff({ base: 300, cap: 3_000, jitter: 'full', seed: 7 }),
        },
        peers: 20,
        dropAt: 100,
        downFor: 1_000,
        windowMs: 100,
      });

    it('brings every peer back, and the counts add up', async () => {
      for (const run of await herd()) {
        expect(run.recovered, run.policy).to.equal(20);
        expect(run.allBackMs, run.policy).to.be.at.least(1_000); // not before the peers are reachable
        // Dials per window sum to all dials; each peer's last dial is its one success.
        expect(
          run.windows.reduce((a, b) => a + b, 0),
          run.policy,
        ).to.equal(run.dials);
        expect(run.dials - run.failedDials, run.policy).to.equal(20);
        expect(run.peakDials, run.policy).to.be.at.most(run.dials);
      }
    });

    it('linear backoff retries the whole herd in the same instant; jitter does not; both are reproducible', async () => {
      const [linear, jitter] = await herd();
      // Linear: +300 (refused), +900 (refused), +1800: all 20 together, every time.
      expect(linear!.peakDials).to.equal(20);
      expect(linear!.dials).to.equal(60);
      expect(jitter!.peakDials).to.be.below(20);
      const again = await herd();
      expect(again.map((r) => [r.dials, r.peakDials, r.allBackMs])).to.deep.equal(
        [linear, jitter].map((r) => [r!.dials, r!.peakDials, r!.allBackMs]),
      );
    });
  });

  it('runStorm stops by itself at maxAttempts, never over the target in flight', async () => {
    const result = await runStorm<string, never>({
      makeManager: (io) => new ConnManager<string, never>({ ...io, maxFailedAttempts: Infinity, scheduler: immediateScheduler }),
      addresses: ['10.0.0.1:8333', '10.0.0.2:8333', '10.0.0.3:8333'],
      target: 2,
      maxAttempts: 200,
      durationMs: 30_000,
    });
    expect(result.attempts).to.be.at.least(200);
    expect(result.failures).to.be.at.most(result.attempts);
    expect(result.successes).to.equal(0);
    expect(result.maxInFlight).to.be.within(1, 2);
  });

  it('runStorm counts a dial of another shape through attempted and refused, with one error per address', async () => {
    const addresses = ['10.0.0.1:8333', '10.0.0.2:8333'];
    const errors = new Map<string, Set<unknown>>();
    const result = await runStorm<string, never>({
      makeManager: (io) =>
        new ConnManager<string, never>({
          getNewAddress: io.getNewAddress,
          targetOutbound: io.targetOutbound,
          maxFailedAttempts: Infinity,
          scheduler: immediateScheduler,
          dial: (addr) => {
            io.attempted();
            const error = io.refused(addr);
            (errors.get(addr) ?? errors.set(addr, new Set()).get(addr)!).add(error);
            throw error;
          },
        }),
      addresses,
      target: 2,
      maxAttempts: 200,
      durationMs: 30_000,
    });
    expect(result.attempts).to.be.at.least(200);
    expect(result.failures).to.be.at.most(result.attempts);
    expect(result.maxInFlight).to.equal(1); // each attempt is refused before the next one starts
    expect([...errors.keys()].sort()).to.deep.equal(addresses);
    for (const [addr, seen] of errors) {
      expect(seen.size, addr).to.equal(1);
      expect([...seen][0])
        .to.be.instanceOf(UnreachableError)
        .with.property('addr', addr);
    }
  });

  it('the minimal callback baseline keeps the target dialing in a storm, and stops', async () => {
    const result = await runStorm<string, BenchConn>({
      makeManager: (io) =>
        new CallbackConnManager<string, BenchConn>({
          dial: (addr, cb) => {
            io.attempted();
            setImmediate(() => cb(io.refused(addr)));
          },
          getNewAddress: io.getNewAddress,
          targetOutbound: io.targetOutbound,
          closeConn: (conn) => conn.destroy(),
        }),
      addresses: ['10.0.0.1:8333', '10.0.0.2:8333', '10.0.0.3:8333'],
      target: 3,
      maxAttempts: 300,
      durationMs: 30_000,
    });
    expect(result.attempts).to.be.at.least(300);
    expect(result.maxInFlight).to.equal(3);
  });

  it('the minimal callback baseline closes a conn that arrives after stop, keeps one that arrives before', () => {
    const callbacks: ((error: unknown, conn?: BenchConn) => void)[] = [];
    const cm = new CallbackConnManager<string, BenchConn>({
      dial: (_addr, cb) => void callbacks.push(cb),
      getNewAddress: () => 'a:1',
      targetOutbound: 2,
      closeConn: (conn) => conn.destroy(),
    });
    cm.start();
    expect(callbacks).to.have.length(2);
    const kept = new BenchConn('a:1');
    const late = new BenchConn('a:1');
    callbacks[0]!(undefined, kept);
    expect(kept.destroyed).to.equal(false);
    cm.stop();
    expect(kept.closedBy).to.equal('local'); // stop closes what it holds
    callbacks[1]!(undefined, late);
    expect(late.closedBy).to.equal('local');
    expect(callbacks).to.have.length(2); // nothing replaced after stop
  });

  it('VirtualClock runs promise callbacks between timers, in virtual time', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.schedule(() => resolve(), ms));
    void (async () => {
      await sleep(1_000);
      seen.push(`a@${clock.now()}`);
      await sleep(60_000);
      seen.push(`b@${clock.now()}`);
    })();
    clock.schedule(() => seen.push(`timer@${clock.now()}`), 1_000);
    await clock.run({ until: 3_600_000 });
    expect(seen).to.deep.equal(['a@1000', 'timer@1000', 'b@61000']);
    expect(clock.now()).to.equal(3_600_000);
    expect(clock.pending).to.equal(0);
  });
});
