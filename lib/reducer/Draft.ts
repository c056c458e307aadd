import { MapOwner } from '../collections/PersistentMap.js';
import type { ConnEvent } from '../model/events.js';
import { ConnState } from '../model/ConnState.js';
import type { ConnManagerState, OutboundEntry } from '../model/state.js';

/**
 * The edit token of reducer steps ({@link MapOwner}): the maps' nodes a step makes under it are
 * changed in place by later updates under it. The public `reduce` uses none (its input is never
 * touched); the manager's loop lends one to a run of steps whose snapshots nobody has seen, and
 * takes a new one as soon as a snapshot is published (see `ConnManager`).
 *
 * Because a step under a lent owner may edit the previous snapshot's nodes, the step leaves the
 * entries it removed in `removed`, for whoever needs what they were (the manager finishing a
 * `ConnReq`); the lender empties it before each step.
 */
export class StepOwner<A = unknown, C = unknown> extends MapOwner {
  /** Entries removed from `requests` by the steps since the lender last emptied it. */
  readonly removed: OutboundEntry<A, C>[] = [];
}

/**
 * A reducer step's working copy: a shallow copy of the state (O(1)) whose fields are replaced;
 * the maps are updated under the step's `owner`, so only nodes this run of steps made itself are
 * changed in place (see {@link StepOwner}).
 */
export type Draft<A, C> = { -readonly [K in keyof ConnManagerState<A, C>]: ConnManagerState<A, C>[K] } & {
  emitted: ConnEvent<A, C>[];
  /** The edit token lent to this step, if any; `undefined` again once the step is done. */
  owner: StepOwner<A, C> | undefined;
};

/**
 * Starts a step from `state` with an empty outbox. Written out field by field, not `{ ...state }`:
 * a literal of fixed shape is several times cheaper than a spread, and this runs on every action.
 * (A field added to `ConnManagerState` must be added here; `tsc` says so, since all are required.)
 *
 * @param owner - an edit token lent by a loop that folds several steps before anyone sees them; none = plain persistent updates.
 */
export function draftOf<A, C>(state: ConnManagerState<A, C>, owner?: StepOwner<A, C>): Draft<A, C> {
  return {
    config: state.config,
    phase: state.phase,
    requests: state.requests,
    addresses: state.addresses,
    inbound: state.inbound,
    nextInboundId: state.nextInboundId,
    networks: state.networks,
    allNetworksDown: state.allNetworksDown,
    failedAttempts: state.failedAttempts,
    automaticCount: state.automaticCount,
    refillsPending: state.refillsPending,
    establishedCount: state.establishedCount,
    emitted: [],
    owner,
  };
}

/** An entry's working copy, to change a few fields of (the original stays as it was). */
export type EntryDraft<A, C> = { -readonly [K in keyof OutboundEntry<A, C>]: OutboundEntry<A, C>[K] };

/** A copy of `entry` to edit: a literal of fixed shape, cheaper than a spread (see `draftOf`). */
export function copyEntry<A, C>(entry: OutboundEntry<A, C>): EntryDraft<A, C> {
  return {
    req: entry.req,
    id: entry.id,
    addr: entry.addr,
    addrKey: entry.addrKey,
    permanent: entry.permanent,
    automatic: entry.automatic,
    state: entry.state,
    stage: entry.stage,
    attempt: entry.attempt,
    conn: entry.conn,
    connectedAt: entry.connectedAt,
    retryCount: entry.retryCount,
    backoff: entry.backoff,
  };
}

/**
 * Replaces one request (`before` → `after`, either may be undefined) and keeps every index
 * and counter that depends on requests in step. The only writer of `requests`, so the
 * counters cannot drift from the map.
 */
export function putEntry<A, C>(d: Draft<A, C>, before: OutboundEntry<A, C> | undefined, after: OutboundEntry<A, C> | undefined): void {
  // No token lent (the public `reduce`): plain persistent updates. A token of the step's own would
  // pay only in a step that updates one map twice, which none does; it cost ~25 ns per step.
  const owner = d.owner;
  if (before) {
    if (before.automatic) d.automaticCount--;
    if (before.state === ConnState.Established) d.establishedCount--;
    if (before.addrKey !== undefined && before.addrKey !== after?.addrKey) d.addresses = d.addresses.delete(before.addrKey, owner);
  }
  if (after) {
    if (after.automatic) d.automaticCount++;
    if (after.state === ConnState.Established) d.establishedCount++;
    if (after.addrKey !== undefined && after.addrKey !== before?.addrKey) d.addresses = d.addresses.set(after.addrKey, after.id, owner);
    d.requests = d.requests.set(after.id, after, owner);
  } else if (before) {
    d.requests = d.requests.delete(before.id, owner);
    owner?.removed.push(before);
  }
}

/**
 * Asks for one automatic replacement if the target is not already covered. After
 * `maxFailedAttempts` failures in a row the replacement waits `retryDuration` (btcd's throttle);
 * before that it comes at once — still through the scheduler, so a storm of instant failures
 * yields to the event loop between attempts. `throttled`: wait `retryDuration` anyway (the
 * failure it replaces was in an offline network, which does not count toward the throttle but
 * must not storm either).
 */
export function scheduleRefill<A, C>(d: Draft<A, C>, throttled = false): void {
  const { config } = d;
  if (!config.automatic || d.phase !== 'running') return;
  if (d.automaticCount + d.refillsPending >= config.targetOutbound) return;
  d.refillsPending++;
  const delay = throttled || d.failedAttempts >= config.maxFailedAttempts ? config.retryDuration : 0;
  d.emitted.push({ type: 'refillScheduled', count: 1, delay });
}
