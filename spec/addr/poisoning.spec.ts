/**
 * The address book against one source flooding it (issue #14): what the
 * bucket layout bounds, on real group functions, and Core's timestamp clamp.
 */
import { expect } from 'chai';
import { IMPLAUSIBLE_TIMESTAMP_AGE_MS } from '../../lib/addr/clampTimestamp.js';
import { BUCKET_SIZE, NEW_BUCKETS_PER_SOURCE_GROUP } from '../../lib/addr/placement.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { netGroup, netGroupWith } from '../../lib/net/netGroup.js';
import { Clock, DAY, MINUTE, inSpreadGroup, makeBook } from './helpers.js';

/** 10 connections × 1,000 fresh public addresses from 127.0.0.1, one source port per connection. */
function flood(add: (addrs: { addr: SocketAddress }[], source: SocketAddress) => void): void {
  for (let connection = 0; connection < 10; connection += 1) {
    const source = SocketAddress.from('127.0.0.1', 50_000 + connection);
    add(
      Array.from({ length: 1000 }, (_, i) => ({ addr: inSpreadGroup(i, 1 + connection) })),
      source,
    );
  }
}

function newBucketsUsed(book: ReturnType<typeof makeBook>): number {
  return new Set(book.all().map((info) => book.placementOf(info.addr)?.bucket)).size;
}

describe('AddressBook against address poisoning', () => {
  it('keeps a one-IP flood inside 64 new buckets when loopback is grouped by /16', () => {
    const book = makeBook(new Clock(), { group: netGroupWith({ loopback: 'slash16' }) });
    flood((addrs, source) => book.add(addrs, source));
    expect(newBucketsUsed(book)).to.be.at.most(NEW_BUCKETS_PER_SOURCE_GROUP);
    expect(book.size).to.be.at.most(NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE);
  });

  it('lets the same flood spread over many more buckets when each source port is a group (the old behaviour)', () => {
    const book = makeBook(new Clock(), { group: netGroup });
    flood((addrs, source) => book.add(addrs, source));
    // Ten source groups: up to 640 buckets. This is why the per-host-port grouping made tests on 127.x meaningless.
    expect(newBucketsUsed(book)).to.be.greaterThan(5 * NEW_BUCKETS_PER_SOURCE_GROUP);
  });

  it('never pushes out the honest entries already in the book', () => {
    const book = makeBook(new Clock(), { group: netGroupWith({ loopback: 'slash16' }) });
    const honestAddrs = Array.from({ length: 500 }, (_, i) => ({ addr: inSpreadGroup(i, 200) }));
    expect(book.add(honestAddrs, SocketAddress.from('127.9.0.1', 40_000))).to.be.greaterThan(450);
    const honestKept = honestAddrs.filter(({ addr }) => book.has(addr));
    flood((addrs, source) => book.add(addrs, source));
    // A newcomer replaces only a bad occupant, and fresh honest entries are not bad.
    expect(honestAddrs.filter(({ addr }) => book.has(addr))).to.deep.equal(honestKept);
  });

  it('clamps a timestamp from the future (+1 year) to now − 5 days, as Core', () => {
    const clock = new Clock();
    const book = makeBook(clock);
    const source = SocketAddress.parse('81.2.3.4:8333');
    const addr = inSpreadGroup(3);
    book.add([{ addr, timestamp: clock.time + 365 * DAY }], source);
    expect(book.get(addr)?.timestamp).to.equal(clock.time - IMPLAUSIBLE_TIMESTAMP_AGE_MS);
    // Within 10 minutes ahead is a clock skew, not a lie: kept as given, and it refreshes the entry.
    book.add([{ addr, timestamp: clock.time + 9 * MINUTE }], source);
    expect(book.get(addr)?.timestamp).to.equal(clock.time + 9 * MINUTE);
    expect(book.isBad(book.get(addr) ?? expect.fail('addr left the book'))).to.equal(false);
  });
});
