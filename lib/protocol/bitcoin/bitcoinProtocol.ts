import { ProtocolError, type MessageDecoder, type WireProtocol } from '../WireProtocol.js';
import { decodePayload } from './decodePayload.js';
import { encodePayload } from './encodePayload.js';
import { InvalidMessageError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD, FrameDecoder, encodeFrame } from './frame.js';
import type { BitcoinMessage } from './messages.js';
import { NETWORKS, networkByMagic } from './networks.js';

/**
 * Options of {@link bitcoinProtocol}.
 *
 * @example
 * ```ts
 * const options: BitcoinProtocolOptions = { magic: NETWORKS.regtest.magic };
 * ```
 */
export interface BitcoinProtocolOptions {
  /** The network magic (little-endian uint32, see `NETWORKS`); default mainnet, `0xd9b4bef9`. */
  readonly magic?: number;
  /**
   * Longest payload accepted from peers, and sent: longer incoming frames are rejected from their
   * header, longer outgoing messages throw. Default {@link DEFAULT_MAX_PAYLOAD} (4,000,000 bytes).
   */
  readonly maxPayload?: number;
}

/**
 * The Bitcoin P2P wire protocol (v1 transport, unencrypted): messages framed with magic, command,
 * length and checksum, payloads as in Bitcoin Core. Known commands decode into typed
 * {@link BitcoinMessage}s, every other command into `{ command, payload }`.
 *
 * Decoders throw {@link ProtocolError} subclasses (each with its ban score) and are then poisoned;
 * `encode` throws `InvalidMessageError` for a message that cannot be put on the wire.
 *
 * @throws InvalidOptionError when `magic` or `maxPayload` is not a uint32.
 * @example
 * ```ts
 * const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
 * socket.write(protocol.encode({ command: 'ping', nonce: 7n }));
 * const decoder = protocol.createDecoder();
 * socket.on('data', (chunk) => decoder.push(chunk).forEach(handle));
 * ```
 */
export function bitcoinProtocol(options: BitcoinProtocolOptions = {}): WireProtocol<BitcoinMessage> {
  const magic = options.magic ?? NETWORKS.mainnet.magic;
  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  // Validates both options now rather than on the first connection.
  new FrameDecoder(magic, { maxPayload });
  const network = networkByMagic(magic)?.name ?? `0x${magic.toString(16).padStart(8, '0')}`;
  return {
    name: `bitcoin/${network}`,
    encode(message: BitcoinMessage): Uint8Array {
      const payload = encodePayload(message);
      if (payload.length > maxPayload) {
        throw new InvalidMessageError(message.command, 'payload', payload, `at most maxPayload = ${maxPayload} bytes`);
      }
      return encodeFrame(magic, message.command, payload);
    },
    createDecoder(): MessageDecoder<BitcoinMessage> {
      return new BitcoinMessageDecoder(new FrameDecoder(magic, { maxPayload }));
    },
  };
}

class BitcoinMessageDecoder implements MessageDecoder<BitcoinMessage> {
  readonly #frames: FrameDecoder;
  #error: ProtocolError | undefined;

  constructor(frames: FrameDecoder) {
    this.#frames = frames;
  }

  push(chunk: Uint8Array): BitcoinMessage[] {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.#frames.push(chunk).map((frame) => decodePayload(frame.command, frame.payload));
    } catch (error) {
      if (error instanceof ProtocolError) this.#error = error;
      throw error;
    }
  }
}
