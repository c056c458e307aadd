/**
 * The keyed hash that decides where an address lives in the {@link AddressBook}.
 *
 * @packageDocumentation
 */
import * as crypto from 'node:crypto';

/** One input to {@link keyedHash}: text, a non-negative 32-bit integer, or raw bytes. */
export type HashPart = string | number | Uint8Array;

const TAG_STRING = 1;
const TAG_NUMBER = 2;
const TAG_BYTES = 3;

/**
 * A 32-bit keyed hash: the first four bytes (little-endian) of
 * SHA-256(key ‖ encoded parts).
 *
 * Each part is framed with a type tag and (for text and bytes) its length, so
 * that no two different part lists hash the same input; without the framing
 * `('ab', 'c')` and `('a', 'bc')` would collide and an attacker could steer
 * placement by choosing how a group name splits. Prefixing a secret key to
 * SHA-256 is what Bitcoin Core does for its address manager; it needs no
 * length-extension resistance here because the output is never published.
 *
 * Only the low bits are ever used (every table size is a power of two), so
 * 32 bits are plenty.
 *
 * @param key - the secret (any length; the book uses 32 bytes).
 * @param parts - the values to hash, in order; numbers must be integers in
 *   [0, 2^32).
 * @returns an unsigned 32-bit integer.
 * @throws RangeError when a number part is not a 32-bit unsigned integer.
 *
 * @example
 * ```ts
 * const bucket = keyedHash(key, 'ipv4:203.0', 3) % 256;
 * ```
 */
export function keyedHash(key: Uint8Array, ...parts: readonly HashPart[]): number {
  let length = key.length;
  for (const part of parts) {
    if (typeof part === 'string') length += 5 + Buffer.byteLength(part, 'utf8');
    else if (typeof part === 'number') length += 5;
    else length += 5 + part.length;
  }
  const buffer = Buffer.allocUnsafe(length);
  buffer.set(key, 0);
  let offset = key.length;
  for (const part of parts) {
    if (typeof part === 'string') {
      buffer[offset] = TAG_STRING;
      const written = buffer.write(part, offset + 5, 'utf8');
      buffer.writeUInt32LE(written, offset + 1);
      offset += 5 + written;
    } else if (typeof part === 'number') {
      if (!Number.isInteger(part) || part < 0 || part > 0xffffffff) {
        throw new RangeError(`keyedHash: number part must be a 32-bit unsigned integer, got ${part}`);
      }
      buffer[offset] = TAG_NUMBER;
      buffer.writeUInt32LE(part, offset + 1);
      offset += 5;
    } else {
      buffer[offset] = TAG_BYTES;
      buffer.writeUInt32LE(part.length, offset + 1);
      buffer.set(part, offset + 5);
      offset += 5 + part.length;
    }
  }
  return sha256(buffer).readUInt32LE(0);
}

// The one-shot `crypto.hash` (Node ≥ 20.12) is about a third faster than a Hash object;
// older Node 20 releases fall back to the latter.
const sha256: (data: Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer')
    : (data) => crypto.createHash('sha256').update(data).digest();
