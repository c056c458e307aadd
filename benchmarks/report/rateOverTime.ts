import type { StormSample } from '../../lib/bench/runStorm.js';

/**
 * A storm's rate over time, for a chart: attempts per CPU-second between consecutive samples,
 * against wall seconds. Intervals with no CPU time are skipped.
 *
 * @example
 * rateOverTime([{ wallMs: 0, cpuMs: 0, attempts: 0 }, { wallMs: 50, cpuMs: 50, attempts: 100 }]); // [[0.05, 2000]]
 */
export function rateOverTime(samples: readonly StormSample[]): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const cpuS = (b.cpuMs - a.cpuMs) / 1000;
    if (cpuS > 0) points.push([b.wallMs / 1000, (b.attempts - a.attempts) / cpuS]);
  }
  return points;
}
