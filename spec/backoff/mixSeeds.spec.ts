import { expect } from 'chai';
import { mixSeeds } from '../../lib/backoff/mixSeeds.js';

describe('mixSeeds', () => {
  it('is deterministic', () => {
    expect(mixSeeds(7, 1)).to.equal(mixSeeds(7, 1));
  });

  it('gives every call seed its own state under one policy seed', () => {
    const seen = new Set<number>();
    for (let id = 0; id < 10_000; id++) seen.add(mixSeeds(7, id));
    expect(seen.size).to.equal(10_000);
  });

  it('depends on the policy seed', () => {
    expect(mixSeeds(1, 5)).to.not.equal(mixSeeds(2, 5));
  });

  it('does not collapse call seed 0 onto the policy seed', () => {
    expect(mixSeeds(7, 0)).to.not.equal(7);
    expect(mixSeeds(0, 0)).to.not.equal(0);
  });

  it('rejects a call seed that is not an integer', () => {
    expect(() => mixSeeds(7, 0.5)).to.throw(RangeError, /seed.*0\.5/);
  });
});
