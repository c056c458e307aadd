import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { MAX_TIMER_DELAY } from '../../lib/effects/Effect.js';
import { retryEffect } from '../../lib/effects/retryEffect.js';
import {
  type Action,
  type Event,
  canceled,
  dialing,
  disconnected,
  makeDeps,
  recordingScheduler,
  request,
  retryScheduled,
  state$,
  testScheduler,
} from './deps.js';

describe('retryEffect', () => {
  const r7 = request(7, 'a7');
  const r8 = request(8, 'a8');
  const due = (id: number, attempt: number): Action => ({ type: 'retryDue', id, attempt });

  it('answers retryDue after `delay`, with the same attempt', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r---------', { r: retryScheduled(r7, 5, 3) });
      const expected = '         ------d----';
      expectObservable(retryEffect(event$, state$, makeDeps(scheduler))).toBe(expected, { d: due(7, 3) });
    });
  });

  it('a delay of 0 is due in the same frame', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: retryScheduled(r7, 0, 2) });
      expectObservable(retryEffect(event$, state$, makeDeps(scheduler))).toBe('-d-', { d: due(7, 2) });
    });
  });

  it('canceled before the delay: nothing is due', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r--c------', { r: retryScheduled(r7, 5, 3), c: canceled(r7, 'remove') });
      const expected = '         -----------';
      expectObservable(retryEffect(event$, state$, makeDeps(scheduler))).toBe(expected);
    });
  });

  it('any later stage of the same request ends the timer; a new retryScheduled replaces it', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-x-s-------', {
        r: retryScheduled(r7, 5, 2),
        x: dialing(r7, 'a7', 2), // e.g. a manual re-dial: the old timer must not fire at 6
        s: retryScheduled(r7, 4, 3),
      });
      const expected = '         ---------d---';
      expectObservable(retryEffect(event$, state$, makeDeps(scheduler))).toBe(expected, { d: due(7, 3) });
    });
  });

  it('timers of different requests are independent', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-ab-c---------', {
        a: retryScheduled(r7, 6, 2),
        b: retryScheduled(r8, 6, 5),
        c: disconnected(r7, 'a7', 'conn7', 'remove'),
      });
      const expected = '         --------e-----';
      expectObservable(retryEffect(event$, state$, makeDeps(scheduler))).toBe(expected, { e: due(8, 5) });
    });
  });

  it('waits on deps.scheduler, not on a global one', () => {
    const vts = new VirtualTimeScheduler();
    const events = new Subject<Event>();
    const seen: Action[] = [];
    retryEffect(events, state$, makeDeps(vts)).subscribe((a) => seen.push(a));
    events.next(retryScheduled(r7, 5_000, 2));
    expect(seen).to.deep.equal([]);
    vts.flush();
    expect(seen).to.deep.equal([due(7, 2)]);
    expect(vts.now()).to.equal(5_000);
  });

  it('clamps a delay beyond 2^31−1 ms (Node would fire it at once) to MAX_TIMER_DELAY', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const events = new Subject<Event>();
    const seen: Action[] = [];
    retryEffect(events, state$, makeDeps(scheduler)).subscribe((a) => seen.push(a));
    events.next(retryScheduled(r7, 2 ** 31, 2));
    events.next(retryScheduled(r8, Infinity, 4));
    expect(delays).to.deep.equal([MAX_TIMER_DELAY, MAX_TIMER_DELAY]);
    virtual.flush();
    expect(seen).to.deep.equal([due(7, 2), due(8, 4)]);
    expect(virtual.now()).to.equal(MAX_TIMER_DELAY);
  });
});
