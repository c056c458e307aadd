import type { Backoff, BackoffPolicy } from '../backoff/Backoff.js';
import { PersistentMap } from '../collections/PersistentMap.js';
import type { ConnReq } from './ConnReq.js';
import type { ConnState } from './ConnState.js';
import type { ConnEvent } from './events.js';

/**
 * What an admission hook answers for one inbound conn: `undefined` admits it (if a slot is free),
 * `{ refuse }` closes it with a `rejected` event carrying the reason, `{ evict }` admits it in place
 * of the admitted inbound conn with that id (closed with `inboundClosed` reason `'evicted'`).
 */
export type InboundVerdict =
  { readonly refuse: string; readonly evict?: never } | { readonly evict: number; readonly refuse?: never } | undefined;

/**
 * The admission hook: a pure function of the newcomer, the state before this step and the
 * step's time. It must not read clocks or mutable state; whatever the world knew about the conn
 * when it arrived (a ban, a rate) travels in the conn itself, stamped at the edge.
 */
export type AdmitInbound<A, C> = (conn: C, state: ConnManagerState<A, C>, at: number) => InboundVerdict;

/** The budget of one connection class (see `ConnManagerConfig.classes`), resolved. */
export interface ConnClassBudget {
  /** Automatic requests of the class to keep, refilled as `targetOutbound` is. */
  readonly target: number;
  /** Live requests of the class at most (automatic and hand-made); more are refused (`classFull`). */
  readonly max: number;
}

/** The live requests and pending refills of one connection class. */
export interface ClassCount {
  /** Live requests of the class (any stage, automatic or not): what `max` bounds. */
  readonly live: number;
  /** Live automatic requests of the class: what `target` keeps. */
  readonly automatic: number;
  /** Automatic replacements of the class scheduled but not yet made. */
  readonly refillsPending: number;
}

/**
 * The part of the configuration the reducer needs: plain values and pure functions, no effects.
 * The fields of `LiveConfig` may change while running (the `configure` action).
 */
export interface ReducerConfig<A = unknown, C = unknown> {
  /** Automatic outbound connections of the default class to keep (permanent ones come on top). */
  readonly targetOutbound: number;
  /** The budgets of the named connection classes (the default class is `targetOutbound`'s); absent or `{}` = none. */
  readonly classes?: Readonly<Record<string, ConnClassBudget>>;
  /** Failures in a row after which automatic replacements wait `retryDuration`. */
  readonly maxFailedAttempts: number;
  /** ms: the throttled replacement delay. */
  readonly retryDuration: number;
  /** Inbound conns admitted at once. */
  readonly maxInbound: number;
  /** ms a connection must last before its request's backoff resets; 0 = reset on connect (btcd). */
  readonly minUptime: number;
  /** Retry delays of permanent requests. */
  readonly backoff: BackoffPolicy;
  /**
   * The network family of an address ('ipv4', 'ipv6', 'onion', …), whose dial failures and
   * successes are tracked together (see `NetworkHealth`). Pure. Absent: one family for all
   * addresses, `DEFAULT_NETWORK`.
   */
  readonly networkOf?: ((addr: A) => string) | undefined;
  /** Dial failures in a row, with no success, after which a family is offline. @default DEFAULT_OFFLINE_AFTER (25); `Infinity`: only `networkDown` makes it so. */
  readonly offlineAfter?: number;
  /** ms: bound of the jitter of the retries made when a family comes back. @default DEFAULT_ONLINE_RETRY_JITTER (1,000) */
  readonly onlineRetryJitter?: number;
  /** Whether automatic requests exist (a `getNewAddress` was given); false = connect mode. */
  readonly automatic: boolean;
  /** Key of an address for de-duplication; `undefined` = no de-duplication (btcd). */
  readonly addressKey: ((addr: A) => string) | undefined;
  /** Inbound admission policy, asked in the `incoming` step before the `maxInbound` check; absent = admit while a slot is free. */
  admitInbound?(conn: C, state: ConnManagerState<A, C>, at: number): InboundVerdict;
}

/**
 * What the reducer knows of one network family: `failures` dial failures in a row since its last
 * success, and whether the user said it is `down` (`networkDown`). It is offline while `down`, or
 * once `failures` reaches `offlineAfter`, or while every family is down (`allNetworksDown`).
 */
export interface NetworkHealth {
  readonly failures: number;
  readonly down: boolean;
}

/** The family of every address when no `networkOf` is configured. */
export const DEFAULT_NETWORK = 'default';

/** Where an outbound request is in its life. */
export type RequestStage = 'address' | 'dial' | 'retryWait' | 'established';

/** One live outbound request in the state. Immutable. */
export interface OutboundEntry<A = unknown, C = unknown> {
  readonly req: ConnReq<A>;
  readonly id: number;
  readonly addr: A | undefined;
  readonly addrKey: string | undefined;
  readonly permanent: boolean;
  /** Made by the manager from `getNewAddress` (counts toward the target). */
  readonly automatic: boolean;
  readonly state: ConnState;
  readonly stage: RequestStage;
  /** Dials and timers are numbered so that a stale result is recognised and discarded. */
  readonly attempt: number;
  readonly conn: C | undefined;
  /** Scheduler time of the last successful dial. */
  readonly connectedAt: number | undefined;
  readonly retryCount: number;
  /** The backoff step used for the last retry; undefined after a reset. */
  readonly backoff: Backoff | undefined;
}

/** One admitted inbound connection. */
export interface InboundEntry<C = unknown> {
  readonly inboundId: number;
  readonly conn: C;
  readonly listener: number;
  readonly acceptedAt: number;
}

/** The lifecycle of the manager. */
export type ManagerPhase = 'idle' | 'running' | 'stopped';

/**
 * A snapshot of the connection manager: what `state$` emits. Immutable; consecutive
 * snapshots share structure, so keeping old ones is cheap and they never change.
 */
export interface ConnManagerState<A = unknown, C = unknown> {
  readonly config: ReducerConfig<A, C>;
  readonly phase: ManagerPhase;
  /** Live outbound requests by id (pending, failing/retrying, established). */
  readonly requests: PersistentMap<number, OutboundEntry<A, C>>;
  /** Address key → id of its live request. */
  readonly addresses: PersistentMap<string, number>;
  /** Admitted inbound conns by inbound id. */
  readonly inbound: PersistentMap<number, InboundEntry<C>>;
  readonly nextInboundId: number;
  /** Network family → its health; a family appears with its first dial result. */
  readonly networks: PersistentMap<string, NetworkHealth>;
  /** `networkDown()` without a family: every family is offline until `networkUp()`. */
  readonly allNetworksDown: boolean;
  /** btcd's global counter of failed automatic attempts since the last success. */
  readonly failedAttempts: number;
  /** Live automatic requests of the default class (any stage). */
  readonly automaticCount: number;
  /** Automatic replacements of the default class scheduled but not yet made. */
  readonly refillsPending: number;
  /**
   * The counts of each class named in `config.classes` (the default class's are the two fields
   * above). Replaced, never mutated, when a count changes: a handful of classes, copied in O(classes).
   */
  readonly classCounts: Readonly<Record<string, ClassCount>>;
  /** Established outbound connections (automatic, permanent and one-shot). */
  readonly establishedCount: number;
  /** What the step that produced this snapshot emitted (the `events$` of that step). */
  readonly emitted: readonly ConnEvent<A, C>[];
}

/** The state of a manager that has not started. */
export function initialState<A, C>(config: ReducerConfig<A, NoInfer<C>>): ConnManagerState<A, C> {
  return {
    config,
    phase: 'idle',
    requests: PersistentMap.empty(),
    addresses: PersistentMap.empty(),
    inbound: PersistentMap.empty(),
    nextInboundId: 1,
    networks: PersistentMap.empty(),
    allNetworksDown: false,
    failedAttempts: 0,
    automaticCount: 0,
    refillsPending: 0,
    classCounts: zeroClassCounts(config.classes),
    establishedCount: 0,
    emitted: [],
  };
}

const ZERO_COUNT: ClassCount = Object.freeze({ live: 0, automatic: 0, refillsPending: 0 });

/** Every class of `classes` at zero (the counts of a manager that has not started, or has stopped). */
export function zeroClassCounts(classes: Readonly<Record<string, ConnClassBudget>> | undefined): Readonly<Record<string, ClassCount>> {
  const counts: Record<string, ClassCount> = {};
  for (const name of Object.keys(classes ?? {})) counts[name] = ZERO_COUNT;
  return counts;
}
