import { expect } from 'chai';
import { config as rxConfig, NEVER, of, throwError, timer, map } from 'rxjs';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { ConnState } from '../../lib/model/ConnState.js';
import { ManagerDialTimeoutError, EmptyDialError, NoNewAddressError } from '../../lib/model/errors.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { type FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

describe('ConnManager — bad input becomes an event, never a crash or a hang', () => {
  describe('a dial that misbehaves', () => {
    const failureOf = (dial: (addr: string) => unknown, dialTimeout = 1_000) =>
      runManagerTest((t) => {
        const cm = t.manager({ dial: dial as never, dialTimeout });
        const errors: unknown[] = [];
        cm.events$.subscribe((e) => e.type === 'failed' && errors.push(e.error));
        t.at(0, () => {
          cm.start();
          cm.connect('a');
        });
        t.at(5_000, () => cm.stop());
        return () => errors;
      });

    it('throws synchronously → failed with that error', () => {
      const boom = new Error('sync boom');
      expect(
        failureOf(() => {
          throw boom;
        }),
      ).to.deep.equal([boom]);
    });

    it('returns an error Observable → failed', () => {
      const boom = new Error('async boom');
      expect(failureOf(() => throwError(() => boom))).to.deep.equal([boom]);
    });

    it('returns something that is not an ObservableInput → failed with a TypeError', () => {
      const [error] = failureOf(() => undefined);
      expect(error).to.be.instanceOf(TypeError);
    });

    it('completes without a conn → failed with EmptyDialError', () => {
      const [error] = failureOf(() => of());
      expect(error).to.be.instanceOf(EmptyDialError);
    });

    it('never completes → ManagerDialTimeoutError after dialTimeout, in virtual time', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ dial: () => NEVER, dialTimeout: 300 });
        const log = t.log(cm);
        const errors: unknown[] = [];
        cm.events$.subscribe((e) => e.type === 'failed' && errors.push(e.error));
        t.at(0, () => {
          cm.start();
          cm.connect('a');
        });
        t.at(1_000, () => cm.stop());
        return () => ({ log, errors });
      });
      expect(r.log).to.include('300 failed #1 a');
      expect(r.errors[0]).to.be.instanceOf(ManagerDialTimeoutError);
    });

    it('emits twice → one connection; the extra conn is closed', () => {
      const r = runManagerTest((t) => {
        t.net.script('a', '(cc)');
        const cm = t.manager({});
        t.at(0, () => {
          cm.start();
          cm.connect('a');
        });
        return () => ({ cm, net: t.net });
      });
      expect(r.net.conns.map((c) => [c.name, c.closeCount])).to.deep.equal([
        ['a#1', 0],
        ['a#1.2', 1],
      ]);
      expect(r.cm.state.establishedCount).to.equal(1);
    });

    it('a rejected promise → failed (real time, no timers involved)', async () => {
      const cm = new ConnManager<string, FakeConn>({ dial: () => Promise.reject(new Error('refused')) });
      const failed = new Promise<ConnEvent<string, FakeConn>>((resolve) => cm.events$.subscribe((e) => e.type === 'failed' && resolve(e)));
      cm.start();
      const req = cm.connect('a');
      const event = await failed;
      expect(event).to.deep.include({ type: 'failed', willRetry: false });
      expect(req.state).to.equal(ConnState.Failing);
      cm.stop();
      await cm.wait();
    });
  });

  describe('a getNewAddress that misbehaves', () => {
    for (const [name, getNewAddress, check] of [
      [
        'throws',
        () => {
          throw new Error('no book');
        },
        (e: unknown) => expect(e).to.have.property('message', 'no book'),
      ],
      [
        'errors',
        () => throwError(() => new Error('lookup failed')),
        (e: unknown) => expect(e).to.have.property('message', 'lookup failed'),
      ],
      ['completes empty', () => of(), (e: unknown) => expect(e).to.be.instanceOf(NoNewAddressError)],
    ] as const) {
      it(`${name} → counted as a failed attempt and retried on the throttle`, () => {
        const r = runManagerTest((t) => {
          const cm = t.manager({ targetOutbound: 1, maxFailedAttempts: 2, retryDuration: 50, getNewAddress: getNewAddress as never });
          const times: number[] = [];
          const errors: unknown[] = [];
          cm.events$.subscribe((e) => {
            if (e.type === 'addressRequested') times.push(t.scheduler.now());
            if (e.type === 'failed') errors.push(e.error);
          });
          t.at(0, () => cm.start());
          t.at(120, () => cm.stop());
          return () => ({ times, errors, cm });
        });
        expect(r.times).to.deep.equal([0, 0, 50, 100]);
        check(r.errors[0]);
      });
    }

    it('a string returned directly is the address, not an iterable of characters', () => {
      const net = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 1, getNewAddress: () => '10.0.0.1:8333' });
        t.at(0, () => cm.start());
        return () => t.net;
      });
      expect(net.dials.map((d) => d.addr)).to.deep.equal(['10.0.0.1:8333']);
    });

    it('an object returned directly is the address (a SocketAddress-like value is not an ObservableInput)', () => {
      const addr = { host: '10.0.0.2', port: 8333, toString: () => '10.0.0.2:8333' };
      const dialed: unknown[] = [];
      runManagerTest((t) => {
        const cm = t.manager({
          targetOutbound: 1,
          getNewAddress: () => addr as never,
          dial: ((a: unknown) => {
            dialed.push(a);
            return t.net.dial('x');
          }) as never,
        });
        t.at(0, () => cm.start());
      });
      expect(dialed).to.deep.equal([addr]);
    });

    it('an async address source works (a timer that answers later)', () => {
      const log = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 1, getNewAddress: () => timer(7, t.scheduler).pipe(map(() => 'late')) });
        const log = t.log(cm);
        t.at(0, () => cm.start());
        return () => log;
      });
      expect(log).to.include('7 dialing #1 late');
    });
  });

  it('a subscriber that throws does not stop the manager (the error goes to rxjs config.onUnhandledError)', () => {
    const reported: unknown[] = [];
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = (err) => reported.push(err);
    try {
      const r = runManagerTest((t) => {
        const cm = t.manager({
          targetOutbound: 2,
          getNewAddress: (() => {
            let i = 0;
            return () => `n${++i}`;
          })(),
        });
        cm.connected$.subscribe(() => {
          throw new Error('subscriber bug');
        });
        const log = t.log(cm);
        t.at(0, () => cm.start());
        return () => ({ log, cm });
      });
      expect(r.cm.state.establishedCount).to.equal(2);
      expect(r.log.filter((l) => l.includes('connected'))).to.have.length(2);
      // TestScheduler.run virtualises RxJS's error reporting, so both reports have arrived by now.
      expect(reported.map((e) => (e as Error).message)).to.deep.equal(['subscriber bug', 'subscriber bug']);
    } finally {
      rxConfig.onUnhandledError = previous;
    }
  });

  it('a closeConn that throws is reported as callbackError and the manager goes on', () => {
    const log = runManagerTest((t) => {
      const cm = t.manager({
        closeConn: () => {
          throw new Error('close failed');
        },
      });
      const log = t.log(cm);
      let id = 0;
      t.at(0, () => {
        cm.start();
        id = cm.connect('a').id;
      });
      t.at(1, () => cm.disconnect(id));
      t.at(2, () => cm.connect('b'));
      return () => log;
    });
    expect(log).to.include.members(['1 disconnected #1 a disconnect', '1 callbackError closeConn', '2 connected #2 b']);
  });

  it('a synchronous dial failure storm with the throttle disabled does not hang start(), grow the stack, or starve I/O', async () => {
    const previousLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    let dials = 0;
    let deepest = 0;
    let immediateRanAt = -1;
    let reached!: () => void;
    const hundred = new Promise<void>((resolve) => (reached = resolve));
    try {
      const cm = new ConnManager<string, never>({
        dial: () => {
          dials++;
          deepest = Math.max(deepest, new Error().stack!.split('\n').length);
          if (dials === 200) reached();
          throw new Error('down');
        },
        getNewAddress: () => `n${dials}`,
        targetOutbound: 8,
        maxFailedAttempts: Infinity,
      });
      cm.start(); // returns at once: replacements go through the scheduler
      const dialsAtStart = dials;
      setImmediate(() => (immediateRanAt = dials));
      await hundred;
      cm.stop();
      await cm.wait();
      expect(dialsAtStart).to.be.at.most(8);
      expect(immediateRanAt).to.be.within(0, 199); // I/O got its turn while the storm ran
      expect(deepest).to.be.below(200); // the 200th dial is no deeper than the first ones
    } finally {
      Error.stackTraceLimit = previousLimit;
    }
  });
});
