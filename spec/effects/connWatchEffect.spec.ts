import { expect } from 'chai';
import sinon from 'sinon';
import { connWatchEffect } from '../../lib/effects/connWatchEffect.js';
import {
  type Action,
  type Event,
  accepted,
  canceled,
  connected,
  dialing,
  disconnected,
  makeDeps,
  request,
  retryScheduled,
  state$,
  testScheduler,
} from './deps.js';

describe('connWatchEffect', () => {
  const r7 = request(7, 'a7');
  const r8 = request(8, 'a8');
  const closed = (id: number, conn: string): Action => ({ type: 'connClosed', id, conn });

  it('watches a connected conn with deps.connClosed and answers connClosed at its first notification', () => {
    const scheduler = testScheduler();
    const connClosed = sinon.spy((_conn: string) => close$);
    let close$!: ReturnType<typeof scheduler.createColdObservable<unknown>>;
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      close$ = cold('---xy|');
      const event$ = hot<Event>('-c-------', { c: connected(r7, 'a7', 'conn7') });
      const expected = '         ----z----';
      expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed }))).toBe(expected, { z: closed(7, 'conn7') });
      expectSubscriptions(close$.subscriptions).toBe('-^--!');
    });
    expect(connClosed.args).to.deep.equal([['conn7']]);
  });

  it('a watcher that errors or throws counts as closed: the conn is closed by us and the failure reported', () => {
    const scheduler = testScheduler();
    const seen: [number, string][] = [];
    const closedByUs: string[] = [];
    scheduler.run(({ cold, hot }) => {
      const connClosed = (conn: string) => {
        if (conn === 'conn8') throw new Error('not a socket');
        return cold('--#', undefined, new Error('watch failed'));
      };
      const event$ = hot<Event>('-ab-----', { a: connected(r7, 'a7', 'conn7'), b: connected(r8, 'a8', 'conn8') });
      const deps = makeDeps(scheduler, { connClosed, closeConn: (c: string) => void closedByUs.push(c) });
      connWatchEffect(event$, state$, deps).subscribe((a) =>
        seen.push([scheduler.now(), a.type === 'callbackFailed' ? `callbackFailed ${a.source}` : `${a.type} ${'id' in a ? a.id : ''}`]),
      );
    });
    expect(seen).to.deep.equal([
      [2, 'callbackFailed connClosed'],
      [2, 'connClosed 8'],
      [3, 'callbackFailed connClosed'],
      [3, 'connClosed 7'],
    ]);
    expect(closedByUs).to.deep.equal(['conn8', 'conn7']);
  });

  it('a watcher that completes without a value counts as closed (nothing more will be said about the conn)', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const event$ = hot<Event>('-c------', { c: connected(r7, 'a7', 'conn7') });
      expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed: () => cold('--|') }))).toBe('---z----', {
        z: closed(7, 'conn7'),
      });
    });
  });

  it('an already-closed conn (a synchronous notification) answers at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-c-', { c: connected(r7, 'a7', 'conn7') });
      expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed: () => [undefined] }))).toBe('-z-', {
        z: closed(7, 'conn7'),
      });
    });
  });

  for (const [name, first] of [
    ['disconnected', disconnected(r7, 'a7', 'conn7', 'disconnect', true)],
    ['canceled', canceled(r7, 'stop')],
    ['retryScheduled', retryScheduled(r7, 5, 2)],
  ] as const) {
    it(`a ${name} event for the request first ends the watch: nothing is answered`, () => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const close$ = cold('----x|');
        const event$ = hot<Event>('-c-e------', { c: connected(r7, 'a7', 'conn7'), e: first });
        const expected = '         ----------';
        expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed: () => close$ }))).toBe(expected);
        expectSubscriptions(close$.subscriptions).toBe('-^-!');
      });
    });
  }

  it('watches of different requests are independent; events without a request id pass by', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const w7 = cold('-----x');
      const w8 = cold('-----x');
      const event$ = hot<Event>('-ab-cd-----', {
        a: connected(r7, 'a7', 'conn7'),
        b: connected(r8, 'a8', 'conn8'),
        c: disconnected(r8, 'a8', 'conn8', 'remove'),
        d: accepted('in1', 7), // inbound id 7 is not request 7
      });
      const expected = '         ------z----';
      const connClosed = (conn: string) => (conn === 'conn7' ? w7 : w8);
      expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed }))).toBe(expected, { z: closed(7, 'conn7') });
      expectSubscriptions(w7.subscriptions).toBe('-^----!');
      expectSubscriptions(w8.subscriptions).toBe('--^-!');
    });
  });

  it('a re-established conn (permanent request) gets a new watch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const connClosed = (conn: string) => (conn === 'old' ? cold('-x') : cold('--x'));
      const event$ = hot<Event>('-a-b-c------', {
        a: connected(r7, 'a7', 'old'),
        b: dialing(r7, 'a7', 2), // the old watch already answered at 2; a stage change is harmless
        c: connected(r7, 'a7', 'new'),
      });
      const expected = '         --x----y----';
      expectObservable(connWatchEffect(event$, state$, makeDeps(scheduler, { connClosed }))).toBe(expected, {
        x: closed(7, 'old'),
        y: closed(7, 'new'),
      });
    });
  });
});
