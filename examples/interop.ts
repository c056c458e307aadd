/**
 * `npm run interop`: one rx-connmgr node among real Bitcoin nodes — bcoin full nodes on regtest,
 * in memory, on loopback (ports from the OS).
 *
 * Our node keeps every bcoin node as a permanent peer (connect mode) and one more bcoin node dials us
 * (`--only=<our address>`). Every few seconds a bcoin node is killed (SIGKILL) and restarted a
 * few seconds later on the same ports: our node redials it on its backoff and reconnects. A live
 * table shows each bcoin node as we see it and as it sees us (its RPC `getpeerinfo`). Stops by
 * itself, kills every process it started, and exits 0.
 *
 *   npm run interop -- --duration 30 --bcoin 4 --kill-every 5 --down-for 3
 */
import { parseArgs } from 'node:util';
import { createNode, type NodeOptions } from '../lib/node/index.js';
import { VERSION } from '../lib/version.js';
import { BcoinProcess, bcoinInstalled, disposeAll, freePort, type BcoinPeerInfo } from '../spec/interop/bcoin.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    bcoin: { type: 'string', default: '4' },
    'kill-every': { type: 'string', default: '5' },
    'down-for': { type: 'string', default: '3' },
  },
});
const durationMs = Math.max(1, Number(values.duration)) * 1_000;
const count = Math.min(8, Math.max(1, Number(values.bcoin)));
const killEveryMs = Math.max(1, Number(values['kill-every'])) * 1_000;
const downForMs = Math.max(0, Number(values['down-for'])) * 1_000;
const tty = process.stdout.isTTY === true;

const installed = bcoinInstalled();
if (!installed.ok) {
  console.error(`interop: ${installed.reason}`);
  process.exit(1);
}

interface Row {
  readonly b: BcoinProcess;
  readonly role: 'we dial' | 'dials us';
  restarts: number;
  seen: BcoinPeerInfo | undefined;
}

const started = Date.now();
const ourAgent = `/rx-connmgr:${VERSION}/`;
const rows: Row[] = [];
const dialed: BcoinProcess[] = [];
let dialer: BcoinProcess | undefined;
const port = await freePort();
const starts = await Promise.allSettled(Array.from({ length: count }, (_, i) => BcoinProcess.start({ name: `bcoin${i + 1}` })));
for (const s of starts) if (s.status === 'fulfilled') dialed.push(s.value);
const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
if (failed) {
  console.error(`interop: bcoin did not start: ${(failed.reason as Error).message}`);
  await disposeAll(dialed);
  process.exit(1);
}

// NODE_NETWORK, so that the dialing bcoin node keeps us (it drops outbound peers without it).
// Passed loosely typed: a createNode without a `services` option ignores it (and that bcoin
// node then drops us after each handshake: the table shows it).
const options: NodeOptions & { services?: bigint } = {
  name: 'rx',
  network: 'regtest',
  port,
  connectPeers: dialed.map((b) => b.p2p), // permanent peers, redialed on their backoff
  retryDuration: 500,
  maxRetryDuration: 2_000,
  minUptime: 2_000,
  dialTimeout: 2_000,
  handshakeTimeout: 5_000,
  pingInterval: 5_000,
  idleTimeout: 30_000,
  services: 1n,
};
const node = createNode(options);
const upBefore = new Set<string>();
let reconnects = 0;
let inboundUps = 0;
node.events$.subscribe((e) => {
  if (e.type !== 'peerUp') return;
  if (e.peer.direction === 'inbound') inboundUps++;
  else if (upBefore.has(e.peer.key)) reconnects++;
  upBefore.add(e.peer.key);
});
const ours = (await node.start())!;
try {
  dialer = await BcoinProcess.start({ name: `bcoin${count + 1}`, only: [ours.toString()] });
} catch (error) {
  console.error(`interop: bcoin did not start: ${(error as Error).message}`);
  await node.stop();
  await disposeAll(dialed);
  process.exit(1);
}
for (const b of dialed) rows.push({ b, role: 'we dial', restarts: 0, seen: undefined });
rows.push({ b: dialer, role: 'dials us', restarts: 0, seen: undefined });

async function poll(): Promise<void> {
  await Promise.all(
    rows.map(async (row) => {
      if (!row.b.running) return void (row.seen = undefined);
      try {
        const peers = await row.b.getPeerInfo();
        row.seen = peers.find((p) => p.subver === ourAgent);
      } catch {
        row.seen = undefined;
      }
    }),
  );
}

function table(): string[] {
  const s = node.stats();
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    `rx-connmgr ${VERSION} at ${ours.toString()} among ${rows.length} bcoin ${installed.ok ? installed.version : ''} nodes (regtest, loopback) — ${elapsed} s / ${durationMs / 1000} s`,
    `our node: out ${s.outbound}  in ${s.inbound}  pending ${s.pending}  retries ${s.retries}  bans ${s.bans}  reconnects ${reconnects}  inbound handshakes ${inboundUps}`,
    'bcoin    p2p address      role      process  restarts  our peer   bcoin getpeerinfo (us)',
  ];
  const peers = node.peers();
  for (const row of rows) {
    const ourPeer =
      row.role === 'we dial'
        ? peers.find((p) => p.remote.toString() === row.b.p2p)
        : peers.find((p) => p.direction === 'inbound' && p.userAgent.startsWith('/bcoin'));
    const ourView = ourPeer ? ourPeer.key : row.role === 'we dial' ? 'retrying' : 'waiting';
    const drops = row.role === 'dials us' ? row.b.logLines(/Peer does not support network services/).length : 0;
    const theirs = row.seen
      ? `${row.seen.inbound ? 'in ' : 'out'} ${row.seen.subver} height=${row.seen.startingheight} services=${Number.parseInt(row.seen.services, 16)} ban=${row.seen.banscore}`
      : !row.b.running
        ? '(down)'
        : drops > 0
          ? `drops us: "Peer does not support network services" ×${drops}`
          : '-';
    lines.push(
      `${row.b.name.padEnd(8)} ${row.b.p2p.padEnd(16)} ${row.role.padEnd(9)} ${(row.b.running ? 'up' : 'killed').padEnd(8)} ${String(row.restarts).padStart(8)}  ${ourView.padEnd(10)} ${theirs}`,
    );
  }
  return lines;
}

let drawn = 0;
function draw(): void {
  const lines = table();
  if (tty) {
    if (drawn) process.stdout.write(`\x1b[${drawn}A`);
    // Cut to the terminal's width: a wrapped line would break the redraw.
    const width = Math.max(20, (process.stdout.columns ?? 200) - 1);
    process.stdout.write(lines.map((l) => `\x1b[2K${l.slice(0, width)}`).join('\n') + '\n');
    drawn = lines.length;
  } else {
    console.log(lines.join('\n'));
  }
}

let stopping = false;
let kills = 0;
const restartTimers = new Set<NodeJS.Timeout>();
const restarts = new Set<Promise<void>>();
const killTimer = setInterval(() => {
  const up = rows.filter((r) => r.b.running);
  const pick = up[Math.floor(Math.random() * up.length)];
  // No kill in the last stretch: the closing table shows every node back.
  if (!pick || stopping || Date.now() - started > durationMs - downForMs - 4_000) return;
  kills++;
  void pick.b.kill().then(() => {
    if (stopping) return;
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      if (stopping) return;
      pick.restarts++;
      const restart = pick.b.restart().catch((e: unknown) => {
        if (!stopping) console.error(`${pick.b.name} did not restart: ${(e as Error).message}`);
      });
      restarts.add(restart);
      void restart.then(() => restarts.delete(restart));
    }, downForMs);
    restartTimers.add(timer);
  });
}, killEveryMs);

let polling = Promise.resolve();
const drawTimer = setInterval(
  () => {
    polling = polling.then(poll).then(draw);
  },
  tty ? 500 : 5_000,
);

await new Promise((resolve) => setTimeout(resolve, durationMs));
stopping = true;
clearInterval(killTimer);
clearInterval(drawTimer);
for (const timer of restartTimers) clearTimeout(timer);
await polling;
// Restarts still in flight finish before the final picture (each waits for its bcoin to listen).
await Promise.all(restarts);
await poll();
draw();

// Closing summary, measured before the shutdown.
const s = node.stats();
const dialedUp = rows.filter((r) => r.role === 'we dial' && node.peers().some((p) => p.remote.toString() === r.b.p2p)).length;
const seeUs = rows.filter((r) => r.seen).length;
const down = rows.filter((r) => !r.b.running).length;
await node.stop();
await disposeAll(rows.map((r) => r.b));
for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
const leftovers = process.getActiveResourcesInfo().filter((r) => /TCP|Timeout|Process/.test(r));
const running = rows.filter((r) => r.b.running).length;
console.log(
  `summary: ${rows.length} bcoin nodes, ${kills} kills/restarts, ${reconnects} reconnects; at the end (${down} bcoin down) we held ${dialedUp}/${count} dialed peers ` +
    `(out ${s.outbound}, in ${s.inbound}, retries ${s.retries}, inbound handshakes ${inboundUps}); ${seeUs}/${rows.length} bcoin nodes listed us in getpeerinfo; ` +
    `after stop: ${running} bcoin processes, ${leftovers.length} sockets/timers/processes left`,
);
process.exitCode = 0;
