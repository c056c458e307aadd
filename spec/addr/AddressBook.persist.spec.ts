import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressBook } from '../../lib/addr/AddressBook.js';
import { AddressBookFormatError, MissingBookFileError } from '../../lib/addr/errors.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { Clock, MINUTE, fixedKey, inGroup, inSpreadGroup, makeBook, must, rejection, seeded } from './helpers.js';

/** A book with new and tried entries, some attempted, one with huge service bits. */
function populatedBook(clock: Clock): AddressBook {
  const book = makeBook(clock);
  for (let g = 0; g < 400; g += 1) {
    book.add([{ addr: inSpreadGroup(g), services: BigInt(g), timestamp: clock.time - g * MINUTE }], inSpreadGroup(g + 7000));
  }
  book.add([{ addr: inGroup(50, 5, 1), services: (1n << 60n) | 9n }], SocketAddress.parse('[2a01:4f8::1]:8333'));
  book.add([{ addr: SocketAddress.parse('[2a02:1234::5]:18333') }], inSpreadGroup(1));
  for (let g = 0; g < 400; g += 4) book.good(inSpreadGroup(g));
  for (let g = 1; g < 400; g += 5) book.attempt(inSpreadGroup(g));
  clock.advance(5 * MINUTE);
  return book;
}

describe('AddressBook persistence', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-addr-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through toJSON/fromJSON with the same layout and the same draws', () => {
    const clock = new Clock();
    const book = populatedBook(clock);
    expect(book.triedCount).to.be.greaterThan(50);
    const copy = AddressBook.fromJSON(JSON.parse(JSON.stringify(book)), { now: clock.now, random: seeded(5) });
    expect(copy.toJSON()).to.deep.equal(book.toJSON());
    for (const info of book.all()) expect(copy.placementOf(info.addr)).to.deep.equal(book.placementOf(info.addr));
    const again = AddressBook.fromJSON(book.toJSON(), { now: clock.now, random: seeded(5) });
    const draws = (b: AddressBook): string[] => Array.from({ length: 50 }, () => String(b.select()?.addr));
    expect(draws(copy)).to.deep.equal(draws(again));
  });

  it('save then load (a real file) gives an equal table, under the stored key', async () => {
    const clock = new Clock();
    const file = join(dir, 'roundtrip.json');
    const book = populatedBook(clock);
    await book.save(file);
    const loaded = new AddressBook({ key: fixedKey(99), now: clock.now, file });
    const result = await loaded.load();
    expect(result).to.deep.equal({ status: 'loaded', count: book.size, dropped: 0 });
    expect(loaded.toJSON()).to.deep.equal(book.toJSON());
    expect([loaded.size, loaded.newCount, loaded.triedCount]).to.deep.equal([book.size, book.newCount, book.triedCount]);
    for (const info of book.all()) {
      expect(loaded.get(info.addr)).to.deep.equal(info);
      expect(loaded.placementOf(info.addr)).to.deep.equal(book.placementOf(info.addr));
    }
    expect(must(loaded.get(inGroup(50, 5, 1))).services).to.equal((1n << 60n) | 9n);
  });

  it('load replaces what the book held', async () => {
    const clock = new Clock();
    const file = join(dir, 'replace.json');
    const saved = makeBook(clock);
    saved.add([{ addr: inSpreadGroup(1) }], inSpreadGroup(2));
    await saved.save(file);
    const book = makeBook(clock, { file });
    book.add([{ addr: inSpreadGroup(3) }], inSpreadGroup(2));
    await book.load();
    expect(book.all().map((i) => String(i.addr))).to.deep.equal([String(inSpreadGroup(1))]);
  });

  async function expectSetAside(name: string, content: Buffer | string): Promise<void> {
    const clock = new Clock();
    const file = join(dir, name);
    await writeFile(file, content);
    const book = makeBook(clock, { file });
    book.add([{ addr: inSpreadGroup(1) }], inSpreadGroup(2));
    const result = await book.load();
    if (result.status !== 'corrupt') expect.fail(`expected corrupt, got ${result.status}`);
    expect(book.size).to.equal(0);
    expect(book.select()).to.equal(undefined);
    expect(result.warning).to.include(file).and.include(result.movedTo);
    expect(await readFile(result.movedTo)).to.deep.equal(Buffer.from(content));
    expect(await rejection(stat(file))).to.have.property('code', 'ENOENT');
  }

  it('starts empty and sets a truncated file aside, with a warning naming it', async () => {
    const clock = new Clock();
    const file = join(dir, 'truncated.json');
    await populatedBook(clock).save(file);
    const { size } = await stat(file);
    await truncate(file, Math.floor(size / 2));
    await expectSetAside('truncated.json', await readFile(file));
  });

  it('starts empty and sets a garbage file aside', async () => {
    const random = seeded(77);
    const garbage = Buffer.from(Array.from({ length: 512 }, () => Math.floor(random() * 256)));
    await expectSetAside('garbage.json', garbage);
  });

  it('starts empty and sets aside a file of another version', async () => {
    const book = populatedBook(new Clock());
    await expectSetAside('version.json', JSON.stringify({ ...book.toJSON(), version: 2 }));
    expect(() => AddressBook.fromJSON({ ...book.toJSON(), version: 2 }))
      .to.throw(AddressBookFormatError)
      .with.property('value', 2);
  });

  it('reports a missing file and leaves the book empty', async () => {
    const book = makeBook(new Clock(), { file: join(dir, 'absent.json') });
    book.add([{ addr: inSpreadGroup(1) }], inSpreadGroup(2));
    expect(await book.load()).to.deep.equal({ status: 'missing' });
    expect(book.size).to.equal(0);
    expect(await readdir(dir)).to.not.include('absent.json');
  });

  it('needs a file to save or load', async () => {
    const book = makeBook(new Clock());
    expect(await rejection(book.save()))
      .to.be.instanceOf(MissingBookFileError)
      .with.property('operation', 'save');
    expect(await rejection(book.load()))
      .to.be.instanceOf(MissingBookFileError)
      .with.property('operation', 'load');
  });

  it('names the malformed field and its value', () => {
    const json = populatedBook(new Clock()).toJSON();
    const entries = [{ ...json.entries[0], addr: 'not an address' }, ...json.entries.slice(1)];
    expect(() => AddressBook.fromJSON({ ...json, entries }))
      .to.throw(AddressBookFormatError)
      .that.includes({ path: 'entries[0].addr', value: 'not an address' });
    expect(() => AddressBook.fromJSON({ ...json, key: 'abc' }))
      .to.throw(AddressBookFormatError)
      .that.includes({ path: 'key' });
    expect(() => AddressBook.fromJSON(null)).to.throw(AddressBookFormatError);
  });

  it('drops unroutable and duplicate entries when loading', () => {
    const json = populatedBook(new Clock()).toJSON();
    const first = must(json.entries[0]);
    const entries = [...json.entries, first, { ...first, addr: '10.1.2.3:8333' }];
    const book = AddressBook.fromJSON({ ...json, entries });
    expect(book.size).to.equal(json.entries.length);
    expect(book.has(SocketAddress.parse('10.1.2.3:8333'))).to.equal(false);
  });
});
