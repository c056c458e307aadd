import { expect } from 'chai';
import fc from 'fast-check';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { ellswiftDecode, ellswiftEncode, xswiftec, xswiftecInv } from '../../../lib/protocol/bip324/ellswift.js';
import { SEED, hex, toHex } from '../bitcoin/helpers.js';
import { column, readVectors, seededRandom } from './vectors.js';

describe('protocol/bip324/ellswift', () => {
  describe('ellswiftDecode — BIP324 ellswift_decode_test_vectors.csv', () => {
    const rows = readVectors('ellswift_decode_test_vectors.csv');
    it('has all 76 rows', () => {
      expect(rows).to.have.length(76);
    });
    for (const [i, row] of rows.entries()) {
      it(`row ${i}: ${column(row, 'comment')}`, () => {
        expect(toHex(ellswiftDecode(hex(column(row, 'ellswift'))))).to.equal(column(row, 'x'));
      });
    }
  });

  describe('xswiftecInv — BIP324 xswiftec_inv_test_vectors.csv', () => {
    const rows = readVectors('xswiftec_inv_test_vectors.csv');
    it('has all 32 rows', () => {
      expect(rows).to.have.length(32);
    });
    for (const [i, row] of rows.entries()) {
      it(`row ${i}: every case 0–7 as listed, and each t found decodes back to x`, () => {
        const u = bytesToNumberBE(hex(column(row, 'u')));
        const x = bytesToNumberBE(hex(column(row, 'x')));
        for (let branch = 0; branch < 8; branch += 1) {
          const t = xswiftecInv(x, u, branch);
          const expected = column(row, `case${branch}_t`);
          expect(t === undefined ? '' : toHex(numberToBytesBE(t, 32)), `case ${branch}`).to.equal(expected);
          if (t !== undefined) expect(xswiftec(u, t)).to.equal(x);
        }
      });
    }
  });

  describe('ellswiftEncode', () => {
    it('round-trips: a random encoding of x decodes to x (property, 40 runs)', () => {
      const xs = readVectors('ellswift_decode_test_vectors.csv').map((row) => hex(column(row, 'x')));
      fc.assert(
        fc.property(fc.constantFrom(...xs), fc.integer(), (x, seed) => {
          const encoding = ellswiftEncode(x, seededRandom(seed));
          expect(encoding).to.have.length(64);
          expect(toHex(ellswiftDecode(encoding))).to.equal(toHex(x));
        }),
        { seed: SEED, numRuns: 40 },
      );
    });

    it('draws a different encoding for different randomness', () => {
      const x = hex('edd1fd3e327ce90cc7a3542614289aee9682003e9cf7dcc9cf2ca9743be5aa0c');
      expect(toHex(ellswiftEncode(x, seededRandom(1)))).to.not.equal(toHex(ellswiftEncode(x, seededRandom(2))));
    });

    it('rejects an x that is not on the curve with a RangeError naming it', () => {
      // x = 5: 125 + 7 = 132 is not a square mod p.
      const x = numberToBytesBE(5n, 32);
      expect(() => ellswiftEncode(x, seededRandom(1))).to.throw(RangeError, toHex(x));
    });

    it('rejects wrong lengths with a RangeError', () => {
      expect(() => ellswiftDecode(new Uint8Array(63))).to.throw(RangeError, 'got 63');
      expect(() => ellswiftEncode(new Uint8Array(31), seededRandom(1))).to.throw(RangeError, 'got 31');
    });
  });
});
