import type { SocketAddress } from '../net/SocketAddress.js';

/** The failure of an outbound dial to a banned host (no packet is sent). */
export class BannedPeerError extends Error {
  override readonly name = 'BannedPeerError';
  constructor(readonly addr: SocketAddress) {
    super(`${addr.toString()} is banned: not dialed`);
  }
}
