import { expect } from 'chai';
import type { Socket } from 'node:net';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { Peer } from '../../../lib/peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../../../lib/peer/bitcoin/bitcoinHandshake.js';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { BadMagicError } from '../../../lib/protocol/bitcoin/errors.js';
import { isRawMessage, type BitcoinMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { tcpDial } from '../../../lib/transport/tcpDial.js';
import { dialWithV1Fallback } from '../../../lib/protocol/bip324/dialWithV1Fallback.js';
import { V2HandshakeTimeoutError, V2HangupError, isV1Fallback } from '../../../lib/protocol/bip324/errors.js';
import { negotiateTransport, type NegotiatedTransport } from '../../../lib/protocol/bip324/negotiateTransport.js';
import { closeAll, socketPair } from '../../peer/socketPair.js';
import { startServer, type TestServer } from '../../transport/loopback.js';

const MAGIC = NETWORKS.regtest.magic;

/** The version handshake of two rx peers, as the node runs it; resolves with both results. */
function versionHandshake(outbound: Peer<BitcoinMessage>, inbound: Peer<BitcoinMessage>): Promise<HandshakeResult[]> {
  const options = (direction: 'inbound' | 'outbound', nonce: bigint) => ({ direction, nonce, isOwnNonce: () => false });
  return Promise.all([
    firstValueFrom(bitcoinHandshake(outbound, options('outbound', 1n))),
    firstValueFrom(bitcoinHandshake(inbound, options('inbound', 2n))),
  ]);
}

/** Sends `count` pings from `from` and resolves with the pongs `to` answers with, as seen by `from`. */
async function pingPong(from: Peer<BitcoinMessage>, to: Peer<BitcoinMessage>, count: number): Promise<bigint[]> {
  to.messages$.subscribe((message) => {
    if (!isRawMessage(message) && message.command === 'ping') to.send({ command: 'pong', nonce: message.nonce });
  });
  const pongs = lastValueFrom(from.messages$.pipe(take(count), toArray()));
  for (let i = 0; i < count; i += 1) from.send({ command: 'ping', nonce: BigInt(i) });
  return (await pongs).map((message) => (!isRawMessage(message) && message.command === 'pong' ? message.nonce : -1n));
}

describe('protocol/bip324 on loopback sockets', () => {
  const peers: Peer<unknown>[] = [];
  const servers: TestServer[] = [];
  afterEach(() => {
    for (const peer of peers.splice(0)) peer.close();
    for (const server of servers.splice(0)) server.close();
    closeAll();
  });
  const track = <M>(peer: Peer<M>): Peer<M> => {
    peers.push(peer as Peer<unknown>);
    return peer;
  };

  it('two rx peers negotiate v2, agree on the session id, run the version handshake and 300 pings over it', async () => {
    const { client, server } = await socketPair();
    const [outbound, inbound] = await Promise.all([
      firstValueFrom(negotiateTransport(client, { initiating: true, magic: MAGIC, decoys: [10] })),
      firstValueFrom(negotiateTransport(server, { initiating: false, magic: MAGIC })),
    ]);
    expect(outbound.transport).to.equal('v2');
    expect(inbound.transport).to.equal('v2');
    const id = (t: NegotiatedTransport): string => (t.transport === 'v2' ? t.protocol.sessionId : '');
    expect(id(outbound))
      .to.match(/^[0-9a-f]{64}$/)
      .and.to.equal(id(inbound));
    const a = track(new Peer(client, outbound.protocol));
    const b = track(new Peer(server, inbound.protocol));
    const [seenByOutbound, seenByInbound] = await versionHandshake(a, b);
    expect(seenByOutbound?.version.nonce).to.equal(2n);
    expect(seenByInbound?.version.nonce).to.equal(1n);
    // 300 each way crosses a rekeying of all four ciphers (every 224 messages).
    const pongs = await pingPong(a, b, 300);
    expect(pongs).to.deep.equal(Array.from({ length: 300 }, (_, i) => BigInt(i)));
    expect(a.stats().bytesOut).to.be.above(0);
  });

  it('an inbound v2 listener detects a v1 initiator and speaks v1 with it, first bytes included', async () => {
    const { client, server } = await socketPair();
    const v1 = track(new Peer(client, bitcoinProtocol({ magic: MAGIC })));
    // The v1 initiator speaks first: its version message is what the detector reads.
    const outboundDone = firstValueFrom(bitcoinHandshake(v1, { direction: 'outbound', nonce: 1n, isOwnNonce: () => false }));
    const detected = await firstValueFrom(negotiateTransport(server, { initiating: false, magic: MAGIC }));
    expect(detected.transport).to.equal('v1');
    const inbound = track(new Peer(server, detected.protocol));
    const [seenByInbound, seenByOutbound] = await Promise.all([
      firstValueFrom(bitcoinHandshake(inbound, { direction: 'inbound', nonce: 2n, isOwnNonce: () => false })),
      outboundDone,
    ]);
    expect(seenByInbound.version.nonce).to.equal(1n);
    expect(seenByOutbound.version.nonce).to.equal(2n);
  });

  it('falls back to v1 against a v1-only rx peer: v2 attempt hung up on, one v1 redial, handshake done', async () => {
    const server = await startServer();
    servers.push(server);
    const closes: unknown[] = [];
    let v1Inbound: Peer<BitcoinMessage> | undefined;
    // The v1-only node: every accepted socket gets a plain v1 Peer, as in a node without BIP324.
    const accept = async (): Promise<void> => {
      for (let i = 0; i < 2; i += 1) {
        const socket = await server.nextSocket();
        const peer = track(new Peer(socket, bitcoinProtocol({ magic: MAGIC })));
        peer.closed$.subscribe(({ error }) => closes.push(error));
        if (i === 1) v1Inbound = peer;
      }
    };
    const accepting = accept();
    let dials = 0;
    const connection = await firstValueFrom(
      dialWithV1Fallback(
        () => {
          dials += 1;
          return tcpDial(server.address, { timeout: 5_000 });
        },
        { magic: MAGIC },
      ),
    );
    await accepting;
    expect(dials).to.equal(2);
    expect(connection.fellBack).to.equal(true);
    expect(connection.transport).to.equal('v1');
    // The v1 node refused our 64-byte key as a frame with a bad magic.
    expect(closes[0]).to.be.instanceOf(BadMagicError);
    const outbound = track(new Peer(connection.socket, connection.protocol));
    const [seen] = await versionHandshake(outbound, v1Inbound as Peer<BitcoinMessage>);
    expect(seen?.version.nonce).to.equal(2n);
  });

  it('reports a hang-up before the handshake completes as V2HangupError, a fallback', async () => {
    const { client, server } = await socketPair();
    const attempt = firstValueFrom(negotiateTransport(client, { initiating: true, magic: MAGIC }));
    server.destroy();
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(V2HangupError);
    expect(isV1Fallback(error)).to.equal(true);
    expect(client.destroyed).to.equal(true);
  });

  it('times out a silent responder with V2HandshakeTimeoutError (virtual time), not a fallback', async () => {
    const { client } = await socketPair();
    const scheduler = new VirtualTimeScheduler();
    let error: unknown;
    negotiateTransport(client, { initiating: true, magic: MAGIC, timeout: 1_000, scheduler }).subscribe({
      error: (e: unknown) => {
        error = e;
      },
    });
    scheduler.flush();
    expect(error).to.be.instanceOf(V2HandshakeTimeoutError);
    expect(isV1Fallback(error)).to.equal(false);
    expect(client.destroyed).to.equal(true);
  });

  it('releases the socket and every listener when unsubscribed mid-handshake', async () => {
    const { client } = await socketPair();
    const before = client.listenerCount('data');
    const subscription = negotiateTransport(client, { initiating: true, magic: MAGIC }).subscribe();
    expect(client.listenerCount('data')).to.equal(before + 1);
    subscription.unsubscribe();
    expect(client.listenerCount('data')).to.equal(before);
    expect(client.destroyed).to.equal(true);
  });

  it('hands the socket over paused with no listener of its own left', async () => {
    const { client, server } = await socketPair();
    const counts = (socket: Socket): number[] => ['data', 'end', 'close'].map((e) => socket.listenerCount(e));
    const before = counts(client);
    const [outbound] = await Promise.all([
      firstValueFrom(negotiateTransport(client, { initiating: true, magic: MAGIC })),
      firstValueFrom(negotiateTransport(server, { initiating: false, magic: MAGIC })),
    ]);
    expect(outbound.transport).to.equal('v2');
    expect(counts(client)).to.deep.equal(before);
    expect(client.isPaused()).to.equal(true);
  });
});
