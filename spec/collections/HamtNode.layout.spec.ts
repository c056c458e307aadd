import { expect } from 'chai';
import fc from 'fast-check';
import { hashKey } from '../../lib/collections/hashKey.js';
import { EMPTY_NODE, FIRST_ENTRY, childrenStart } from '../../lib/collections/HamtNode.js';
import type { HamtNode } from '../../lib/collections/HamtNode.js';
import { MapOwner, PersistentMap } from '../../lib/collections/PersistentMap.js';
import { popcount } from '../../lib/collections/popcount.js';
import { stringWithHash } from './forgeHash.js';
import { KEY_POOL } from './keyPool.js';

type Key = string | number;

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 150);

/** Reads the private root (white-box). */
function rootOf(map: PersistentMap<Key, unknown>): HamtNode {
  return (map as unknown as { root: HamtNode }).root;
}

/** A failed layout check (plain, not chai: the checker runs on every node after every step). */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`trie layout: ${what}`);
}

/** A mask of the low `bits` bits of a hash (all 32 from 32 on). */
function lowBits(bits: number): number {
  return bits >= 32 ? -1 : (1 << bits) - 1;
}

/**
 * Checks the one-array node layout (bitmaps, owner, entries, reversed children) of every node
 * under `node`, and that each key sits where its hash leads; returns the number of entries.
 */
function checkNode(node: HamtNode, shift: number, path: number, isRoot: boolean): number {
  const [rawDataMap, rawNodeMap, owner] = node;
  check(typeof rawDataMap === 'number' && rawDataMap === (rawDataMap | 0), 'dataMap is an int32');
  check(typeof rawNodeMap === 'number' && rawNodeMap === (rawNodeMap | 0), 'nodeMap is an int32');
  check(owner === undefined || owner instanceof MapOwner, 'slot 2 is the owner');
  const dataMap = rawDataMap as number;
  const nodeMap = rawNodeMap as number;
  if ((dataMap | nodeMap) === 0) {
    if (isRoot && node.length === FIRST_ENTRY) return 0; // the empty root
    // A collision node: two entries at least, one full hash for all, found where it leads.
    check(!isRoot, 'a collision node is never the root');
    check(node.length - FIRST_ENTRY >= 4 && (node.length - FIRST_ENTRY) % 2 === 0, 'a collision node holds two entries or more');
    const hash = hashKey(node[FIRST_ENTRY] as Key);
    for (let i = FIRST_ENTRY; i < node.length; i += 2) check(hashKey(node[i] as Key) === hash, 'one hash in a collision node');
    check((hash & lowBits(shift)) === (path & lowBits(shift)), 'collision node on its hash path');
    return (node.length - FIRST_ENTRY) / 2;
  }
  const entries = popcount(dataMap);
  const children = popcount(nodeMap);
  check((dataMap & nodeMap) === 0, 'a fragment holds an entry or a child, not both');
  check(node.length === FIRST_ENTRY + 2 * entries + children, 'header + 2 slots per entry + 1 per child');
  check(childrenStart(node) === FIRST_ENTRY + 2 * entries, 'children start after the entries');
  check(isRoot || !(entries === 1 && children === 0), 'no lone entry below the root');
  let count = entries;
  let e = FIRST_ENTRY;
  let c = node.length - 1;
  for (let frag = 0; frag < 32; frag++) {
    const bit = 1 << frag;
    const here = path | (frag << shift);
    if ((dataMap & bit) !== 0) {
      check((hashKey(node[e] as Key) & lowBits(shift + 5)) === (here & lowBits(shift + 5)), `entry ${String(node[e])} on its hash path`);
      e += 2;
    } else if ((nodeMap & bit) !== 0) {
      count += checkNode(node[c] as HamtNode, shift + 5, here, false);
      c--;
    }
  }
  return count;
}

function checkMap(map: PersistentMap<Key, unknown>): void {
  expect(checkNode(rootOf(map), 0, 0, true), 'entries reachable = size').to.equal(map.size);
}

// The shared pool, plus a run of sequential ids (full nodes) and a near miss in the last, two-bit fragment.
const POOL: readonly Key[] = [
  ...KEY_POOL,
  ...Array.from({ length: 40 }, (_, i) => i),
  stringWithHash(hashKey('collide') ^ (1 << 30), 'top'),
];

type Op =
  | { readonly op: 'set'; readonly key: Key; readonly value: number; readonly owned: boolean }
  | { readonly op: 'delete'; readonly key: Key; readonly owned: boolean }
  | { readonly op: 'publish' };

const keyArb = fc.constantFrom(...POOL);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer({ min: 0, max: 3 }), owned: fc.boolean() }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb, owned: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'publish' as const }) },
);

describe('HamtNode — one array per node', () => {
  it('keeps the layout (bitmaps, owner, entries by fragment, reversed children) after any plain and owned updates', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150, size: 'max' }), (ops) => {
        let map = PersistentMap.empty<Key, number>();
        let owner = new MapOwner();
        const published: PersistentMap<Key, number>[] = [];
        for (const step of ops) {
          if (step.op === 'publish') {
            // Handed out: its owner is never used again, so later updates must leave it as it is.
            published.push(map);
            owner = new MapOwner();
            continue;
          }
          const by = step.owned ? owner : undefined;
          map = step.op === 'set' ? map.set(step.key, step.value, by) : map.delete(step.key, by);
          checkMap(map);
        }
        for (const version of published) checkMap(version);
      }),
      { numRuns: RUNS, seed: 20261204 },
    );
  });

  it('never changes the shared empty root', () => {
    const owner = new MapOwner();
    let m = PersistentMap.empty<Key, number>();
    for (let i = 0; i < 100; i++) m = m.set(i, i, owner);
    for (let i = 0; i < 100; i++) m = m.delete(i, owner);
    expect(m).to.equal(PersistentMap.empty());
    expect(EMPTY_NODE).to.deep.equal([0, 0, undefined]);
  });

  it('holds 10,000 sequential ids in three levels with one array per node', () => {
    const m = PersistentMap.from(Array.from({ length: 10_000 }, (_, i) => [i + 1, i] as const));
    checkMap(m);
    const root = rootOf(m);
    expect(root.length).to.equal(FIRST_ENTRY + 32); // 32 children, no entries
    const mid = root[root.length - 1] as HamtNode;
    expect(mid.length).to.equal(FIRST_ENTRY + 32);
    const leaf = mid[mid.length - 1] as HamtNode;
    expect(leaf[1], 'a leaf has no children').to.equal(0);
  });
});
