import { expect } from 'chai';
import type { Socket } from 'node:net';
import type { Observable } from 'rxjs';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { Peer, type PeerCloseInfo } from '../../lib/peer/Peer.js';
import { SendBufferOverflowError } from '../../lib/peer/errors.js';
import { ProtocolError } from '../../lib/protocol/WireProtocol.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { BadMagicError } from '../../lib/protocol/bitcoin/errors.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { InvalidOptionError } from '../../lib/transport/errors.js';
import { failureOf, settleTcpHandles, tcpHandles, turn } from '../transport/loopback.js';
import { closeAll, closeEvent, socketPair } from './socketPair.js';
import { FrameTooLongError, textProtocol } from './textProtocol.js';

const regtest = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
const EVENTS = ['data', 'end', 'error', 'close', 'readable'] as const;

function listenerCounts(socket: Socket): Record<string, number> {
  return Object.fromEntries(EVENTS.map((event) => [event, socket.listenerCount(event)]));
}

function next<T>(observable: Observable<T>, count: number): Promise<T[]> {
  return firstValueFrom(observable.pipe(take(count), toArray()));
}

describe('Peer', () => {
  let baseline: number;
  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    closeAll();
    await settleTcpHandles(baseline);
  });

  describe('framing', () => {
    it('round-trips Bitcoin messages both ways over a real socket', async () => {
      const { client, server } = await socketPair();
      const a = new Peer(client, regtest);
      const b = new Peer(server, regtest);
      const toB: BitcoinMessage[] = [
        { command: 'ping', nonce: 0xfedcba9876543210n },
        { command: 'getaddr' },
        { command: 'feefilter', payload: Uint8Array.of(0xe8, 3, 0, 0, 0, 0, 0, 0) },
      ];
      const toA: BitcoinMessage[] = [
        { command: 'pong', nonce: 0xfedcba9876543210n },
        { command: 'addr', addresses: [{ timestamp: 1_700_000_000, services: 1n, ip: new Uint8Array(16), port: 8333 }] },
      ];
      const atB = next(b.messages$, toB.length);
      const atA = next(a.messages$, toA.length);
      for (const message of toB) expect(a.send(message)).to.equal(true);
      for (const message of toA) expect(b.send(message)).to.equal(true);
      expect(await atB).to.deep.equal(toB);
      expect(await atA).to.deep.equal(toA);
      a.close();
      b.close();
    });

    it('speaks any WireProtocol: a length-prefixed text protocol, split across writes', async () => {
      const { client, server } = await socketPair();
      const peer = new Peer(client, textProtocol());
      const received = next(peer.messages$, 3);
      const bytes = Buffer.concat(['héllo', '', 'wörld'].map((text) => textProtocol().encode(text)));
      // Byte by byte with a turn in between, so the decoder really sees partial frames.
      for (const byte of bytes.subarray(0, 7)) {
        server.write(Uint8Array.of(byte));
        await turn();
      }
      server.write(bytes.subarray(7));
      expect(await received).to.deep.equal(['héllo', '', 'wörld']);

      const echoed = new Promise<string>((resolve) => server.once('data', (chunk: Buffer) => resolve(chunk.toString('hex'))));
      peer.send('ok');
      expect(await echoed).to.equal('000000026f6b');
      peer.close();
    });

    it('counts bytes and messages both ways and stamps connectedAt with the scheduler clock', async () => {
      const scheduler = new VirtualTimeScheduler();
      scheduler.schedule(() => {}, 1234);
      scheduler.flush();
      const { client, server } = await socketPair();
      const peer = new Peer(client, textProtocol(), { scheduler });
      const remote = new Peer(server, textProtocol());
      const got = next(peer.messages$, 2);
      remote.send('abc');
      remote.send('de');
      await got;
      peer.send('xyz');
      expect(peer.stats()).to.deep.equal({ bytesIn: 4 + 3 + 4 + 2, bytesOut: 4 + 3, messagesIn: 2, messagesOut: 1, connectedAt: 1234 });
      peer.close();
      remote.close();
    });
  });

  describe('closing', () => {
    it('a bad frame from the remote errors messages$ with the ProtocolError, destroys the socket and emits closed$', async () => {
      const { client, server } = await socketPair();
      const before = listenerCounts(client);
      const clientGone = closeEvent(client);
      const serverGone = closeEvent(server);
      const peer = new Peer(client, regtest);
      const failure = failureOf(lastValueFrom(peer.messages$));
      const closed = firstValueFrom(peer.closed$);
      // A whole mainnet frame header where a regtest one is expected.
      server.write(bitcoinProtocol().encode({ command: 'verack' }));

      const error = await failure;
      expect(error).to.be.instanceOf(BadMagicError).and.instanceOf(ProtocolError);
      expect((error as ProtocolError).banScore).to.equal(100);
      expect(await closed).to.deep.equal({ by: 'local', error });
      expect(peer.closed).to.equal(true);
      expect(client.destroyed).to.equal(true);
      await clientGone;
      expect(listenerCounts(client)).to.deep.equal(before);
      // The remote sees the connection go.
      await serverGone;
    });

    it('the remote closing cleanly completes messages$ and emits closed$ by remote, without error', async () => {
      const { client, server } = await socketPair();
      const peer = new Peer(client, textProtocol());
      const all = lastValueFrom(peer.messages$.pipe(toArray()));
      const closed = firstValueFrom(peer.closed$);
      server.end(textProtocol().encode('bye'));
      expect(await all).to.deep.equal(['bye']);
      const info: PeerCloseInfo = await closed;
      expect(info).to.deep.equal({ by: 'remote' });
      expect('error' in info).to.equal(false);
      expect(peer.closed).to.equal(true);
    });

    it('a connection reset by the remote closes the peer by remote with the socket error, without crashing', async () => {
      const { client, server } = await socketPair();
      const peer = new Peer(client, textProtocol());
      const completed = lastValueFrom(peer.messages$, { defaultValue: 'completed' });
      const closed = firstValueFrom(peer.closed$);
      server.resetAndDestroy();
      expect(await completed).to.equal('completed');
      const info = await closed;
      expect(info.by).to.equal('remote');
      expect(info.error).to.be.instanceOf(Error);
      expect((info.error as NodeJS.ErrnoException).code).to.equal('ECONNRESET');
    });

    it('close() is local and idempotent; send after close returns false and writes nothing', async () => {
      const { client } = await socketPair();
      const peer = new Peer(client, textProtocol());
      const reason = new Error('banned');
      const seen: PeerCloseInfo[] = [];
      peer.closed$.subscribe((info) => seen.push(info));
      let completed = false;
      peer.messages$.subscribe({ complete: () => (completed = true) });

      peer.close(reason);
      peer.close(new Error('second'));
      expect(seen).to.deep.equal([{ by: 'local', error: reason }]);
      expect(completed).to.equal(true);
      expect(peer.closed).to.equal(true);
      expect(peer.send('late')).to.equal(false);
      expect(peer.stats().bytesOut).to.equal(0);
      expect(peer.stats().messagesOut).to.equal(0);
      // Late subscribers see the outcome replayed.
      expect(await firstValueFrom(peer.closed$)).to.deep.equal({ by: 'local', error: reason });
      expect(await lastValueFrom(peer.messages$, { defaultValue: 'none' })).to.equal('none');
    });

    it('a subscriber closing the peer stops delivery of the rest of the chunk', async () => {
      const { client, server } = await socketPair();
      const peer = new Peer(client, textProtocol());
      const seen: string[] = [];
      peer.messages$.subscribe((message) => {
        seen.push(message);
        if (message === 'stop') peer.close();
      });
      server.write(Buffer.concat(['a', 'stop', 'b'].map((text) => textProtocol().encode(text))));
      await firstValueFrom(peer.closed$);
      expect(seen).to.deep.equal(['a', 'stop']);
      expect(peer.stats().messagesIn).to.equal(2);
    });

    it('leaves no listener on the socket after a local close, a remote close or a decode error', async () => {
      for (const ending of ['local', 'remote', 'decode'] as const) {
        const { client, server } = await socketPair();
        const before = listenerCounts(client);
        const gone = closeEvent(client);
        const peer = new Peer(client, textProtocol(8));
        expect(listenerCounts(client)).to.not.deep.equal(before);
        peer.messages$.subscribe({ error: () => {} });
        if (ending === 'local') peer.close();
        else if (ending === 'remote') server.end();
        else server.write(textProtocol().encode('far too long'));
        const info = await firstValueFrom(peer.closed$);
        if (ending === 'decode') expect(info.error).to.be.instanceOf(FrameTooLongError);
        await gone;
        expect(listenerCounts(client), ending).to.deep.equal(before);
      }
    });

    it('a socket already destroyed when handed over closes the peer at once', async () => {
      const { client } = await socketPair();
      const gone = closeEvent(client);
      client.destroy();
      const peer = new Peer(client, textProtocol());
      expect(peer.closed).to.equal(true);
      expect(peer.send('x')).to.equal(false);
      expect((await firstValueFrom(peer.closed$)).by).to.equal('remote');
      await gone;
      expect(client.listenerCount('data')).to.equal(0);
      expect(client.listenerCount('error')).to.equal(0);
    });
  });

  describe('maxSendBuffer', () => {
    it('closes the peer with SendBufferOverflowError when the remote stops reading, and never queues past the limit', async () => {
      const { client, server } = await socketPair();
      server.pause();
      const maxSendBuffer = 1024 * 1024;
      const peer = new Peer(client, textProtocol(1 << 20), { maxSendBuffer });
      const closed = firstValueFrom(peer.closed$);
      const chunk = 'x'.repeat(256 * 1024);
      let sent = 0;
      // Bounded: loopback kernel buffers hold a few MiB at most, while this cap is 50 MiB.
      while (sent < 200 && peer.send(chunk)) {
        sent += 1;
        expect(client.writableLength).to.be.at.most(maxSendBuffer);
      }
      expect(peer.closed, `still open after ${sent} sends`).to.equal(true);
      const info = await closed;
      expect(info.by).to.equal('local');
      expect(info.error).to.be.instanceOf(SendBufferOverflowError);
      const error = info.error as SendBufferOverflowError;
      expect(error.maxSendBuffer).to.equal(maxSendBuffer);
      expect(error.queued).to.be.above(maxSendBuffer);
      expect(error.message).to.contain(String(maxSendBuffer));
      expect(peer.stats().messagesOut).to.equal(sent);
    });

    it('rejects a negative or NaN maxSendBuffer', async () => {
      const { client } = await socketPair();
      expect(() => new Peer(client, textProtocol(), { maxSendBuffer: -1 })).to.throw(InvalidOptionError, 'maxSendBuffer');
      expect(() => new Peer(client, textProtocol(), { maxSendBuffer: Number.NaN })).to.throw(InvalidOptionError);
      expect(client.listenerCount('data')).to.equal(0);
    });
  });

  it('knows both endpoints', async () => {
    const { client, server } = await socketPair();
    const peer = new Peer(client, textProtocol());
    expect(peer.remote?.toString()).to.equal(`127.0.0.1:${server.localPort}`);
    expect(peer.local?.toString()).to.equal(`127.0.0.1:${client.localPort}`);
    peer.close();
  });
});
