import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../../lib/protocol/WireProtocol.js';
import { encodeFrame } from '../../../lib/protocol/bitcoin/frame.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import {
  V1ResponseError,
  V1WrongNetworkError,
  V2DecryptError,
  V2FallbackError,
  V2GarbageTooLongError,
} from '../../../lib/protocol/bip324/errors.js';
import {
  MAX_GARBAGE,
  V2Handshake,
  v1Prefix,
  type V2HandshakeOptions,
  type V2HandshakeOutcome,
} from '../../../lib/protocol/bip324/V2Handshake.js';
import { SEED, concat, toHex } from '../bitcoin/helpers.js';
import { seededRandom } from './vectors.js';

const MAGIC = NETWORKS.regtest.magic;

type Side = { handshake: V2Handshake; outcome?: V2HandshakeOutcome };

function side(options: Partial<V2HandshakeOptions> & { initiating: boolean; seed: number }): Side {
  return { handshake: new V2Handshake({ magic: MAGIC, randomBytes: seededRandom(options.seed), ...options }) };
}

/** Feeds `bytes` to `to` in pieces of `split` bytes; returns what `to` sends back. */
function deliver(to: Side, bytes: Uint8Array, split: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length && to.outcome === undefined; i += split) {
    const step = to.handshake.push(bytes.subarray(i, i + split));
    out.push(step.send);
    if (step.outcome !== undefined) to.outcome = step.outcome;
  }
  return concat(...out);
}

/** Runs both machines against each other until neither has anything left to say. */
function converse(initiator: Side, responder: Side, split = 1 << 20): void {
  let toResponder = initiator.handshake.start();
  let toInitiator = responder.handshake.start();
  for (let round = 0; round < 10 && (toResponder.length > 0 || toInitiator.length > 0); round += 1) {
    const a = deliver(responder, toResponder, split);
    const b = deliver(initiator, toInitiator, split);
    toInitiator = a;
    toResponder = b;
  }
}

function v2(outcome: V2HandshakeOutcome | undefined): Extract<V2HandshakeOutcome, { transport: 'v2' }> {
  if (outcome?.transport !== 'v2') throw new Error(`expected a v2 outcome, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('protocol/bip324/V2Handshake', () => {
  it('completes between an initiator and a responder with the same session id and matching ciphers', () => {
    const initiator = side({ initiating: true, seed: 1 });
    const responder = side({ initiating: false, seed: 2 });
    converse(initiator, responder);
    const a = v2(initiator.outcome);
    const b = v2(responder.outcome);
    expect(toHex(a.cipher.sessionId)).to.equal(toHex(b.cipher.sessionId));
    expect(a.leftover).to.have.length(0);
    // The ciphers line up: what one encrypts the other opens.
    const packet = a.cipher.encrypt(Uint8Array.of(1, 2, 3));
    expect(b.cipher.decryptLength(packet.subarray(0, 3))).to.equal(3);
    expect(Array.from(b.cipher.decrypt(packet.subarray(3))?.contents ?? [])).to.deep.equal([1, 2, 3]);
  });

  it('completes whatever the garbage lengths, decoys and chunk sizes (property, 25 runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_GARBAGE }),
        fc.integer({ min: 0, max: MAX_GARBAGE }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer(),
        (garbageA, garbageB, decoys, split, seed) => {
          const initiator = side({ initiating: true, seed, garbageLength: garbageA, decoys });
          const responder = side({ initiating: false, seed: seed + 1, garbageLength: garbageB, decoys });
          converse(initiator, responder, split);
          expect(toHex(v2(initiator.outcome).cipher.sessionId)).to.equal(toHex(v2(responder.outcome).cipher.sessionId));
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('sends the initiator key (64 bytes) and exactly garbageLength bytes of garbage first', () => {
    expect(side({ initiating: true, seed: 3, garbageLength: 100 }).handshake.start()).to.have.length(164);
    expect(side({ initiating: false, seed: 3 }).handshake.start()).to.have.length(0);
  });

  it('with garbageWithKey false, sends only the 64-byte key first and the garbage after their key', () => {
    const initiator = side({ initiating: true, seed: 18, garbageLength: 300, garbageWithKey: false });
    const responder = side({ initiating: false, seed: 19, garbageLength: 0 });
    const first = initiator.handshake.start();
    expect(first).to.have.length(64);
    responder.handshake.start();
    const reply = responder.handshake.push(first).send;
    const answer = initiator.handshake.push(reply);
    // garbage (300) + terminator (16) + version packet (3 + 1 + 16)
    expect(answer.send).to.have.length(300 + 16 + 20);
    const done = responder.handshake.push(answer.send);
    expect(toHex(v2(done.outcome).cipher.sessionId)).to.equal(toHex(v2(answer.outcome).cipher.sessionId));
  });

  it('hands bytes received after the version packet back as leftover, in order', () => {
    const initiator = side({ initiating: true, seed: 4, garbageLength: 0 });
    const responder = side({ initiating: false, seed: 5, garbageLength: 0 });
    const hello = initiator.handshake.start();
    responder.handshake.start();
    const reply = responder.handshake.push(hello).send;
    const initiatorStep = initiator.handshake.push(reply);
    const a = v2(initiatorStep.outcome);
    const early = a.cipher.encrypt(Uint8Array.of(42));
    const step = responder.handshake.push(concat(initiatorStep.send, early));
    expect(toHex(v2(step.outcome).leftover)).to.equal(toHex(early));
  });

  describe('v1 detection (responder)', () => {
    it('reports v1 with every byte received when the first 16 bytes are our v1 version header', () => {
      const responder = side({ initiating: false, seed: 6 });
      responder.handshake.start();
      const frame = encodeFrame(MAGIC, 'version', new Uint8Array(20));
      expect(responder.handshake.push(frame.subarray(0, 15)).outcome).to.equal(undefined);
      const step = responder.handshake.push(frame.subarray(15));
      expect(step.send).to.have.length(0);
      expect(step.outcome?.transport).to.equal('v1');
      expect(step.outcome?.transport === 'v1' && toHex(step.outcome.received)).to.equal(toHex(frame));
    });

    it('decides v2 at the first byte that differs from the prefix, and answers with its key', () => {
      const responder = side({ initiating: false, seed: 7, garbageLength: 0 });
      responder.handshake.start();
      const prefix = v1Prefix(MAGIC);
      expect(responder.handshake.push(prefix.subarray(0, 8)).send).to.have.length(0);
      expect(responder.handshake.push(Uint8Array.of((prefix[8] as number) ^ 1)).send).to.have.length(64);
    });

    it('takes a v1 header as key bytes when allowV1 is false', () => {
      const responder = side({ initiating: false, seed: 8, allowV1: false, garbageLength: 0 });
      responder.handshake.start();
      expect(responder.handshake.push(v1Prefix(MAGIC).subarray(0, 1)).send).to.have.length(64);
    });

    it('refuses a v1 version header of another network (V1WrongNetworkError, ban score 100)', () => {
      const responder = side({ initiating: false, seed: 9 });
      responder.handshake.start();
      const testnet = encodeFrame(NETWORKS.testnet3.magic, 'version', new Uint8Array(80));
      const error = thrown(() => responder.handshake.push(testnet));
      expect(error).to.be.instanceOf(V1WrongNetworkError);
      expect((error as V1WrongNetworkError).banScore).to.equal(100);
      expect((error as Error).message).to.contain('0b110907');
    });
  });

  it('classifies an initiator reply that starts with our magic as V1ResponseError (a fallback)', () => {
    const initiator = side({ initiating: true, seed: 10 });
    initiator.handshake.start();
    const error = thrown(() => initiator.handshake.push(encodeFrame(MAGIC, 'version', new Uint8Array(0))));
    expect(error).to.be.instanceOf(V1ResponseError);
    expect((error as V1ResponseError).retryWithV1).to.equal(true);
  });

  it('gives up after 4095 garbage bytes with no terminator (V2GarbageTooLongError, ban score 10)', () => {
    const initiator = side({ initiating: true, seed: 11 });
    initiator.handshake.start();
    const key = side({ initiating: true, seed: 12, garbageLength: 0 }).handshake.start();
    expect(initiator.handshake.push(concat(key, new Uint8Array(4110))).outcome).to.equal(undefined);
    const error = thrown(() => initiator.handshake.push(new Uint8Array(1)));
    expect(error).to.be.instanceOf(V2GarbageTooLongError);
    expect((error as ProtocolError).banScore).to.equal(10);
  });

  it('fails a version packet that does not authenticate the garbage (V2DecryptError)', () => {
    const initiator = side({ initiating: true, seed: 13, garbageLength: 5 });
    const responder = side({ initiating: false, seed: 14, garbageLength: 0 });
    const hello = initiator.handshake.start();
    hello[64] = (hello[64] as number) ^ 1; // one garbage byte changed on the way
    responder.handshake.start();
    const reply = responder.handshake.push(hello.subarray(0, 64)).send;
    const answer = initiator.handshake.push(reply).send;
    expect(() => responder.handshake.push(concat(hello.subarray(64), answer))).to.throw(V2DecryptError);
  });

  it('never crashes on random bytes from the remote: progress, or a ProtocolError / fallback error (property, 100 runs)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.uint8Array({ maxLength: 1500 }), { maxLength: 5 }),
        fc.integer(),
        (initiating, chunks, seed) => {
          const me = side({ initiating, seed });
          me.handshake.start();
          for (const chunk of chunks) {
            try {
              const step = me.handshake.push(chunk);
              if (step.outcome !== undefined) {
                // Only a responder fed our v1 prefix can finish on random bytes.
                expect(step.outcome.transport).to.equal('v1');
                return;
              }
            } catch (error) {
              expect(error instanceof ProtocolError || error instanceof V2FallbackError, String(error)).to.equal(true);
              return;
            }
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('refuses pushes before start() and after the outcome', () => {
    const early = side({ initiating: true, seed: 15 });
    expect(() => early.handshake.push(new Uint8Array(1))).to.throw('before start()');
    const initiator = side({ initiating: true, seed: 16 });
    const responder = side({ initiating: false, seed: 17 });
    converse(initiator, responder);
    expect(() => initiator.handshake.push(new Uint8Array(1))).to.throw('after the handshake completed');
  });

  it('rejects a garbageLength outside 0–4095 with a RangeError naming it', () => {
    expect(() => side({ initiating: true, seed: 1, garbageLength: 4096 })).to.throw(RangeError, '4096');
  });
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
