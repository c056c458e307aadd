/**
 * A misbehaving peer for demos and tests: pass `onPeerUp: sendWrongMagic('regtest')` to a node and,
 * after each handshake, it sends its peer a frame for another network. The receiver's decoder
 * rejects it (bad magic: 100 ban points in rx-connmgr, 10 in bcoin).
 */
import type { Socket } from 'node:net';
import { encodeFrame } from '../lib/protocol/bitcoin/frame.js';
import { NETWORKS, type BitcoinNetworkName } from '../lib/protocol/bitcoin/networks.js';

/** The `onPeerUp` hook of a node on `network` that writes one wrong-magic `ping` frame to each new peer. */
export function sendWrongMagic(network: BitcoinNetworkName = 'regtest'): (peer: unknown, socket: Socket) => void {
  const ours = NETWORKS[network].magic;
  const wrongMagic = ours === NETWORKS.mainnet.magic ? NETWORKS.testnet3.magic : NETWORKS.mainnet.magic;
  return (_peer, socket) => {
    socket.write(encodeFrame(wrongMagic, 'ping', new Uint8Array(8)));
  };
}
