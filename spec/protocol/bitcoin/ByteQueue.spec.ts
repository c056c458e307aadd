import { expect } from 'chai';
import fc from 'fast-check';
import { ByteQueue } from '../../../lib/protocol/bitcoin/ByteQueue.js';
import { SEED, splitAt } from './helpers.js';

describe('protocol/bitcoin/ByteQueue', () => {
  it('takes byte ranges across chunk boundaries, in order', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1, 2, 3));
    queue.push(new Uint8Array(0));
    queue.push(Uint8Array.of(4));
    queue.push(Uint8Array.of(5, 6));
    expect(queue.length).to.equal(6);
    expect([...queue.take(2)]).to.deep.equal([1, 2]);
    expect([...queue.take(3)]).to.deep.equal([3, 4, 5]);
    expect(queue.length).to.equal(1);
    expect([...queue.take(1)]).to.deep.equal([6]);
    expect(queue.length).to.equal(0);
  });

  it('returns copies, not views of the pushed chunks', () => {
    const queue = new ByteQueue();
    const chunk = Uint8Array.of(9, 9);
    queue.push(chunk);
    const taken = queue.take(2);
    chunk[0] = 0;
    expect([...taken]).to.deep.equal([9, 9]);
  });

  it('refuses to take more than is buffered', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1));
    expect(() => queue.take(2)).to.throw(RangeError, /2 bytes, 1 buffered/);
  });

  it('forgets everything on clear()', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1, 2));
    queue.clear();
    expect(queue.length).to.equal(0);
    queue.push(Uint8Array.of(3));
    expect([...queue.take(1)]).to.deep.equal([3]);
  });

  it('reassembles any split of any byte string taken in any sizes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 20 }),
        (bytes, cuts, sizes) => {
          const queue = new ByteQueue();
          for (const chunk of splitAt(
            bytes,
            cuts.map((c) => Math.min(c, bytes.length)),
          ))
            queue.push(chunk);
          const out: number[] = [];
          for (const size of sizes) if (size <= queue.length) out.push(...queue.take(size));
          out.push(...queue.take(queue.length));
          expect(out).to.deep.equal([...bytes]);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
