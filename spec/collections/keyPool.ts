/**
 * A pool of map keys that reaches every kind of trie node, for property specs that draw their
 * keys from it: dense ints (full nodes, several levels), strings, keys forged to share one full
 * hash (collision nodes), and near misses that push a collision node down a level and pull it back.
 */
import { hashKey } from '../../lib/collections/hashKey.js';
import { numberWithHash, stringWithHash } from './forgeHash.js';

const H = hashKey('collide');

/** The keys; see the module comment. */
export const KEY_POOL: readonly (string | number)[] = [
  ...Array.from({ length: 70 }, (_, i) => i * 33),
  ...Array.from({ length: 12 }, (_, i) => `peer-${i}`),
  'collide',
  stringWithHash(H, 'x'),
  stringWithHash(H, 'y'),
  numberWithHash(H),
  stringWithHash(H ^ (1 << 5), 'near'),
  stringWithHash(H ^ (1 << 20), 'far'),
];
