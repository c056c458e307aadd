import { expect } from 'chai';
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { switchMapByKey } from '../../lib/operators/switchMapByKey.js';

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** Source values look like "a1": key `a`, command `1` = start an inner, `0` = just end the lane. */
const keyOf = (v: string) => v[0];

describe('switchMapByKey', () => {
  it('runs one inner per key, each switched only by its own key', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('--x--x--x|');
      const b = cold('---y|');
      const source = hot('-a-b-----c--|', { a: 'a1', b: 'b1', c: 'a0' });
      const result = source.pipe(switchMapByKey(keyOf, (v) => (v === 'a1' ? a : v === 'b1' ? b : undefined)));
      expectObservable(result).toBe('---x--(xy)--|');
      expectSubscriptions(a.subscriptions).toBe('-^-------!'); // ended by "a0" at 9
      expectSubscriptions(b.subscriptions).toBe('---^---!'); // ran to its end
    });
  });

  it('a new value for a live key ends the previous inner first (a new stage replaces the old one)', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inner = cold('---z|');
      const source = hot('-a-a------|', { a: 'a1' });
      expectObservable(source.pipe(switchMapByKey(keyOf, () => inner))).toBe('------z---|');
      expectSubscriptions(inner.subscriptions).toBe(['-^-!', '---^---!']);
    });
  });

  it('values without a key pass by; completion waits for the live lanes', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const inner = cold('-----z|');
      const source = hot('-a-?-|', { a: 'a1', '?': '?' });
      const result = source.pipe(
        switchMapByKey(
          (v) => (v === '?' ? undefined : 'a'),
          () => inner,
        ),
      );
      expectObservable(result).toBe('------z|');
    });
  });

  it('unsubscribing ends every lane', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('------x|');
      const b = cold('------y|');
      const source = hot('-ab----', { a: 'a1', b: 'b1' });
      const result = source.pipe(switchMapByKey(keyOf, (v) => (v === 'a1' ? a : b)));
      expectObservable(result, '^---!').toBe('-----');
      expectSubscriptions(a.subscriptions).toBe('-^--!');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
    });
  });

  it('handles an inner that completes synchronously without parking it', () => {
    const seen: string[] = [];
    let teardowns = 0;
    const sync = new Observable<string>((s) => {
      s.next('now');
      s.complete();
      return () => teardowns++;
    });
    const source = new Observable<string>((s) => {
      s.next('a1');
      s.next('a1');
      s.complete();
    });
    source.pipe(switchMapByKey(keyOf, () => sync)).subscribe({ next: (v) => seen.push(v), complete: () => seen.push('|') });
    expect(seen).to.deep.equal(['now', 'now', '|']);
    expect(teardowns).to.equal(2);
  });

  it('a project that throws errors the stream', () => {
    const errors: unknown[] = [];
    const source = new Observable<string>((s) => s.next('a1'));
    source
      .pipe(
        switchMapByKey(keyOf, () => {
          throw new Error('bad project');
        }),
      )
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors).to.have.length(1);
  });
});
