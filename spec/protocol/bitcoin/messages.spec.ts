import { expect } from 'chai';
import {
  KNOWN_COMMANDS,
  PROTOCOL_VERSION,
  isRawMessage,
  versionMessage,
  type BitcoinMessage,
  type KnownBitcoinMessage,
} from '../../../lib/protocol/bitcoin/messages.js';
import { InvalidMessageError } from '../../../lib/protocol/bitcoin/errors.js';
import { VERSION } from '../../../lib/version.js';
import { ipv4, thrown } from './helpers.js';

const PEER = { services: 0n, ip: ipv4('127.0.0.1'), port: 18444 };

describe('protocol/bitcoin/messages', () => {
  describe('versionMessage', () => {
    it('fills in the documented defaults', () => {
      expect(versionMessage({ nonce: 5n, timestamp: 1_700_000_000, addrRecv: PEER })).to.deep.equal({
        command: 'version',
        protocolVersion: 70016,
        services: 0n,
        timestamp: 1_700_000_000n,
        addrRecv: PEER,
        addrFrom: { services: 0n, ip: new Uint8Array(16), port: 0 },
        nonce: 5n,
        userAgent: `/rx-connmgr:${VERSION}/`,
        startHeight: 0,
        relay: true,
      });
      expect(PROTOCOL_VERSION).to.equal(70016);
    });

    it('keeps every given field, and addrFrom inherits our services', () => {
      const message = versionMessage({
        nonce: 1n,
        timestamp: 2n,
        addrRecv: PEER,
        protocolVersion: 70015,
        services: 0x409n,
        userAgent: '/x:1/',
        startHeight: 800_000,
        relay: false,
      });
      expect(message).to.include({
        protocolVersion: 70015,
        services: 0x409n,
        userAgent: '/x:1/',
        startHeight: 800_000,
        relay: false,
        timestamp: 2n,
      });
      expect(message.addrFrom.services).to.equal(0x409n);
    });

    it('refuses a fractional timestamp rather than letting BigInt throw a RangeError', () => {
      const error = thrown(() => versionMessage({ nonce: 1n, timestamp: 1.5, addrRecv: PEER }));
      expect(error).to.be.instanceOf(InvalidMessageError).and.include({ field: 'timestamp', value: 1.5 });
    });
  });

  describe('isRawMessage', () => {
    it('tells raw messages (with a payload) from typed ones, and narrows for a switch', () => {
      const messages: BitcoinMessage[] = [
        { command: 'ping', nonce: 3n },
        { command: 'inv', payload: new Uint8Array(1) },
        { command: 'verack' },
      ];
      const known: KnownBitcoinMessage[] = [];
      for (const message of messages) if (!isRawMessage(message)) known.push(message);
      expect(known.map((m) => m.command)).to.deep.equal(['ping', 'verack']);
      const [first] = known;
      // Compiles only because the guard narrowed away RawMessage.
      if (first?.command === 'ping') expect(first.nonce).to.equal(3n);
      else expect.fail('expected the ping first');
    });
  });

  it('lists the modelled commands', () => {
    expect([...KNOWN_COMMANDS].sort()).to.deep.equal([
      'addr',
      'addrv2',
      'getaddr',
      'getblocks',
      'getdata',
      'getheaders',
      'headers',
      'notfound',
      'ping',
      'pong',
      'sendaddrv2',
      'sendheaders',
      'verack',
      'version',
      'wtxidrelay',
    ]);
  });
});
