import { expect } from 'chai';
import fc from 'fast-check';
import type { ConnAction } from '../../lib/model/actions.js';
import { ConnState } from '../../lib/model/ConnState.js';
import type { ConnEvent } from '../../lib/model/events.js';
import type { ConnManagerState } from '../../lib/model/state.js';
import { initialState } from '../../lib/model/state.js';
import { reduce } from '../../lib/reducer/reduce.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/** `npm test` runs 1,000 schedules; `npm run test:long` sets PROPERTY_RUNS=100000 (and PROPERTY_SEED to vary them). */
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 1_000);
const SEED = Number(process.env['PROPERTY_SEED'] ?? 20261124);

const ADDRS = ['a', 'b', 'c', 'd', 'e'] as const;
const DIAL_MARBLES = ['c', '--c', '#', '--#', '-', 'c---x', '--c-x', '(cc)', '|', '-----c'];

type Step =
  | { at: number; op: 'connect'; addr: string; permanent: boolean }
  | { at: number; op: 'newConnReq' }
  | { at: number; op: 'disconnect' | 'remove'; id: number }
  | { at: number; op: 'configure'; target: number; maxInbound: number }
  | { at: number; op: 'networkDown' | 'networkUp' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ at: fc.nat(60), op: fc.constant('connect' as const), addr: fc.constantFrom(...ADDRS), permanent: fc.boolean() }),
  fc.record({ at: fc.nat(60), op: fc.constant('newConnReq' as const) }),
  fc.record({ at: fc.nat(60), op: fc.constantFrom('disconnect' as const, 'remove' as const), id: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ at: fc.nat(60), op: fc.constant('configure' as const), target: fc.nat(3), maxInbound: fc.nat(2) }),
  fc.record({ at: fc.nat(60), op: fc.constantFrom('networkDown' as const, 'networkUp' as const) }),
);

const scenarioArb = fc.record({
  target: fc.nat(3),
  automatic: fc.boolean(),
  maxInbound: fc.nat(2),
  listener: fc.constantFrom('', '-a-b-c', 'ab--c--d', '#'),
  scripts: fc.array(fc.array(fc.constantFrom(...DIAL_MARBLES), { minLength: 1, maxLength: 3 }), { minLength: 5, maxLength: 5 }),
  steps: fc.array(stepArb, { maxLength: 12 }),
  stopAt: fc.integer({ min: 0, max: 120 }),
});

/** The events a request may see after each event (its causal grammar). */
const FOLLOWS: Record<string, readonly string[]> = {
  start: ['addressRequested', 'dialing', 'canceled'],
  addressRequested: ['dialing', 'failed', 'canceled'],
  dialing: ['connected', 'failed', 'canceled'],
  connected: ['disconnected'],
  failed: ['retryScheduled'],
  disconnected: ['retryScheduled'],
  // A second retryScheduled: the network came back, the retry moved to now (plus its jitter).
  retryScheduled: ['dialing', 'canceled', 'retryScheduled'],
  canceled: [],
};

describe('ConnManager — properties on random schedules (virtual time)', function () {
  this.timeout(0); // bounded by the run count, not the clock (test:long runs 100,000)
  it('keeps its invariants, closes every conn exactly once, and its state is the fold of its actions', () => {
    let rescheduled = 0; // retries moved to now by a network coming back: the schedules do reach them
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runManagerTest(
          (t) => {
            ADDRS.forEach((addr, i) => t.net.script(addr, ...sc.scripts[i]!));
            let n = 0;
            const cm = t.manager({
              targetOutbound: sc.target,
              maxInbound: sc.maxInbound,
              retryDuration: 7,
              maxFailedAttempts: 3,
              dialTimeout: 20,
              offlineAfter: 2, // outages happen often on these schedules
              onlineRetryJitter: 5,
              listeners: sc.listener ? [t.net.listener(sc.listener, { a: 9, c: 3 })] : [],
              ...(sc.automatic ? { getNewAddress: () => ADDRS[n++ % ADDRS.length]! } : {}),
            });
            const states: ConnManagerState<string, FakeConn>[] = [];
            const actions: ConnAction<string, FakeConn>[] = [];
            const events: ConnEvent<string, FakeConn>[] = [];
            cm.state$.subscribe((s) => states.push(s));
            cm.actions$.subscribe((a) => actions.push(a));
            cm.events$.subscribe((e) => events.push(e));
            let dialsAtStop = -1;
            t.at(0, () => cm.start());
            for (const step of sc.steps) {
              t.at(step.at, () => {
                if (step.op === 'connect') cm.connect(step.addr, { permanent: step.permanent });
                else if (step.op === 'newConnReq') cm.newConnReq();
                else if (step.op === 'configure') cm.configure({ targetOutbound: step.target, maxInbound: step.maxInbound });
                else if (step.op === 'disconnect' || step.op === 'remove') cm[step.op](step.id);
                else cm[step.op]();
              });
            }
            t.at(sc.stopAt, () => {
              cm.stop();
              dialsAtStop = t.net.dials.length;
            });
            return () => ({ cm, states, actions, events, net: t.net, dialsAtStop });
          },
          { maxFrames: 2_000 },
        );

        // After every step: the target (as configured then) is a ceiling; one live request per
        // address; counters true.
        for (const s of r.states) {
          const entries = [...s.requests.values()];
          expect(s.automaticCount).to.be.at.most(s.config.targetOutbound);
          expect(entries.filter((e) => e.automatic && e.state === ConnState.Established).length).to.be.at.most(s.config.targetOutbound);
          const addrs = entries.filter((e) => e.addr !== undefined).map((e) => e.addr);
          expect(new Set(addrs).size).to.equal(addrs.length);
          expect(s.establishedCount).to.equal(entries.filter((e) => e.state === ConnState.Established).length);
          expect(s.inbound.size).to.be.at.most(s.config.maxInbound);
        }

        // The state is the reducer folded over the actions it saw.
        // (From the config it started with: the configure actions are among them.)
        const folded = r.actions.reduce(reduce<string, FakeConn>, initialState<string, FakeConn>(r.states[0]!.config));
        expect(folded.phase).to.equal(r.cm.state.phase);
        expect(folded.requests.size).to.equal(r.cm.state.requests.size);
        expect(folded.failedAttempts).to.equal(r.cm.state.failedAttempts);
        expect(folded.config).to.deep.equal(r.cm.state.config);
        expect([...folded.networks.entries()]).to.deep.equal([...r.cm.state.networks.entries()]);
        expect(r.cm.state.phase).to.equal('stopped');

        // Every conn handed out is closed exactly once, by itself or by the manager.
        for (const conn of r.net.conns) {
          expect(conn.closed, `${conn.name} left open`).to.equal(true);
          expect(conn.closeCount + (conn.closedBy === 'self' ? 1 : 0), `${conn.name} closed twice`).to.equal(1);
        }
        // Nothing is dialed after stop.
        expect(r.net.dials.length).to.equal(r.dialsAtStop);

        // Events of one request arrive in causal order, and nothing follows its end.
        const last = new Map<number, string>();
        const ended = new Set<number>();
        for (const e of r.events) {
          if (!('req' in e)) continue;
          const id = e.req.id;
          expect(ended.has(id), `event ${e.type} after the end of #${id}`).to.equal(false);
          const previous = last.get(id) ?? 'start';
          expect(FOLLOWS[previous], `#${id}: ${previous} → ${e.type}`).to.include(e.type);
          if (previous === 'retryScheduled' && e.type === 'retryScheduled') rescheduled++;
          last.set(id, e.type);
          if (e.type === 'canceled' || (e.type === 'failed' && !e.willRetry) || (e.type === 'disconnected' && !e.willReconnect))
            ended.add(id);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(rescheduled).to.be.greaterThan(0);
  });
});

describe('ConnManager — 10,000 concurrent connects to overlapping addresses', () => {
  it('never holds two live requests (in flight or established) to one address', () => {
    const r = runManagerTest((t) => {
      t.net.defaultDial = '---c'; // all in flight together for 3 frames
      const cm = t.manager({});
      let maxLivePerAddr = 0;
      cm.state$.subscribe((s) => {
        const perAddr = new Map<string, number>();
        for (const e of s.requests.values()) perAddr.set(e.addr!, (perAddr.get(e.addr!) ?? 0) + 1);
        for (const n of perAddr.values()) maxLivePerAddr = Math.max(maxLivePerAddr, n);
      });
      t.at(0, () => {
        cm.start();
        for (let i = 0; i < 10_000; i++) cm.connect(`peer${i % 97}`, { permanent: i % 2 === 0 });
      });
      return () => ({ maxLivePerAddr, dials: t.net.dials.length, conns: t.net.conns.length, established: cm.state.establishedCount });
    });
    expect(r.maxLivePerAddr).to.equal(1);
    expect(r.dials).to.equal(97);
    expect(r.conns).to.equal(97);
    expect(r.established).to.equal(97);
  });
});

describe('ConnManager with btcd-style address choice — one outbound per group, on random schedules', function () {
  this.timeout(0); // bounded by the run count
  it('never holds two live requests (dialing or established) in one group', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }), // target
        fc.integer({ min: 1, max: 6 }), // groups
        fc.array(fc.constantFrom('c', '--c', '#', '-#', '--c--x', '-', 'c-x'), { minLength: 12, maxLength: 12 }),
        (target, groups, marbles) => {
          const worst = runManagerTest((t) => {
            const addrs = marbles.map((m, i) => {
              const addr = `g${i % groups}-${i}`;
              t.net.script(addr, m);
              return addr;
            });
            const group = (a: string) => a.split('-')[0]!;
            let turn = 0;
            // getNewAddress as the node does it: skip any group with a live request (in flight too).
            const cm = t.manager({
              targetOutbound: target,
              retryDuration: 10,
              maxFailedAttempts: 3,
              dialTimeout: 30,
              getNewAddress: () => {
                const inUse = new Set([...cm.state.requests.values()].filter((e) => e.addr).map((e) => group(e.addr!)));
                for (let k = 0; k < addrs.length; k++) {
                  const a = addrs[(turn + k) % addrs.length]!;
                  if (!inUse.has(group(a))) {
                    turn += k + 1;
                    return a;
                  }
                }
                return [];
              },
            });
            let worst = 0;
            cm.state$.subscribe((s) => {
              const perGroup = new Map<string, number>();
              for (const e of s.requests.values()) if (e.addr) perGroup.set(group(e.addr), (perGroup.get(group(e.addr)) ?? 0) + 1);
              for (const n of perGroup.values()) worst = Math.max(worst, n);
            });
            t.at(0, () => cm.start());
            t.at(300, () => cm.stop());
            return () => worst;
          });
          expect(worst).to.be.at.most(1);
        },
      ),
      { numRuns: Math.min(RUNS, 100), seed: SEED },
    );
  });
});
