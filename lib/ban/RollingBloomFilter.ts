import { randomBytes } from 'node:crypto';
import { fmix32 } from '../backoff/fmix32.js';

/** Options of {@link RollingBloomFilter}. */
export interface RollingBloomFilterOptions {
  /** The filter remembers at least this many of the latest insertions. Default 50,000 (Core's for discouragement). */
  readonly capacity?: number;
  /** Chance that a key never inserted (or long forgotten) is reported present. Default 1e-6 (Core's). */
  readonly falsePositiveRate?: number;
  /** Hash key, so that an outsider cannot pick keys that collide. Default: 4 random bytes per filter. */
  readonly seed?: number;
}

/** Generations kept: the current one fills while the two before it still answer. */
const GENERATIONS = 3;

/**
 * A Bloom filter that forgets: it answers "maybe present" for every key among its latest
 * `capacity` insertions, never misses one of them, and for any other key errs with probability
 * about `falsePositiveRate`. Memory is fixed at construction (about 3 × 1.44 × log2(3/p) bits per
 * half of the capacity), whatever is inserted — what a node needs to remember misbehaving hosts
 * without letting an attacker grow its memory (Bitcoin Core's `CRollingBloomFilter`).
 *
 * Keys are strings. Insertions go into the newest of three generations of `capacity / 2` keys each;
 * when it is full the oldest is wiped and becomes the newest, so a key is kept for at least
 * `capacity` further insertions.
 *
 * @example
 * ```ts
 * const seen = new RollingBloomFilter({ capacity: 1000 });
 * seen.insert('203.0.113.7');
 * seen.has('203.0.113.7'); // true
 * seen.has('198.51.100.1'); // false (almost surely)
 * ```
 */
export class RollingBloomFilter {
  /** Bits in each generation's filter. */
  readonly bitsPerGeneration: number;
  /** Hash functions per key. */
  readonly hashes: number;
  readonly #perGeneration: number;
  readonly #filters: Uint32Array[];
  readonly #seed: number;
  #current = 0;
  #count = 0;

  constructor(options: RollingBloomFilterOptions = {}) {
    const capacity = options.capacity ?? 50_000;
    const rate = options.falsePositiveRate ?? 1e-6;
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 10_000_000) {
      throw new RangeError(`RollingBloomFilter: \`capacity\` must be a whole number 2–10,000,000, got ${String(capacity)}`);
    }
    if (typeof rate !== 'number' || !(rate > 0 && rate < 1)) {
      throw new RangeError(`RollingBloomFilter: \`falsePositiveRate\` must be a number in (0, 1), got ${String(rate)}`);
    }
    this.#perGeneration = Math.ceil(capacity / 2);
    // A lookup asks all generations, so each gets a third of the error budget.
    const perFilterRate = rate / GENERATIONS;
    const bits = Math.ceil((-this.#perGeneration * Math.log(perFilterRate)) / (Math.LN2 * Math.LN2));
    this.bitsPerGeneration = Math.ceil(bits / 32) * 32;
    this.hashes = Math.max(1, Math.round((this.bitsPerGeneration / this.#perGeneration) * Math.LN2));
    this.#filters = Array.from({ length: GENERATIONS }, () => new Uint32Array(this.bitsPerGeneration / 32));
    this.#seed = options.seed ?? randomBytes(4).readUInt32LE();
  }

  /**
   * Adds `key`.
   *
   * @example
   * ```ts
   * filter.insert('10.0.0.1');
   * ```
   */
  insert(key: string): void {
    if (this.#count >= this.#perGeneration) {
      this.#current = (this.#current + 1) % GENERATIONS;
      this.#filters[this.#current]!.fill(0);
      this.#count = 0;
    }
    const filter = this.#filters[this.#current]!;
    this.#forEachBit(key, (bit) => {
      filter[bit >>> 5]! |= 1 << (bit & 31);
    });
    this.#count++;
  }

  /**
   * Whether `key` may have been inserted recently: always `true` for one of the latest `capacity`
   * insertions, `true` by mistake with probability about `falsePositiveRate` otherwise.
   *
   * @example
   * ```ts
   * if (filter.has(host)) evictFirst(host);
   * ```
   */
  has(key: string): boolean {
    return this.#filters.some((filter) => {
      let all = true;
      this.#forEachBit(key, (bit) => {
        if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) all = false;
      });
      return all;
    });
  }

  /**
   * Forgets everything.
   *
   * @example
   * ```ts
   * filter.clear();
   * ```
   */
  clear(): void {
    for (const filter of this.#filters) filter.fill(0);
    this.#count = 0;
  }

  /** Double hashing: bit i = h1 + i·h2 (mod m), with h1, h2 from a seeded FNV-1a of the key. */
  #forEachBit(key: string, visit: (bit: number) => void): void {
    let h = 0x811c9dc5 ^ this.#seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const h1 = fmix32(h);
    const h2 = fmix32(h1 ^ 0x9e3779b9) | 1;
    for (let i = 0; i < this.hashes; i++) visit(((h1 + Math.imul(i, h2)) >>> 0) % this.bitsPerGeneration);
  }
}
