import { ByteQueue } from '../bitcoin/ByteQueue.js';
import { V1ResponseError, V1WrongNetworkError, V2GarbageTooLongError } from './errors.js';
import { V2Cipher } from './V2Cipher.js';
import { V2PacketReader } from './V2PacketReader.js';
import { ellswiftCreate, type EllswiftKeyPair } from './v2Ecdh.js';

/** The most garbage a side may send after its key. */
export const MAX_GARBAGE = 4095;
/** Bytes of a garbage terminator. */
export const GARBAGE_TERMINATOR_SIZE = 16;
/** Bytes of an ElligatorSwift public key. */
export const ELLSWIFT_SIZE = 64;
const V1_COMMAND = new TextEncoder().encode('version\0\0\0\0\0');

/**
 * The 16 bytes a v1 initiator's first message starts with: our magic, then `version` NUL-padded.
 *
 * @example
 * ```ts
 * v1Prefix(NETWORKS.mainnet.magic); // f9beb4d9 76657273696f6e0000000000
 * ```
 */
export function v1Prefix(magic: number): Uint8Array {
  const prefix = new Uint8Array(16);
  new DataView(prefix.buffer).setUint32(0, magic, true);
  prefix.set(V1_COMMAND, 4);
  return prefix;
}

/**
 * Options of {@link V2Handshake}.
 *
 * @example
 * ```ts
 * const options: V2HandshakeOptions = { initiating: true, magic: NETWORKS.regtest.magic, randomBytes };
 * ```
 */
export interface V2HandshakeOptions {
  /** Whether we opened the connection. */
  readonly initiating: boolean;
  /** The network magic (little-endian uint32). */
  readonly magic: number;
  /** Randomness for the key, its encoding and the garbage (e.g. `crypto.randomBytes`). */
  readonly randomBytes: (length: number) => Uint8Array;
  /**
   * Garbage bytes to send after our key, 0–4095. Default: drawn uniformly from `randomBytes`, so
   * the handshake has no fixed size to fingerprint.
   */
  readonly garbageLength?: number;
  /** Contents lengths of decoy packets sent before the version packet. Default none. */
  readonly decoys?: readonly number[];
  /**
   * Initiator only: send the garbage with our key (`true`, as Core does) or hold it back until the
   * responder's key is in (`false`; still before our terminator, so still BIP324). Holding it
   * back means a v1-only node sees only 64 bytes, which matters to nodes that charge ban points
   * per bad 24-byte header (bcoin bans after 10), at the price of a fixed 64-byte first flight.
   * Default `true`.
   */
  readonly garbageWithKey?: boolean;
  /**
   * Responder only: accept a v1 initiator (first 16 bytes = {@link v1Prefix}) and report
   * `transport: 'v1'`. Default `true`; with `false` such bytes are treated as a v2 key.
   */
  readonly allowV1?: boolean;
}

/**
 * What a finished handshake produced.
 *
 * - `v1`: the responder saw a v1 version header; `received` holds every byte read so far, to be
 *   handed to a v1 decoder first.
 * - `v2`: the session is up; `leftover` holds bytes received after the version packet (already
 *   the remote's first messages), to be decoded first.
 *
 * @example
 * ```ts
 * if (outcome.transport === 'v2') console.log(bytesToHex(outcome.cipher.sessionId));
 * ```
 */
export type V2HandshakeOutcome =
  | { readonly transport: 'v1'; readonly received: Uint8Array }
  | { readonly transport: 'v2'; readonly cipher: V2Cipher; readonly leftover: Uint8Array };

/**
 * What one step of the handshake asks of its driver: bytes to write (possibly none) and, once,
 * the outcome.
 *
 * @example
 * ```ts
 * const { send, outcome } = handshake.push(chunk);
 * ```
 */
export interface V2HandshakeStep {
  /** Bytes to write to the socket now (empty when there is nothing to send). */
  readonly send: Uint8Array;
  /** Set when the handshake is over; later pushes throw. */
  readonly outcome?: V2HandshakeOutcome;
}

type State = 'prefix' | 'key' | 'garbage' | 'version' | 'done';

/**
 * The BIP324 handshake as a state machine without I/O: feed it what the socket delivers, write
 * what it returns. States: (responder only) `prefix` — is it a v1 header? — then `key` (their 64
 * bytes), `garbage` (up to 4095 bytes, until their terminator), `version` (packets up to their
 * version packet, skipping decoys), `done`.
 *
 * As soon as their key is in we send our terminator, decoys and version packet, with our garbage
 * as the first packet's authenticated data; their garbage authenticates their first packet.
 *
 * @example
 * ```ts
 * const handshake = new V2Handshake({ initiating: true, magic, randomBytes });
 * socket.write(handshake.start());
 * socket.on('data', (chunk) => {
 *   const { send, outcome } = handshake.push(chunk);
 *   if (send.length > 0) socket.write(send);
 *   if (outcome) done(outcome);
 * });
 * ```
 */
export class V2Handshake {
  readonly #options: V2HandshakeOptions;
  readonly #prefix: Uint8Array;
  readonly #queue = new ByteQueue();
  #state: State;
  #keys: EllswiftKeyPair | undefined;
  #sentGarbage: Uint8Array = new Uint8Array(0);
  #received: Uint8Array[] = [];
  #garbage: Uint8Array = new Uint8Array(0);
  #cipher: V2Cipher | undefined;
  #reader: V2PacketReader | undefined;
  #started = false;

  /** @param options - see {@link V2HandshakeOptions}. */
  constructor(options: V2HandshakeOptions) {
    const length = options.garbageLength;
    if (length !== undefined && (!Number.isInteger(length) || length < 0 || length > MAX_GARBAGE)) {
      throw new RangeError(`garbageLength must be an integer 0–${MAX_GARBAGE}, got ${length}`);
    }
    this.#options = options;
    this.#prefix = v1Prefix(options.magic);
    this.#state = options.initiating ? 'key' : 'prefix';
  }

  /** The bytes to send first: the initiator's key and garbage; nothing for a responder. */
  start(): Uint8Array {
    if (this.#started) throw new Error('V2Handshake.start() called twice');
    this.#started = true;
    if (!this.#options.initiating) return new Uint8Array(0);
    const keyAndGarbage = this.#ourKeyAndGarbage();
    return this.#holdsGarbage() ? keyAndGarbage.subarray(0, ELLSWIFT_SIZE) : keyAndGarbage;
  }

  #holdsGarbage(): boolean {
    return this.#options.initiating && this.#options.garbageWithKey === false;
  }

  /**
   * Feeds received bytes.
   *
   * @throws V1ResponseError (initiator: the reply starts with our magic), V1WrongNetworkError,
   *   V2GarbageTooLongError, V2DecryptError, V2OversizePacketError; or Error when called after the
   *   outcome or before `start()`.
   */
  push(chunk: Uint8Array): V2HandshakeStep {
    if (!this.#started) throw new Error('V2Handshake.push() before start()');
    if (this.#state === 'done') throw new Error('V2Handshake.push() after the handshake completed');
    const sends: Uint8Array[] = [];
    if (this.#state === 'prefix' && this.#options.allowV1 !== false) this.#received.push(chunk);
    this.#queue.push(chunk);
    const outcome = this.#advance(sends);
    const send = concat(sends);
    return outcome === undefined ? { send } : { send, outcome };
  }

  #advance(sends: Uint8Array[]): V2HandshakeOutcome | undefined {
    if (this.#state === 'prefix') {
      const decision = this.#checkPrefix();
      if (decision === 'undecided') return undefined;
      if (decision === 'v1') {
        this.#state = 'done';
        return { transport: 'v1', received: concat(this.#received) };
      }
      this.#received = [];
      sends.push(this.#ourKeyAndGarbage());
      this.#state = 'key';
    }
    if (this.#state === 'key') {
      if (this.#options.initiating) this.#checkNotV1Reply();
      else this.#checkNotWrongNetworkV1();
      if (this.#queue.length < ELLSWIFT_SIZE) return undefined;
      sends.push(this.#establish(this.#queue.take(ELLSWIFT_SIZE)));
      this.#state = 'garbage';
    }
    if (this.#state === 'garbage') {
      if (!this.#findTerminator()) return undefined;
      this.#state = 'version';
    }
    const reader = this.#reader as V2PacketReader;
    reader.push(this.#queue.take(this.#queue.length));
    for (let packet = reader.next(); packet !== undefined; packet = reader.next()) {
      // The version packet's contents are reserved for future versions and ignored.
      if (packet.ignore) continue;
      this.#state = 'done';
      return { transport: 'v2', cipher: this.#cipher as V2Cipher, leftover: reader.takeRest() };
    }
    return undefined;
  }

  /** Compares what has arrived with the v1 prefix; decides at the first differing byte. */
  #checkPrefix(): 'v1' | 'v2' | 'undecided' {
    if (this.#options.allowV1 === false) return 'v2';
    const seen = concat(this.#received);
    const n = Math.min(seen.length, this.#prefix.length);
    for (let i = 0; i < n; i += 1) if (seen[i] !== this.#prefix[i]) return 'v2';
    return seen.length >= this.#prefix.length ? 'v1' : 'undecided';
  }

  /**
   * Responder: 16 bytes that are a v1 `version` header of another network are refused at once
   * (as Core does), not awaited as the rest of a 64-byte key that a short v1 frame never sends.
   */
  #checkNotWrongNetworkV1(): void {
    if (this.#queue.length < 16) return;
    const head = this.#queue.take(this.#queue.length);
    this.#queue.push(head);
    if (head.subarray(4, 16).every((byte, i) => byte === this.#prefix[4 + i])) throw new V1WrongNetworkError(head.slice(0, 4));
  }

  /** An initiator whose reply starts with our magic is talking to a v1 node. */
  #checkNotV1Reply(): void {
    if (this.#queue.length < 4 || this.#cipher !== undefined) return;
    const head = this.#queue.take(this.#queue.length);
    this.#queue.push(head);
    if (head.subarray(0, 4).every((byte, i) => byte === this.#prefix[i])) throw new V1ResponseError(head);
  }

  #ourKeyAndGarbage(): Uint8Array {
    const random = this.#options.randomBytes;
    this.#keys = ellswiftCreate(random);
    const draw = random(2);
    const length = this.#options.garbageLength ?? (((draw[0] as number) << 8) | (draw[1] as number)) % (MAX_GARBAGE + 1);
    this.#sentGarbage = Uint8Array.from(random(length).subarray(0, length));
    return concat([this.#keys.ellswift, this.#sentGarbage]);
  }

  /** Their key is in: derive the session and return our terminator, decoys and version packet. */
  #establish(theirs: Uint8Array): Uint8Array {
    const keys = this.#keys as EllswiftKeyPair;
    const cipher = V2Cipher.establish({
      privateKey: keys.privateKey,
      ours: keys.ellswift,
      theirs,
      initiating: this.#options.initiating,
      magic: this.#options.magic,
    });
    this.#cipher = cipher;
    const out = this.#holdsGarbage() ? [this.#sentGarbage, cipher.sendGarbageTerminator] : [cipher.sendGarbageTerminator];
    let aad = this.#sentGarbage;
    for (const length of this.#options.decoys ?? []) {
      out.push(cipher.encrypt(new Uint8Array(length), { aad, ignore: true }));
      aad = new Uint8Array(0);
    }
    out.push(cipher.encrypt(new Uint8Array(0), { aad }));
    return concat(out);
  }

  /** Looks for their terminator in the garbage received so far (at most 4095 bytes before it). */
  #findTerminator(): boolean {
    const terminator = (this.#cipher as V2Cipher).recvGarbageTerminator;
    const limit = MAX_GARBAGE + GARBAGE_TERMINATOR_SIZE;
    const before = this.#garbage.length;
    const wanted = Math.min(this.#queue.length, limit - before);
    this.#garbage = concat([this.#garbage, this.#queue.take(wanted)]);
    // Only positions the new bytes could complete need checking.
    for (let end = Math.max(GARBAGE_TERMINATOR_SIZE, before + 1); end <= this.#garbage.length; end += 1) {
      const start = end - GARBAGE_TERMINATOR_SIZE;
      if (terminator.every((byte, i) => byte === this.#garbage[start + i])) {
        const rest = this.#garbage.subarray(end);
        this.#reader = new V2PacketReader(this.#cipher as V2Cipher, { aad: this.#garbage.slice(0, start) });
        this.#reader.push(rest.slice());
        return true;
      }
    }
    if (this.#garbage.length >= limit) throw new V2GarbageTooLongError(limit);
    return false;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
