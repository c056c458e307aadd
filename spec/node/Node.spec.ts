import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import { createNode, type NodeEvent } from '../../lib/node/index.js';
import { sendWrongMagic } from '../../examples/sendWrongMagic.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { encodeFrame } from '../../lib/protocol/bitcoin/frame.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { AddressInUseError } from '../../lib/transport/errors.js';
import { versionMessage } from './versionMessage.js';
import { loopbackNodes } from './loopbackNodes.js';
// The virtual specs' fast timers (no feelers either: these specs end long before the first one).
import { FAST as fast } from './virtualNodes.js';

/** The first value of `source$` that passes `predicate` (bounded by mocha's timeout). */
function next<T>(source$: Observable<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return firstValueFrom(source$.pipe(filter(predicate)));
}

describe('Node (real sockets on loopback)', function () {
  this.timeout(10_000);
  const { make, release } = loopbackNodes(fast);

  it('handshakes in both directions: an outbound peer on one side, an inbound one on the other', async () => {
    const b = make({ host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = await b.start();
    const a = make({ host: '127.0.0.2', connectPeers: [bAddr!.toString()] });
    const aUp = next(a.events$, (e) => e.type === 'peerUp');
    const bUp = next(b.events$, (e) => e.type === 'peerUp');
    await a.start();
    const [ea, eb] = (await Promise.all([aUp, bUp])) as Extract<NodeEvent, { type: 'peerUp' }>[];
    expect(ea!.peer.direction).to.equal('outbound');
    expect(ea!.peer.remote.toString()).to.equal(bAddr!.toString());
    expect(eb!.peer.direction).to.equal('inbound');
    expect(eb!.peer.remote.host).to.equal('127.0.0.2');
    expect(ea!.peer.userAgent).to.match(/^\/rx-connmgr:\d+\.\d+\.\d+\/$/);
    expect(a.stats()).to.include({ outbound: 1, inbound: 0 });
    expect(b.stats()).to.include({ outbound: 0, inbound: 1 });
  });

  it('a killed permanent peer is redialed on its backoff and reconnected when it comes back', async () => {
    const b1 = make({ host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = (await b1.start())!;
    const a = make({ host: '127.0.0.2', connectPeers: [bAddr.toString()] });
    const up1 = next(a.events$, (e) => e.type === 'peerUp');
    await a.start();
    await up1;
    const down = next(a.events$, (e) => e.type === 'peerDown');
    const retried = next(a.manager.events$, (e) => e.type === 'failed' && e.willRetry);
    await b1.stop();
    await down;
    await retried; // at least one refused redial while b is away
    const b2 = make({ host: '127.0.0.3', port: bAddr.port, targetOutbound: 0 });
    const up2 = next(a.events$, (e) => e.type === 'peerUp');
    await b2.start();
    const again = (await up2) as Extract<NodeEvent, { type: 'peerUp' }>;
    expect(again.peer.key).to.equal('out#1'); // the same request, reconnected
    expect(a.manager.state.requests.get(1)!.stage).to.equal('established');
  });

  it("the seed's ban scenario: b bans a misbehaving a, refuses it before the handshake, a retries on its backoff", async () => {
    const b = make({ host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = (await b.start())!;
    const a = make({ host: '127.0.0.2', connectPeers: [bAddr.toString()], onPeerUp: sendWrongMagic() });
    const banned = next(b.bans$, (e) => e.type === 'banned');
    const refused = next(b.events$, (e) => e.type === 'refused');
    await a.start();
    const ban = await banned;
    expect(ban).to.include({ type: 'banned', host: '127.0.0.2' });
    const entry = b.banList.get('127.0.0.2')!;
    expect(entry.until - entry.since).to.equal(24 * 60 * 60 * 1000);
    expect(await refused).to.include({ reason: 'banned' });
    // a's handshake fails (b hangs up) and a keeps retrying its permanent peer with growing delays.
    await next(a.manager.events$, (e) => e.type === 'retryScheduled' && e.retryCount >= 2);
    expect(a.stats().outbound).to.equal(0);
    expect(b.stats().inbound).to.equal(0);
  });

  describe('garbage from a raw socket: disconnect plus ban score, never a crash', () => {
    const magic = NETWORKS.regtest.magic;
    const cases: [string, () => Uint8Array, boolean][] = [
      ['bad magic', () => encodeFrame(NETWORKS.mainnet.magic, 'version', new Uint8Array(10)), true],
      [
        'bad checksum',
        () => {
          const f = encodeFrame(magic, 'ping', new Uint8Array(8));
          f[20]! ^= 0xff;
          return f;
        },
        true,
      ],
      [
        'oversize length',
        () => {
          const f = encodeFrame(magic, 'ping', new Uint8Array(8));
          new DataView(f.buffer).setUint32(16, 50_000_000, true);
          return f;
        },
        true,
      ],
      ['a message before version', () => bitcoinProtocol({ magic }).encode({ command: 'ping', nonce: 1n }), true],
      ['random bytes', () => Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff), true],
      ['a truncated frame, then hang up', () => encodeFrame(magic, 'ping', new Uint8Array(8)).subarray(0, 13), false],
    ];
    for (const [name, bytes, scored] of cases) {
      it(name, async () => {
        // The v1 framing's defences: a v2 node takes non-v1 first bytes as a BIP324 key (see v2Transport.spec.ts).
        const b = make({ host: '127.0.0.3', targetOutbound: 0, v2Transport: false });
        const bAddr = (await b.start())!;
        const client = connect({ host: bAddr.host, port: bAddr.port, localAddress: '127.0.0.9' });
        release(() => client.destroy());
        client.on('error', () => {});
        await new Promise((r) => client.once('connect', r));
        const closed = new Promise((r) => client.once('close', r));
        client.write(bytes());
        if (!scored) client.end();
        await closed;
        const score = b.banList.scoreOf('127.0.0.9');
        if (scored) expect(score).to.be.greaterThan(0);
        else expect(score).to.equal(0);
        expect(b.stats().inbound).to.equal(0);
      });
    }
  });

  it('a socket reset in the middle of the handshake ends that peer only: no crash, slot freed, nothing charged', async () => {
    const b = make({ host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = (await b.start())!;
    const client = connect({ host: bAddr.host, port: bAddr.port, localAddress: '127.0.0.8' });
    release(() => client.destroy());
    client.on('error', () => {});
    await new Promise((r) => client.once('connect', r));
    const failed = next(b.events$, (e) => e.type === 'handshakeFailed');
    const version = bitcoinProtocol({ magic: NETWORKS.regtest.magic }).encode(versionMessage(9n, '/half/'));
    client.write(version.subarray(0, 40)); // half a version: the handshake is under way
    await new Promise((r) => setImmediate(r));
    client.resetAndDestroy();
    const event = (await failed) as Extract<NodeEvent, { type: 'handshakeFailed' }>;
    expect(event.direction).to.equal('inbound');
    expect(b.banList.scoreOf('127.0.0.8')).to.equal(0);
    await next(b.manager.state$, (s) => s.inbound.size === 0);
    expect(b.stats().inbound).to.equal(0);
  });

  it('a listener on a taken port fails start() with AddressInUseError naming the address', async () => {
    const a = make({ host: '127.0.0.2' });
    const addr = (await a.start())!;
    const b = make({ host: '127.0.0.2', port: addr.port });
    const error = await b.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(AddressInUseError);
    expect(String((error as Error).message)).to.include(`127.0.0.2:${addr.port}`);
  });

  it('fills its outbound slots from seeds, one peer per group (each loopback address:port its own group)', async () => {
    const servers = [];
    for (let i = 0; i < 4; i++) {
      const n = make({ host: `127.0.0.${10 + i}`, targetOutbound: 0 });
      servers.push((await n.start())!.toString());
    }
    const a = make({ host: '127.0.0.2', targetOutbound: 3, seeds: servers });
    let ups = 0;
    const three = next(a.events$, (e) => e.type === 'peerUp' && ++ups === 3);
    await a.start();
    await three;
    const remotes = a.peers().map((p) => p.remote.toString());
    expect(new Set(remotes).size).to.equal(3);
    expect(a.stats().outbound).to.equal(3);
  });
});

describe('Node bans on disk and on outbound', function () {
  this.timeout(10_000);
  it('never dials a banned host, even a permanent peer, and keeps bans across restarts in its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-bans-'));
    const file = join(dir, 'bans.json');
    const b = createNode({ ...fast, host: '127.0.0.3', targetOutbound: 0 });
    const bAddr = (await b.start())!;
    let accepted = 0;
    b.manager.accepted$.subscribe(() => accepted++);
    try {
      const a1 = createNode({ ...fast, host: '127.0.0.2', targetOutbound: 0, listen: false, bans: { file } });
      await a1.start();
      a1.banList.ban('127.0.0.3', 'test');
      await a1.stop();
      const a2 = createNode({ ...fast, host: '127.0.0.2', listen: false, connectPeers: [bAddr.toString()], bans: { file } });
      const failed = next(a2.manager.events$, (e) => e.type === 'failed');
      await a2.start();
      const event = await failed;
      expect(String((event as { error: unknown }).error)).to.include('banned');
      expect(a2.banList.isBanned('127.0.0.3')).to.equal(true);
      await a2.stop();
      expect(accepted).to.equal(0);
    } finally {
      await b.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
