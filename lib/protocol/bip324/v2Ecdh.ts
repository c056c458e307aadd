import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ellswiftDecode, ellswiftEncode } from './ellswift.js';

/**
 * The BIP324 key exchange: ephemeral keys with ElligatorSwift-encoded public keys, and the X-only
 * ECDH whose result is hashed with both encodings as sent, so tampering with either changes the
 * shared secret.
 * @packageDocumentation
 */

/**
 * An ephemeral key pair: the secret scalar and the 64-byte ElligatorSwift encoding of its public
 * key, as sent on the wire.
 *
 * @example
 * ```ts
 * const { privateKey, ellswift } = ellswiftCreate(randomBytes);
 * ```
 */
export interface EllswiftKeyPair {
  /** The 32-byte private key (big-endian scalar in `1..n-1`). */
  readonly privateKey: Uint8Array;
  /** The 64-byte ElligatorSwift encoding of the public key. */
  readonly ellswift: Uint8Array;
}

/**
 * `ellswift_create()`: a random private key and a random encoding of its public key.
 *
 * @param randomBytes - the randomness source (e.g. `crypto.randomBytes`); injected for tests.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * const ours = ellswiftCreate(randomBytes);
 * ```
 */
export function ellswiftCreate(randomBytes: (length: number) => Uint8Array): EllswiftKeyPair {
  let privateKey: Uint8Array;
  do privateKey = Uint8Array.from(randomBytes(32));
  while (!secp256k1.utils.isValidSecretKey(privateKey));
  const x = secp256k1.getPublicKey(privateKey, true).subarray(1);
  return { privateKey, ellswift: ellswiftEncode(x, randomBytes) };
}

/**
 * `ellswift_ecdh_xonly(ellswift_theirs, priv)`: the X coordinate (32 bytes) of `priv ⋅ P`, where
 * `P` is the point their 64-byte encoding decodes to. Any 64 bytes decode to a point, so this never
 * fails on the remote's input.
 *
 * @throws RangeError when `theirs` is not 64 bytes; an error from noble when `privateKey` is invalid.
 * @example
 * ```ts
 * ellswiftEcdhXonly(theirEllswift, ours.privateKey); // 32 bytes
 * ```
 */
export function ellswiftEcdhXonly(theirs: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const x = ellswiftDecode(theirs);
  const point = secp256k1.Point.fromBytes(Uint8Array.of(0x02, ...x));
  return point.multiply(bytesToNumberBE(privateKey)).toBytes(true).subarray(1);
}

const ECDH_TAG = sha256(new TextEncoder().encode('bip324_ellswift_xonly_ecdh'));

/**
 * The BIP324 shared secret: `TaggedHash("bip324_ellswift_xonly_ecdh", ellswift_initiator ||
 * ellswift_responder || x)` with `x` the X-only ECDH result.
 *
 * @param initiating - whether we opened the connection (decides the order of the encodings).
 * @example
 * ```ts
 * const secret = v2SharedSecret(ours.privateKey, theirs, ours.ellswift, true);
 * ```
 */
export function v2SharedSecret(privateKey: Uint8Array, theirs: Uint8Array, ours: Uint8Array, initiating: boolean): Uint8Array {
  const x = ellswiftEcdhXonly(theirs, privateKey);
  const [first, second] = initiating ? [ours, theirs] : [theirs, ours];
  return sha256.create().update(ECDH_TAG).update(ECDH_TAG).update(first).update(second).update(x).digest();
}
