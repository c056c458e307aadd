import { expect } from 'chai';
import fc from 'fast-check';
import { exponentialBackoff, type ExponentialBackoffOptions } from '../../lib/backoff/exponentialBackoff.js';
import { mixSeeds } from '../../lib/backoff/mixSeeds.js';
import { seededRandom } from '../../lib/backoff/seededRandom.js';
import { durations, expectDurations, ids, nth, expectNoChain, expectPureBackoff, expectSeedDrawnOnce } from './expectDurations.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** min(cap, base·2^(n-1)), computed directly as an oracle (fine for n ≤ 1000). */
function ceilingOf(base: number, cap: number, n: number): number {
  return Math.min(cap, MAX, base * 2 ** (n - 1));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('exponentialBackoff', () => {
  describe("jitter: 'none'", () => {
    it('doubles from base up to the cap', () => {
      expectDurations(exponentialBackoff({ base: 100, cap: 1_000, jitter: 'none' }), [100, 200, 400, 800, 1_000, 1_000]);
    });

    it('stops at a cap that is not a power-of-two multiple of base', () => {
      expectDurations(exponentialBackoff({ base: 3, cap: 20, jitter: 'none' }), [3, 6, 12, 20, 20]);
    });

    it('applies a cap below base from the first retry', () => {
      expectDurations(exponentialBackoff({ base: 500, cap: 300, jitter: 'none' }), [300, 300, 300]);
    });

    it('stays 0 with base 0, even uncapped (no 0 × Infinity = NaN)', () => {
      const first = exponentialBackoff({ base: 0, cap: Infinity, jitter: 'none' }).first();
      expect(durations(first, 3)).to.deep.equal([0, 0, 0]);
      expect(nth(first, 2_000).duration).to.equal(0);
    });

    it('saturates at Number.MAX_SAFE_INTEGER when uncapped instead of reaching Infinity', () => {
      const first = exponentialBackoff({ base: 1, cap: Infinity, jitter: 'none' }).first();
      expect(nth(first, 53).duration).to.equal(2 ** 52);
      expect(nth(first, 54).duration).to.equal(MAX);
      expect(nth(first, 5_000).duration).to.equal(MAX);
    });

    it('ignores the seed', () => {
      const policy = exponentialBackoff({ base: 100, cap: 1_000, jitter: 'none' });
      expectDurations(policy, [100, 200, 400], 12345);
      expect(policy.first(1)).to.deep.equal(policy.first(2));
    });
  });

  describe("jitter: 'full'", () => {
    const options = { base: 1_000, cap: 60_000, seed: 42 } as const;

    it('is the default', () => {
      const implicit = exponentialBackoff(options).first(5);
      const explicit = exponentialBackoff({ ...options, jitter: 'full' }).first(5);
      expect(durations(implicit, 10)).to.deep.equal(durations(explicit, 10));
      const none = exponentialBackoff({ ...options, jitter: 'none' }).first(5);
      expect(durations(implicit, 10)).to.not.deep.equal(durations(none, 10));
    });

    it('draws floor(r × ceiling) with one fresh draw r per step from the seeded generator', () => {
      const policy = exponentialBackoff({ base: 100, cap: 3_000, seed: 42 });
      for (const [first, generatorSeed] of [
        [policy.first(), 42],
        [policy.first(9), mixSeeds(42, 9)],
      ] as const) {
        let r = seededRandom(generatorSeed);
        const expected: number[] = [];
        for (let n = 1; n <= 8; n++, r = r.next()) expected.push(Math.floor(r.value * ceilingOf(100, 3_000, n)));
        expect(durations(first, 8)).to.deep.equal(expected);
      }
    });

    it('draws each step independently of the previous one', () => {
      // Correlation of d(n)/ceiling(n) between consecutive steps, over 10,000 ids: ≈ 0 (s.e. 0.01).
      const policy = exponentialBackoff({ base: 1_000, cap: 60_000, seed: 5 });
      const xs: number[] = [];
      const ys: number[] = [];
      for (const id of ids(10_000)) {
        const third = nth(policy.first(id), 3);
        xs.push(third.duration / 4_000);
        ys.push(third.next().duration / 8_000);
      }
      const mx = mean(xs);
      const my = mean(ys);
      const cov = mean(xs.map((x, i) => (x - mx) * ((ys[i] as number) - my)));
      const sd = (v: number[], m: number) => Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
      expect(Math.abs(cov / (sd(xs, mx) * sd(ys, my)))).to.be.below(0.05);
    });

    it('is reproducible: the same policy seed and call seed give the same delays', () => {
      const a = exponentialBackoff(options);
      const b = exponentialBackoff(options);
      expect(durations(a.first(7), 20)).to.deep.equal(durations(b.first(7), 20));
      expect(durations(a.first(), 20)).to.deep.equal(durations(b.first(), 20));
    });

    it('gives different delays to different call seeds (request ids)', () => {
      const policy = exponentialBackoff(options);
      const sequences = new Set(ids(200).map((id) => durations(policy.first(id), 8).join()));
      expect(sequences.size).to.equal(200);
      expect(durations(policy.first(1), 8)).to.not.deep.equal(durations(policy.first(), 8));
    });

    it('gives different delays under different policy seeds', () => {
      const a = exponentialBackoff({ ...options, seed: 1 });
      const b = exponentialBackoff({ ...options, seed: 2 });
      expect(durations(a.first(), 8)).to.not.deep.equal(durations(b.first(), 8));
      expect(durations(a.first(3), 8)).to.not.deep.equal(durations(b.first(3), 8));
    });

    it('keeps every delay an integer in [0, ceiling), hence within [0, cap]', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constant(Infinity)),
          fc.integer(),
          fc.option(fc.integer(), { nil: undefined }),
          fc.integer({ min: 1, max: 80 }),
          (base, cap, seed, callSeed, n) => {
            const policy = exponentialBackoff({ base, cap, seed });
            const first = callSeed === undefined ? policy.first() : policy.first(callSeed);
            durations(first, n).forEach((d, i) => {
              const ceiling = ceilingOf(base, cap, i + 1);
              expect(Number.isInteger(d), `step ${i + 1}: ${d}`).to.equal(true);
              expect(d).to.be.at.least(0).and.at.most(cap);
              if (ceiling > 0) expect(d).to.be.below(ceiling);
              else expect(d).to.equal(0);
            });
          },
        ),
        { seed: 7, numRuns: 300 },
      );
    });

    it('stays finite and within range when uncapped for thousands of steps', () => {
      let b = exponentialBackoff({ base: 1, cap: Infinity, seed: 3 }).first(9);
      for (let i = 0; i < 5_000; i++, b = b.next()) {
        expect(Number.isSafeInteger(b.duration), `step ${b.attempt}: ${b.duration}`).to.equal(true);
      }
    });

    it('averages half the ceiling over 10,000 request ids', () => {
      // Attempt 4 with base 1000: ceiling 8000, so floor(U·8000) has mean 3999.5, s.e. ≈ 23.
      const policy = exponentialBackoff({ base: 1_000, cap: 60_000, seed: 2024 });
      const fourth = ids(10_000).map((id) => nth(policy.first(id), 4).duration);
      expect(mean(fourth)).to.be.closeTo(3_999.5, 80);
      // …and spreads them evenly: no decile of [0, 8000) gets far from 1,000 of them.
      const deciles = new Array<number>(10).fill(0);
      for (const d of fourth) {
        const i = Math.floor(d / 800);
        deciles[i] = (deciles[i] ?? 0) + 1;
      }
      for (const count of deciles) expect(count).to.be.within(850, 1_150);
    });

    it('averages half the cap once capped', () => {
      const policy = exponentialBackoff({ base: 1_000, cap: 5_000, seed: 2024 });
      const tenth = ids(10_000).map((id) => nth(policy.first(id), 10).duration);
      expect(mean(tenth)).to.be.closeTo(2_499.5, 50);
      expect(Math.max(...tenth)).to.be.below(5_000);
    });

    it('draws the default policy seed from Math.random once, in the factory', () => {
      expectSeedDrawnOnce(
        (seed) => exponentialBackoff(seed === undefined ? { base: 1_000, cap: 60_000 } : { base: 1_000, cap: 60_000, seed }),
        0.5,
      );
    });

    it('is pure: first() and next() give equal values when called again', () => {
      expectPureBackoff(exponentialBackoff(options));
    });

    it('keeps no chain of earlier steps', () => {
      expectNoChain(exponentialBackoff(options).first(1));
    });
  });

  describe('validation', () => {
    const bad: ReadonlyArray<[string, ExponentialBackoffOptions, string]> = [
      ['a negative base', { base: -1, cap: 10 }, 'base must be a non-negative integer, got -1'],
      ['a fractional base', { base: 0.5, cap: 10 }, 'base must be a non-negative integer, got 0.5'],
      ['an infinite base', { base: Infinity, cap: 10 }, 'base must be a non-negative integer, got Infinity'],
      ['a NaN cap', { base: 1, cap: NaN }, 'cap must be a non-negative integer or Infinity, got NaN'],
      ['a negative cap', { base: 1, cap: -1 }, 'cap must be a non-negative integer or Infinity, got -1'],
      ['an unknown jitter', { base: 1, cap: 10, jitter: 'half' as 'full' }, "jitter must be 'none' or 'full', got half"],
      ['a fractional seed', { base: 1, cap: 10, seed: 1.5 }, 'seed must be an integer, got 1.5'],
      ['a fractional seed without jitter', { base: 1, cap: 10, jitter: 'none', seed: 1.5 }, 'seed must be an integer, got 1.5'],
    ];
    for (const [name, options, message] of bad) {
      it(`rejects ${name}`, () => {
        expect(() => exponentialBackoff(options)).to.throw(RangeError, `exponentialBackoff: ${message}`);
      });
    }

    it('rejects a call seed that is not an integer', () => {
      const policy = exponentialBackoff({ base: 1, cap: 10, seed: 1 });
      expect(() => policy.first(0.5)).to.throw(RangeError, 'seed must be an integer, got 0.5');
    });
  });
});
