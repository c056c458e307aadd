/**
 * Scenario 1b, the retry storm on every input shape the API documents, as users run it: through
 * the package's public entry (`lib/index.ts`, compiled by `npm run bench`), `getNewAddress`
 * returning a plain address, an array, an Observable or a Promise, × `dial` returning a Promise,
 * an Observable, or throwing synchronously. Each is compared, within the same round, with the
 * feature-equal `ImperativeConnManager` and with the minimal `CallbackConnManager`.
 */
import { Observable, of } from 'rxjs';
import type { BenchConn } from '../../lib/bench/BenchConn.js';
import type { BenchManager } from '../../lib/bench/BenchManager.js';
import { runStorm, type StormIO, type StormSample } from '../../lib/bench/runStorm.js';
import { ConnManager } from '../../lib/index.js';
import { CallbackConnManager, type CallbackDial } from '../baselines/callback.js';
import { ImperativeConnManager } from '../baselines/imperative.js';
import { atLeast, fixed, int, median, ratioAtMost, times } from '../report/format.js';
import { rateOverTime } from '../report/rateOverTime.js';
import { alternateRounds } from './alternateRounds.js';
import type { Scenario, ScenarioContext, ScenarioReport, TargetCheck } from './Scenario.js';

const ADDRESSES = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8333`);
const TARGET = 8;

type Io = StormIO<string, BenchConn>;
type RxConfig = ConstructorParameters<typeof ConnManager<string, BenchConn>>[0];

/** `getNewAddress` in each documented shape, over the storm's round-robin one. */
const ADDRESS_SHAPES: readonly {
  readonly key: string;
  readonly label: string;
  readonly make: (io: Io) => NonNullable<RxConfig['getNewAddress']>;
}[] = [
  { key: 'plain', label: 'a plain address', make: (io) => io.getNewAddress },
  { key: 'array', label: '[addr]', make: (io) => () => [io.getNewAddress()] },
  { key: 'observable', label: 'of(addr)', make: (io) => () => of(io.getNewAddress()) },
  { key: 'promise', label: 'Promise.resolve(addr)', make: (io) => () => Promise.resolve(io.getNewAddress()) },
];

/** `dial` in each documented shape, all refusing on the next turn of the event loop — but `throw`, which refuses at once. */
const DIAL_SHAPES: readonly { readonly key: string; readonly label: string; readonly make: (io: Io) => RxConfig['dial'] }[] = [
  {
    key: 'promise',
    label: 'Promise',
    make: (io) => (addr) => {
      io.attempted();
      return new Promise<BenchConn>((_, reject) => setImmediate(() => reject(io.refused(addr))));
    },
  },
  {
    key: 'observable',
    label: 'Observable',
    make: (io) => (addr) =>
      new Observable<BenchConn>((subscriber) => {
        io.attempted();
        const refusal = setImmediate(() => subscriber.error(io.refused(addr)));
        return () => clearImmediate(refusal);
      }),
  },
  {
    key: 'throw',
    label: 'throws',
    make: (io) => (addr) => {
      io.attempted();
      throw io.refused(addr);
    },
  },
];

/** The dials of the baselines, refusing on the next turn as the rx Promise and Observable ones do. */
const promiseDial =
  (io: Io) =>
  (addr: string): Promise<BenchConn> => {
    io.attempted();
    return new Promise<BenchConn>((_, reject) => setImmediate(() => reject(io.refused(addr))));
  };
const callbackDial =
  (io: Io): CallbackDial<string, BenchConn> =>
  (addr, cb) => {
    io.attempted();
    setImmediate(() => cb(io.refused(addr)));
  };

export interface Variant {
  readonly key: string;
  readonly label: string;
  readonly rx: boolean;
  readonly make: (io: Io) => BenchManager<string>;
}

/** Every variant the scenario runs: the two baselines, then rx-connmgr on each shape (also for ad-hoc runs of a few). */
export const VARIANTS: readonly Variant[] = [
  {
    key: 'callback',
    label: 'minimal callback manager (dial(addr, cb))',
    rx: false,
    make: (io) =>
      new CallbackConnManager<string, BenchConn>({
        dial: callbackDial(io),
        getNewAddress: io.getNewAddress,
        targetOutbound: TARGET,
        closeConn: (c) => c.destroy(),
      }),
  },
  {
    key: 'imperative',
    label: 'imperative (feature-equal), Promise dial',
    rx: false,
    make: (io) =>
      new ImperativeConnManager<string, BenchConn>({
        dial: promiseDial(io),
        getNewAddress: io.getNewAddress,
        targetOutbound: TARGET,
        maxFailedAttempts: Infinity,
      }),
  },
  ...ADDRESS_SHAPES.flatMap((a) =>
    DIAL_SHAPES.map((d) => ({
      key: `rx:${a.key}:${d.key}`,
      label: `rx-connmgr: ${a.label} × ${d.label}`,
      rx: true,
      make: (io: Io): BenchManager<string> =>
        new ConnManager<string, BenchConn>({
          dial: d.make(io),
          getNewAddress: a.make(io),
          targetOutbound: TARGET,
          maxFailedAttempts: Infinity,
        }),
    })),
  ),
];

interface Round {
  readonly cpuUsPerFailure: number;
  readonly failuresPerCpuSecond: number;
  readonly eventLoopDelayP99Ms: number;
  readonly maxInFlight: number;
  readonly samples: readonly StormSample[];
}

export const shapes: Scenario = {
  name: 'shapes',
  title: 'Retry storm on every input shape (compiled package, public API): 10,000 unreachable addresses, target 8, throttle off',
  async run({ quick, progress }: ScenarioContext): Promise<ScenarioReport> {
    const rounds = quick ? 3 : 5;
    const durationMs = quick ? 400 : 1_000;
    const settleMs = quick ? 200 : 300;
    const warmupAttempts = quick ? 20_000 : 50_000;
    const warmupMs = quick ? 800 : 2_000;
    const run = async (v: Variant, ms: number, maxAttempts = Infinity): Promise<Round> => {
      const r = await runStorm<string, BenchConn>({
        makeManager: v.make,
        addresses: ADDRESSES,
        target: TARGET,
        durationMs: ms,
        maxAttempts,
        settleMs,
      });
      return {
        cpuUsPerFailure: r.cpuUsPerFailure,
        failuresPerCpuSecond: r.failuresPerCpuSecond,
        eventLoopDelayP99Ms: r.measurement.eventLoopDelayP99Ms,
        maxInFlight: r.maxInFlight,
        samples: r.samples,
      };
    };
    // Not timed: one more short storm per rx shape, watching actions$ and events$ (which costs
    // something, so never in a measured round), for what the design does per attempt.
    const perAttempt = new Map<string, { steps: number; events: number }>();
    for (const v of VARIANTS.filter((x) => x.rx)) {
      let steps = 0;
      let events = 0;
      const r = await runStorm<string, BenchConn>({
        makeManager: (io) => {
          const cm = v.make(io) as ConnManager<string, BenchConn>;
          cm.actions$.subscribe(() => void steps++);
          cm.events$.subscribe(() => void events++);
          return cm;
        },
        addresses: ADDRESSES,
        target: TARGET,
        durationMs: 1_000,
        maxAttempts: 20_000,
        settleMs: 0,
      });
      perAttempt.set(v.key, { steps: steps / r.attempts, events: events / r.attempts });
    }
    const results = await alternateRounds(
      VARIANTS,
      rounds,
      (v) => run(v, durationMs),
      (v) => run(v, warmupMs, warmupAttempts),
      progress,
    );

    const of_ = (key: string) => results.get(key)!;
    /** The median over rounds of `key`'s CPU per attempt over `base`'s in the same round. */
    const ratio = (key: string, base: string) => median(of_(key).map((r, i) => r.cpuUsPerFailure / of_(base)[i]!.cpuUsPerFailure));
    const rxKeys = VARIANTS.filter((v) => v.rx).map((v) => v.key);
    /** Per round, the fastest rx shape; then each shape's median ratio to it. */
    const fastestPerRound = Array.from({ length: rounds }, (_, i) => Math.min(...rxKeys.map((k) => of_(k)[i]!.cpuUsPerFailure)));
    const figures = Object.fromEntries(
      VARIANTS.map((v) => [
        v.key,
        {
          label: v.label,
          cpuUsPerFailure: median(of_(v.key).map((r) => r.cpuUsPerFailure)),
          failuresPerCpuSecond: median(of_(v.key).map((r) => r.failuresPerCpuSecond)),
          eventLoopDelayP99Ms: median(of_(v.key).map((r) => r.eventLoopDelayP99Ms)),
          maxInFlight: Math.max(...of_(v.key).map((r) => r.maxInFlight)),
          ratioToImperative: ratio(v.key, 'imperative'),
          ratioToCallback: ratio(v.key, 'callback'),
          ratioToFastestShape: v.rx ? median(of_(v.key).map((r, i) => r.cpuUsPerFailure / fastestPerRound[i]!)) : NaN,
          stepsPerAttempt: perAttempt.get(v.key)?.steps ?? NaN,
          eventsPerAttempt: perAttempt.get(v.key)?.events ?? NaN,
        },
      ]),
    );
    const f = (key: string) => figures[key]!;
    const rows = VARIANTS.map((v) => {
      const x = f(v.key);
      return [
        v.label,
        int(x.failuresPerCpuSecond),
        fixed(x.cpuUsPerFailure, 2),
        times(x.ratioToImperative),
        times(x.ratioToCallback),
        v.rx ? times(x.ratioToFastestShape) : '',
        v.rx ? fixed(x.stepsPerAttempt, 2) : '',
        v.rx ? fixed(x.eventsPerAttempt, 2) : '',
        fixed(x.eventLoopDelayP99Ms, 1),
      ];
    });
    const worst = (pick: (x: ReturnType<typeof f>) => number, better: 'low' | 'high') => {
      const key = rxKeys.reduce((a, b) => ((better === 'low' ? pick(f(b)) > pick(f(a)) : pick(f(b)) < pick(f(a))) ? b : a));
      return { key, value: pick(f(key)) };
    };
    const slowestRate = worst((x) => x.failuresPerCpuSecond, 'high');
    const worstImp = worst((x) => x.ratioToImperative, 'low');
    const worstCb = worst((x) => x.ratioToCallback, 'low');
    const worstShape = worst((x) => x.ratioToFastestShape, 'low');
    const targets: TargetCheck[] = [
      atLeast(
        `every shape ≥ 1,000,000 failed attempts per CPU-second (slowest: ${f(slowestRate.key).label})`,
        slowestRate.value,
        1_000_000,
        int,
      ),
      ratioAtMost(`every shape ≤ 1.3× the imperative baseline (worst: ${f(worstImp.key).label})`, worstImp.value, 1.3),
      ratioAtMost(`every shape ≤ 2× the minimal callback baseline (worst: ${f(worstCb.key).label})`, worstCb.value, 2),
      ratioAtMost(`no shape > 1.2× the fastest shape (worst: ${f(worstShape.key).label})`, worstShape.value, 1.2),
    ];
    const plainPromise = f('rx:plain:promise');
    const chartKeys = ['callback', 'imperative', 'rx:plain:promise', 'rx:array:promise', 'rx:observable:observable', 'rx:promise:promise'];
    return {
      headline:
        `rx ${fixed(plainPromise.cpuUsPerFailure, 2)}–${fixed(Math.max(...rxKeys.map((k) => f(k).cpuUsPerFailure)), 2)} µs/attempt over the shapes; ` +
        `imperative ${fixed(f('imperative').cpuUsPerFailure, 2)}, callback ${fixed(f('callback').cpuUsPerFailure, 2)}`,
      table: {
        headers: [
          'variant: getNewAddress × dial',
          'failed attempts / CPU-s',
          'CPU µs / attempt',
          '× imperative',
          '× callback',
          '× fastest shape',
          'reducer steps / attempt',
          'events / attempt',
          'ELD p99 ms',
        ],
        rows,
      },
      chart: {
        title: 'Retry storm by input shape: failed attempts per CPU-second over time',
        xLabel: 'wall time (s)',
        yLabel: 'failed attempts per CPU-second',
        yLog: true,
        series: chartKeys.map((k) => ({ name: f(k).label.replace('rx-connmgr: ', 'rx: '), points: rateOverTime(of_(k).at(-1)!.samples) })),
        note: `last round of ${rounds}, ${durationMs} ms each, rate per 50 ms sample; target ${TARGET}; throttle off`,
      },
      targets,
      notes: [
        `Medians of ${rounds} alternating rounds of ${durationMs} ms per variant (after ${settleMs} ms unmeasured run-in each, and a warm-up of ${int(warmupAttempts)} attempts, at most ${warmupMs} ms, per variant). The ratios are medians of per-round ratios: each variant against the baseline measured in the same round.`,
        'rx-connmgr is imported from the package entry (`lib/index.ts`), compiled by tsc as `npm run build` compiles it; the default scheduler (immediateScheduler), maxFailedAttempts Infinity, the default dial timeout (30 s, so one shared timer list).',
        "Every dial refuses with the address's UnreachableError, one per address, reused (runStorm's `refused`): a Promise rejected on the next setImmediate, an Observable that errors on the next setImmediate (cleared on unsubscribe), or a synchronous throw (the replacement still waits a turn of the scheduler). The getNewAddress shapes build their value per call, as a user's would: `[addr]`, `of(addr)`, `Promise.resolve(addr)`.",
        "Reducer steps and events per attempt: actions folded and events emitted over dial attempts, in one more short storm per shape (not timed: watching actions$ and events$ costs something). Two steps per attempt would be one per failure and one per replacement; a turn's replacements come in one `refill` step, a turn's promised addresses in one `addressesAnswered`.",
        "Baselines, each with the shape it takes: the imperative one (benchmarks/baselines/imperative.ts: btcd's semantics, dial timeout, setImmediate per replacement) a Promise dial and a plain address; the minimal one (benchmarks/baselines/callback.ts: dial(addr, cb), no Promise, no timer, replaced inside the callback) a callback dial and a plain address.",
      ],
      data: {
        parameters: { addresses: ADDRESSES.length, target: TARGET, rounds, durationMs, settleMs, warmupAttempts, warmupMs },
        figures,
        rounds: Object.fromEntries([...results].map(([k, rs]) => [k, rs.map(({ samples: _, ...r }) => r)])),
      },
    };
  },
};
