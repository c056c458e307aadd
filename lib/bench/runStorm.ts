import type { SchedulerLike } from 'rxjs';
import type { BenchManager } from './BenchManager.js';
import { collectGarbage } from './collectGarbage.js';
import { startMeasure, type Measurement } from './measure.js';

/** The error of the default storm dial: nobody is there. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(readonly addr: unknown) {
    super(`${String(addr)} is unreachable`);
  }
}

/**
 * What a storm hands `makeManager`: spread it into a `ConnManager` config (the names match), or
 * wire it into your own manager.
 */
export interface StormIO<A, C> {
  /** The counted dial; always call this one, so every attempt is seen (or count your own with `attempted` and `refused`). */
  readonly dial: (addr: A) => Promise<C>;
  /**
   * Counts one dial attempt: for a dial of another shape (an Observable, a callback, one that
   * throws) built on `refused` instead of `dial`. Call it as the attempt starts.
   */
  readonly attempted: () => void;
  /** Counts one refused attempt of `addr` and returns its `UnreachableError` (one per address, reused: see {@link refusingDial}). */
  readonly refused: (addr: A) => UnreachableError;
  /** The next address, round-robin over `addresses`. */
  readonly getNewAddress: () => A;
  /** Automatic connections to keep (the storm's `target`). */
  readonly targetOutbound: number;
  /** The storm's `scheduler`, when one was given. */
  readonly scheduler?: SchedulerLike;
}

/** Options of {@link runStorm}. */
export interface StormOptions<A, C> {
  /** Builds the manager under test, not started. */
  readonly makeManager: (io: StormIO<A, C>) => BenchManager<A>;
  /** The unreachable addresses `getNewAddress` hands out, round-robin. */
  readonly addresses: readonly A[];
  /** Automatic connections the manager should keep. Default 8. */
  readonly target?: number;
  /** Wall ms the storm is measured for, at most. */
  readonly durationMs: number;
  /**
   * Wall ms the storm runs before it is measured. Default: a quarter of `durationMs`, at most
   * 500 ms. Right after the full GC that precedes it (for the heap figure), allocation-heavy code
   * runs several times slower for a few hundred ms while V8's young generation regrows; the
   * steady state is what a long storm costs.
   */
  readonly settleMs?: number;
  /** Dial attempts after which the storm ends early. Default: no limit. */
  readonly maxAttempts?: number;
  /** Passed on in `io.scheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * The real dial, wrapped by the counted one. Default {@link refusingDial}: a promise rejected
   * with the address's `UnreachableError` on the next turn of the event loop (`setImmediate`),
   * the cheapest honest "connection refused".
   */
  readonly dial?: (addr: A) => Promise<C>;
  /** Period of the progress samples (cumulative attempts against wall and CPU time), ms. Default 50. */
  readonly sampleEveryMs?: number;
}

/** One progress sample of a storm. */
export interface StormSample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly attempts: number;
}

/** What a storm measured. */
export interface StormResult {
  /** Dials started, settling included. */
  readonly attempts: number;
  /** Dials that failed while measured (not while settling, before or after). */
  readonly failures: number;
  /** Dials that succeeded (0 with the default dial). */
  readonly successes: number;
  /** Most dials in flight at once: should never exceed the target. */
  readonly maxInFlight: number;
  /** CPU, wall, heap and event-loop figures of the measured part (stop included; the settling before and after excluded). `heapGrowthBytes` runs from before the manager was made to after it stopped. */
  readonly measurement: Measurement;
  /** Failed attempts per second of process CPU time. */
  readonly failuresPerCpuSecond: number;
  /** CPU µs per failed attempt. */
  readonly cpuUsPerFailure: number;
  /** Failed attempts per wall second. */
  readonly failuresPerWallSecond: number;
  /** Cumulative attempts every `sampleEveryMs`. */
  readonly samples: readonly StormSample[];
}

/**
 * A dial that refuses every address on the next turn of the event loop (`setImmediate`), with one
 * `UnreachableError` per address, made up front for `addresses` (so that a heap reading taken
 * after this call does not count them) or on the address's first refusal, and reused after. Reused because
 * capturing a stack trace costs ~1.5 µs — more than a lean manager spends on the whole attempt —
 * and a storm measures the manager, not `Error.captureStackTrace`. (A refused `net.connect`
 * allocates its error in C++ with a short stack; either way the cost is the dial's, not the
 * manager's.) Pass `dial: (addr) => Promise.reject(new Error())`-style dials to measure your own.
 *
 * @example
 * const dial = refusingDial<string, never>();
 * await dial('10.0.0.1:8333').catch((e) => e.message); // '10.0.0.1:8333 is unreachable'
 */
export function refusingDial<A, C>(addresses: Iterable<A> = []): (addr: A) => Promise<C> {
  const errors = new Map<A, UnreachableError>();
  for (const addr of addresses) errors.set(addr, new UnreachableError(addr));
  return (addr) =>
    new Promise<C>((_, reject) =>
      setImmediate(() => {
        let error = errors.get(addr);
        if (error === undefined) errors.set(addr, (error = new UnreachableError(addr)));
        reject(error);
      }),
    );
}

/**
 * A retry storm: a manager keeps `target` automatic connections to addresses that all refuse,
 * so it dials, fails and replaces as fast as it can; after `settleMs` it is measured for
 * `durationMs` (or until `maxAttempts`). Then it is stopped and its in-flight dials are left to
 * settle (at most 1 s, outside the measurement). Measures failed attempts per CPU-second, CPU
 * per attempt, event-loop delay and retained heap growth.
 *
 * Real time: use it with real timers (any scheduler but a virtual one).
 *
 * @example
 * const result = await runStorm({
 *   makeManager: (io) => new ConnManager({ ...io, maxFailedAttempts: Infinity }),
 *   addresses: Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}:8333`),
 *   durationMs: 2_000,
 * });
 * console.log(result.failuresPerCpuSecond, result.measurement.eventLoopDelayP99Ms);
 */
export async function runStorm<A, C>(options: StormOptions<A, C>): Promise<StormResult> {
  const { addresses, durationMs } = options;
  if (addresses.length === 0) throw new RangeError('runStorm: addresses must not be empty');
  const maxAttempts = options.maxAttempts ?? Infinity;
  const realDial = options.dial ?? refusingDial<A, C>(addresses);
  let attempts = 0;
  let failures = 0;
  let successes = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let next = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const attempted = (): void => {
    attempts++;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    if (attempts >= maxAttempts) finish();
  };
  const errors = new Map<A, UnreachableError>();
  for (const addr of addresses) errors.set(addr, new UnreachableError(addr));
  const refused = (addr: A): UnreachableError => {
    inFlight--;
    failures++;
    let error = errors.get(addr);
    if (error === undefined) errors.set(addr, (error = new UnreachableError(addr)));
    return error;
  };
  const dial = (addr: A): Promise<C> => {
    attempted();
    return realDial(addr).then(
      (conn) => {
        inFlight--;
        successes++;
        return conn;
      },
      (error: unknown) => {
        inFlight--;
        failures++;
        throw error;
      },
    );
  };
  const io: StormIO<A, C> = {
    dial,
    attempted,
    refused,
    getNewAddress: () => addresses[next++ % addresses.length]!,
    targetOutbound: options.target ?? 8,
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  };
  const manager = options.makeManager(io);

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  manager.start();
  const settleMs = options.settleMs ?? Math.min(500, durationMs / 4);
  let settled!: NodeJS.Timeout;
  await Promise.race([finished, new Promise((resolve) => (settled = setTimeout(resolve, settleMs)))]);
  clearTimeout(settled);

  const samples: StormSample[] = [];
  const meter = startMeasure({ gc: false });
  const attemptsBefore = attempts;
  const failuresBefore = failures;
  const sample = () => {
    const { wallMs, cpuUs } = meter.peek();
    samples.push({ wallMs, cpuMs: cpuUs / 1000, attempts: attempts - attemptsBefore });
  };
  sample();
  const sampler = setInterval(sample, options.sampleEveryMs ?? 50);
  const deadline = setTimeout(finish, durationMs);
  await finished;
  manager.stop();
  clearInterval(sampler);
  clearTimeout(deadline);
  sample();
  const measured = meter.stop();
  const failed = failures - failuresBefore;

  // Dials already under way settle after stop; let them, so they do not spill into whatever runs next.
  const settleBy = Date.now() + 1_000;
  while (inFlight > 0 && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 1));
  collectGarbage();
  const measurement: Measurement = { ...measured, heapGrowthBytes: process.memoryUsage().heapUsed - heapBefore };

  const cpuSeconds = measurement.cpuUs / 1e6;
  return {
    attempts,
    failures: failed,
    successes,
    maxInFlight,
    measurement,
    failuresPerCpuSecond: failed / cpuSeconds,
    cpuUsPerFailure: failed === 0 ? NaN : measurement.cpuUs / failed,
    failuresPerWallSecond: failed / (measurement.wallMs / 1000),
    samples,
  };
}
