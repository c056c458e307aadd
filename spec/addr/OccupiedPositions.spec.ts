import { expect } from 'chai';
import fc from 'fast-check';
import { OccupiedPositions } from '../../lib/addr/OccupiedPositions.js';
import { seeded } from './helpers.js';

describe('OccupiedPositions', () => {
  it('behaves like a set under any sequence of adds and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(63)), { maxLength: 200 }), (ops) => {
        const positions = new OccupiedPositions(64);
        const model = new Set<number>();
        for (const [isAdd, p] of ops) {
          if (isAdd) {
            positions.add(p);
            model.add(p);
          } else {
            positions.delete(p);
            model.delete(p);
          }
        }
        expect(positions.size).to.equal(model.size);
        expect(positions.sorted()).to.deep.equal([...model].sort((a, b) => a - b));
        for (let p = 0; p < 64; p += 1) expect(positions.has(p)).to.equal(model.has(p));
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('picks only members, each about equally often', () => {
    const positions = new OccupiedPositions(1000);
    for (const p of [3, 500, 999, 42]) positions.add(p);
    positions.delete(500);
    const random = seeded(9);
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i += 1) {
      const p = positions.pick(random) as number;
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).to.deep.equal([3, 42, 999]);
    for (const count of counts.values()) expect(count).to.be.within(850, 1150);
  });

  it('returns undefined when empty and a member for out-of-range randomness', () => {
    const positions = new OccupiedPositions(8);
    expect(positions.pick(() => 0.5)).to.equal(undefined);
    positions.add(5);
    positions.add(6);
    for (const r of [1, 7, -3, Number.NaN]) expect([5, 6]).to.include(positions.pick(() => r));
  });
});
