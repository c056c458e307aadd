import { expect } from 'chai';
import type { AddrInfo } from '../../lib/addr/AddrInfo.js';
import { NoAddressError } from '../../lib/addr/errors.js';
import { selectOutboundAddress, type OutboundChoiceInput } from '../../lib/addr/selectOutboundAddress.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { netGroup } from '../../lib/net/netGroup.js';
import { Clock, MINUTE, inGroup, inSpreadGroup, makeBook, seeded } from './helpers.js';

const NOW = 1_700_000_000_000;
const PORT = 8333;

function info(addr: SocketAddress, lastAttempt?: number): AddrInfo {
  return {
    addr,
    services: 1n,
    timestamp: NOW - MINUTE,
    source: SocketAddress.parse('81.2.3.4:8333'),
    attempts: lastAttempt === undefined ? 0 : 1,
    lastAttempt,
    lastSuccess: undefined,
    tried: false,
  };
}

/** A picker over a fixed list (then `undefined`), counting its calls. */
function listPicker(list: readonly AddrInfo[]): { pick: () => AddrInfo | undefined; calls: () => number } {
  let i = 0;
  return { pick: () => list[i++], calls: () => i };
}

/** A picker that returns `first` for `times` calls, then `then` forever, counting its calls. */
function stuckPicker(first: AddrInfo, times: number, then: AddrInfo): { pick: () => AddrInfo; calls: () => number } {
  let i = 0;
  return { pick: () => (i++ < times ? first : then), calls: () => i };
}

function input(pick: () => AddrInfo | undefined, extra: Partial<OutboundChoiceInput> = {}): OutboundChoiceInput {
  return { pick, now: NOW, groupsInUse: new Set(), isUnavailable: () => false, group: netGroup, defaultPort: PORT, ...extra };
}

function failure(run: () => unknown): NoAddressError {
  try {
    run();
  } catch (error) {
    if (error instanceof NoAddressError) return error;
    throw error;
  }
  throw new Error('expected a NoAddressError');
}

describe('selectOutboundAddress', () => {
  const a = inSpreadGroup(1);
  const b = inSpreadGroup(2);

  it('returns the first acceptable candidate', () => {
    const picker = listPicker([info(a), info(b)]);
    expect(selectOutboundAddress(input(picker.pick))).to.equal(a);
    expect(picker.calls()).to.equal(1);
  });

  it('skips unavailable addresses (banned, connected, being dialed)', () => {
    const picker = listPicker([info(a), info(b)]);
    expect(selectOutboundAddress(input(picker.pick, { isUnavailable: (x) => x.equals(a) }))).to.equal(b);
  });

  it('skips addresses whose group is already in use, at every try', () => {
    const sameGroup = inGroup(44, 7, 1);
    const picker = listPicker([info(sameGroup), info(b)]);
    expect(selectOutboundAddress(input(picker.pick, { groupsInUse: new Set([netGroup(inGroup(44, 7, 99))]) }))).to.equal(b);

    const stuck = stuckPicker(info(sameGroup), Infinity, info(b));
    const error = failure(() => selectOutboundAddress(input(stuck.pick, { groupsInUse: new Set([netGroup(sameGroup)]) })));
    expect([error.tries, error.reason]).to.deep.equal([100, 'exhausted']);
  });

  it('skips addresses attempted in the last 10 minutes during the first 30 tries only', () => {
    const recent = info(a, NOW - 9 * MINUTE);
    const stuck = stuckPicker(recent, Infinity, recent);
    expect(selectOutboundAddress(input(stuck.pick))).to.equal(a);
    expect(stuck.calls()).to.equal(31);

    const older = listPicker([info(b, NOW - 10 * MINUTE)]);
    expect(selectOutboundAddress(input(older.pick))).to.equal(b);
  });

  it('prefers a fresh address over a recently attempted one', () => {
    const picker = stuckPicker(info(a, NOW - MINUTE), 5, info(b));
    expect(selectOutboundAddress(input(picker.pick))).to.equal(b);
    expect(picker.calls()).to.equal(6);
  });

  it('skips non-default ports during the first 50 tries only', () => {
    const odd = inSpreadGroup(3, 1, 18333);
    const stuck = stuckPicker(info(odd), Infinity, info(odd));
    expect(selectOutboundAddress(input(stuck.pick))).to.equal(odd);
    expect(stuck.calls()).to.equal(51);

    const mixed = stuckPicker(info(odd), 3, info(b));
    expect(selectOutboundAddress(input(mixed.pick))).to.equal(b);
    expect(mixed.calls()).to.equal(4);
  });

  it('gives up after maxTries (100 by default) with a NoAddressError saying how many', () => {
    const odd = info(inSpreadGroup(4, 1, 18333));
    const unavailable = stuckPicker(odd, Infinity, odd);
    const error = failure(() => selectOutboundAddress(input(unavailable.pick, { isUnavailable: () => true })));
    expect([error.tries, error.reason, unavailable.calls()]).to.deep.equal([100, 'exhausted', 100]);
    expect(error.message).to.include('100 tries');

    const short = stuckPicker(odd, Infinity, odd);
    const limited = failure(() => selectOutboundAddress(input(short.pick, { maxTries: 5 })));
    expect([limited.tries, short.calls()]).to.deep.equal([5, 5]);
  });

  it('fails at once when the picker runs dry', () => {
    const picker = listPicker([info(a)]);
    const error = failure(() => selectOutboundAddress(input(picker.pick, { isUnavailable: () => true })));
    expect([error.tries, error.reason, picker.calls()]).to.deep.equal([1, 'empty', 2]);
    expect(failure(() => selectOutboundAddress(input(() => undefined))).tries).to.equal(0);
  });

  describe('eclipse check', () => {
    /** 1,000 addresses of one /16 (each from its own source group: the worst case) and 50 in 50 other groups. */
    function floodedBook(seed: number, attackerSources: 'many' | 'one') {
      const clock = new Clock(NOW);
      const book = makeBook(clock, { random: seeded(seed) });
      for (let i = 0; i < 1000; i += 1) {
        const source = attackerSources === 'many' ? inSpreadGroup(2000 + i) : inGroup(45, 45, 1);
        book.add([{ addr: inGroup(44, 44, i) }], source);
      }
      for (let g = 0; g < 50; g += 1) book.add([{ addr: inSpreadGroup(g) }], inSpreadGroup(5000 + g));
      return { book, clock };
    }

    /** Chooses 8 outbound peers in a row as the manager would, retrying a failed choice up to 3 times. */
    function chooseEight(seed: number, attackerSources: 'many' | 'one'): { groups: string[]; failures: number } {
      const { book, clock } = floodedBook(seed, attackerSources);
      const groupsInUse = new Set<string>();
      const chosen = new Set<string>();
      const groups: string[] = [];
      let failures = 0;
      for (let slot = 0; slot < 8; slot += 1) {
        for (let attempt = 0; attempt < 4; attempt += 1) {
          try {
            const addr = selectOutboundAddress({
              pick: () => book.select(),
              now: clock.time,
              groupsInUse,
              isUnavailable: (x) => chosen.has(String(x)),
              group: netGroup,
              defaultPort: PORT,
            });
            book.attempt(addr);
            chosen.add(String(addr));
            groupsInUse.add(netGroup(addr));
            groups.push(netGroup(addr));
            break;
          } catch (error) {
            if (!(error instanceof NoAddressError)) throw error;
            failures += 1;
          }
        }
        clock.advance(1000);
      }
      return { groups, failures };
    }

    it('8 outbound choices from a book flooded by one /16 land in 8 distinct groups', () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const { groups } = chooseEight(seed, 'many');
        expect(groups, `seed ${seed}`).to.have.length(8);
        expect(new Set(groups).size, `seed ${seed}`).to.equal(8);
        expect(groups.filter((g) => g === 'ipv4:44.44').length, `seed ${seed}`).to.be.at.most(1);
      }
    });

    it('keeps at most one bucket of the flood when it all comes from one source', () => {
      const { book } = floodedBook(1, 'one');
      expect(book.all().filter((i) => netGroup(i.addr) === 'ipv4:44.44').length).to.be.within(20, 64);
      const { groups, failures } = chooseEight(1, 'one');
      expect(new Set(groups).size).to.equal(8);
      expect(failures).to.equal(0);
    });
  });
});
