import { MapOwner } from '../collections/PersistentMap.js';
import type { ConnEvent } from '../model/events.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import { ConnState } from '../model/ConnState.js';
import type { ClassCount, ConnManagerState, OutboundEntry } from '../model/state.js';

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
    classCounts: state.classCounts,
    establishedCount: state.establishedCount,
    emitted: emptyOutbox<A, C>(),
    owner,
  };
}

/**
 * An empty outbox with room for two events. A literal `[]` has no room: its first `push` makes
 * a store of 16 slots (144 bytes), most of a step's garbage. Two slots filled then popped keep
 * their store, so the one or two events a step emits need no growth (64 bytes in all).
 */
function emptyOutbox<A, C>(): ConnEvent<A, C>[] {
  const outbox: (ConnEvent<A, C> | undefined)[] = [undefined, undefined];
  outbox.pop();
  outbox.pop();
  return outbox as ConnEvent<A, C>[];
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
  const entry = after ?? before;
  if (entry === undefined) return;
  // Only a request's arrival or end changes its class's counts, and only an automatic one
  // automaticCount: a permanent request changing stage needs no class, so its `req` (another object,
  // a cache miss at 10,000 requests) is left unread. A request keeps its class for life.
  const arrivesOrEnds = before === undefined || after === undefined;
  const ofDefault = (arrivesOrEnds || before.automatic || after.automatic) && entry.req.connClass === DEFAULT_CONN_CLASS;
  if (before) {
    if (before.automatic && ofDefault) d.automaticCount--;
    if (before.state === ConnState.Established) d.establishedCount--;
    if (before.addrKey !== undefined && before.addrKey !== after?.addrKey) d.addresses = d.addresses.delete(before.addrKey, owner);
  }
  if (after) {
    if (after.automatic && ofDefault) d.automaticCount++;
    if (after.state === ConnState.Established) d.establishedCount++;
    if (after.addrKey !== undefined && after.addrKey !== before?.addrKey) d.addresses = d.addresses.set(after.addrKey, after.id, owner);
    d.requests = d.requests.set(after.id, after, owner);
  } else if (before) {
    d.requests = d.requests.delete(before.id, owner);
    owner?.removed.push(before);
  }
  if (arrivesOrEnds && !ofDefault) countClass(d, entry, after ? 1 : -1);
}

/** Adds `delta` to the counts of `entry`'s class (a request of the default class never comes here). */
function countClass<A, C>(d: Draft<A, C>, entry: OutboundEntry<A, C>, delta: 1 | -1): void {
  const cls = entry.req.connClass;
  const count = classCountOf(d, cls);
  if (count === undefined) return; // a class the config does not name has no budget to keep
  setClassCount(d, cls, {
    live: count.live + delta,
    automatic: count.automatic + (entry.automatic ? delta : 0),
    refillsPending: count.refillsPending,
  });
}

/** The counts of a class named in the config; `undefined` for any other name. */
export function classCountOf<A, C>(state: ConnManagerState<A, C>, cls: string): ClassCount | undefined {
  return Object.hasOwn(state.classCounts, cls) ? state.classCounts[cls] : undefined;
}

function setClassCount<A, C>(d: Draft<A, C>, cls: string, count: ClassCount): void {
  d.classCounts = { ...d.classCounts, [cls]: count };
}

/**
 * Whether a class's live automatic requests and scheduled refills fall short of its target:
 * `targetOutbound` for the default class, `classes[cls].target` for a named one, 0 for others.
 */
export function belowTarget<A, C>(state: ConnManagerState<A, C>, cls: string): boolean {
  if (cls === DEFAULT_CONN_CLASS) return state.automaticCount + state.refillsPending < state.config.targetOutbound;
  const count = classCountOf(state, cls);
  return count !== undefined && count.automatic + count.refillsPending < state.config.classes![cls]!.target;
}

/** Adds `delta` to a class's scheduled refills (never below 0). */
export function addRefills<A, C>(d: Draft<A, C>, cls: string, delta: number): void {
  if (cls === DEFAULT_CONN_CLASS) {
    d.refillsPending = Math.max(0, d.refillsPending + delta);
    return;
  }
  const count = classCountOf(d, cls);
  if (count === undefined) return;
  setClassCount(d, cls, { live: count.live, automatic: count.automatic, refillsPending: Math.max(0, count.refillsPending + delta) });
}

/**
 * Asks for one automatic replacement of class `cls` if its target is not already covered. After
 * `maxFailedAttempts` failures in a row the replacement waits `retryDuration` (btcd's throttle);
 * before that it comes at once — still through the scheduler, so a storm of instant failures
 * yields to the event loop between attempts. The event names the class unless it is the default.
 * `throttled`: wait `retryDuration` anyway (the failure it replaces was in an offline network,
 * which does not count toward the throttle but must not storm either).
 */
export function scheduleRefill<A, C>(d: Draft<A, C>, cls: string = DEFAULT_CONN_CLASS, throttled = false): void {
  const { config } = d;
  if (!config.automatic || d.phase !== 'running') return;
  if (!belowTarget(d, cls)) return;
  addRefills(d, cls, 1);
  const delay = throttled || d.failedAttempts >= config.maxFailedAttempts ? config.retryDuration : 0;
  d.emitted.push(
    cls === DEFAULT_CONN_CLASS
      ? { type: 'refillScheduled', count: 1, delay }
      : { type: 'refillScheduled', count: 1, delay, connClass: cls },
  );
}
