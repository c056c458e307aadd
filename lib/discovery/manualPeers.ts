/**
 * The operator's own peer list: btcd's `--addpeer` and `--connect`.
 *
 * @packageDocumentation
 */
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { dialableAddress } from './dialableAddress.js';
import { InvalidManualPeerError, ManualPeersConflictError } from './errors.js';
import { isList } from '../shared/isList.js';

/**
 * Input of {@link manualPeers}: `ip:port` / `[ipv6]:port` entries.
 *
 * @example
 * ```ts
 * const config: ManualPeersConfig = { addnode: ['203.0.113.7:8333'] };
 * ```
 */
export interface ManualPeersConfig {
  /** Peers to keep connected **besides** the automatic outbound target (btcd `--addpeer`, Core `-addnode`). */
  readonly addnode?: readonly string[];
  /** Peers to connect to **instead of** any automatic outbound (btcd/Core `--connect`). */
  readonly connect?: readonly string[];
}

/**
 * What {@link manualPeers} decided.
 *
 * @example
 * ```ts
 * const { permanent, connectMode }: ManualPeersPlan = manualPeers({ connect: ['203.0.113.7:8333'] });
 * ```
 */
export interface ManualPeersPlan {
  /** Addresses to open as permanent requests (reconnected forever on their backoff), in the given order, without duplicates. */
  readonly permanent: SocketAddress[];
  /** True when the node must make no automatic outbound connection: only `permanent`. */
  readonly connectMode: boolean;
}

/**
 * Turns the operator's `addnode` / `connect` lists into permanent requests.
 *
 * - `addnode` entries become permanent requests **extra** to the automatic
 *   outbound target (btcd: "target 3 + 2 permanent → 5 connections");
 *   `connectMode` is false.
 * - `connect` entries become the **only** outbound connections, as permanent
 *   requests; `connectMode` is true and the node starts no automatic
 *   outbound request.
 * - Both non-empty is refused, as btcd does (see {@link ManualPeersConflictError}).
 *   An empty list counts as absent, so `{ connect: [] }` is normal mode.
 *
 * Pure: no I/O, no clock. Duplicate entries (after canonicalisation, so
 * `[::ffff:1.2.3.4]:8333` equals `1.2.3.4:8333`) are kept once.
 *
 * @param config - see {@link ManualPeersConfig}; default none.
 * @returns see {@link ManualPeersPlan}.
 * @throws {@link InvalidManualPeerError} naming the first entry that is not an IP literal with a non-zero port
 * (host names are not resolved here);
 * {@link ManualPeersConflictError} when both lists are non-empty.
 * @example
 * ```ts
 * manualPeers({ addnode: ['203.0.113.7:8333'] });  // { permanent: [203.0.113.7:8333], connectMode: false }
 * manualPeers({ connect: ['[2001:db8::1]:8333'] }); // { permanent: [[2001:db8::1]:8333], connectMode: true }
 * manualPeers({});                                 // { permanent: [], connectMode: false }
 * ```
 */
export function manualPeers(config: ManualPeersConfig = {}): ManualPeersPlan {
  const addnode = parseList('addnode', config.addnode);
  const connect = parseList('connect', config.connect);
  if (addnode.length > 0 && connect.length > 0) {
    throw new ManualPeersConflictError(config.addnode ?? [], config.connect ?? []);
  }
  return connect.length > 0 ? { permanent: connect, connectMode: true } : { permanent: addnode, connectMode: false };
}

function parseList(option: 'addnode' | 'connect', list: readonly string[] | undefined): SocketAddress[] {
  if (list === undefined) return [];
  if (!isList(list)) throw new InvalidManualPeerError(option, list, 'expected an array of ip:port strings');
  const unique = new Map<string, SocketAddress>();
  for (const entry of list) {
    let addr: SocketAddress;
    try {
      addr = dialableAddress(entry);
    } catch (error) {
      if (error instanceof InvalidAddressError) throw new InvalidManualPeerError(option, entry, error.reason, { cause: error });
      throw error;
    }
    if (!unique.has(addr.toString())) unique.set(addr.toString(), addr);
  }
  return [...unique.values()];
}
