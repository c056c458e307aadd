/**
 * 32-bit hashing of map keys for {@link PersistentMap}'s trie. Private to
 * `lib/collections`: exported only so that the trie and the specs can reach it.
 *
 * @internal
 * @packageDocumentation
 */

// One shared scratch buffer lets us read a double's bits without allocating.
const FLOAT_BITS = new Float64Array(1);
const FLOAT_WORDS = new Int32Array(FLOAT_BITS.buffer);

/** Every NaN hashes alike because the map treats all NaNs as one key (SameValueZero). */
const NAN_HASH = 0x7ff80000;

/** FNV-1a 32-bit offset basis. */
const FNV_OFFSET = 0x811c9dc5 | 0;
/** FNV-1a 32-bit prime. */
const FNV_PRIME = 0x01000193;

/**
 * The murmur3 finaliser: a bijection on 32-bit integers with full avalanche.
 * The trie consumes hashes five bits at a time from the low end, so every
 * input bit must influence those low bits; sequential ids and FNV output
 * (whose low bits only depend on the inputs' low bits) both need this.
 *
 * @internal
 * @param h - any 32-bit integer.
 * @returns the mixed hash as a signed 32-bit integer.
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * Hashes a number key.
 *
 * An int32 (the common case: sequential connection ids) is its own hash. That
 * is deliberate, not lazy: the trie reads hashes five bits at a time from the
 * low end, so a run of consecutive integers fills every node of every level
 * densely — the best spread a 32-way trie can get, with the fewest levels and
 * nodes. Mixing them (e.g. with {@link mix32}) scatters them randomly instead,
 * which measured about 1.5 times the time per set+delete and 1.5 times the
 * memory at 10,000 keys (`benchmarks/persistentMap.bench.ts`). The identity is a bijection
 * on int32, so these keys never collide; the price is that strided ids (all
 * multiples of 2^k) share their low fragments and grow single-child chains,
 * bounded by the trie's maximum depth of seven bitmap levels.
 *
 * Any other number (fractions, values beyond int32, infinities) is hashed
 * from its IEEE-754 bits with full mixing, since consecutive doubles differ in
 * arbitrary bit positions. `0` and `-0` hash alike, as do all NaNs, matching
 * the SameValueZero key equality used by the map.
 *
 * @internal
 * @param n - the key.
 * @returns a signed 32-bit hash.
 */
export function hashNumber(n: number): number {
  // `n | 0` is exact for int32 values, and maps -0 to 0 as SameValueZero wants.
  if ((n | 0) === n) return n | 0;
  if (n !== n) return NAN_HASH;
  FLOAT_BITS[0] = n;
  // Both words are defined: the view is two elements long.
  return mix32((FLOAT_WORDS[0] as number) ^ Math.imul(FLOAT_WORDS[1] as number, 0x9e3779b1));
}

/**
 * Hashes a string key with FNV-1a over its UTF-16 code units, then applies
 * {@link mix32} so that the low bits (the ones the trie reads first) depend on
 * every bit of every character.
 *
 * @internal
 * @param s - the key.
 * @returns a signed 32-bit hash.
 */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  }
  return mix32(h);
}

/**
 * Hashes any key of a {@link PersistentMap}. Numbers and strings use separate
 * functions; they may produce equal hashes, which is harmless because key
 * equality (not the hash) decides identity, so `1` and `'1'` stay distinct.
 *
 * @internal
 * @param key - a string or number key.
 * @returns a signed 32-bit hash.
 */
export function hashKey(key: string | number): number {
  return typeof key === 'number' ? hashNumber(key) : hashString(key);
}
