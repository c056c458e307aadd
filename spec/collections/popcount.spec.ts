import { expect } from 'chai';
import fc from 'fast-check';
import { popcount } from '../../lib/collections/popcount.js';

/** Reference: test each of the 32 bits in turn. */
function naivePopcount(x: number): number {
  let count = 0;
  for (let bit = 0; bit < 32; bit++) if ((x >>> bit) & 1) count++;
  return count;
}

describe('popcount', () => {
  it('handles the edge cases', () => {
    expect(popcount(0)).to.equal(0);
    expect(popcount(1)).to.equal(1);
    expect(popcount(-1)).to.equal(32);
    expect(popcount(1 << 31)).to.equal(1);
    expect(popcount(0x7fffffff)).to.equal(31);
    expect(popcount(0x55555555)).to.equal(16);
  });

  it('agrees with a bit-by-bit count on any 32-bit integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => popcount(x) === naivePopcount(x)),
      { numRuns: 1000, seed: 42 },
    );
  });

  it('counts the bits below a position, as the trie uses it', () => {
    const bitmap = 0b1011_0110;
    const below = (pos: number): number => popcount(bitmap & ((1 << pos) - 1));
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(below)).to.deep.equal([0, 0, 1, 2, 2, 3, 4, 4, 5]);
    // Position 31: (1 << 31) - 1 must still mean "the low 31 bits".
    expect(popcount(-1 & ((1 << 31) - 1))).to.equal(31);
  });
});
