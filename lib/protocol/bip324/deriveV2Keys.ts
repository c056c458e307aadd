import { expand as hkdfExpand, extract as hkdfExtract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The keys of one v2 session, all derived from the ECDH shared secret. `initiator*` keys encrypt
 * what the initiator sends, `responder*` what the responder sends; `L` keys are for the length
 * cipher, `P` keys for the packet cipher.
 *
 * @example
 * ```ts
 * const keys = deriveV2Keys(secret, NETWORKS.mainnet.magic);
 * ```
 */
export interface V2Keys {
  readonly initiatorL: Uint8Array;
  readonly initiatorP: Uint8Array;
  readonly responderL: Uint8Array;
  readonly responderP: Uint8Array;
  /** 16 bytes the initiator sends to end its garbage. */
  readonly initiatorGarbageTerminator: Uint8Array;
  /** 16 bytes the responder sends to end its garbage. */
  readonly responderGarbageTerminator: Uint8Array;
  /** 32 bytes both sides share; shown to users to detect a man in the middle. */
  readonly sessionId: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * BIP324 key derivation: HKDF-SHA256 with salt `"bitcoin_v2_shared_secret" || magic` (the magic's
 * 4 wire bytes, so peers on different networks fail at once) and the key's name as info.
 *
 * @param sharedSecret - the 32-byte `v2SharedSecret`.
 * @param magic - the network magic as a little-endian uint32 (e.g. `NETWORKS.mainnet.magic`).
 * @example
 * ```ts
 * deriveV2Keys(secret, 0xd9b4bef9).sessionId; // 32 bytes
 * ```
 */
export function deriveV2Keys(sharedSecret: Uint8Array, magic: number): V2Keys {
  const salt = new Uint8Array(28);
  salt.set(encoder.encode('bitcoin_v2_shared_secret'));
  new DataView(salt.buffer).setUint32(24, magic, true);
  const prk = hkdfExtract(sha256, sharedSecret, salt);
  const expand = (info: string): Uint8Array => hkdfExpand(sha256, prk, encoder.encode(info), 32);
  const terminators = expand('garbage_terminators');
  return {
    initiatorL: expand('initiator_L'),
    initiatorP: expand('initiator_P'),
    responderL: expand('responder_L'),
    responderP: expand('responder_P'),
    initiatorGarbageTerminator: terminators.slice(0, 16),
    responderGarbageTerminator: terminators.slice(16, 32),
    sessionId: expand('session_id'),
  };
}
