import { expect } from 'chai';
import { InvalidOptionError } from '../../../lib/transport/errors.js';
import fc from 'fast-check';
import { InvalidMessageError, MalformedPayloadError } from '../../../lib/protocol/bitcoin/errors.js';
import { decodeVarInt, decodeVarStr, encodeVarInt, encodeVarStr } from '../../../lib/protocol/bitcoin/varint.js';
import { SEED, hex, thrown, toHex } from './helpers.js';

// The CompactSize boundaries as defined by the format (marker byte, then little-endian width).
const BOUNDARIES: ReadonlyArray<readonly [bigint, string]> = [
  [0n, '00'],
  [0xfcn, 'fc'],
  [0xfdn, 'fdfd00'],
  [0xffffn, 'fdffff'],
  [0x1_0000n, 'fe00000100'],
  [0xffff_ffffn, 'feffffffff'],
  [0x1_0000_0000n, 'ff0000000001000000'],
  [0xffff_ffff_ffff_ffffn, 'ffffffffffffffffff'],
];

describe('protocol/bitcoin/varint', () => {
  describe('CompactSize (var_int)', () => {
    for (const [value, bytes] of BOUNDARIES) {
      it(`${value} ⇄ ${bytes}`, () => {
        expect(toHex(encodeVarInt(value))).to.equal(bytes);
        expect(decodeVarInt(hex(bytes), 0)).to.deep.equal({ value, offset: bytes.length / 2 });
      });
    }

    it('accepts numbers as well as bigints', () => {
      expect(toHex(encodeVarInt(515))).to.equal('fd0302');
    });

    it('reads at an offset and reports the offset after the value', () => {
      expect(decodeVarInt(hex('aa bb fe 01 02 03 04 cc'), 2)).to.deep.equal({ value: 0x04030201n, offset: 7 });
    });

    it('round-trips every uint64 and always uses the shortest form', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (value) => {
          const bytes = encodeVarInt(value);
          const expectedSize = value < 0xfdn ? 1 : value <= 0xffffn ? 3 : value <= 0xffff_ffffn ? 5 : 9;
          expect(bytes.length).to.equal(expectedSize);
          expect(decodeVarInt(bytes, 0)).to.deep.equal({ value, offset: bytes.length });
        }),
        { seed: SEED, numRuns: 500 },
      );
    });

    for (const bytes of ['fdfc00', 'fe ffff0000', 'ff ffffffff00000000', 'fd0000']) {
      it(`rejects the non-canonical encoding ${bytes.replace(' ', '')}`, () => {
        const error = thrown(() => decodeVarInt(hex(bytes), 0));
        expect(error).to.be.instanceOf(MalformedPayloadError);
        expect((error as MalformedPayloadError).message).to.match(/non-canonical/);
      });
    }

    for (const bytes of ['', 'fd', 'fd01', 'fe010203', 'ff01020304050607']) {
      it(`rejects the truncated input "${bytes}" with MalformedPayloadError, not RangeError`, () => {
        const error = thrown(() => decodeVarInt(hex(bytes), 0));
        expect(error).to.be.instanceOf(MalformedPayloadError);
        expect((error as MalformedPayloadError).offset).to.equal(0);
      });
    }

    it('treats an offset at or past the end as truncation', () => {
      expect(thrown(() => decodeVarInt(hex('01'), 1))).to.be.instanceOf(MalformedPayloadError);
      expect(thrown(() => decodeVarInt(hex('01'), 5))).to.be.instanceOf(MalformedPayloadError);
    });

    it('rejects a negative or fractional offset as a caller error', () => {
      expect(thrown(() => decodeVarInt(hex('01'), -1))).to.be.instanceOf(InvalidOptionError);
      expect(thrown(() => decodeVarInt(hex('01'), 0.5))).to.be.instanceOf(InvalidOptionError);
    });

    for (const value of [-1, -1n, 1.5, 2 ** 53, 1n << 64n, Number.NaN]) {
      it(`refuses to encode ${String(value)}`, () => {
        const error = thrown(() => encodeVarInt(value));
        expect(error).to.be.instanceOf(InvalidMessageError);
        expect(Object.is((error as InvalidMessageError).value, value)).to.equal(true);
      });
    }

    it('reads through a subarray view at the right place', () => {
      const backing = hex('ff ff fd 34 12 ff');
      expect(decodeVarInt(backing.subarray(2, 5), 0).value).to.equal(0x1234n);
    });
  });

  describe('var_str', () => {
    it('encodes the BIP14 user agent of the wiki version example', () => {
      expect(toHex(encodeVarStr('/Satoshi:0.7.2/'))).to.equal('0f2f5361746f7368693a302e372e322f');
    });

    it('counts UTF-8 bytes, not characters', () => {
      expect(toHex(encodeVarStr('é'))).to.equal('02c3a9');
      expect(decodeVarStr(hex('02c3a9'), 0)).to.deep.equal({ value: 'é', offset: 3 });
    });

    it('round-trips any string and ends where the string ends', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.uint8Array({ maxLength: 4 }), (text, tail) => {
          const encoded = encodeVarStr(text);
          const withTail = new Uint8Array([...encoded, ...tail]);
          expect(decodeVarStr(withTail, 0)).to.deep.equal({ value: text, offset: encoded.length });
        }),
        { seed: SEED, numRuns: 300 },
      );
    });

    it('rejects a length beyond maxLength before looking for the bytes', () => {
      const error = thrown(() => decodeVarStr(hex('fd0101'), 0, 256));
      expect(error).to.be.instanceOf(MalformedPayloadError);
      expect((error as MalformedPayloadError).message).to.contain('257');
    });

    it('accepts a string exactly maxLength bytes long', () => {
      const bytes = encodeVarStr('x'.repeat(256));
      expect(decodeVarStr(bytes, 0, 256).value).to.have.length(256);
    });

    it('rejects a length that runs past the buffer, even a huge one', () => {
      expect(thrown(() => decodeVarStr(hex('05 6162'), 0))).to.be.instanceOf(MalformedPayloadError);
      expect(thrown(() => decodeVarStr(hex('ffffffffffffffffff'), 0))).to.be.instanceOf(MalformedPayloadError);
    });

    it('replaces invalid UTF-8 instead of failing', () => {
      expect(decodeVarStr(hex('02 ff41'), 0).value).to.equal('\uFFFDA');
    });
  });
});
