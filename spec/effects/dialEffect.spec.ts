import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import sinon from 'sinon';
import { dialEffect } from '../../lib/effects/dialEffect.js';
import { ManagerDialTimeoutError, EmptyDialError } from '../../lib/model/errors.js';
import type { DialContext } from '../../lib/operators/dialOnce.js';
import {
  type Action,
  type Event,
  canceled,
  connected,
  dialing,
  disconnected,
  failed,
  makeDeps,
  recordingScheduler,
  request,
  retryScheduled,
  state$,
  testScheduler,
} from './deps.js';

describe('dialEffect', () => {
  const r7 = request(7, 'a7');
  const r8 = request(8, 'a8');

  it('dials on `dialing` and answers dialSucceeded with the request id and attempt', () => {
    const scheduler = testScheduler();
    const dial = sinon.spy((_addr: string, _ctx: DialContext) => dial$);
    let dial$!: ReturnType<typeof scheduler.createColdObservable<string>>;
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      dial$ = cold('---c|', { c: 'conn7' });
      const event$ = hot<Event>('-d------', { d: dialing(r7, 'a7', 3) });
      const expected = '         ----s---';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial }))).toBe(expected, {
        s: { type: 'dialSucceeded', id: 7, attempt: 3, conn: 'conn7' } satisfies Action,
      });
      expectSubscriptions(dial$.subscriptions).toBe('-^---!'); // runs to its end after the conn (extra conns get closed)
    });
    expect(dial.callCount).to.equal(1);
    expect(dial.firstCall.args[0]).to.equal('a7');
    expect(dial.firstCall.args[1].signal.aborted).to.equal(false);
  });

  it('answers dialFailed with the dial error, and with EmptyDialError for a dial that completes empty', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const boom = new Error('connection refused');
      const dial = (addr: string) => (addr === 'a7' ? cold<string>('--#', undefined, boom) : cold<string>('---|'));
      const event$ = hot<Event>('-ab------', { a: dialing(r7, 'a7', 1), b: dialing(r8, 'a8', 2) });
      const expected = '         ---x-y---';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial }))).toBe(expected, {
        x: { type: 'dialFailed', id: 7, attempt: 1, error: boom } satisfies Action,
        y: { type: 'dialFailed', id: 8, attempt: 2, error: new EmptyDialError('a8') } satisfies Action,
      });
    });
  });

  it('a dial that throws synchronously is a dialFailed, not an error of the stream', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const boom = new Error('sync throw');
      const dial = () => {
        throw boom;
      };
      const event$ = hot<Event>('-d-d-', { d: dialing(r7, 'a7', 1) });
      const expected = '         -x-x-';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial }))).toBe(expected, {
        x: { type: 'dialFailed', id: 7, attempt: 1, error: boom } satisfies Action,
      });
    });
  });

  it('fails a dial with ManagerDialTimeoutError after dialTimeout (virtual time) and abandons it', () => {
    const scheduler = testScheduler();
    const signals: AbortSignal[] = [];
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const dial$ = cold<string>('-------c|', { c: 'late' });
      const dial = (_addr: string, { signal }: DialContext) => (signals.push(signal), dial$);
      const event$ = hot<Event>('-d-----------', { d: dialing(r7, 'a7', 2) });
      const expected = '         ------t------';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial, dialTimeout: 5 }))).toBe(expected, {
        t: { type: 'dialFailed', id: 7, attempt: 2, error: new ManagerDialTimeoutError('a7', 5) } satisfies Action,
      });
      expectSubscriptions(dial$.subscriptions).toBe('-^----!');
    });
    expect(signals.map((s) => s.aborted)).to.deep.equal([true]);
  });

  it('a dial that settles within dialTimeout is not touched by it', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const dial = () => cold('----c|', { c: 'conn7' });
      const event$ = hot<Event>('-d----------', { d: dialing(r7, 'a7', 1) });
      const expected = '         -----s------';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial, dialTimeout: 5 }))).toBe(expected, {
        s: { type: 'dialSucceeded', id: 7, attempt: 1, conn: 'conn7' } satisfies Action,
      });
    });
  });

  it('an Infinity dialTimeout schedules nothing: a hanging dial just hangs', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const dial$ = cold<string>('-');
      const event$ = hot<Event>('-d-------------------', { d: dialing(r7, 'a7', 1) });
      const expected = '         ---------------------';
      const result = dialEffect(event$, state$, makeDeps(scheduler, { dial: () => dial$, dialTimeout: Infinity }));
      expectObservable(result).toBe(expected);
      expectSubscriptions(dial$.subscriptions).toBe('-^');
    });
    // Not even an infinite timer: a real scheduler would fire it at once (Node clamps it to 1 ms).
    const { scheduler: recording, delays } = recordingScheduler();
    const events = new Subject<Event>();
    const subscription = dialEffect(
      events,
      state$,
      makeDeps(recording, { dial: () => new Subject<string>(), dialTimeout: Infinity }),
    ).subscribe();
    events.next(dialing(r7, 'a7', 1));
    expect(delays).to.deep.equal([]);
    subscription.unsubscribe();
  });

  it('arms its timeout on deps.scheduler, not on a global one', () => {
    const vts = new VirtualTimeScheduler();
    const events = new Subject<Event>();
    const seen: Action[] = [];
    dialEffect(events, state$, makeDeps(vts, { dial: () => new Subject<string>(), dialTimeout: 1_000 })).subscribe((a) => seen.push(a));
    events.next(dialing(r7, 'a7', 1));
    expect(vts.actions.map((a) => a.delay)).to.deep.equal([1_000]);
    vts.flush();
    expect(seen.map((a) => a.type)).to.deep.equal(['dialFailed']);
    expect(vts.now()).to.equal(1_000);
  });

  it('keeps its timeout timer across a moment with no dial, and releases it when unsubscribed', () => {
    const vts = new VirtualTimeScheduler();
    const events = new Subject<Event>();
    const dials: Subject<string>[] = [];
    const dial = () => {
      const d = new Subject<string>();
      dials.push(d);
      return d;
    };
    const seen: Action[] = [];
    const subscription = dialEffect(events, state$, makeDeps(vts, { dial, dialTimeout: 1_000 })).subscribe((a) => seen.push(a));
    events.next(dialing(r7, 'a7', 1));
    dials[0]!.error(new Error('refused'));
    expect(vts.actions).to.have.length(1); // no dial under way, the timer stays for the next one
    events.next(dialing(r8, 'a8', 1));
    expect(vts.actions).to.have.length(1); // …which needs no second timer
    dials[1]!.error(new Error('refused'));
    subscription.unsubscribe();
    expect(vts.actions).to.have.length(0);
    vts.flush();
    expect(seen.map((a) => a.type)).to.deep.equal(['dialFailed', 'dialFailed']);
    expect(vts.now()).to.equal(0);
  });

  it('a dial that settles synchronously (throws, or answers at once) arms no timeout at all', () => {
    const { scheduler, delays } = recordingScheduler();
    const events = new Subject<Event>();
    const seen: Action[] = [];
    const dials = [
      () => {
        throw new Error('refused');
      },
      () => ['conn8'],
    ];
    dialEffect(events, state$, makeDeps(scheduler, { dial: () => dials.shift()!(), dialTimeout: 1_000 })).subscribe((a) => seen.push(a));
    events.next(dialing(r7, 'a7', 1));
    events.next(dialing(r8, 'a8', 1));
    expect(seen.map((a) => a.type)).to.deep.equal(['dialFailed', 'dialSucceeded']);
    expect(delays).to.deep.equal([]);
  });

  for (const [name, later] of [
    ['canceled', canceled(r7, 'remove')],
    ['retryScheduled', retryScheduled(r7, 100, 2)],
    ['disconnected', disconnected(r7, 'a7', 'conn7', 'disconnect')],
    ['failed', failed(r7, 'a7', new Error('x'))],
    ['a new dialing', dialing(r7, 'a7', 2)],
  ] as const) {
    it(`a later stage event of the same request (${name}) abandons the dial`, () => {
      const scheduler = testScheduler();
      const signals: AbortSignal[] = [];
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const dial$ = cold<string>('-----c|', { c: 'conn7' });
        const dial = (_addr: string, { signal }: DialContext) => (signals.push(signal), dial$);
        const event$ = hot<Event>('-d--x------', { d: dialing(r7, 'a7', 1), x: later });
        const result = dialEffect(event$, state$, makeDeps(scheduler, { dial, dialTimeout: 6 }));
        if (later.type === 'dialing') {
          // The new attempt replaces the old one (and its timeout) and is the only one answered.
          expectObservable(result).toBe('---------s-', { s: { type: 'dialSucceeded', id: 7, attempt: 2, conn: 'conn7' } satisfies Action });
          expectSubscriptions(dial$.subscriptions).toBe(['-^--!', '----^-----!']);
        } else {
          expectObservable(result).toBe('-----------'); // neither the conn at 6 nor the timeout at 7
          expectSubscriptions(dial$.subscriptions).toBe('-^--!');
        }
      });
      expect(signals[0]?.aborted).to.equal(true);
    });
  }

  it('events of other requests, and events without a request, leave a dial alone', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const dial$ = cold('------c|', { c: 'conn7' });
      const event$ = hot<Event>('-d-xyz-----', {
        d: dialing(r7, 'a7', 1),
        x: canceled(r8),
        y: connected(r8, 'a8', 'conn8'),
        z: { type: 'refillScheduled', count: 1, delay: 0 },
      });
      const expected = '         -------s---';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial: () => dial$ }))).toBe(expected, {
        s: { type: 'dialSucceeded', id: 7, attempt: 1, conn: 'conn7' } satisfies Action,
      });
      expectSubscriptions(dial$.subscriptions).toBe('-^------!');
    });
  });

  it('dials of different requests run side by side, each cancelled only by its own request', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const d7 = cold('-----c|', { c: 'conn7' });
      const d8 = cold('-----c|', { c: 'conn8' });
      const dial = (addr: string) => (addr === 'a7' ? d7 : d8);
      const event$ = hot<Event>('-ab-x-------', { a: dialing(r7, 'a7', 1), b: dialing(r8, 'a8', 4), x: canceled(r7) });
      const expected = '         -------s----';
      expectObservable(dialEffect(event$, state$, makeDeps(scheduler, { dial }))).toBe(expected, {
        s: { type: 'dialSucceeded', id: 8, attempt: 4, conn: 'conn8' } satisfies Action,
      });
      expectSubscriptions(d7.subscriptions).toBe('-^--!');
      expectSubscriptions(d8.subscriptions).toBe('--^-----!');
    });
  });

  it('a conn that arrives after the dial was abandoned is closed, never leaked', async () => {
    let resolve!: (conn: string) => void;
    const closeConn = sinon.spy();
    const events = new Subject<Event>();
    const seen: Action[] = [];
    const deps = makeDeps(new VirtualTimeScheduler(), { dial: () => new Promise<string>((r) => (resolve = r)), closeConn });
    dialEffect(events, state$, deps).subscribe((a) => seen.push(a));
    events.next(dialing(r7, 'a7', 1));
    events.next(canceled(r7));
    resolve('late');
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([]);
    expect(closeConn.args).to.deep.equal([['late']]);
  });
});
