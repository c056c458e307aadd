import type { ConnEvent } from '../model/events.js';
import { ConnState } from '../model/ConnState.js';
import type { ConnManagerState, OutboundEntry } from '../model/state.js';

/** A reducer step's working copy: a shallow copy of the state (O(1)) whose fields are replaced, never the maps mutated. */
export type Draft<A, C> = { -readonly [K in keyof ConnManagerState<A, C>]: ConnManagerState<A, C>[K] } & {
  emitted: ConnEvent<A, C>[];
};

/**
 * Starts a step from `state` with an empty outbox. Written out field by field, not `{ ...state }`:
 * a literal of fixed shape is several times cheaper than a spread, and this runs on every action.
 * (A field added to `ConnManagerState` must be added here; `tsc` says so, since all are required.)
 */
export function draftOf<A, C>(state: ConnManagerState<A, C>): Draft<A, C> {
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
  if (before) {
    if (before.automatic) d.automaticCount--;
    if (before.state === ConnState.Established) d.establishedCount--;
    if (before.addrKey !== undefined && before.addrKey !== after?.addrKey) d.addresses = d.addresses.delete(before.addrKey);
  }
  if (after) {
    if (after.automatic) d.automaticCount++;
    if (after.state === ConnState.Established) d.establishedCount++;
    if (after.addrKey !== undefined && after.addrKey !== before?.addrKey) d.addresses = d.addresses.set(after.addrKey, after.id);
    d.requests = d.requests.set(after.id, after);
  } else if (before) {
    d.requests = d.requests.delete(before.id);
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
