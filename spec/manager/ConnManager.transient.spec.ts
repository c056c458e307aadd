import { expect } from 'chai';
import fc from 'fast-check';
import type { ConnAction } from '../../lib/model/actions.js';
import type { ConnManagerState } from '../../lib/model/state.js';
import { initialState } from '../../lib/model/state.js';
import { ConnState } from '../../lib/model/ConnState.js';
import { reduce } from '../../lib/reducer/reduce.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);

type State = ConnManagerState<string, FakeConn>;

const ADDRS = ['a', 'b', 'c', 'd', 'e'] as const;
const DIAL_MARBLES = ['c', '--c', '#', '--#', '-', 'c---x', '--c-x', '|', '-----c'];

/** A snapshot as plain data (entries copied field by field), to compare later with what it shows then. */
function plain(s: State): unknown {
  const byKey = <K extends string | number, V>(m: Iterable<[K, V]>) =>
    [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, typeof v === 'object' ? { ...v } : v]);
  return {
    phase: s.phase,
    requests: byKey(s.requests),
    addresses: byKey(s.addresses),
    inbound: byKey(s.inbound),
    sizes: [s.requests.size, s.addresses.size, s.inbound.size],
    counters: [s.nextInboundId, s.failedAttempts, s.automaticCount, s.refillsPending, s.establishedCount],
  };
}

/** A snapshot someone got hold of, what it showed then, and how many actions had been folded into it. */
interface Seen {
  readonly state: State;
  readonly then: unknown;
  readonly folded: number;
}

const scenarioArb = fc.record({
  target: fc.integer({ min: 1, max: 4 }),
  scripts: fc.array(fc.array(fc.constantFrom(...DIAL_MARBLES), { minLength: 1, maxLength: 3 }), { minLength: 5, maxLength: 5 }),
  listener: fc.constantFrom('', '-a-b-c', 'ab--c--d'),
  /** Read `cm.state` after every n-th event (0: never), so runs of unseen steps have random lengths. */
  readEvery: fc.nat(7),
  readAt: fc.array(fc.nat(60), { maxLength: 6 }),
  permanent: fc.array(fc.constantFrom(...ADDRS), { maxLength: 3 }),
  stopAt: fc.integer({ min: 20, max: 90 }),
});

describe('ConnManager — snapshots frozen when published (transient steps in between)', function () {
  this.timeout(0); // bounded by the run count
  it('every snapshot anyone saw (through state, admitInbound or getNewAddress) is the fold of the actions before it, and never changes afterwards', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runManagerTest(
          (t) => {
            ADDRS.forEach((addr, i) => t.net.script(addr, ...sc.scripts[i]!));
            const actions: ConnAction<string, FakeConn>[] = [];
            const seen: Seen[] = [];
            let recording = true; // off once the run is over: the re-fold below calls admitInbound too
            let n = 0;
            const cm = t.manager({
              targetOutbound: sc.target,
              maxInbound: 2,
              retryDuration: 5,
              maxFailedAttempts: 3,
              dialTimeout: 15,
              listeners: sc.listener ? [t.net.listener(sc.listener, { a: 9, c: 3 })] : [],
              // A chooser that takes the state is handed a published snapshot: later steps leave it be.
              getNewAddress: (state) => {
                if (recording) seen.push({ state, then: plain(state), folded: actions.length });
                return ADDRS[n++ % ADDRS.length]!;
              },
              // Handed this step's input state: the fold of every action but the current one.
              admitInbound: (_conn, state) => {
                if (recording) seen.push({ state, then: plain(state), folded: actions.length - 1 });
                return undefined;
              },
            });
            // state$ is left unobserved, so nothing but these reads publishes a snapshot.
            const read = () => seen.push({ state: cm.state, then: plain(cm.state), folded: actions.length });
            cm.actions$.subscribe((a) => actions.push(a));
            let events = 0;
            cm.events$.subscribe(() => {
              if (sc.readEvery !== 0 && ++events % sc.readEvery === 0) read();
            });
            t.at(0, () => {
              cm.start();
              for (const addr of sc.permanent) cm.connect(addr, { permanent: true });
            });
            for (const at of sc.readAt) t.at(at, read);
            t.at(sc.stopAt, () => cm.stop());
            return () => {
              recording = false;
              return { cm, actions, seen };
            };
          },
          { maxFrames: 2_000 },
        );
        const config = r.cm.state.config;
        const folds: State[] = [initialState<string, FakeConn>(config)];
        for (const action of r.actions) folds.push(reduce(folds[folds.length - 1]!, action));
        for (const s of r.seen) {
          expect(plain(s.state), 'a published snapshot changed afterwards').to.deep.equal(s.then);
          expect(s.then, `the snapshot after ${s.folded} actions is their fold`).to.deep.equal(plain(folds[s.folded]!));
        }
        expect(plain(r.cm.state)).to.deep.equal(plain(folds[folds.length - 1]!));
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
  });

  it('a request removed in an unseen step keeps the retry count it had (read from the entry the step removed)', () => {
    const r = runManagerTest((t) => {
      t.net.script('a', '#');
      t.net.defaultDial = '#';
      const cm = t.manager({ retryDuration: 1 }); // retries after 1, 2, 3… frames
      let before = -1;
      const req = cm.connect('a', { permanent: true });
      // Company in the map, so that removing `a` edits a node rather than leaving the empty map.
      for (const addr of ['b', 'c', 'd']) cm.connect(addr, { permanent: true });
      t.at(0, () => cm.start());
      t.at(9, () => (before = req.retryCount));
      t.at(10, () => cm.remove(req.id));
      t.at(12, () => cm.stop());
      return () => ({ before, after: req.retryCount, state: req.state });
    });
    expect(r.before).to.be.greaterThan(1);
    expect(r.after).to.equal(r.before);
    expect(r.state).to.equal(ConnState.Canceled);
  });

  it('a subscriber joining state$ late gets the current snapshot, which then stays as it was', () => {
    const r = runManagerTest((t) => {
      t.net.defaultDial = '--#';
      const cm = t.manager({
        targetOutbound: 3,
        getNewAddress: (() => {
          let i = 0;
          return () => `peer${i++}`;
        })(),
      });
      const got: { state: State; then: unknown }[] = [];
      t.at(0, () => cm.start());
      t.at(7, () => {
        const sub = cm.state$.subscribe((s) => got.push({ state: s, then: plain(s) }));
        sub.unsubscribe();
      });
      t.at(30, () => cm.stop());
      return () => got;
    });
    expect(r).to.have.length(1);
    expect((r[0]!.then as { requests: unknown[] }).requests).to.have.length(3);
    expect(plain(r[0]!.state)).to.deep.equal(r[0]!.then);
  });
});
