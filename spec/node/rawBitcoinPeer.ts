import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { Peer } from '../../lib/peer/Peer.js';
import { bitcoinHandshake, type HandshakeResult } from '../../lib/peer/bitcoin/bitcoinHandshake.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';

/** A hand-driven Bitcoin peer for node specs: it shakes hands, then records what it is sent. */
export interface RawBitcoinPeer {
  readonly peer: Peer<BitcoinMessage>;
  readonly handshake: HandshakeResult;
  /** Every message received after the handshake, in order. */
  readonly received: BitcoinMessage[];
}

/**
 * Shakes hands on `socket` as a regtest peer (`outbound` when we dialed the node), optionally
 * sending `sendaddrv2`, and records every later message.
 */
export async function rawBitcoinPeer(
  socket: Socket,
  options: { readonly direction: 'inbound' | 'outbound'; readonly scheduler: SchedulerLike; readonly sendAddrV2?: boolean },
): Promise<RawBitcoinPeer> {
  const peer = new Peer(socket, bitcoinProtocol({ magic: NETWORKS.regtest.magic }), { scheduler: options.scheduler });
  const received: BitcoinMessage[] = [];
  const nonce = randomBytes(8).readBigUInt64LE();
  const handshake = await new Promise<HandshakeResult>((resolve, reject) => {
    bitcoinHandshake(peer, {
      direction: options.direction,
      nonce,
      isOwnNonce: (n) => n === nonce,
      sendAddrV2: options.sendAddrV2 ?? false,
      scheduler: options.scheduler,
      timeout: Infinity,
    }).subscribe({
      next: (result) => {
        // Synchronously, inside the verack's delivery: nothing sent right after it is missed.
        peer.messages$.subscribe((m) => received.push(m));
        resolve(result);
      },
      error: reject,
    });
  });
  return { peer, handshake, received };
}
