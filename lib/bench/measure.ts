import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { collectGarbage } from './collectGarbage.js';

/** What a measured stretch of code cost. */
export interface Measurement {
  /** Wall-clock milliseconds. */
  readonly wallMs: number;
  /** CPU microseconds of the whole process (user + system, every thread: GC helpers included). */
  readonly cpuUs: number;
  /** The kernel's part of `cpuUs`: syscalls, and waking up for timers (high when a process sleeps 1 ms at a time). */
  readonly cpuSystemUs: number;
  /**
   * Heap bytes still in use at the end minus at the start. With `gc: true` (the default) both
   * ends are read after a full collection, so this is retained growth (a leak shows here), not
   * garbage that was merely not collected yet.
   */
  readonly heapGrowthBytes: number;
  /** 99th percentile of the event-loop delay, ms: how late a timer due now would have run. */
  readonly eventLoopDelayP99Ms: number;
  /** Worst event-loop delay seen, ms. */
  readonly eventLoopDelayMaxMs: number;
}

/** Options of {@link startMeasure}. */
export interface MeasureOptions {
  /** Collect garbage at both ends so that heap growth means retention. Default `true`. */
  readonly gc?: boolean;
  /** Sampling period of the event-loop delay monitor, ms (≥ 1). Default 5. */
  readonly resolutionMs?: number;
}

/** A running measurement: read it on the way with `peek`, end it with `stop`. */
export interface Meter {
  /** Wall ms and CPU µs so far, without stopping (cheap: for progress samples). */
  peek(): { readonly wallMs: number; readonly cpuUs: number; readonly cpuSystemUs: number };
  /** Ends the measurement. Call once. */
  stop(): Measurement;
}

/**
 * Starts measuring CPU (`process.cpuUsage`), wall time, event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`) and heap growth.
 *
 * CPU is what a throughput benchmark should divide by on a shared machine: wall time counts the
 * time other processes had the core, and the time a timer clamp left the process idle.
 *
 * @example
 * const meter = startMeasure();
 * await doTheWork();
 * const { cpuUs, eventLoopDelayP99Ms } = meter.stop();
 */
export function startMeasure(options: MeasureOptions = {}): Meter {
  const gc = options.gc ?? true;
  if (gc) collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const histogram = monitorEventLoopDelay({ resolution: Math.max(1, options.resolutionMs ?? 5) });
  histogram.enable();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const peek = () => {
    const cpu = process.cpuUsage(cpuStart);
    return { wallMs: performance.now() - wallStart, cpuUs: cpu.user + cpu.system, cpuSystemUs: cpu.system };
  };
  let stopped = false;
  return {
    peek,
    stop() {
      if (stopped) throw new Error('startMeasure: stop() called twice');
      stopped = true;
      const { wallMs, cpuUs, cpuSystemUs } = peek();
      histogram.disable();
      // A run shorter than one sampling period has no sample: report 0 rather than NaN.
      const sampled = histogram.count > 0;
      const eventLoopDelayP99Ms = sampled ? histogram.percentile(99) / 1e6 : 0;
      const eventLoopDelayMaxMs = sampled ? histogram.max / 1e6 : 0;
      if (gc) collectGarbage();
      return {
        wallMs,
        cpuUs,
        cpuSystemUs,
        heapGrowthBytes: process.memoryUsage().heapUsed - heapBefore,
        eventLoopDelayP99Ms,
        eventLoopDelayMaxMs,
      };
    },
  };
}

/**
 * Measures `fn` (sync or async) with {@link startMeasure}.
 *
 * @example
 * const { result, measurement } = await measure(() => runMyStorm());
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
  options: MeasureOptions = {},
): Promise<{ readonly result: T; readonly measurement: Measurement }> {
  const meter = startMeasure(options);
  const result = await fn();
  return { result, measurement: meter.stop() };
}
