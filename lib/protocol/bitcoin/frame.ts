import { createHash } from 'node:crypto';
import { ProtocolError, type MessageDecoder } from '../WireProtocol.js';
import { InvalidOptionError } from '../../shared/InvalidOptionError.js';
import { ByteQueue } from './ByteQueue.js';
import { BadChecksumError, BadCommandError, BadMagicError, InvalidMessageError, OversizeMessageError } from './errors.js';

/** Size of a frame header: magic (4) + command (12) + payload length (4) + checksum (4). */
export const FRAME_HEADER_SIZE = 24;

/** Size of the NUL-padded command field of a frame header. */
export const COMMAND_SIZE = 12;

/**
 * The default limit on a frame's payload length: 4,000,000 bytes, Bitcoin Core's
 * `MAX_PROTOCOL_MESSAGE_LENGTH` (a maximal block fits).
 */
export const DEFAULT_MAX_PAYLOAD = 4_000_000;

const MAX_UINT32 = 0xffff_ffff;

/**
 * One frame of the Bitcoin P2P (v1) transport: a command name and its raw payload, checksum
 * already verified.
 *
 * @example
 * ```ts
 * const frame: Frame = { command: 'verack', payload: new Uint8Array(0) };
 * ```
 */
export interface Frame {
  /** The command, without its NUL padding (printable ASCII, at most 12 characters). */
  readonly command: string;
  /** The payload bytes (a fresh array, never a view of the pushed chunks). */
  readonly payload: Uint8Array;
}

/**
 * Options of {@link FrameDecoder}.
 *
 * @example
 * ```ts
 * new FrameDecoder(NETWORKS.regtest.magic, { maxPayload: 1_000_000 });
 * ```
 */
export interface FrameDecoderOptions {
  /** Longest accepted payload in bytes; longer frames are rejected from their header. Default {@link DEFAULT_MAX_PAYLOAD}. */
  readonly maxPayload?: number;
}

/**
 * The frame checksum: the first 4 bytes of SHA256(SHA256(payload)).
 *
 * @example
 * ```ts
 * frameChecksum(new Uint8Array(0)); // 5d f6 e0 e2
 * ```
 */
export function frameChecksum(payload: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(payload).digest();
  const twice = createHash('sha256').update(once).digest();
  return new Uint8Array(twice.buffer, twice.byteOffset, 4).slice();
}

/**
 * Wraps a payload in a v1 frame: magic (uint32 LE), command (ASCII, NUL-padded to 12 bytes),
 * payload length (uint32 LE), checksum, payload.
 *
 * @param magic - the network magic as a little-endian uint32, e.g. `NETWORKS.mainnet.magic`.
 * @param command - 0–12 printable ASCII characters (0x20–0x7e).
 * @throws InvalidMessageError for an invalid command or a payload over 4 GiB;
 *   InvalidOptionError for a magic that is not a uint32.
 * @example
 * ```ts
 * encodeFrame(NETWORKS.mainnet.magic, 'verack', new Uint8Array(0));
 * // f9beb4d9 76657261636b000000000000 00000000 5df6e0e2
 * ```
 */
export function encodeFrame(magic: number, command: string, payload: Uint8Array): Uint8Array {
  requireUint32('magic', magic);
  const commandProblem = checkCommandText(command);
  if (commandProblem !== undefined) throw new InvalidMessageError(command, 'command', command, commandProblem);
  if (payload.length > MAX_UINT32) {
    throw new InvalidMessageError(command, 'payload', payload, `at most ${MAX_UINT32} bytes`);
  }
  const frame = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, magic, true);
  for (let i = 0; i < command.length; i += 1) frame[4 + i] = command.charCodeAt(i);
  view.setUint32(16, payload.length, true);
  frame.set(frameChecksum(payload), 20);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

/**
 * The streaming v1 frame decoder: push socket chunks of any size, get the complete frames back.
 * Checks, in order, as soon as the 24 header bytes are in: the magic ({@link BadMagicError}), the
 * command field ({@link BadCommandError}), the announced length ({@link OversizeMessageError}, so an
 * oversize payload is never buffered); then, once the payload is in, the checksum
 * ({@link BadChecksumError}). Poisoned by its first error, as every {@link MessageDecoder}.
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder(NETWORKS.mainnet.magic);
 * decoder.push(bytes.subarray(0, 10)); // []
 * decoder.push(bytes.subarray(10));    // [{ command: 'verack', payload: Uint8Array(0) }]
 * ```
 */
export class FrameDecoder implements MessageDecoder<Frame> {
  readonly #magic: number;
  readonly #maxPayload: number;
  readonly #queue = new ByteQueue();
  #header: { readonly command: string; readonly length: number; readonly checksum: Uint8Array } | undefined;
  #error: ProtocolError | undefined;

  /**
   * @param magic - the only network magic accepted.
   * @param options - see {@link FrameDecoderOptions}.
   * @throws InvalidOptionError when `magic` or `maxPayload` is not a uint32.
   */
  constructor(magic: number, options: FrameDecoderOptions = {}) {
    requireUint32('magic', magic);
    const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    requireUint32('maxPayload', maxPayload);
    this.#magic = magic;
    this.#maxPayload = maxPayload;
  }

  /** {@inheritDoc MessageDecoder.push} */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error !== undefined) throw this.#error;
    this.#queue.push(chunk);
    try {
      return this.#drain();
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.#error = error;
        this.#queue.clear();
      }
      throw error;
    }
  }

  #drain(): Frame[] {
    const frames: Frame[] = [];
    for (;;) {
      if (this.#header === undefined) {
        if (this.#queue.length < FRAME_HEADER_SIZE) return frames;
        this.#header = this.#readHeader(this.#queue.take(FRAME_HEADER_SIZE));
      }
      const { command, length, checksum } = this.#header;
      if (this.#queue.length < length) return frames;
      const payload = this.#queue.take(length);
      this.#header = undefined;
      const actual = frameChecksum(payload);
      if (!sameBytes(actual, checksum)) throw new BadChecksumError(command, checksum, actual);
      frames.push({ command, payload });
    }
  }

  #readHeader(header: Uint8Array): { command: string; length: number; checksum: Uint8Array } {
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const magic = view.getUint32(0, true);
    if (magic !== this.#magic) throw new BadMagicError(magic, this.#magic);
    const command = parseCommandField(header.subarray(4, 4 + COMMAND_SIZE));
    const length = view.getUint32(16, true);
    if (length > this.#maxPayload) throw new OversizeMessageError(command, length, this.#maxPayload);
    return { command, length, checksum: header.slice(20, 24) };
  }
}

/**
 * Reads a 12-byte command field by Core's rule (`IsMessageTypeValid`): printable ASCII, then only
 * NULs after the first NUL. Shared with the v2 transport, whose long message types are the same field.
 *
 * @throws BadCommandError when the field breaks the rule.
 * @example
 * ```ts
 * parseCommandField(Uint8Array.of(0x70, 0x69, 0x6e, 0x67, 0, 0, 0, 0, 0, 0, 0, 0)); // 'ping'
 * ```
 */
export function parseCommandField(field: Uint8Array): string {
  let end = field.indexOf(0);
  if (end === -1) end = field.length;
  for (let i = 0; i < end; i += 1) {
    const byte = field[i] as number;
    if (byte < 0x20 || byte > 0x7e) {
      throw new BadCommandError(field.slice(), `byte ${i} (0x${byte.toString(16).padStart(2, '0')}) is not printable ASCII`);
    }
  }
  for (let i = end; i < field.length; i += 1) {
    if (field[i] !== 0) throw new BadCommandError(field.slice(), `a non-NUL byte follows the first NUL (at byte ${i})`);
  }
  return String.fromCharCode(...field.subarray(0, end));
}

/**
 * Why `command` cannot be put in a 12-byte command field, or `undefined` when it can.
 *
 * @example
 * ```ts
 * checkCommandText('ping'); // undefined
 * checkCommandText('x'.repeat(13)); // 'at most 12 characters'
 * ```
 */
export function checkCommandText(command: string): string | undefined {
  if (command.length > COMMAND_SIZE) return `at most ${COMMAND_SIZE} characters`;
  for (let i = 0; i < command.length; i += 1) {
    const code = command.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return 'printable ASCII characters (0x20–0x7e) only';
  }
  return undefined;
}

function requireUint32(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new InvalidOptionError(option, value, `an integer 0–${MAX_UINT32}`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
