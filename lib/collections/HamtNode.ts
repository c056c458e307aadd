/**
 * The trie behind {@link PersistentMap}: a CHAMP-style hash array mapped trie
 * (32-way branching, bitmap-indexed, collision nodes for equal hashes) and the
 * pure functions that read and path-copy it. Private to `lib/collections`.
 *
 * Layout of a node's `content` array, chosen so that a node is one object plus
 * one array and entries need no wrapper objects:
 *
 * ```text
 * [k0, v0, k1, v1, …, k(d-1), v(d-1), child(c-1), …, child1, child0]
 *  └──── entries, ordered by dataMap bit ────┘ └─ children, reversed ─┘
 * ```
 *
 * Children are stored from the end so that both sections can be indexed from
 * a popcount without knowing the other section's length.
 *
 * A node whose two bitmaps are both zero but whose content is non-empty is a
 * collision node: every entry in it has the same full 32-bit hash. The only
 * node with empty bitmaps and empty content is the empty root.
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
 * One trie node. A node without an owner is never mutated after construction: every update
 * builds new nodes along the changed path and shares the rest. A node with an owner is changed in
 * place by updates under that owner (see {@link MapOwner}), and only by them.
 *
 * @internal
 */
export class HamtNode {
  /**
   * @param dataMap - bit `f` set when an entry lives at fragment `f`.
   * @param nodeMap - bit `f` set when a child node lives at fragment `f`.
   * @param content - entries then reversed children, see the module comment.
   * @param owner - the edit token that may change this node in place, if any.
   */
  constructor(
    public dataMap: number,
    public nodeMap: number,
    public content: unknown[],
    readonly owner: MapOwner | undefined,
  ) {}
}

/**
 * The shared empty root.
 *
 * @internal
 */
export const EMPTY_NODE: HamtNode = new HamtNode(0, 0, [], undefined);

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
    const dataMap = node.dataMap;
    if ((dataMap & bit) !== 0) {
      const i = popcount(dataMap & (bit - 1)) << 1;
      const content = node.content;
      return keysEqual(content[i], key) ? content[i + 1] : NOT_FOUND;
    }
    const nodeMap = node.nodeMap;
    if ((nodeMap & bit) !== 0) {
      const content = node.content;
      node = content[content.length - 1 - popcount(nodeMap & (bit - 1))] as HamtNode;
      shift += BITS;
      continue;
    }
    // Both bitmaps empty: a collision node (or the empty root, which has no entries to scan).
    if ((dataMap | nodeMap) === 0) return collisionLookup(node.content, key);
    return NOT_FOUND;
  }
}

function collisionLookup(content: unknown[], key: unknown): unknown {
  for (let i = 0; i < content.length; i += 2) {
    if (keysEqual(content[i], key)) return content[i + 1];
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
 * @returns the new root: `root` itself when the key already maps to `value` (===), or when
 *   `root` is owned and was changed in place ({@link lastUpdateChanged} tells the two apart).
 */
export function assoc(root: HamtNode, hash: number, key: unknown, value: unknown, owner?: MapOwner): HamtNode {
  lastAssocAdded = false;
  lastChanged = false;
  return assocAt(root, 0, hash, key, value, owner);
}

function assocAt(node: HamtNode, shift: number, hash: number, key: unknown, value: unknown, owner: MapOwner | undefined): HamtNode {
  const dataMap = node.dataMap;
  const nodeMap = node.nodeMap;
  const content = node.content;
  if ((dataMap | nodeMap) === 0 && content.length !== 0) {
    return collisionAssoc(node, shift, hash, key, value, owner);
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  const mine = owner !== undefined && node.owner === owner;
  if ((dataMap & bit) !== 0) {
    const i = popcount(dataMap & (bit - 1)) << 1;
    const existingKey = content[i];
    if (keysEqual(existingKey, key)) {
      if (content[i + 1] === value) return node;
      lastChanged = true;
      if (mine) {
        content[i + 1] = value;
        return node;
      }
      const copy = content.slice();
      copy[i + 1] = value;
      return new HamtNode(dataMap, nodeMap, copy, owner);
    }
    // Two keys compete for one slot: push both down into a new subtree.
    lastAssocAdded = true;
    lastChanged = true;
    const child = mergeEntries(shift + BITS, hashKey(existingKey as string | number), existingKey, content[i + 1], hash, key, value, owner);
    const at = content.length - 2 - popcount(nodeMap & (bit - 1));
    return rebuilt(node, mine, dataMap ^ bit, nodeMap | bit, entryToChild(content, i, at, child), owner);
  }
  if ((nodeMap & bit) !== 0) {
    const at = content.length - 1 - popcount(nodeMap & (bit - 1));
    const child = content[at] as HamtNode;
    const updated = assocAt(child, shift + BITS, hash, key, value, owner);
    if (updated === child) return node; // unchanged, or changed in place (then so is its slot here)
    if (mine) {
      content[at] = updated;
      return node;
    }
    const copy = content.slice();
    copy[at] = updated;
    return new HamtNode(dataMap, nodeMap, copy, owner);
  }
  lastAssocAdded = true;
  lastChanged = true;
  const i = popcount(dataMap & (bit - 1)) << 1;
  if (mine) {
    insertEntryInPlace(content, i, key, value);
    node.dataMap = dataMap | bit;
    return node;
  }
  return new HamtNode(dataMap | bit, nodeMap, insertEntry(content, i, key, value), owner);
}

/** `node` given new bitmaps and content: in place when it is the owner's, else a new node. */
function rebuilt(
  node: HamtNode,
  mine: boolean,
  dataMap: number,
  nodeMap: number,
  content: unknown[],
  owner: MapOwner | undefined,
): HamtNode {
  if (!mine) return new HamtNode(dataMap, nodeMap, content, owner);
  node.dataMap = dataMap;
  node.nodeMap = nodeMap;
  node.content = content;
  return node;
}

function collisionAssoc(node: HamtNode, shift: number, hash: number, key: unknown, value: unknown, owner: MapOwner | undefined): HamtNode {
  const content = node.content;
  const mine = owner !== undefined && node.owner === owner;
  const collidingHash = hashKey(content[0] as string | number);
  if (hash === collidingHash) {
    for (let i = 0; i < content.length; i += 2) {
      if (keysEqual(content[i], key)) {
        if (content[i + 1] === value) return node;
        lastChanged = true;
        if (mine) {
          content[i + 1] = value;
          return node;
        }
        const copy = content.slice();
        copy[i + 1] = value;
        return new HamtNode(0, 0, copy, owner);
      }
    }
    lastAssocAdded = true;
    lastChanged = true;
    if (mine) {
      content.push(key, value);
      return node;
    }
    return new HamtNode(0, 0, insertEntry(content, content.length, key, value), owner);
  }
  // A different hash reached this slot: the collision node moves one level
  // down under a fresh bitmap node, and the key is inserted beside it.
  const wrapper = new HamtNode(0, 1 << ((collidingHash >>> shift) & MASK), [node], owner);
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
  if (hash1 === hash2) return new HamtNode(0, 0, [key1, value1, key2, value2], owner);
  // Distinct 32-bit hashes differ in some fragment by shift 30 (the last,
  // two-bit fragment), so this recursion ends before shifts wrap around.
  const frag1 = (hash1 >>> shift) & MASK;
  const frag2 = (hash2 >>> shift) & MASK;
  if (frag1 !== frag2) {
    return new HamtNode((1 << frag1) | (1 << frag2), 0, frag1 < frag2 ? [key1, value1, key2, value2] : [key2, value2, key1, value1], owner);
  }
  return new HamtNode(0, 1 << frag1, [mergeEntries(shift + BITS, hash1, key1, value1, hash2, key2, value2, owner)], owner);
}

/**
 * Removes `key`, copying only the path from the root to the change, and
 * collapsing nodes left with a single entry so that the trie shrinks back.
 *
 * @internal
 * @param root - the root node.
 * @param hash - `hashKey(key)`.
 * @param owner - nodes carrying it are changed in place, and new nodes get it; none = copy every node on the path.
 * @returns the new root: `root` itself when the key is absent, or when `root` is owned and was
 *   changed in place ({@link lastUpdateChanged} tells the two apart).
 */
export function dissoc(root: HamtNode, hash: number, key: unknown, owner?: MapOwner): HamtNode {
  lastChanged = false;
  return dissocAt(root, 0, hash, key, owner);
}

function dissocAt(node: HamtNode, shift: number, hash: number, key: unknown, owner: MapOwner | undefined): HamtNode {
  const dataMap = node.dataMap;
  const nodeMap = node.nodeMap;
  const content = node.content;
  if ((dataMap | nodeMap) === 0) {
    return content.length === 0 ? node : collisionDissoc(node, shift, hash, key, owner);
  }
  const mine = owner !== undefined && node.owner === owner;
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((dataMap & bit) !== 0) {
    const i = popcount(dataMap & (bit - 1)) << 1;
    if (!keysEqual(content[i], key)) return node;
    lastChanged = true;
    if (shift === 0) {
      if (content.length === 2) return EMPTY_NODE;
    } else if (content.length === 3 && dataMap === bit) {
      // Only a child would remain; a collision child needs no wrapper (see `onlyChild` below).
      const last = content[2] as HamtNode;
      if ((last.dataMap | last.nodeMap) === 0) return last;
    }
    if (mine) {
      removeEntryInPlace(content, i);
      node.dataMap = dataMap ^ bit;
      return node;
    }
    return new HamtNode(dataMap ^ bit, nodeMap, removeEntry(content, i), owner);
  }
  if ((nodeMap & bit) === 0) return node;
  const at = content.length - 1 - popcount(nodeMap & (bit - 1));
  const child = content[at] as HamtNode;
  const updated = dissocAt(child, shift + BITS, hash, key, owner);
  // Not `updated === child`: a child changed in place comes back as itself, and may now need collapsing.
  if (!lastChanged) return node;
  // This node would be nothing but a wrapper around `updated`: let the parent
  // take it over directly (never at the root, which must stay a bitmap node).
  const onlyChild = dataMap === 0 && nodeMap === bit && shift !== 0;
  if (updated.nodeMap === 0 && updated.content.length === 2) {
    // A lone entry is inlined here, or handed further up if this node is a mere wrapper.
    if (onlyChild) return updated;
    const i = popcount(dataMap & (bit - 1)) << 1;
    const merged = childToEntry(content, i, at, updated.content[0], updated.content[1]);
    return rebuilt(node, mine, dataMap | bit, nodeMap ^ bit, merged, owner);
  }
  if (onlyChild && (updated.dataMap | updated.nodeMap) === 0) return updated;
  if (mine) {
    content[at] = updated;
    return node;
  }
  const copy = content.slice();
  copy[at] = updated;
  return new HamtNode(dataMap, nodeMap, copy, owner);
}

function collisionDissoc(node: HamtNode, shift: number, hash: number, key: unknown, owner: MapOwner | undefined): HamtNode {
  const content = node.content;
  for (let i = 0; i < content.length; i += 2) {
    if (!keysEqual(content[i], key)) continue;
    lastChanged = true;
    if (content.length === 4) {
      // One entry left: return it as a single-entry bitmap node for the parent to inline.
      const other = i === 0 ? 2 : 0;
      return new HamtNode(1 << ((hash >>> shift) & MASK), 0, [content[other], content[other + 1]], owner);
    }
    if (owner !== undefined && node.owner === owner) {
      removeEntryInPlace(content, i);
      return node;
    }
    return new HamtNode(0, 0, removeEntry(content, i), owner);
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
  const content = node.content;
  const dataEnd = content.length - popcount(node.nodeMap);
  for (let i = 0; i < dataEnd; i += 2) fn(content[i + 1], content[i]);
  for (let j = content.length - 1; j >= dataEnd; j--) forEachEntry(content[j] as HamtNode, fn);
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
  const content = node.content;
  const children = popcount(node.nodeMap);
  let nodes = 1;
  let depth = 0;
  let collisionNodes = (node.dataMap | node.nodeMap) === 0 && content.length !== 0 ? 1 : 0;
  for (let j = content.length - children; j < content.length; j++) {
    const shape = trieShape(content[j] as HamtNode);
    nodes += shape.nodes;
    collisionNodes += shape.collisionNodes;
    if (shape.depth > depth) depth = shape.depth;
  }
  return { nodes, depth: depth + 1, collisionNodes };
}

// Array surgery. Plain indexed loops into a pre-sized array beat
// slice/splice/concat for the short arrays (at most 64 slots) found here.

/** Copy of `src` with the pair `key, value` inserted at index `i`. */
function insertEntry(src: unknown[], i: number, key: unknown, value: unknown): unknown[] {
  const n = src.length;
  const dst = new Array<unknown>(n + 2);
  for (let j = 0; j < i; j++) dst[j] = src[j];
  dst[i] = key;
  dst[i + 1] = value;
  for (let j = i; j < n; j++) dst[j + 2] = src[j];
  return dst;
}

/** `content` with the pair `key, value` inserted at index `i`, in place (an owned node's array). */
function insertEntryInPlace(content: unknown[], i: number, key: unknown, value: unknown): void {
  for (let j = content.length - 1; j >= i; j--) content[j + 2] = content[j];
  content[i] = key;
  content[i + 1] = value;
}

/** `content` without the pair at index `i`, in place (an owned node's array). */
function removeEntryInPlace(content: unknown[], i: number): void {
  const n = content.length - 2;
  for (let j = i; j < n; j++) content[j] = content[j + 2];
  // Two pops, not `length = n`: setting length is a runtime call (4 % of a storm's profile), pop is inlined.
  content.pop();
  content.pop();
}

/** Copy of `src` without the pair at index `i`. */
function removeEntry(src: unknown[], i: number): unknown[] {
  const n = src.length - 2;
  const dst = new Array<unknown>(n);
  for (let j = 0; j < i; j++) dst[j] = src[j];
  for (let j = i; j < n; j++) dst[j] = src[j + 2];
  return dst;
}

/**
 * Copy of `src` with the pair at index `i` removed and `child` placed at
 * index `at` of the result (`at` lies in the children section, so `at >= i`).
 */
function entryToChild(src: unknown[], i: number, at: number, child: HamtNode): unknown[] {
  const n = src.length - 1;
  const dst = new Array<unknown>(n);
  for (let j = 0; j < i; j++) dst[j] = src[j];
  for (let j = i; j < at; j++) dst[j] = src[j + 2];
  dst[at] = child;
  for (let j = at + 1; j < n; j++) dst[j] = src[j + 1];
  return dst;
}

/**
 * Copy of `src` with the child at index `at` removed and the pair
 * `key, value` inserted at index `i` of the result (`i <= at`).
 */
function childToEntry(src: unknown[], i: number, at: number, key: unknown, value: unknown): unknown[] {
  const n = src.length + 1;
  const dst = new Array<unknown>(n);
  for (let j = 0; j < i; j++) dst[j] = src[j];
  dst[i] = key;
  dst[i + 1] = value;
  for (let j = i; j < at; j++) dst[j + 2] = src[j];
  for (let j = at + 1; j < src.length; j++) dst[j + 1] = src[j];
  return dst;
}
