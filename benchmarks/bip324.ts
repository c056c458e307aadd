/**
 * BIP324 (v2) against v1: handshake CPU, and message throughput over loopback TCP.
 *
 * Run: `npx tsx benchmarks/bip324.ts`. Not a test and not part of `npm run bench`: it prints
 * figures for the README and the issue, bounded in count (fixed message counts) and in time (each
 * transfer gives up after 60 s).
 *
 * 1. Handshake CPU: complete v2 handshakes run in memory (both sides, no sockets), CPU time each.
 * 2. Handshake on loopback: wall time of `negotiateTransport` on both ends of a fresh connection.
 * 3. Throughput: `count` messages of one size sent by one `Peer` and decoded by another over
 *    127.0.0.1, for v1 and v2; messages/s and payload MB/s (wall time, send to last decode).
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { Peer } from '../lib/peer/Peer.js';
import { bitcoinProtocol } from '../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../lib/protocol/bitcoin/networks.js';
import type { WireProtocol } from '../lib/protocol/WireProtocol.js';
import { negotiateTransport } from '../lib/protocol/bip324/negotiateTransport.js';
import { V2Handshake } from '../lib/protocol/bip324/V2Handshake.js';

const MAGIC = NETWORKS.regtest.magic;
const random = (length: number): Uint8Array => new Uint8Array(randomBytes(length));
const TRANSFER_LIMIT_MS = 60_000;

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function handshakeInMemory(): void {
  const initiator = new V2Handshake({ initiating: true, magic: MAGIC, randomBytes: random });
  const responder = new V2Handshake({ initiating: false, magic: MAGIC, randomBytes: random });
  responder.start();
  const reply = responder.push(initiator.start());
  const answer = initiator.push(reply.send);
  const done = responder.push(answer.send);
  if (answer.outcome === undefined || done.outcome === undefined) throw new Error('handshake did not complete');
}

/** Both ends of a fresh loopback connection (the listener is closed at once). */
async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect(address.port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const serverSide = await accepted;
  server.close();
  return [client, serverSide];
}

async function negotiatedPair(): Promise<[Socket, Socket, WireProtocol<BitcoinMessage>, WireProtocol<BitcoinMessage>]> {
  const [client, server] = await socketPair();
  const [a, b] = await Promise.all([
    firstValueFrom(negotiateTransport(client, { initiating: true, magic: MAGIC })),
    firstValueFrom(negotiateTransport(server, { initiating: false, magic: MAGIC })),
  ]);
  return [client, server, a.protocol, b.protocol];
}

async function transfer(transport: 'v1' | 'v2', payloadSize: number, count: number): Promise<{ ms: number; wireBytes: number }> {
  let client: Socket;
  let server: Socket;
  let sendProtocol: WireProtocol<BitcoinMessage>;
  let receiveProtocol: WireProtocol<BitcoinMessage>;
  if (transport === 'v1') {
    [client, server] = await socketPair();
    sendProtocol = bitcoinProtocol({ magic: MAGIC });
    receiveProtocol = sendProtocol;
  } else {
    [client, server, sendProtocol, receiveProtocol] = await negotiatedPair();
  }
  const sender = new Peer(client, sendProtocol, { maxSendBuffer: Infinity });
  const receiver = new Peer(server, receiveProtocol);
  const message: BitcoinMessage = payloadSize === 8 ? { command: 'ping', nonce: 1n } : { command: 'tx', payload: random(payloadSize) };
  const start = process.hrtime.bigint();
  const received = new Promise<void>((resolve, reject) => {
    let seen = 0;
    const guard = setTimeout(() => reject(new Error(`${transport} transfer not done in ${TRANSFER_LIMIT_MS} ms`)), TRANSFER_LIMIT_MS);
    receiver.messages$.subscribe({
      next: () => {
        seen += 1;
        if (seen === count) {
          clearTimeout(guard);
          resolve();
        }
      },
      error: reject,
    });
  });
  for (let i = 0; i < count; i += 1) sender.send(message);
  await received;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const wireBytes = sender.stats().bytesOut;
  sender.close();
  receiver.close();
  return { ms, wireBytes };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.arch}`);
  handshakeInMemory(); // warm-up
  const handshakes = 200;
  const handshakeCpu = cpuMs(() => {
    for (let i = 0; i < handshakes; i += 1) handshakeInMemory();
  });
  console.log(`handshake CPU (both sides, in memory): ${(handshakeCpu / handshakes).toFixed(2)} ms per handshake over ${handshakes}`);

  const loopbackRuns = 50;
  const walls: number[] = [];
  for (let i = 0; i < loopbackRuns; i += 1) {
    const [client, server] = await socketPair();
    const start = process.hrtime.bigint();
    await Promise.all([
      firstValueFrom(negotiateTransport(client, { initiating: true, magic: MAGIC })),
      firstValueFrom(negotiateTransport(server, { initiating: false, magic: MAGIC })),
    ]);
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    client.destroy();
    server.destroy();
  }
  walls.sort((x, y) => x - y);
  console.log(
    `handshake on loopback (wall, both ends in this process): median ${(walls[loopbackRuns >> 1] as number).toFixed(2)} ms over ${loopbackRuns}`,
  );

  console.log('\nthroughput over 127.0.0.1, one direction, send to last decode:');
  console.log('payload  count   transport  ms       msg/s     payload MB/s  wire bytes/msg');
  for (const [size, count] of [
    [8, 20_000],
    [250, 20_000],
    [1_000, 10_000],
    [1_000_000, 40],
  ] as const) {
    for (const transport of ['v1', 'v2'] as const) {
      await transfer(transport, size, Math.min(count, 200)); // warm-up
      const { ms, wireBytes } = await transfer(transport, size, count);
      console.log(
        [
          String(size).padEnd(8),
          String(count).padEnd(7),
          transport.padEnd(10),
          ms.toFixed(0).padEnd(8),
          Math.round((count * 1000) / ms)
            .toString()
            .padEnd(9),
          ((size * count) / 1e6 / (ms / 1000)).toFixed(1).padEnd(13),
          (wireBytes / count).toFixed(1),
        ].join(' '),
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
