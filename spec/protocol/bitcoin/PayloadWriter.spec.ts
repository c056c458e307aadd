import { expect } from 'chai';
import fc from 'fast-check';
import { PayloadWriter } from '../../../lib/protocol/bitcoin/PayloadWriter.js';
import { SEED, toHex } from './helpers.js';

describe('protocol/bitcoin/PayloadWriter', () => {
  it('writes each width where it belongs when a write makes the buffer grow', () => {
    // Capacity 1: every write below but the first outgrows the buffer, so each one must use the new one.
    const out = new PayloadWriter(1).u8(0xaa).u16be(0x0102).u32le(0x03040506).i32le(-1).u64le(7n).i64le(-2n).bytes(Uint8Array.of(9, 9));
    expect(toHex(out.finish())).to.equal('aa' + '0102' + '06050403' + 'ffffffff' + '0700000000000000' + 'feffffffffffffff' + '0909');
  });

  it('gives the same bytes whatever its initial capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (chunks, capacity) => {
        const small = new PayloadWriter(capacity);
        const large = new PayloadWriter(4096);
        for (const chunk of chunks) {
          small.u16be(chunk.length).bytes(chunk);
          large.u16be(chunk.length).bytes(chunk);
        }
        expect(toHex(small.finish())).to.equal(toHex(large.finish()));
      }),
      { seed: SEED },
    );
  });
});
