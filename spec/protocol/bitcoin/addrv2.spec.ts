/**
 * `addrv2` and `sendaddrv2` (BIP155), from hand-built bytes laid out field by field as in the BIP's
 * table: time (uint32 LE), services (CompactSize), network id (uint8), address (CompactSize length +
 * bytes), port (uint16 BE).
 */
import { expect } from 'chai';
import { BIP155_NETWORKS, BIP155_TORV2_ID, MAX_ADDRV2_ADDRESS_LENGTH } from '../../../lib/protocol/bitcoin/bip155.js';
import { decodePayload } from '../../../lib/protocol/bitcoin/decodePayload.js';
import { encodePayload } from '../../../lib/protocol/bitcoin/encodePayload.js';
import { InvalidMessageError, MalformedPayloadError, TooManyAddressesError } from '../../../lib/protocol/bitcoin/errors.js';
import type { AddrV2Address } from '../../../lib/protocol/bitcoin/messages.js';
import { hex, thrown, toHex } from './helpers.js';

const TIME = '00e1f505'; // 100,000,000 s, little-endian
const PORT = '208d'; // 8333, big-endian
const PUBKEY = 'ab'.repeat(32);

/** One entry's bytes: time, services, id, length-prefixed address, port. */
function entry(services: string, id: string, addr: string, port = PORT): string {
  const length = (addr.length / 2).toString(16).padStart(2, '0');
  return TIME + services + id + length + addr + port;
}

describe('protocol/bitcoin addrv2 (BIP155)', () => {
  it("has BIP155's network ids and lengths: IPv4 1/4, IPv6 2/16, TorV3 4/32, I2P 5/32, CJDNS 6/16; TorV2 3 is not decoded", () => {
    expect(BIP155_NETWORKS).to.deep.equal({
      ipv4: { id: 1, length: 4 },
      ipv6: { id: 2, length: 16 },
      torv3: { id: 4, length: 32 },
      i2p: { id: 5, length: 32 },
      cjdns: { id: 6, length: 16 },
    });
    expect([BIP155_TORV2_ID, MAX_ADDRV2_ADDRESS_LENGTH]).to.deep.equal([3, 512]);
  });

  it('decodes one entry of each network, services as CompactSize', () => {
    const payload = hex(
      '05' +
        entry('01', '01', '01020304') +
        entry('fd0904', '02', '2a01' + '00'.repeat(13) + '01') + // services 0x409 in 3 bytes
        entry('09', '04', PUBKEY) +
        entry('00', '05', 'cd'.repeat(32), '0000') + // I2P: port 0
        entry('ff' + '0000000001000000', '06', 'fc' + '00'.repeat(14) + '01'), // services 2^32, in 9 bytes
    );
    const message = decodePayload('addrv2', payload);
    expect(message).to.deep.equal({
      command: 'addrv2',
      skipped: 0,
      addresses: [
        { timestamp: 100_000_000, services: 1n, network: 'ipv4', addr: hex('01020304'), port: 8333 },
        { timestamp: 100_000_000, services: 0x409n, network: 'ipv6', addr: hex('2a01' + '00'.repeat(13) + '01'), port: 8333 },
        { timestamp: 100_000_000, services: 9n, network: 'torv3', addr: hex(PUBKEY), port: 8333 },
        { timestamp: 100_000_000, services: 0n, network: 'i2p', addr: hex('cd'.repeat(32)), port: 0 },
        { timestamp: 100_000_000, services: 1n << 32n, network: 'cjdns', addr: hex('fc' + '00'.repeat(14) + '01'), port: 8333 },
      ],
    });
  });

  it('re-encodes to the same bytes, services in the shortest CompactSize', () => {
    const payload = hex('02' + entry('01', '01', '01020304') + entry('fd0904', '04', PUBKEY));
    expect(toHex(encodePayload(decodePayload('addrv2', payload)))).to.equal(toHex(payload));
  });

  it('skips TorV2, unknown networks and the IPv6 forms Core ignores, without failing the message', () => {
    const payload = hex(
      '06' +
        entry('01', '03', '11'.repeat(10)) + // TorV2: "MUST ignore them on receive"
        entry('01', '63', 'aabbcc') + // id 99: unknown, any length up to 512
        entry('01', '02', '00'.repeat(10) + 'ffff' + '01020304') + // IPv4-mapped sent as IPv6
        entry('01', '02', 'fd87d87eeb43' + '22'.repeat(10)) + // OnionCat sent as IPv6 (BIP155 appendix A)
        entry('01', '06', '2a' + '00'.repeat(15)) + // CJDNS outside fc00::/8
        entry('01', '01', '05060708'),
    );
    expect(decodePayload('addrv2', payload)).to.deep.equal({
      command: 'addrv2',
      skipped: 5,
      addresses: [{ timestamp: 100_000_000, services: 1n, network: 'ipv4', addr: hex('05060708'), port: 8333 }],
    });
  });

  it('rejects an address of the wrong length for its network (BIP155: "meaningless")', () => {
    const error = thrown(() => decodePayload('addrv2', hex('01' + entry('01', '01', '0102030405'))));
    expect(error).to.be.instanceOf(MalformedPayloadError);
    expect((error as Error).message)
      .to.include('addrv2')
      .and.include('ipv4 address has 4');
  });

  it('rejects an address field over 512 bytes whatever its network, before reading it', () => {
    const long = '01' + TIME + '01' + '63' + 'fd0102'; // id 99, length 513, and no bytes follow
    const error = thrown(() => decodePayload('addrv2', hex(long)));
    expect(error).to.be.instanceOf(MalformedPayloadError);
    expect((error as Error).message).to.include('513 bytes');
    // 512 is allowed (and skipped, the id being unknown).
    expect(decodePayload('addrv2', hex('01' + TIME + '01' + '63' + 'fd0002' + '00'.repeat(512) + PORT))).to.include({ skipped: 1 });
  });

  it('rejects more than 1,000 entries from the count alone (TooManyAddressesError naming addrv2, ban score 20)', () => {
    const error = thrown(() => decodePayload('addrv2', hex('fde903')));
    expect(error).to.be.instanceOf(TooManyAddressesError).and.include({ command: 'addrv2', count: 1001n, banScore: 20 });
    expect((error as Error).message).to.include('addrv2 message announces 1001 entries');
  });

  it('rejects a truncated entry with MalformedPayloadError naming the field', () => {
    const error = thrown(() => decodePayload('addrv2', hex('01' + TIME + '01' + '01' + '04' + '0102')));
    expect(error).to.be.instanceOf(MalformedPayloadError);
    expect((error as Error).message).to.include('addresses[0].addr');
  });

  describe('encoding errors (InvalidMessageError)', () => {
    const good: AddrV2Address = { timestamp: 1, services: 1n, network: 'ipv4', addr: hex('01020304'), port: 8333 };
    const cases: ReadonlyArray<[what: string, entry: unknown, field: string]> = [
      ['TorV2 (not a network this codec sends)', { ...good, network: 'torv2' }, 'addresses[0].network'],
      ['an unknown network', { ...good, network: 'onion' }, 'addresses[0].network'],
      ['a network named after an Object.prototype key', { ...good, network: 'toString' }, 'addresses[0].network'],
      ['an IPv4 address of 16 bytes', { ...good, addr: new Uint8Array(16) }, 'addresses[0].addr'],
      ['a TorV3 key of 31 bytes', { ...good, network: 'torv3', addr: new Uint8Array(31) }, 'addresses[0].addr'],
      ['services over 64 bits', { ...good, services: 1n << 64n }, 'addresses[0].services'],
      ['a port over 65535', { ...good, port: 65536 }, 'addresses[0].port'],
    ];
    for (const [what, bad, field] of cases) {
      it(`refuses ${what}, naming ${field}`, () => {
        const error = thrown(() => encodePayload({ command: 'addrv2', addresses: [bad as AddrV2Address] }));
        expect(error).to.be.instanceOf(InvalidMessageError).and.include({ field });
      });
    }

    it('refuses more than 1,000 entries', () => {
      const error = thrown(() => encodePayload({ command: 'addrv2', addresses: Array.from({ length: 1001 }, () => good) }));
      expect(error).to.be.instanceOf(InvalidMessageError).and.include({ field: 'addresses.length' });
    });
  });

  it('sendaddrv2 has an empty payload both ways', () => {
    expect(encodePayload({ command: 'sendaddrv2' })).to.have.length(0);
    expect(decodePayload('sendaddrv2', new Uint8Array(0))).to.deep.equal({ command: 'sendaddrv2' });
  });
});
