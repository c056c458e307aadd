import { expect } from 'chai';
import fc from 'fast-check';
import { seededRandom, type SeededRandom } from '../../lib/backoff/seededRandom.js';

/** The widely published closure-based mulberry32, as an independent reference. */
function referenceMulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function take(r: SeededRandom, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++, r = r.next()) out.push(r.value);
  return out;
}

describe('seededRandom', () => {
  it('yields the classic mulberry32 sequence for 32-bit seeds', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, 2 ** 32 - 1]) {
      const reference = referenceMulberry32(seed);
      const expected = Array.from({ length: 50 }, () => reference());
      expect(take(seededRandom(seed), 50), `seed ${seed}`).to.deep.equal(expected);
    }
  });

  it('always yields values in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 200 }), (seed, n) => {
        for (const v of take(seededRandom(seed), n)) {
          expect(v).to.be.at.least(0).and.below(1);
        }
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it('is reproducible: the same seed gives the same sequence', () => {
    expect(take(seededRandom(123), 20)).to.deep.equal(take(seededRandom(123), 20));
  });

  it('gives different sequences for different seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 500; seed++) seen.add(take(seededRandom(seed), 4).join());
    expect(seen.size).to.equal(500);
  });

  it('is pure: next() twice gives equal states', () => {
    const r = seededRandom(9).next().next();
    expect(r.next()).to.deep.equal(r.next());
    expect(r.next().value).to.equal(r.next().value);
    expect(r.next().value).to.not.equal(r.value);
  });

  it('is immutable', () => {
    const r = seededRandom(9);
    expect(Object.isFrozen(r)).to.equal(true);
    expect(Reflect.set(r, 'value', 0.5)).to.equal(false);
    expect(r.value).to.not.equal(0.5);
  });

  it('accepts negative and large integer seeds without aliasing their low 32 bits', () => {
    expect(take(seededRandom(-1), 5)).to.not.deep.equal(take(seededRandom(2 ** 32 - 1), 5));
    expect(take(seededRandom(2 ** 32 + 5), 5)).to.not.deep.equal(take(seededRandom(5), 5));
    for (const seed of [-1, -(2 ** 40), 2 ** 52 + 1, Number.MAX_SAFE_INTEGER, 1e300]) {
      for (const v of take(seededRandom(seed), 10)) expect(v).to.be.at.least(0).and.below(1);
    }
  });

  it('is roughly uniform (10,000 draws in ten buckets)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (const v of take(seededRandom(2024), 10_000)) {
      const i = Math.floor(v * 10);
      buckets[i] = (buckets[i] ?? 0) + 1;
    }
    for (const count of buckets) expect(count).to.be.within(850, 1150);
  });

  it('rejects a seed that is not an integer, naming it', () => {
    for (const bad of [1.5, NaN, Infinity, -Infinity, '7' as unknown as number]) {
      expect(() => seededRandom(bad), String(bad))
        .to.throw(RangeError, /seed/)
        .with.property('message')
        .that.includes(String(bad));
    }
  });
});
