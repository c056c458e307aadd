import { expect } from 'chai';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { durations, expectDurations, expectNoChain, nth } from './expectDurations.js';

describe('linearBackoff', () => {
  it('waits n × step before the n-th retry, up to the cap', () => {
    expectDurations(linearBackoff({ step: 100, cap: 350 }), [100, 200, 300, 350, 350, 350]);
  });

  it('reaches a cap that is a multiple of the step exactly', () => {
    expectDurations(linearBackoff({ step: 100, cap: 300 }), [100, 200, 300, 300]);
  });

  it("matches btcd's defaults (5 s steps, 5 min cap)", () => {
    const first = linearBackoff({ step: 5_000, cap: 300_000 }).first();
    expect(durations(first, 3)).to.deep.equal([5_000, 10_000, 15_000]);
    expect(nth(first, 59).duration).to.equal(295_000);
    expect(nth(first, 60).duration).to.equal(300_000);
    expect(nth(first, 61).duration).to.equal(300_000);
  });

  it('applies a cap below the step from the first retry', () => {
    expectDurations(linearBackoff({ step: 500, cap: 200 }), [200, 200, 200]);
  });

  it('allows a zero step or a zero cap (retry at once)', () => {
    expectDurations(linearBackoff({ step: 0, cap: 1_000 }), [0, 0, 0]);
    expectDurations(linearBackoff({ step: 100, cap: 0 }), [0, 0, 0]);
  });

  it('grows without bound under an infinite cap', () => {
    expectDurations(linearBackoff({ step: 7, cap: Infinity }), [7, 14, 21, 28, 35]);
  });

  it('saturates at Number.MAX_SAFE_INTEGER instead of overflowing', () => {
    const huge = linearBackoff({ step: Number.MAX_SAFE_INTEGER, cap: Infinity }).first();
    expect(durations(huge, 4)).to.deep.equal(new Array(4).fill(Number.MAX_SAFE_INTEGER));
    const enormous = linearBackoff({ step: 1e300, cap: Infinity }).first();
    expect(nth(enormous, 1_000).duration).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('ignores the seed: peers retry in lockstep, as in btcd', () => {
    const policy = linearBackoff({ step: 100, cap: 1_000 });
    expect(policy.first(1)).to.deep.equal(policy.first());
    expect(policy.first(2)).to.deep.equal(policy.first(1));
  });

  it('is pure: first() and next() give equal values when called again', () => {
    const policy = linearBackoff({ step: 100, cap: 1_000 });
    expect(policy.first()).to.deep.equal(policy.first());
    const b = policy.first().next();
    expect(b.next()).to.deep.equal(b.next());
    expect(b.duration).to.equal(200); // unchanged by calling next()
    expect(Object.isFrozen(b)).to.equal(true);
  });

  it('keeps no chain of earlier steps', () => {
    expectNoChain(linearBackoff({ step: 1, cap: Infinity }).first());
  });

  describe('validation', () => {
    const bad: ReadonlyArray<[string, { step: number; cap: number }, string]> = [
      ['a negative step', { step: -1, cap: 10 }, 'step must be a non-negative integer, got -1'],
      ['a fractional step', { step: 1.5, cap: 10 }, 'step must be a non-negative integer, got 1.5'],
      ['a NaN step', { step: NaN, cap: 10 }, 'step must be a non-negative integer, got NaN'],
      ['an infinite step', { step: Infinity, cap: 10 }, 'step must be a non-negative integer, got Infinity'],
      ['a string step', { step: '5' as unknown as number, cap: 10 }, 'step must be a non-negative integer, got 5'],
      ['a negative cap', { step: 1, cap: -5 }, 'cap must be a non-negative integer or Infinity, got -5'],
      ['a fractional cap', { step: 1, cap: 2.5 }, 'cap must be a non-negative integer or Infinity, got 2.5'],
      ['a NaN cap', { step: 1, cap: NaN }, 'cap must be a non-negative integer or Infinity, got NaN'],
      ['a -Infinity cap', { step: 1, cap: -Infinity }, 'cap must be a non-negative integer or Infinity, got -Infinity'],
    ];
    for (const [name, options, message] of bad) {
      it(`rejects ${name}`, () => {
        expect(() => linearBackoff(options)).to.throw(RangeError, `linearBackoff: ${message}`);
      });
    }
  });
});
