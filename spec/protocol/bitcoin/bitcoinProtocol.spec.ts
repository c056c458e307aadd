import { expect } from 'chai';
import { InvalidOptionError } from '../../../lib/transport/errors.js';
import fc from 'fast-check';
import { ProtocolError } from '../../../lib/protocol/WireProtocol.js';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import {
  BadChecksumError,
  BadMagicError,
  InvalidMessageError,
  MalformedPayloadError,
  OversizeMessageError,
  TooManyAddressesError,
} from '../../../lib/protocol/bitcoin/errors.js';
import { encodeFrame } from '../../../lib/protocol/bitcoin/frame.js';
import {
  versionMessage,
  type BitcoinMessage,
  type TimestampedNetAddress,
  type VersionMessage,
} from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import {
  SEED,
  addrArb,
  addrv2Arb,
  concat,
  feed,
  headersArb,
  hex,
  inventoryArb,
  ipv4,
  locatorArb,
  messageArb,
  pingArb,
  pongArb,
  rawArb,
  splitAt,
  thrown,
  toHex,
  versionArb,
  xorByte,
} from './helpers.js';

const mainnet = bitcoinProtocol();
const regtest = bitcoinProtocol({ magic: NETWORKS.regtest.magic });

function decodeAll(bytes: Uint8Array, protocol = mainnet): BitcoinMessage[] {
  return protocol.createDecoder().push(bytes);
}

function roundTrip(message: BitcoinMessage, protocol = mainnet): BitcoinMessage[] {
  return decodeAll(protocol.encode(message), protocol);
}

/** A mainnet frame around an arbitrary payload (valid checksum), to reach the payload decoders. */
function framed(command: string, payload: string | Uint8Array): Uint8Array {
  return encodeFrame(NETWORKS.mainnet.magic, command, typeof payload === 'string' ? hex(payload) : payload);
}

// Bitcoin wiki, "Protocol documentation", version example (a Satoshi 0.7.2 node, protocol 60002,
// no relay byte); header checksum 3b648d5a as corrected on the wiki.
const WIKI_VERSION = `
  f9beb4d9 76657273696f6e0000000000 64000000 3b648d5a
  62ea0000                                      protocol version 60002
  0100000000000000                              services NODE_NETWORK
  11b2d05000000000                              timestamp 1355854353 (2012-12-18)
  0100000000000000 00000000000000000000ffff00000000 0000    addr_recv
  0100000000000000 00000000000000000000ffff00000000 0000    addr_from
  3b2eb35d8ce61765                              nonce
  0f 2f5361746f7368693a302e372e322f             "/Satoshi:0.7.2/"
  c03e0300                                      start height 212672
`;

// Bitcoin wiki, "Protocol documentation", addr example: one entry, 10.0.0.1:8333, time 0x4d1015e2.
const WIKI_ADDR = `
  f9beb4d9 616464720000000000000000 1f000000 ed52399b
  01
  e215104d 0100000000000000 00000000000000000000ffff0a000001 208d
`;

// Hand-built modern version on regtest, laid out field by field (no public capture with a relay
// byte was available): all little-endian except the ports; checksum = SHA256d(payload)[0..4].
const HAND_VERSION = `
  fabfb5da 76657273696f6e0000000000 66000000 37678f50
  80110100                                  70016 = 0x00011180
  0904000000000000                          NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED = 0x409
  00f1536500000000                          1700000000 = 0x6553f100
  0000000000000000 00000000000000000000ffff7f000001 480c     addr_recv 127.0.0.1:18444 (port BE)
  0904000000000000 00000000000000000000000000000000 0000     addr_from :: port 0
  0807060504030201                          nonce 0x0102030405060708
  10 2f5361746f7368693a32372e302e302f       "/Satoshi:27.0.0/" (16 bytes)
  96000000                                  start height 150
  01                                        relay
`;

/** Drops the trailing annotations of a laid-out vector, keeping the hex columns. */
function vector(text: string): Uint8Array {
  return hex(
    text
      .split('\n')
      .map((line) => line.replace(/^\s*((?:[0-9a-f]+\s?)+?)(?:\s{2,}.*)?$/, '$1'))
      .join(''),
  );
}

describe('protocol/bitcoin/bitcoinProtocol', () => {
  it('is named after its network', () => {
    expect(mainnet.name).to.equal('bitcoin/mainnet');
    expect(regtest.name).to.equal('bitcoin/regtest');
    expect(bitcoinProtocol({ magic: 0x12345678 }).name).to.equal('bitcoin/0x12345678');
  });

  describe('known-good byte vectors', () => {
    it('verack on mainnet is f9beb4d9 76657261636b000000000000 00000000 5df6e0e2', () => {
      const bytes = 'f9beb4d976657261636b000000000000000000005df6e0e2';
      expect(toHex(mainnet.encode({ command: 'verack' }))).to.equal(bytes);
      expect(decodeAll(hex(bytes))).to.deep.equal([{ command: 'verack' }]);
    });

    it('decodes the Bitcoin wiki version message and re-encodes it byte for byte', () => {
      const bytes = vector(WIKI_VERSION);
      expect(bytes.length).to.equal(24 + 100);
      const expected: VersionMessage = {
        command: 'version',
        protocolVersion: 60002,
        services: 1n,
        timestamp: 1_355_854_353n,
        addrRecv: { services: 1n, ip: ipv4('0.0.0.0'), port: 0 },
        addrFrom: { services: 1n, ip: ipv4('0.0.0.0'), port: 0 },
        nonce: 0x6517e68c5db32e3bn,
        userAgent: '/Satoshi:0.7.2/',
        startHeight: 212_672,
      };
      const [decoded] = decodeAll(bytes);
      expect(decoded).to.deep.equal(expected);
      expect(decoded).not.to.have.property('relay');
      expect(toHex(mainnet.encode(expected))).to.equal(toHex(bytes));
    });

    it('decodes the Bitcoin wiki addr message (port big-endian: 208d = 8333) and re-encodes it', () => {
      const bytes = vector(WIKI_ADDR);
      const expected: BitcoinMessage = {
        command: 'addr',
        addresses: [{ timestamp: 0x4d1015e2, services: 1n, ip: ipv4('10.0.0.1'), port: 8333 }],
      };
      expect(decodeAll(bytes)).to.deep.equal([expected]);
      expect(toHex(mainnet.encode(expected))).to.equal(toHex(bytes));
    });

    it('encodes a modern regtest version (with relay) to the hand-built bytes', () => {
      const message = versionMessage({
        protocolVersion: 70016,
        services: 0x409n,
        timestamp: 1_700_000_000,
        addrRecv: { services: 0n, ip: ipv4('127.0.0.1'), port: 18444 },
        nonce: 0x0102030405060708n,
        userAgent: '/Satoshi:27.0.0/',
        startHeight: 150,
      });
      const bytes = vector(HAND_VERSION);
      expect(toHex(regtest.encode(message))).to.equal(toHex(bytes));
      expect(decodeAll(bytes, regtest)).to.deep.equal([message]);
    });
  });

  describe('round trips (encode → decode)', () => {
    const simple: BitcoinMessage[] = [
      { command: 'verack' },
      { command: 'getaddr' },
      { command: 'sendheaders' },
      { command: 'wtxidrelay' },
      { command: 'sendaddrv2' },
    ];
    for (const message of simple) {
      it(`${message.command} (empty payload)`, () => {
        const bytes = mainnet.encode(message);
        expect(bytes.length).to.equal(24);
        expect(decodeAll(bytes)).to.deep.equal([message]);
      });
    }

    const properties = {
      version: versionArb,
      ping: pingArb,
      pong: pongArb,
      addr: addrArb,
      addrv2: addrv2Arb,
      'getheaders and getblocks': locatorArb,
      'getdata and notfound': inventoryArb,
      headers: headersArb,
      'unknown commands': rawArb,
    };
    for (const [name, arb] of Object.entries(properties)) {
      it(`${name} with random fields`, () => {
        fc.assert(
          fc.property(arb as fc.Arbitrary<BitcoinMessage>, (message) => {
            expect(roundTrip(message)).to.deep.equal([message]);
          }),
          { seed: SEED, numRuns: 200 },
        );
      });
    }

    it('addr with exactly 1,000 entries', () => {
      const addresses: TimestampedNetAddress[] = Array.from({ length: 1000 }, (_, i) => ({
        timestamp: 1_700_000_000 + i,
        services: BigInt(i),
        ip: ipv4(`10.0.${i >> 8}.${i & 0xff}`),
        port: 8333,
      }));
      expect(roundTrip({ command: 'addr', addresses })).to.deep.equal([{ command: 'addr', addresses }]);
    });

    it('a known command sent as raw bytes decodes as the typed message', () => {
      const payload = hex('0807060504030201');
      expect(roundTrip({ command: 'ping', payload })).to.deep.equal([{ command: 'ping', nonce: 0x0102030405060708n }]);
    });

    it('streams of random messages split at random places', () => {
      fc.assert(
        fc.property(fc.array(messageArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
          const stream = concat(...messages.map((m) => mainnet.encode(m)));
          const decoded = feed(
            mainnet.createDecoder(),
            splitAt(
              stream,
              cuts.map((c) => c % (stream.length + 1)),
            ),
          );
          expect(decoded).to.deep.equal(messages);
        }),
        { seed: SEED, numRuns: 150 },
      );
    });

    it('one stream of several frames decodes identically split at every position', () => {
      const messages: BitcoinMessage[] = [
        versionMessage({ nonce: 9n, timestamp: 1_700_000_000, addrRecv: { services: 1n, ip: ipv4('192.0.2.1'), port: 8333 } }),
        { command: 'verack' },
        { command: 'ping', nonce: 77n },
        { command: 'addr', addresses: [{ timestamp: 5, services: 1n, ip: ipv4('198.51.100.7'), port: 8333 }] },
        { command: 'inv', payload: hex('01 01000000' + 'ab'.repeat(32)) },
      ];
      const stream = concat(...messages.map((m) => mainnet.encode(m)));
      for (let cut = 0; cut <= stream.length; cut += 1) {
        expect(feed(mainnet.createDecoder(), splitAt(stream, [cut])), `split at ${cut}`).to.deep.equal(messages);
      }
      expect(feed(mainnet.createDecoder(), splitAt(stream, Array.from(stream.keys())))).to.deep.equal(messages);
    });
  });

  describe('decoding details', () => {
    it('passes unknown commands through raw — not an error', () => {
      expect(decodeAll(framed('feefilter', 'e803000000000000'))).to.deep.equal([
        { command: 'feefilter', payload: hex('e803000000000000') },
      ]);
    });

    it('reads the relay byte when present: 00 → false, 01 → true, any other non-zero → true', () => {
      const base = mainnet.encode(versionMessage({ nonce: 1n, timestamp: 0, addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 } }));
      const payload = base.subarray(24, base.length - 1);
      for (const [byte, relay] of [
        [0, false],
        [1, true],
        [2, true],
      ] as const) {
        const [message] = decodeAll(framed('version', concat(payload, Uint8Array.of(byte))));
        expect((message as VersionMessage).relay).to.equal(relay);
      }
      expect(decodeAll(framed('version', payload))[0]).not.to.have.property('relay');
    });

    it('ignores bytes after the last known field, as Core does', () => {
      expect(decodeAll(framed('verack', '00'))).to.deep.equal([{ command: 'verack' }]);
      expect(decodeAll(framed('ping', '0100000000000000ff'))).to.deep.equal([{ command: 'ping', nonce: 1n }]);
    });

    it('honours maxPayload on decode', () => {
      const small = bitcoinProtocol({ maxPayload: 8 });
      expect(small.createDecoder().push(small.encode({ command: 'ping', nonce: 1n }))).to.have.length(1);
      expect(thrown(() => small.createDecoder().push(mainnet.encode({ command: 'inv', payload: new Uint8Array(9) })))).to.be.instanceOf(
        OversizeMessageError,
      );
    });

    it('rejects frames of another network', () => {
      expect(thrown(() => decodeAll(mainnet.encode({ command: 'verack' }), regtest))).to.be.instanceOf(BadMagicError);
    });
  });

  describe('payload errors', () => {
    it('MalformedPayloadError naming the command for a short ping (ban score 10)', () => {
      const error = thrown(() => decodeAll(framed('ping', '01020304050607')));
      expect(error).to.be.instanceOf(MalformedPayloadError).and.instanceOf(ProtocolError);
      expect(error).to.include({ command: 'ping', offset: 0, banScore: 10, name: 'MalformedPayloadError' });
      expect((error as Error).message).to.match(/"ping" payload at byte 0: nonce needs 8 bytes, 7 left/);
    });

    it('MalformedPayloadError for a version cut anywhere before its start height', () => {
      const payload = mainnet
        .encode(versionMessage({ nonce: 1n, timestamp: 0, addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 }, userAgent: '/a/' }))
        .subarray(24);
      const withoutRelay = payload.length - 1;
      for (let length = 0; length < withoutRelay; length += 1) {
        const error = thrown(() => decodeAll(framed('version', payload.subarray(0, length))));
        expect(error, `cut at ${length}`).to.be.instanceOf(MalformedPayloadError).and.include({ command: 'version' });
      }
    });

    it('MalformedPayloadError for a user agent over 256 bytes', () => {
      const payload = mainnet
        .encode(versionMessage({ nonce: 1n, timestamp: 0, addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 }, userAgent: '' }))
        .subarray(24);
      const at = 4 + 8 + 8 + 26 + 26 + 8;
      const long = concat(payload.subarray(0, at), hex('fd0101'), new Uint8Array(257).fill(0x41), hex('00000000'));
      const error = thrown(() => decodeAll(framed('version', long)));
      expect(error).to.be.instanceOf(MalformedPayloadError).and.include({ command: 'version', offset: at });
      expect((error as Error).message).to.contain('257');
    });

    it('TooManyAddressesError (ban score 20) from the count alone, before any entry is read', () => {
      const error = thrown(() => decodeAll(framed('addr', 'fde903')));
      expect(error).to.be.instanceOf(TooManyAddressesError).and.instanceOf(ProtocolError);
      expect(error).to.include({ count: 1001n, limit: 1000, banScore: 20 });
      expect((error as Error).message).to.contain('1001');
      expect(thrown(() => decodeAll(framed('addr', 'ffffffffffffffffff'))))
        .to.be.instanceOf(TooManyAddressesError)
        .and.include({ count: (1n << 64n) - 1n });
    });

    it('MalformedPayloadError for an addr shorter than its count, or with a non-canonical count', () => {
      const oneEntry = 'e215104d 0100000000000000 00000000000000000000ffff0a000001 208d';
      expect(thrown(() => decodeAll(framed('addr', `02 ${oneEntry}`))))
        .to.be.instanceOf(MalformedPayloadError)
        .and.include({ command: 'addr' });
      expect(thrown(() => decodeAll(framed('addr', `fd0100 ${oneEntry}`)))).to.be.instanceOf(MalformedPayloadError);
      expect(thrown(() => decodeAll(framed('addr', '')))).to.be.instanceOf(MalformedPayloadError);
    });
  });

  describe('poisoning', () => {
    it('after a payload error every push throws the same error, valid bytes included', () => {
      const decoder = mainnet.createDecoder();
      expect(decoder.push(mainnet.encode({ command: 'verack' }))).to.have.length(1);
      const first = thrown(() => decoder.push(framed('pong', '00')));
      expect(first).to.be.instanceOf(MalformedPayloadError);
      expect(thrown(() => decoder.push(mainnet.encode({ command: 'verack' })))).to.equal(first);
      expect(thrown(() => decoder.push(new Uint8Array(0)))).to.equal(first);
    });

    it('after a framing error too', () => {
      const decoder = mainnet.createDecoder();
      const bad = mainnet.encode({ command: 'ping', nonce: 1n });
      xorByte(bad, 30, 0x01);
      const first = thrown(() => decoder.push(bad));
      expect(first).to.be.instanceOf(BadChecksumError);
      expect(thrown(() => decoder.push(mainnet.encode({ command: 'verack' })))).to.equal(first);
    });

    it('each createDecoder() starts clean', () => {
      thrown(() => mainnet.createDecoder().push(new Uint8Array(24)));
      expect(mainnet.createDecoder().push(mainnet.encode({ command: 'verack' }))).to.have.length(1);
    });
  });

  describe('encode errors (InvalidMessageError, our own fault)', () => {
    const addr = { services: 0n, ip: new Uint8Array(16), port: 0 };
    const version = versionMessage({ nonce: 1n, timestamp: 0, addrRecv: addr });
    const cases: ReadonlyArray<readonly [string, unknown, string, unknown]> = [
      ['a negative nonce', { command: 'ping', nonce: -1n }, 'nonce', -1n],
      ['a nonce over 64 bits', { command: 'pong', nonce: 1n << 64n }, 'nonce', 1n << 64n],
      ['a number nonce', { command: 'ping', nonce: 1 }, 'nonce', 1],
      ['a port over 65535', { ...version, addrRecv: { ...addr, port: 65536 } }, 'addrRecv.port', 65536],
      ['a 4-byte IP', { ...version, addrFrom: { ...addr, ip: new Uint8Array(4) } }, 'addrFrom.ip', new Uint8Array(4)],
      ['a protocol version over int32', { ...version, protocolVersion: 2 ** 31 }, 'protocolVersion', 2 ** 31],
      ['a timestamp over int64', { ...version, timestamp: 1n << 63n }, 'timestamp', 1n << 63n],
      ['a start height that is not an integer', { ...version, startHeight: 0.5 }, 'startHeight', 0.5],
      ['a user agent of 257 bytes', { ...version, userAgent: 'x'.repeat(257) }, 'userAgent', 'x'.repeat(257)],
      ['a non-boolean relay', { ...version, relay: 1 }, 'relay', 1],
      [
        'an addr timestamp over uint32',
        { command: 'addr', addresses: [{ ...addr, timestamp: 2 ** 32 }] },
        'addresses[0].timestamp',
        2 ** 32,
      ],
      [
        '1,001 addresses',
        { command: 'addr', addresses: Array.from({ length: 1001 }, () => ({ ...addr, timestamp: 0 })) },
        'addresses.length',
        1001,
      ],
      ['an unknown command without payload', { command: 'inv' }, 'payload', undefined],
      ['a command over 12 characters', { command: 'thirteenchars', payload: new Uint8Array(0) }, 'command', 'thirteenchars'],
    ];
    for (const [what, message, field, value] of cases) {
      it(`refuses ${what}, naming ${field}`, () => {
        const error = thrown(() => mainnet.encode(message as BitcoinMessage));
        expect(error).to.be.instanceOf(InvalidMessageError).and.not.instanceOf(ProtocolError);
        expect((error as InvalidMessageError).field).to.equal(field);
        expect((error as InvalidMessageError).value).to.deep.equal(value);
        expect((error as Error).message).to.contain(field);
      });
    }

    it('refuses a payload larger than maxPayload', () => {
      const small = bitcoinProtocol({ maxPayload: 4 });
      expect(thrown(() => small.encode({ command: 'ping', nonce: 1n })))
        .to.be.instanceOf(InvalidMessageError)
        .and.include({ field: 'payload' });
    });
  });

  it('refuses invalid options at construction', () => {
    expect(thrown(() => bitcoinProtocol({ magic: -1 })))
      .to.be.instanceOf(InvalidOptionError)
      .and.include({ option: 'magic' });
    expect(thrown(() => bitcoinProtocol({ maxPayload: 2 ** 32 })))
      .to.be.instanceOf(InvalidOptionError)
      .and.include({ option: 'maxPayload' });
  });
});
