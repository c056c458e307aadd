import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError, type MessageDecoder } from '../../../lib/protocol/WireProtocol.js';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { MalformedPayloadError, TooManyEntriesError } from '../../../lib/protocol/bitcoin/errors.js';
import { encodeFrame } from '../../../lib/protocol/bitcoin/frame.js';
import { KNOWN_COMMANDS, type BitcoinMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { SEED, concat, messageArb, splitAt } from './helpers.js';

const MAGIC = NETWORKS.mainnet.magic;
const protocol = bitcoinProtocol({ maxPayload: 100_000 });
const MAGIC_BYTES = protocol.encode({ command: 'verack' }).subarray(0, 4);

type Outcome = { readonly messages: BitcoinMessage[] } | { readonly error: unknown };

/**
 * Feeds `chunks` to a fresh decoder. Anything thrown must be a ProtocolError, and the decoder must
 * then be poisoned with that very error; anything else fails the property.
 */
function decodeSafely(chunks: readonly Uint8Array[]): Outcome {
  const decoder: MessageDecoder<BitcoinMessage> = protocol.createDecoder();
  const messages: BitcoinMessage[] = [];
  try {
    for (const chunk of chunks) messages.push(...decoder.push(chunk));
    return { messages };
  } catch (error) {
    expect(error, `threw ${String(error)}`).to.be.instanceOf(ProtocolError);
    expect((error as ProtocolError).banScore).to.be.within(1, 100);
    let again: unknown;
    try {
      decoder.push(new Uint8Array(0));
    } catch (later) {
      again = later;
    }
    expect(again).to.equal(error);
    return { error };
  }
}

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'repeat'; readonly at: number; readonly count: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0xff, 0xfd, 0xfe, 0x7f, 0x80) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = mutation.at % bytes.length;
  const out = bytes.slice();
  switch (mutation.kind) {
    case 'flip':
      out[at] = (out[at] as number) ^ (1 << mutation.bit);
      return out;
    case 'set':
      out[at] = mutation.value;
      return out;
    case 'insert':
      return concat(bytes.subarray(0, at), mutation.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + mutation.count));
    case 'truncate':
      return bytes.subarray(0, at);
    case 'repeat':
      return concat(bytes.subarray(0, at + mutation.count), bytes.subarray(at));
  }
}

const cutsArb = fc.array(fc.nat(), { maxLength: 6 });

function cut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  return splitAt(
    bytes,
    cuts.map((c) => c % (bytes.length + 1)),
  );
}

describe('protocol/bitcoin fuzz: only ProtocolErrors ever escape the decoder', () => {
  it('2,000 random byte strings (half of them behind a valid magic)', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((rest) => concat(MAGIC_BYTES, rest)),
    );
    fc.assert(
      fc.property(bytesArb, cutsArb, (bytes, cuts) => {
        decodeSafely(cut(bytes, cuts));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('2,000 mutated streams of valid frames', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 3 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        cutsArb,
        (messages, mutations, cuts) => {
          const stream = mutations.reduce(mutate, concat(...messages.map((m) => protocol.encode(m))));
          decodeSafely(cut(stream, cuts));
        },
      ),
      { seed: SEED + 1, numRuns: 2_000 },
    );
  });

  it('1,000 mutated payloads of known commands, re-framed with a valid checksum so the payload decoders see them', () => {
    fc.assert(
      fc.property(messageArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (message, mutations) => {
        const payload = mutations.reduce(mutate, protocol.encode(message).subarray(24));
        const outcome = decodeSafely([encodeFrame(MAGIC, message.command, payload)]);
        if ('error' in outcome) {
          expect(outcome.error).to.satisfy((e: unknown) => e instanceof MalformedPayloadError || e instanceof TooManyEntriesError);
        } else {
          expect(outcome.messages).to.have.length(1);
          expect(outcome.messages[0]?.command).to.equal(message.command);
        }
      }),
      { seed: SEED + 2, numRuns: 1_000 },
    );
  });

  it('1,000 random payloads under every known command', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_COMMANDS), fc.uint8Array({ maxLength: 160 }), (command, payload) => {
        const outcome = decodeSafely([encodeFrame(MAGIC, command, payload)]);
        if ('messages' in outcome) expect(outcome.messages.map((m) => m.command)).to.deep.equal([command]);
      }),
      { seed: SEED + 3, numRuns: 1_000 },
    );
  });
});
