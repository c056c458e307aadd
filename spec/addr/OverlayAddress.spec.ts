import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidAddressError } from '../../lib/net/InvalidAddressError.js';
import { OverlayAddress, overlayGroup } from '../../lib/addr/OverlayAddress.js';

// Real onion services' names (the Tor Project's and DuckDuckGo's): their checksums are Tor's, not ours.
const TORPROJECT = '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion';
const DUCKDUCKGO = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
// The I2P project's site, as a .b32.i2p name.
const I2P_PROJECT = 'ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p';

describe('OverlayAddress', () => {
  describe('Tor v3 (BIP155 appendix B: base32(PUBKEY | CHECKSUM | VERSION) + ".onion")', () => {
    it("reads real onion names, checking Tor's SHA3-256 checksum, to the 32-byte key addrv2 carries", () => {
      const onion = OverlayAddress.parse(`${TORPROJECT}:8333`);
      expect(onion).to.include({ network: 'torv3', host: TORPROJECT, port: 8333 });
      expect(Buffer.from(onion.bytes).toString('hex')).to.equal('d1b38b83a83b3ed918c5bb69dd444ad56bc8d5835a914de73447474e5f02591b');
      expect(OverlayAddress.parse(`${DUCKDUCKGO}:443`).toString()).to.equal(`${DUCKDUCKGO}:443`);
    });

    it('writes the name back from the key alone (VERSION is always 3)', () => {
      const key = Buffer.from('d1b38b83a83b3ed918c5bb69dd444ad56bc8d5835a914de73447474e5f02591b', 'hex');
      expect(OverlayAddress.fromBytes('torv3', key, 8333).toString()).to.equal(`${TORPROJECT}:8333`);
    });

    it('refuses a name with a wrong checksum or version, the wrong length, or upper case', () => {
      const flipped = `${TORPROJECT.slice(0, 10)}${TORPROJECT[10] === 'a' ? 'b' : 'a'}${TORPROJECT.slice(11)}`;
      for (const bad of [flipped, TORPROJECT.replace('wid.onion', 'wia.onion'), 'abc.onion', TORPROJECT.toUpperCase()]) {
        expect(() => OverlayAddress.parse(`${bad}:8333`)).to.throw(InvalidAddressError, bad.slice(0, 10));
      }
    });
  });

  describe('I2P (appendix C) and CJDNS (appendix D)', () => {
    it('reads a .b32.i2p name to its 32-byte hash and back; port 0 is fine', () => {
      const i2p = OverlayAddress.parse(`${I2P_PROJECT}:0`);
      expect(i2p).to.include({ network: 'i2p', port: 0 });
      expect(i2p.bytes).to.have.length(32);
      expect(OverlayAddress.fromBytes('i2p', i2p.bytes, 0).toString()).to.equal(`${I2P_PROJECT}:0`);
    });

    it('refuses an I2P name whose spare bits are not zero (two spellings of one hash)', () => {
      expect(() => OverlayAddress.parse(`${I2P_PROJECT.replace('dq.b32', 'dr.b32')}:0`)).to.throw(InvalidAddressError);
    });

    it('reads CJDNS only when asked for (it looks like IPv6), and only inside fc00::/8', () => {
      expect(OverlayAddress.parse('[fc00::1]:8333', 'cjdns')).to.include({ network: 'cjdns', host: 'fc00::1', port: 8333 });
      expect(() => OverlayAddress.parse('[fc00::1]:8333')).to.throw(InvalidAddressError);
      expect(() => OverlayAddress.parse('[fd00::1]:8333', 'cjdns')).to.throw(InvalidAddressError, 'fc00::/8');
    });
  });

  it('round-trips any valid address through its text', () => {
    const arb = fc.oneof(
      fc.record({ network: fc.constant('torv3' as const), bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
      fc.record({ network: fc.constant('i2p' as const), bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
      fc.record({
        network: fc.constant('cjdns' as const),
        bytes: fc.uint8Array({ minLength: 15, maxLength: 15 }).map((b) => Uint8Array.of(0xfc, ...b)),
      }),
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 65535 }), ({ network, bytes }, port) => {
        const addr = OverlayAddress.fromBytes(network, bytes, port);
        const back = OverlayAddress.parse(addr.toString(), network);
        expect([back.network, Buffer.from(back.bytes).toString('hex'), back.port]).to.deep.equal([
          network,
          Buffer.from(bytes).toString('hex'),
          port,
        ]);
      }),
    );
  });

  it('refuses bytes of the wrong length or a bad port, naming the problem', () => {
    expect(() => OverlayAddress.fromBytes('torv3', new Uint8Array(31), 1)).to.throw(InvalidAddressError, 'must be 32 bytes');
    expect(() => OverlayAddress.fromBytes('i2p', new Uint8Array(32), 65536)).to.throw(InvalidAddressError, '65536');
    expect(() => OverlayAddress.fromBytes('torv2' as never, new Uint8Array(10), 1)).to.throw(InvalidAddressError, 'torv2');
  });

  it('keys each network apart from the others and from IP (18-byte) keys', () => {
    const onion = OverlayAddress.parse(`${TORPROJECT}:8333`);
    const i2p = OverlayAddress.fromBytes('i2p', onion.bytes, 8333);
    expect(onion.keyBytes()).to.have.length(35);
    expect(Buffer.from(onion.keyBytes()).equals(Buffer.from(i2p.keyBytes()))).to.equal(false);
    expect(OverlayAddress.parse('[fc00::1]:8333', 'cjdns').keyBytes()).to.have.length(19);
  });

  it("groups as Core's GetGroup: the network and the first 4 bits (CJDNS: 12, past the constant fc)", () => {
    expect(overlayGroup(OverlayAddress.parse(`${TORPROJECT}:8333`))).to.equal('torv3:d');
    expect(overlayGroup(OverlayAddress.fromBytes('i2p', new Uint8Array(32).fill(0x5a), 0))).to.equal('i2p:5');
    expect(overlayGroup(OverlayAddress.parse('[fc12::1]:8333', 'cjdns'))).to.equal('cjdns:fc1');
  });
});
