import { childrenStart, FIRST_ENTRY } from './HamtNode.js';
import type { HamtNode } from './HamtNode.js';

/**
 * What a {@link HamtIterator} yields for each entry.
 *
 * @internal
 */
export type IterationMode = 'keys' | 'values' | 'entries';

/**
 * Depth-first iterator over a trie, in the same order as `forEachEntry`: a
 * node's own entries, then its children by fragment. It keeps an explicit
 * stack (at most eight levels deep) instead of nesting generators, so each
 * step costs one result object and, in `entries` mode, one pair.
 *
 * Tries are immutable, so an iterator stays valid however the map it came
 * from is "modified" meanwhile: it walks the snapshot it started from.
 *
 * @internal
 */
export class HamtIterator<T> implements IterableIterator<T> {
  private readonly nodes: HamtNode[];
  /** Per stacked node: the next index to visit in it. */
  private readonly positions: number[];

  /**
   * @param root - the trie to walk.
   * @param mode - what to yield per entry.
   */
  constructor(
    root: HamtNode,
    private readonly mode: IterationMode,
  ) {
    this.nodes = [root];
    this.positions = [FIRST_ENTRY];
  }

  /** Advances to the next entry. */
  next(): IteratorResult<T> {
    const nodes = this.nodes;
    const positions = this.positions;
    while (nodes.length !== 0) {
      const top = nodes.length - 1;
      const node = nodes[top] as HamtNode;
      const pos = positions[top] as number;
      const dataEnd = childrenStart(node);
      if (pos < dataEnd) {
        positions[top] = pos + 2;
        return { done: false, value: this.project(node[pos], node[pos + 1]) };
      }
      if (pos < node.length) {
        // Children are stored reversed: the k-th child is at node[length - 1 - k].
        positions[top] = pos + 1;
        nodes.push(node[node.length - 1 - (pos - dataEnd)] as HamtNode);
        positions.push(FIRST_ENTRY);
        continue;
      }
      nodes.pop();
      positions.pop();
    }
    return { done: true, value: undefined };
  }

  /** Iterators are iterable, so they can be spread or used in `for…of`. */
  [Symbol.iterator](): this {
    return this;
  }

  private project(key: unknown, value: unknown): T {
    const mode = this.mode;
    if (mode === 'entries') return [key, value] as T;
    return (mode === 'keys' ? key : value) as T;
  }
}
