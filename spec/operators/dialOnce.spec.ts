import { expect } from 'chai';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EmptyDialError } from '../../lib/model/errors.js';
import { dialOnce } from '../../lib/operators/dialOnce.js';

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe('dialOnce', () => {
  it('emits the first conn and completes; extra conns, sync or late, are closed', () => {
    const closed: string[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const dial$ = dialOnce(() => cold('--a-b|', { a: 'a', b: 'b' }), 'addr', (c: string) => closed.push(c));
      expectObservable(dial$).toBe('--(a|)', { a: 'a' });
    });
    expect(closed).to.deep.equal(['b']);
    closed.length = 0;
    dialOnce(() => of('a', 'b', 'c'), 'addr', (c: string) => closed.push(c)).subscribe();
    expect(closed).to.deep.equal(['b', 'c']);
  });

  it('turns a synchronous throw, an error and an empty completion into error notifications', () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    dialOnce(() => { throw boom; }, 'a', () => {}).subscribe({ error: (e) => errors.push(e) });
    dialOnce(() => throwError(() => boom), 'a', () => {}).subscribe({ error: (e) => errors.push(e) });
    dialOnce(() => of(), 'a', () => {}).subscribe({ error: (e) => errors.push(e) });
    dialOnce(() => 42 as never, 'a', () => {}).subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).to.equal(boom);
    expect(errors[1]).to.equal(boom);
    expect(errors[2]).to.be.instanceOf(EmptyDialError);
    expect(errors[3]).to.be.instanceOf(TypeError);
  });

  it('calls dial on every subscription (retry re-dials instead of re-using one promise)', () => {
    let calls = 0;
    const dial$ = dialOnce(() => { calls++; return of('c'); }, 'a', () => {});
    dial$.subscribe();
    dial$.subscribe();
    expect(calls).to.equal(2);
  });

  it('aborts the signal when unsubscribed before the result, not after', () => {
    const signals: AbortSignal[] = [];
    dialOnce((_a, { signal }) => { signals.push(signal); return NEVER; }, 'a', () => {}).subscribe().unsubscribe();
    dialOnce((_a, { signal }) => { signals.push(signal); return of('c'); }, 'a', () => {}).subscribe().unsubscribe();
    expect(signals.map((s) => s.aborted)).to.deep.equal([true, false]);
  });

  it('closes a conn that a promise delivers after the dial was abandoned', async () => {
    let resolve!: (c: string) => void;
    const closed: string[] = [];
    const seen: string[] = [];
    const subscription = dialOnce(() => new Promise<string>((r) => (resolve = r)), 'a', (c) => closed.push(c)).subscribe((c) => seen.push(c));
    subscription.unsubscribe();
    resolve('late');
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).to.deep.equal([]);
    expect(closed).to.deep.equal(['late']);
  });

  it('tears an Observable dial down when abandoned (that is its cancellation)', () => {
    let tornDown = false;
    const hanging = new Observable<string>(() => () => (tornDown = true));
    dialOnce(() => hanging, 'a', () => {}).subscribe().unsubscribe();
    expect(tornDown).to.equal(true);
  });
});
