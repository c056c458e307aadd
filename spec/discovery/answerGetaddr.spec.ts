import { expect } from 'chai';
import fc from 'fast-check';
import type { AddrInfo } from '../../lib/addr/AddrInfo.js';
import type { BookAddress } from '../../lib/addr/AddrInfo.js';
import { OverlayAddress } from '../../lib/addr/OverlayAddress.js';
import { addrV2Announcements } from '../../lib/discovery/addrV2Announcements.js';
import {
  MAX_GETADDR_ANSWER_PERCENT,
  MAX_GETADDR_ANSWER_SIZE,
  addrAnswer,
  addrMessageOf,
  getaddrVerdict,
} from '../../lib/discovery/answerGetaddr.js';
import { decodePayload } from '../../lib/protocol/bitcoin/decodePayload.js';
import { encodePayload } from '../../lib/protocol/bitcoin/encodePayload.js';
import { InvalidDiscoveryOptionError } from '../../lib/discovery/errors.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { seeded } from '../addr/helpers.js';

const NOW = 1_700_000_000_000;
const SOURCE = SocketAddress.parse('81.2.3.4:8333');

function entries(n: number, bad: (i: number) => boolean = () => false): AddrInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    addr: SocketAddress.from(`44.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`, 8333),
    services: 9n,
    // 31 days old is bad (not seen for a month).
    timestamp: bad(i) ? NOW - 31 * 86_400_000 : NOW - 3_600_000,
    source: SOURCE,
    attempts: 0,
    lastAttempt: undefined,
    lastSuccess: undefined,
    tried: false,
  }));
}

describe('answerGetaddr', () => {
  describe('getaddrVerdict', () => {
    it('answers an inbound connection once, and an outbound one never', () => {
      expect(getaddrVerdict({ outbound: false, answered: false })).to.equal('answer');
      expect(getaddrVerdict({ outbound: false, answered: true })).to.equal('already-answered');
      expect(getaddrVerdict({ outbound: true, answered: false })).to.equal('outbound');
      expect(getaddrVerdict({ outbound: true, answered: true })).to.equal('outbound');
    });
  });

  describe('addrAnswer', () => {
    it("sends at most 23 % of the book and at most 1,000, Core's figures", () => {
      expect([MAX_GETADDR_ANSWER_PERCENT, MAX_GETADDR_ANSWER_SIZE]).to.deep.equal([23, 1000]);
      const random = seeded(1);
      expect(addrAnswer(entries(100), { now: NOW, random })).to.have.length(23);
      expect(addrAnswer(entries(4), { now: NOW, random })).to.have.length(0);
      expect(addrAnswer(entries(10_000), { now: NOW, random })).to.have.length(1000);
    });

    it('draws distinct entries of the book, leaving bad ones out', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 600 }), fc.integer(), fc.integer({ min: 0, max: 100 }), (n, seed, percent) => {
          const book = entries(n, (i) => i % 3 === 0);
          const answer = addrAnswer(book, { now: NOW, random: seeded(seed), maxPercent: percent, maxAddresses: 50 });
          expect(answer.length).to.be.at.most(Math.min(50, Math.floor((percent * n) / 100)));
          const ids = answer.map((info) => info.addr.toString());
          expect(new Set(ids).size).to.equal(ids.length);
          for (const info of answer) {
            expect(book).to.include(info);
            expect(info.timestamp).to.equal(NOW - 3_600_000);
          }
        }),
      );
    });

    it('draws uniformly: every entry is about equally likely to be sent', () => {
      const book = entries(50);
      const counts = new Map<string, number>();
      const random = seeded(7);
      for (let round = 0; round < 2000; round += 1) {
        for (const info of addrAnswer(book, { now: NOW, random }))
          counts.set(info.addr.toString(), (counts.get(info.addr.toString()) ?? 0) + 1);
      }
      // 11 of 50 per answer: each entry expects 440 of 2,000 answers (σ ≈ 19).
      for (const info of book) expect(counts.get(info.addr.toString()) ?? 0).to.be.within(360, 520);
    });

    it('does not change the entries it is given, even with a random that returns 1', () => {
      const book = entries(40);
      const copy = book.slice();
      expect(addrAnswer(book, { now: NOW, random: () => 1 - Number.EPSILON })).to.have.length(9);
      expect(addrAnswer(book, { now: NOW, random: () => 1 })).to.have.length(9);
      expect(book).to.deep.equal(copy);
    });

    it('rejects an out-of-range share or size with a typed error naming it', () => {
      expect(() => addrAnswer([], { now: NOW, random: Math.random, maxPercent: 101 })).to.throw(InvalidDiscoveryOptionError, 'maxPercent');
      expect(() => addrAnswer([], { now: NOW, random: Math.random, maxAddresses: -1 })).to.throw(
        InvalidDiscoveryOptionError,
        'maxAddresses',
      );
    });
  });

  describe('addrMessageOf', () => {
    const ONION = OverlayAddress.parse('2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion:8333');
    const mixed: AddrInfo<BookAddress>[] = [
      { ...(entries(1)[0] as AddrInfo), timestamp: NOW - 3_600_500 },
      { ...(entries(1)[0] as AddrInfo), addr: ONION },
      { ...(entries(1)[0] as AddrInfo), addr: SocketAddress.parse('[2a01:4f8::1]:8333'), timestamp: NOW + 9 * 60_000 },
    ];

    it('leaves overlay entries out of an addr (v1), with timestamps in s never after now', () => {
      const message = addrMessageOf(mixed, { addrv2: false, now: NOW });
      expect(message.command).to.equal('addr');
      expect(message.addresses.map((a) => a.timestamp)).to.deep.equal([Math.floor((NOW - 3_600_500) / 1000), NOW / 1000]);
      expect(message.addresses).to.have.length(2);
    });

    it('carries every network in an addrv2, which decodes back to the same addresses', () => {
      const message = addrMessageOf(mixed, { addrv2: true, now: NOW });
      expect(message.command).to.equal('addrv2');
      const decoded = decodePayload('addrv2', encodePayload(message));
      if (decoded.command !== 'addrv2' || 'payload' in decoded) expect.fail('not an addrv2');
      expect(decoded.addresses.map((a) => a.network)).to.deep.equal(['ipv4', 'torv3', 'ipv6']);
      const { ip, overlay } = addrV2Announcements(decoded.addresses);
      expect([...ip, ...overlay].map((a) => a.addr.toString()).sort()).to.deep.equal(mixed.map((info) => info.addr.toString()).sort());
    });

    it('puts at most 1,000 entries in one message', () => {
      expect(addrMessageOf(entries(1500), { addrv2: true, now: NOW }).addresses).to.have.length(1000);
      expect(addrMessageOf(entries(1500), { addrv2: false, now: NOW }).addresses).to.have.length(1000);
    });
  });
});
