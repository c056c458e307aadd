import { expect } from 'chai';
import { hashKey, hashNumber, hashString, mix32 } from '../../lib/collections/hashKey.js';
import { popcount } from '../../lib/collections/popcount.js';

/** How many of `hashes` land in each of the 32 first-level trie slots. */
function lowFragmentCounts(hashes: number[]): number[] {
  const counts = new Array<number>(32).fill(0);
  for (const h of hashes) counts[h & 31] = (counts[h & 31] as number) + 1;
  return counts;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('hashKey', () => {
  describe('hashNumber', () => {
    it('gives consecutive ids distinct hashes that fill every trie slot evenly', () => {
      const hashes = range(1024).map((i) => hashNumber(5_000 + i));
      expect(new Set(hashes).size).to.equal(1024);
      expect(lowFragmentCounts(hashes)).to.deep.equal(new Array<number>(32).fill(32));
    });

    it('spreads numbers outside int32 over the trie slots', () => {
      for (const base of [2 ** 40, -(2 ** 40), 0.5, 1e-9]) {
        const hashes = range(1024).map((i) => hashNumber(base + i * (base < 1 ? base : 1)));
        expect(new Set(hashes).size, `base ${base}`).to.equal(1024);
        const counts = lowFragmentCounts(hashes);
        // 32 expected per slot; a working mix stays well inside these bounds.
        expect(Math.min(...counts), `base ${base}`).to.be.above(10);
        expect(Math.max(...counts), `base ${base}`).to.be.below(60);
      }
    });

    it('hashes 0 and -0 alike, and every NaN alike', () => {
      expect(hashNumber(-0)).to.equal(hashNumber(0));
      const payloadNaN = new Float64Array(new BigUint64Array([0x7ff8_0000_0000_0001n]).buffer)[0] as number;
      expect(Number.isNaN(payloadNaN)).to.equal(true);
      expect(hashNumber(payloadNaN)).to.equal(hashNumber(NaN));
      expect(hashNumber(0 / 0)).to.equal(hashNumber(NaN));
    });

    it('returns int32 values for every kind of number', () => {
      for (const n of [0, -1, 2 ** 31, -(2 ** 31) - 1, 0.1, Infinity, -Infinity, NaN, Number.MAX_VALUE]) {
        const h = hashNumber(n);
        expect(h | 0, `hash of ${n}`).to.equal(h);
      }
    });
  });

  describe('hashString', () => {
    it('is FNV-1a (published test vectors) followed by mix32', () => {
      // FNV-1a 32-bit vectors from the reference test suite.
      expect(hashString('')).to.equal(mix32(0x811c9dc5 | 0));
      expect(hashString('a')).to.equal(mix32(0xe40c292c | 0));
      expect(hashString('foobar')).to.equal(mix32(0xbf9cf968 | 0));
    });

    it('spreads similar keys over the trie slots', () => {
      const hashes = range(1024).map((i) => hashString(`10.0.${i >> 8}.${i & 255}:8333`));
      expect(new Set(hashes).size).to.equal(1024);
      const counts = lowFragmentCounts(hashes);
      expect(Math.min(...counts)).to.be.above(10);
      expect(Math.max(...counts)).to.be.below(60);
    });

    it('reads whole UTF-16 code units, not just their low bytes', () => {
      expect(hashString('\u0141')).to.not.equal(hashString('\u0041'));
    });
  });

  describe('mix32', () => {
    it('avalanches: one flipped input bit flips about half the output bits', () => {
      let flipped = 0;
      let samples = 0;
      for (let x = 1; x < 2000; x += 7) {
        for (let bit = 0; bit < 32; bit++) {
          flipped += popcount(mix32(x) ^ mix32(x ^ (1 << bit)));
          samples++;
        }
      }
      const average = flipped / samples;
      expect(average).to.be.within(15, 17);
    });
  });

  it('dispatches on the key type', () => {
    expect(hashKey(42)).to.equal(hashNumber(42));
    expect(hashKey('42')).to.equal(hashString('42'));
    expect(hashKey(0.25)).to.equal(hashNumber(0.25));
  });
});
