/**
 * `lib/bench`: run the storms and herds of rx-connmgr's benchmarks against your own dialers,
 * backoff policies and managers, in real or virtual time, and measure what they cost.
 *
 * - {@link runStorm}: a retry storm against unreachable addresses → failed attempts per
 *   CPU-second, CPU per attempt, event-loop delay, heap growth.
 * - {@link runHerd}: a thundering herd of permanent peers dropped at once → peak dials per
 *   window and time until all are back, per backoff policy.
 * - {@link startMeasure} / {@link measure} / {@link measureRetained}: CPU, event-loop delay and
 *   heap figures for any code.
 * - {@link immediateScheduler} (0-delay work on `setImmediate`, not a 1 ms `setInterval`) and
 *   {@link VirtualClock} (virtual time that promise-based code can live in).
 *
 * @example
 * import { runHerd } from './bench/index.js'; // a package entry point ("rx-connmgr/bench") is not wired yet
 * const [linear] = await runHerd({ policies: { linear: linearBackoff({ step: 5_000, cap: 300_000 }) } });
 * console.log(linear.peakDials, linear.allBackMs);
 *
 * @packageDocumentation
 */
export { BenchConn } from './BenchConn.js';
export type { BenchManager } from './BenchManager.js';
export { collectGarbage } from './collectGarbage.js';
export { immediateScheduler } from '../schedulers/immediateScheduler.js';
export { measure, startMeasure, type Measurement, type MeasureOptions, type Meter } from './measure.js';
export { measureRetained } from './measureRetained.js';
export { percentile } from './percentile.js';
export { runHerd, type HerdIO, type HerdOptions, type HerdRun } from './runHerd.js';
export {
  runStorm,
  refusingDial,
  UnreachableError,
  type StormIO,
  type StormOptions,
  type StormResult,
  type StormSample,
} from './runStorm.js';
export { VirtualClock, type VirtualRunOptions } from './VirtualClock.js';
