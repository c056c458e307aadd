/**
 * Micro-benchmark of {@link PersistentMap} on the connection manager's hot
 * path: a sliding window of sequential connection ids, where every event adds
 * the newest id and drops the oldest one (set + delete, size held constant).
 * The native mutable `Map` doing the same work is the baseline.
 *
 * Run: `npx tsx benchmarks/persistentMap.bench.ts`, or with exact memory
 * figures: `node --expose-gc --import tsx benchmarks/persistentMap.bench.ts`.
 * Bounded by an operation budget per size; finishes in a few seconds.
 */
import { PersistentMap } from '../lib/collections/PersistentMap.js';

const SIZES = [10, 1_000, 10_000, 100_000] as const;
/** set+delete pairs timed per size and structure, after an equal warm-up. */
const OPS = 200_000;
const ROUNDS = 3;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Anything the loops compute flows in here so the JIT cannot drop the work. */
let sink = 0;

function build(n: number): PersistentMap<number, number> {
  let m = PersistentMap.empty<number, number>();
  for (let i = 0; i < n; i++) m = m.set(i, i);
  return m;
}

/** Best-of-rounds nanoseconds per set+delete on a persistent map of size `n`. */
function persistentChurn(n: number): number {
  let best = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    let m = build(n);
    let oldest = 0;
    let next = n;
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) {
      m = m.set(next, next).delete(oldest);
      next++;
      oldest++;
    }
    const ns = Number(process.hrtime.bigint() - start) / OPS;
    sink += m.size;
    // Round 0 is warm-up.
    if (round > 0 && ns < best) best = ns;
  }
  return best;
}

/** Best-of-rounds nanoseconds per set+delete on a native Map of size `n`. */
function nativeChurn(n: number): number {
  let best = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    const m = new Map<number, number>();
    for (let i = 0; i < n; i++) m.set(i, i);
    let oldest = 0;
    let next = n;
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) {
      m.set(next, next);
      m.delete(oldest);
      next++;
      oldest++;
    }
    const ns = Number(process.hrtime.bigint() - start) / OPS;
    sink += m.size;
    if (round > 0 && ns < best) best = ns;
  }
  return best;
}

/** Nanoseconds per get of a present key on a persistent map of size `n`. */
function persistentGet(n: number): number {
  const m = build(n);
  let best = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) sink += m.get(i % n) as number;
    const ns = Number(process.hrtime.bigint() - start) / OPS;
    if (round > 0 && ns < best) best = ns;
  }
  return best;
}

/** Same churn with string keys (e.g. "10.0.0.42:8333"-like addresses). */
function persistentStringChurn(n: number): number {
  const key = (i: number): string => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}:8333`;
  const keys = Array.from({ length: n + OPS }, (_, i) => key(i));
  let best = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    let m = PersistentMap.empty<string, number>();
    for (let i = 0; i < n; i++) m = m.set(keys[i] as string, i);
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) m = m.set(keys[n + i] as string, i).delete(keys[i] as string);
    const ns = Number(process.hrtime.bigint() - start) / OPS;
    sink += m.size;
    if (round > 0 && ns < best) best = ns;
  }
  return best;
}

/** Retained heap bytes per entry for `n` entries built by `make`, or undefined without `global.gc`. */
function bytesPerEntry(n: number, make: () => unknown): number | undefined {
  if (gc === undefined) return undefined;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  sink += kept === undefined ? 0 : 1;
  return (after - before) / n;
}

/** Right-aligns each cell in its column so the table lines up. */
function row(cells: readonly string[]): string {
  const widths = [8, 17, 17, 6, 10];
  return cells.map((cell, i) => cell.padStart(widths[i] ?? 10)).join(' ');
}

const started = process.hrtime.bigint();
console.log(
  `PersistentMap benchmark — sliding window of sequential number keys, ` +
    `${OPS.toLocaleString('en')} set+delete pairs per run, best of ${ROUNDS}`,
);
console.log(row(['size', 'persistent ns/op', 'native Map ns/op', 'ratio', 'get ns/op']));
for (const n of SIZES) {
  const p = persistentChurn(n);
  const nat = nativeChurn(n);
  const g = persistentGet(n);
  console.log(row([n.toLocaleString('en'), p.toFixed(0), nat.toFixed(0), `${(p / nat).toFixed(1)}x`, g.toFixed(0)]));
}
console.log(`string keys, size 10,000: ${persistentStringChurn(10_000).toFixed(0)} ns per set+delete`);

const MEMORY_N = 10_000;
const persistentBytes = bytesPerEntry(MEMORY_N, () => build(MEMORY_N));
const nativeBytes = bytesPerEntry(MEMORY_N, () => {
  const m = new Map<number, number>();
  for (let i = 0; i < MEMORY_N; i++) m.set(i, i);
  return m;
});
if (persistentBytes === undefined || nativeBytes === undefined) {
  console.log('bytes per entry: run `node --expose-gc --import tsx benchmarks/persistentMap.bench.ts` to measure');
} else {
  console.log(
    `bytes per entry at ${MEMORY_N.toLocaleString('en')} (small-integer keys and values): ` +
      `persistent ${persistentBytes.toFixed(1)}, native Map ${nativeBytes.toFixed(1)}`,
  );
}
console.log(`total ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s (checksum ${sink})`);
