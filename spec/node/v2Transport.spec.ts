import { expect } from 'chai';
import type { Socket } from 'node:net';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { V1WrongNetworkError, V2GarbageTooLongError, V2HandshakeTimeoutError, V2HangupError } from '../../lib/protocol/bip324/errors.js';
import { NODE_P2P_V2 } from '../../lib/protocol/bip324/services.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { bookWith } from './bookWith.js';
import { v1OnlyListener } from './v1OnlyListener.js';
import { versionMessage } from './versionMessage.js';
import { FAST, virtualNodes, type VirtualNodeOptions } from './virtualNodes.js';

const regtest = bitcoinProtocol({ magic: NETWORKS.regtest.magic });

/**
 * BIP324 in the node, on the in-memory transport in virtual time: v2 between two v2 nodes, v1
 * between a v2 node and a v1-only one in both directions, the v1 fallback on the same attempt
 * (never after a timeout), our services, and the inbound defences running before any key work.
 */
describe('Node with the v2 transport (BIP324), in virtual time', () => {
  const h = virtualNodes();
  // Backoffs long enough to tell "waits on its backoff" from "redialed at once"; the node's default cap.
  const slowRetry = { retryDuration: 5_000, maxRetryDuration: 300_000 } as const;
  const start = (options: VirtualNodeOptions) => h.start({ ...slowRetry, ...options });
  const of = h.of;
  /** A raw client socket from `from`, and every byte it receives. */
  const raw = (target: string, from: string): { socket: () => Socket; received: Buffer[] } => {
    let socket: Socket | undefined;
    const received: Buffer[] = [];
    h.net
      .transport()
      .dial(SocketAddress.parse(target), { timeout: Infinity, localAddress: from, scheduler: h.time.scheduler })
      .subscribe((s) => {
        socket = s;
        s.on('data', (chunk: Buffer) => received.push(chunk));
      });
    return { socket: () => socket!, received };
  };
  const listen = async (host: string) => {
    const listener = await v1OnlyListener(h.net.transport(), host, h.time.scheduler);
    h.release(() => listener.stop());
    return listener;
  };

  it('two v2 nodes speak v2: the dialer tries v2 because the book says NODE_P2P_V2; both sides show one session id', async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { node: a } = await start({
      host: '127.0.0.2',
      listen: false,
      targetOutbound: 1,
      addressBook: bookWith(target, NODE_P2P_V2 | 1n),
    });
    await h.time.until(() => a.peers().length === 1 && b.peers().length === 1, 2_000, 'both peers up');
    const [out, inb] = [a.peers()[0]!, b.peers()[0]!];
    expect(out).to.include({ direction: 'outbound', transport: 'v2' });
    expect(inb).to.include({ direction: 'inbound', transport: 'v2' });
    expect(out.sessionId).to.match(/^[0-9a-f]{64}$/);
    expect(inb.sessionId).to.equal(out.sessionId);
    expect(of(a, 'v2Fallback')).to.deep.equal([]);
  });

  it('a v2 node dials a peer the book does not mark NODE_P2P_V2 with v1 directly (no v2 attempt, no fallback)', async () => {
    const v1 = await listen('127.0.0.3');
    const { node: a } = await start({
      host: '127.0.0.2',
      listen: false,
      targetOutbound: 1,
      addressBook: bookWith(v1.address.toString(), 1n),
    });
    await h.time.until(() => a.peers().length === 1, 2_000, 'peer up');
    expect(a.peers()[0]).to.include({ transport: 'v1', sessionId: '' });
    expect(v1.accepted).to.equal(1);
    expect(v1.hungUp).to.equal(0);
    expect(of(a, 'v2Fallback')).to.deep.equal([]);
  });

  it('falls back once to v1 within the same attempt when a v1-only peer hangs up on the v2 key', async () => {
    const v1 = await listen('127.0.0.3');
    // Stale book facts: the entry says NODE_P2P_V2, the peer speaks v1 only.
    const { node: a } = await start({
      host: '127.0.0.2',
      listen: false,
      targetOutbound: 1,
      addressBook: bookWith(v1.address.toString(), NODE_P2P_V2),
    });
    await h.time.until(() => a.peers().length === 1, 2_000, 'peer up after the fallback');
    expect(a.peers()[0]).to.include({ transport: 'v1', sessionId: '' });
    expect(v1.hungUp, 'the v2 attempt').to.equal(1);
    expect(v1.accepted, 'the v2 attempt, then its v1 redial').to.equal(2);
    const fallbacks = of(a, 'v2Fallback');
    expect(fallbacks).to.have.length(1);
    expect(fallbacks[0]!.reason).to.be.instanceOf(V2HangupError);
    expect(a.stats().retries, 'no retry on the backoff: the same attempt').to.equal(0);
    expect(of(a, 'misbehaving'), 'a fallback costs the peer nothing').to.deep.equal([]);
  });

  it('dials manual peers v2 first with v2ManualPeers, and falls back the same way', async () => {
    const v1 = await listen('127.0.0.3');
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [v1.address.toString()], v2ManualPeers: true });
    await h.time.until(() => a.peers().length === 1, 2_000, 'peer up');
    expect(a.peers()[0]).to.include({ transport: 'v1', permanent: true });
    expect(of(a, 'v2Fallback')).to.have.length(1);
    expect(v1.accepted).to.equal(2);
  });

  it('never falls back after a v2 handshake timeout: the attempt fails and waits on its backoff', async () => {
    // A listener that accepts and never says a word; what each connection sent first is kept.
    const firstBytes: Buffer[] = [];
    const held: Socket[] = [];
    const subscription = h.net
      .transport()
      .listen({ host: '127.0.0.3', port: 8333, onListening: () => {} })
      .subscribe((s) => {
        held.push(s);
        s.once('data', (chunk: Buffer) => firstBytes.push(chunk));
      });
    // A permanent request, so that a retry would be the same request (on its 5 s backoff).
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: ['127.0.0.3:8333'], v2ManualPeers: true });
    const failures: unknown[] = [];
    a.manager.events$.subscribe((e) => {
      if (e.type === 'failed') failures.push(e.error);
    });
    await h.time.advance(FAST.handshakeTimeout + 500); // past the v2 timeout, well before the retry
    expect(held, 'one connection: no v1 redial').to.have.length(1);
    expect(firstBytes[0]!.readUInt32LE(0), 'a v2 key, not a v1 header').to.not.equal(NETWORKS.regtest.magic);
    expect(of(a, 'v2Fallback')).to.deep.equal([]);
    expect(failures).to.have.length(1);
    expect(failures[0]).to.be.instanceOf(V2HandshakeTimeoutError);
    subscription.unsubscribe();
    for (const s of held) s.destroy();
  });

  it('a v1-only node (v2Transport: false) and a v2 node connect both ways, over v1', async () => {
    const { node: old, target: oldTarget } = await start({ host: '127.0.0.3', targetOutbound: 0, v2Transport: false });
    const { node: v2, target: v2Target } = await start({ host: '127.0.0.2', targetOutbound: 1, addressBook: bookWith(oldTarget, 1n) });
    await h.time.until(() => v2.peers().length === 1 && old.peers().length === 1, 2_000, 'v2 → v1-only');
    // The other way: the v1-only node dials the v2 node, whose inbound side detects v1.
    old.manager.connect(SocketAddress.parse(v2Target));
    await h.time.until(() => v2.peers().length === 2 && old.peers().length === 2, 2_000, 'v1-only → v2');
    for (const p of [...v2.peers(), ...old.peers()]) expect(p).to.include({ transport: 'v1', sessionId: '' });
    expect(
      v2
        .peers()
        .map((p) => p.direction)
        .sort(),
    ).to.deep.equal(['inbound', 'outbound']);
    expect(of(v2, 'v2Fallback')).to.deep.equal([]);
  });

  it('announces NODE_P2P_V2 in its version when v2 is on, and not when it is off; inbound v1 is detected', async () => {
    const services = async (v2Transport: boolean, host: string): Promise<bigint> => {
      const { target } = await start({ host, targetOutbound: 0, v2Transport });
      const client = raw(target, '127.0.0.9');
      await h.time.advance(10);
      client.socket().write(regtest.encode(versionMessage(5n, '/raw/')));
      await h.time.until(() => client.received.length > 0, 1_000, 'the node answers in v1');
      const decoder = regtest.createDecoder();
      const messages: BitcoinMessage[] = client.received.flatMap((chunk) => decoder.push(chunk));
      const version = messages.find((m) => m.command === 'version');
      client.socket().destroy();
      return version && 'services' in version ? version.services : -1n;
    };
    expect((await services(true, '127.0.0.3')) & NODE_P2P_V2).to.equal(NODE_P2P_V2);
    expect((await services(false, '127.0.0.4')) & NODE_P2P_V2).to.equal(0n);
  });

  it('refuses a banned host before its v2 key is read: no bytes come back', async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    b.banList.ban('127.0.0.9', 'test');
    const client = raw(target, '127.0.0.9');
    await h.time.advance(10);
    if (!client.socket().destroyed) client.socket().write(new Uint8Array(64).fill(7));
    await h.time.advance(100);
    expect(client.received, 'no key, no garbage: nothing was computed for it').to.deep.equal([]);
    expect(of(b, 'refused').map((e) => e.reason)).to.deep.equal(['banned']);
  });

  it('caps v2 handshakes in flight with maxPendingHandshakes: the next initiator is refused before any key work', async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0, maxPendingHandshakes: 1 });
    const first = raw(target, '127.0.0.8');
    await h.time.advance(10);
    first.socket().write(new Uint8Array(64).fill(3)); // a v2 key, then silence: a handshake in flight
    await h.time.until(() => first.received.length > 0, 500, 'the first initiator gets our key');
    const second = raw(target, '127.0.0.9');
    await h.time.advance(10);
    if (!second.socket().destroyed) second.socket().write(new Uint8Array(64).fill(4));
    await h.time.advance(100);
    expect(second.received).to.deep.equal([]);
    expect(of(b, 'refused').map((e) => e.reason)).to.deep.equal(['pendingHandshakes']);
    first.socket().destroy();
  });

  it('charges v2 transport faults at their documented scores: no garbage terminator (10), a v1 version of another network (100)', async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0, acceptRate: 1e6 });
    const noTerminator = raw(target, '127.0.0.8');
    await h.time.advance(10);
    noTerminator.socket().write(new Uint8Array(64 + 4095 + 16).fill(9));
    const wrongNetwork = raw(target, '127.0.0.9');
    await h.time.advance(10);
    const mainnetVersion = bitcoinProtocol({ magic: NETWORKS.mainnet.magic }).encode(versionMessage(6n, '/mainnet/'));
    wrongNetwork.socket().write(mainnetVersion);
    await h.time.until(() => of(b, 'misbehaving').length === 2, 1_000, 'both charged');
    const charges = new Map(of(b, 'misbehaving').map((e) => [e.remote.split(':')[0], e]));
    expect(charges.get('127.0.0.8')!.error).to.be.instanceOf(V2GarbageTooLongError);
    expect(charges.get('127.0.0.8')!.cost).to.equal(10);
    expect(charges.get('127.0.0.9')!.error).to.be.instanceOf(V1WrongNetworkError);
    expect(charges.get('127.0.0.9')!.cost).to.equal(100);
    expect(b.peers()).to.deep.equal([]);
  });
});
