import { expect } from 'chai';
import { isCount } from '../../lib/shared/isCount.js';

describe('isCount (the one "non-negative integer or Infinity" check)', () => {
  it('accepts integers from min on, Infinity only when allowed', () => {
    expect([0, 1, 117, 1e300].map((v) => isCount(v))).to.deep.equal([true, true, true, true]);
    expect(isCount(0, 1)).to.equal(false);
    expect(isCount(Infinity)).to.equal(false);
    expect(isCount(Infinity, 0, true)).to.equal(true);
  });

  it('refuses what is not a count', () => {
    for (const bad of [-1, 1.5, NaN, -Infinity, '3', null, undefined, 3n]) expect(isCount(bad, 0, true), String(bad)).to.equal(false);
  });
});
