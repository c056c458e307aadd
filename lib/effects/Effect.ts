import { Observable, from, type Subscription, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnReq } from '../model/ConnReq.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import type { DialFunction } from '../operators/dialOnce.js';

/** The edges an effect may touch: the user's functions, the clock, and id allocation. */
export interface EffectDeps<A, C> {
  readonly dial: DialFunction<A, C>;
  readonly getNewAddress: (() => ObservableInput<A> | A) | undefined;
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
  /** A fresh automatic request with its id assigned. */
  readonly newRequest: () => ConnReq<A>;
}

/**
 * An effect, shaped like a redux-observable epic: it reads the manager's events (and state, if
 * it needs to), does one kind of work at the edge, and answers with actions for the reducer.
 * No effect mutates shared state; cancellation follows the events (see `switchMapByKey`).
 */
export type Effect<A, C> = (
  event$: Observable<ConnEvent<A, C>>,
  state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
) => Observable<ConnActionInput<A, C>>;

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

/**
 * `answer` once `deps.connClosed(conn)` first fires, or completes without a value (nothing more
 * will be said about the conn). A watcher that throws or errors cannot be trusted to report the
 * close, so the conn is closed here — never left open and uncounted — and the failure is reported
 * as `callbackFailed` before `answer`.
 */
export function whenClosed<A, C>(deps: EffectDeps<A, C>, conn: C, answer: ConnActionInput<A, C>): Observable<ConnActionInput<A, C>> {
  // Hand-written rather than an operator chain: one of these lives per connection.
  return new Observable<ConnActionInput<A, C>>((subscriber) => {
    let answered = false;
    const finish = (): void => {
      if (answered) return;
      answered = true;
      subscriber.next(answer);
      subscriber.complete();
    };
    const fail = (error: unknown): void => {
      if (answered) return;
      try {
        deps.closeConn(conn);
      } catch {
        // Reported below with the watcher's error; the slot is freed either way.
      }
      subscriber.next({ type: 'callbackFailed', source: 'connClosed', error });
      finish();
    };
    let watch: Subscription | undefined;
    try {
      watch = from(deps.connClosed(conn)).subscribe({ next: finish, error: fail, complete: finish });
    } catch (error) {
      fail(error);
    }
    if (answered) watch?.unsubscribe();
    return watch;
  });
}
