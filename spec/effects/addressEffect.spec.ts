import { expect } from 'chai';
import { NEVER, Subject } from 'rxjs';
import sinon from 'sinon';
import { addressEffect } from '../../lib/effects/addressEffect.js';
import { NoNewAddressError } from '../../lib/model/errors.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { type Action, type Event, addressRequested, canceled, dialing, makeDeps, request, state$, testScheduler } from './deps.js';

describe('addressEffect', () => {
  const r7 = request(7);
  const r8 = request(8);

  it('answers addressResolved with the first value of getNewAddress, then lets the lookup go', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const lookup$ = cold('--ab|', { a: '10.0.0.1:8333', b: '10.0.0.2:8333' });
      const event$ = hot<Event>('-r------', { r: addressRequested(r7) });
      const expected = '         ---x----';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: () => lookup$ }))).toBe(expected, {
        x: { type: 'addressResolved', id: 7, addr: '10.0.0.1:8333' } satisfies Action,
      });
      expectSubscriptions(lookup$.subscriptions).toBe('-^-!');
    });
  });

  it('calls getNewAddress once per addressRequested, at the event', () => {
    const scheduler = testScheduler();
    const getNewAddress = sinon.spy(() => ['a', 'b']);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-s-', { r: addressRequested(r7), s: addressRequested(r8) });
      const expected = '         -x-y-';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress }))).toBe(expected, {
        x: { type: 'addressResolved', id: 7, addr: 'a' } satisfies Action,
        y: { type: 'addressResolved', id: 8, addr: 'a' } satisfies Action,
      });
    });
    expect(getNewAddress.callCount).to.equal(2);
  });

  it('takes a string returned directly as the address itself, not as an iterable of characters', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: addressRequested(r7) });
      const expected = '         -x-';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: () => '[::1]:8333' }))).toBe(expected, {
        x: { type: 'addressResolved', id: 7, addr: '[::1]:8333' } satisfies Action,
      });
    });
  });

  it('takes any other value that is not an ObservableInput as the address itself (e.g. an object address)', () => {
    type HostPort = { host: string; port: number };
    const scheduler = testScheduler();
    const addr: HostPort = { host: '10.0.0.9', port: 8333 };
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<ConnEvent<HostPort, string>>('-r-', { r: { type: 'addressRequested', req: request<HostPort>(7) } });
      const deps = makeDeps<HostPort, string>(scheduler, { getNewAddress: () => addr });
      expectObservable(addressEffect(event$, NEVER, deps)).toBe('-x-', { x: { type: 'addressResolved', id: 7, addr } });
    });
  });

  it('accepts a promise of an address', async () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => Promise.resolve('p:1') })).subscribe((a) =>
      seen.push(a),
    );
    events.next(addressRequested(r7));
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([{ type: 'addressResolved', id: 7, addr: 'p:1' }]);
  });

  it('a getNewAddress that throws, errors or completes empty answers addressFailed (NoNewAddressError when empty)', () => {
    const scheduler = testScheduler();
    const thrown = new Error('address book locked');
    const errored = new Error('dns seed unreachable');
    scheduler.run(({ cold, hot, expectObservable }) => {
      const lookups: Record<number, () => ReturnType<typeof cold<string>>> = {
        7: () => {
          throw thrown;
        },
        8: () => cold('--#', undefined, errored),
        9: () => cold('---|'),
      };
      const r9 = request(9);
      let next = 7;
      const getNewAddress = () => lookups[next++]!();
      const event$ = hot<Event>('-abc-----', { a: addressRequested(r7), b: addressRequested(r8), c: addressRequested(r9) });
      const expected = '         -x--y-z--';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress }))).toBe(expected, {
        x: { type: 'addressFailed', id: 7, error: thrown } satisfies Action,
        y: { type: 'addressFailed', id: 8, error: errored } satisfies Action,
        z: { type: 'addressFailed', id: 9, error: new NoNewAddressError() } satisfies Action,
      });
    });
  });

  it('the empty-lookup error is a NoNewAddressError, whatever its message', () => {
    const scheduler = testScheduler();
    const seen: Action[] = [];
    scheduler.run(({ cold, hot }) => {
      const event$ = hot<Event>('-r-', { r: addressRequested(r7) });
      addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: () => cold<string>('|') })).subscribe((a) => seen.push(a));
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.have.property('type', 'addressFailed');
    expect((seen[0] as { error: unknown }).error).to.be.instanceOf(NoNewAddressError);
  });

  it('without getNewAddress, every lookup fails with NoNewAddressError', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: addressRequested(r7) });
      const expected = '         -x-';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: undefined }))).toBe(expected, {
        x: { type: 'addressFailed', id: 7, error: new NoNewAddressError('no getNewAddress configured') } satisfies Action,
      });
    });
  });

  it('canceled stops a slow lookup: it is unsubscribed and never answered', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const lookup$ = cold('-----a|', { a: 'late:1' });
      const event$ = hot<Event>('-r--c-----', { r: addressRequested(r7), c: canceled(r7, 'stop') });
      const expected = '         ----------';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: () => lookup$ }))).toBe(expected);
      expectSubscriptions(lookup$.subscriptions).toBe('-^--!');
    });
  });

  it('lookups of different requests are independent; only their own request ends them', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const l7 = cold('----a|', { a: 'x:7' });
      const l8 = cold('----a|', { a: 'x:8' });
      const lookups = [l7, l8];
      const event$ = hot<Event>('-rs-c-----', { r: addressRequested(r7), s: addressRequested(r8), c: canceled(r7) });
      const expected = '         ------y---';
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress: () => lookups.shift()! }))).toBe(expected, {
        y: { type: 'addressResolved', id: 8, addr: 'x:8' } satisfies Action,
      });
      expectSubscriptions(l7.subscriptions).toBe('-^--!');
      expectSubscriptions(l8.subscriptions).toBe('--^---!');
    });
  });

  it('ignores every other event, even of its own request', () => {
    const scheduler = testScheduler();
    const getNewAddress = sinon.spy(() => 'never');
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-d-s-', { d: dialing(r7, 'a7'), s: { type: 'started' } });
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress }))).toBe('-----');
    });
    expect(getNewAddress.callCount).to.equal(0);
  });

  it('answers an array at once, with its first element; an empty array fails with NoNewAddressError', () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    const lookups: string[][] = [['a:1', 'a:2'], []];
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => lookups.shift()! })).subscribe((a) => seen.push(a));
    events.next(addressRequested(r7));
    expect(seen).to.deep.equal([{ type: 'addressResolved', id: 7, addr: 'a:1' }]);
    events.next(addressRequested(r8));
    expect(seen).to.have.length(2);
    expect(seen[1]).to.include({ type: 'addressFailed', id: 8 });
    expect((seen[1] as { error: unknown }).error).to.be.instanceOf(NoNewAddressError);
  });

  it('promises that settle in one microtask checkpoint are answered in one addressesAnswered action, in order; a later one alone', async () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    const reason = new Error('book closed');
    const answers: Promise<string>[] = [Promise.resolve('p:1'), Promise.reject(reason), Promise.resolve('p:3')];
    let late!: (addr: string) => void;
    answers.push(new Promise<string>((r) => (late = r)));
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => answers.shift()! })).subscribe((a) => seen.push(a));
    for (const id of [1, 2, 3, 4]) events.next(addressRequested(request(id)));
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([
      {
        type: 'addressesAnswered',
        answers: [
          { type: 'addressResolved', id: 1, addr: 'p:1' },
          { type: 'addressFailed', id: 2, error: reason },
          { type: 'addressResolved', id: 3, addr: 'p:3' },
        ],
      },
    ]);
    late('p:4');
    await new Promise((r) => setImmediate(r));
    expect(seen.slice(1)).to.deep.equal([{ type: 'addressResolved', id: 4, addr: 'p:4' }]);
  });

  it('a rejected promise answers addressFailed with its reason', async () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    const reason = new Error('book closed');
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => Promise.reject(reason) })).subscribe((a) =>
      seen.push(a),
    );
    events.next(addressRequested(r7));
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([{ type: 'addressFailed', id: 7, error: reason }]);
  });

  it('canceled before a promise settles: its late address is never answered', async () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    let resolve!: (addr: string) => void;
    const lookup = new Promise<string>((r) => (resolve = r));
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => lookup })).subscribe((a) => seen.push(a));
    events.next(addressRequested(r7));
    events.next(canceled(r7, 'stop'));
    resolve('late:1');
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([]);
  });

  it('a promise-like (a thenable) is awaited, not taken as the address', async () => {
    const seen: Action[] = [];
    const events = new Subject<Event>();
    const thenable: PromiseLike<string> = { then: (ok) => Promise.resolve('t:1').then(ok) };
    addressEffect(events, state$, makeDeps(testScheduler(), { getNewAddress: () => thenable })).subscribe((a) => seen.push(a));
    events.next(addressRequested(r7));
    await new Promise((r) => setImmediate(r));
    expect(seen).to.deep.equal([{ type: 'addressResolved', id: 7, addr: 't:1' }]);
  });

  it('an addressRequested that carries its lookup is answered from it: getNewAddress is not called again', () => {
    const scheduler = testScheduler();
    const getNewAddress = sinon.spy(() => 'fresh');
    scheduler.run(({ cold, hot, expectObservable }) => {
      const lookup$ = cold('--a|', { a: 'from-source' });
      const event$ = hot<Event>('-r-s-----', {
        r: { type: 'addressRequested', req: r7, lookup: { kind: 'failed', error: new Error('taken') } },
        s: { type: 'addressRequested', req: r8, lookup: { kind: 'source', source: lookup$ } },
      });
      expectObservable(addressEffect(event$, state$, makeDeps(scheduler, { getNewAddress }))).toBe('-x---y---', {
        x: { type: 'addressFailed', id: 7, error: new Error('taken') } satisfies Action,
        y: { type: 'addressResolved', id: 8, addr: 'from-source' } satisfies Action,
      });
    });
    expect(getNewAddress.callCount).to.equal(0);
  });
});
