import type { SocketAddress } from '../net/SocketAddress.js';

/** A dial refused because the node's networking is off (`setNetworkActive(false)`); carries the address. */
export class NetworkInactiveError extends Error {
  override readonly name = 'NetworkInactiveError';
  constructor(readonly addr: SocketAddress) {
    super(`not dialing ${addr.toString()}: networking is off (setNetworkActive(false))`);
  }
}
