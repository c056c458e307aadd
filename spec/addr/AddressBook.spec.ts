import { expect } from 'chai';
import { AddressBook, MAX_PENDING_COLLISIONS } from '../../lib/addr/AddressBook.js';
import { InvalidBookKeyError } from '../../lib/addr/errors.js';
import { newPlacement, triedPlacement } from '../../lib/addr/placement.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { isRoutable, netGroup } from '../../lib/net/netGroup.js';
import { Clock, DAY, MINUTE, fixedKey, inGroup, inSpreadGroup, makeBook, must, seeded } from './helpers.js';

const SOURCE = SocketAddress.parse('81.2.3.4:8333');

/** Finds two addresses of the /16 `a.b` that share a placement computed by `place`. */
function collidingPair(place: (addr: SocketAddress) => string, a = 44, b = 9): [SocketAddress, SocketAddress] {
  const seen = new Map<string, SocketAddress>();
  for (let i = 0; i < 65536; i += 1) {
    const addr = inGroup(a, b, i);
    const where = place(addr);
    const earlier = seen.get(where);
    if (earlier) return [earlier, addr];
    seen.set(where, addr);
  }
  throw new Error('no collision found');
}

describe('AddressBook', () => {
  describe('construction', () => {
    it('refuses a key that is not 32 bytes, carrying the key', () => {
      const key = new Uint8Array(5);
      expect(() => new AddressBook({ key }))
        .to.throw(InvalidBookKeyError)
        .with.property('key', key);
    });

    it('copies the key, so later changes to the caller buffer do not move entries', () => {
      const clock = new Clock();
      const key = fixedKey();
      const book = new AddressBook({ key, now: clock.now });
      const reference = makeBook(clock);
      const addrs = Array.from({ length: 50 }, (_, g) => ({ addr: inSpreadGroup(g) }));
      book.add(addrs, SOURCE);
      key.fill(9);
      book.add([{ addr: inSpreadGroup(999) }], SOURCE);
      reference.add([...addrs, { addr: inSpreadGroup(999) }], SOURCE);
      for (const { addr } of [...addrs, { addr: inSpreadGroup(999) }]) {
        expect(book.placementOf(addr)).to.deep.equal(reference.placementOf(addr));
      }
    });
  });

  describe('add', () => {
    it('records new addresses with their defaults and counts only the new ones', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const a = inSpreadGroup(1);
      const b = inSpreadGroup(2);
      expect(book.add([{ addr: a, services: 5n, timestamp: clock.time - MINUTE }, { addr: b }], SOURCE)).to.equal(2);
      expect(book.add([{ addr: a }], SOURCE)).to.equal(0);
      expect([book.size, book.newCount, book.triedCount]).to.deep.equal([2, 2, 0]);
      expect(book.has(a)).to.equal(true);
      expect(book.has(inSpreadGroup(3))).to.equal(false);
      expect(book.get(b)).to.deep.equal({
        addr: b,
        services: 0n,
        timestamp: clock.time,
        source: SOURCE,
        attempts: 0,
        lastAttempt: undefined,
        lastSuccess: undefined,
        tried: false,
      });
      expect(book.get(a)?.services).to.equal(5n);
    });

    it('drops unroutable addresses but keeps loopback ones', () => {
      const book = makeBook(new Clock());
      const unroutable = ['10.0.0.1:8333', '192.168.1.1:8333', '0.0.0.0:8333', '[fe80::1]:8333'].map((t) => SocketAddress.parse(t));
      const loopback = SocketAddress.parse('127.0.0.1:18444');
      expect(book.add([...unroutable.map((addr) => ({ addr })), { addr: loopback }], SOURCE)).to.equal(1);
      expect(book.has(loopback)).to.equal(true);
      for (const addr of unroutable) expect(book.has(addr)).to.equal(false);
    });

    it('merges a repeated announcement: services OR-ed, newer timestamp kept, far-future and older ignored, source unchanged', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addr = inSpreadGroup(7);
      book.add([{ addr, services: 1n, timestamp: clock.time - 60 * MINUTE }], SOURCE);
      const otherSource = SocketAddress.parse('91.1.1.1:8333');
      book.add([{ addr, services: 4n, timestamp: clock.time - 30 * MINUTE }], otherSource);
      expect(book.get(addr)).to.include({ services: 5n, timestamp: clock.time - 30 * MINUTE, source: SOURCE });
      book.add([{ addr, timestamp: clock.time - 90 * MINUTE }], SOURCE);
      book.add([{ addr, timestamp: clock.time + DAY }], SOURCE);
      expect(book.get(addr)?.timestamp).to.equal(clock.time - 30 * MINUTE);
    });

    it('keeps a good occupant of a new slot and drops the newcomer; replaces a bad occupant', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const group = netGroup(SOURCE);
      const [first, second] = collidingPair((addr) => {
        const p = newPlacement(fixedKey(), addr, netGroup(addr), group);
        return `${p.bucket}/${p.slot}`;
      });
      book.add([{ addr: first }], SOURCE);
      expect(book.add([{ addr: second }], SOURCE)).to.equal(0);
      expect([book.has(first), book.has(second)]).to.deep.equal([true, false]);

      // A month without news makes the occupant bad.
      clock.advance(31 * DAY);
      expect(book.add([{ addr: second }], SOURCE)).to.equal(1);
      expect([book.has(first), book.has(second)]).to.deep.equal([false, true]);
      expect(book.size).to.equal(1);
    });

    it('fits at most one bucket (64) of a flood from one source about one /16', () => {
      const book = makeBook(new Clock());
      const flood = Array.from({ length: 1000 }, (_, i) => ({ addr: inGroup(45, 1, i) }));
      const kept = book.add(flood, SOURCE);
      expect(kept).to.equal(book.size);
      expect(kept).to.be.within(20, 64);
      const buckets = new Set(flood.filter(({ addr }) => book.has(addr)).map(({ addr }) => book.placementOf(addr)?.bucket));
      expect(buckets.size).to.equal(1);
    });
  });

  describe('placement properties', () => {
    it('puts the addresses of one /16 into at most 8 of the 256 tried buckets', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addrs = Array.from({ length: 2000 }, (_, i) => inGroup(46, 2, i));
      // A distinct source group for each, so the new table does not cap them first.
      addrs.forEach((addr, i) => book.add([{ addr }], inSpreadGroup(i + 10)));
      for (const addr of addrs) book.good(addr);
      const tried = addrs.filter((addr) => book.get(addr)?.tried);
      const buckets = new Set(tried.map((addr) => book.placementOf(addr)?.bucket));
      expect(tried.length).to.be.greaterThan(100);
      expect(buckets.size).to.be.within(2, 8);
    });

    it('puts the addresses told by one source group into at most 64 of the 1,024 new buckets', () => {
      const book = makeBook(new Clock());
      const addrs = Array.from({ length: 3000 }, (_, g) => inSpreadGroup(g));
      // Many sources, all in the /16 81.2: one source group.
      addrs.forEach((addr, i) => book.add([{ addr }], inGroup(81, 2, i)));
      const buckets = new Set(addrs.filter((a) => book.has(a)).map((addr) => book.placementOf(addr)?.bucket));
      expect(buckets.size).to.be.within(33, 64);
    });

    it('places the same addresses differently under a different key', () => {
      const clock = new Clock();
      const one = makeBook(clock);
      const other = makeBook(clock, { key: fixedKey(8) });
      const addrs = Array.from({ length: 200 }, (_, g) => ({ addr: inSpreadGroup(g) }));
      one.add(addrs, SOURCE);
      other.add(addrs, SOURCE);
      // Same-slot collisions drop a few addresses from one book or the other; compare those in both.
      const inBoth = addrs.filter(({ addr }) => one.has(addr) && other.has(addr));
      const moved = inBoth.filter(({ addr }) => {
        const a = must(one.placementOf(addr));
        const b = must(other.placementOf(addr));
        return a.bucket !== b.bucket || a.slot !== b.slot;
      });
      expect(inBoth.length).to.be.greaterThan(150);
      expect(moved.length).to.be.greaterThan(inBoth.length * 0.95);
    });
  });

  describe('select', () => {
    it('returns undefined from an empty book, and with newOnly when only tried entries exist', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      expect(book.select()).to.equal(undefined);
      const addr = inSpreadGroup(1);
      book.add([{ addr }], SOURCE);
      book.good(addr);
      expect(book.select()?.addr).to.equal(addr);
      expect(book.select({ newOnly: true })).to.equal(undefined);
    });

    it('never returns an unroutable address', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      for (let g = 0; g < 300; g += 1) {
        book.add([{ addr: inSpreadGroup(g) }, { addr: inGroup(10, g % 256, g) }, { addr: inGroup(192, 168, g) }], SOURCE);
      }
      for (let g = 0; g < 300; g += 3) book.good(inSpreadGroup(g));
      for (let i = 0; i < 2000; i += 1) expect(isRoutable(must(book.select()).addr)).to.equal(true);
    });

    it('draws from tried and new about equally when both have entries', () => {
      const clock = new Clock();
      const book = makeBook(clock, { random: seeded(1234) });
      for (let g = 0; g < 1100; g += 1) book.add([{ addr: inSpreadGroup(g) }], inSpreadGroup(g + 5000));
      for (let g = 0; g < 100; g += 1) book.good(inSpreadGroup(g));
      clock.advance(60 * MINUTE);
      expect(book.triedCount).to.equal(100);
      let tried = 0;
      const draws = 4000;
      for (let i = 0; i < draws; i += 1) if (book.select()?.tried) tried += 1;
      // σ ≈ 32 for 4,000 fair coin flips; ±200 is over 6σ.
      expect(tried).to.be.within(draws / 2 - 200, draws / 2 + 200);
      for (let i = 0; i < 200; i += 1) expect(book.select({ newOnly: true })?.tried).to.equal(false);
    });

    it('prefers entries that have not failed', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const healthy = inSpreadGroup(1);
      const failing = inSpreadGroup(2);
      book.add([{ addr: healthy }, { addr: failing }], SOURCE);
      for (let i = 0; i < 8; i += 1) book.attempt(failing);
      clock.advance(60 * MINUTE);
      let healthyCount = 0;
      for (let i = 0; i < 2000; i += 1) if (book.select()?.addr.equals(healthy)) healthyCount += 1;
      expect(healthyCount).to.be.greaterThan(1600);
    });

    it('terminates on a one-entry, all-bad book, even with adversarial randomness', () => {
      const clock = new Clock();
      for (const high of [0.999999, 1, 5]) {
        let calls = 0;
        const book = makeBook(clock, {
          random: () => {
            calls += 1;
            return high;
          },
        });
        const addr = inSpreadGroup(3);
        book.add([{ addr, timestamp: clock.time - 40 * DAY }], SOURCE);
        for (let i = 0; i < 20; i += 1) book.attempt(addr);
        expect(book.isBad(must(book.get(addr)))).to.equal(false); // attempted this very minute
        clock.advance(2 * MINUTE);
        expect(book.isBad(must(book.get(addr)))).to.equal(true);
        calls = 0;
        expect(book.select()?.addr).to.equal(addr);
        expect(calls).to.be.at.most(2 * 64 + 1);
        clock.time -= 2 * MINUTE;
      }
    });
  });

  describe('attempt, connected and good', () => {
    it('attempt counts tries and stamps the time; unknown addresses are reported', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addr = inSpreadGroup(4);
      book.add([{ addr }], SOURCE);
      clock.advance(MINUTE);
      expect(book.attempt(addr)).to.equal(true);
      clock.advance(MINUTE);
      book.attempt(addr);
      expect(book.get(addr)).to.include({ attempts: 2, lastAttempt: clock.time });
      expect(book.attempt(inSpreadGroup(5))).to.equal(false);
    });

    it('attempt without counting the failure (our network offline) stamps the time, keeps the count', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addr = inSpreadGroup(4);
      book.add([{ addr }], SOURCE);
      book.attempt(addr);
      clock.advance(MINUTE);
      expect(book.attempt(addr, false)).to.equal(true);
      expect(book.get(addr)).to.include({ attempts: 1, lastAttempt: clock.time });
    });

    it('connected refreshes the timestamp only when it is over 20 minutes old', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addr = inSpreadGroup(4);
      book.add([{ addr }], SOURCE);
      const added = clock.time;
      clock.advance(20 * MINUTE);
      book.connected(addr);
      expect(book.get(addr)?.timestamp).to.equal(added);
      clock.advance(1);
      book.connected(addr);
      expect(book.get(addr)?.timestamp).to.equal(clock.time);
      expect(book.connected(inSpreadGroup(5))).to.equal(false);
    });

    it('good moves an entry to tried and resets its failures', () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addr = inSpreadGroup(4);
      book.add([{ addr }], SOURCE);
      book.attempt(addr);
      book.attempt(addr);
      clock.advance(MINUTE);
      expect(book.good(addr)).to.equal('tried');
      expect(book.get(addr)).to.include({ tried: true, attempts: 0, lastSuccess: clock.time, lastAttempt: clock.time });
      expect(book.placementOf(addr)).to.deep.equal(triedPlacement(fixedKey(), addr, netGroup(addr)));
      expect([book.newCount, book.triedCount, book.size]).to.deep.equal([0, 1, 1]);
      expect(book.good(addr)).to.equal('tried');
      expect(book.good(inSpreadGroup(5))).to.equal('unknown');
    });
  });

  describe('test-before-evict', () => {
    function collidingBook(): { book: AddressBook; clock: Clock; old: SocketAddress; newcomer: SocketAddress } {
      const clock = new Clock();
      const book = makeBook(clock);
      const [old, newcomer] = collidingPair((addr) => {
        const p = triedPlacement(fixedKey(), addr, netGroup(addr));
        return `${p.bucket}/${p.slot}`;
      });
      book.add([{ addr: old }], inSpreadGroup(100));
      book.add([{ addr: newcomer }], inSpreadGroup(200));
      expect(book.size).to.equal(2);
      expect(book.good(old)).to.equal('tried');
      return { book, clock, old, newcomer };
    }

    it('keeps the occupant and records the newcomer as a pending collision', () => {
      const { book, old, newcomer } = collidingBook();
      expect(book.good(newcomer)).to.equal('collision');
      expect(book.get(old)?.tried).to.equal(true);
      expect(book.get(newcomer)).to.include({ tried: false, attempts: 0 });
      const pending = book.pendingCollisions();
      expect(pending.map((c) => [String(c.newcomer.addr), String(c.occupant.addr)])).to.deep.equal([[String(newcomer), String(old)]]);
    });

    it('keeps a reachable occupant when resolving', () => {
      const { book, old, newcomer } = collidingBook();
      book.good(newcomer);
      const asked: string[] = [];
      const result = book.resolveCollisions((occupant) => {
        asked.push(String(occupant.addr));
        return true;
      });
      expect(asked).to.deep.equal([String(old)]);
      expect(result.kept.map((i) => String(i.addr))).to.deep.equal([String(old)]);
      expect([result.promoted, result.evicted]).to.deep.equal([[], []]);
      expect([book.get(old)?.tried, book.get(newcomer)?.tried]).to.deep.equal([true, false]);
      expect(book.pendingCollisions()).to.deep.equal([]);
    });

    it('evicts an unreachable occupant back to the new table and promotes the newcomer', () => {
      const { book, old, newcomer } = collidingBook();
      book.good(newcomer);
      const result = book.resolveCollisions(() => false);
      expect(result.evicted.map((i) => String(i.addr))).to.deep.equal([String(old)]);
      expect(result.promoted.map((i) => String(i.addr))).to.deep.equal([String(newcomer)]);
      expect([book.get(old)?.tried, book.get(newcomer)?.tried]).to.deep.equal([false, true]);
      expect([book.newCount, book.triedCount]).to.deep.equal([1, 1]);
      expect(book.resolveCollisions(() => false)).to.deep.equal({ promoted: [], evicted: [], kept: [] });
    });

    it(`remembers at most ${MAX_PENDING_COLLISIONS} pending collisions`, () => {
      const clock = new Clock();
      const book = makeBook(clock);
      const addrs = Array.from({ length: 800 }, (_, i) => inGroup(47, 3, i));
      addrs.forEach((addr, i) => book.add([{ addr }], inSpreadGroup(i + 10)));
      const outcomes = addrs.map((addr) => book.good(addr));
      expect(outcomes.filter((o) => o === 'collision').length).to.be.greaterThan(MAX_PENDING_COLLISIONS);
      expect(book.pendingCollisions()).to.have.length(MAX_PENDING_COLLISIONS);
    });
  });
});
