import { expect } from 'chai';
import { NEVER } from 'rxjs';
import { requestEffect } from '../../lib/effects/requestEffect.js';
import {
  type Action,
  type Event,
  addressRequested,
  canceled,
  connected,
  dialing,
  makeDeps,
  request,
  retryScheduled,
  state$,
  testScheduler,
} from './deps.js';

describe('requestEffect (the four per-request effects in one lane)', () => {
  const r7 = request(7);
  const r8 = request(8, 'a8');

  it('follows one request through its stages: address, dial, retry timer, close watch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, cold, expectObservable }) => {
      const deps = makeDeps(scheduler, {
        getNewAddress: () => cold('--x|', { x: 'a7' }),
        dial: () => cold<string>('---#'),
        connClosed: () => cold('----z'),
        dialTimeout: 1_000,
      });
      //                         address at 1 → resolved at 3; dial at 5 → fails at 8; retry at 10 (+2) → due at 12; connected at 14 → closed at 18
      const event$ = hot<Event>('-a---d----r---c------', {
        a: addressRequested(r7),
        d: dialing(r7, 'a7', 1),
        r: retryScheduled(r7, 2, 1),
        c: connected(r7, 'a7', 'conn7'),
      });
      const expected = '         ---x----f---t-----z--';
      expectObservable(requestEffect(event$, state$, deps)).toBe(expected, {
        x: { type: 'addressResolved', id: 7, addr: 'a7' } satisfies Action,
        f: { type: 'dialFailed', id: 7, attempt: 1, error: 'error' } satisfies Action,
        t: { type: 'retryDue', id: 7, attempt: 1 } satisfies Action,
        z: { type: 'connClosed', id: 7, conn: 'conn7' } satisfies Action,
      });
    });
  });

  it('a later stage event ends what the previous stage started; other requests are untouched', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const dial7 = cold<string>('-----c');
      const dial8 = cold<string>('---c');
      const deps = makeDeps(scheduler, {
        dial: ((addr: string) => (addr === 'a7' ? dial7 : dial8)) as never,
        connClosed: () => NEVER,
        dialTimeout: 1_000,
      });
      const event$ = hot<Event>('-d7-x------', { d: dialing(r7, 'a7', 1), 7: dialing(r8, 'a8', 1), x: canceled(r7, 'remove') });
      expectObservable(requestEffect(event$, state$, deps)).toBe('-----s-----', {
        s: { type: 'dialSucceeded', id: 8, attempt: 1, conn: 'c' } satisfies Action,
      });
      expectSubscriptions(dial7.subscriptions).toBe('-^--!');
      expectSubscriptions(dial8.subscriptions).toBe('--^'); // a dial source runs on after its conn until it completes (extra conns get closed)
    });
  });

  it('ignores events that are not stage events', () => {
    const scheduler = testScheduler();
    const seen: unknown[] = [];
    scheduler.run(({ hot }) => {
      const event$ = hot<Event>('-s-', { s: { type: 'started' } });
      requestEffect(event$, state$, makeDeps(scheduler)).subscribe((a) => seen.push(a));
    });
    expect(seen).to.deep.equal([]);
  });
});
