/**
 * Peers scripted by a test: a raw socket (any bytes), or a handshaken Bitcoin peer built from the
 * library's own `Peer` and `bitcoinHandshake` whose every later message the test chooses.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { Peer } from '../../lib/peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../../lib/peer/bitcoin/bitcoinHandshake.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';

/** A TCP connection to `host:port`, from `localAddress` when given (127.0.0.x looks like another host). */
export function rawConnect(host: string, port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // a reset after the test is done with it
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with every byte the socket received once the remote has closed it. */
export function whenClosed(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(Buffer.concat(chunks));
    else socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** A scripted peer after a completed outbound version handshake. */
export interface ScriptedPeer {
  readonly socket: Socket;
  readonly peer: Peer<BitcoinMessage>;
  readonly handshake: HandshakeResult;
}

/**
 * Dials `host:port` and runs our handshake as the outbound side (regtest magic), with the
 * `version` fields given.
 */
export async function handshakenPeer(
  host: string,
  port: number,
  options: { localAddress?: string; userAgent?: string; services?: bigint; startHeight?: number } = {},
): Promise<ScriptedPeer> {
  const socket = await rawConnect(host, port, options.localAddress);
  const peer = new Peer(socket, bitcoinProtocol({ magic: NETWORKS.regtest.magic }));
  const nonce = randomBytes(8).readBigUInt64LE();
  const handshake = await firstValueFrom(
    bitcoinHandshake(peer, {
      direction: 'outbound',
      nonce,
      isOwnNonce: (n) => n === nonce,
      userAgent: options.userAgent ?? '/interop-script:0.0.1/',
      services: options.services ?? 0n,
      startHeight: options.startHeight ?? 0,
      timeout: 10_000,
    }),
  );
  return { socket, peer, handshake };
}
