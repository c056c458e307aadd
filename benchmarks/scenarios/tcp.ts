/**
 * Scenario 4, real TCP on loopback (127.0.0.1, ports from the OS):
 * - reconnect: 8 permanent outbound peers whose listeners all close at once and reopen on the
 *   same ports 1 s later → time until all 8 are established again;
 * - inbound burst: 5,000 connections at once against `maxInbound` 117 → every excess one closed,
 *   the event-loop delay meanwhile, and no socket left behind (`process.getActiveResourcesInfo()`).
 */
import { extname } from 'node:path';
import { readFileSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { tap } from 'rxjs';
import { startMeasure } from '../../lib/bench/measure.js';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { tcpDial } from '../../lib/transport/tcpDial.js';
import { tcpListen } from '../../lib/transport/tcpListen.js';
import { ImperativeConnManager } from '../baselines/imperative.js';
import { netDial } from '../baselines/netDial.js';
import { atMost, fixed, int, median } from '../report/format.js';
import type { Scenario, ScenarioContext, ScenarioReport } from './Scenario.js';
import { sleep } from './sleep.js';

const HOST = '127.0.0.1';
const PEERS = 8;
const DOWN_MS = 1_000;
/** Linear retry step of both managers: retries at +0.5 s (refused) and +1.5 s (back). btcd's 5 s would only make the wait longer. */
const RETRY_MS = 500;
const BURST = 5_000;
const MAX_INBOUND = 117;
const IMPLS = ['rx-connmgr', 'imperative'] as const;
type Impl = (typeof IMPLS)[number];

const ignore = (): void => {};

/** Waits until `done()` or `ms` pass; true if done. */
async function until(done: () => boolean, ms: number, step = 2): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(step);
  }
  return true;
}

/** TCP handles alive in this process: sockets and servers. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

/** The soft limit on open files, from /proc (Linux); undefined elsewhere. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s+/)[3];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/** A peer that can go away and come back on the same port. */
class Peer {
  port = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  async up(): Promise<void> {
    const server = createServer((socket) => {
      socket.on('error', ignore);
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('error', ignore);
    await new Promise<void>((resolve) => server.listen({ host: HOST, port: this.port }, resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and hangs up on everyone. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface ReconnectRound {
  readonly recoveryMs: number;
  readonly eventLoopDelayP99Ms: number;
  readonly timeline: readonly [number, number][];
}

async function reconnect(impl: Impl): Promise<ReconnectRound> {
  const peers = Array.from({ length: PEERS }, () => new Peer());
  for (const peer of peers) await peer.up();
  let established = 0;
  let t0 = performance.now();
  let droppedAt = Infinity;
  let recoveredAt = NaN;
  const timeline: [number, number][] = [];
  const mark = () => {
    const t = performance.now() - t0;
    timeline.push([t, established]);
    if (established === PEERS && performance.now() > droppedAt) recoveredAt = t;
  };
  const track = (socket: Socket) => {
    established++;
    mark();
    socket.once('close', () => {
      established--;
      mark();
    });
  };
  const cm =
    impl === 'rx-connmgr'
      ? new ConnManager<string, Socket>({ dial: (addr) => tcpDial(addr, { timeout: 5_000 }).pipe(tap(track)), retryDuration: RETRY_MS })
      : new ImperativeConnManager<string, Socket>({
          dial: (addr) => netDial(addr).then((socket) => (track(socket), socket)),
          retryDuration: RETRY_MS,
          dialTimeout: 5_000,
        });
  try {
    cm.start();
    for (const peer of peers) cm.connect(`${HOST}:${peer.port}`, { permanent: true });
    if (!(await until(() => established === PEERS, 5_000)))
      throw new Error(`${impl}: only ${established}/${PEERS} connected before the drop`);

    const meter = startMeasure({ gc: false, resolutionMs: 1 });
    t0 = performance.now();
    timeline.length = 0;
    mark();
    droppedAt = performance.now();
    await Promise.all(peers.map((p) => p.down()));
    await sleep(DOWN_MS - (performance.now() - t0));
    for (const peer of peers) await peer.up();
    await until(() => Number.isFinite(recoveredAt), 15_000);
    const m = meter.stop();
    // A copy: stopping the manager below closes the sockets, which would still add to it.
    return { recoveryMs: recoveredAt, eventLoopDelayP99Ms: m.eventLoopDelayP99Ms, timeline: timeline.slice() };
  } finally {
    cm.stop();
    await Promise.all(peers.map((p) => p.down()));
  }
}

interface BurstRound {
  readonly connections: number;
  readonly admitted: number;
  readonly rejected: number;
  readonly clientsClosedByServer: number;
  readonly clientsStillOpen: number;
  readonly clientErrors: Readonly<Record<string, number>>;
  readonly settleMs: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly cpuMs: number;
  readonly leakedHandles: number;
}

interface ClientReport {
  readonly closed: number;
  readonly errors: Record<string, number>;
}

/** The burst's clients, in a child process (`burstClients.ts`), so they do not load the event loop under test. */
class Clients {
  readonly #child: ChildProcess;
  readonly #replies = new Map<string, (message: Record<string, unknown>) => void>();
  readonly exited: Promise<void>;
  #closing: Promise<void> | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: Record<string, unknown>) => {
      const reply = this.#replies.get(String(message.type));
      this.#replies.delete(String(message.type));
      reply?.(message);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(): Promise<Clients> {
    const child = fork(fileURLToPath(new URL(`./burstClients${extname(import.meta.url)}`, import.meta.url)), [], {
      execArgv: process.execArgv, // tsx's loader, when run from TypeScript
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const clients = new Clients(child);
    await clients.#expect('ready', 20_000);
    return clients;
  }

  open(host: string, port: number, count: number): Promise<unknown> {
    return this.#ask({ type: 'open', host, port, count }, 'opened');
  }

  async report(): Promise<ClientReport> {
    const m = await this.#ask({ type: 'report' }, 'report');
    return { closed: m.closed as number, errors: m.errors as Record<string, number> };
  }

  /** Destroys every client socket and ends the child (killed if it does not go within 5 s). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#ask({ type: 'close' }, 'closed').catch(() => {});
      const timer = setTimeout(() => this.#child.kill(), 5_000);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.#closing;
  }

  #ask(message: object, reply: string): Promise<Record<string, unknown>> {
    const answered = this.#expect(reply, 10_000);
    if (!this.#child.connected) return Promise.reject(new Error('burst clients: the child is gone'));
    this.#child.send(message);
    return answered;
  }

  #expect(type: string, ms: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`burst clients: no "${type}" within ${ms} ms`)), ms);
      this.#replies.set(type, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }
}

/** Waits until the number of TCP handles stops changing (closes still in progress finish). */
async function settledHandles(): Promise<number> {
  let previous = tcpHandles();
  for (let i = 0; i < 60; i++) {
    await sleep(50);
    const now = tcpHandles();
    if (now === previous) return now;
    previous = now;
  }
  return previous;
}

async function burst(impl: Impl, connections: number): Promise<BurstRound> {
  const clients = await Clients.start();
  const handlesBefore = await settledHandles();
  let rejected = 0;
  let port = 0;
  let admitted: () => number;
  let stop: () => void;
  if (impl === 'rx-connmgr') {
    let bound!: () => void;
    const listening = new Promise<void>((resolve) => (bound = resolve));
    const cm = new ConnManager<string, Socket>({
      dial: () => {
        throw new Error('no outbound connections in this test');
      },
      listeners: [tcpListen({ host: HOST, port: 0, backlog: 4_096, onListening: (a) => ((port = a.port), bound()) })],
      maxInbound: MAX_INBOUND,
    });
    cm.events$.subscribe((e) => e.type === 'rejected' && rejected++);
    cm.start();
    await listening;
    admitted = () => cm.state.inbound.size;
    stop = () => cm.stop();
  } else {
    const cm = new ImperativeConnManager<string, Socket>({ dial: () => Promise.reject(new Error('no outbound')), maxInbound: MAX_INBOUND });
    cm.on('rejected', () => rejected++);
    const server = createServer();
    cm.listen(server);
    cm.start();
    await new Promise<void>((resolve) => server.listen({ host: HOST, port: 0, backlog: 4_096 }, resolve));
    port = (server.address() as AddressInfo).port;
    admitted = () => cm.inboundCount;
    stop = () => cm.stop();
  }

  try {
    const excess = connections - MAX_INBOUND;
    const meter = startMeasure({ gc: false, resolutionMs: 1 });
    const t0 = performance.now();
    await clients.open(HOST, port, connections);
    await until(() => rejected >= excess && admitted() === MAX_INBOUND, 30_000);
    // The server is done; wait until the clients have seen their closes too.
    let report = await clients.report();
    for (let i = 0; i < 100 && report.closed < excess; i++) {
      await sleep(50);
      report = await clients.report();
    }
    const settleMs = performance.now() - t0;
    const m = meter.stop();
    // A little longer: an admitted client must not be closed late, nor a rejected one linger.
    await sleep(200);
    report = await clients.report();
    const stillAdmitted = admitted();
    stop();
    await clients.close();
    return {
      connections,
      admitted: stillAdmitted,
      rejected,
      clientsClosedByServer: report.closed,
      clientsStillOpen: connections - report.closed,
      clientErrors: report.errors,
      settleMs,
      eventLoopDelayP99Ms: m.eventLoopDelayP99Ms,
      eventLoopDelayMaxMs: m.eventLoopDelayMaxMs,
      cpuMs: m.cpuUs / 1000,
      leakedHandles: (await settledHandles()) - handlesBefore,
    };
  } finally {
    stop();
    await clients.close();
  }
}

/** A timeline of counts (ms) as a step line (s), from a moment before the drop to a moment after the end. */
function steps(timeline: readonly [number, number][]): [number, number][] {
  const points: [number, number][] = [[-0.25, PEERS]];
  for (const [t, n] of timeline) {
    points.push([t / 1000, points.at(-1)![1]]);
    points.push([t / 1000, n]);
  }
  const end = timeline.at(-1);
  if (end) points.push([end[0] / 1000 + 0.4, end[1]]);
  return points;
}

export const tcp: Scenario = {
  name: 'tcp',
  title: 'Real TCP on loopback: 8 peers down for 1 s; 5,000 inbound against maxInbound 117',
  async run({ quick, progress }: ScenarioContext): Promise<ScenarioReport> {
    const reconnectRounds = quick ? 1 : 3;
    const burstRounds = quick ? 1 : 2;
    const limit = openFileLimit();
    // Each connection is two descriptors here (client and server side), plus some headroom.
    const connections = limit === undefined ? BURST : Math.min(BURST, Math.floor((limit - 500) / 2));

    const rec = new Map<Impl, ReconnectRound[]>(IMPLS.map((i) => [i, []]));
    const bur = new Map<Impl, BurstRound[]>(IMPLS.map((i) => [i, []]));
    for (let round = 0; round < reconnectRounds; round++) {
      for (const impl of round % 2 ? [...IMPLS].reverse() : IMPLS) {
        progress(`reconnect, round ${round + 1}/${reconnectRounds}: ${impl}`);
        rec.get(impl)!.push(await reconnect(impl));
      }
    }
    for (let round = 0; round < burstRounds; round++) {
      for (const impl of round % 2 ? [...IMPLS].reverse() : IMPLS) {
        progress(`inbound burst, round ${round + 1}/${burstRounds}: ${impl}`);
        bur.get(impl)!.push(await burst(impl, connections));
        await sleep(200); // let the kernel finish the closes before the next burst
      }
    }

    const recovery = (i: Impl) => median(rec.get(i)!.map((r) => r.recoveryMs));
    const worst = (i: Impl, pick: (r: BurstRound) => number) => Math.max(...bur.get(i)!.map(pick));
    const eld = (i: Impl) => Math.max(...rec.get(i)!.map((r) => r.eventLoopDelayP99Ms), ...bur.get(i)!.map((r) => r.eventLoopDelayP99Ms));
    const clean = (i: Impl) =>
      bur
        .get(i)!
        .every(
          (r) =>
            r.admitted === MAX_INBOUND &&
            r.rejected === r.connections - MAX_INBOUND &&
            r.clientsStillOpen === MAX_INBOUND &&
            r.leakedHandles <= 0,
        );
    const rows = IMPLS.map((i) => {
      const b = bur.get(i)!;
      return [
        i,
        `${int(recovery(i))} ms`,
        `${b.map((r) => r.admitted).join(', ')} / ${b.map((r) => int(r.rejected)).join(', ')}`,
        clean(i) ? 'yes' : 'NO',
        `${int(median(b.map((r) => r.settleMs)))} ms`,
        fixed(median(b.map((r) => r.cpuMs)), 0),
        fixed(
          worst(i, (r) => r.eventLoopDelayP99Ms),
          1,
        ),
        fixed(
          worst(i, (r) => r.eventLoopDelayMaxMs),
          1,
        ),
        String(worst(i, (r) => r.leakedHandles)),
      ];
    });
    const lastRx = rec.get('rx-connmgr')!.at(-1)!;
    const lastImp = rec.get('imperative')!.at(-1)!;
    return {
      headline: `back in ${int(recovery('rx-connmgr'))} ms (imperative ${int(recovery('imperative'))} ms); burst of ${int(connections)} ${clean('rx-connmgr') ? 'clean' : 'NOT clean'}, ELD p99 ${fixed(eld('rx-connmgr'), 1)} ms`,
      table: {
        headers: [
          'manager',
          'all 8 back after',
          'admitted / rejected',
          'clean',
          'burst settled in',
          'burst CPU ms',
          'ELD p99 ms',
          'ELD max ms',
          'leaked handles',
        ],
        rows,
      },
      chart: {
        title: 'Real TCP: established outbound connections around a 1 s outage',
        xLabel: 'seconds since the listeners closed',
        yLabel: 'established',
        series: [
          { name: 'rx-connmgr', points: steps(lastRx.timeline) },
          { name: 'imperative', points: steps(lastImp.timeline), dashed: true },
        ],
        note: `8 permanent peers on 127.0.0.1, linear retry step ${RETRY_MS} ms; listeners back at ${DOWN_MS} ms`,
      },
      targets: [atMost('event-loop delay p99 ≤ 20 ms (TCP, worst round)', eld('rx-connmgr'), 20, (n) => `${fixed(n, 1)} ms`)],
      notes: [
        `Reconnect: median of ${reconnectRounds} round(s); both managers with a linear retry step of ${RETRY_MS} ms, so the first retry (+${RETRY_MS} ms) is refused and the second (+${3 * RETRY_MS} ms) finds the peers back.`,
        `Inbound burst: ${int(connections)} connections opened at once by a child process, so that the clients do not load the measured event loop${connections < BURST ? ` (scaled down from ${int(BURST)}: the open-file limit is ${limit})` : ` (open-file limit ${limit ?? 'unknown'}: enough)`}; listen backlog 4,096; CPU and event-loop delay are the manager's process only. "Clean": exactly ${MAX_INBOUND} admitted and still open, every other one rejected and closed by the server, and no TCP handle left once the manager stopped and the clients closed.`,
        `Event-loop delay: monitorEventLoopDelay at 1 ms resolution during the outage and during the burst.`,
      ],
      data: {
        parameters: {
          peers: PEERS,
          downMs: DOWN_MS,
          retryMs: RETRY_MS,
          burst: connections,
          maxInbound: MAX_INBOUND,
          openFileLimit: limit ?? null,
        },
        reconnect: Object.fromEntries([...rec].map(([k, rs]) => [k, rs])),
        burst: Object.fromEntries([...bur].map(([k, rs]) => [k, rs])),
      },
    };
  },
};
