import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../../lib/protocol/WireProtocol.js';
import type { BitcoinMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { V2_FAULT_BAN_SCORE, V2DecryptError, V2OversizePacketError } from '../../../lib/protocol/bip324/errors.js';
import { v2Protocol } from '../../../lib/protocol/bip324/v2Protocol.js';
import { SEED, concat, feed } from '../bitcoin/helpers.js';
import { establishedPair } from './vectors.js';

const MAGIC = NETWORKS.regtest.magic;

function pair(seed = 1): { a: ReturnType<typeof v2Protocol>; b: ReturnType<typeof v2Protocol> } {
  const { initiator, responder } = establishedPair(seed, MAGIC);
  return { a: v2Protocol(initiator, { magic: MAGIC }), b: v2Protocol(responder, { magic: MAGIC }) };
}

const messages: BitcoinMessage[] = [
  { command: 'ping', nonce: 7n },
  { command: 'verack' },
  { command: 'getaddr' },
  { command: 'pong', nonce: 0xffff_ffff_ffff_ffffn },
  { command: 'feefilter', payload: Uint8Array.of(0xe8, 3, 0, 0, 0, 0, 0, 0) },
  { command: 'mystery', payload: Uint8Array.of(1, 2, 3) },
];

describe('protocol/bip324/v2Protocol', () => {
  it('names itself after the network and exposes transport "v2" and the shared session id', () => {
    const { a, b } = pair();
    expect(a.name).to.equal('bitcoin-v2/regtest');
    expect(a.transport).to.equal('v2');
    expect(a.sessionId).to.match(/^[0-9a-f]{64}$/);
    expect(a.sessionId).to.equal(b.sessionId);
  });

  it('carries messages both ways, whatever the chunking (property, 30 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1000 }), (split, seed) => {
        const { a, b } = pair(seed);
        const bytes = concat(...messages.map((message) => a.encode(message)));
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += split) chunks.push(bytes.subarray(i, i + split));
        expect(feed(b.createDecoder(), chunks)).to.deep.equal(messages);
        expect(feed(a.createDecoder(), [b.encode({ command: 'ping', nonce: 1n })])).to.deep.equal([{ command: 'ping', nonce: 1n }]);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('stays in step across rekeying: 500 messages in a row (both ciphers rekey after 224 and 448)', () => {
    const { a, b } = pair();
    const decoder = b.createDecoder();
    for (let i = 0; i < 500; i += 1) {
      expect(decoder.push(a.encode({ command: 'ping', nonce: BigInt(i) }))).to.deep.equal([{ command: 'ping', nonce: BigInt(i) }]);
    }
  });

  it('drops decoy packets', () => {
    const { a, b } = pair();
    const bytes = concat(a.encodeDecoy(100), a.encode({ command: 'verack' }), a.encodeDecoy(0));
    expect(b.createDecoder().push(bytes)).to.deep.equal([{ command: 'verack' }]);
  });

  it('uses one byte of message type for ping: 3 + 1 + 1 + 8 + 16 = 29 bytes', () => {
    expect(pair().a.encode({ command: 'ping', nonce: 1n })).to.have.length(29);
  });

  it('fails a flipped ciphertext bit with V2DecryptError, then stays poisoned', () => {
    const { a, b } = pair();
    const bytes = a.encode({ command: 'ping', nonce: 1n });
    bytes[10] = (bytes[10] as number) ^ 0x01;
    const decoder = b.createDecoder();
    expect(() => decoder.push(bytes)).to.throw(V2DecryptError, 'packet 0');
    expect(() => decoder.push(a.encode({ command: 'verack' }))).to.throw(V2DecryptError);
  });

  it('fails an announced length over maxPayload + 13 from the length field alone', () => {
    const { initiator, responder } = establishedPair(3, MAGIC);
    const small = v2Protocol(responder, { magic: MAGIC, maxPayload: 10 });
    const big = v2Protocol(initiator, { magic: MAGIC, maxPayload: 100 });
    const bytes = big.encode({ command: 'mystery', payload: new Uint8Array(50) });
    expect(() => small.createDecoder().push(bytes.subarray(0, 3))).to.throw(V2OversizePacketError, 'limit of 23');
  });

  it('refuses a second decoder: one session, one connection', () => {
    const { a } = pair();
    a.createDecoder();
    expect(() => a.createDecoder()).to.throw('called twice');
  });

  it('never crashes on fuzzed ciphertext: it decodes or throws a ProtocolError costing 10 (property, 150 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (chunks, seed, afterValidMessage) => {
          const { a, b } = pair(seed);
          const decoder = b.createDecoder();
          if (afterValidMessage) expect(decoder.push(a.encode({ command: 'verack' }))).to.deep.equal([{ command: 'verack' }]);
          try {
            feed(decoder, chunks);
          } catch (error) {
            expect(error).to.be.instanceOf(ProtocolError);
            expect((error as ProtocolError).banScore).to.equal(V2_FAULT_BAN_SCORE);
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('never lets a corrupted byte through: a ProtocolError costing 10, or a wait for bytes that will not come (property, 100 runs)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 1000 }), (at, mask, seed) => {
        const { a, b } = pair(seed);
        const packets = messages.map((message) => a.encode(message));
        const bytes = concat(...packets);
        const index = at % bytes.length;
        bytes[index] = (bytes[index] as number) ^ mask;
        let decoded: BitcoinMessage[] = [];
        const error = thrownOrUndefined(() => {
          decoded = b.createDecoder().push(bytes);
        });
        if (error !== undefined) {
          expect(error).to.be.instanceOf(ProtocolError);
          expect((error as ProtocolError).banScore).to.equal(V2_FAULT_BAN_SCORE);
        }
        // Only the packets wholly before the corrupted byte may come out; a length field made larger
        // leaves the decoder waiting (the connection's timeouts end that).
        let intact = 0;
        for (let end = 0; intact < packets.length && end + (packets[intact] as Uint8Array).length <= index; intact += 1) {
          end += (packets[intact] as Uint8Array).length;
        }
        if (error === undefined) expect(decoded).to.deep.equal(messages.slice(0, intact));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

function thrownOrUndefined(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}
