import type { Socket } from 'node:net';
import type { SocketAddress } from '../../lib/net/SocketAddress.js';
import { rawBitcoinPeer, type RawBitcoinPeer } from './rawBitcoinPeer.js';
import type { VirtualNodes } from './virtualNodes.js';

/** A listener of hand-driven peers on the in-memory network (see {@link rawListener}). */
export interface RawListener {
  /** Where it listens. */
  readonly address: SocketAddress;
  /** The peers the node dialed to it, once handshaken (none with `handshake: false`). */
  readonly peers: RawBitcoinPeer[];
  /** Every socket it accepted, handshaken or not. */
  readonly sockets: Socket[];
}

/**
 * Listens on `host` (port 0) for a node spec: each accepted socket shakes hands as a
 * {@link rawBitcoinPeer} (inbound side), or with `handshake: false` says nothing at all (a
 * handshake to it hangs). Its listener and sockets are released through `h.release`.
 */
export async function rawListener(
  h: Pick<VirtualNodes, 'net' | 'time' | 'release'>,
  host: string,
  options: { readonly handshake?: boolean } = {},
): Promise<RawListener> {
  let address: SocketAddress | undefined;
  const peers: RawBitcoinPeer[] = [];
  const sockets: Socket[] = [];
  const sub = h.net
    .transport()
    .listen({ host, port: 0, onListening: (a) => (address = a) })
    .subscribe((socket) => {
      sockets.push(socket);
      h.release(() => socket.destroy());
      if (options.handshake === false) return;
      void rawBitcoinPeer(socket, { direction: 'inbound', scheduler: h.time.scheduler }).then((r) => peers.push(r));
    });
  h.release(() => sub.unsubscribe());
  await h.time.until(() => address !== undefined, 1_000, 'listening');
  return { address: address!, peers, sockets };
}
