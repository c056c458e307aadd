/**
 * One soak node in its own process: a `createNode()` on its own 127.0.0.x host, forked by
 * `soak.ts`. Reports `listening`, then a `sample` (its `stats()`) every `reportEveryMs`; on `peers`
 * it adds the addresses to its book; on `stop` it stops the node, lets the loop turn, reports what
 * `process.getActiveResourcesInfo()` still holds, closes the IPC channel and should then exit by
 * itself (a leaked handle keeps it alive, which the parent notices). SIGKILL is the other way out.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { createNode } from '../../lib/node/index.js';
import {
  isChannelOrStdio,
  sendToParent,
  timeoutHandles,
  turnLoop,
  type NodeChildConfig,
  type NodeTallies,
  type ToChild,
} from './messages.js';

const config = JSON.parse(process.argv[2] ?? '{}') as NodeChildConfig;
const o = config.options;

// The parent is gone (crashed, killed): nothing to report to, leave at once.
process.on('disconnect', () => {
  if (!stopping) process.exit(3);
});
// Bounded whatever happens.
const deadline = setTimeout(() => process.exit(4), Math.max(0, config.deadline - Date.now()));

const eventLoop = monitorEventLoopDelay({ resolution: 10 });
eventLoop.enable();

const node = createNode({
  name: config.name,
  host: config.host,
  port: config.port,
  seeds: config.seeds,
  targetOutbound: o.targetOutbound,
  retryDuration: o.retryDuration,
  maxRetryDuration: o.maxRetryDuration,
  dialTimeout: o.dialTimeout,
  handshakeTimeout: o.handshakeTimeout,
  pingInterval: o.pingInterval,
  idleTimeout: o.idleTimeout,
  bans: { file: config.banFile },
});

// Time below the outbound target, exact (from peer events) rather than sampled.
let outbound = 0;
let belowSince: number | undefined = performance.now();
let belowMs = 0;
let drops = 0;
let listeningAt: number | undefined;
let firstAtTarget: number | null = null;
const belowNow = () => belowMs + (belowSince === undefined ? 0 : performance.now() - belowSince);

const tallies: NodeTallies = {
  refusedByReason: {},
  peerUp: 0,
  peerDown: 0,
  handshakeFailedIn: 0,
  handshakeFailedOut: 0,
  misbehaving: 0,
  evicted: 0,
};
const events = node.events$.subscribe((e) => {
  switch (e.type) {
    case 'refused':
      tallies.refusedByReason[e.reason] = (tallies.refusedByReason[e.reason] ?? 0) + 1;
      break;
    case 'peerUp':
      tallies.peerUp++;
      if (e.peer.direction === 'outbound' && ++outbound >= o.targetOutbound && belowSince !== undefined) {
        belowMs += performance.now() - belowSince;
        belowSince = undefined;
        firstAtTarget ??= Math.max(0, performance.now() - (listeningAt ?? performance.now()));
      }
      break;
    case 'peerDown':
      tallies.peerDown++;
      if (e.peer.direction === 'outbound' && --outbound < o.targetOutbound && belowSince === undefined) {
        belowSince = performance.now();
        drops++;
      }
      break;
    case 'handshakeFailed':
      if (e.direction === 'inbound') tallies.handshakeFailedIn++;
      else tallies.handshakeFailedOut++;
      break;
    case 'misbehaving':
      tallies.misbehaving++;
      break;
    case 'evicted':
      tallies.evicted++;
      break;
    default:
      break;
  }
});

let stopping = false;
let reporter: NodeJS.Timeout | undefined;
/** The child's own timers while it reports: `deadline` and `reporter`. */
const OWN_TIMERS = 2;

const started = node.start().then(
  (address) => {
    listeningAt = performance.now();
    const bansLoaded = node.banList.entries().length;
    sendToParent({ type: 'listening', address: String(address), bansLoaded, flooderBanned: node.banList.isBanned(config.flooderHost) });
    if (!stopping) {
      reporter = setInterval(() => {
        sendToParent({
          type: 'sample',
          t: Date.now(),
          s: node.stats(),
          fb: node.banList.isBanned(config.flooderHost),
          bm: belowNow(),
          dc: drops,
          ft: firstAtTarget,
          tm: timeoutHandles() - OWN_TIMERS,
        });
      }, config.reportEveryMs);
    }
    return true;
  },
  (error: unknown) => {
    // The port is taken, or the listener failed: the parent counts a start failure.
    sendToParent({ type: 'startFailed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, () =>
      process.exit(2),
    );
    return false;
  },
);

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (reporter) clearInterval(reporter);
  clearTimeout(deadline);
  if (!(await started)) return;
  const t0 = performance.now();
  let guard: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    node.stop().then(() => false),
    new Promise<boolean>((resolve) => (guard = setTimeout(() => resolve(true), 5_000))),
  ]);
  clearTimeout(guard);
  const stopMs = performance.now() - t0;
  const stats = node.stats();
  const bannedHosts = node.banList.entries().map((b) => b.host);
  events.unsubscribe();
  eventLoop.disable();
  await turnLoop(20);
  const resources = process.getActiveResourcesInfo();
  const cpu = process.cpuUsage();
  sendToParent(
    {
      type: 'stopped',
      stopMs,
      stopTimedOut: timedOut,
      resources,
      leaked: resources.filter((r) => !isChannelOrStdio(r)),
      stats,
      tallies,
      bannedHosts,
      cpuMs: (cpu.user + cpu.system) / 1_000,
      maxRssBytes: process.resourceUsage().maxRSS * 1_024,
      eventLoopP99Ms: eventLoop.percentile(99) / 1e6,
      eventLoopMaxMs: eventLoop.max / 1e6,
    },
    // Closing the channel is the last handle we own: from here the process must exit by itself.
    () => process.disconnect(),
  );
}

process.on('message', (message: ToChild) => {
  if (message.type === 'stop') {
    void stop();
  } else if (message.type === 'peers') {
    void started.then((ok) => {
      const own = node.address;
      if (!ok || !own || stopping) return;
      const addrs = message.addrs.filter((a) => a !== own.toString()).map((a) => ({ addr: SocketAddress.parse(a) }));
      node.book.add(addrs, own);
    });
  }
});
