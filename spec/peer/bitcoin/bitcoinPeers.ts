/**
 * Bitcoin peers over real loopback sockets for the handshake and keep-alive specs: ours, and a
 * scripted remote whose every received message is recorded.
 */
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { Peer } from '../../../lib/peer/Peer.js';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { versionMessage } from '../../../lib/protocol/bitcoin/messages.js';
import type { BitcoinMessage, VersionInit, VersionMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { socketPair } from '../socketPair.js';

/** The protocol both ends speak. */
export const regtest = bitcoinProtocol({ magic: NETWORKS.regtest.magic });

/** Our peer, and a remote that records what it receives and can write raw bytes. */
export interface Scripted {
  /** The peer under test (the dialling end). */
  readonly peer: Peer<BitcoinMessage>;
  /** The other end, as a peer (its `send` writes one frame per call). */
  readonly remote: Peer<BitcoinMessage>;
  /** Everything `remote` received so far. */
  readonly received: BitcoinMessage[];
  /** Resolves with the first `count` messages `remote` receives from now on. */
  readonly nextAtRemote: (count: number) => Promise<BitcoinMessage[]>;
  /** Writes the messages in one socket write, so our peer gets them in one chunk. */
  readonly writeTogether: (...messages: BitcoinMessage[]) => void;
}

/** A connected pair: `peer` (ours) and a scripted `remote`. */
export async function scripted(): Promise<Scripted> {
  const { client, server } = await socketPair();
  const peer = new Peer(client, regtest);
  const remote = new Peer(server, regtest);
  const received: BitcoinMessage[] = [];
  remote.messages$.subscribe({ next: (message) => received.push(message), error: () => {} });
  return {
    peer,
    remote,
    received,
    nextAtRemote: (count) => firstN(remote.messages$, count),
    writeTogether: (...messages) => {
      server.write(Buffer.concat(messages.map((message) => regtest.encode(message))));
    },
  };
}

/** The first `count` values of a hot stream, from now on. */
export function firstN<T>(source: Observable<T>, count: number): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray()));
}

/** The next message of `peer` with this command. */
export function nextCommand(peer: Peer<BitcoinMessage>, command: string): Promise<BitcoinMessage> {
  return firstValueFrom(peer.messages$.pipe(filter((message) => message.command === command)));
}

/** A remote's `version`, with test defaults. */
export function theirVersion(init: Partial<VersionInit> = {}): VersionMessage {
  return versionMessage({
    nonce: 0x1111n,
    timestamp: 1_700_000_000,
    addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 },
    userAgent: '/Satoshi:27.0.0/',
    startHeight: 840_000,
    services: 0x409n,
    ...init,
  });
}
