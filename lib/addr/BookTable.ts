/**
 * One table of the {@link AddressBook} (new or tried): its slots, and which
 * are occupied by which kind of address.
 *
 * @packageDocumentation
 * @internal
 */
import { OccupiedPositions } from './OccupiedPositions.js';
import type { OverlayNetwork } from './OverlayAddress.js';

/**
 * The kind of a book address: `'ip'` (what the node dials) or an overlay
 * network (held, dialed only through a proxy for that network).
 *
 * @example
 * ```ts
 * const kind: AddressKind = 'torv3';
 * ```
 */
export type AddressKind = 'ip' | OverlayNetwork;

/**
 * A table of `capacity` slots holding entries of several kinds, with an index
 * of occupied slots per kind so that a uniform draw can be limited to some
 * kinds in O(kinds). Indices are made on first use: a book that never sees an
 * overlay address pays for the IP one only.
 *
 * @example
 * ```ts
 * const table = new BookTable<Entry>(1024 * 64);
 * table.place(entry, 17);
 * table.pick(['ip'], Math.random); // entry
 * ```
 * @internal
 */
export class BookTable<E extends { readonly kind: AddressKind; position: number }> {
  readonly #slots: (E | undefined)[];
  readonly #byKind = new Map<AddressKind, OccupiedPositions>();

  /** @param capacity - slots, numbered [0, capacity). */
  constructor(readonly capacity: number) {
    this.#slots = new Array<E | undefined>(capacity).fill(undefined);
  }

  /** The entry in slot `position`, if any. */
  at(position: number): E | undefined {
    return this.#slots[position];
  }

  /** Puts `entry` in the free slot `position` and records it there (`entry.position`). */
  place(entry: E, position: number): void {
    entry.position = position;
    this.#slots[position] = entry;
    this.#index(entry.kind).add(position);
  }

  /** Frees `entry`'s slot. */
  vacate(entry: E): void {
    this.#slots[entry.position] = undefined;
    this.#byKind.get(entry.kind)?.delete(entry.position);
  }

  /** How many slots hold an entry of one of `kinds`. */
  count(kinds: readonly AddressKind[]): number {
    return kinds.reduce((sum, kind) => sum + (this.#byKind.get(kind)?.size ?? 0), 0);
  }

  /**
   * A uniformly random entry among those of `kinds`: a kind weighted by its
   * count, then a slot of that kind.
   *
   * @returns the entry, or `undefined` if there is none of those kinds.
   */
  pick(kinds: readonly AddressKind[], random: () => number): E | undefined {
    const indices = kinds.flatMap((kind) => {
      const index = this.#byKind.get(kind);
      return index !== undefined && index.size > 0 ? [index] : [];
    });
    // One kind (the usual case, IP only) costs one draw, as a table of one kind would.
    let chosen = indices[0];
    if (indices.length > 1) {
      const total = indices.reduce((sum, index) => sum + index.size, 0);
      let r = Math.min(total - 1, Math.max(0, Math.floor(random() * total)));
      chosen = indices.find((index) => (r -= index.size) < 0);
    }
    const position = chosen?.pick(random);
    return position === undefined ? undefined : this.#slots[position];
  }

  /** Every entry, in slot order. */
  sorted(): E[] {
    const positions = [...this.#byKind.values()].flatMap((index) => index.sorted()).sort((a, b) => a - b);
    return positions.map((p) => this.#slots[p] as E);
  }

  #index(kind: AddressKind): OccupiedPositions {
    let index = this.#byKind.get(kind);
    if (index === undefined) {
      index = new OccupiedPositions(this.capacity);
      this.#byKind.set(kind, index);
    }
    return index;
  }
}
