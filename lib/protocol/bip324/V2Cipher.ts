import { deriveV2Keys, type V2Keys } from './deriveV2Keys.js';
import { FSChaCha20 } from './FSChaCha20.js';
import { FSChaCha20Poly1305 } from './FSChaCha20Poly1305.js';
import { v2SharedSecret } from './v2Ecdh.js';

/** Bytes of a packet's encrypted length field. */
export const LENGTH_FIELD_SIZE = 3;
/** Bytes of a packet's header (the flags byte, inside the AEAD). */
export const HEADER_SIZE = 1;
/** Bytes the Poly1305 tag adds. */
export const TAG_SIZE = 16;
/** The header bit that marks a decoy packet, to be ignored by the receiver. */
export const IGNORE_BIT = 0x80;
/** The largest contents a packet can carry: the 3-byte length field's maximum. */
export const MAX_PACKET_CONTENTS = 0xff_ffff;

/**
 * Options of {@link V2Cipher.encrypt}.
 *
 * @example
 * ```ts
 * cipher.encrypt(new Uint8Array(10), { ignore: true }); // a decoy
 * ```
 */
export interface V2EncryptOptions {
  /** Authenticated data: the garbage we sent, for our first packet only. Default empty. */
  readonly aad?: Uint8Array;
  /** Set the ignore bit (a decoy packet). Default `false`. */
  readonly ignore?: boolean;
}

/**
 * A decrypted packet.
 *
 * @example
 * ```ts
 * const packet: V2Packet = { ignore: false, contents: new Uint8Array(0) };
 * ```
 */
export interface V2Packet {
  /** Whether the sender set the ignore bit (a decoy). */
  readonly ignore: boolean;
  /** The packet contents (for a message: type then payload). */
  readonly contents: Uint8Array;
}

/**
 * The established BIP324 ciphers of one connection, both directions: a length cipher and a packet
 * cipher each way, the garbage terminators and the session id. It frames packets (length, header,
 * contents, tag) but knows nothing of sockets or messages.
 *
 * @example
 * ```ts
 * const cipher = V2Cipher.establish({ privateKey, ours, theirs, initiating: true, magic });
 * socket.write(cipher.encrypt(contents));
 * ```
 */
export class V2Cipher {
  /** The 32-byte session id (the same on both sides). */
  readonly sessionId: Uint8Array;
  /** The 16 bytes we send to end our garbage. */
  readonly sendGarbageTerminator: Uint8Array;
  /** The 16 bytes that end the remote's garbage. */
  readonly recvGarbageTerminator: Uint8Array;
  readonly #sendL: FSChaCha20;
  readonly #sendP: FSChaCha20Poly1305;
  readonly #recvL: FSChaCha20;
  readonly #recvP: FSChaCha20Poly1305;

  /**
   * @param keys - the derived session keys.
   * @param initiating - whether we opened the connection (we then send with the initiator keys).
   */
  constructor(keys: V2Keys, initiating: boolean) {
    this.sessionId = keys.sessionId;
    const [sendL, sendP, recvL, recvP] = initiating
      ? [keys.initiatorL, keys.initiatorP, keys.responderL, keys.responderP]
      : [keys.responderL, keys.responderP, keys.initiatorL, keys.initiatorP];
    this.#sendL = new FSChaCha20(sendL);
    this.#sendP = new FSChaCha20Poly1305(sendP);
    this.#recvL = new FSChaCha20(recvL);
    this.#recvP = new FSChaCha20Poly1305(recvP);
    this.sendGarbageTerminator = initiating ? keys.initiatorGarbageTerminator : keys.responderGarbageTerminator;
    this.recvGarbageTerminator = initiating ? keys.responderGarbageTerminator : keys.initiatorGarbageTerminator;
  }

  /**
   * ECDH, then key derivation, then the ciphers: everything after both public keys are known.
   *
   * @example
   * ```ts
   * V2Cipher.establish({ privateKey: ours.privateKey, ours: ours.ellswift, theirs, initiating: false, magic });
   * ```
   */
  static establish(init: {
    /** Our ephemeral private key. */
    readonly privateKey: Uint8Array;
    /** Our 64-byte ElligatorSwift public key, as sent. */
    readonly ours: Uint8Array;
    /** Their 64-byte ElligatorSwift public key, as received. */
    readonly theirs: Uint8Array;
    /** Whether we opened the connection. */
    readonly initiating: boolean;
    /** The network magic (little-endian uint32). */
    readonly magic: number;
  }): V2Cipher {
    const secret = v2SharedSecret(init.privateKey, init.theirs, init.ours, init.initiating);
    return new V2Cipher(deriveV2Keys(secret, init.magic), init.initiating);
  }

  /**
   * One packet on the wire: encrypted length, then header and contents sealed with the tag.
   *
   * @throws RangeError when `contents` is longer than {@link MAX_PACKET_CONTENTS} (our bug).
   */
  encrypt(contents: Uint8Array, options: V2EncryptOptions = {}): Uint8Array {
    if (contents.length > MAX_PACKET_CONTENTS) {
      throw new RangeError(`packet contents of ${contents.length} bytes exceed ${MAX_PACKET_CONTENTS}`);
    }
    const plaintext = new Uint8Array(HEADER_SIZE + contents.length);
    plaintext[0] = options.ignore === true ? IGNORE_BIT : 0;
    plaintext.set(contents, HEADER_SIZE);
    const sealed = this.#sendP.encrypt(options.aad ?? new Uint8Array(0), plaintext);
    const length = Uint8Array.of(contents.length & 0xff, (contents.length >> 8) & 0xff, contents.length >> 16);
    const out = new Uint8Array(LENGTH_FIELD_SIZE + sealed.length);
    out.set(this.#sendL.crypt(length));
    out.set(sealed, LENGTH_FIELD_SIZE);
    return out;
  }

  /**
   * Decrypts the next packet's 3-byte length field: the contents length. Call exactly once per
   * packet, before {@link V2Cipher.decrypt}; the length is not authenticated until then.
   */
  decryptLength(field: Uint8Array): number {
    const [a, b, c] = this.#recvL.crypt(field) as unknown as [number, number, number];
    return a | (b << 8) | (c << 16);
  }

  /**
   * Opens the rest of a packet (`HEADER_SIZE + length + TAG_SIZE` bytes), or returns `undefined`
   * when it does not authenticate (tampered, wrong key, or out of sync).
   */
  decrypt(sealed: Uint8Array, aad: Uint8Array = new Uint8Array(0)): V2Packet | undefined {
    const plaintext = this.#recvP.decrypt(aad, sealed);
    if (plaintext === undefined || plaintext.length < HEADER_SIZE) return undefined;
    return { ignore: ((plaintext[0] as number) & IGNORE_BIT) !== 0, contents: plaintext.subarray(HEADER_SIZE) };
  }
}
