import { catchError, concat, defer, filter, from, map, merge, mergeMap, of, switchMap, take, timer, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import type { EffectDeps } from './Effect.js';

/**
 * Subscribes every listener once the manager has started and turns each conn into `incoming`
 * (the reducer admits or rejects it). A listener that errors is reported (`listenerFailed`) and
 * subscribed again after a linear backoff (`retryDuration` × n, capped at `maxRetryDuration`),
 * so a failing accept loop (EMFILE, …) backs off instead of spinning; a listener that completes
 * is done. Unsubscribing (the manager's stop) closes them all.
 */
export function listenEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  const listen = (listener: number, failures: number): Observable<ConnActionInput<A, C>> =>
    defer(() => from(deps.listeners[listener]!)).pipe(
      map((conn): ConnActionInput<A, C> => ({ type: 'incoming', conn, listener })),
      catchError((error: unknown) => {
        const delay = Math.min((failures + 1) * deps.retryDuration, deps.maxRetryDuration);
        return concat(
          of<ConnActionInput<A, C>>({ type: 'listenerFailed', listener, error }),
          timer(delay, deps.scheduler).pipe(switchMap(() => listen(listener, failures + 1))),
        );
      }),
    );
  return event$.pipe(
    filter((event) => event.type === 'started'),
    take(1),
    mergeMap(() => merge(...deps.listeners.map((_, index) => listen(index, 0)))),
  );
}
