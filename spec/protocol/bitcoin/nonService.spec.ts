/**
 * The block and data requests a node that serves no blocks still has to understand and answer:
 * `getheaders`, `getblocks`, `getdata`, `headers`, `notfound`, the service bits, and
 * {@link nonServiceReply}.
 */
import { expect } from 'chai';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { decodePayload } from '../../../lib/protocol/bitcoin/decodePayload.js';
import { encodePayload } from '../../../lib/protocol/bitcoin/encodePayload.js';
import { InvalidMessageError, MalformedPayloadError, TooManyEntriesError } from '../../../lib/protocol/bitcoin/errors.js';
import {
  INV_TYPES,
  MAX_HEADERS_ENTRIES,
  MAX_INV_ENTRIES,
  MAX_LOCATOR_HASHES,
  type BitcoinMessage,
} from '../../../lib/protocol/bitcoin/messages.js';
import { nonServiceReply } from '../../../lib/protocol/bitcoin/nonServiceReply.js';
import {
  NODE_BLOOM,
  NODE_COMPACT_FILTERS,
  NODE_NETWORK,
  NODE_NETWORK_LIMITED,
  NODE_P2P_V2,
  NODE_WITNESS,
  isFullRelayCandidate,
  serviceNames,
} from '../../../lib/protocol/bitcoin/services.js';
import { hex, thrown, toHex } from './helpers.js';

// The regtest genesis block hash, internal byte order (as on the wire).
const GENESIS = hex('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f');
const ZERO = new Uint8Array(32);

describe('protocol/bitcoin non-service messages', () => {
  describe('getheaders and getblocks', () => {
    it('decodes version, a CompactSize locator and hash_stop', () => {
      const payload = hex('80110100' + '01' + toHex(GENESIS) + '00'.repeat(32));
      for (const command of ['getheaders', 'getblocks'] as const) {
        expect(decodePayload(command, payload)).to.deep.equal({ command, version: 70016, locator: [GENESIS], hashStop: ZERO });
        expect(toHex(encodePayload({ command, version: 70016, locator: [GENESIS], hashStop: ZERO } as BitcoinMessage))).to.equal(
          toHex(payload),
        );
      }
    });

    it(`rejects a locator over ${MAX_LOCATOR_HASHES} hashes from the count alone (TooManyEntriesError, ban score 20)`, () => {
      const error = thrown(() => decodePayload('getheaders', hex('80110100' + '66')));
      expect(error).to.be.instanceOf(TooManyEntriesError).and.include({ command: 'getheaders', count: 102n, limit: 101, banScore: 20 });
    });

    it('refuses to encode a hash that is not 32 bytes, naming it', () => {
      const error = thrown(() => encodePayload({ command: 'getblocks', version: 1, locator: [new Uint8Array(31)], hashStop: ZERO }));
      expect(error).to.be.instanceOf(InvalidMessageError).and.include({ field: 'locator[0]' });
    });
  });

  describe('getdata and notfound', () => {
    it('decodes inventory vectors: a uint32 type and a 32-byte hash', () => {
      const payload = hex('02' + '02000040' + toHex(GENESIS) + '01000000' + 'ee'.repeat(32));
      const inventory = [
        { type: INV_TYPES.MSG_WITNESS_BLOCK, hash: GENESIS },
        { type: INV_TYPES.MSG_TX, hash: hex('ee'.repeat(32)) },
      ];
      for (const command of ['getdata', 'notfound'] as const) {
        expect(decodePayload(command, payload)).to.deep.equal({ command, inventory });
        expect(toHex(encodePayload({ command, inventory } as BitcoinMessage))).to.equal(toHex(payload));
      }
    });

    it(`rejects more than ${MAX_INV_ENTRIES} entries from the count alone`, () => {
      const error = thrown(() => decodePayload('getdata', hex('fd51c3')));
      expect(error).to.be.instanceOf(TooManyEntriesError).and.include({ count: 50_001n, limit: 50_000 });
    });

    it('rejects a truncated entry, naming it', () => {
      const error = thrown(() => decodePayload('notfound', hex('01' + '01000000' + 'ee'.repeat(31))));
      expect(error).to.be.instanceOf(MalformedPayloadError);
      expect((error as Error).message).to.include('inventory[0].hash');
    });
  });

  describe('headers', () => {
    it('decodes 80-byte headers, each followed by a transaction count that is ignored', () => {
      const header = hex('01'.repeat(80));
      const message = decodePayload('headers', hex('02' + '01'.repeat(80) + '00' + '01'.repeat(80) + '05'));
      expect(message).to.deep.equal({ command: 'headers', headers: [header, header] });
      // Written back with the count Core writes: 0.
      expect(toHex(encodePayload(message))).to.equal('02' + '01'.repeat(80) + '00' + '01'.repeat(80) + '00');
    });

    it('encodes the empty answer as one zero byte', () => {
      expect(toHex(encodePayload({ command: 'headers', headers: [] }))).to.equal('00');
    });

    it(`rejects more than ${MAX_HEADERS_ENTRIES} headers from the count alone, and a header that is not 80 bytes on encoding`, () => {
      expect(thrown(() => decodePayload('headers', hex('fdd107'))))
        .to.be.instanceOf(TooManyEntriesError)
        .and.include({ count: 2001n });
      const error = thrown(() => encodePayload({ command: 'headers', headers: [new Uint8Array(81)] }));
      expect(error).to.be.instanceOf(InvalidMessageError).and.include({ field: 'headers[0]' });
    });
  });

  describe('nonServiceReply', () => {
    it('answers getheaders with an empty headers, whatever the locator', () => {
      expect(nonServiceReply({ command: 'getheaders', version: 70016, locator: [GENESIS], hashStop: ZERO })).to.deep.equal({
        command: 'headers',
        headers: [],
      });
    });

    it('answers getdata with a notfound listing every item asked for', () => {
      const inventory = [
        { type: INV_TYPES.MSG_WITNESS_BLOCK, hash: GENESIS },
        { type: INV_TYPES.MSG_WTX, hash: ZERO },
      ];
      expect(nonServiceReply({ command: 'getdata', inventory })).to.deep.equal({ command: 'notfound', inventory });
    });

    it('says nothing to getblocks (no empty form exists), to other messages, or to raw ones', () => {
      const silent: BitcoinMessage[] = [
        { command: 'getblocks', version: 70016, locator: [GENESIS], hashStop: ZERO },
        { command: 'ping', nonce: 1n },
        { command: 'headers', headers: [] },
        { command: 'inv', payload: new Uint8Array(1) },
        { command: 'getheaders', payload: new Uint8Array(0) },
      ];
      for (const message of silent) expect(nonServiceReply(message)).to.equal(undefined);
    });

    it('replies in bytes a peer decodes: getheaders in, an empty headers frame out', () => {
      const protocol = bitcoinProtocol();
      const [request] = protocol
        .createDecoder()
        .push(protocol.encode({ command: 'getheaders', version: 70016, locator: [GENESIS], hashStop: ZERO }));
      const reply = nonServiceReply(request ?? expect.fail('no message decoded'));
      expect(protocol.createDecoder().push(protocol.encode(reply ?? expect.fail('no reply')))).to.deep.equal([
        { command: 'headers', headers: [] },
      ]);
    });
  });

  describe('service bits', () => {
    it("are Core's values", () => {
      expect([NODE_NETWORK, NODE_BLOOM, NODE_WITNESS, NODE_COMPACT_FILTERS, NODE_NETWORK_LIMITED, NODE_P2P_V2]).to.deep.equal([
        1n,
        4n,
        8n,
        64n,
        1024n,
        2048n,
      ]);
    });

    it("tell a peer Core's automatic outbound would pick: a chain (full or limited) with witness", () => {
      expect(isFullRelayCandidate(NODE_NETWORK | NODE_WITNESS)).to.equal(true);
      expect(isFullRelayCandidate(NODE_NETWORK_LIMITED | NODE_WITNESS | NODE_P2P_V2)).to.equal(true);
      expect(isFullRelayCandidate(NODE_NETWORK)).to.equal(false);
      expect(isFullRelayCandidate(NODE_WITNESS)).to.equal(false);
      expect(isFullRelayCandidate(0n)).to.equal(false);
    });

    it('are named as getpeerinfo names them, unknown bits included', () => {
      expect(serviceNames(0xc09n)).to.deep.equal(['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2']);
      expect(serviceNames((1n << 63n) | 2n)).to.deep.equal(['UNKNOWN[2^1]', 'UNKNOWN[2^63]']);
      expect(serviceNames(0n)).to.deep.equal([]);
    });
  });
});
