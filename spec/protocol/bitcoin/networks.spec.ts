import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { NETWORKS, networkByMagic, signetMagic } from '../../../lib/protocol/bitcoin/networks.js';
import { hex } from './helpers.js';

// Message-start bytes as written in Bitcoin Core's chainparams.cpp (pchMessageStart[0..3]).
const CORE_MESSAGE_START = {
  mainnet: 'f9beb4d9',
  testnet3: '0b110907',
  testnet4: '1c163f28',
  regtest: 'fabfb5da',
  signet: '0a03cf40',
} as const;

// The default signet challenge from Core's SigNetParams (a 1-of-2 multisig script).
const DEFAULT_SIGNET_CHALLENGE =
  '512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae';

describe('protocol/bitcoin/networks', () => {
  for (const [name, bytes] of Object.entries(CORE_MESSAGE_START)) {
    it(`${name}: magic is Core's message-start bytes ${bytes} read little-endian`, () => {
      const network = NETWORKS[name as keyof typeof NETWORKS];
      expect(network.magic).to.equal(Buffer.from(bytes, 'hex').readUInt32LE(0));
      expect(network.name).to.equal(name);
    });
  }

  it('has the magics and default ports stated in the brief (mainnet d9b4bef9, regtest dab5bffa)', () => {
    expect(NETWORKS.mainnet).to.include({ magic: 0xd9b4bef9, defaultPort: 8333 });
    expect(NETWORKS.testnet3).to.include({ magic: 0x0709110b, defaultPort: 18333 });
    expect(NETWORKS.regtest).to.include({ magic: 0xdab5bffa, defaultPort: 18444 });
    expect(NETWORKS.signet).to.include({ magic: 0x40cf030a, defaultPort: 38333 });
    expect(NETWORKS.testnet4).to.include({ magic: 0x283f161c, defaultPort: 48333 });
  });

  it('has a distinct magic and port per network', () => {
    const all = Object.values(NETWORKS);
    expect(new Set(all.map((n) => n.magic)).size).to.equal(all.length);
    expect(new Set(all.map((n) => n.defaultPort)).size).to.equal(all.length);
  });

  describe('networkByMagic', () => {
    it('finds every built-in network by its magic', () => {
      for (const network of Object.values(NETWORKS)) expect(networkByMagic(network.magic)).to.equal(network);
    });

    it('returns undefined for an unknown magic, including a byte-swapped one', () => {
      expect(networkByMagic(0xf9beb4d9)).to.equal(undefined);
      expect(networkByMagic(0)).to.equal(undefined);
    });
  });

  describe('signetMagic', () => {
    it('derives the default signet magic from Core’s default challenge', () => {
      expect(signetMagic(hex(DEFAULT_SIGNET_CHALLENGE))).to.equal(NETWORKS.signet.magic);
    });

    it('hashes the CompactSize-prefixed challenge, also past the one-byte length form', () => {
      const challenge = new Uint8Array(300).fill(0x51);
      const serialized = Buffer.concat([Buffer.from([0xfd, 300 & 0xff, 300 >> 8]), challenge]);
      const once = createHash('sha256').update(serialized).digest();
      const expected = createHash('sha256').update(once).digest().readUInt32LE(0);
      expect(signetMagic(challenge)).to.equal(expected);
    });
  });
});
