import { expect } from 'chai';
import { map } from 'rxjs';
import { EffectInput } from '../../lib/manager/EffectInput.js';

describe('EffectInput — the manager feeding one effect', () => {
  it('delivers each value synchronously to every subscriber, in subscription order', () => {
    const input = new EffectInput<number>();
    const seen: string[] = [];
    input.events$.subscribe((v) => seen.push(`a${v}`));
    input.events$.pipe(map((v) => v * 10)).subscribe((v) => seen.push(`b${v}`));
    input.next(1);
    input.next(2);
    expect(seen).to.deep.equal(['a1', 'b10', 'a2', 'b20']);
  });

  it('drops nothing and delivers nothing before a subscription or after its end', () => {
    const input = new EffectInput<number>();
    expect(input.observed).to.equal(false);
    input.next(0); // nobody there: lost, as with a Subject
    const seen: number[] = [];
    const sub = input.events$.subscribe((v) => seen.push(v));
    expect(input.observed).to.equal(true);
    input.next(1);
    sub.unsubscribe();
    expect(input.observed).to.equal(false);
    input.next(2);
    expect(seen).to.deep.equal([1]);
  });

  it('a subscriber added or removed during a delivery changes the next delivery, not the current one', () => {
    const input = new EffectInput<number>();
    const seen: string[] = [];
    const late = { sub: undefined as { unsubscribe(): void } | undefined };
    const first = input.events$.subscribe((v) => {
      seen.push(`first${v}`);
      if (v === 1) late.sub = input.events$.subscribe((w) => seen.push(`late${w}`));
      if (v === 2) first.unsubscribe();
    });
    input.events$.subscribe((v) => seen.push(`second${v}`));
    input.next(1);
    input.next(2);
    input.next(3);
    expect(seen).to.deep.equal(['first1', 'second1', 'first2', 'second2', 'late2', 'second3', 'late3']);
    late.sub?.unsubscribe();
  });
});
