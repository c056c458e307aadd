import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import type { SocketAddress } from '../../lib/net/SocketAddress.js';
import { Peer } from '../../lib/peer/Peer.js';
import { bitcoinHandshake } from '../../lib/peer/bitcoin/bitcoinHandshake.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import type { Transport } from '../../lib/transport/Transport.js';

/** A {@link v1OnlyListener} at work. */
export interface V1OnlyListener {
  /** Where it listens. */
  readonly address: SocketAddress;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections hung up on because their first bytes were not a v1 frame of our network. */
  readonly hungUp: number;
  /** Peers that completed the version handshake. */
  readonly peers: readonly Peer<BitcoinMessage>[];
  /** Closes every socket and the listener. */
  stop(): void;
}

/**
 * A v1-only node as Bitcoin Core before BIP324 behaves (regtest): a first chunk that does not
 * start with our magic ends the connection, with no ban ("wrong MessageStart"); otherwise it
 * shakes hands as the inbound side and stays up. Works on any `Transport` (TCP or in memory): it
 * reads the first chunk, then puts it back with `pause`/`unshift` for the `Peer`.
 */
export function v1OnlyListener(transport: Transport, host: string, scheduler: SchedulerLike): Promise<V1OnlyListener> {
  const magic = NETWORKS.regtest.magic;
  const protocol = bitcoinProtocol({ magic });
  const sockets = new Set<Socket>();
  const peers: Peer<BitcoinMessage>[] = [];
  let accepted = 0;
  let hungUp = 0;
  return new Promise((resolve) => {
    const subscription = transport
      .listen({
        host,
        port: 0,
        onListening: (address) =>
          resolve({
            address,
            get accepted() {
              return accepted;
            },
            get hungUp() {
              return hungUp;
            },
            peers,
            stop: () => {
              subscription.unsubscribe();
              for (const peer of peers) peer.close();
              for (const socket of sockets) socket.destroy();
            },
          }),
      })
      .subscribe((socket) => {
        accepted++;
        sockets.add(socket);
        socket.on('error', () => {});
        socket.once('data', (chunk: Buffer) => {
          if (chunk.length < 4 || chunk.readUInt32LE(0) !== magic) {
            hungUp++;
            socket.destroy();
            return;
          }
          socket.pause();
          socket.unshift(chunk);
          const peer = new Peer(socket, protocol, { scheduler });
          bitcoinHandshake(peer, { direction: 'inbound', nonce: 7n, isOwnNonce: () => false, timeout: Infinity, scheduler }).subscribe({
            next: () => peers.push(peer),
            error: () => peer.close(),
          });
        });
      });
  });
}
