import type { Observable, ObservableInput, SchedulerLike } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { AddressContext } from '../model/AddressContext.js';
import type { ConnReq } from '../model/ConnReq.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import type { DialFunction } from '../operators/dialOnce.js';
import type { KeyedWork } from '../operators/switchWorkByKey.js';

/** The edges an effect may touch: the user's functions, the clock, and id allocation. */
export interface EffectDeps<A, C> {
  readonly dial: DialFunction<A, C>;
  /** The user's `getNewAddress` with the manager's current state bound: only the request's context is left to give. */
  readonly getNewAddress: ((context: AddressContext) => ObservableInput<A> | A) | undefined;
  readonly listeners: readonly ObservableInput<C>[];
  readonly closeConn: (conn: C) => void;
  readonly connClosed: (conn: C) => ObservableInput<unknown>;
  /** ms; `Infinity` = no timeout. */
  readonly dialTimeout: number;
  /** ms; the listener re-subscribe step after an error. */
  readonly retryDuration: number;
  /** ms; the listener re-subscribe cap. */
  readonly maxRetryDuration: number;
  /** Every timer goes through this scheduler (virtual time in tests). */
  readonly scheduler: SchedulerLike;
  /** A fresh automatic request of class `connClass` (default: the default class) with its id assigned. */
  readonly newRequest: (connClass?: string) => ConnReq<A>;
  /**
   * Whether `getNewAddress` reads the manager's state (asked after each lookup: the manager may
   * learn it from one): then each automatic request is folded before the next address is asked
   * for, so that the chooser sees every earlier pick. Otherwise a turn's refills are folded
   * together. Absent: never.
   */
  readonly lookupsReadState?: () => boolean;
  /**
   * The loop's time: while the effects carry out a step's events, that step's `at` (the scheduler
   * time its action was stamped with, a moment ago); otherwise `scheduler.now()`. A clock read
   * costs ~45 ns, and a storm would pay one per dial for its timeout. Absent: `scheduler.now()`.
   */
  readonly now?: () => number;
}

/**
 * An effect, shaped like a redux-observable epic: it reads the manager's events (and state, if
 * it needs to), does one kind of work at the edge, and answers with actions for the reducer.
 * No effect mutates shared state; cancellation follows the events (see `switchWorkByKey`).
 */
export type Effect<A, C> = (
  event$: Observable<ConnEvent<A, C>>,
  state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
) => Observable<ConnActionInput<A, C>>;

/**
 * What one stage event of a request starts — an address lookup, a dial, a retry timer, a close
 * watcher — in the shape `switchWorkByKey` runs: results go to `emit`, and the returned handle
 * stops the work while it still runs. The per-request effects are made of these.
 */
export type StageWork<A, C> = KeyedWork<ConnEvent<A, C>, ConnActionInput<A, C>>;

/** The longest delay a Node timer honours (2³¹−1 ms, ~24.8 days); longer ones would fire at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** The request id of events that move a request to a new stage; the lane key of per-request effects. */
export function stageKey<A, C>(event: ConnEvent<A, C>): number | undefined {
  switch (event.type) {
    case 'addressRequested':
    case 'dialing':
    case 'connected':
    case 'failed':
    case 'retryScheduled':
    case 'disconnected':
    case 'canceled':
      return event.req.id;
    default:
      return undefined;
  }
}
