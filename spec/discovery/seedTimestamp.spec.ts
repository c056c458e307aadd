import { expect } from 'chai';
import fc from 'fast-check';
import { SEED_MAX_AGE_MS, SEED_MIN_AGE_MS, seedTimestamp } from '../../lib/discovery/seedTimestamp.js';

describe('seedTimestamp', () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0, 123);

  it('is 3 days back for random 0 and one second short of 7 days for the largest draws', () => {
    expect(now - seedTimestamp(now, () => 0)).to.equal(SEED_MIN_AGE_MS);
    expect(now - seedTimestamp(now, () => 1 - Number.EPSILON)).to.equal(SEED_MAX_AGE_MS - 1_000);
  });

  it('stays inside the window, in whole seconds, for any draw including sloppy ones', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(1, -0.5, 2, NaN)), (r) => {
        const age = now - seedTimestamp(now, () => r);
        return age >= SEED_MIN_AGE_MS && age < SEED_MAX_AGE_MS && age % 1000 === 0;
      }),
    );
  });

  it('uses Math.random by default', () => {
    const age = now - seedTimestamp(now);
    expect(age).to.be.at.least(SEED_MIN_AGE_MS).and.below(SEED_MAX_AGE_MS);
  });
});
