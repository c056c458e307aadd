/**
 * Address book load and insert times at the 20,000-address scale.
 *
 * Run: `npx tsx benchmarks/addressBook.bench.ts`. Prints the median of a few
 * runs, in ms, for (1) loading a saved book of 20,000 addresses from a JSON
 * file on disk and (2) adding 20,000 new addresses to an empty book.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressBook } from '../lib/addr/AddressBook.js';
import { SocketAddress } from '../lib/net/SocketAddress.js';

const TARGET = 20_000;
const RUNS = 5;
const KEY = new Uint8Array(32).fill(7);
const NOW = 1_700_000_000_000;

/** Public-looking IPv4 address number `i`: /16s vary fastest, so the book sees many groups. */
function address(i: number, salt: number): SocketAddress {
  const firstOctets = [1, 2, 3, 4, 5, 8, 9, 11, 12, 13, 23, 24, 31, 37, 44, 45, 46, 50, 51, 52, 62, 77, 78, 80, 81, 82, 85, 88, 91, 93];
  const a = firstOctets[i % firstOctets.length] as number;
  const rest = Math.floor(i / firstOctets.length) + salt * 1_000_003;
  return SocketAddress.from(`${a}.${rest & 255}.${(rest >>> 8) & 255}.${((rest >>> 16) & 127) + 1}`, 8333);
}

/** 20,000 announcements in 20 messages of 1,000 (the size of an `addr` message), each from its own peer. */
function announcements(salt: number): { source: SocketAddress; addrs: { addr: SocketAddress }[] }[] {
  return Array.from({ length: 20 }, (_, m) => ({
    source: SocketAddress.from(`95.${m}.${salt & 255}.1`, 8333),
    addrs: Array.from({ length: 1000 }, (_, k) => ({ addr: address(m * 1000 + k, salt) })),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-bench-'));
  try {
    // A saved book of exactly 20,000 entries, a tenth of them tried.
    const seededBook = new AddressBook({ key: KEY, now: () => NOW });
    for (let salt = 1; seededBook.size < TARGET; salt += 1) {
      for (let i = 0; seededBook.size < TARGET && i < TARGET; i += 1) {
        seededBook.add([{ addr: address(i, salt) }], SocketAddress.from(`95.${i % 200}.0.1`, 8333));
      }
    }
    for (const info of seededBook.all().filter((_, i) => i % 10 === 0)) seededBook.good(info.addr);
    const file = join(dir, 'peers.json');
    await seededBook.save(file);
    const bytes = (await stat(file)).size;

    const loadTimes: number[] = [];
    let loaded = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const book = new AddressBook({ now: () => NOW, file });
      const start = performance.now();
      const result = await book.load();
      loadTimes.push(performance.now() - start);
      if (result.status !== 'loaded') throw new Error(`load failed: ${result.status}`);
      loaded = book.size;
    }

    const addTimes: number[] = [];
    let kept = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const messages = announcements(run + 100);
      const book = new AddressBook({ key: KEY, now: () => NOW });
      const start = performance.now();
      for (const { source, addrs } of messages) book.add(addrs, source);
      addTimes.push(performance.now() - start);
      kept = book.size;
    }

    console.log(
      `load ${loaded} addresses (${seededBook.triedCount} tried) from a ${(bytes / 1024).toFixed(0)} KiB JSON file: median ${median(loadTimes).toFixed(1)} ms over ${RUNS} runs [${loadTimes.map((t) => t.toFixed(1)).join(', ')}]`,
    );
    console.log(
      `add ${TARGET} addresses (20 messages of 1,000; ${kept} kept): median ${median(addTimes).toFixed(1)} ms over ${RUNS} runs [${addTimes.map((t) => t.toFixed(1)).join(', ')}]`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
