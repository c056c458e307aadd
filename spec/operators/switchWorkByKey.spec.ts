import { expect } from 'chai';
import { Observable, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { switchWorkByKey, type KeyedWork } from '../../lib/operators/switchWorkByKey.js';

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** Source values look like "a1": key `a`, then a tag. A value starting with "?" has no key. */
const keyOf = (v: string): string | undefined => (v.startsWith('?') ? undefined : v[0]);

/**
 * Work that writes to `log` when it starts and when it is stopped, and returns a fresh stop
 * handle each time (so a stop is attributed to the value that started the work).
 */
function loggingWork(log: string[]): KeyedWork<string, string> {
  return (value) => {
    log.push(`start ${value}`);
    return { unsubscribe: () => log.push(`stop ${value}`) };
  };
}

describe('switchWorkByKey', () => {
  it('runs one lane per key: a value for one key leaves the other keys running', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a1 = cold('----x', { x: 'a1 done' });
      const b1 = cold('----y', { y: 'b1 done' });
      const a2 = cold('----z', { z: 'a2 done' });
      const inners = new Map([
        ['a1', a1],
        ['b1', b1],
        ['a2', a2],
      ]);
      const source = hot<string>('-abc------', { a: 'a1', b: 'b1', c: 'a2' });
      const result = source.pipe(switchWorkByKey(keyOf, (v, emit) => inners.get(v)!.subscribe(emit)));
      // a1 would be due at 5, but a2 (same key) replaced it at 3; b1 is untouched.
      expectObservable(result).toBe('------yz--', { y: 'b1 done', z: 'a2 done' });
      expectSubscriptions(a1.subscriptions).toBe('-^-!');
      expectSubscriptions(b1.subscriptions).toBe('--^');
      expectSubscriptions(a2.subscriptions).toBe('---^');
    });
  });

  it('a new value for a live key stops the previous work before it starts the new one', () => {
    const log: string[] = [];
    const source = new Subject<string>();
    source.pipe(switchWorkByKey(keyOf, loggingWork(log))).subscribe();
    source.next('a1');
    source.next('b1');
    expect(log).to.deep.equal(['start a1', 'start b1']);
    source.next('a2');
    expect(log).to.deep.equal(['start a1', 'start b1', 'stop a1', 'start a2']);
    source.next('a3');
    expect(log).to.deep.equal(['start a1', 'start b1', 'stop a1', 'start a2', 'stop a2', 'start a3']);
  });

  it('lets values without a key pass by: no work started, no lane stopped, nothing emitted', () => {
    const log: string[] = [];
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot<string>('-a-?-?---', { a: 'a1', '?': '?x' });
      const result = source.pipe(
        switchWorkByKey(keyOf, (v) => {
          log.push(`start ${v} at ${scheduler.now()}`);
          return { unsubscribe: () => log.push(`stop ${v} at ${scheduler.now()}`) };
        }),
      );
      expectObservable(result, '^-------!').toBe('---------');
    });
    // the "?" values at 3 and 5 neither started work nor stopped a1's lane: it ran until the unsubscription
    expect(log).to.deep.equal(['start a1 at 1', 'stop a1 at 8']);
  });

  it('does not park work that returns undefined: a later value for its key stops nothing', () => {
    const log: string[] = [];
    const source = new Subject<string>();
    const subscription = source
      .pipe(
        switchWorkByKey<string, string, string>(keyOf, (v, emit) => {
          log.push(`start ${v}`);
          if (v.endsWith('0')) {
            emit(`${v} over`);
            return undefined;
          }
          return { unsubscribe: () => log.push(`stop ${v}`) };
        }),
      )
      .subscribe((r) => log.push(r));
    source.next('a1');
    source.next('a0'); // stops a1, then starts work that is over at once
    source.next('a2'); // nothing live for "a": no stop at all
    expect(log).to.deep.equal(['start a1', 'stop a1', 'start a0', 'a0 over', 'start a2']);
    source.next('b0');
    subscription.unsubscribe(); // only a2 is live
    expect(log).to.deep.equal(['start a1', 'stop a1', 'start a0', 'a0 over', 'start a2', 'start b0', 'b0 over', 'stop a2']);
  });

  it('passes results the work emits synchronously straight through, in order', () => {
    const seen: string[] = [];
    const source = new Subject<string>();
    source
      .pipe(
        switchWorkByKey<string, string, string>(keyOf, (v, emit) => {
          emit(`${v}:1`);
          emit(`${v}:2`);
          return undefined;
        }),
      )
      .subscribe((r) => seen.push(r));
    source.next('a1');
    expect(seen).to.deep.equal(['a1:1', 'a1:2']);
    source.next('a2');
    source.next('b1');
    expect(seen).to.deep.equal(['a1:1', 'a1:2', 'a2:1', 'a2:2', 'b1:1', 'b1:2']);
  });

  it('emits synchronous results in the frame of their source value (marbles)', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot<string>('-a--b-', { a: 'a1', b: 'b1' });
      const result = source.pipe(
        switchWorkByKey<string, string, string>(keyOf, (v, emit) => {
          emit(v.toUpperCase());
          return undefined;
        }),
      );
      expectObservable(result).toBe('-A--B-', { A: 'A1', B: 'B1' });
    });
  });

  it('errors the result when work throws, and stops the source and the live lanes', () => {
    const boom = new Error('bad work');
    const log: string[] = [];
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot<string>('-a-b-c-', { a: 'a1', b: 'b1', c: 'a2' });
      const result = source.pipe(
        switchWorkByKey<string, string, string>(keyOf, (v, emit) => {
          if (v === 'b1') throw boom;
          return loggingWork(log)(v, emit);
        }),
      );
      expectObservable(result).toBe('---#', undefined, boom);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(log).to.deep.equal(['start a1', 'stop a1']); // a2 never started
  });

  it('unsubscribing the result stops every live lane, and no work starts after', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('------x|');
      const b = cold('------y|');
      const source = hot<string>('-ab---a-', { a: 'a1', b: 'b1' });
      const result = source.pipe(switchWorkByKey(keyOf, (v, emit) => (v === 'a1' ? a : b).subscribe(emit)));
      expectObservable(result, '^---!').toBe('-----');
      expectSubscriptions(a.subscriptions).toBe('-^--!');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('completes when the source completes, stopping every live lane', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('-x------y');
      const b = cold('--------z');
      const source = hot<string>('-ab---|', { a: 'a1', b: 'b1' });
      const result = source.pipe(switchWorkByKey(keyOf, (v, emit) => (v === 'a1' ? a : b).subscribe(emit)));
      expectObservable(result).toBe('--x---|');
      expectSubscriptions(a.subscriptions).toBe('-^----!');
      expectSubscriptions(b.subscriptions).toBe('--^---!');
    });
  });

  it('propagates a source error, stopping every live lane', () => {
    const failure = new Error('source failed');
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('--------x');
      const source = hot<string>('-a--#', { a: 'a1' }, failure);
      const result = source.pipe(switchWorkByKey(keyOf, (v, emit) => a.subscribe(emit)));
      expectObservable(result).toBe('----#', undefined, failure);
      expectSubscriptions(a.subscriptions).toBe('-^--!');
    });
  });

  it('stops each live lane once when the result is unsubscribed, not the ones already replaced', () => {
    const log: string[] = [];
    const source = new Observable<string>((s) => {
      s.next('a1');
      s.next('b1');
      s.next('a2');
    });
    source
      .pipe(switchWorkByKey(keyOf, loggingWork(log)))
      .subscribe()
      .unsubscribe();
    expect(log.slice(0, 4)).to.deep.equal(['start a1', 'start b1', 'stop a1', 'start a2']);
    expect(log.slice(4).sort()).to.deep.equal(['stop a2', 'stop b1']);
  });
});

describe('switchWorkByKey with synchronous feedback', () => {
  it('a value for the same key fed back while the work emits stops the superseded work, and the newer one stays live', () => {
    const log: string[] = [];
    const source = new Subject<string>();
    const subscription = source
      .pipe(
        switchWorkByKey<string, string, string>(
          (v) => v[0],
          (v, emit) => {
            log.push(`start ${v}`);
            emit(v);
            return { unsubscribe: () => log.push(`stop ${v}`) };
          },
        ),
      )
      .subscribe((r) => {
        if (r === 'a1') source.next('a2');
      });
    source.next('a1');
    log.push('unsubscribe');
    subscription.unsubscribe();
    expect(log).to.deep.equal(['start a1', 'start a2', 'stop a1', 'unsubscribe', 'stop a2']);
  });
});
