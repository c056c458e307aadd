/**
 * The address book holding overlay addresses (Tor v3, I2P, CJDNS) next to IP
 * ones: stored and persisted, never drawn for a plain dial.
 */
import { expect } from 'chai';
import { AddressBook } from '../../lib/addr/AddressBook.js';
import type { AddressBookJson } from '../../lib/addr/addressBookJson.js';
import { IMPLAUSIBLE_TIMESTAMP_AGE_MS } from '../../lib/addr/clampTimestamp.js';
import { AddressBookFormatError } from '../../lib/addr/errors.js';
import { OverlayAddress } from '../../lib/addr/OverlayAddress.js';
import { BUCKET_SIZE, NEW_BUCKETS_PER_SOURCE_GROUP } from '../../lib/addr/placement.js';
import { addrV2Announcements } from '../../lib/discovery/addrV2Announcements.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { Clock, DAY, inSpreadGroup, makeBook, seeded } from './helpers.js';

const SOURCE = SocketAddress.parse('81.2.3.4:8333');

/** Overlay address number `i` of a network: distinct bytes for each i. */
function overlay(network: 'torv3' | 'i2p' | 'cjdns', i: number): OverlayAddress {
  const bytes = new Uint8Array(network === 'cjdns' ? 16 : 32);
  const random = seeded(i + 1);
  bytes.forEach((_, k) => (bytes[k] = Math.floor(random() * 256)));
  if (network === 'cjdns') bytes[0] = 0xfc;
  return OverlayAddress.fromBytes(network, bytes, network === 'i2p' ? 0 : 8333);
}

describe('AddressBook with overlay addresses', () => {
  it('stores them apart from the IP count, lists them apart, and never draws them in select()', () => {
    const book = makeBook(new Clock());
    const onion = overlay('torv3', 1);
    expect(book.addOverlay([{ addr: onion, services: 9n }], SOURCE)).to.equal(1);
    expect([book.size, book.overlayCount, book.has(onion)]).to.deep.equal([0, 1, true]);
    expect(book.all()).to.deep.equal([]);
    expect(book.overlayEntries().map((info) => info.addr.toString())).to.deep.equal([onion.toString()]);
    expect(book.get(onion)).to.include({ services: 9n, tried: false, source: SOURCE });
    for (let i = 0; i < 50; i += 1) expect(book.select()).to.equal(undefined);
  });

  it('draws them with selectOverlay, only for the networks asked for', () => {
    const book = makeBook(new Clock());
    book.add([{ addr: inSpreadGroup(1) }], SOURCE);
    book.addOverlay([{ addr: overlay('torv3', 1) }, { addr: overlay('cjdns', 2) }], SOURCE);
    const drawn = new Set<string>();
    for (let i = 0; i < 100; i += 1) drawn.add(book.selectOverlay(['torv3'])?.addr.network ?? 'none');
    expect([...drawn]).to.deep.equal(['torv3']);
    expect(book.selectOverlay(['i2p'])).to.equal(undefined);
    expect(book.selectOverlay([])).to.equal(undefined);
    for (let i = 0; i < 50; i += 1) expect(book.select()?.addr.toString()).to.equal(inSpreadGroup(1).toString());
  });

  it('draws uniformly over the networks asked for', () => {
    const book = makeBook(new Clock());
    book.addOverlay(
      Array.from({ length: 30 }, (_, i) => ({ addr: overlay('torv3', i) })),
      SOURCE,
    );
    book.addOverlay(
      Array.from({ length: 10 }, (_, i) => ({ addr: overlay('i2p', 100 + i) })),
      SOURCE,
    );
    const counts = { torv3: 0, i2p: 0, cjdns: 0 };
    for (let i = 0; i < 4000; i += 1) counts[book.selectOverlay(['torv3', 'i2p'])?.addr.network ?? 'cjdns'] += 1;
    // Entries are equally likely, so about 3:1; cjdns (none) never.
    expect(counts.torv3 / counts.i2p).to.be.within(2.5, 3.6);
    expect(counts.cjdns).to.equal(0);
  });

  it('applies the timestamp clamp and the known-address merge to them too', () => {
    const clock = new Clock();
    const book = makeBook(clock);
    const i2p = overlay('i2p', 3);
    book.addOverlay([{ addr: i2p, services: 1n, timestamp: clock.time + 365 * DAY }], SOURCE);
    expect(book.get(i2p)?.timestamp).to.equal(clock.time - IMPLAUSIBLE_TIMESTAMP_AGE_MS);
    expect(book.addOverlay([{ addr: OverlayAddress.parse(i2p.toString()), services: 8n, timestamp: clock.time - DAY }], SOURCE)).to.equal(
      0,
    );
    expect(book.get(i2p)).to.include({ services: 9n, timestamp: clock.time - DAY });
  });

  it('keeps a flood of overlay addresses from one source group inside 64 new buckets, as for IP', () => {
    const book = makeBook(new Clock());
    book.addOverlay(
      Array.from({ length: 6000 }, (_, i) => ({ addr: overlay('torv3', i) })),
      SOURCE,
    );
    const buckets = new Set(book.overlayEntries().map((info) => book.placementOf(info.addr)?.bucket));
    expect(buckets.size).to.be.at.most(NEW_BUCKETS_PER_SOURCE_GROUP);
    expect(book.overlayCount).to.be.at.most(NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE);
  });

  it('moves one to the tried table on good(), like an IP address', () => {
    const book = makeBook(new Clock());
    const onion = overlay('torv3', 5);
    book.addOverlay([{ addr: onion }], SOURCE);
    expect(book.attempt(onion)).to.equal(true);
    expect(book.good(onion)).to.equal('tried');
    expect(book.get(onion)).to.include({ tried: true, attempts: 0 });
    expect(book.placementOf(onion)?.table).to.equal('tried');
    expect(book.triedCount).to.equal(0);
  });

  it('saves and restores them with their network, beside IP entries', () => {
    const clock = new Clock();
    const book = makeBook(clock);
    book.add([{ addr: inSpreadGroup(2) }], SOURCE);
    const addrs = [overlay('torv3', 1), overlay('i2p', 2), overlay('cjdns', 3)];
    book.addOverlay(
      addrs.map((addr) => ({ addr })),
      SOURCE,
    );
    // Through the text, as a saved file would be; the parse is the document `toJSON` wrote.
    const json = JSON.parse(JSON.stringify(book.toJSON())) as AddressBookJson;
    expect(json.entries.map((e: { network?: string }) => e.network ?? 'ip').sort()).to.deep.equal(['cjdns', 'i2p', 'ip', 'torv3']);
    const copy = AddressBook.fromJSON(json, { now: clock.now });
    expect(copy.toJSON()).to.deep.equal(book.toJSON());
    for (const addr of addrs) expect(copy.placementOf(addr)).to.deep.equal(book.placementOf(addr));
  });

  it('refuses a stored overlay entry whose network or text is wrong', () => {
    const book = makeBook(new Clock());
    book.addOverlay([{ addr: overlay('torv3', 1) }], SOURCE);
    const json = book.toJSON();
    const [entry] = json.entries;
    const withEntry = (changed: object): unknown => ({ ...json, entries: [{ ...entry, ...changed }] });
    expect(() => AddressBook.fromJSON(withEntry({ network: 'torv2' }))).to.throw(AddressBookFormatError, 'network');
    expect(() => AddressBook.fromJSON(withEntry({ network: 'i2p' }))).to.throw(AddressBookFormatError, 'i2p');
    expect(() => AddressBook.fromJSON(withEntry({ addr: 'abc.onion:1' }))).to.throw(AddressBookFormatError, 'torv3');
  });

  it('takes what addrV2Announcements makes of an addrv2 message', () => {
    const book = makeBook(new Clock());
    const onion = overlay('torv3', 9);
    const {
      ip,
      overlay: overlays,
      invalid,
    } = addrV2Announcements([
      { timestamp: 1_700_000_000, services: 1n, network: 'ipv4', addr: Uint8Array.of(44, 1, 2, 3), port: 8333 },
      { timestamp: 1_700_000_000, services: 9n, network: 'torv3', addr: onion.bytes, port: 8333 },
      { timestamp: 1_700_000_000, services: 1n, network: 'ipv6', addr: Uint8Array.of(0x2a, 1, ...new Uint8Array(13), 1), port: 8333 },
      { timestamp: 1_700_000_000, services: 1n, network: 'cjdns', addr: new Uint8Array(16), port: 8333 }, // outside fc00::/8
    ]);
    expect(invalid).to.equal(1);
    expect(ip.map((a) => a.addr.toString())).to.deep.equal(['44.1.2.3:8333', '[2a01::1]:8333']);
    expect(ip[0]).to.include({ timestamp: 1_700_000_000_000, services: 1n });
    expect(book.add(ip, SOURCE) + book.addOverlay(overlays, SOURCE)).to.equal(3);
    expect(book.get(onion)).to.include({ services: 9n, timestamp: 1_700_000_000_000 });
  });
});
