import { expect } from 'chai';
import { InvalidOptionError } from '../../../lib/transport/errors.js';
import fc from 'fast-check';
import { ProtocolError } from '../../../lib/protocol/WireProtocol.js';
import {
  BadChecksumError,
  BadCommandError,
  BadMagicError,
  InvalidMessageError,
  OversizeMessageError,
} from '../../../lib/protocol/bitcoin/errors.js';
import {
  DEFAULT_MAX_PAYLOAD,
  FRAME_HEADER_SIZE,
  FrameDecoder,
  encodeFrame,
  frameChecksum,
  type Frame,
} from '../../../lib/protocol/bitcoin/frame.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { SEED, concat, feed, hex, splitAt, thrown, toHex, xorByte } from './helpers.js';

const MAINNET = NETWORKS.mainnet.magic;

// A mainnet verack: magic, "verack" NUL-padded, zero length, SHA256d("") = 5df6e0e2…
const VERACK_FRAME = 'f9beb4d9 76657261636b000000000000 00000000 5df6e0e2';

/** A header with arbitrary fields, for crafting bad frames. */
function header(fields: { magic?: number; command?: Uint8Array; length: number; checksum?: Uint8Array }): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, fields.magic ?? MAINNET, true);
  out.set(fields.command ?? new TextEncoder().encode('ping'), 4);
  view.setUint32(16, fields.length, true);
  out.set(fields.checksum ?? new Uint8Array(4), 20);
  return out;
}

function commandField(text: string): Uint8Array {
  const out = new Uint8Array(12);
  out.set([...text].map((c) => c.charCodeAt(0)));
  return out;
}

const frameArb = fc.record({
  command: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  payload: fc.uint8Array({ maxLength: 64 }),
});

describe('protocol/bitcoin/frame', () => {
  describe('frameChecksum', () => {
    it('is the first 4 bytes of SHA256(SHA256(payload)) — empty payload → 5df6e0e2', () => {
      expect(toHex(frameChecksum(new Uint8Array(0)))).to.equal('5df6e0e2');
    });
  });

  describe('encodeFrame', () => {
    it('produces the known mainnet verack frame', () => {
      expect(toHex(encodeFrame(MAINNET, 'verack', new Uint8Array(0)))).to.equal(VERACK_FRAME.replace(/ /g, ''));
    });

    it('writes the magic little-endian: regtest starts fa bf b5 da', () => {
      expect(toHex(encodeFrame(NETWORKS.regtest.magic, 'verack', new Uint8Array(0)).subarray(0, 4))).to.equal('fabfb5da');
    });

    it('accepts a 12-character command with no NUL padding left', () => {
      const frame = encodeFrame(MAINNET, 'abcdefghijkl', new Uint8Array(0));
      expect(new TextDecoder().decode(frame.subarray(4, 16))).to.equal('abcdefghijkl');
    });

    for (const bad of ['abcdefghijklm', 'ver\u0000ack', 'tab\there', 'café']) {
      it(`refuses the command ${JSON.stringify(bad)}`, () => {
        const error = thrown(() => encodeFrame(MAINNET, bad, new Uint8Array(0)));
        expect(error).to.be.instanceOf(InvalidMessageError);
        expect((error as InvalidMessageError).value).to.equal(bad);
      });
    }

    it('refuses a magic that is not a uint32', () => {
      expect(thrown(() => encodeFrame(-1, 'ping', new Uint8Array(0)))).to.be.instanceOf(InvalidOptionError);
      expect(thrown(() => encodeFrame(2 ** 32, 'ping', new Uint8Array(0)))).to.be.instanceOf(InvalidOptionError);
    });
  });

  describe('FrameDecoder', () => {
    it('decodes the known verack frame', () => {
      expect(new FrameDecoder(MAINNET).push(hex(VERACK_FRAME))).to.deep.equal([{ command: 'verack', payload: new Uint8Array(0) }]);
    });

    it('round-trips any frames, all in one chunk', () => {
      fc.assert(
        fc.property(fc.array(frameArb, { maxLength: 6 }), (frames) => {
          const stream = concat(...frames.map((f) => encodeFrame(MAINNET, f.command, f.payload)));
          expect(new FrameDecoder(MAINNET).push(stream)).to.deep.equal(frames);
        }),
        { seed: SEED, numRuns: 200 },
      );
    });

    describe('chunking', () => {
      const frames: Frame[] = [
        { command: 'version', payload: new Uint8Array(100).map((_, i) => i) },
        { command: 'verack', payload: new Uint8Array(0) },
        { command: 'ping', payload: hex('0102030405060708') },
        { command: 'inv', payload: new Uint8Array(37).fill(0xab) },
        { command: 'sendheaders', payload: new Uint8Array(0) },
      ];
      const stream = concat(...frames.map((f) => encodeFrame(MAINNET, f.command, f.payload)));

      it('decodes identically when the stream is split in two at every position', () => {
        for (let cut = 0; cut <= stream.length; cut += 1) {
          const decoded = feed(new FrameDecoder(MAINNET), splitAt(stream, [cut]));
          expect(decoded, `split at ${cut}`).to.deep.equal(frames);
        }
      });

      it('decodes identically when fed one byte at a time, emitting each frame on its last byte', () => {
        const decoder = new FrameDecoder(MAINNET);
        const completedAt: number[] = [];
        const decoded: Frame[] = [];
        stream.forEach((byte, i) => {
          const out = decoder.push(Uint8Array.of(byte));
          if (out.length > 0) completedAt.push(i + 1);
          decoded.push(...out);
        });
        expect(decoded).to.deep.equal(frames);
        let end = 0;
        expect(completedAt).to.deep.equal(frames.map((f) => (end += FRAME_HEADER_SIZE + f.payload.length)));
      });

      it('decodes identically under any random multi-way split', () => {
        fc.assert(
          fc.property(fc.array(fc.nat(stream.length), { maxLength: 30 }), (cuts) => {
            expect(feed(new FrameDecoder(MAINNET), splitAt(stream, cuts))).to.deep.equal(frames);
          }),
          { seed: SEED, numRuns: 300 },
        );
      });

      it('decodes a large frame fed one byte at a time', () => {
        // ~0.15 s when each byte is copied once; an O(n²) re-concatenation would take over 10 s and
        // show up as a slow spec. No wall-clock bound here: timing belongs in benchmarks/.
        const big = encodeFrame(MAINNET, 'block', new Uint8Array(500_000).fill(7));
        const decoder = new FrameDecoder(MAINNET);
        let decoded: Frame[] = [];
        for (let i = 0; i < big.length; i += 1) decoded = decoded.concat(decoder.push(big.subarray(i, i + 1)));
        expect(decoded).to.have.length(1);
        expect(decoded[0]?.payload.length).to.equal(500_000);
        expect(decoded[0]?.payload.every((b) => b === 7)).to.equal(true);
      });

      it('returns payloads that do not alias the pushed chunks', () => {
        const copy = stream.slice();
        const [first] = new FrameDecoder(MAINNET).push(copy);
        copy.fill(0);
        expect(first?.payload[1]).to.equal(1);
      });
    });

    describe('errors', () => {
      it('BadMagicError for another network’s frame, naming both magics (ban score 100)', () => {
        const testnetVerack = encodeFrame(NETWORKS.testnet3.magic, 'verack', new Uint8Array(0));
        const error = thrown(() => new FrameDecoder(MAINNET).push(testnetVerack));
        expect(error).to.be.instanceOf(BadMagicError).and.instanceOf(ProtocolError);
        const e = error as BadMagicError;
        expect(e).to.include({ received: NETWORKS.testnet3.magic, expected: MAINNET, banScore: 100, name: 'BadMagicError' });
        expect(e.message).to.contain('0x0709110b (testnet3)').and.contain('0xd9b4bef9 (mainnet)');
      });

      it('BadMagicError once a header is in, even mid-stream after good frames', () => {
        const decoder = new FrameDecoder(MAINNET);
        expect(decoder.push(hex(VERACK_FRAME))).to.have.length(1);
        expect(decoder.push(new Uint8Array(23))).to.deep.equal([]);
        expect(thrown(() => decoder.push(new Uint8Array(1)))).to.be.instanceOf(BadMagicError);
      });

      it('BadChecksumError for a corrupted payload (ban score 10)', () => {
        const frame = encodeFrame(MAINNET, 'ping', hex('0102030405060708'));
        xorByte(frame, FRAME_HEADER_SIZE, 0x01);
        const error = thrown(() => new FrameDecoder(MAINNET).push(frame)) as BadChecksumError;
        expect(error).to.be.instanceOf(BadChecksumError);
        expect(error.banScore).to.equal(10);
        expect(error.command).to.equal('ping');
        expect(toHex(error.received)).to.equal(toHex(frame.subarray(20, 24)));
        expect(toHex(error.expected)).to.equal(toHex(frameChecksum(frame.subarray(FRAME_HEADER_SIZE))));
        expect(error.message).to.contain(toHex(error.received));
      });

      it('OversizeMessageError from the header alone, before any payload byte (ban score 100)', () => {
        const decoder = new FrameDecoder(MAINNET);
        const error = thrown(() => decoder.push(header({ command: commandField('block'), length: DEFAULT_MAX_PAYLOAD + 1 })));
        expect(error).to.be.instanceOf(OversizeMessageError);
        expect(error).to.include({ command: 'block', length: DEFAULT_MAX_PAYLOAD + 1, maxPayload: 4_000_000, banScore: 100 });
        expect((error as Error).message).to.contain('4000001');
      });

      it('accepts a payload of exactly maxPayload bytes, rejects one more', () => {
        const decoder = new FrameDecoder(MAINNET, { maxPayload: 8 });
        expect(decoder.push(encodeFrame(MAINNET, 'ping', new Uint8Array(8)))).to.have.length(1);
        const over = new FrameDecoder(MAINNET, { maxPayload: 8 });
        expect(thrown(() => over.push(encodeFrame(MAINNET, 'ping', new Uint8Array(9))))).to.be.instanceOf(OversizeMessageError);
      });

      it('rejects a 4 GiB announcement without allocating it', () => {
        const error = thrown(() => new FrameDecoder(MAINNET).push(header({ length: 0xffff_ffff })));
        expect(error).to.be.instanceOf(OversizeMessageError).and.include({ length: 0xffff_ffff });
      });

      const badCommands: ReadonlyArray<readonly [string, Uint8Array]> = [
        ['a control byte', commandField('ver\nack')],
        ['a byte above 0x7e', commandField('ver\u00e9ack')],
        ['a DEL byte', commandField('ping\u007f')],
        ['a non-NUL byte after the first NUL', commandField('ver\u0000ack')],
        ['NUL padding with trailing garbage', commandField('ping\u0000\u0000\u0000\u0000\u0000\u0000\u0000x')],
      ];
      for (const [what, field] of badCommands) {
        it(`BadCommandError for ${what} (ban score 10)`, () => {
          const error = thrown(() => new FrameDecoder(MAINNET).push(header({ command: field, length: 0 })));
          expect(error).to.be.instanceOf(BadCommandError);
          expect(toHex((error as BadCommandError).bytes)).to.equal(toHex(field));
          expect((error as BadCommandError).banScore).to.equal(10);
          expect((error as Error).message).to.contain(toHex(field));
        });
      }

      it('accepts a command of all NULs (Core does) and a full 12-character one', () => {
        const empty = concat(header({ command: new Uint8Array(12), length: 0, checksum: frameChecksum(new Uint8Array(0)) }));
        expect(new FrameDecoder(MAINNET).push(empty)).to.deep.equal([{ command: '', payload: new Uint8Array(0) }]);
        const full = encodeFrame(MAINNET, 'abcdefghijkl', new Uint8Array(0));
        expect(new FrameDecoder(MAINNET).push(full)[0]?.command).to.equal('abcdefghijkl');
      });
    });

    describe('poisoning', () => {
      it('throws the very same error on every later push, even of valid frames or nothing', () => {
        const decoder = new FrameDecoder(MAINNET);
        const corrupt = encodeFrame(MAINNET, 'verack', new Uint8Array(0));
        xorByte(corrupt, 20, 0xff);
        const first = thrown(() => decoder.push(corrupt));
        expect(first).to.be.instanceOf(BadChecksumError);
        expect(thrown(() => decoder.push(hex(VERACK_FRAME)))).to.equal(first);
        expect(thrown(() => decoder.push(new Uint8Array(0)))).to.equal(first);
      });

      it('does not poison other decoders', () => {
        const a = new FrameDecoder(MAINNET);
        const b = new FrameDecoder(MAINNET);
        thrown(() => a.push(new Uint8Array(24)));
        expect(b.push(hex(VERACK_FRAME))).to.have.length(1);
      });
    });

    it('refuses invalid options', () => {
      expect(thrown(() => new FrameDecoder(MAINNET, { maxPayload: -1 })))
        .to.be.instanceOf(InvalidOptionError)
        .and.include({ option: 'maxPayload', value: -1 });
      expect(thrown(() => new FrameDecoder(MAINNET, { maxPayload: 1.5 }))).to.be.instanceOf(InvalidOptionError);
      expect(thrown(() => new FrameDecoder(Number.NaN)))
        .to.be.instanceOf(InvalidOptionError)
        .and.include({ option: 'magic' });
    });
  });
});
