import { map, timer, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { MAX_TIMER_DELAY, stageKey, type EffectDeps } from './Effect.js';

/**
 * Carries out `retryScheduled` events: waits the delay on the scheduler, then answers `retryDue`.
 * The timer dies with its request's stage. Delays are clamped to `MAX_TIMER_DELAY` (Node fires
 * longer timers at once).
 */
export function retryEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(switchMapByKey(stageKey, retryStage(deps)));
}

/** The work `retryEffect` starts for one stage event (a `retryScheduled`); undefined for other events. Shared with `requestEffect`. */
export function retryStage<A, C>(deps: EffectDeps<A, C>): (event: ConnEvent<A, C>) => Observable<ConnActionInput<A, C>> | undefined {
  return (event) => {
    if (event.type !== 'retryScheduled') return undefined;
    const { req, attempt } = event;
    return timer(Math.min(event.delay, MAX_TIMER_DELAY), deps.scheduler).pipe(
      map((): ConnActionInput<A, C> => ({ type: 'retryDue', id: req.id, attempt })),
    );
  };
}
