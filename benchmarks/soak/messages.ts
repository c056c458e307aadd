/**
 * What the soak parent (`soak.ts`) and its children (`nodeChild.ts`, `flooder.ts`) say to each
 * other over the IPC channel of `child_process.fork`. Each child gets its config as JSON in
 * `process.argv[2]`.
 */
import type { NodeStats, RefusalReason } from '../../lib/node/index.js';

/** Node options the parent chooses (the rest are the library's defaults). */
export interface SoakNodeOptions {
  readonly targetOutbound: number;
  readonly retryDuration: number;
  readonly maxRetryDuration: number;
  readonly dialTimeout: number;
  readonly handshakeTimeout: number;
  readonly pingInterval: number;
  readonly idleTimeout: number;
}

export interface NodeChildConfig {
  readonly name: string;
  readonly host: string;
  /** 0 on the first start; the same port on every restart. */
  readonly port: number;
  /** Other nodes' `host:port`, as hard-coded seeds. */
  readonly seeds: readonly string[];
  /** Whose ban the child reports in each sample. */
  readonly flooderHost: string;
  /** Ban file: bans survive a SIGKILL and a restart. */
  readonly banFile: string;
  readonly options: SoakNodeOptions;
  readonly reportEveryMs: number;
  /** Date.now() after which the child exits by itself whatever happens (the parent is gone or stuck). */
  readonly deadline: number;
}

export interface FlooderConfig {
  readonly host: string;
  /** Nodes' `host:port`. */
  readonly targets: readonly string[];
  /** New connections per second at most. */
  readonly ratePerSecond: number;
  /** Connections open at once at most. */
  readonly concurrency: number;
  /** Garbage writes per connection at most (one at connect, then every `writeEveryMs`). */
  readonly writesPerConn: number;
  readonly writeEveryMs: number;
  /** A connection the node has not closed by then is closed by the flooder (and counted: `heldOpen`). */
  readonly lifetimeMs: number;
  readonly seed: number;
  readonly reportEveryMs: number;
  readonly deadline: number;
  /** Where the honest visitors connect from (never banned, unlike the flooder). */
  readonly visitHost: string;
  /** Honest short visits a second at most (connect, handshake, `addr`, `ping`, hang up on the `pong`); 0 = none. */
  readonly visitRate: number;
}

export type ToChild =
  { readonly type: 'peers'; readonly addrs: readonly string[] } | { readonly type: 'start' } | { readonly type: 'stop' };

/** One sample of a node: `t` is the child's `Date.now()`. */
export interface NodeSample {
  readonly t: number;
  readonly s: NodeStats;
  /** The flooder's host is banned now. */
  readonly fb: boolean;
  /** ms spent below the outbound target since the process started (from peerUp/peerDown events, exact). */
  readonly bm: number;
  /** Times the outbound count fell below the target since the process started. */
  readonly dc: number;
  /** ms from listening to the first time at the outbound target; null until then. */
  readonly ft: number | null;
  /**
   * Timeout handles now (`getActiveResourcesInfo()`), less the child's own two (its deadline and
   * its reporter): the node's timers (issue #16).
   */
  readonly tm: number;
}

/** Timeout handles of this process now (refed `setTimeout`/`setInterval` timers). */
export function timeoutHandles(): number {
  let n = 0;
  for (const resource of process.getActiveResourcesInfo()) if (resource === 'Timeout') n++;
  return n;
}

/** What a node counted from its `events$` (one incarnation). */
export interface NodeTallies {
  refusedByReason: Partial<Record<RefusalReason, number>>;
  peerUp: number;
  peerDown: number;
  handshakeFailedIn: number;
  handshakeFailedOut: number;
  misbehaving: number;
  evicted: number;
}

export interface NodeStopped {
  readonly type: 'stopped';
  readonly stopMs: number;
  readonly stopTimedOut: boolean;
  /** `process.getActiveResourcesInfo()` after the node stopped and the loop turned 20 times. */
  readonly resources: readonly string[];
  /** The same, less the IPC pipe and stdio (`PipeWrap`, `TTYWrap`): the leaks. */
  readonly leaked: readonly string[];
  readonly stats: NodeStats;
  readonly tallies: NodeTallies;
  readonly bannedHosts: readonly string[];
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  /** Event-loop delay over the child's life, ms. */
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
}

export type FromNode =
  | { readonly type: 'listening'; readonly address: string; readonly bansLoaded: number; readonly flooderBanned: boolean }
  | { readonly type: 'startFailed'; readonly error: string }
  | ({ readonly type: 'sample' } & NodeSample)
  | NodeStopped;

export interface FlooderCounts {
  /** Connections started. */
  attempts: number;
  /** TCP connect succeeded. */
  connected: number;
  /** Connect failed (a churn node down: ECONNREFUSED), by error code. */
  connectErrors: Record<string, number>;
  /** The node closed the connection (FIN) after our garbage. */
  closedByPeer: number;
  /** The node reset the connection (ECONNRESET/EPIPE). */
  reset: number;
  /** Still open at `lifetimeMs`: the node never hung up on the garbage. */
  heldOpen: number;
  /** Ticks skipped because `concurrency` connections were open. */
  skipped: number;
  bytesSent: number;
  /** Garbage sent, by kind (one count per write). */
  kinds: Record<string, number>;
  /** ms from connect to close by the node (closed or reset): p50, p99, max. */
  closeP50Ms: number;
  closeP99Ms: number;
  closeMaxMs: number;
  /** Honest visits started, and how they ended: `pong` received (then we hung up), or anything else. */
  visits: number;
  visitsCompleted: number;
  visitsFailed: number;
}

export type FromFlooder =
  | { readonly type: 'ready' }
  | { readonly type: 'sample'; readonly t: number; readonly counts: FlooderCounts; readonly open: number }
  | {
      readonly type: 'stopped';
      readonly counts: FlooderCounts;
      readonly resources: readonly string[];
      readonly leaked: readonly string[];
      readonly cpuMs: number;
    };

/** Resource names that are the child's IPC channel or stdio, not leaks. */
export function isChannelOrStdio(resource: string): boolean {
  return resource === 'PipeWrap' || resource === 'TTYWrap';
}

/** Sends to the parent if the channel is still open; `then` runs once the message is written (or at once). */
export function sendToParent(message: FromNode | FromFlooder, then?: () => void): void {
  if (!process.send || !process.connected) {
    then?.();
    return;
  }
  process.send(message, undefined, {}, () => then?.());
}

/** Lets the event loop turn `n` times (closed sockets release their handles on later turns). */
export async function turnLoop(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A small seeded PRNG (mulberry32): the soak's own choices are reproducible from `--seed`. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
