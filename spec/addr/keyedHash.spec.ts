import { expect } from 'chai';
import { keyedHash } from '../../lib/addr/keyedHash.js';
import { fixedKey } from './helpers.js';

describe('keyedHash', () => {
  const key = fixedKey(1);

  it('is a deterministic unsigned 32-bit value', () => {
    const h = keyedHash(key, 'ipv4:44.1', 3, new Uint8Array([1, 2, 3]));
    expect(h).to.equal(keyedHash(key, 'ipv4:44.1', 3, new Uint8Array([1, 2, 3])));
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).to.equal(true);
  });

  it('depends on the key', () => {
    const parts = ['ipv4:44.1', 5] as const;
    const differing = [2, 3, 4, 5, 6].filter((b) => keyedHash(fixedKey(b), ...parts) !== keyedHash(key, ...parts));
    expect(differing).to.have.length(5);
  });

  it('frames its parts, so splitting text differently changes the hash', () => {
    expect(keyedHash(key, 'ab', 'c')).to.not.equal(keyedHash(key, 'a', 'bc'));
    expect(keyedHash(key, '1')).to.not.equal(keyedHash(key, 1));
    expect(keyedHash(key, new Uint8Array([0x61]))).to.not.equal(keyedHash(key, 'a'));
  });

  it('spreads small inputs evenly over the low bits', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i += 1) {
      const bucket = keyedHash(key, i) % 8;
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    // 500 expected per bucket; ±100 is about 4.8 standard deviations.
    for (const count of counts) expect(count).to.be.within(400, 600);
  });

  it('rejects numbers that are not 32-bit unsigned integers', () => {
    expect(() => keyedHash(key, -1)).to.throw(RangeError);
    expect(() => keyedHash(key, 1.5)).to.throw(RangeError);
    expect(() => keyedHash(key, 2 ** 32)).to.throw(RangeError);
  });
});
