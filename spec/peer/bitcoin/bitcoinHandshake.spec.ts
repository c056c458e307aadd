import { expect } from 'chai';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import { Peer } from '../../../lib/peer/Peer.js';
import { bitcoinHandshake } from '../../../lib/peer/bitcoin/bitcoinHandshake.js';
import type { HandshakeOptions, HandshakeResult } from '../../../lib/peer/bitcoin/bitcoinHandshake.js';
import {
  HandshakeTimeoutError,
  ObsoleteVersionError,
  PeerClosedError,
  SelfConnectionError,
  UnexpectedMessageError,
} from '../../../lib/peer/errors.js';
import { ProtocolError } from '../../../lib/protocol/WireProtocol.js';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { BadMagicError } from '../../../lib/protocol/bitcoin/errors.js';
import type { BitcoinMessage, VersionMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { InvalidOptionError } from '../../../lib/transport/errors.js';
import { VERSION } from '../../../lib/version.js';
import { failureOf, settleTcpHandles, tcpHandles } from '../../transport/loopback.js';
import { closeAll, socketPair } from '../socketPair.js';
import { firstN, regtest, scripted, theirVersion } from './bitcoinPeers.js';

/** Subscribes now; the promise settles with the outcome. */
function run(handshake: Observable<HandshakeResult>): Promise<HandshakeResult> {
  return lastValueFrom(handshake);
}

/** Records the outcome synchronously, for virtual-time checks. */
function watch(handshake: Observable<HandshakeResult>): { result?: HandshakeResult; error?: unknown } {
  const outcome: { result?: HandshakeResult; error?: unknown } = {};
  handshake.subscribe({ next: (result) => (outcome.result = result), error: (error: unknown) => (outcome.error = error) });
  return outcome;
}

describe('bitcoinHandshake', () => {
  let baseline: number;
  let scheduler: VirtualTimeScheduler;
  const never = (): boolean => false;
  const options = (direction: 'inbound' | 'outbound', extra: Partial<HandshakeOptions> = {}): HandshakeOptions => ({
    direction,
    nonce: direction === 'outbound' ? 0xaaaan : 0xbbbbn,
    isOwnNonce: never,
    scheduler,
    now: () => 1_700_000_123_456,
    ...extra,
  });

  beforeEach(() => {
    baseline = tcpHandles();
    scheduler = new VirtualTimeScheduler();
  });
  afterEach(async () => {
    closeAll();
    await settleTcpHandles(baseline);
  });

  it('outbound and inbound between two real peers both succeed and see each other', async () => {
    const { client, server } = await socketPair();
    const outbound = new Peer(client, regtest);
    const inbound = new Peer(server, regtest);
    const seenByOutbound: string[] = [];
    const seenByInbound: string[] = [];
    outbound.messages$.subscribe((message) => seenByOutbound.push(message.command));
    inbound.messages$.subscribe((message) => seenByInbound.push(message.command));

    const [out, into] = await Promise.all([
      run(bitcoinHandshake(outbound, options('outbound', { userAgent: '/dialer:1.0/', startHeight: 7 }))),
      run(bitcoinHandshake(inbound, options('inbound', { protocolVersion: 70015 }))),
    ]);

    expect(out.userAgent).to.equal(`/rx-connmgr:${VERSION}/`);
    expect(into.userAgent).to.equal('/dialer:1.0/');
    expect(into.startHeight).to.equal(7);
    expect(out.startHeight).to.equal(0);
    expect(out.version.nonce).to.equal(0xbbbbn);
    expect(into.version.nonce).to.equal(0xaaaan);
    expect(out.protocolVersion).to.equal(70015);
    expect(into.protocolVersion).to.equal(70015);
    expect([out.sendAddrV2, out.wtxidRelay, into.sendAddrV2, into.wtxidRelay]).to.deep.equal([false, false, false, false]);
    expect(seenByOutbound).to.deep.equal(['version', 'verack']);
    expect(seenByInbound).to.deep.equal(['version', 'verack']);
    expect(outbound.closed || inbound.closed).to.equal(false);
    expect(scheduler.actions).to.have.length(0); // both timers cancelled
    outbound.close();
    inbound.close();
  });

  it('outbound sends a version describing us first, then verack only after their version', async () => {
    const { peer, remote, nextAtRemote } = await scripted();
    const first = nextAtRemote(1);
    const outcome = run(bitcoinHandshake(peer, options('outbound', { services: 0x400n, relay: true })));
    const [ours] = (await first) as [VersionMessage];
    expect(ours).to.deep.include({
      command: 'version',
      protocolVersion: 70016,
      services: 0x400n,
      timestamp: 1_700_000_123n,
      nonce: 0xaaaan,
      userAgent: `/rx-connmgr:${VERSION}/`,
      startHeight: 0,
      relay: true,
    });
    expect(ours.addrRecv.port).to.equal(peer.remote?.port);
    expect(Buffer.from(ours.addrRecv.ip)).to.deep.equal(Buffer.from(peer.remote!.toBytes16()));

    const verack = nextAtRemote(1);
    remote.send(theirVersion());
    expect((await verack).map((m) => m.command)).to.deep.equal(['verack']);
    remote.send({ command: 'verack' });
    const result = await outcome;
    expect(result.userAgent).to.equal('/Satoshi:27.0.0/');
    expect(result.startHeight).to.equal(840_000);
    expect(result.version.services).to.equal(0x409n);
  });

  it('by default announces no services and asks for no transaction relay', async () => {
    const { peer, nextAtRemote } = await scripted();
    const first = nextAtRemote(1);
    bitcoinHandshake(peer, options('outbound')).subscribe({ error: () => {} });
    const [ours] = (await first) as [VersionMessage];
    expect(ours.services).to.equal(0n);
    expect(ours.relay).to.equal(false);
  });

  it('inbound waits for their version, then answers version and verack without waiting', async () => {
    const { peer, remote, nextAtRemote } = await scripted();
    const outcome = run(bitcoinHandshake(peer, options('inbound')));
    const answer = nextAtRemote(2);
    remote.send(theirVersion());
    const [version, verack] = await answer;
    expect(version?.command).to.equal('version');
    expect((version as VersionMessage).nonce).to.equal(0xbbbbn);
    expect(verack).to.deep.equal({ command: 'verack' });
    remote.send({ command: 'verack' });
    expect((await outcome).userAgent).to.equal('/Satoshi:27.0.0/');
  });

  it('inbound sends nothing before the remote speaks', async () => {
    const { peer, nextAtRemote } = await scripted();
    const outcome = watch(bitcoinHandshake(peer, options('inbound')));
    // TCP keeps order: had the handshake written anything, it would reach the remote before this.
    const first = nextAtRemote(1);
    peer.send({ command: 'getaddr' });
    expect(await first).to.deep.equal([{ command: 'getaddr' }]);
    expect(outcome).to.deep.equal({});
  });

  it('tolerates sendaddrv2, wtxidrelay and unmodelled commands between version and verack, and records them', async () => {
    const { peer, writeTogether } = await scripted();
    const outcome = run(bitcoinHandshake(peer, options('outbound')));
    writeTogether(
      theirVersion(),
      { command: 'wtxidrelay' },
      { command: 'sendaddrv2' },
      { command: 'sendtxrcncl', payload: Uint8Array.of(1, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9) },
      { command: 'verack' },
    );
    const result = await outcome;
    expect(result.sendAddrV2).to.equal(true);
    expect(result.wtxidRelay).to.equal(true);
    expect(peer.closed).to.equal(false);
  });

  it('completes inside the delivery of verack, so a subscriber in next misses nothing of the same chunk', async () => {
    const { peer, writeTogether } = await scripted();
    const after = new Promise<BitcoinMessage[]>((resolve) => {
      bitcoinHandshake(peer, options('outbound')).subscribe({
        next: () => void firstN(peer.messages$, 2).then(resolve),
      });
    });
    writeTogether(theirVersion(), { command: 'verack' }, { command: 'sendheaders' }, { command: 'ping', nonce: 5n });
    expect(await after).to.deep.equal([{ command: 'sendheaders' }, { command: 'ping', nonce: 5n }]);
  });

  describe('failures', () => {
    it('self-connection: the side that gets its own nonce back fails with SelfConnectionError and sends nothing', async () => {
      const { client, server } = await socketPair();
      const outbound = new Peer(client, regtest);
      const inbound = new Peer(server, regtest);
      const ours = (nonce: bigint): boolean => nonce === 42n;
      const sentByInbound: string[] = [];
      outbound.messages$.subscribe({ next: (message) => sentByInbound.push(message.command) });

      const [outError, inError] = await Promise.all([
        failureOf(run(bitcoinHandshake(outbound, options('outbound', { nonce: 42n, isOwnNonce: ours })))),
        failureOf(run(bitcoinHandshake(inbound, options('inbound', { nonce: 42n, isOwnNonce: ours })))),
      ]);
      expect(inError).to.be.instanceOf(SelfConnectionError);
      expect((inError as SelfConnectionError).nonce).to.equal(42n);
      expect((inError as Error).message).to.contain('000000000000002a');
      expect(await firstValueFrom(inbound.closed$)).to.deep.equal({ by: 'local', error: inError });
      expect(outError).to.be.instanceOf(PeerClosedError);
      expect((outError as PeerClosedError).by).to.equal('remote');
      expect(sentByInbound).to.deep.equal([]);
    });

    it('no answer: HandshakeTimeoutError after 30 s of virtual time, and the peer is closed', async () => {
      const { peer } = await scripted();
      const outcome = watch(bitcoinHandshake(peer, options('outbound')));
      scheduler.maxFrames = 29_999;
      scheduler.flush();
      expect(outcome.error).to.equal(undefined);
      expect(peer.closed).to.equal(false);
      scheduler.maxFrames = Infinity;
      scheduler.flush();
      expect(scheduler.frame).to.equal(30_000);
      expect(outcome.error).to.be.instanceOf(HandshakeTimeoutError);
      expect(outcome.error).to.deep.include({ timeout: 30_000, waitingFor: 'version' });
      expect(peer.closed).to.equal(true);
      expect(await firstValueFrom(peer.closed$)).to.deep.equal({ by: 'local', error: outcome.error });
    });

    it('their version but no verack: the timeout names verack; a custom timeout is honoured', async () => {
      const { peer, remote, nextAtRemote } = await scripted();
      const verack = nextAtRemote(2);
      const outcome = watch(bitcoinHandshake(peer, options('outbound', { timeout: 5_000 })));
      remote.send(theirVersion());
      await verack;
      scheduler.flush();
      expect(scheduler.frame).to.equal(5_000);
      expect(outcome.error).to.deep.include({ name: 'HandshakeTimeoutError', timeout: 5_000, waitingFor: 'verack' });
      expect((outcome.error as Error).message).to.contain('5000');
    });

    it('a ping before version: UnexpectedMessageError (a ProtocolError, ban score 1), the peer is closed', async () => {
      const { peer, remote } = await scripted();
      const outcome = failureOf(run(bitcoinHandshake(peer, options('outbound'))));
      remote.send({ command: 'ping', nonce: 9n });
      const error = await outcome;
      expect(error).to.be.instanceOf(UnexpectedMessageError).and.instanceOf(ProtocolError);
      expect(error).to.deep.include({ command: 'ping', stage: 'before-version', banScore: 1 });
      expect((error as Error).message).to.contain('"ping"');
      expect(await firstValueFrom(peer.closed$)).to.deep.equal({ by: 'local', error });
      await firstValueFrom(remote.closed$);
    });

    it('an unmodelled command before version is unexpected too', async () => {
      const { peer, remote } = await scripted();
      const outcome = failureOf(run(bitcoinHandshake(peer, options('inbound'))));
      remote.send({ command: 'sendtxrcncl', payload: new Uint8Array(12) });
      expect(await outcome).to.deep.include({ command: 'sendtxrcncl', stage: 'before-version' });
    });

    it('a ping or a second version between version and verack: UnexpectedMessageError before-verack', async () => {
      for (const intruder of [{ command: 'ping', nonce: 3n } as const, theirVersion()]) {
        const { peer, writeTogether } = await scripted();
        const outcome = failureOf(run(bitcoinHandshake(peer, options('outbound'))));
        writeTogether(theirVersion(), intruder, { command: 'verack' });
        const error = await outcome;
        expect(error).to.be.instanceOf(UnexpectedMessageError);
        expect(error).to.deep.include({ command: intruder.command, stage: 'before-verack', banScore: 1 });
        expect(peer.closed).to.equal(true);
      }
    });

    it('a protocol version below minProtocolVersion: ObsoleteVersionError', async () => {
      const { peer, remote, received } = await scripted();
      const outcome = failureOf(run(bitcoinHandshake(peer, options('inbound'))));
      remote.send(theirVersion({ protocolVersion: 60002 }));
      const error = await outcome;
      expect(error).to.be.instanceOf(ObsoleteVersionError);
      expect(error).to.deep.include({ protocolVersion: 60002, minProtocolVersion: 70001 });
      await firstValueFrom(remote.closed$);
      expect(received).to.deep.equal([]); // the inbound side answered nothing

      const second = await scripted();
      const accepted = run(bitcoinHandshake(second.peer, options('inbound', { minProtocolVersion: 60002 })));
      second.remote.send(theirVersion({ protocolVersion: 60002 }));
      second.remote.send({ command: 'verack' });
      expect((await accepted).protocolVersion).to.equal(60002);
    });

    it('the remote hanging up: PeerClosedError by remote', async () => {
      const { peer, remote } = await scripted();
      // Inbound, so no unread bytes of ours make the remote's close a reset.
      const outcome = failureOf(run(bitcoinHandshake(peer, options('inbound'))));
      remote.close();
      const error = await outcome;
      expect(error).to.be.instanceOf(PeerClosedError);
      expect(error).to.deep.include({ by: 'remote' });
    });

    it('a bad frame: the ProtocolError itself, so its ban score can be charged', async () => {
      const { client, server } = await socketPair();
      const peer = new Peer(client, regtest);
      const outcome = failureOf(run(bitcoinHandshake(peer, options('inbound'))));
      server.write(bitcoinProtocol().encode(theirVersion())); // mainnet magic
      expect(await outcome).to.be.instanceOf(BadMagicError);
    });

    it('a peer already closed fails at once and sends nothing', async () => {
      const { peer } = await scripted();
      peer.close();
      const outcome = watch(bitcoinHandshake(peer, options('outbound')));
      expect(outcome.error).to.be.instanceOf(PeerClosedError);
      expect(outcome.error).to.deep.include({ by: 'local' });
      expect(peer.stats().messagesOut).to.equal(0);
      expect(scheduler.actions).to.have.length(0);
    });

    it('a throwing isOwnNonce fails the handshake instead of escaping', async () => {
      const { peer, remote } = await scripted();
      const boom = new Error('nonce store down');
      const outcome = failureOf(
        run(
          bitcoinHandshake(
            peer,
            options('inbound', {
              isOwnNonce: () => {
                throw boom;
              },
            }),
          ),
        ),
      );
      remote.send(theirVersion());
      expect(await outcome).to.equal(boom);
      expect(peer.closed).to.equal(true);
    });
  });

  it('unsubscribing early cancels the timer and leaves the peer open', async () => {
    const { peer } = await scripted();
    const subscription = bitcoinHandshake(peer, options('outbound')).subscribe({ error: () => {} });
    expect(scheduler.actions).to.have.length(1);
    subscription.unsubscribe();
    expect(scheduler.actions.every((action) => action.closed)).to.equal(true);
    scheduler.flush();
    expect(peer.closed).to.equal(false);
    peer.close();
  });

  it('rejects a negative timeout and an unknown direction at call time', async () => {
    const { peer } = await scripted();
    expect(() => bitcoinHandshake(peer, options('outbound', { timeout: -1 }))).to.throw(InvalidOptionError, 'timeout');
    expect(() => bitcoinHandshake(peer, { ...options('outbound'), direction: 'sideways' as 'inbound' })).to.throw(
      InvalidOptionError,
      'direction',
    );
    expect(peer.stats().messagesOut).to.equal(0);
  });
});
