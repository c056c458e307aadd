import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { MAX_TIMER_DELAY } from '../../lib/effects/Effect.js';
import { refillEffect } from '../../lib/effects/refillEffect.js';
import type { ConnReq } from '../../lib/model/ConnReq.js';
import { type Action, type Event, canceled, makeDeps, recordingScheduler, refillScheduled, request, requestFactory, state$, stopped, testScheduler } from './deps.js';

describe('refillEffect', () => {
  const newConnReq = (req: ConnReq<string>): Action => ({ type: 'newConnReq', req, refill: true });

  it('makes `count` fresh automatic requests after `delay`, marked refill', () => {
    const scheduler = testScheduler();
    const { newRequest, made } = requestFactory(100);
    const calledAt: number[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r---------', { r: refillScheduled(3, 5) });
      const expected = '         ------(abc)';
      const deps = makeDeps(scheduler, { newRequest: () => (calledAt.push(scheduler.now()), newRequest()) });
      expectObservable(refillEffect(event$, state$, deps)).toBe(expected, {
        a: newConnReq(request(100)), // compared by id: ConnReq#100, #101, #102
        b: newConnReq(request(101)),
        c: newConnReq(request(102)),
      });
    });
    expect(made.map((r) => r.id)).to.deep.equal([100, 101, 102]);
    expect(calledAt).to.deep.equal([6, 6, 6]); // the requests are made when due, not when scheduled
  });

  it('emits the very requests deps.newRequest made', () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    refillEffect(events, state$, makeDeps(vts, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 10));
    vts.flush();
    expect(seen.map((a) => (a.type === 'newConnReq' ? a.req : undefined))).to.have.ordered.members(made).and.have.length(2);
  });

  it('overlapping refills all run (none replaces another)', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-ab---------', { a: refillScheduled(1, 8), b: refillScheduled(2, 2) });
      const expected = '         ----(xy)-z---';
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest }))).toBe(expected, {
        x: newConnReq(request(1)),
        y: newConnReq(request(2)),
        z: newConnReq(request(3)),
      });
    });
  });

  it('delay 0 still goes through the scheduler: nothing happens synchronously', () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    refillEffect(events, state$, makeDeps(vts, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 0));
    expect(seen).to.deep.equal([]);
    expect(made).to.deep.equal([]);
    expect(vts.actions).to.have.length(1);
    vts.flush();
    expect(seen.map((a) => a.type)).to.deep.equal(['newConnReq', 'newConnReq']);
    expect(vts.now()).to.equal(0);
  });

  it('delay 0 in marbles: due in the same frame', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: refillScheduled(1, 0) });
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest }))).toBe('-x-', { x: newConnReq(request(1)) });
    });
  });

  it('count 0 makes no request; other events are ignored', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-rcs------', { r: refillScheduled(0, 2), c: canceled(request(5)), s: stopped() });
      // newRequest is the default double, which throws if called
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler))).toBe('----------');
    });
  });

  it('clamps a delay beyond 2^31−1 ms (Node would fire it at once) to MAX_TIMER_DELAY', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe();
    events.next(refillScheduled(1, 2 ** 31 + 1));
    events.next(refillScheduled(1, 5));
    expect(delays).to.deep.equal([MAX_TIMER_DELAY, 5]);
    virtual.flush();
    expect(made).to.have.length(2);
  });
});
