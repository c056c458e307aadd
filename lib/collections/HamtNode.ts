/**
 * The trie behind {@link PersistentMap}: a CHAMP-style hash array mapped trie
 * (32-way branching, bitmap-indexed, collision nodes for equal hashes) and the
 * pure functions that read and path-copy it. Private to `lib/collections`.
 *
 * A node is one array — its two bitmaps, its edit token, then its entries and
 * children — so that a node is a single allocation and each level of a walk
 * one dependent load (a node object holding a content array was two of each):
 *
 * ```text
 * [dataMap, nodeMap, owner, k0, v0, …, k(d-1), v(d-1), child(c-1), …, child1, child0]
 *  └───── header ─────┘ └── entries, by dataMap bit ──┘ └── children, reversed ──┘
 * ```
 *
 * Children are stored from the end so that both sections can be indexed from
 * a popcount without knowing the other section's length. The bitmaps are
 * int32s (small integers in V8 without pointer compression, as in Node).
 *
 * A node whose two bitmaps are both zero but which holds entries is a
 * collision node: every entry in it has the same full 32-bit hash. The only
 * node with empty bitmaps and nothing after its header is the empty root.
 *
 * Invariants kept by {@link dissoc} (so that a map shrunk by deletes is as
 * small as one built fresh): a non-root bitmap node never holds a single
 * entry and nothing else (it is inlined into its parent instead), and a
 * non-root node whose only content is a collision node is replaced by it.
 *
 * @internal
 * @packageDocumentation
 */
import { hashKey } from './hashKey.js';
import { popcount } from './popcount.js';

/** Bits of hash consumed per trie level. */
const BITS = 5;
/** Mask selecting one level's fragment of the hash. */
const MASK = 31;
/** Slots before a node's first entry: dataMap, nodeMap, owner. */
const HEADER = 3;

/**
 * An edit token (Clojure's transient "edit", immutable.js's `ownerID`): nodes made by an update
 * under an owner carry it, and a later update under the same owner changes them in place instead
 * of copying them. Only identity matters. Whoever holds an owner promises that no map built under
 * it is seen by anyone else while the owner is still used; dropping the owner (never passing it
 * again) freezes every node that carries it, for good.
 *
 * @example
 * ```ts
 * const owner = new MapOwner();
 * let m = PersistentMap.empty<number, string>();
 * m = m.set(1, 'a', owner).set(2, 'b', owner); // the second set changes the first one's nodes
 * // publish `m` and never pass `owner` again: `m` is now as immutable as any other map
 * ```
 */
export class MapOwner {
  // A class, not `{}`: a token is recognisable in a heap snapshot, and nothing else can be one by accident.
  private readonly brand = 'MapOwner';
}

/**
 * One trie node, laid out as the module comment shows: `node[0]` the dataMap (bit `f` set when an
 * entry lives at fragment `f`), `node[1]` the nodeMap (bit `f` set when a child node does),
 * `node[2]` the edit token that may change it in place (or `undefined`), then entries and
 * reversed children. A node without an owner is never mutated after construction: every update
 * builds new nodes along the changed path and shares the rest. A node with an owner is changed in
 * place by updates under that owner (see {@link MapOwner}), and only by them.
 *
 * @internal
 */
export type HamtNode = unknown[];

/**
 * The shared empty root. It has no owner, so no update ever changes it.
 *
 * @internal
 */
export const EMPTY_NODE: HamtNode = [0, 0, undefined];

/**
 * Returned by {@link lookup} when the key is absent, so that a stored
 * `undefined` value can still be told apart from a missing key.
 *
 * @internal
 */
export const NOT_FOUND: unique symbol = Symbol('PersistentMap.notFound');

/**
 * Key equality of the map: SameValueZero, as for the native `Map`
 * (`NaN` equals `NaN`, `0` equals `-0`, `1` differs from `'1'`).
 *
 * @internal
 */
export function keysEqual(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

// Set by `assoc` and `dissoc`, read right after by the caller. Flags rather than a result
// object keep the hot path free of allocations; no user code runs in between. `lastChanged`
// is needed because an update in place returns the very node it was given.
let lastAssocAdded = false;
let lastChanged = false;

/**
 * Whether the most recent {@link assoc} call added a new key (as opposed to
 * replacing a value or changing nothing).
 *
 * @internal
 */
export function assocAdded(): boolean {
  return lastAssocAdded;
}

/**
 * Whether the most recent {@link assoc} or {@link dissoc} call changed anything (a node copied
 * or one changed in place). Without an owner this is the same as "a new root came back".
 *
 * @internal
 */
export function lastUpdateChanged(): boolean {
  return lastChanged;
}

/** Whether `node` may be changed in place by an update under `owner`. */
function ownedBy(node: HamtNode, owner: MapOwner | undefined): boolean {
  return owner !== undefined && node[2] === owner;
}

/**
 * Finds the value stored under `key`.
 *
 * @internal
 * @param root - the root node.
 * @param hash - `hashKey(key)`.
 * @param key - the key to find.
 * @returns the value, or {@link NOT_FOUND}.
 */
export function lookup(root: HamtNode, hash: number, key: unknown): unknown {
  let node = root;
  let shift = 0;
  for (;;) {
    const bit = 1 << ((hash >>> shift) & MASK);
    const dataMap = node[0] as number;
    if ((dataMap & bit) !== 0) {
      const i = HEADER + (popcount(dataMap & (bit - 1)) << 1);
      return keysEqual(node[i], key) ? node[i + 1] : NOT_FOUND;
    }
    const nodeMap = node[1] as number;
    if ((nodeMap & bit) !== 0) {
      node = node[node.length - 1 - popcount(nodeMap & (bit - 1))] as HamtNode;
      shift += BITS;
      continue;
    }
    // Both bitmaps empty: a collision node (or the empty root, which has no entries to scan).
    if ((dataMap | nodeMap) === 0) return collisionLookup(node, key);
    return NOT_FOUND;
  }
}

function collisionLookup(node: HamtNode, key: unknown): unknown {
  for (let i = HEADER; i < node.length; i += 2) {
    if (keysEqual(node[i], key)) return node[i + 1];
  }
  return NOT_FOUND;
}

/**
 * Maps `key` to `value`, copying only the path from the root to the change.
 * Afterwards {@link assocAdded} tells whether the key was new.
 *
 * @internal
 * @param root - the root node.
 * @param hash - `hashKey(key)`.
 * @param owner - nodes carrying it are changed in place, and new nodes get it; none = copy every node on the path.
 * @returns the new root: `root` itself when the key already maps to `value` (===), and often when
 *   `root` is owned and was changed in place ({@link lastUpdateChanged} tells the two apart).
 */
export function assoc(root: HamtNode, hash: number, key: unknown, value: unknown, owner?: MapOwner): HamtNode {
  lastAssocAdded = false;
  lastChanged = false;
  return assocAt(root, 0, hash, key, value, owner);
}

function assocAt(node: HamtNode, shift: number, hash: number, key: unknown, value: unknown, owner: MapOwner | undefined): HamtNode {
  const dataMap = node[0] as number;
  const nodeMap = node[1] as number;
  if ((dataMap | nodeMap) === 0 && node.length !== HEADER) {
    return collisionAssoc(node, shift, hash, key, value, owner);
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  const mine = ownedBy(node, owner);
  if ((dataMap & bit) !== 0) {
    const i = HEADER + (popcount(dataMap & (bit - 1)) << 1);
    const existingKey = node[i];
    if (keysEqual(existingKey, key)) {
      if (node[i + 1] === value) return node;
      lastChanged = true;
      if (mine) {
        node[i + 1] = value;
        return node;
      }
      const copy = copyNode(node, owner);
      copy[i + 1] = value;
      return copy;
    }
    // Two keys compete for one slot: push both down into a new subtree.
    lastAssocAdded = true;
    lastChanged = true;
    const child = mergeEntries(shift + BITS, hashKey(existingKey as string | number), existingKey, node[i + 1], hash, key, value, owner);
    const at = node.length - 2 - popcount(nodeMap & (bit - 1));
    // A new array even when owned: the node changes length in the middle, and the parent takes the new one.
    return entryToChild(node, dataMap ^ bit, nodeMap | bit, i, at, child, owner);
  }
  if ((nodeMap & bit) !== 0) {
    const at = node.length - 1 - popcount(nodeMap & (bit - 1));
    const child = node[at] as HamtNode;
    const updated = assocAt(child, shift + BITS, hash, key, value, owner);
    if (updated === child) return node; // unchanged, or changed in place (then so is its slot here)
    if (mine) {
      node[at] = updated;
      return node;
    }
    const copy = copyNode(node, owner);
    copy[at] = updated;
    return copy;
  }
  lastAssocAdded = true;
  lastChanged = true;
  const i = HEADER + (popcount(dataMap & (bit - 1)) << 1);
  if (mine) {
    insertEntryInPlace(node, i, key, value);
    node[0] = dataMap | bit;
    return node;
  }
  return insertEntry(node, dataMap | bit, i, key, value, owner);
}

function collisionAssoc(node: HamtNode, shift: number, hash: number, key: unknown, value: unknown, owner: MapOwner | undefined): HamtNode {
  const mine = ownedBy(node, owner);
  const collidingHash = hashKey(node[HEADER] as string | number);
  if (hash === collidingHash) {
    for (let i = HEADER; i < node.length; i += 2) {
      if (keysEqual(node[i], key)) {
        if (node[i + 1] === value) return node;
        lastChanged = true;
        if (mine) {
          node[i + 1] = value;
          return node;
        }
        const copy = copyNode(node, owner);
        copy[i + 1] = value;
        return copy;
      }
    }
    lastAssocAdded = true;
    lastChanged = true;
    if (mine) {
      node.push(key, value);
      return node;
    }
    return insertEntry(node, 0, node.length, key, value, owner);
  }
  // A different hash reached this slot: the collision node moves one level
  // down under a fresh bitmap node, and the key is inserted beside it.
  const wrapper: HamtNode = [0, 1 << ((collidingHash >>> shift) & MASK), owner, node];
  return assocAt(wrapper, shift, hash, key, value, owner);
}

/** Builds the smallest subtree (rooted at `shift`) holding two distinct keys. */
function mergeEntries(
  shift: number,
  hash1: number,
  key1: unknown,
  value1: unknown,
  hash2: number,
  key2: unknown,
  value2: unknown,
  owner: MapOwner | undefined,
): HamtNode {
  if (hash1 === hash2) return [0, 0, owner, key1, value1, key2, value2];
  // Distinct 32-bit hashes differ in some fragment by shift 30 (the last,
  // two-bit fragment), so this recursion ends before shifts wrap around.
  const frag1 = (hash1 >>> shift) & MASK;
  const frag2 = (hash2 >>> shift) & MASK;
  if (frag1 !== frag2) {
    const dataMap = (1 << frag1) | (1 << frag2);
    return frag1 < frag2 ? [dataMap, 0, owner, key1, value1, key2, value2] : [dataMap, 0, owner, key2, value2, key1, value1];
  }
  return [0, 1 << frag1, owner, mergeEntries(shift + BITS, hash1, key1, value1, hash2, key2, value2, owner)];
}

/**
 * Removes `key`, copying only the path from the root to the change, and
 * collapsing nodes left with a single entry so that the trie shrinks back.
 *
 * @internal
 * @param root - the root node.
 * @param hash - `hashKey(key)`.
 * @param owner - nodes carrying it are changed in place, and new nodes get it; none = copy every node on the path.
 * @returns the new root: `root` itself when the key is absent, and often when `root` is owned and
 *   was changed in place ({@link lastUpdateChanged} tells the two apart).
 */
export function dissoc(root: HamtNode, hash: number, key: unknown, owner?: MapOwner): HamtNode {
  lastChanged = false;
  return dissocAt(root, 0, hash, key, owner);
}

function dissocAt(node: HamtNode, shift: number, hash: number, key: unknown, owner: MapOwner | undefined): HamtNode {
  const dataMap = node[0] as number;
  const nodeMap = node[1] as number;
  if ((dataMap | nodeMap) === 0) {
    return node.length === HEADER ? node : collisionDissoc(node, shift, hash, key, owner);
  }
  const mine = ownedBy(node, owner);
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((dataMap & bit) !== 0) {
    const i = HEADER + (popcount(dataMap & (bit - 1)) << 1);
    if (!keysEqual(node[i], key)) return node;
    lastChanged = true;
    if (shift === 0) {
      if (node.length === HEADER + 2) return EMPTY_NODE;
    } else if (node.length === HEADER + 3 && dataMap === bit) {
      // Only a child would remain; a collision child needs no wrapper (see `onlyChild` below).
      const last = node[HEADER + 2] as HamtNode;
      if (((last[0] as number) | (last[1] as number)) === 0) return last;
    }
    if (mine) {
      removeEntryInPlace(node, i);
      node[0] = dataMap ^ bit;
      return node;
    }
    return removeEntry(node, dataMap ^ bit, i, owner);
  }
  if ((nodeMap & bit) === 0) return node;
  const at = node.length - 1 - popcount(nodeMap & (bit - 1));
  const child = node[at] as HamtNode;
  const updated = dissocAt(child, shift + BITS, hash, key, owner);
  // Not `updated === child`: a child changed in place comes back as itself, and may now need collapsing.
  if (!lastChanged) return node;
  // This node would be nothing but a wrapper around `updated`: let the parent
  // take it over directly (never at the root, which must stay a bitmap node).
  const onlyChild = dataMap === 0 && nodeMap === bit && shift !== 0;
  if (updated[1] === 0 && updated.length === HEADER + 2) {
    // A lone entry is inlined here, or handed further up if this node is a mere wrapper.
    if (onlyChild) return updated;
    const i = HEADER + (popcount(dataMap & (bit - 1)) << 1);
    return childToEntry(node, dataMap | bit, nodeMap ^ bit, i, at, updated[HEADER], updated[HEADER + 1], owner);
  }
  if (onlyChild && ((updated[0] as number) | (updated[1] as number)) === 0) return updated;
  if (mine) {
    node[at] = updated;
    return node;
  }
  const copy = copyNode(node, owner);
  copy[at] = updated;
  return copy;
}

function collisionDissoc(node: HamtNode, shift: number, hash: number, key: unknown, owner: MapOwner | undefined): HamtNode {
  for (let i = HEADER; i < node.length; i += 2) {
    if (!keysEqual(node[i], key)) continue;
    lastChanged = true;
    if (node.length === HEADER + 4) {
      // One entry left: return it as a single-entry bitmap node for the parent to inline.
      const other = i === HEADER ? HEADER + 2 : HEADER;
      return [1 << ((hash >>> shift) & MASK), 0, owner, node[other], node[other + 1]];
    }
    if (ownedBy(node, owner)) {
      removeEntryInPlace(node, i);
      return node;
    }
    return removeEntry(node, 0, i, owner);
  }
  return node;
}

/**
 * Calls `fn` for every entry under `node`, in iteration order (a node's own
 * entries first, then its children by fragment).
 *
 * @internal
 */
export function forEachEntry(node: HamtNode, fn: (value: unknown, key: unknown) => void): void {
  const dataEnd = childrenStart(node);
  for (let i = HEADER; i < dataEnd; i += 2) fn(node[i + 1], node[i]);
  for (let j = node.length - 1; j >= dataEnd; j--) forEachEntry(node[j] as HamtNode, fn);
}

/**
 * Index of a node's first entry (after its header).
 *
 * @internal
 */
export const FIRST_ENTRY = HEADER;

/**
 * Index of `node`'s first child slot, which ends its entries: entries fill
 * `[FIRST_ENTRY, childrenStart(node))` by pairs, children the rest, reversed.
 *
 * @internal
 */
export function childrenStart(node: HamtNode): number {
  return node.length - popcount(node[1] as number);
}

/**
 * Shape statistics of a trie, for specs and benchmarks: how many nodes it has
 * and how deep it goes (the root alone has depth 1).
 *
 * @internal
 */
export interface TrieShape {
  /** Number of nodes, the root included. */
  readonly nodes: number;
  /** Number of nodes on the longest root-to-leaf path. */
  readonly depth: number;
  /** Number of collision nodes. */
  readonly collisionNodes: number;
}

/**
 * Measures the shape of the trie under `node`.
 *
 * @internal
 */
export function trieShape(node: HamtNode): TrieShape {
  const start = childrenStart(node);
  let nodes = 1;
  let depth = 0;
  let collisionNodes = ((node[0] as number) | (node[1] as number)) === 0 && node.length !== HEADER ? 1 : 0;
  for (let j = start; j < node.length; j++) {
    const shape = trieShape(node[j] as HamtNode);
    nodes += shape.nodes;
    collisionNodes += shape.collisionNodes;
    if (shape.depth > depth) depth = shape.depth;
  }
  return { nodes, depth: depth + 1, collisionNodes };
}

// Array surgery. Plain indexed loops into a pre-sized array beat
// slice/splice/concat for the short arrays (at most 67 slots) found here.

/** Copy of `src` to change a slot of, carrying `owner`. */
function copyNode(src: HamtNode, owner: MapOwner | undefined): HamtNode {
  const dst = src.slice();
  dst[2] = owner;
  return dst;
}

/** Copy of `src` with the pair `key, value` inserted at index `i`, and `dataMap`. */
function insertEntry(src: HamtNode, dataMap: number, i: number, key: unknown, value: unknown, owner: MapOwner | undefined): HamtNode {
  const n = src.length;
  const dst = new Array<unknown>(n + 2);
  dst[0] = dataMap;
  dst[1] = src[1];
  dst[2] = owner;
  for (let j = HEADER; j < i; j++) dst[j] = src[j];
  dst[i] = key;
  dst[i + 1] = value;
  for (let j = i; j < n; j++) dst[j + 2] = src[j];
  return dst;
}

/** `node` with the pair `key, value` inserted at index `i`, in place (an owned node). */
function insertEntryInPlace(node: HamtNode, i: number, key: unknown, value: unknown): void {
  for (let j = node.length - 1; j >= i; j--) node[j + 2] = node[j];
  node[i] = key;
  node[i + 1] = value;
}

/** `node` without the pair at index `i`, in place (an owned node). */
function removeEntryInPlace(node: HamtNode, i: number): void {
  const n = node.length - 2;
  for (let j = i; j < n; j++) node[j] = node[j + 2];
  // Two pops, not `length = n`: setting length is a runtime call (4 % of a storm's profile), pop is inlined.
  node.pop();
  node.pop();
}

/** Copy of `src` without the pair at index `i`, and `dataMap`. */
function removeEntry(src: HamtNode, dataMap: number, i: number, owner: MapOwner | undefined): HamtNode {
  const n = src.length - 2;
  const dst = new Array<unknown>(n);
  dst[0] = dataMap;
  dst[1] = src[1];
  dst[2] = owner;
  for (let j = HEADER; j < i; j++) dst[j] = src[j];
  for (let j = i; j < n; j++) dst[j] = src[j + 2];
  return dst;
}

/**
 * Copy of `src` with the pair at index `i` removed and `child` placed at
 * index `at` of the result (`at` lies in the children section, so `at >= i`).
 */
function entryToChild(
  src: HamtNode,
  dataMap: number,
  nodeMap: number,
  i: number,
  at: number,
  child: HamtNode,
  owner: MapOwner | undefined,
): HamtNode {
  const n = src.length - 1;
  const dst = new Array<unknown>(n);
  dst[0] = dataMap;
  dst[1] = nodeMap;
  dst[2] = owner;
  for (let j = HEADER; j < i; j++) dst[j] = src[j];
  for (let j = i; j < at; j++) dst[j] = src[j + 2];
  dst[at] = child;
  for (let j = at + 1; j < n; j++) dst[j] = src[j + 1];
  return dst;
}

/**
 * Copy of `src` with the child at index `at` removed and the pair
 * `key, value` inserted at index `i` of the result (`i <= at`).
 */
function childToEntry(
  src: HamtNode,
  dataMap: number,
  nodeMap: number,
  i: number,
  at: number,
  key: unknown,
  value: unknown,
  owner: MapOwner | undefined,
): HamtNode {
  const n = src.length + 1;
  const dst = new Array<unknown>(n);
  dst[0] = dataMap;
  dst[1] = nodeMap;
  dst[2] = owner;
  for (let j = HEADER; j < i; j++) dst[j] = src[j];
  dst[i] = key;
  dst[i + 1] = value;
  for (let j = i; j < at; j++) dst[j + 2] = src[j];
  for (let j = at + 1; j < src.length; j++) dst[j + 1] = src[j];
  return dst;
}
