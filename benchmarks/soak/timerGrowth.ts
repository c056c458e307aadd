/**
 * The soak's timer figures (issue #16): how a node's Timeout handles move over the run, from the
 * `tm` of its samples. Pure, so the parent can compute them after the run.
 */

/** What {@link timerGrowth} and {@link timerTimeline} read from a sample. */
export interface TimerSample {
  /** The child's `Date.now()`. */
  readonly t: number;
  /** Timeout handles of the node (the child's own fixed timers left out). */
  readonly tm: number;
  /** Handshaken peers now, both directions. */
  readonly peers: number;
}

/** Timers each handshaken peer holds while it is up: keep-alive's ping and idle timeout. */
export const TIMERS_PER_PEER = 2;

/** One node's timers over a window of the run. */
export interface TimerGrowth {
  /** Samples in the first and the last part of the window. */
  readonly firstSamples: number;
  readonly lastSamples: number;
  /** Mean Timeout handles in the first and the last part. */
  readonly first: number;
  readonly last: number;
  /** Most Timeout handles seen in the window. */
  readonly max: number;
  /**
   * Mean of `tm − TIMERS_PER_PEER × peers` in the last part minus in the first: timers that do not
   * belong to a live peer (dials, handshakes, retries in flight, the node's own). A leak of one
   * timer per gone peer makes it climb with the peers served; without one it stays near 0.
   */
  readonly growth: number;
}

/**
 * Compares the first `part` ms of `[from, to)` with its last `part` ms.
 *
 * @param part - length of each compared part, ms; at most a third of the window is used.
 * @example
 * timerGrowth(samples, t0 + warmupMs, tEnd, 10_000).growth; // ≈ 0 for a node that keeps no timer of a gone peer
 */
export function timerGrowth(samples: readonly TimerSample[], from: number, to: number, part: number): TimerGrowth {
  const span = Math.min(part, (to - from) / 3);
  const window = samples.filter((x) => x.t >= from && x.t < to);
  const head = window.filter((x) => x.t < from + span);
  const tail = window.filter((x) => x.t >= to - span);
  const mean = (xs: readonly TimerSample[], f: (x: TimerSample) => number): number =>
    xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + f(x), 0) / xs.length;
  const beyondPeers = (x: TimerSample): number => x.tm - TIMERS_PER_PEER * x.peers;
  return {
    firstSamples: head.length,
    lastSamples: tail.length,
    first: mean(head, (x) => x.tm),
    last: mean(tail, (x) => x.tm),
    max: window.length > 0 ? Math.max(...window.map((x) => x.tm)) : Number.NaN,
    growth: mean(tail, beyondPeers) - mean(head, beyondPeers),
  };
}

/** Mean and max Timeout handles per node, in one bucket of the run. */
export interface TimerBucket {
  /** Seconds from `t0` to the bucket's start. */
  readonly atSec: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * Timeout handles per node over time: each node's samples averaged per `bucketMs`, then the mean
 * and the max over nodes, per bucket (buckets without samples are left out).
 *
 * @example
 * timerTimeline(healthy.map((s) => samplesOf(s)), t0, tEnd, 10_000); // [{ atSec: 0, mean: 21.3, max: 25 }, …]
 */
export function timerTimeline(nodes: readonly (readonly TimerSample[])[], t0: number, tEnd: number, bucketMs: number): TimerBucket[] {
  const buckets: TimerBucket[] = [];
  for (let start = t0; start < tEnd; start += bucketMs) {
    const perNode: number[] = [];
    for (const samples of nodes) {
      const inBucket = samples.filter((x) => x.t >= start && x.t < Math.min(start + bucketMs, tEnd));
      if (inBucket.length > 0) perNode.push(inBucket.reduce((s, x) => s + x.tm, 0) / inBucket.length);
    }
    if (perNode.length === 0) continue;
    buckets.push({ atSec: (start - t0) / 1_000, mean: perNode.reduce((a, b) => a + b, 0) / perNode.length, max: Math.max(...perNode) });
  }
  return buckets;
}
