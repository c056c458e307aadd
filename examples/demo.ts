/**
 * `npm start`: a small Bitcoin-protocol network on loopback, kept connected through churn.
 *
 * Twelve nodes on 127.0.0.2 … 127.0.0.13 (ports from the OS) each keep 8 outbound peers. Every few
 * seconds one node is killed and restarted on the same address; the last node misbehaves (it
 * sends a frame for the wrong network after each handshake) and gets banned by the others. A live
 * table shows each node's outbound, inbound, pending, retries and bans. Node n1 is never killed
 * and serves Core's JSON-RPC on 127.0.0.1 (cookie auth): the curl line printed at start calls it
 * while the demo runs. Stops by itself.
 *
 *   npm start -- --duration 30 --nodes 12
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNode, type Node } from '../lib/node/index.js';
import { RpcServer, bindNode } from '../lib/rpc/index.js';
import { sendWrongMagic } from './sendWrongMagic.js';
import type { SocketAddress } from '../lib/net/SocketAddress.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    nodes: { type: 'string', default: '12' },
    'kill-every': { type: 'string', default: '4' },
  },
});
const durationMs = Math.max(1, Number(values.duration)) * 1_000;
const count = Math.min(250, Math.max(2, Number(values.nodes)));
const killEveryMs = Math.max(1, Number(values['kill-every'])) * 1_000;
const misbehaving = count - 1;
const tty = process.stdout.isTTY === true;

interface Slot {
  host: string;
  address: SocketAddress | undefined;
  node: Node | undefined;
  restarts: number;
}
const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
  host: `127.0.0.${i + 2}`,
  address: undefined,
  node: undefined,
  restarts: 0,
}));

async function launch(i: number): Promise<void> {
  const slot = slots[i]!;
  const others = slots.filter((s, j) => j !== i && s.address).map((s) => s.address!.toString());
  const node = createNode({
    name: `n${i + 1}`,
    host: slot.host,
    port: slot.address?.port ?? 0,
    seeds: others,
    targetOutbound: 8,
    retryDuration: 1_000,
    maxRetryDuration: 8_000,
    dialTimeout: 2_000,
    handshakeTimeout: 3_000,
    pingInterval: 5_000,
    idleTimeout: 20_000,
    ...(i === misbehaving ? { onPeerUp: sendWrongMagic() } : {}),
  });
  slot.node = node;
  slot.address = await node.start();
}

function seedEveryone(): void {
  for (const [i, slot] of slots.entries()) {
    const addrs = slots.filter((_, j) => j !== i && slots[j]!.address).map((s) => ({ addr: s.address! }));
    if (slot.node && slot.address) slot.node.book.add(addrs, slot.address);
  }
}

function table(elapsed: number): string[] {
  const lines = [`rx-connmgr demo — ${count} nodes on loopback, ${(elapsed / 1000).toFixed(1)} s / ${durationMs / 1000} s`];
  lines.push('node  address               out  in  pend  retries  bans  restarts');
  for (const [i, slot] of slots.entries()) {
    const s = slot.node?.stats();
    const name = `n${i + 1}${i === misbehaving ? '!' : ''}`.padEnd(5);
    const addr = (slot.address?.toString() ?? '-').padEnd(21);
    const cells = s
      ? [s.outbound, s.inbound, s.pending, s.retries, s.bans].map((v, k) => String(v).padStart([3, 3, 5, 8, 5][k]!)).join(' ')
      : '   (down)'.padEnd(28);
    lines.push(`${name} ${addr} ${cells}  ${String(slot.restarts).padStart(8)}`);
  }
  return lines;
}

let drawn = 0;
function draw(elapsed: number): void {
  const lines = table(elapsed);
  if (tty) {
    if (drawn) process.stdout.write(`\x1b[${drawn}A`);
    process.stdout.write(lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    drawn = lines.length;
  } else {
    console.log(lines.join('\n'));
  }
}

const started = Date.now();
for (let i = 0; i < count; i++) await launch(i);
seedEveryone();

// n1 (never killed) serves the operator's JSON-RPC; the cookie is a fresh password per start.
const cookieDir = await mkdtemp(join(tmpdir(), 'rx-connmgr-demo-'));
const cookieFile = join(cookieDir, '.cookie');
const rpc = new RpcServer({ node: bindNode(slots[0]!.node!), auth: { cookieFile } });
const { port: rpcPort } = await rpc.start();
console.log(`JSON-RPC of n1 on 127.0.0.1:${rpcPort}, while the demo runs:`);
console.log(
  `  curl -s --user "$(cat ${cookieFile})" --data-binary '{"jsonrpc":"2.0","id":1,"method":"getpeerinfo"}' http://127.0.0.1:${rpcPort}/`,
);

let kills = 0;
const restartTimers = new Set<NodeJS.Timeout>();
const killTimer = setInterval(() => {
  // Kill a random healthy node that is up, restart it 2 s later on the same address.
  const up = slots.map((s, i) => ({ s, i })).filter(({ s, i }) => s.node && i !== misbehaving && i !== 0);
  const pick = up[Math.floor(Math.random() * up.length)];
  if (!pick) return;
  kills++;
  const node = pick.s.node!;
  pick.s.node = undefined;
  void node.stop().then(() => {
    if (stopping) return;
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      pick.s.restarts++;
      void launch(pick.i); // its new book starts from the seeds; the others still know its address
    }, 2_000);
    restartTimers.add(timer);
  });
}, killEveryMs);

const drawTimer = setInterval(() => draw(Date.now() - started), tty ? 500 : 5_000);
let stopping = false;
await new Promise((resolve) => setTimeout(resolve, durationMs));
stopping = true;
clearInterval(killTimer);
clearInterval(drawTimer);
for (const timer of restartTimers) clearTimeout(timer);
draw(Date.now() - started);

// Closing summary, measured before the shutdown.
const healthy = slots.filter((s, i) => s.node && i !== misbehaving);
const full = healthy.filter((s) => s.node!.stats().outbound >= 8).length;
const bannedBy = slots.filter((s, i) => i !== misbehaving && s.node?.banList.isBanned(slots[misbehaving]!.host)).length;
await rpc.stop();
await rm(cookieDir, { recursive: true, force: true });
await Promise.all(slots.flatMap((s) => (s.node === undefined ? [] : [s.node.stop()])));
// Sockets release their handles on the next turns of the event loop.
for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
const leftovers = process.getActiveResourcesInfo().filter((r) => /TCP|Timeout/.test(r));
if (leftovers.length > 0) console.log('left:', leftovers.join(', '));
console.log(
  `summary: ${count} nodes, ${kills} kills/restarts; ${full}/${healthy.length} healthy nodes up held 8 outbound at the end; ` +
    `misbehaving n${misbehaving + 1} (${slots[misbehaving]!.host}) banned by ${bannedBy} nodes; ` +
    `after stop: ${leftovers.length} sockets/timers left`,
);
process.exitCode = 0;
