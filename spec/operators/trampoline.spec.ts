import { expect } from 'chai';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { trampoline } from '../../lib/operators/trampoline.js';

describe('trampoline', () => {
  it('passes values through unchanged and in time', () => {
    new TestScheduler((a, e) => {
      expect(a).to.deep.equal(e);
    }).run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-(cd)|').pipe(trampoline())).toBe('-a-b-(cd)|');
    });
  });

  it('delivers synchronously outside a delivery', () => {
    const input = new Subject<number>();
    const seen: number[] = [];
    input.pipe(trampoline()).subscribe((v) => seen.push(v));
    input.next(1);
    expect(seen).to.deep.equal([1]);
  });

  it('queues a value emitted during a delivery and delivers it after, never nested', () => {
    const input = new Subject<number>();
    const log: string[] = [];
    let depth = 0;
    input.pipe(trampoline()).subscribe((v) => {
      depth++;
      log.push(`start ${v} depth ${depth}`);
      if (v < 3) input.next(v + 1);
      log.push(`end ${v}`);
      depth--;
    });
    input.next(1);
    expect(log).to.deep.equal(['start 1 depth 1', 'end 1', 'start 2 depth 1', 'end 2', 'start 3 depth 1', 'end 3']);
  });

  it('a feedback storm of 100,000 synchronous values does not grow the stack', () => {
    const input = new Subject<number>();
    let last = 0;
    input.pipe(trampoline()).subscribe((v) => {
      last = v;
      if (v < 100_000) input.next(v + 1);
    });
    input.next(1);
    expect(last).to.equal(100_000);
  });

  it('stops delivering queued values once unsubscribed', () => {
    const input = new Subject<number>();
    const seen: number[] = [];
    const sub = input.pipe(trampoline()).subscribe((v) => {
      seen.push(v);
      if (v === 1) {
        input.next(2);
        sub.unsubscribe();
      }
    });
    input.next(1);
    expect(seen).to.deep.equal([1]);
  });
});
