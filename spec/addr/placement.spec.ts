import { expect } from 'chai';
import {
  BUCKET_SIZE,
  NEW_BUCKET_COUNT,
  TRIED_BUCKET_COUNT,
  addressKey,
  newPlacement,
  triedBucket,
  triedPlacement,
} from '../../lib/addr/placement.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { fixedKey, inGroup, inSpreadGroup } from './helpers.js';

describe('placement', () => {
  const key = fixedKey(3);

  it('keys an address by its 16-byte IP and big-endian port', () => {
    const bytes = addressKey(SocketAddress.parse('1.2.3.4:8333'));
    expect([...bytes]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4, 0x20, 0x8d]);
  });

  it('keeps every placement inside its table', () => {
    for (let g = 0; g < 300; g += 1) {
      const addr = inSpreadGroup(g, g);
      const tried = triedPlacement(key, addr, `g${g}`);
      const fresh = newPlacement(key, addr, `g${g}`, `s${g % 7}`);
      expect(tried.bucket).to.be.within(0, TRIED_BUCKET_COUNT - 1);
      expect(fresh.bucket).to.be.within(0, NEW_BUCKET_COUNT - 1);
      expect(tried.slot).to.be.within(0, BUCKET_SIZE - 1);
      expect(fresh.slot).to.be.within(0, BUCKET_SIZE - 1);
    }
  });

  it('sends the addresses of one group to at most 8 tried buckets', () => {
    const buckets = new Set<number>();
    for (let i = 0; i < 2000; i += 1) buckets.add(triedBucket(key, addressKey(inGroup(44, 7, i)), 'ipv4:44.7'));
    expect(buckets.size).to.be.within(2, 8);
  });

  it('sends the addresses told by one source group to at most 64 new buckets', () => {
    const buckets = new Set<number>();
    for (let g = 0; g < 3000; g += 1) buckets.add(newPlacement(key, inSpreadGroup(g), `group-${g}`, 'ipv4:81.2').bucket);
    // 3,000 groups over 64 lanes leave no lane empty in practice; a collision of two lanes' buckets is possible.
    expect(buckets.size).to.be.within(56, 64);
  });

  it('places the same address differently under a different key', () => {
    let moved = 0;
    for (let g = 0; g < 100; g += 1) {
      const addr = inSpreadGroup(g);
      const a = newPlacement(key, addr, `g${g}`, 'src');
      const b = newPlacement(fixedKey(4), addr, `g${g}`, 'src');
      if (a.bucket !== b.bucket || a.slot !== b.slot) moved += 1;
    }
    expect(moved).to.be.greaterThan(95);
  });
});
