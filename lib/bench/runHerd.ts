import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { BackoffPolicy } from '../backoff/Backoff.js';
import { ConnManager } from '../manager/ConnManager.js';
import { BenchConn } from './BenchConn.js';
import type { BenchManager } from './BenchManager.js';
import { percentile } from './percentile.js';
import { VirtualClock } from './VirtualClock.js';

/** What a herd hands `makeManager`. */
export interface HerdIO {
  /** The herd's network: succeeds after `dialLatencyMs`, except while the peers are down. */
  readonly dial: (addr: string) => Promise<BenchConn>;
  /** Every timer of the manager must go through it (virtual time). */
  readonly scheduler: SchedulerLike;
  /** The policy under test. */
  readonly backoff: BackoffPolicy;
  /** Its name (a key of `policies`). */
  readonly policyName: string;
}

/** Options of {@link runHerd}. */
export interface HerdOptions {
  /** The retry policies to compare, by name; each gets its own run. */
  readonly policies: Readonly<Record<string, BackoffPolicy>>;
  /** Permanent peers, all connected before the drop. Default 1,000. */
  readonly peers?: number;
  /** ms from the start at which every connection drops at once. Default 1,000. */
  readonly dropAt?: number;
  /** ms the peers stay unreachable after the drop (dials are refused). Default 10,000. */
  readonly downFor?: number;
  /** Width of the windows dials are counted in, ms. Default 100. */
  readonly windowMs?: number;
  /** ms a dial takes to succeed or be refused. Default 1. */
  readonly dialLatencyMs?: number;
  /** ms after the peers are reachable again to wait at most for all of them to be back. Default 1,800,000 (virtual) or 60,000 (real). */
  readonly horizonMs?: number;
  /** Virtual time (a {@link VirtualClock}: half an hour of herd in about a second) or real timers. Default `true`. */
  readonly virtual?: boolean;
  /** Builds the manager under test, not started. Default: a `ConnManager` with `io.backoff`. */
  readonly makeManager?: (io: HerdIO) => BenchManager<string>;
}

/** What one policy did in a herd. Times are ms since the drop. */
export interface HerdRun {
  readonly policy: string;
  readonly peers: number;
  /** Peers connected again by the end. */
  readonly recovered: number;
  /** Dials from the drop on. */
  readonly dials: number;
  /** Of those, refused. */
  readonly failedDials: number;
  /** Dials per window from the drop on: `windows[i]` counts [i·windowMs, (i+1)·windowMs). */
  readonly windows: readonly number[];
  readonly windowMs: number;
  /** Most dials in any `windowMs` span (sliding, not only the aligned windows). */
  readonly peakDials: number;
  /** Where that span starts. */
  readonly peakAtMs: number;
  /** Median over peers of the time until it was connected again. */
  readonly medianRecoveryMs: number;
  /** 90th percentile of the same. */
  readonly p90RecoveryMs: number;
  /** Time until every peer was back; `NaN` if some were not within the horizon. */
  readonly allBackMs: number;
  /** When the peers became reachable again. */
  readonly reachableAtMs: number;
}

/**
 * A thundering herd: `peers` permanent peers are connected, all their connections drop at the
 * same instant, the peers refuse every dial for `downFor` ms, then accept again. Each policy
 * gets a fresh manager; the run ends when every peer is back (or at the horizon). Reports the
 * peak dials in any window and the time until all are back, with the dials per window for a plot.
 *
 * In virtual time (the default) the manager's timers and the network's latency run on a
 * {@link VirtualClock}, so minutes of herd take well under a second per policy.
 *
 * @example
 * const runs = await runHerd({
 *   policies: {
 *     linear: linearBackoff({ step: 5_000, cap: 300_000 }),
 *     'full jitter': exponentialBackoff({ base: 5_000, cap: 300_000, jitter: 'full', seed: 1 }),
 *   },
 *   peers: 1_000, dropAt: 1_000, downFor: 10_000, virtual: true,
 * });
 * for (const r of runs) console.log(r.policy, r.peakDials, r.allBackMs);
 */
export async function runHerd(options: HerdOptions): Promise<HerdRun[]> {
  const runs: HerdRun[] = [];
  for (const [policyName, backoff] of Object.entries(options.policies)) runs.push(await runOne(options, policyName, backoff));
  return runs;
}

async function runOne(options: HerdOptions, policyName: string, backoff: BackoffPolicy): Promise<HerdRun> {
  const peers = options.peers ?? 1_000;
  const dropAt = options.dropAt ?? 1_000;
  const downFor = options.downFor ?? 10_000;
  const windowMs = options.windowMs ?? 100;
  const latency = options.dialLatencyMs ?? 1;
  const virtual = options.virtual ?? true;
  const horizon = options.horizonMs ?? (virtual ? 1_800_000 : 60_000);
  const clock = virtual ? new VirtualClock() : undefined;
  const scheduler: SchedulerLike = clock ?? asyncScheduler;
  // Set when the drop really happens (a real timer may fire late): every time is relative to it.
  let droppedAt = NaN;
  let upAt = NaN;

  let dropped = false;
  const conns: BenchConn[] = [];
  const dialTimes: number[] = [];
  let failedDials = 0;
  const backAt = new Map<string, number>();

  const dial = (addr: string): Promise<BenchConn> => {
    const afterDrop = dropped;
    if (afterDrop) dialTimes.push(scheduler.now() - droppedAt);
    return new Promise<BenchConn>((resolve, reject) => {
      scheduler.schedule(() => {
        const at = scheduler.now();
        if (dropped && at < upAt) {
          if (afterDrop) failedDials++;
          reject(new Error(`${addr} refused`));
          return;
        }
        const conn = new BenchConn(addr);
        conns.push(conn);
        if (dropped && !backAt.has(addr)) backAt.set(addr, at - droppedAt);
        resolve(conn);
      }, latency);
    });
  };
  const io: HerdIO = { dial, scheduler, backoff, policyName };
  const manager = (options.makeManager ?? defaultManager)(io);
  manager.start();
  for (let i = 0; i < peers; i++) manager.connect(`peer${i}`, { permanent: true });
  scheduler.schedule(() => {
    dropped = true;
    droppedAt = scheduler.now();
    upAt = droppedAt + downFor;
    // Every connection made so far hangs up at once (closing one already closed does nothing).
    for (const conn of conns.splice(0)) conn.closeRemotely();
  }, dropAt);

  const allBack = () => backAt.size >= peers;
  const deadline = scheduler.now() + dropAt + downFor + horizon;
  if (clock) {
    await clock.run({ until: deadline, stopWhen: allBack });
  } else {
    while (!allBack() && scheduler.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  manager.stop();
  // Dials still in flight settle on the clock; let them, so nothing is left running.
  if (clock) await clock.run({ maxSteps: 1_000_000 });
  for (const conn of conns) conn.destroy();

  const recoveries = [...backAt.values()];
  const windows: number[] = [];
  for (const t of dialTimes) {
    const i = Math.floor(t / windowMs);
    while (windows.length <= i) windows.push(0);
    windows[i]!++;
  }
  const { peak, at } = slidingPeak(dialTimes, windowMs);
  return {
    policy: policyName,
    peers,
    recovered: backAt.size,
    dials: dialTimes.length,
    failedDials,
    windows,
    windowMs,
    peakDials: peak,
    peakAtMs: at,
    medianRecoveryMs: percentile(recoveries, 50),
    p90RecoveryMs: percentile(recoveries, 90),
    allBackMs: allBack() ? Math.max(...recoveries) : NaN,
    reachableAtMs: downFor,
  };
}

/** Most values of the sorted `times` within any half-open span of `width`, and where it starts. */
function slidingPeak(times: readonly number[], width: number): { peak: number; at: number } {
  let peak = 0;
  let at = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= width) first++;
    if (last - first + 1 > peak) {
      peak = last - first + 1;
      at = times[first]!;
    }
  }
  return { peak, at };
}

function defaultManager(io: HerdIO): BenchManager<string> {
  return new ConnManager<string, BenchConn>({ dial: io.dial, scheduler: io.scheduler, backoff: io.backoff });
}
