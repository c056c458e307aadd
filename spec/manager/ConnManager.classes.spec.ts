import { expect } from 'chai';
import fc from 'fast-check';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import type { AddressContext } from '../../lib/model/AddressContext.js';
import { ConnState } from '../../lib/model/ConnState.js';
import { DEFAULT_CONN_CLASS, type ConnReq } from '../../lib/model/ConnReq.js';
import type { DialContext } from '../../lib/operators/dialOnce.js';
import type { ConnManagerState } from '../../lib/model/state.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/**
 * Connection classes (issue #14 item 4): named classes beside the default one, each with its own
 * budget in the reducer — `target` automatic requests refilled per class, `max` live requests of
 * the class at once — and an `extra` request that may exceed a target by one.
 */
describe('ConnManager — connection classes', () => {
  /** `getNewAddress` that hands out `<class>-1`, `<class>-2`, … and records each context. */
  function addresses(): { get: (state: unknown, context: AddressContext) => string; asked: string[] } {
    const asked: string[] = [];
    const counters = new Map<string, number>();
    return {
      asked,
      get: (_state, { connClass }) => {
        asked.push(connClass);
        const n = (counters.get(connClass) ?? 0) + 1;
        counters.set(connClass, n);
        return `${connClass === DEFAULT_CONN_CLASS ? 'f' : connClass}-${n}`;
      },
    };
  }

  /** The log of a manager with `targetOutbound` default peers and one `bro` peer, dials scripted, stopped at `stopAt`. */
  function classLog(scripts: Readonly<Record<string, string>>, targetOutbound: number, stopAt: number): string[] {
    return runManagerTest((t) => {
      for (const [addr, marble] of Object.entries(scripts)) t.net.script(addr, marble);
      const book = addresses();
      const cm = t.manager({ targetOutbound, classes: { bro: { target: 1 } }, getNewAddress: book.get });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(stopAt, () => cm.stop());
      return log;
    });
  }

  it('fills the default target and each class target at start, asking getNewAddress with the class', () => {
    const { log, asked, counts } = runManagerTest((t) => {
      const book = addresses();
      const cm = t.manager({ targetOutbound: 2, classes: { bro: { target: 1 } }, getNewAddress: book.get });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(10, () => cm.stop());
      return () => ({ log: log.filter((l) => !l.startsWith('10 ')), asked: book.asked, counts: cm.state.classCounts });
    });
    expect(log).to.deep.equal([
      '0 started',
      '0 refillScheduled 2 +0',
      '0 refillScheduled 1 +0 bro',
      '0 dialing #1 f-1',
      '0 dialing #2 f-2',
      '0 dialing #3/bro bro-1',
      '0 connected #1 f-1',
      '0 connected #2 f-2',
      '0 connected #3/bro bro-1',
    ]);
    expect(asked).to.deep.equal(['default', 'default', 'bro']);
    expect(counts).to.deep.equal({ bro: { live: 0, automatic: 0, refillsPending: 0 } }, 'zeroed by stop');
  });

  it('keeps per-class counts: a class request does not count toward targetOutbound', () => {
    const seen = runManagerTest((t) => {
      const book = addresses();
      const cm = t.manager({ targetOutbound: 1, classes: { bro: { target: 2 } }, getNewAddress: book.get });
      let seen!: { automatic: number; bro: unknown; established: number };
      t.at(0, () => cm.start());
      t.at(5, () => {
        const s = cm.state;
        seen = { automatic: s.automaticCount, bro: s.classCounts['bro'], established: s.establishedCount };
      });
      t.at(10, () => cm.stop());
      return () => seen;
    });
    expect(seen).to.deep.equal({ automatic: 1, bro: { live: 2, automatic: 2, refillsPending: 0 }, established: 3 });
  });

  it('refills a lost class peer in its own class, and a lost default peer in the default class', () => {
    const log = classLog({ 'bro-1': 'c---x', 'f-1': 'c-----x' }, 1, 20);
    expect(log.slice(0, 7)).to.deep.equal([
      '0 started',
      '0 refillScheduled 1 +0',
      '0 refillScheduled 1 +0 bro',
      '0 dialing #1 f-1',
      '0 dialing #2/bro bro-1',
      '0 connected #1 f-1',
      '0 connected #2/bro bro-1',
    ]);
    expect(log.slice(7, 15)).to.deep.equal([
      '4 disconnected #2/bro bro-1 closed',
      '4 refillScheduled 1 +0 bro',
      '4 dialing #3/bro bro-2',
      '4 connected #3/bro bro-2',
      '6 disconnected #1 f-1 closed',
      '6 refillScheduled 1 +0',
      '6 dialing #4 f-2',
      '6 connected #4 f-2',
    ]);
  });

  it('a failed class dial is replaced in its class', () => {
    const log = classLog({ 'bro-1': '-#' }, 0, 10);
    expect(log.slice(0, 7)).to.deep.equal([
      '0 started',
      '0 refillScheduled 1 +0 bro',
      '0 dialing #1/bro bro-1',
      '1 failed #1/bro bro-1',
      '1 refillScheduled 1 +0 bro',
      '1 dialing #2/bro bro-2',
      '1 connected #2/bro bro-2',
    ]);
  });

  it('a one-shot class with max 1: a second connect while one is live is canceled (classFull); after it ends, one fits again', () => {
    const { log, second } = runManagerTest((t) => {
      t.net.script('a', '--c--x');
      const cm = t.manager({ targetOutbound: 0, classes: { feeler: { max: 1 } } });
      const log = t.log(cm);
      let second!: ConnReq<string>;
      t.at(0, () => {
        cm.start();
        cm.connect('a', { connClass: 'feeler' });
        second = cm.connect('b', { connClass: 'feeler' });
      });
      t.at(3, () => cm.connect('c', { connClass: 'feeler' })); // a is connected: still full
      t.at(6, () => cm.connect('d', { connClass: 'feeler' })); // a closed at 5: room again
      t.at(10, () => cm.stop());
      return () => ({ log: log.filter((l) => !l.startsWith('10 ')), second });
    });
    expect(log).to.deep.equal([
      '0 started',
      '0 dialing #1/feeler a',
      '0 canceled #2/feeler classFull',
      '2 connected #1/feeler a',
      '3 canceled #3/feeler classFull',
      '5 disconnected #1/feeler a closed',
      '6 dialing #4/feeler d',
      '6 connected #4/feeler d',
    ]);
    expect(second.state).to.equal(ConnState.Canceled);
    expect(second.connClass).to.equal('feeler');
  });

  it('hand-made class requests are never refilled, and take no default slot', () => {
    const log = runManagerTest((t) => {
      t.net.script('x', 'c-x');
      const cm = t.manager({ targetOutbound: 1, classes: { 'addr-fetch': { max: 2 } }, getNewAddress: () => 'f' });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('x', { connClass: 'addr-fetch' });
      });
      t.at(10, () => cm.stop());
      return () => log.filter((l) => !l.startsWith('10 '));
    });
    expect(log).to.deep.equal([
      '0 started',
      '0 refillScheduled 1 +0',
      '0 dialing #1/addr-fetch x',
      '0 dialing #2 f',
      '0 connected #1/addr-fetch x',
      '0 connected #2 f',
      '2 disconnected #1/addr-fetch x closed',
    ]);
  });

  it('newConnReq(class) at its target, and of a class the config does not name, are ignored (atTarget)', () => {
    const log = runManagerTest((t) => {
      const cm = t.manager({ targetOutbound: 0, classes: { bro: { target: 1 } }, getNewAddress: () => 'b' });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(5, () => {
        cm.newConnReq('bro');
        cm.newConnReq({ connClass: 'other' });
      });
      t.at(10, () => cm.stop());
      return () => log.filter((l) => l.startsWith('5 '));
    });
    expect(log).to.deep.equal(['5 ignored newConnReq #2/bro atTarget', '5 ignored newConnReq #3/other atTarget']);
  });

  it('an automatic class whose max is taken by hand-made requests refuses more automatic ones (classFull)', () => {
    const log = runManagerTest((t) => {
      t.net.defaultDial = '-'; // dials hang: the hand-made one stays live
      const cm = t.manager({ targetOutbound: 0, classes: { bro: { target: 1, max: 1 } }, getNewAddress: () => 'auto' });
      const log = t.log(cm);
      t.at(0, () => {
        cm.connect('hand', { connClass: 'bro' }); // queued: runs right after start's refill is scheduled
        cm.start();
      });
      t.at(10, () => cm.stop());
      return () => log.filter((l) => !l.startsWith('10 '));
    });
    // The refill finds the class full and is dropped without an event, as one that finds the target met.
    expect(log).to.deep.equal(['0 started', '0 refillScheduled 1 +0 bro', '0 dialing #1/bro hand']);
  });

  describe('extra outbound (Core: one more while the tip is stale, then evict one)', () => {
    it('exceeds the target by one, once; evicting one leaves the class at its target and nothing is refilled', () => {
      const { log, failedAttempts } = runManagerTest((t) => {
        let n = 0;
        const cm = t.manager({ targetOutbound: 2, getNewAddress: () => `p${++n}` });
        const log = t.log(cm);
        let failedAttempts = -1;
        t.at(0, () => cm.start());
        t.at(5, () => cm.newConnReq({ extra: true }));
        t.at(7, () => cm.newConnReq({ extra: true })); // already one over: refused
        t.at(8, () => cm.disconnect(1)); // the caller evicts one
        t.at(9, () => (failedAttempts = cm.state.failedAttempts));
        t.at(20, () => cm.stop());
        return () => ({ log: log.filter((l) => /^[5-9] /.test(l)), failedAttempts });
      });
      expect(log).to.deep.equal([
        '5 addressRequested #3',
        '5 dialing #3 p3',
        '5 connected #3 p3',
        '7 ignored newConnReq #4 atTarget',
        '8 disconnected #1 p1 disconnect',
      ]);
      expect(failedAttempts, 'an eviction at target is no failure').to.equal(0);
    });

    it('an extra that fails is not replaced (the class is at its target without it)', () => {
      const log = runManagerTest((t) => {
        let n = 0;
        t.net.script('p2', '-#');
        const cm = t.manager({ targetOutbound: 1, getNewAddress: () => `p${++n}` });
        const log = t.log(cm);
        t.at(0, () => cm.start());
        t.at(5, () => cm.newConnReq({ extra: true }));
        t.at(20, () => cm.stop());
        return () => log.filter((l) => /^[5-9] /.test(l));
      });
      expect(log).to.deep.equal(['5 addressRequested #2', '5 dialing #2 p2', '6 failed #2 p2']);
    });

    it('works per class: an extra block-relay peer while the class is at its target', () => {
      const counts = runManagerTest((t) => {
        const book = addresses();
        const cm = t.manager({ targetOutbound: 0, classes: { bro: { target: 2 } }, getNewAddress: book.get });
        const counts: unknown[] = [];
        t.at(0, () => cm.start());
        t.at(5, () => cm.newConnReq({ connClass: 'bro', extra: true }));
        t.at(6, () => counts.push(cm.state.classCounts['bro']));
        t.at(7, () => cm.disconnect(3));
        t.at(8, () => counts.push(cm.state.classCounts['bro']));
        t.at(20, () => cm.stop());
        return () => counts;
      });
      expect(counts).to.deep.equal([
        { live: 3, automatic: 3, refillsPending: 0 },
        { live: 2, automatic: 2, refillsPending: 0 },
      ]);
    });

    it('an extra of a class with no target is refused (atTarget)', () => {
      const log = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 0, classes: { feeler: { max: 1 } }, getNewAddress: () => 'x' });
        const log = t.log(cm);
        t.at(0, () => cm.start());
        t.at(5, () => cm.newConnReq({ connClass: 'feeler', extra: true }));
        t.at(10, () => cm.stop());
        return () => log.filter((l) => l.startsWith('5 '));
      });
      expect(log).to.deep.equal(['5 ignored newConnReq #1/feeler atTarget']);
    });
  });

  it('gives a dial function that declares a context the request being dialed', () => {
    const seen = runManagerTest((t) => {
      const seen: string[] = [];
      const cm = t.manager({
        targetOutbound: 1,
        classes: { bro: { target: 1 } },
        getNewAddress: (_s, { connClass }) => connClass,
        dial: (addr: string, context: DialContext<string>) => {
          seen.push(`${addr} ${context.req?.connClass} #${context.req?.id}`);
          return t.net.dial(addr, context);
        },
      });
      t.at(0, () => {
        cm.start();
        cm.connect('m', { permanent: true });
      });
      t.at(10, () => cm.stop());
      return seen;
    });
    expect(seen).to.deep.equal(['m default #1', 'default default #2', 'bro bro #3']);
  });

  it('getNewAddress sees the manager state of the moment', () => {
    const sizes = runManagerTest((t) => {
      const sizes: number[] = [];
      let n = 0;
      const cm = t.manager({
        targetOutbound: 3,
        getNewAddress: (state) => {
          sizes.push(state.requests.size);
          return `p${++n}`;
        },
      });
      t.at(0, () => cm.start());
      t.at(10, () => cm.stop());
      return sizes;
    });
    // The three refills are made in one turn: each lookup sees the requests made before it.
    expect(sizes).to.deep.equal([0, 1, 2]);
  });

  describe('properties on random schedules', () => {
    const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300) / 3;
    const ADDRS = ['a', 'b', 'c', 'd'];
    const MARBLES = ['c', '--c', '#', '-', 'c--x', '-c-x'];
    const CLASSES = ['default', 'bro', 'feeler', 'other'];
    type Step =
      | { at: number; op: 'connect'; addr: string; connClass: string; permanent: boolean }
      | { at: number; op: 'newConnReq'; connClass: string; extra: boolean }
      | { at: number; op: 'disconnect' | 'remove'; id: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        at: fc.nat(40),
        op: fc.constant('connect' as const),
        addr: fc.constantFrom(...ADDRS),
        connClass: fc.constantFrom(...CLASSES),
        permanent: fc.boolean(),
      }),
      fc.record({ at: fc.nat(40), op: fc.constant('newConnReq' as const), connClass: fc.constantFrom(...CLASSES), extra: fc.boolean() }),
      fc.record({ at: fc.nat(40), op: fc.constantFrom('disconnect' as const, 'remove' as const), id: fc.integer({ min: 1, max: 10 }) }),
    );
    interface Scenario {
      readonly target: number;
      readonly scripts: string[][];
      readonly steps: Step[];
    }
    const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
      target: fc.nat(2),
      scripts: fc.array(fc.array(fc.constantFrom(...MARBLES), { minLength: 1, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
      steps: fc.array(stepArb, { maxLength: 10 }),
    });
    /** Runs a schedule; `classes` given or not; `defaultOnly` keeps every command in the default class. */
    function play(sc: Scenario, withClasses: boolean, defaultOnly: boolean) {
      return runManagerTest((t) => {
        ADDRS.forEach((addr, i) => t.net.script(addr, ...sc.scripts[i]!));
        let n = 0;
        const cm = t.manager({
          targetOutbound: sc.target,
          retryDuration: 7,
          maxFailedAttempts: 3,
          dialTimeout: 20,
          getNewAddress: () => ADDRS[n++ % ADDRS.length]!,
          ...(withClasses ? { classes: { bro: { target: defaultOnly ? 0 : 2, max: 3 }, feeler: { max: 1 } } } : {}),
        });
        const log = t.log(cm);
        const states: ConnManagerState<string, FakeConn>[] = [];
        cm.state$.subscribe((s) => states.push(s));
        t.at(0, () => cm.start());
        for (const step of sc.steps) {
          t.at(step.at, () => {
            if (step.op === 'connect') {
              const connClass = defaultOnly ? DEFAULT_CONN_CLASS : step.connClass;
              cm.connect(step.addr, { permanent: step.permanent, connClass });
            } else if (step.op === 'newConnReq') {
              if (defaultOnly) cm.newConnReq();
              else cm.newConnReq({ connClass: step.connClass, extra: step.extra });
            } else cm[step.op](step.id);
          });
        }
        t.at(100, () => cm.stop());
        return () => ({ log, states });
      });
    }

    it('a manager with classes it never uses gives exactly the events of one without (backwards compatible)', () => {
      fc.assert(
        fc.property(scenarioArb, (sc) => {
          expect(play(sc, true, true).log).to.deep.equal(play(sc, false, true).log);
        }),
        { numRuns: RUNS, seed: 20261202 },
      );
    });

    it('every snapshot keeps each class within its budget, and its counts equal a recount of the requests', () => {
      fc.assert(
        fc.property(scenarioArb, (sc) => {
          for (const s of play(sc, true, false).states) {
            const recount = { bro: { live: 0, automatic: 0 }, feeler: { live: 0, automatic: 0 } };
            let defaultAutomatic = 0;
            for (const e of s.requests.values()) {
              const cls = e.req.connClass;
              if (cls === 'bro' || cls === 'feeler') {
                recount[cls].live++;
                if (e.automatic) recount[cls].automatic++;
              } else if (cls === DEFAULT_CONN_CLASS && e.automatic) defaultAutomatic++;
            }
            expect(s.automaticCount).to.equal(defaultAutomatic);
            for (const cls of ['bro', 'feeler'] as const) {
              const count = s.classCounts[cls]!;
              expect({ live: count.live, automatic: count.automatic }).to.deep.equal(recount[cls]);
              expect(count.live).to.be.at.most(s.config.classes![cls]!.max);
            }
            expect(s.classCounts['bro']!.automatic).to.be.at.most(3); // target 2, + 1 extra
            expect(s.classCounts['feeler']!.automatic).to.equal(0); // no target: never automatic
            expect(defaultAutomatic).to.be.at.most(sc.target + 1);
          }
        }),
        { numRuns: RUNS, seed: 20261202 },
      );
    });
  });

  describe('config', () => {
    it('rejects a bad class name with a TypeError, and bad numbers with a RangeError naming the class field', () => {
      expect(() => new ConnManager({ dial: () => [], classes: { default: { target: 1 } } })).to.throw(TypeError, 'default');
      expect(() => new ConnManager({ dial: () => [], classes: { '': {} } })).to.throw(TypeError);
      expect(() => new ConnManager({ dial: () => [], classes: { bro: { target: -1 } } })).to.throw(RangeError, 'classes.bro.target');
      expect(() => new ConnManager({ dial: () => [], classes: { bro: { target: Infinity } } })).to.throw(RangeError, 'classes.bro.target');
      expect(() => new ConnManager({ dial: () => [], classes: { bro: { max: 1.5 } } })).to.throw(RangeError, 'classes.bro.max');
      expect(() => new ConnManager({ dial: () => [], classes: { bro: { target: 2, max: 1 } } })).to.throw(RangeError, 'classes.bro.max');
      expect(() => new ConnManager({ dial: () => [], classes: 5 as never })).to.throw(TypeError, 'classes');
    });

    it('fills the budgets: target 0 and max Infinity by default', () => {
      const cm = new ConnManager({ dial: () => [], classes: { feeler: { max: 1 }, bro: { target: 2 } } });
      expect(cm.state.config.classes).to.deep.equal({ feeler: { target: 0, max: 1 }, bro: { target: 2, max: Infinity } });
      expect(cm.state.classCounts).to.have.keys('feeler', 'bro');
    });

    it('a request names its class; the default one otherwise', () => {
      const cm = new ConnManager<string, never>({ dial: () => [] });
      expect(cm.connect('a').connClass).to.equal(DEFAULT_CONN_CLASS);
      const feeler = cm.connect('b', { connClass: 'feeler' });
      expect(feeler.connClass).to.equal('feeler');
      expect(String(feeler)).to.equal('#2 b [feeler]');
    });
  });
});
