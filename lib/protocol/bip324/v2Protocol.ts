import { bytesToHex } from '@noble/hashes/utils.js';
import { ProtocolError, type MessageDecoder, type WireProtocol } from '../WireProtocol.js';
import { decodePayload } from '../bitcoin/decodePayload.js';
import { encodePayload } from '../bitcoin/encodePayload.js';
import { InvalidMessageError } from '../bitcoin/errors.js';
import { DEFAULT_MAX_PAYLOAD } from '../bitcoin/frame.js';
import type { BitcoinMessage } from '../bitcoin/messages.js';
import { NETWORKS, networkByMagic } from '../bitcoin/networks.js';
import { decodeV2Contents, encodeV2Contents } from './messageTypes.js';
import type { V2Cipher } from './V2Cipher.js';
import { V2PacketReader } from './V2PacketReader.js';

/**
 * Options of {@link v2Protocol}.
 *
 * @example
 * ```ts
 * const options: V2ProtocolOptions = { magic: NETWORKS.regtest.magic };
 * ```
 */
export interface V2ProtocolOptions {
  /** The network magic, for the name only (the keys already depend on it). Default mainnet. */
  readonly magic?: number;
  /** Longest payload accepted and sent, as in `bitcoinProtocol`. Default 4,000,000 bytes. */
  readonly maxPayload?: number;
}

/**
 * The Bitcoin protocol over an established BIP324 session: a {@link WireProtocol}, so `Peer` uses
 * it unchanged. Unlike `bitcoinProtocol()` it belongs to one connection: `encode` advances the
 * session's send cipher, and `createDecoder` may be called once.
 *
 * @example
 * ```ts
 * const peer = new Peer(socket, session.protocol);
 * console.log(session.protocol.transport, session.protocol.sessionId);
 * ```
 */
export interface V2SessionProtocol extends WireProtocol<BitcoinMessage> {
  /** `'v2'`, Core's `transport_protocol_type` for `getpeerinfo`. */
  readonly transport: 'v2';
  /** The session id as 64 hex digits, Core's `session_id` for `getpeerinfo`. */
  readonly sessionId: string;
  /** A decoy packet of `length` zero bytes (ignore bit set), to be written like any message. */
  encodeDecoy(length: number): Uint8Array;
}

/**
 * Makes the {@link V2SessionProtocol} of an established session; normally called by the handshake.
 *
 * Decoders throw the v2 errors (`V2DecryptError`, `V2OversizePacketError`,
 * `V2MalformedContentsError`, ban score 10) and the v1 payload errors, and are then poisoned.
 * Messages with an undefined one-byte type are dropped, as Core does.
 *
 * @throws Error on a second `createDecoder()` call (one session, one connection).
 * @example
 * ```ts
 * const protocol = v2Protocol(cipher, { magic: NETWORKS.regtest.magic });
 * ```
 */
export function v2Protocol(cipher: V2Cipher, options: V2ProtocolOptions = {}): V2SessionProtocol {
  const magic = options.magic ?? NETWORKS.mainnet.magic;
  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const network = networkByMagic(magic)?.name ?? `0x${magic.toString(16).padStart(8, '0')}`;
  let decoderMade = false;
  return {
    name: `bitcoin-v2/${network}`,
    transport: 'v2',
    sessionId: bytesToHex(cipher.sessionId),
    encode(message: BitcoinMessage): Uint8Array {
      const payload = encodePayload(message);
      if (payload.length > maxPayload) {
        throw new InvalidMessageError(message.command, 'payload', payload, `at most maxPayload = ${maxPayload} bytes`);
      }
      return cipher.encrypt(encodeV2Contents(message.command, payload));
    },
    encodeDecoy(length: number): Uint8Array {
      return cipher.encrypt(new Uint8Array(length), { ignore: true });
    },
    createDecoder(): MessageDecoder<BitcoinMessage> {
      if (decoderMade) throw new Error('a v2 session protocol decodes one connection: createDecoder() called twice');
      decoderMade = true;
      return new V2MessageDecoder(new V2PacketReader(cipher, { maxContents: maxPayload + 13 }));
    },
  };
}

class V2MessageDecoder implements MessageDecoder<BitcoinMessage> {
  readonly #packets: V2PacketReader;
  #error: ProtocolError | undefined;

  constructor(packets: V2PacketReader) {
    this.#packets = packets;
  }

  push(chunk: Uint8Array): BitcoinMessage[] {
    if (this.#error !== undefined) throw this.#error;
    this.#packets.push(chunk);
    const messages: BitcoinMessage[] = [];
    try {
      for (let packet = this.#packets.next(); packet !== undefined; packet = this.#packets.next()) {
        if (packet.ignore) continue;
        const message = decodeV2Contents(packet.contents);
        if (message !== undefined) messages.push(decodePayload(message.command, message.payload));
      }
      return messages;
    } catch (error) {
      if (error instanceof ProtocolError) this.#error = error;
      throw error;
    }
  }
}
