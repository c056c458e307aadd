/**
 * A secret ranking of network groups, for the netgroup protection of
 * {@link selectNodeToEvict}.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { keyedHash } from '../addr/keyedHash.js';
import { PolicyArgumentError } from './errors.js';

/** The fewest key bytes {@link keyedNetGroup} accepts: 128 bits cannot be guessed. */
const MIN_KEY_BYTES = 16;

/**
 * Makes a keyed hash of a candidate's network group: the first four bytes
 * (little-endian) of SHA-256 over the key and the framed group name — the
 * address book's `keyedHash`, an unsigned 32-bit integer.
 *
 * Eviction protects the candidates whose groups rank highest under this hash.
 * The key is what makes that protection useful: without it an attacker could
 * work out which /16 (or /32) is protected and rent addresses there. Bitcoin
 * Core keys its netgroup hash with a per-node random secret for the same
 * reason.
 *
 * Equal groups always hash alike, so every peer of one group shares a rank.
 *
 * @param key - the secret, at least 16 bytes; copied, so later changes to the
 *   caller's buffer do not move the ranking.
 * @returns a function from a candidate (only its `group` is read) to its rank.
 * @throws {@link PolicyArgumentError} naming the key when it is not a
 *   `Uint8Array` of at least 16 bytes.
 *
 * @example
 * ```ts
 * const keyedGroup = keyedNetGroup(crypto.getRandomValues(new Uint8Array(32)));
 * selectNodeToEvict(candidates, { keyedGroup });
 * keyedGroup({ group: 'ipv4:203.0' }) === keyedGroup({ group: 'ipv4:203.0' }); // true
 * ```
 */
export function keyedNetGroup(key: Uint8Array): (candidate: { readonly group: string }) => number {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    throw new PolicyArgumentError('key', key, `a Uint8Array of at least ${MIN_KEY_BYTES} bytes`);
  }
  const secret = Uint8Array.from(key);
  // The address book's keyed hash (SHA-256 of key and framed parts), not a second construction.
  return (candidate) => keyedHash(secret, candidate.group);
}

/**
 * The ranking {@link selectNodeToEvict} uses when the caller passes none. Its
 * key is drawn once per process, so the ranking is stable for the life of the
 * node (a peer protected now stays protected, as in Core) and no outsider
 * can predict it. Pass your own `keyedGroup` for rankings reproducible across
 * runs (tests, simulations).
 *
 * @example
 * ```ts
 * defaultKeyedNetGroup({ group: 'ipv4:8.8' }); // some fixed 32-bit number, for this process
 * ```
 */
export const defaultKeyedNetGroup: (candidate: { readonly group: string }) => number = keyedNetGroup(randomBytes(32));
