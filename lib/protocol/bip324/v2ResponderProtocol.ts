import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ProtocolError, type MessageDecoder, type WireProtocol } from '../WireProtocol.js';
import { bitcoinProtocol } from '../bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../bitcoin/messages.js';
import { NETWORKS } from '../bitcoin/networks.js';
import { protocolOptionsOf } from './negotiateTransport.js';
import { V2Handshake } from './V2Handshake.js';
import { v2Protocol } from './v2Protocol.js';

/**
 * Options of {@link v2ResponderProtocol}.
 *
 * @example
 * ```ts
 * const options: V2ResponderOptions = { magic: NETWORKS.regtest.magic };
 * ```
 */
export interface V2ResponderOptions {
  /** The network magic (little-endian uint32). @default mainnet's */
  readonly magic?: number;
  /** Longest payload accepted and sent, on either transport. @default 4,000,000 bytes */
  readonly maxPayload?: number;
  /** Randomness for our key and garbage. @default `crypto.randomBytes` */
  readonly randomBytes?: (length: number) => Uint8Array;
  /** Garbage bytes after our key, 0–4095. @default random */
  readonly garbageLength?: number;
}

/**
 * The protocol of one inbound connection whose transport is not known yet: once decided, it says
 * which (`transport`, and the v2 `sessionId`), as a `V2SessionProtocol` does, so `transportInfo`
 * reads it the same way.
 */
export interface V2ResponderProtocol extends WireProtocol<BitcoinMessage> {
  /** `'v1'` or `'v2'` once the first bytes decided; `undefined` before. */
  readonly transport: 'v1' | 'v2' | undefined;
  /** The v2 session id (64 hex digits) once a v2 session is up; `undefined` otherwise. */
  readonly sessionId: string | undefined;
}

/**
 * The inbound side of BIP324 as a `WireProtocol`, for a `Peer` built the moment a connection is
 * accepted: its decoder runs the responder's handshake on the bytes the `Peer` reads — a v1
 * initiator is recognised from its first 16 bytes (our magic, then `version`) and decoded as v1
 * from its first byte on; anything else is taken as a v2 key, answered through `write` (our key,
 * garbage, terminator, version packet), and the session's messages are decoded from then on.
 *
 * Why not `negotiateTransport` here: a node judges an inbound connection (bans, slots, handshakes
 * in flight) in its manager's reducer, which needs the conn — with its `Peer` — at accept. So the
 * `Peer` exists before the transport is known, and the handshake runs inside it. Nothing is read,
 * computed or sent before the `Peer` reads its first bytes, so a refused conn costs no key work.
 *
 * The handshake's errors reach the `Peer` as decoder errors (`V1WrongNetworkError` 100,
 * `V2GarbageTooLongError`/`V2DecryptError` 10), so it closes and its handshake fails as with any
 * bad frame; its time limit is the version handshake's.
 *
 * @param write - writes our handshake bytes to the connection (the `Peer`'s socket).
 * @throws Error from `encode` while the transport is undecided (an inbound node waits for the
 *   remote's `version`, so it only answers once decided), and on a second `createDecoder()`.
 * @example
 * ```ts
 * const peer = new Peer(socket, v2ResponderProtocol((bytes) => socket.write(bytes), { magic }));
 * ```
 */
export function v2ResponderProtocol(write: (bytes: Uint8Array) => void, options: V2ResponderOptions = {}): V2ResponderProtocol {
  const protocolOptions = protocolOptionsOf(options);
  const v1 = bitcoinProtocol(protocolOptions);
  let settled: WireProtocol<BitcoinMessage> | undefined;
  let transport: 'v1' | 'v2' | undefined;
  let sessionId: string | undefined;
  let decoderMade = false;
  return {
    name: `${v1.name} (v1 or v2, inbound)`,
    get transport() {
      return transport;
    },
    get sessionId() {
      return sessionId;
    },
    encode(message: BitcoinMessage): Uint8Array {
      if (settled === undefined) throw new Error(`cannot send ${message.command}: the inbound transport is not decided yet`);
      return settled.encode(message);
    },
    createDecoder(): MessageDecoder<BitcoinMessage> {
      if (decoderMade) throw new Error('an inbound transport protocol decodes one connection: createDecoder() called twice');
      decoderMade = true;
      const handshake = new V2Handshake({
        initiating: false,
        magic: options.magic ?? NETWORKS.mainnet.magic,
        randomBytes: options.randomBytes ?? ((length) => new Uint8Array(cryptoRandomBytes(length))),
        ...(options.garbageLength === undefined ? {} : { garbageLength: options.garbageLength }),
      });
      handshake.start(); // a responder sends nothing first
      let inner: MessageDecoder<BitcoinMessage> | undefined;
      let failure: ProtocolError | undefined;
      return {
        push(chunk: Uint8Array): BitcoinMessage[] {
          if (failure !== undefined) throw failure;
          if (inner !== undefined) return inner.push(chunk);
          try {
            const step = handshake.push(chunk);
            if (step.send.length > 0) write(step.send);
            const outcome = step.outcome;
            if (outcome === undefined) return [];
            if (outcome.transport === 'v1') {
              settled = v1;
              inner = v1.createDecoder();
              transport = 'v1';
              return inner.push(outcome.received);
            }
            const session = v2Protocol(outcome.cipher, protocolOptions);
            settled = session;
            inner = session.createDecoder();
            transport = 'v2';
            sessionId = session.sessionId;
            return outcome.leftover.length > 0 ? inner.push(outcome.leftover) : [];
          } catch (error) {
            // Poisoned, as every decoder that threw a ProtocolError.
            if (error instanceof ProtocolError) failure = error;
            throw error;
          }
        },
      };
    },
  };
}
