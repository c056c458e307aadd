/**
 * The set of occupied slots of one table, with O(1) uniform random choice.
 *
 * @packageDocumentation
 */

/**
 * A set of integers in [0, capacity) that can add, delete and pick a uniformly
 * random member in constant time (a dense array plus a reverse index, deleting
 * by swapping with the last member).
 *
 * The address book uses one per table so that a random pick always lands on an
 * entry: picking uniformly among occupied slots is exactly the distribution of
 * Core's "random bucket, random slot, retry if empty", without the retries that
 * would spin on a nearly empty table.
 *
 * @internal
 * @example
 * ```ts
 * const occupied = new OccupiedPositions(1024 * 64);
 * occupied.add(17);
 * occupied.pick(Math.random); // 17
 * ```
 */
export class OccupiedPositions {
  private readonly members: Int32Array;
  private readonly indexOf: Int32Array;
  private count = 0;

  /** @param capacity - positions range over [0, capacity). */
  constructor(readonly capacity: number) {
    this.members = new Int32Array(capacity);
    this.indexOf = new Int32Array(capacity).fill(-1);
  }

  /** How many positions are occupied. */
  get size(): number {
    return this.count;
  }

  /** Whether `position` is occupied. */
  has(position: number): boolean {
    return (this.indexOf[position] ?? -1) >= 0;
  }

  /** Marks `position` occupied (no effect if it already is). */
  add(position: number): void {
    if (this.has(position)) return;
    this.members[this.count] = position;
    this.indexOf[position] = this.count;
    this.count += 1;
  }

  /** Marks `position` free (no effect if it already is). */
  delete(position: number): void {
    const index = this.indexOf[position] ?? -1;
    if (index < 0) return;
    this.count -= 1;
    const last = this.members[this.count] as number;
    this.members[index] = last;
    this.indexOf[last] = index;
    this.indexOf[position] = -1;
  }

  /**
   * A uniformly random occupied position.
   *
   * @param random - returns a number in [0, 1); out-of-range values (and NaN) are clamped.
   * @returns a position, or `undefined` when the set is empty.
   */
  pick(random: () => number): number | undefined {
    if (this.count === 0) return undefined;
    const r = random();
    // `r > 0` is false for NaN too, so a broken generator still yields a member.
    const index = r > 0 ? Math.min(this.count - 1, Math.floor(r * this.count)) : 0;
    return this.members[index];
  }

  /** The occupied positions in ascending order. */
  sorted(): number[] {
    return Array.from(this.members.subarray(0, this.count)).sort((a, b) => a - b);
  }
}
