/**
 * The pure-reducer measurement of scenario 3, run in a fresh process per sample
 * (`tsx benchmarks/scenarios/reduceChurn.ts '{"sizes":[10,1000,10000],"rounds":5,"cycles":20000}'`
 * prints `{ "reduce": { "10": ns, … }, "map": { … } }`): how fast `reduce` is at a given size depends on what the JIT made of
 * it, which differs from one process to the next (at 10 connections we have seen both ~620 and
 * ~1,100 ns per event), so the scenario samples several processes instead of trusting one.
 */
import { pathToFileURL } from 'node:url';
import type { ConnManagerState, OutboundEntry } from '../../lib/model/state.js';
import { copyEntry, StepOwner } from '../../lib/reducer/Draft.js';
import { reduceOwned } from '../../lib/reducer/reduce.js';
import { establishedState } from './establishedState.js';

/** Visits ids in a scattered order (coprime with every size), so no size gets a cache-friendly walk. */
const STRIDE = 7_919;

/** What one process is asked to measure. */
export interface ReduceChurnParams {
  readonly sizes: readonly number[];
  readonly rounds: number;
  readonly cycles: number;
}

interface Built {
  /** Advanced by every churn, with `attempts`: the two must stay in step. */
  state: ConnManagerState<string, object>;
  readonly conns: readonly object[];
  readonly attempts: number[];
}

/** A state with `n` established permanent connections, and what the churn needs to drive it. */
function build(n: number): Built {
  const addrs = Array.from({ length: n }, (_, i) => `10.0.${(i + 1) >> 8}.${(i + 1) & 255}:8333`);
  const conns = addrs.map((_, i) => ({ id: i + 1 }));
  // Index 0 is unused: ids start at 1.
  return { state: establishedState<object>(addrs, conns), conns: [{}, ...conns], attempts: [0, ...conns.map(() => 1)] };
}

/**
 * CPU ns per action over `cycles` reconnect cycles of 3 actions: connClosed → retryDue → dialSucceeded.
 * With `owned`, the steps run as the manager runs them while nobody reads its snapshots: one edit
 * token lent to every step (`reduceOwned`), so a step edits the trie nodes earlier steps made.
 * Without, through the public `reduce`: every snapshot frozen, every step copies its path.
 */
function churn(built: Built, cycles: number, owned = false): number {
  const { conns, attempts } = built;
  const n = conns.length - 1;
  let s = built.state;
  let id = 1;
  const owner = owned ? new StepOwner<string, object>() : undefined;
  const start = process.cpuUsage();
  for (let k = 0; k < cycles; k++) {
    id = ((id - 1 + STRIDE) % n) + 1;
    const conn = conns[id]!;
    s = reduceOwned(s, { type: 'connClosed', id, conn, at: k }, owner);
    s = reduceOwned(s, { type: 'retryDue', id, attempt: attempts[id]!, at: k }, owner);
    const attempt = ++attempts[id]!;
    s = reduceOwned(s, { type: 'dialSucceeded', id, attempt, conn, at: k }, owner);
    if (owner !== undefined) while (owner.removed.length !== 0) owner.removed.pop(); // as the manager empties it
  }
  const cpu = process.cpuUsage(start);
  built.state = s;
  if (s.establishedCount !== n) throw new Error(`churn(${n}): ${s.establishedCount} established at the end`);
  return ((cpu.user + cpu.system) * 1000) / (cycles * 3);
}

/**
 * The same churn on a mutable native `Map` of the same entries: each event reads the entry,
 * writes a changed copy back — what a manager without snapshots would do. The floor that memory
 * latency alone sets for "touch one of n entries, scattered".
 */
function mapChurn(built: Built, cycles: number): number {
  const map = new Map<number, OutboundEntry<string, object>>(built.state.requests);
  const n = map.size;
  let id = 1;
  const start = process.cpuUsage();
  for (let k = 0; k < cycles * 3; k++) {
    id = ((id - 1 + STRIDE) % n) + 1;
    const e = map.get(id)!;
    const next = copyEntry(e);
    next.attempt = e.attempt + 1;
    next.connectedAt = k;
    map.set(id, next);
  }
  const cpu = process.cpuUsage(start);
  if (map.size !== n) throw new Error(`mapChurn(${n}): size changed`);
  return ((cpu.user + cpu.system) * 1000) / (cycles * 3);
}

/** Best-of-rounds ns per event, for `reduce`, for owned steps and for the mutable-Map floor, by size. */
export interface ReduceChurnResult {
  readonly reduce: Record<number, number>;
  /** The same churn through `reduceOwned` with one lent token (the manager's loop between publications). */
  readonly owned: Record<number, number>;
  readonly map: Record<number, number>;
}

/**
 * Best-of-`rounds` CPU ns per event through `reduce` (and through a mutable Map, see `mapChurn`)
 * at each size, sizes alternating round by round after a warm-up. Best, not median: on a shared
 * machine noise only ever adds time.
 */
export function measureReduce({ sizes, rounds, cycles }: ReduceChurnParams): ReduceChurnResult {
  const built = new Map(sizes.map((n) => [n, build(n)]));
  for (const n of sizes) {
    churn(built.get(n)!, 10_000);
    churn(built.get(n)!, 10_000, true);
    mapChurn(built.get(n)!, 10_000);
  }
  const best: Record<number, number> = Object.fromEntries(sizes.map((n) => [n, Infinity]));
  const bestOwned: Record<number, number> = Object.fromEntries(sizes.map((n) => [n, Infinity]));
  const bestMap: Record<number, number> = Object.fromEntries(sizes.map((n) => [n, Infinity]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sizes.length; i++) {
      const n = sizes[(i + round) % sizes.length]!;
      best[n] = Math.min(best[n]!, churn(built.get(n)!, cycles));
      bestOwned[n] = Math.min(bestOwned[n]!, churn(built.get(n)!, cycles, true));
      bestMap[n] = Math.min(bestMap[n]!, mapChurn(built.get(n)!, cycles));
    }
  }
  return { reduce: best, owned: bestOwned, map: bestMap };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(measureReduce(JSON.parse(process.argv[2] ?? '{}') as ReduceChurnParams))}\n`);
}
