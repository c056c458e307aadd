/**
 * Network addresses: {@link SocketAddress} (an IP literal and a port in
 * canonical form) and the classification used for outbound diversity
 * ({@link addressClass}, {@link netGroup}, {@link isRoutable}).
 *
 * @example
 * ```ts
 * import { SocketAddress, netGroup } from './net/index.js';
 * netGroup(SocketAddress.parse('8.8.4.4:8333')); // 'ipv4:8.8'
 * ```
 *
 * @packageDocumentation
 */
export { SocketAddress } from './SocketAddress.js';
export { InvalidAddressError } from './InvalidAddressError.js';
export { addressClass, netGroup, netGroupWith, isRoutable } from './netGroup.js';
export type { AddressClass, LoopbackGrouping, NetGroupOptions } from './netGroup.js';
export { InvalidNetGroupOptionError } from './InvalidNetGroupOptionError.js';
export { parseIp, formatIp, unmapIpv4 } from './ipAddress.js';
