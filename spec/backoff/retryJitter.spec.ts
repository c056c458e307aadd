import { expect } from 'chai';
import fc from 'fast-check';
import { retryJitter } from '../../lib/backoff/retryJitter.js';

describe('retryJitter', () => {
  it('is deterministic and bounded: an integer in [0, bound), the same for the same (id, attempt, bound)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (id, attempt, bound) => {
        const j = retryJitter(id, attempt, bound);
        expect(Number.isInteger(j)).to.equal(true);
        expect(j).to.be.at.least(0);
        if (bound === 0) expect(j).to.equal(0);
        else expect(j).to.be.below(bound);
        expect(retryJitter(id, attempt, bound)).to.equal(j);
      }),
      { numRuns: 2_000, seed: 20261202 },
    );
  });

  it('spreads neighbouring requests over the range (1,000 ids into 10 buckets of 100 ms: none empty, none over twice its share)', () => {
    const buckets = Array.from({ length: 10 }, () => 0);
    for (let id = 1; id <= 1_000; id++) buckets[Math.floor(retryJitter(id, 1, 1_000) / 100)]!++;
    for (const n of buckets) expect(n).to.be.within(1, 200);
  });

  it('draws anew for another attempt of the same request', () => {
    const draws = new Set(Array.from({ length: 50 }, (_, attempt) => retryJitter(7, attempt, 1_000_000)));
    expect(draws.size).to.be.greaterThan(45);
  });

  it('rejects a non-integer id, like the seeds of the policies', () => {
    expect(() => retryJitter(1.5, 1, 10)).to.throw(RangeError, 'retryJitter: id');
  });
});
