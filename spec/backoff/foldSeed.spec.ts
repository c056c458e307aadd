import { expect } from 'chai';
import { fmix32 } from '../../lib/backoff/fmix32.js';
import { foldSeed } from '../../lib/backoff/foldSeed.js';

describe('foldSeed', () => {
  it('keeps 32-bit seeds as they are', () => {
    for (const seed of [0, 1, 12345, 2 ** 31, 2 ** 32 - 1]) expect(foldSeed(seed, 'seed')).to.equal(seed);
  });

  it('folds the high bits in, so seeds equal modulo 2^32 differ', () => {
    expect(foldSeed(-1, 'seed')).to.not.equal(foldSeed(2 ** 32 - 1, 'seed'));
    expect(foldSeed(2 ** 32 + 1, 'seed')).to.not.equal(1);
    expect(foldSeed(2 ** 33 + 1, 'seed')).to.not.equal(foldSeed(2 ** 32 + 1, 'seed'));
  });

  it('returns unsigned 32-bit integers', () => {
    for (const seed of [-1, -(2 ** 45) - 3, 2 ** 53, 1e300]) {
      const folded = foldSeed(seed, 'seed');
      expect(Number.isInteger(folded)).to.equal(true);
      expect(folded).to.be.within(0, 2 ** 32 - 1);
    }
  });

  it('rejects non-integers with the given name and the value', () => {
    expect(() => foldSeed(0.25, 'myPolicy: seed')).to.throw(RangeError, 'myPolicy: seed must be an integer, got 0.25');
  });
});

describe('fmix32', () => {
  it('maps 0 to 0 and scatters neighbours', () => {
    expect(fmix32(0)).to.equal(0);
    const outputs = new Set<number>();
    for (let x = 0; x < 10_000; x++) outputs.add(fmix32(x));
    expect(outputs.size).to.equal(10_000);
    // Neighbouring inputs differ in about half of their 32 output bits.
    let flipped = 0;
    for (let x = 1; x <= 1_000; x++) flipped += popcount(fmix32(x) ^ fmix32(x + 1));
    expect(flipped / 1_000).to.be.within(14, 18);
  });
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}
