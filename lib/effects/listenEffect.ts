import { EMPTY, catchError, defer, filter, from, map, merge, mergeMap, of, repeat, take, timer, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { MAX_TIMER_DELAY, type EffectDeps } from './Effect.js';

/**
 * Subscribes every listener once the manager has started and turns each conn into `incoming`
 * (the reducer admits or rejects it). A listener that errors is reported (`listenerFailed`) and
 * subscribed again after a linear backoff — `retryDuration` × failures in a row, capped at
 * `maxRetryDuration` (and at `MAX_TIMER_DELAY`) — so a failing accept loop (EMFILE, …) backs off
 * instead of spinning. A conn accepted in between resets the count. A listener that completes is
 * done. Unsubscribing (the manager's stop) closes them all.
 *
 * Re-subscription is a `repeat` loop, not recursion: thousands of failures cost no stack and no
 * nested subscriptions.
 */
export function listenEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  const listen = (listener: number): Observable<ConnActionInput<A, C>> =>
    defer(() => {
      let failuresInARow = 0;
      let failed = false;
      return defer(() => {
        failed = false;
        return from(deps.listeners[listener]!);
      }).pipe(
        map((conn): ConnActionInput<A, C> => {
          failuresInARow = 0;
          return { type: 'incoming', conn, listener };
        }),
        catchError((error: unknown) => {
          failed = true;
          failuresInARow++;
          return of<ConnActionInput<A, C>>({ type: 'listenerFailed', listener, error });
        }),
        repeat({
          delay: () =>
            failed ? timer(Math.min(failuresInARow * deps.retryDuration, deps.maxRetryDuration, MAX_TIMER_DELAY), deps.scheduler) : EMPTY, // completed normally: this listener is done
        }),
      );
    });
  return event$.pipe(
    filter((event) => event.type === 'started'),
    take(1),
    mergeMap(() => merge(...deps.listeners.map((_, index) => listen(index)))),
  );
}
