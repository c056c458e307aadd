import { NODE_P2P_V2 } from '../protocol/bip324/services.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';

/**
 * The service bits a node announces: the `services` option, plus `NODE_P2P_V2` (bit 11) when
 * `v2Transport` is on, so that v2 nodes know to dial us v2.
 *
 * @example
 * ourServices(resolveNodeOptions({ services: 1n })); // 0x801n
 */
export function ourServices(options: Pick<ResolvedNodeOptions, 'services' | 'v2Transport'>): bigint {
  return options.v2Transport ? options.services | NODE_P2P_V2 : options.services;
}
