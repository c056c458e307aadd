import { expect } from 'chai';
import fc from 'fast-check';
import { decorrelatedJitterBackoff, type DecorrelatedJitterBackoffOptions } from '../../lib/backoff/decorrelatedJitterBackoff.js';
import { mixSeeds } from '../../lib/backoff/mixSeeds.js';
import { seededRandom } from '../../lib/backoff/seededRandom.js';
import { durations, ids, expectNoChain, expectPureBackoff, expectSeedDrawnOnce } from './expectDurations.js';

const MAX = Number.MAX_SAFE_INTEGER;

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('decorrelatedJitterBackoff', () => {
  const options = { base: 1_000, cap: 60_000, seed: 42 } as const;

  it('draws d(1) = base + floor(r·2·base), then d(n+1) = base + floor(r·(3·d(n) − base)), capped, one fresh r per step', () => {
    const policy = decorrelatedJitterBackoff({ base: 100, cap: 1_000, seed: 42 });
    for (const [first, generatorSeed] of [
      [policy.first(), 42],
      [policy.first(9), mixSeeds(42, 9)],
    ] as const) {
      let r = seededRandom(generatorSeed);
      const expected: number[] = [];
      let previous = 100;
      for (let n = 1; n <= 12; n++, r = r.next()) {
        previous = Math.min(1_000, 100 + Math.floor(r.value * (3 * previous - 100)));
        expected.push(previous);
      }
      expect(durations(first, 12)).to.deep.equal(expected);
      expect(expected).to.include(1_000); // the sample does reach the cap
    }
  });

  it('is reproducible: the same policy seed and call seed give the same delays', () => {
    const a = decorrelatedJitterBackoff(options);
    const b = decorrelatedJitterBackoff(options);
    expect(durations(a.first(7), 20)).to.deep.equal(durations(b.first(7), 20));
    expect(durations(a.first(), 20)).to.deep.equal(durations(b.first(), 20));
  });

  it('gives different delays to different call seeds (request ids)', () => {
    const policy = decorrelatedJitterBackoff(options);
    const sequences = new Set(ids(200).map((id) => durations(policy.first(id), 8).join()));
    expect(sequences.size).to.equal(200);
  });

  it('gives different delays under different policy seeds', () => {
    const a = decorrelatedJitterBackoff({ ...options, seed: 1 });
    const b = decorrelatedJitterBackoff({ ...options, seed: 2 });
    expect(durations(a.first(), 8)).to.not.deep.equal(durations(b.first(), 8));
    expect(durations(a.first(3), 8)).to.not.deep.equal(durations(b.first(3), 8));
  });

  it('starts in [base, 3·base) and then keeps base ≤ d(n+1) ≤ min(cap, 3·d(n))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constant(Infinity)),
        fc.integer(),
        fc.option(fc.integer(), { nil: undefined }),
        fc.integer({ min: 1, max: 60 }),
        (base, cap, seed, callSeed, n) => {
          fc.pre(cap >= base);
          const policy = decorrelatedJitterBackoff({ base, cap, seed });
          const ds = durations(callSeed === undefined ? policy.first() : policy.first(callSeed), n);
          ds.forEach((d, i) => {
            expect(Number.isInteger(d), `step ${i + 1}: ${d}`).to.equal(true);
            const previous = i === 0 ? base : (ds[i - 1] as number);
            expect(d, `step ${i + 1}`)
              .to.be.at.least(base)
              .and.at.most(Math.min(cap, 3 * previous));
            // The draw is half-open, so it stays strictly below 3·d(n) whenever that exceeds base.
            if (3 * previous > base && d !== cap) expect(d).to.be.below(3 * previous);
          });
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('uses the cap throughout when it is below base', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer(), (base, seed) => {
        const cap = Math.floor(base / 2);
        expect(durations(decorrelatedJitterBackoff({ base, cap, seed }).first(1), 5)).to.deep.equal(new Array(5).fill(cap));
      }),
      { seed: 12, numRuns: 50 },
    );
  });

  it('stays 0 with base 0', () => {
    expect(durations(decorrelatedJitterBackoff({ base: 0, cap: Infinity, seed: 1 }).first(1), 5)).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('stays finite and within range when uncapped for thousands of steps', () => {
    let b = decorrelatedJitterBackoff({ base: 1, cap: Infinity, seed: 3 }).first(9);
    for (let i = 0; i < 5_000; i++, b = b.next()) {
      expect(Number.isSafeInteger(b.duration), `step ${b.attempt}: ${b.duration}`).to.equal(true);
      expect(b.duration).to.be.at.least(1);
    }
    const huge = decorrelatedJitterBackoff({ base: MAX, cap: Infinity, seed: 3 }).first();
    expect(durations(huge, 3)).to.deep.equal([MAX, MAX, MAX]);
    const enormous = decorrelatedJitterBackoff({ base: 1e308, cap: Infinity, seed: 3 }).first();
    expect(durations(enormous, 3)).to.deep.equal([MAX, MAX, MAX]);
  });

  it('averages 2·base on the first step and grows after it', () => {
    // d(1) is uniform on [1000, 3000): mean 1999.5, s.e. ≈ 6 over 10,000 ids.
    const policy = decorrelatedJitterBackoff({ base: 1_000, cap: 1_000_000, seed: 2024 });
    const starts = ids(10_000).map((id) => policy.first(id));
    expect(mean(starts.map((b) => b.duration))).to.be.closeTo(1_999.5, 30);
    const thirds = starts.map((b) => b.next().next().duration);
    expect(mean(thirds)).to.be.above(2 * 1_999.5);
  });

  it('draws the default policy seed from Math.random once, in the factory', () => {
    expectSeedDrawnOnce(
      (seed) => decorrelatedJitterBackoff(seed === undefined ? { base: 1_000, cap: 60_000 } : { base: 1_000, cap: 60_000, seed }),
      0.25,
    );
  });

  it('is pure: first() and next() give equal values when called again', () => {
    expectPureBackoff(decorrelatedJitterBackoff(options));
  });

  it('keeps no chain of earlier steps', () => {
    expectNoChain(decorrelatedJitterBackoff(options).first(1));
  });

  describe('validation', () => {
    const bad: ReadonlyArray<[string, DecorrelatedJitterBackoffOptions, string]> = [
      ['a negative base', { base: -1, cap: 10 }, 'base must be a non-negative integer, got -1'],
      ['a fractional base', { base: 2.5, cap: 10 }, 'base must be a non-negative integer, got 2.5'],
      ['a NaN base', { base: NaN, cap: 10 }, 'base must be a non-negative integer, got NaN'],
      ['a negative cap', { base: 1, cap: -1 }, 'cap must be a non-negative integer or Infinity, got -1'],
      ['a fractional cap', { base: 1, cap: 9.9 }, 'cap must be a non-negative integer or Infinity, got 9.9'],
      ['a non-integer seed', { base: 1, cap: 10, seed: NaN }, 'seed must be an integer, got NaN'],
    ];
    for (const [name, opts, message] of bad) {
      it(`rejects ${name}`, () => {
        expect(() => decorrelatedJitterBackoff(opts)).to.throw(RangeError, `decorrelatedJitterBackoff: ${message}`);
      });
    }

    it('rejects a call seed that is not an integer', () => {
      const policy = decorrelatedJitterBackoff({ base: 1, cap: 10, seed: 1 });
      expect(() => policy.first(Infinity)).to.throw(RangeError, 'seed must be an integer, got Infinity');
    });
  });
});
