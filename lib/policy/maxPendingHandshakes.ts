/**
 * A cap on connections accepted but not yet through their handshake.
 *
 * @packageDocumentation
 */
import { checkCount } from './checks.js';

/**
 * Default cap on handshakes in progress: 64.
 *
 * A connection that has not finished its handshake is not yet a peer: it holds
 * a socket and a timer but is not counted against the inbound slots and cannot
 * be chosen for eviction. An attacker can open such connections and stall,
 * each one lasting until the handshake timeout (a minute in Bitcoin Core), so
 * they must be capped on their own. 64 is about half of Core's default 125
 * connections: room for the burst of peers that reconnect after a restart,
 * while stalled handshakes can hold at most that many sockets. (js-libp2p's
 * equivalent, `maxIncomingPendingConnections`, defaults to 10.)
 *
 * @example
 * ```ts
 * maxPendingHandshakes(pending, DEFAULT_MAX_PENDING_HANDSHAKES);
 * ```
 */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;

/**
 * Whether the cap on handshakes in progress is reached, so that a newly
 * accepted connection should be closed at once: `true` means **refuse**.
 *
 * @param pending - handshakes in progress now, not counting the newcomer; an integer ≥ 0.
 * @param limit - the most that may be in progress at once, an integer ≥ 0
 *   (0 refuses everything); default {@link DEFAULT_MAX_PENDING_HANDSHAKES} (64).
 * @returns `pending >= limit`.
 * @throws {@link PolicyArgumentError} naming `pending` or `limit` when it is
 *   not an integer ≥ 0.
 *
 * @example
 * ```ts
 * maxPendingHandshakes(63);     // false: start the 64th handshake
 * maxPendingHandshakes(64);     // true: close the socket
 * maxPendingHandshakes(3, 3);   // true
 * ```
 */
export function maxPendingHandshakes(pending: number, limit: number = DEFAULT_MAX_PENDING_HANDSHAKES): boolean {
  checkCount('pending', pending, 0);
  checkCount('limit', limit, 0);
  return pending >= limit;
}
