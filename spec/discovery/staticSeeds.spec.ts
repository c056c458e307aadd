import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { AddressBook } from '../../lib/addr/AddressBook.js';
import { InvalidSeedError } from '../../lib/discovery/errors.js';
import { staticSeeds } from '../../lib/discovery/staticSeeds.js';
import { InvalidAddressError } from '../../lib/net/InvalidAddressError.js';

describe('staticSeeds', () => {
  it('emits one announcement per seed, with the seed as its own source, then completes', async () => {
    const values = await lastValueFrom(staticSeeds(['8.8.8.8:8333', '[2a01:4f8::1]:8333']).pipe(toArray()));
    expect(values.map((v) => [v.origin, String(v.source), v.addrs.map((a) => String(a.addr))])).to.deep.equal([
      ['static', '8.8.8.8:8333', ['8.8.8.8:8333']],
      ['static', '[2a01:4f8::1]:8333', ['[2a01:4f8::1]:8333']],
    ]);
    expect(values.every((v) => v.addrs.every((a) => a.timestamp === undefined && a.services === undefined))).to.equal(true);
  });

  it('emits once per subscription, synchronously, and announces duplicates once', () => {
    const seeds$ = staticSeeds(['8.8.8.8:8333', '8.8.8.8:8333', '[::ffff:8.8.8.8]:8333']);
    const seen: string[] = [];
    let completions = 0;
    seeds$.subscribe({ next: (v) => seen.push(String(v.source)), complete: () => completions++ });
    expect(seen).to.deep.equal(['8.8.8.8:8333']);
    expect(completions).to.equal(1);
  });

  it('emits nothing and completes when when() is false, and asks when() at subscription time', () => {
    let bookIsEmpty = false;
    let asked = 0;
    const seeds$ = staticSeeds(['8.8.8.8:8333'], { when: () => (asked++, bookIsEmpty) });
    expect(asked).to.equal(0);
    const first: unknown[] = [];
    let completed = false;
    seeds$.subscribe({ next: (v) => first.push(v), complete: () => (completed = true) });
    expect([first.length, completed, asked]).to.deep.equal([0, true, 1]);

    bookIsEmpty = true;
    const second: unknown[] = [];
    seeds$.subscribe((v) => second.push(v));
    expect([second.length, asked]).to.deep.equal([1, 2]);
  });

  it('feeds an address book directly', () => {
    const book = new AddressBook({ key: new Uint8Array(32).fill(1), random: () => 0.5, now: () => 1_000_000 });
    const seeds$ = staticSeeds(['8.8.8.8:8333', '1.1.1.1:8333'], { when: () => book.size === 0 });
    seeds$.subscribe(({ addrs, source }) => book.add(addrs, source));
    expect(book.size).to.equal(2);
    seeds$.subscribe(({ addrs, source }) => book.add(addrs, source)); // book not empty: skipped
    expect(book.size).to.equal(2);
  });

  it('throws an InvalidSeedError naming the bad entry at call time', () => {
    for (const bad of ['seed.example.org:8333', '1.2.3.4', '1.2.3.4:0', '1.2.3.4:65536', '2001:db8::1:8333', '']) {
      expect(() => staticSeeds(['8.8.8.8:8333', bad]))
        .to.throw(InvalidSeedError)
        .that.satisfies(
          (e: InvalidSeedError) =>
            e.entry === bad && e.kind === 'static' && e.cause instanceof InvalidAddressError && e.message.includes(JSON.stringify(bad)),
        );
    }
    expect(() => staticSeeds('1.2.3.4:8333' as unknown as string[])).to.throw(InvalidSeedError);
  });

  it('completes at once for an empty list', async () => {
    expect(await lastValueFrom(staticSeeds([]).pipe(toArray()))).to.deep.equal([]);
  });
});
