import { expect } from 'chai';
import fc from 'fast-check';
import { trieShape } from '../../lib/collections/HamtNode.js';
import type { HamtNode, TrieShape } from '../../lib/collections/HamtNode.js';
import { MapOwner, PersistentMap } from '../../lib/collections/PersistentMap.js';
import { KEY_POOL } from './keyPool.js';

type Key = string | number;

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);

/** Reads the private root to check the trie's shape (white-box specs only). */
function shapeOf(map: PersistentMap<Key, unknown>): TrieShape {
  return trieShape((map as unknown as { root: HamtNode }).root);
}

/** The map's entries, sorted by key, as plain pairs: what a snapshot must keep showing. */
function entriesOf(map: PersistentMap<Key, number>): [Key, number][] {
  const pairs = [...map];
  expect(pairs.length, 'iteration yields size entries').to.equal(map.size);
  return pairs.sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

function modelEntries(model: Map<Key, number>): [Key, number][] {
  return [...model].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

// Keys that reach every kind of node (see `keyPool.ts`).
const POOL = KEY_POOL;

type Op =
  | { readonly op: 'set'; readonly key: Key; readonly value: number }
  | { readonly op: 'delete'; readonly key: Key }
  | { readonly op: 'plain'; readonly key: Key; readonly value: number }
  | { readonly op: 'publish' };

const keyArb = fc.constantFrom(...POOL);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('plain' as const), key: keyArb, value: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'publish' as const }) },
);

describe('PersistentMap — transient updates (owned nodes)', () => {
  it('equals a model Map after any sequence of owned, plain and published updates, with the shape of a fresh build', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300, size: 'max' }), (ops) => {
        const model = new Map<Key, number>();
        let map = PersistentMap.empty<Key, number>();
        let owner = new MapOwner();
        for (const step of ops) {
          if (step.op === 'set') {
            map = map.set(step.key, step.value, owner);
            model.set(step.key, step.value);
          } else if (step.op === 'delete') {
            map = map.delete(step.key, owner);
            model.delete(step.key);
          } else if (step.op === 'plain') {
            map = map.set(step.key, step.value);
            model.set(step.key, step.value);
          } else {
            owner = new MapOwner();
          }
          expect(map.size).to.equal(model.size);
        }
        expect(entriesOf(map)).to.deep.equal(modelEntries(model));
        for (const key of POOL) expect(map.get(key)).to.equal(model.get(key));
        // Owned deletes keep the invariants (no lone entry left in a child node): the trie is as
        // small as one built from scratch.
        expect(shapeOf(map)).to.deep.equal(shapeOf(PersistentMap.from(model)));
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
  });

  it('never changes a snapshot once its owner is dropped, however the owner that follows edits its successors', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300, size: 'max' }), (ops) => {
        let map = PersistentMap.empty<Key, number>();
        let owner = new MapOwner();
        const snapshots: { readonly map: PersistentMap<Key, number>; readonly entries: [Key, number][] }[] = [];
        for (const step of ops) {
          if (step.op === 'set') map = map.set(step.key, step.value, owner);
          else if (step.op === 'delete') map = map.delete(step.key, owner);
          else if (step.op === 'plain') map = map.set(step.key, step.value);
          else {
            // Publishing: the map is handed out and its owner never used again.
            snapshots.push({ map, entries: entriesOf(map) });
            owner = new MapOwner();
          }
        }
        for (const s of snapshots) expect(entriesOf(s.map)).to.deep.equal(s.entries);
      }),
      { numRuns: RUNS, seed: 20261203 },
    );
  });

  it('changes its own nodes in place: a second update under the owner returns the same map object', () => {
    const owner = new MapOwner();
    const base = PersistentMap.from(Array.from({ length: 2_000 }, (_, i) => [i, i] as const));
    const first = base.set(5, -5, owner);
    expect(first).to.not.equal(base);
    const second = first.set(6, -6, owner).delete(7, owner);
    expect(second).to.equal(first);
    expect(second.size).to.equal(1_999);
    expect([second.get(5), second.get(6), second.has(7)]).to.deep.equal([-5, -6, false]);
    // The map it started from is not owned, so it was copied, never edited.
    expect([base.get(5), base.get(6), base.get(7), base.size]).to.deep.equal([5, 6, 7, 2_000]);
    // Another owner (or none) copies again.
    const other = second.set(8, -8, new MapOwner());
    expect(other).to.not.equal(second);
    expect(second.get(8)).to.equal(8);
    expect(second.set(8, -8)).to.not.equal(second);
  });

  it('returns the same map for no-op updates under an owner', () => {
    const owner = new MapOwner();
    const m = PersistentMap.empty<Key, number>().set('a', 1, owner);
    expect(m.set('a', 1, owner)).to.equal(m);
    expect(m.delete('zz', owner)).to.equal(m);
    expect(m.update('a', (v) => v, owner)).to.equal(m);
    expect(m.delete('a', owner)).to.equal(PersistentMap.empty());
  });

  describe('withMutations()', () => {
    it('applies a batch and leaves the original unchanged', () => {
      const base = PersistentMap.from<Key, number>([
        ['a', 1],
        ['b', 2],
      ]);
      const next = base.withMutations((t) => {
        for (let i = 0; i < 500; i++) t.set(i, i);
        t.delete('a').update('b', (v) => (v ?? 0) + 10);
        expect(t.size).to.equal(501);
        expect(t.get('b')).to.equal(12);
      });
      expect(next.size).to.equal(501);
      expect([next.has('a'), next.get('b'), next.get(499)]).to.deep.equal([false, 12, 499]);
      expect(entriesOf(base)).to.deep.equal([
        ['a', 1],
        ['b', 2],
      ]);
      expect(shapeOf(next)).to.deep.equal(shapeOf(PersistentMap.from(next)));
    });

    it('returns a frozen map: later plain updates of it copy, and it stays as returned', () => {
      const next = PersistentMap.empty<Key, number>().withMutations((t) => t.set(1, 1).set(2, 2));
      const later = next.set(3, 3);
      expect(later).to.not.equal(next);
      expect(entriesOf(next)).to.deep.equal([
        [1, 1],
        [2, 2],
      ]);
    });

    it('returns the map itself when the batch changes nothing', () => {
      const base = PersistentMap.from<Key, number>([['a', 1]]);
      expect(base.withMutations((t) => t.set('a', 1).delete('b'))).to.equal(base);
    });
  });
});
