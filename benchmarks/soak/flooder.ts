/**
 * The soak's flooder, in its own process on its own host (forked by `soak.ts`): from `start` to
 * `stop`, opens at most `ratePerSecond` connections a second (at most `concurrency` at once) to
 * random nodes and writes garbage on each — frames with another network's magic, random bytes,
 * and frames with our magic but a bad checksum, a bad command field or an oversize length — a few
 * writes per connection, each connection closed by the flooder after `lifetimeMs` if the node has
 * not hung up first. Counts how each connection ended.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { encodeFrame } from '../../lib/protocol/bitcoin/frame.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { isChannelOrStdio, prng, sendToParent, turnLoop, type FlooderConfig, type FlooderCounts, type ToChild } from './messages.js';

const config = JSON.parse(process.argv[2] ?? '{}') as FlooderConfig;
const random = prng(config.seed);
const targets = config.targets.map((t) => {
  const i = t.lastIndexOf(':');
  return { host: t.slice(0, i), port: Number(t.slice(i + 1)) };
});

process.on('disconnect', () => {
  if (!stopping) process.exit(3);
});
const deadline = setTimeout(() => process.exit(4), Math.max(0, config.deadline - Date.now()));

const counts: FlooderCounts = {
  attempts: 0,
  connected: 0,
  connectErrors: {},
  closedByPeer: 0,
  reset: 0,
  heldOpen: 0,
  skipped: 0,
  bytesSent: 0,
  kinds: {},
  closeP50Ms: NaN,
  closeP99Ms: NaN,
  closeMaxMs: NaN,
  visits: 0,
  visitsCompleted: 0,
  visitsFailed: 0,
};
const closeTimes: number[] = [];
const open = new Set<Socket>();
const REGTEST = NETWORKS.regtest.magic;
const WRONG_MAGICS = [NETWORKS.mainnet.magic, NETWORKS.testnet3.magic, NETWORKS.signet.magic];

const int = (n: number) => Math.floor(random() * n);

/** One write of garbage, and its kind. */
function garbage(): { kind: string; bytes: Uint8Array } {
  const r = random();
  if (r < 0.35) {
    // A well-formed frame for another network: BadMagicError, 100 points.
    const magic = WRONG_MAGICS[int(WRONG_MAGICS.length)]!;
    return { kind: 'badMagic', bytes: encodeFrame(magic, 'version', randomBytes(16 + int(100))) };
  }
  if (r < 0.7) return { kind: 'random', bytes: randomBytes(24 + int(1_000)) };
  const frame = encodeFrame(REGTEST, 'ping', randomBytes(8));
  if (r < 0.8) {
    frame[20] = frame[20]! ^ 0xff; // BadChecksumError, 10 points
    return { kind: 'badChecksum', bytes: frame };
  }
  if (r < 0.9) {
    frame[5] = 0x01; // 'p\x01ng': BadCommandError, 10 points
    return { kind: 'badCommand', bytes: frame };
  }
  new DataView(frame.buffer).setUint32(16, 0xffff_ffff, true); // OversizeMessageError, 100 points
  return { kind: 'oversize', bytes: frame.subarray(0, 24) };
}

function openOne(): void {
  if (open.size >= config.concurrency) {
    counts.skipped++;
    return;
  }
  const target = targets[int(targets.length)]!;
  counts.attempts++;
  const socket = connect({ host: target.host, port: target.port, localAddress: config.host });
  open.add(socket);
  let connectedAt = NaN;
  let writes = 0;
  let errorCode: string | undefined;
  let heldOpen = false;
  let writeTimer: NodeJS.Timeout | undefined;
  const lifetime = setTimeout(() => {
    heldOpen = true;
    socket.destroy();
  }, config.lifetimeMs);
  const write = () => {
    if (socket.destroyed || !socket.writable) return;
    const { kind, bytes } = garbage();
    counts.kinds[kind] = (counts.kinds[kind] ?? 0) + 1;
    counts.bytesSent += bytes.length;
    writes++;
    socket.write(bytes);
    if (writes < config.writesPerConn) writeTimer = setTimeout(write, config.writeEveryMs);
  };
  socket.on('connect', () => {
    connectedAt = performance.now();
    counts.connected++;
    write();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    errorCode = e.code ?? e.name;
  });
  socket.on('close', () => {
    clearTimeout(lifetime);
    clearTimeout(writeTimer);
    open.delete(socket);
    if (Number.isNaN(connectedAt)) {
      const code = errorCode ?? (stopping ? 'stopped' : 'unknown');
      counts.connectErrors[code] = (counts.connectErrors[code] ?? 0) + 1;
    } else if (heldOpen) {
      counts.heldOpen++;
    } else if (!stopping) {
      if (errorCode === 'ECONNRESET' || errorCode === 'EPIPE') counts.reset++;
      else counts.closedByPeer++;
      closeTimes.push(performance.now() - connectedAt);
    }
  });
}

// ─── honest visitors (issue #16) ───
// What an operator's node sees all day: peers that connect, shake hands, gossip a few addresses
// and leave. Each visit gossips the nodes' own addresses (nothing new to dial, nothing off
// loopback), which is what used to leave the node a timer per visitor for 10 s per address.
const protocol = bitcoinProtocol({ magic: REGTEST });
const NO_ADDR = { services: 0n, ip: new Uint8Array(16), port: 0 };
const visitBytes = (): Uint8Array => {
  const timestamp = Math.floor(Date.now() / 1_000);
  const frames = [
    protocol.encode({
      command: 'version',
      protocolVersion: 70016,
      services: 0n,
      timestamp: BigInt(timestamp),
      addrRecv: NO_ADDR,
      addrFrom: NO_ADDR,
      nonce: BigInt(int(2 ** 31)),
      userAgent: '/soak-visitor/',
      startHeight: 0,
      relay: false,
    }),
    protocol.encode({ command: 'verack' }),
    protocol.encode({
      command: 'addr',
      addresses: targets.map((t) => ({ timestamp, services: 1n, ip: SocketAddress.from(t.host, t.port).toBytes16(), port: t.port })),
    }),
    // Answered only once the node has read the addr before it: the visit's proof of service.
    protocol.encode({ command: 'ping', nonce: 1n }),
  ];
  return Buffer.concat(frames);
};
const visiting = new Set<Socket>();

function visitOne(): void {
  if (visiting.size >= config.concurrency) return;
  const target = targets[int(targets.length)]!;
  counts.visits++;
  const socket = connect({ host: target.host, port: target.port, localAddress: config.visitHost });
  visiting.add(socket);
  const decoder = protocol.createDecoder();
  let ponged = false;
  const lifetime = setTimeout(() => socket.destroy(), config.lifetimeMs);
  socket.on('error', () => {});
  socket.on('connect', () => socket.write(visitBytes()));
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const message of decoder.push(chunk)) {
        if (message.command === 'pong' && !ponged) {
          ponged = true;
          socket.end();
        }
      }
    } catch {
      socket.destroy(); // the node sent bytes we cannot read: a failed visit
    }
  });
  socket.on('close', () => {
    clearTimeout(lifetime);
    visiting.delete(socket);
    if (ponged) counts.visitsCompleted++;
    else if (!stopping) counts.visitsFailed++;
  });
}

function summarize(): FlooderCounts {
  const sorted = [...closeTimes].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { ...counts, closeP50Ms: at(50), closeP99Ms: at(99), closeMaxMs: sorted.at(-1) ?? NaN };
}

let stopping = false;
let ticker: NodeJS.Timeout | undefined;
let visitor: NodeJS.Timeout | undefined;
let reporter: NodeJS.Timeout | undefined;

function start(): void {
  if (reporter || stopping) return;
  if (config.ratePerSecond > 0) ticker = setInterval(openOne, 1_000 / config.ratePerSecond);
  if (config.visitRate > 0) visitor = setInterval(visitOne, 1_000 / config.visitRate);
  reporter = setInterval(() => sendToParent({ type: 'sample', t: Date.now(), counts: summarize(), open: open.size }), config.reportEveryMs);
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  clearInterval(visitor);
  clearInterval(reporter);
  clearTimeout(deadline);
  for (const socket of open) socket.destroy();
  for (const socket of visiting) socket.destroy();
  await turnLoop(20);
  const resources = process.getActiveResourcesInfo();
  const cpu = process.cpuUsage();
  sendToParent(
    {
      type: 'stopped',
      counts: summarize(),
      resources,
      leaked: resources.filter((r) => !isChannelOrStdio(r)),
      cpuMs: (cpu.user + cpu.system) / 1_000,
    },
    () => process.disconnect(),
  );
}

process.on('message', (message: ToChild) => {
  if (message.type === 'start') start();
  else if (message.type === 'stop') void stop();
});
sendToParent({ type: 'ready' });
