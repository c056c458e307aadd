import type { ConnManagerState } from '../model/state.js';

/** What the hub tells the manager when an outbound peer is done (btcd's `peerDoneHandler`). */
export type PeerDoneCommand = 'disconnect' | 'remove' | 'newConnReq';

/**
 * btcd's server rule for an outbound peer that is done (or could not be made), as a pure
 * function of the manager's state: a permanent request is `disconnect`ed (it reconnects on its
 * backoff); an automatic one is `remove`d and replaced with `newConnReq`; a one-shot one is
 * `remove`d. Nothing when the request no longer holds this conn — the manager already saw the
 * close by itself, and a second command would cancel the retry it scheduled.
 */
export function peerDoneCommands<A, C>(state: ConnManagerState<A, C>, id: number, conn: C): readonly PeerDoneCommand[] {
  const entry = state.requests.get(id);
  if (!entry || entry.conn !== conn) return [];
  if (entry.permanent) return ['disconnect'];
  if (entry.automatic) return ['remove', 'newConnReq'];
  return ['remove'];
}
