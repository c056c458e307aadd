import type { SocketAddress } from '../net/SocketAddress.js';

/**
 * The network family of an address, as the node's manager tracks reachability (`networkOf`):
 * `'ipv4'` or `'ipv6'`. Failures while a family is offline count neither toward the throttle nor
 * against the address in the book (Core's `count_failures`).
 *
 * @example
 * networkFamily(SocketAddress.parse('[::1]:8333')); // 'ipv6'
 */
export function networkFamily(addr: SocketAddress): 'ipv4' | 'ipv6' {
  return addr.family === 4 ? 'ipv4' : 'ipv6';
}
