import { expect } from 'chai';
import { RollingBloomFilter } from '../../lib/ban/RollingBloomFilter.js';

describe('ban/RollingBloomFilter', () => {
  it('never misses one of the latest `capacity` insertions', () => {
    const f = new RollingBloomFilter({ capacity: 200, seed: 7 });
    for (let i = 0; i < 1_000; i++) {
      f.insert(`k${i}`);
      // The window is [i - 199, i]: every key in it must answer.
      for (let j = Math.max(0, i - 199); j <= i; j += 17) expect(f.has(`k${j}`), `k${j} after k${i}`).to.equal(true);
    }
  });

  it('forgets old keys: long after, almost all of them are gone', () => {
    const f = new RollingBloomFilter({ capacity: 100, falsePositiveRate: 0.01, seed: 1 });
    for (let i = 0; i < 100; i++) f.insert(`old${i}`);
    for (let i = 0; i < 1_000; i++) f.insert(`new${i}`);
    const remembered = Array.from({ length: 100 }, (_, i) => f.has(`old${i}`)).filter(Boolean).length;
    expect(remembered).to.be.at.most(10);
  });

  it('keeps false positives near the configured rate', () => {
    const f = new RollingBloomFilter({ capacity: 1_000, falsePositiveRate: 0.01, seed: 3 });
    for (let i = 0; i < 1_000; i++) f.insert(`in${i}`);
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) if (f.has(`out${i}`)) wrong++;
    expect(wrong).to.be.below(300); // 1% of 10,000 = 100 expected; 3× slack for the seed
  });

  it('uses fixed memory, sized from capacity and rate', () => {
    const f = new RollingBloomFilter({ capacity: 50_000, falsePositiveRate: 1e-6 });
    // ~25,000 keys per generation at 1e-6/3: about 34 bits per key.
    expect(f.bitsPerGeneration).to.be.within(25_000 * 30, 25_000 * 36);
    expect(f.hashes).to.be.within(20, 26);
  });

  it('clear() forgets everything', () => {
    const f = new RollingBloomFilter({ capacity: 10, seed: 5 });
    f.insert('a');
    f.clear();
    expect(f.has('a')).to.equal(false);
  });

  it('rejects bad options with RangeError naming the value', () => {
    expect(() => new RollingBloomFilter({ capacity: 1 })).to.throw(RangeError, '1');
    expect(() => new RollingBloomFilter({ capacity: 1.5 })).to.throw(RangeError, '1.5');
    expect(() => new RollingBloomFilter({ falsePositiveRate: 0 })).to.throw(RangeError, '0');
    expect(() => new RollingBloomFilter({ falsePositiveRate: 1 })).to.throw(RangeError, '1');
  });
});
