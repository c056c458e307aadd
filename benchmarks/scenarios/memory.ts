/**
 * Scenario 5, memory: heap bytes per tracked connection with 10,000 established permanent
 * connections (and 1,000 and 5,000 in the full run), for rx-connmgr — the whole manager, and
 * its state alone — and for the hand-written baseline. Measured after full GCs; the addresses
 * and connection objects exist before the first reading, so only the manager's bookkeeping counts
 * (the listeners it adds to each connection included).
 */
import { BenchConn } from '../../lib/bench/BenchConn.js';
import { measureRetained } from '../../lib/bench/measureRetained.js';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { ImperativeConnManager } from '../baselines/imperative.js';
import { atMost, bytes, int, median, times } from '../report/format.js';
import { establishedState } from './establishedState.js';
import type { Scenario, ScenarioContext, ScenarioReport } from './Scenario.js';
import { sleep } from './sleep.js';

const TARGET_BYTES = 1_024;
/** Each figure is the median of this many alternating rounds: a single heap reading is noisy. */
const ROUNDS = 3;

interface Connected {
  stop(): void;
}

type Dial = (addr: string) => Promise<BenchConn>;

const MANAGERS: Readonly<Record<string, (dial: Dial, addrs: readonly string[]) => Promise<Connected>>> = {
  'rx-connmgr': async (dial, addrs) => {
    const cm = new ConnManager<string, BenchConn>({ dial });
    cm.start();
    for (const addr of addrs) cm.connect(addr, { permanent: true });
    await waitFor(() => cm.state.establishedCount === addrs.length);
    return cm;
  },
  imperative: async (dial, addrs) => {
    const cm = new ImperativeConnManager<string, BenchConn>({ dial });
    cm.start();
    for (const addr of addrs) cm.connect(addr, { permanent: true });
    await waitFor(() => cm.outboundCount === addrs.length);
    return cm;
  },
};

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 3_000) throw new Error('memory: connections not established within 15 s');
    await sleep(5);
  }
}

function fixtures(n: number): { addrs: string[]; conns: BenchConn[]; dial: Dial } {
  const addrs = Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:8333`);
  const conns = addrs.map((a) => new BenchConn(a));
  const byAddr = new Map(addrs.map((a, i) => [a, conns[i]!]));
  return { addrs, conns, dial: (addr) => Promise.resolve(byAddr.get(addr)!) };
}

/*
 * Each reading runs in a function of its own, so that nothing of it outlives the call: a
 * suspended async frame keeps its locals, and a previous reading's 10,000 conns released in the
 * middle of the next one made that figure negative.
 */

/** Heap bytes per connection of one manager holding `n` established connections. */
async function managerBytesPerConn(name: string, n: number): Promise<number> {
  const { addrs, dial } = fixtures(n);
  const { bytes: b, value: cm } = await measureRetained(() => MANAGERS[name]!(dial, addrs));
  cm.stop();
  // Let the stopped manager's last callbacks run, so that what it held is garbage before the
  // next reading starts.
  await sleep(50);
  return b / n;
}

/** Heap bytes per connection of the reducer state alone, with `n` established connections. */
async function stateBytesPerConn(n: number): Promise<number> {
  const { addrs, conns } = fixtures(n);
  const { bytes: b } = await measureRetained(() => establishedState(addrs, conns));
  return b / n;
}

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory: heap bytes per tracked connection',
  async run({ quick, progress }: ScenarioContext): Promise<ScenarioReport> {
    const sizes = quick ? [1_000, 10_000] : [1_000, 5_000, 10_000];
    const samples = new Map<string, Map<number, number[]>>(
      ['rx-connmgr', 'rx-connmgr state only', 'imperative'].map((k) => [k, new Map(sizes.map((n) => [n, []]))]),
    );
    let flip = false;
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of sizes) {
        const names = flip ? Object.keys(MANAGERS).reverse() : Object.keys(MANAGERS);
        flip = !flip;
        for (const name of names) {
          progress(`round ${round + 1}/${ROUNDS}, ${name}: ${int(n)} connections`);
          samples
            .get(name)!
            .get(n)!
            .push(await managerBytesPerConn(name, n));
        }
        samples
          .get('rx-connmgr state only')!
          .get(n)!
          .push(await stateBytesPerConn(n));
      }
    }
    const perConn = new Map([...samples].map(([name, bySize]) => [name, new Map([...bySize].map(([n, xs]) => [n, median(xs)]))]));

    const at = (name: string, n: number) => perConn.get(name)!.get(n)!;
    const big = sizes[sizes.length - 1]!;
    const rows = sizes.map((n) => [
      int(n),
      `${int(at('rx-connmgr', n))} B`,
      `${int(at('rx-connmgr state only', n))} B`,
      `${int(at('imperative', n))} B`,
      times(at('rx-connmgr', n) / at('imperative', n)),
      bytes(at('rx-connmgr', n) * n),
    ]);
    return {
      headline: `${int(at('rx-connmgr', big))} B per connection at ${int(big)} (state ${int(at('rx-connmgr state only', big))} B; imperative ${int(at('imperative', big))} B)`,
      table: {
        headers: ['connections', 'rx-connmgr B / conn', 'of which state', 'imperative B / conn', 'rx ÷ imperative', 'rx total'],
        rows,
      },
      chart: {
        title: 'Heap bytes per tracked connection',
        xLabel: 'tracked connections',
        yLabel: 'bytes per connection',
        series: [
          ...[...perConn].map(([name, m]) => ({ name, points: [...m].map(([n, v]) => [n, v] as [number, number]) })),
          {
            name: 'target 1 KiB',
            points: [
              [sizes[0]!, TARGET_BYTES],
              [big, TARGET_BYTES],
            ],
            dashed: true,
          },
        ],
        note: `heapUsed after full GCs, median of ${ROUNDS} rounds; addresses and connection objects made beforehand (not counted)`,
      },
      targets: [
        atMost(`≤ 1 KB per tracked connection at ${int(big)} (whole manager)`, at('rx-connmgr', big), TARGET_BYTES, (n) => `${int(n)} B`),
      ],
      notes: [
        `Established permanent connections to BenchConn objects (EventEmitters, like sockets) created before the first heap reading, so the figures are the managers' bookkeeping: rx-connmgr's request objects, state maps, and per connection a request lane holding its close watcher (listeners on 'close' and 'error'); the baseline's Map entry, request object and two listeners.`,
        `"state only": the reducer's state with the same connections, built by \`reduce\` (ConnReq, entry, and the persistent maps by id and by address).`,
      ],
      data: { sizes, bytesPerConnection: Object.fromEntries([...perConn].map(([k, m]) => [k, Object.fromEntries(m)])) },
    };
  },
};
