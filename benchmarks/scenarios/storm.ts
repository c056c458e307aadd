/**
 * Scenario 1, the retry storm: 10,000 unreachable addresses, target 8, every dial refused on the
 * next turn of the event loop. How many failed attempts a CPU-second buys, with btcd's throttle
 * off (`maxFailedAttempts: Infinity`) and on, for rx-connmgr (its default `immediateScheduler`
 * and RxJS's `asyncScheduler`) and the hand-written baseline — next to two floors: eight bare
 * `setImmediate` chains, and eight dial loops with no manager at all.
 */
import { type BenchConn } from '../../lib/bench/BenchConn.js';
import { collectGarbage } from '../../lib/bench/collectGarbage.js';
import type { BenchManager } from '../../lib/bench/BenchManager.js';
import { asyncScheduler } from 'rxjs';
import { startMeasure } from '../../lib/bench/measure.js';
import { runStorm, type StormIO, type StormSample } from '../../lib/bench/runStorm.js';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { ImperativeConnManager } from '../baselines/imperative.js';
import { atLeast, atMost, bytes, fixed, int, median, ratioAtMost, times } from '../report/format.js';
import { rateOverTime } from '../report/rateOverTime.js';
import { alternateRounds } from './alternateRounds.js';
import type { Scenario, ScenarioContext, ScenarioReport, TargetCheck } from './Scenario.js';
import { sleep } from './sleep.js';

const ADDRESSES = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8333`);
const TARGET = 8;
/** Throttled variants wait this long per replacement: btcd's 5 s would leave a short run with ~30 attempts to measure. */
const THROTTLED_RETRY_MS = 100;

type Io = StormIO<string, BenchConn>;

/** What one round of one variant measured. */
interface Round {
  readonly failuresPerCpuSecond: number;
  readonly cpuUsPerFailure: number;
  readonly failuresPerWallSecond: number;
  readonly heapGrowthBytes: number;
  readonly eventLoopDelayP99Ms: number;
  readonly kernelShare: number;
  /** CPU time over wall time: 1 = one core busy the whole run. */
  readonly cpuShare: number;
  readonly maxInFlight: number;
  readonly samples: readonly StormSample[];
}

interface Variant {
  readonly key: string;
  readonly label: string;
  /** For the chart's legend; absent = not charted (a throttled run has no steady rate to plot). */
  readonly short?: string;
  /** Which imperative variant it is compared with. */
  readonly baseline: string;
  /** One run of at most `durationMs`, or `maxAttempts` attempts. */
  run(durationMs: number, maxAttempts?: number): Promise<Round>;
}

/** Unmeasured run-in before each measured round (see `StormOptions.settleMs`): set per mode in `run`. */
let settleMs = 500;

function viaStorm(makeManager: (io: Io) => BenchManager<string>) {
  return async (durationMs: number, maxAttempts = Infinity): Promise<Round> => {
    const r = await runStorm<string, BenchConn>({ makeManager, addresses: ADDRESSES, target: TARGET, durationMs, maxAttempts, settleMs });
    return {
      failuresPerCpuSecond: r.failuresPerCpuSecond,
      cpuUsPerFailure: r.cpuUsPerFailure,
      failuresPerWallSecond: r.failuresPerWallSecond,
      heapGrowthBytes: r.measurement.heapGrowthBytes,
      eventLoopDelayP99Ms: r.measurement.eventLoopDelayP99Ms,
      kernelShare: r.measurement.cpuSystemUs / r.measurement.cpuUs,
      cpuShare: r.measurement.cpuUs / 1000 / r.measurement.wallMs,
      maxInFlight: r.maxInFlight,
      samples: r.samples,
    };
  };
}

/** The floor of floors: eight `setImmediate` chains that count hops and do nothing else. */
async function immediateChains(durationMs: number): Promise<Round> {
  let hops = 0;
  let running = true;
  const tick = () => {
    hops++;
    if (running) setImmediate(tick);
  };
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < TARGET; i++) setImmediate(tick);
  await sleep(settleMs); // as runStorm does
  const samples: StormSample[] = [];
  const meter = startMeasure({ gc: false });
  const hopsBefore = hops;
  const sample = () => {
    const { wallMs, cpuUs } = meter.peek();
    samples.push({ wallMs, cpuMs: cpuUs / 1000, attempts: hops - hopsBefore });
  };
  sample();
  const sampler = setInterval(sample, 50);
  await sleep(durationMs);
  running = false;
  clearInterval(sampler);
  sample();
  const m = meter.stop();
  const counted = hops - hopsBefore;
  collectGarbage();
  return {
    failuresPerCpuSecond: counted / (m.cpuUs / 1e6),
    cpuUsPerFailure: m.cpuUs / counted,
    failuresPerWallSecond: counted / (m.wallMs / 1000),
    heapGrowthBytes: process.memoryUsage().heapUsed - heapBefore,
    eventLoopDelayP99Ms: m.eventLoopDelayP99Ms,
    kernelShare: m.cpuSystemUs / m.cpuUs,
    cpuShare: m.cpuUs / 1000 / m.wallMs,
    maxInFlight: TARGET,
    samples,
  };
}

/** Eight loops that dial, and dial again when it fails: the storm's dial with no bookkeeping at all. */
function dialLoops(io: Io): BenchManager<string> {
  let running = false;
  const loop = (): void => {
    if (running) io.dial(io.getNewAddress()).then(loop, loop);
  };
  return {
    start() {
      running = true;
      for (let i = 0; i < io.targetOutbound; i++) loop();
    },
    stop() {
      running = false;
    },
    connect() {},
  };
}

const rx = (extra: Partial<ConstructorParameters<typeof ConnManager<string, BenchConn>>[0]>) => (io: Io) =>
  new ConnManager<string, BenchConn>({ ...io, ...extra });
const imperative = (extra: { maxFailedAttempts: number; retryDuration?: number }) => (io: Io) =>
  new ImperativeConnManager<string, BenchConn>({ ...io, ...extra });

const VARIANTS: readonly Variant[] = [
  {
    key: 'floorImmediate',
    label: 'floor: 8 bare setImmediate chains',
    short: 'floor: setImmediate',
    baseline: 'impOff',
    run: immediateChains,
  },
  { key: 'floorDial', label: 'floor: 8 dial loops, no manager', short: 'floor: dial loops', baseline: 'impOff', run: viaStorm(dialLoops) },
  {
    key: 'impOff',
    label: 'imperative, throttle off',
    short: 'imperative',
    baseline: 'impOff',
    run: viaStorm(imperative({ maxFailedAttempts: Infinity })),
  },
  {
    key: 'rxOff',
    label: 'rx-connmgr, throttle off',
    short: 'rx-connmgr',
    baseline: 'impOff',
    run: viaStorm(rx({ maxFailedAttempts: Infinity })),
  },
  {
    key: 'rxImmOff',
    label: 'rx-connmgr + asyncScheduler, throttle off',
    short: 'rx + asyncScheduler',
    baseline: 'impOff',
    run: viaStorm(rx({ maxFailedAttempts: Infinity, scheduler: asyncScheduler })),
  },
  {
    key: 'impOn',
    label: `imperative, throttle on (25, ${THROTTLED_RETRY_MS} ms)`,
    baseline: 'impOn',
    run: viaStorm(imperative({ maxFailedAttempts: 25, retryDuration: THROTTLED_RETRY_MS })),
  },
  {
    key: 'rxOn',
    label: `rx-connmgr, throttle on (25, ${THROTTLED_RETRY_MS} ms)`,
    baseline: 'impOn',
    run: viaStorm(rx({ maxFailedAttempts: 25, retryDuration: THROTTLED_RETRY_MS })),
  },
];

export const storm: Scenario = {
  name: 'storm',
  title: 'Retry storm: 10,000 unreachable addresses, target 8',
  async run({ quick, progress }: ScenarioContext): Promise<ScenarioReport> {
    const rounds = quick ? 2 : 5;
    const durationMs = quick ? 500 : 2_000;
    settleMs = quick ? 300 : 500;
    // Warm up by work done, not time: rx-connmgr has much more code for the JIT to compile, and
    // on a busy machine a fixed time may leave it half-compiled. Throttled runs stop on time.
    const warmupAttempts = quick ? 20_000 : 50_000;
    const warmupMs = quick ? 1_000 : 3_000;
    // Alternating rounds: drift in the machine's load (it is shared) spreads over every variant.
    const results = await alternateRounds(
      VARIANTS,
      rounds,
      (v) => v.run(durationMs),
      (v) => v.run(warmupMs, warmupAttempts),
      progress,
    );

    const med = (key: string, pick: (r: Round) => number) => median(results.get(key)!.map(pick));
    const figures = Object.fromEntries(
      VARIANTS.map((v) => [
        v.key,
        {
          label: v.label,
          failuresPerCpuSecond: med(v.key, (r) => r.failuresPerCpuSecond),
          cpuUsPerFailure: med(v.key, (r) => r.cpuUsPerFailure),
          failuresPerWallSecond: med(v.key, (r) => r.failuresPerWallSecond),
          heapGrowthBytes: med(v.key, (r) => r.heapGrowthBytes),
          eventLoopDelayP99Ms: med(v.key, (r) => r.eventLoopDelayP99Ms),
          kernelShare: med(v.key, (r) => r.kernelShare),
          cpuShare: med(v.key, (r) => r.cpuShare),
          maxInFlight: Math.max(...results.get(v.key)!.map((r) => r.maxInFlight)),
          ratioToImperative: med(v.key, (r) => r.cpuUsPerFailure) / med(v.baseline, (r) => r.cpuUsPerFailure),
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
        v.key === v.baseline ? '1×' : times(x.ratioToImperative),
        int(x.failuresPerWallSecond),
        bytes(x.heapGrowthBytes),
        fixed(x.eventLoopDelayP99Ms, 1),
        `${Math.round(x.cpuShare * 100)} %`,
        `${Math.round(x.kernelShare * 100)} %`,
      ];
    });

    const targets: TargetCheck[] = [
      ratioAtMost('CPU per failed attempt ≤ 1.3× imperative (throttle off)', f('rxOff').ratioToImperative, 1.3),
      ratioAtMost('… same, with asyncScheduler', f('rxImmOff').ratioToImperative, 1.3),
      atLeast('≥ 1,000,000 failed attempts per CPU-second (throttle off)', f('rxOff').failuresPerCpuSecond, 1_000_000, int),
      atLeast('… same, with asyncScheduler', f('rxImmOff').failuresPerCpuSecond, 1_000_000, int),
      atMost(
        'event-loop delay p99 ≤ 20 ms (storm, worst rx-connmgr variant)',
        Math.max(f('rxOff').eventLoopDelayP99Ms, f('rxImmOff').eventLoopDelayP99Ms, f('rxOn').eventLoopDelayP99Ms),
        20,
        (n) => `${fixed(n, 1)} ms`,
      ),
    ];

    const speedup = f('rxImmOff').failuresPerWallSecond / f('rxOff').failuresPerWallSecond;
    return {
      headline:
        `rx ${fixed(f('rxOff').cpuUsPerFailure, 1)} µs/attempt (${times(f('rxOff').ratioToImperative)} imperative), ` +
        `asyncScheduler ${fixed(f('rxImmOff').cpuUsPerFailure, 1)} µs (${times(f('rxImmOff').ratioToImperative)})`,
      table: {
        headers: [
          'variant',
          'failed attempts / CPU-s',
          'CPU µs / attempt',
          '× imperative',
          'attempts / wall-s',
          'heap growth',
          'ELD p99 ms',
          'CPU / wall',
          'of it kernel',
        ],
        rows,
      },
      chart: {
        title: 'Retry storm: failed attempts per CPU-second over time',
        xLabel: 'wall time (s)',
        yLabel: 'failed attempts per CPU-second',
        yLog: true,
        series: VARIANTS.filter((v) => v.short !== undefined).map((v) => ({
          name: v.short!,
          points: rateOverTime(results.get(v.key)!.at(-1)!.samples),
        })),
        note: `throttle off; last round of ${rounds}, ${durationMs} ms each, rate per 50 ms sample; target ${TARGET}; dials refused on the next setImmediate`,
      },
      targets,
      notes: [
        `Medians of ${rounds} alternating rounds of ${durationMs} ms per variant, each measured after ${settleMs} ms of unmeasured run-in (just after a full GC, allocation-heavy code runs several times slower until V8's young generation has regrown), after a warm-up of ${int(warmupAttempts)} attempts (at most ${warmupMs} ms) each; CPU is process.cpuUsage (user + system, all threads).`,
        `"heap growth" is heapUsed after a full GC at the end minus after a full GC at the start: retention, not garbage.`,
        `Throttled variants use retryDuration ${THROTTLED_RETRY_MS} ms (btcd: 5 s) so that a short run sees steady throttled replacement. At ~${int(f('impOn').failuresPerWallSecond)} attempts per second their CPU per attempt is mostly fixed costs (timer wake-ups, the harness's 50 ms sampler and the event-loop-delay monitor): read "CPU / wall" for them — what a throttled storm burns.`,
        `rx-connmgr's default scheduler is immediateScheduler: a 0-delay replacement is one turn of the event loop. With RxJS's asyncScheduler it becomes setInterval(0), which Node clamps to 1 ms: the manager then idles between attempts ("CPU / wall" below 100 %) and per-attempt objects live long enough for the young-generation GC to copy them. The default makes ${fixed(1 / speedup, 1)}× more attempts per wall-second than asyncScheduler.`,
        `The dial (runStorm's default, \`refusingDial\`) rejects a promise on the next turn (setImmediate) with the address's UnreachableError, made once per address: a fresh Error per attempt would spend ~1.5 µs capturing its stack — more than a lean manager's whole attempt — in every variant alike. The dial-loop floor is that dial with no manager.`,
      ],
      data: {
        parameters: {
          addresses: ADDRESSES.length,
          target: TARGET,
          rounds,
          durationMs,
          settleMs,
          warmupAttempts,
          warmupMs,
          throttledRetryMs: THROTTLED_RETRY_MS,
        },
        figures,
        rounds: Object.fromEntries([...results].map(([k, rs]) => [k, rs.map(({ samples: _, ...r }) => r)])),
      },
    };
  },
};
