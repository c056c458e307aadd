import { expect } from 'chai';
import fc from 'fast-check';
import { hashKey } from '../../lib/collections/hashKey.js';
import { trieShape } from '../../lib/collections/HamtNode.js';
import type { HamtNode, TrieShape } from '../../lib/collections/HamtNode.js';
import { PersistentMap } from '../../lib/collections/PersistentMap.js';
import { numberWithHash, stringWithHash } from './forgeHash.js';

type Key = string | number;

/** Reads the private root to check the trie's shape (white-box specs only). */
function shapeOf(map: PersistentMap<Key, unknown>): TrieShape {
  return trieShape((map as unknown as { root: HamtNode }).root);
}

/** Entries as a native Map, failing if iteration yields a key twice. */
function toNativeMap<K, V>(entries: Iterable<[K, V]>): Map<K, V> {
  const native = new Map<K, V>();
  for (const [k, v] of entries) {
    expect(native.has(k), `key ${String(k)} iterated twice`).to.equal(false);
    native.set(k, v);
  }
  return native;
}

/** Order-insensitive Map equality (chai's deep equality also compares insertion order). */
function expectSameEntries<K, V>(actual: Map<K, V>, expected: Map<K, V>): void {
  expect(actual.size).to.equal(expected.size);
  for (const [k, v] of expected) {
    expect(actual.has(k), `missing key ${String(k)}`).to.equal(true);
    expect(actual.get(k)).to.equal(v);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('PersistentMap', () => {
  describe('empty()', () => {
    it('has no entries', () => {
      const m = PersistentMap.empty<string, number>();
      expect(m.size).to.equal(0);
      expect(m.get('a')).to.equal(undefined);
      expect(m.has('a')).to.equal(false);
      expect([...m]).to.deep.equal([]);
    });

    it('is a shared instance', () => {
      expect(PersistentMap.empty<string, number>()).to.equal(PersistentMap.empty<number, string>());
    });
  });

  describe('from()', () => {
    it('holds every entry given', () => {
      const m = PersistentMap.from<Key, string>([
        [1, 'one'],
        ['two', 'zwei'],
        [3.5, 'drei-einhalb'],
      ]);
      expect(m.size).to.equal(3);
      expect(m.get(1)).to.equal('one');
      expect(m.get('two')).to.equal('zwei');
      expect(m.get(3.5)).to.equal('drei-einhalb');
    });

    it('lets a later duplicate win without counting it twice', () => {
      const m = PersistentMap.from([
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ]);
      expect(m.size).to.equal(2);
      expect(m.get('a')).to.equal(3);
    });

    it('accepts any iterable, including another map', () => {
      function* gen(): Generator<[number, number]> {
        for (let i = 0; i < 50; i++) yield [i, i * i];
      }
      const m = PersistentMap.from(gen());
      const copy = PersistentMap.from(m);
      expect(copy.size).to.equal(50);
      expect(copy.get(7)).to.equal(49);
    });

    it('returns the empty map for no entries', () => {
      expect(PersistentMap.from<string, number>([])).to.equal(PersistentMap.empty());
    });
  });

  describe('get() / has()', () => {
    const m = PersistentMap.empty<Key, string | undefined>().set(1, 'number one').set('1', 'string one').set('u', undefined);

    it('tells numbers and strings apart', () => {
      expect(m.get(1)).to.equal('number one');
      expect(m.get('1')).to.equal('string one');
      expect(m.size).to.equal(3);
    });

    it('distinguishes a stored undefined from a missing key', () => {
      expect(m.get('u')).to.equal(undefined);
      expect(m.has('u')).to.equal(true);
      expect(m.get('missing')).to.equal(undefined);
      expect(m.has('missing')).to.equal(false);
    });

    it('uses SameValueZero for number keys, like Map', () => {
      const n = PersistentMap.empty<number, string>().set(NaN, 'nan').set(-0, 'zero');
      expect(n.get(NaN)).to.equal('nan');
      expect(n.get(0)).to.equal('zero');
      expect(n.set(0, 'positive zero').size).to.equal(2);
      expect(n.set(Number('x'), 'other nan').get(NaN)).to.equal('other nan');
    });

    it('handles negative, fractional, huge and infinite numbers', () => {
      const keys = [-1, -(2 ** 31), 2 ** 31, 2 ** 53 + 2, 0.1, -0.1, 1e-300, 1e300, Infinity, -Infinity];
      let m = PersistentMap.empty<number, number>();
      keys.forEach((k, i) => (m = m.set(k, i)));
      expect(m.size).to.equal(keys.length);
      keys.forEach((k, i) => expect(m.get(k)).to.equal(i));
      expect(m.has(0.2)).to.equal(false);
      expect(m.has(2 ** 31 + 1)).to.equal(false);
    });

    it('handles the empty string and long strings', () => {
      const long = 'x'.repeat(10_000);
      const m = PersistentMap.empty<string, number>().set('', 0).set(long, 1);
      expect(m.get('')).to.equal(0);
      expect(m.get(long)).to.equal(1);
      expect(m.has(long.slice(1))).to.equal(false);
    });
  });

  describe('set()', () => {
    it('adds a new key and grows size by one', () => {
      const a = PersistentMap.empty<string, number>().set('a', 1);
      const b = a.set('b', 2);
      expect(b.size).to.equal(2);
      expect(b.get('b')).to.equal(2);
    });

    it('replaces the value of an existing key without changing size', () => {
      const a = PersistentMap.empty<string, number>().set('a', 1).set('b', 2);
      const b = a.set('a', 10);
      expect(b).to.not.equal(a);
      expect(b.size).to.equal(2);
      expect(b.get('a')).to.equal(10);
    });

    it('returns this when the key already maps to the identical value', () => {
      const obj = { id: 1 };
      const a = PersistentMap.empty<number, { id: number }>().set(1, obj).set(2, { id: 2 });
      expect(a.set(1, obj)).to.equal(a);
      // Equal but not identical is a change.
      expect(a.set(1, { id: 1 })).to.not.equal(a);
    });

    it('returns this for an identical value deep in a large map', () => {
      const m = PersistentMap.from(range(5_000).map((i) => [i, `v${i}`] as const));
      for (const i of [0, 1, 31, 32, 1023, 4999]) expect(m.set(i, `v${i}`)).to.equal(m);
    });

    it('stores undefined as a value', () => {
      const m = PersistentMap.empty<string, number | undefined>().set('k', undefined);
      expect(m.size).to.equal(1);
      expect(m.has('k')).to.equal(true);
      expect(m.set('k', undefined)).to.equal(m);
    });
  });

  describe('delete()', () => {
    it('removes the key and shrinks size by one', () => {
      const a = PersistentMap.from([
        ['a', 1],
        ['b', 2],
      ]);
      const b = a.delete('a');
      expect(b.size).to.equal(1);
      expect(b.has('a')).to.equal(false);
      expect(b.get('b')).to.equal(2);
    });

    it('returns this when the key is absent', () => {
      const a = PersistentMap.from(range(100).map((i) => [i, i] as const));
      expect(a.delete(100)).to.equal(a);
      expect(a.delete(-1)).to.equal(a);
      expect(a.delete(0.5)).to.equal(a);
      const empty = PersistentMap.empty<number, number>();
      expect(empty.delete(1)).to.equal(empty);
    });

    it('does not confuse a number with its string form', () => {
      const a = PersistentMap.empty<Key, number>().set(7, 1);
      expect(a.delete('7')).to.equal(a);
      expect(a.delete(7).size).to.equal(0);
    });

    it('returns the shared empty map when the last key goes', () => {
      expect(PersistentMap.empty<string, number>().set('a', 1).delete('a')).to.equal(PersistentMap.empty());
    });

    it('shrinks the trie back to the shape of a freshly built map', () => {
      const n = 3_000;
      let m = PersistentMap.from(range(n).map((i) => [i, i] as const));
      const big = shapeOf(m);
      const survivors = [17, 1234, 2999];
      for (let i = 0; i < n; i++) if (!survivors.includes(i)) m = m.delete(i);
      expect(m.size).to.equal(3);
      const fresh = PersistentMap.from(survivors.map((i) => [i, i] as const));
      expect(shapeOf(m)).to.deep.equal(shapeOf(fresh));
      expect(shapeOf(m).nodes).to.be.lessThan(big.nodes / 20);
      expect([...m].sort((x, y) => x[0] - y[0])).to.deep.equal(survivors.map((i) => [i, i]));
    });

    it('empties a large map completely', () => {
      const keys = range(2_000).map((i) => (i % 2 === 0 ? i : `s${i}`));
      let m = PersistentMap.from(keys.map((k) => [k, 1] as const));
      for (const k of keys.reverse()) m = m.delete(k);
      expect(m).to.equal(PersistentMap.empty());
      expect(shapeOf(m)).to.deep.equal({ nodes: 1, depth: 1, collisionNodes: 0 });
    });
  });

  describe('update()', () => {
    const base = PersistentMap.from<string, number>([
      ['a', 1],
      ['b', 2],
    ]);

    it('passes the current value and stores the result', () => {
      const seen: (number | undefined)[] = [];
      const next = base.update('a', (v) => {
        seen.push(v);
        return (v ?? 0) + 10;
      });
      expect(seen).to.deep.equal([1]);
      expect(next.get('a')).to.equal(11);
      expect(next.size).to.equal(2);
    });

    it('passes undefined for an absent key and adds the result', () => {
      const seen: (number | undefined)[] = [];
      const next = base.update('c', (v) => {
        seen.push(v);
        return 3;
      });
      expect(seen).to.deep.equal([undefined]);
      expect(next.get('c')).to.equal(3);
      expect(next.size).to.equal(3);
    });

    it('deletes the key when fn returns undefined', () => {
      const next = base.update('a', () => undefined);
      expect(next.has('a')).to.equal(false);
      expect(next.size).to.equal(1);
    });

    it('returns this when nothing changes', () => {
      expect(base.update('a', (v) => v)).to.equal(base);
      expect(base.update('zzz', () => undefined)).to.equal(base);
    });

    it('calls fn exactly once', () => {
      let calls = 0;
      base.update('a', (v) => (calls++, v));
      base.update('x', () => (calls++, 1));
      expect(calls).to.equal(2);
    });
  });

  describe('persistence', () => {
    it('leaves every earlier version unchanged', () => {
      const versions: PersistentMap<number, number>[] = [PersistentMap.empty()];
      for (let i = 0; i < 300; i++) {
        const prev = versions[versions.length - 1] as PersistentMap<number, number>;
        // Alternate growth, overwrite and removal so every kind of path copy happens.
        const next = i % 3 === 2 ? prev.delete(i - 2) : i % 3 === 1 ? prev.set(i - 1, -i) : prev.set(i, i);
        versions.push(next);
      }
      // Replay the same history on native maps and compare every snapshot.
      const model = new Map<number, number>();
      versions.forEach((version, step) => {
        if (step > 0) {
          const i = step - 1;
          if (i % 3 === 2) model.delete(i - 2);
          else if (i % 3 === 1) model.set(i - 1, -i);
          else model.set(i, i);
        }
        expect(version.size).to.equal(model.size);
        expectSameEntries(toNativeMap(version), model);
      });
    });

    it('keeps a snapshot intact while its successors change the same keys', () => {
      const a = PersistentMap.from<number, string>(range(1_000).map((i) => [i, 'a']));
      const b = range(1_000).reduce((m, i) => (i % 2 ? m.delete(i) : m.set(i, 'b')), a);
      expect(a.size).to.equal(1_000);
      expect([...a.values()].every((v) => v === 'a')).to.equal(true);
      expect(b.size).to.equal(500);
      expect([...b.values()].every((v) => v === 'b')).to.equal(true);
    });
  });

  describe('iteration', () => {
    const keys: Key[] = [...range(200), ...range(200).map((i) => `k${i}`)];
    const m = PersistentMap.from(keys.map((k) => [k, typeof k === 'number' ? k * 2 : k.toUpperCase()] as const));

    it('entries() yields every entry exactly once', () => {
      const native = toNativeMap(m.entries());
      expect(native.size).to.equal(keys.length);
      for (const k of keys) expect(native.get(k)).to.equal(m.get(k));
    });

    it('keys(), values(), [Symbol.iterator] and forEach agree with entries()', () => {
      const entries = [...m.entries()];
      expect([...m.keys()]).to.deep.equal(entries.map(([k]) => k));
      expect([...m.values()]).to.deep.equal(entries.map(([, v]) => v));
      expect([...m]).to.deep.equal(entries);
      const visited: [Key, unknown][] = [];
      m.forEach((v, k) => visited.push([k, v]));
      expect(visited).to.deep.equal(entries);
    });

    it('iterators are themselves iterable and finish cleanly', () => {
      const it = m.keys();
      expect(it[Symbol.iterator]()).to.equal(it);
      let count = 0;
      for (const _ of it) count++;
      expect(count).to.equal(keys.length);
      expect(it.next()).to.deep.equal({ done: true, value: undefined });
    });

    it('has the same order for the same history', () => {
      const again = PersistentMap.from(keys.map((k) => [k, typeof k === 'number' ? k * 2 : k.toUpperCase()] as const));
      expect([...again.keys()]).to.deep.equal([...m.keys()]);
    });

    it('walks the snapshot it started from', () => {
      const it = m.keys();
      const first = it.next();
      expect(first.done).to.equal(false);
      m.delete(first.value as Key).set('new', 1);
      let rest = 0;
      for (const _ of it) rest++;
      expect(rest).to.equal(keys.length - 1);
    });

    it('yields nothing for the empty map', () => {
      let calls = 0;
      PersistentMap.empty<string, number>().forEach(() => calls++);
      expect(calls).to.equal(0);
      expect([...PersistentMap.empty<string, number>().keys()]).to.deep.equal([]);
    });
  });

  describe('hash collisions', () => {
    // Keys forged to share one full 32-bit hash: three strings and a number.
    const H = hashKey('peer-1');
    const colliding: Key[] = ['peer-1', stringWithHash(H, 'x'), stringWithHash(H, 'y'), numberWithHash(H)];

    it('the forged keys really do collide and are distinct', () => {
      expect(new Set(colliding).size).to.equal(4);
      for (const k of colliding) expect(hashKey(k)).to.equal(H);
    });

    it('stores, finds, replaces and removes colliding keys', () => {
      let m = PersistentMap.empty<Key, number>().set('other', -1);
      colliding.forEach((k, i) => (m = m.set(k, i)));
      expect(m.size).to.equal(5);
      expect(shapeOf(m).collisionNodes).to.equal(1);
      colliding.forEach((k, i) => expect(m.get(k)).to.equal(i));
      expect(m.has(stringWithHash(H, 'z'))).to.equal(false);

      const replaced = m.set(colliding[2] as Key, 99);
      expect(replaced.size).to.equal(5);
      expect(replaced.get(colliding[2] as Key)).to.equal(99);
      expect(m.get(colliding[2] as Key)).to.equal(2);
      expect(m.set(colliding[2] as Key, 2)).to.equal(m);

      expect(m.delete(stringWithHash(H, 'z'))).to.equal(m);
      let shrinking = m;
      for (let i = 0; i < colliding.length; i++) {
        shrinking = shrinking.delete(colliding[i] as Key);
        expect(shrinking.size).to.equal(4 - i);
        for (let j = 0; j < colliding.length; j++) expect(shrinking.has(colliding[j] as Key)).to.equal(j > i);
      }
      expect(shapeOf(shrinking)).to.deep.equal(shapeOf(PersistentMap.empty<Key, number>().set('other', -1)));
      // The full version was left alone throughout.
      expect(m.size).to.equal(5);
      colliding.forEach((k, i) => expect(m.get(k)).to.equal(i));
    });

    it('iterates over every colliding entry', () => {
      const m = PersistentMap.from(colliding.map((k) => [k, String(k)] as const));
      expectSameEntries(toNativeMap(m), new Map(colliding.map((k) => [k, String(k)])));
    });

    it('collapses a collision node to a plain entry when one key remains', () => {
      const pair = PersistentMap.from(colliding.slice(0, 2).map((k) => [k, 1] as const));
      expect(shapeOf(pair).collisionNodes).to.equal(1);
      const single = pair.delete(colliding[0] as Key);
      expect(shapeOf(single)).to.deep.equal(shapeOf(PersistentMap.from([[colliding[1] as Key, 1]])));
    });

    it('splits and re-merges around a collision node when a near-miss hash arrives', () => {
      // Near misses share the colliding hash's low bits, so they follow its path
      // through the trie and force the collision node one or more levels down.
      for (const sharedBits of [5, 10, 20, 25, 30]) {
        const nearHash = H ^ (1 << sharedBits);
        const near = [stringWithHash(nearHash, 'near'), numberWithHash(nearHash ^ (1 << 31))];
        const pair = PersistentMap.from<Key, number>(colliding.slice(0, 3).map((k) => [k, 0]));
        let m = pair;
        near.forEach((k, i) => (m = m.set(k, i + 1)));
        expect(m.size).to.equal(5);
        colliding.slice(0, 3).forEach((k) => expect(m.get(k)).to.equal(0));
        near.forEach((k, i) => expect(m.get(k)).to.equal(i + 1));
        expect(shapeOf(m).depth).to.be.greaterThan(shapeOf(pair).depth);
        expect(shapeOf(m).collisionNodes).to.equal(1);
        for (const k of near) m = m.delete(k);
        expect(shapeOf(m)).to.deep.equal(shapeOf(pair));
        expectSameEntries(toNativeMap(m), toNativeMap(pair));
      }
    });
  });

  describe('shape', () => {
    it('keeps sequential ids dense: 10,000 keys need only three levels', () => {
      const m = PersistentMap.from(range(10_000).map((i) => [i, i] as const));
      const shape = shapeOf(m);
      // 32^2 < 10,000 <= 32^3: three levels is the minimum possible.
      expect(shape.depth).to.equal(3);
      expect(shape.collisionNodes).to.equal(0);
      // Well-filled nodes: fewer than one node per 8 keys.
      expect(shape.nodes).to.be.lessThan(10_000 / 8);
    });

    it('stays dense as a window of ids slides forward', () => {
      let m = PersistentMap.from(range(10_000).map((i) => [i, i] as const));
      for (let i = 0; i < 20_000; i++) m = m.set(10_000 + i, i).delete(i);
      expect(m.size).to.equal(10_000);
      expect(m.get(29_999)).to.equal(19_999);
      expect(shapeOf(m).depth).to.equal(3);
    });

    it('is independent of insertion order', () => {
      const keys: Key[] = [...range(500), ...range(500).map((i) => `p${i}`)];
      const forward = PersistentMap.from(keys.map((k) => [k, 0] as const));
      const backward = PersistentMap.from([...keys].reverse().map((k) => [k, 0] as const));
      expect(shapeOf(forward)).to.deep.equal(shapeOf(backward));
      expect([...forward.keys()]).to.have.members([...backward.keys()]);
    });
  });

  describe('model test against native Map', () => {
    const H = hashKey('c0');
    // Small key space mixing numbers, strings, a full-hash collision group and
    // near misses of it, so that random histories hit every node type.
    const keySpace: Key[] = [
      0,
      1,
      2,
      31,
      32,
      -1,
      0.5,
      '0',
      '1',
      'a',
      'b',
      '',
      'c0',
      stringWithHash(H, 'c1'),
      stringWithHash(H, 'c2'),
      numberWithHash(H),
      stringWithHash(H ^ (1 << 5), 'n1'),
      stringWithHash(H ^ (1 << 30), 'n2'),
      numberWithHash(H ^ (1 << 12)),
    ];

    type Op =
      | { readonly kind: 'set'; readonly key: Key; readonly value: number }
      | { readonly kind: 'delete'; readonly key: Key }
      | { readonly kind: 'update'; readonly key: Key; readonly fn: 'increment' | 'remove' | 'keep' | 'setIfAbsent' };

    const key = fc.constantFrom(...keySpace);
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({
        kind: fc.constant('update' as const),
        key,
        fn: fc.constantFrom('increment' as const, 'remove' as const, 'keep' as const, 'setIfAbsent' as const),
      }),
    );

    const updaters = {
      increment: (v: number | undefined) => (v ?? 0) + 1,
      remove: () => undefined,
      keep: (v: number | undefined) => v,
      setIfAbsent: (v: number | undefined) => v ?? 0,
    };

    function applyToModel(model: Map<Key, number>, o: Op): void {
      if (o.kind === 'set') model.set(o.key, o.value);
      else if (o.kind === 'delete') model.delete(o.key);
      else {
        const next = updaters[o.fn](model.get(o.key));
        if (next === undefined) model.delete(o.key);
        else model.set(o.key, next);
      }
    }

    function applyToMap(map: PersistentMap<Key, number>, o: Op): PersistentMap<Key, number> {
      if (o.kind === 'set') return map.set(o.key, o.value);
      if (o.kind === 'delete') return map.delete(o.key);
      return map.update(o.key, updaters[o.fn]);
    }

    function expectSame(map: PersistentMap<Key, number>, model: Map<Key, number>): void {
      expect(map.size).to.equal(model.size);
      for (const k of keySpace) {
        expect(map.has(k)).to.equal(model.has(k));
        expect(map.get(k)).to.equal(model.get(k));
      }
      expectSameEntries(toNativeMap(map), model);
    }

    it('matches after every step, keeps old versions, and returns this on no-ops', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const model = new Map<Key, number>();
          let map = PersistentMap.empty<Key, number>();
          const history: [PersistentMap<Key, number>, Map<Key, number>][] = [];
          for (const o of ops) {
            const before = new Map(model);
            applyToModel(model, o);
            const next = applyToMap(map, o);
            const unchanged = before.size === model.size && [...before].every(([k, v]) => model.get(k) === v);
            expect(next === map, `identity after ${JSON.stringify(o)}`).to.equal(unchanged);
            map = next;
            expectSame(map, model);
            history.push([map, new Map(model)]);
          }
          for (const [version, snapshot] of history) expectSame(version, snapshot);
          // Deletes leave the same trie as building the survivors from scratch.
          expect(shapeOf(map)).to.deep.equal(shapeOf(PersistentMap.from(map)));
        }),
        { numRuns: 500, seed: 0x5eed },
      );
    });
  });
});
