import { expect } from 'chai';
import { NEVER, Subject, VirtualTimeScheduler, defer, takeWhile, throwError, type Observable } from 'rxjs';
import { listenEffect } from '../../lib/effects/listenEffect.js';
import { type Action, type Event, accepted, makeDeps, request, canceled, started, state$, stopped, testScheduler } from './deps.js';

describe('listenEffect', () => {
  const incoming = (conn: string, listener: number): Action => ({ type: 'incoming', conn, listener });
  const listenerFailed = (listener: number, error: unknown): Action => ({ type: 'listenerFailed', listener, error });

  it('subscribes nothing before `started`, then every listener once, and turns their conns into `incoming`', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const l0 = cold('--a---b--', { a: 'in-a', b: 'in-b' });
      const l1 = cold('---c-----', { c: 'in-c' });
      const event$ = hot<Event>('-xy-s---s----', { x: canceled(request(1)), y: accepted('other', 1), s: started() });
      const expected = '         ------ac--b--';
      expectObservable(listenEffect(event$, state$, makeDeps(scheduler, { listeners: [l0, l1] }))).toBe(expected, {
        a: incoming('in-a', 0),
        b: incoming('in-b', 0),
        c: incoming('in-c', 1),
      });
      expectSubscriptions(l0.subscriptions).toBe('----^'); // once, though `started` came twice
      expectSubscriptions(l1.subscriptions).toBe('----^');
    });
  });

  it('a listener error answers listenerFailed and re-subscribes after retryDuration × n, capped at maxRetryDuration', () => {
    const scheduler = testScheduler();
    const emfile = new Error('EMFILE');
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const l0 = cold<string>('--#', undefined, emfile);
      const l1 = cold('-----------c', { c: 'in-c' }); // the other listener is not disturbed
      const event$ = hot<Event>('-s-----------------------', { s: started() });
      const unsub = '           ^-----------------------!';
      //                          sub 1    +3: sub 6    +6→5: sub 13      +9→5: sub 20
      const expected = '         ---f----f---c--f------f--';
      expectObservable(
        listenEffect(event$, state$, makeDeps(scheduler, { listeners: [l0, l1], retryDuration: 3, maxRetryDuration: 5 })),
        unsub,
      ).toBe(expected, { f: listenerFailed(0, emfile), c: incoming('in-c', 1) });
      expectSubscriptions(l0.subscriptions).toBe(['-^-!', '------^-!', '-------------^-!', '--------------------^-!']);
      expectSubscriptions(l1.subscriptions).toBe('-^----------------------!');
    });
  });

  it('a listener that completes is done: not re-subscribed, the others run on', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const l0 = cold('-a|', { a: 'in-a' });
      const l1 = cold('--b--b--b', { b: 'in-b' });
      const event$ = hot<Event>('-s-----------', { s: started() });
      const expected = '         --ab--b--b---';
      expectObservable(listenEffect(event$, state$, makeDeps(scheduler, { listeners: [l0, l1], retryDuration: 1 }))).toBe(expected, {
        a: incoming('in-a', 0),
        b: incoming('in-b', 1),
      });
      expectSubscriptions(l0.subscriptions).toBe('-^-!');
    });
  });

  it('unsubscribing (the manager stopping) closes every listener and any pending re-subscribe', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const l0 = cold<string>('-#');
      const l1 = cold('--------');
      const event$ = hot<Event>('-s-----x---', { s: started(), x: stopped() });
      const unsub = '           ^------!---';
      const expected = '         --f--------';
      expectObservable(listenEffect(event$, state$, makeDeps(scheduler, { listeners: [l0, l1], retryDuration: 10 })), unsub).toBe(
        expected,
        {
          f: listenerFailed(0, 'error'),
        },
      );
      expectSubscriptions(l0.subscriptions).toBe('-^!'); // the re-subscribe due at 12 never happens
      expectSubscriptions(l1.subscriptions).toBe('-^-----!');
    });
  });

  it('waits its backoff on deps.scheduler, not on a global one', () => {
    const vts = new VirtualTimeScheduler();
    const subscribedAt: number[] = [];
    const listener = defer((): Observable<string> => {
      subscribedAt.push(vts.now());
      return subscribedAt.length === 1 ? throwError(() => new Error('once')) : NEVER;
    });
    const events = new Subject<Event>();
    const seen: Action[] = [];
    listenEffect(events, state$, makeDeps(vts, { listeners: [listener], retryDuration: 2_000, maxRetryDuration: 60_000 })).subscribe((a) =>
      seen.push(a),
    );
    events.next(started());
    expect(seen.map((a) => a.type)).to.deep.equal(['listenerFailed']);
    expect(subscribedAt).to.deep.equal([0]);
    vts.flush();
    expect(subscribedAt).to.deep.equal([0, 2_000]);
  });

  it('without listeners, `started` subscribes nothing and emits nothing', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-s-|', { s: started() });
      expectObservable(listenEffect(event$, state$, makeDeps(scheduler, { listeners: [] }))).toBe('-|');
    });
  });

  it('survives thousands of failures without nesting: 4,000 errors, then a conn still arrives', () => {
    const scheduler = new VirtualTimeScheduler();
    let subscriptions = 0;
    const listener = defer(() => (++subscriptions <= 4_000 ? throwError(() => new Error('EMFILE')) : (['conn'] as never)));
    const deps = makeDeps(scheduler, { listeners: [listener as never], retryDuration: 1, maxRetryDuration: 1 });
    const events = new Subject<Event>();
    let failures = 0;
    let incoming = 0;
    listenEffect(events, state$, deps).subscribe((a) => {
      if (a.type === 'listenerFailed') failures++;
      if (a.type === 'incoming') incoming++;
    });
    events.next(started());
    scheduler.flush();
    expect([failures, incoming]).to.deep.equal([4_000, 1]);
  });

  it('a conn accepted between failures resets the backoff', () => {
    const scheduler = testScheduler();
    const times: number[] = [];
    scheduler.run(({ cold, hot }) => {
      let n = 0;
      // each subscription: one conn after 1 frame, then an error after 2 more
      const listener = defer(() => {
        n++;
        return cold('-a-#', { a: `c${n}` });
      });
      const deps = makeDeps(scheduler, { listeners: [listener as never], retryDuration: 10, maxRetryDuration: 100 });
      // The listener fails forever: stop listening after a while, which also stops the clock.
      listenEffect(hot<Event>('s', { s: started() }), state$, deps)
        .pipe(takeWhile(() => scheduler.now() < 60))
        .subscribe((a) => {
          if (a.type === 'listenerFailed') times.push(scheduler.now());
        });
    });
    // failures at 3, then (10 ms later) 13+3 = 16, 26+3 = 29, …: always 10 ms, never 20, 30
    expect(times.slice(0, 4)).to.deep.equal([3, 16, 29, 42]);
  });
});
