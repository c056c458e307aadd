import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import { MAX_TIMER_DELAY, stageKey, type EffectDeps, type StageWork } from './Effect.js';

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
  return event$.pipe(switchWorkByKey(stageKey, retryStage(deps)));
}

/** The work `retryEffect` starts for one stage event (a `retryScheduled`); nothing for other events. Shared with `requestEffect`. */
export function retryStage<A, C>(deps: EffectDeps<A, C>): StageWork<A, C> {
  return (event, emit) => {
    if (event.type !== 'retryScheduled') return undefined;
    const id = event.req.id;
    const attempt = event.attempt;
    // The scheduler's own subscription is the lane's handle: nothing else to allocate.
    return deps.scheduler.schedule(() => emit({ type: 'retryDue', id, attempt }), Math.min(event.delay, MAX_TIMER_DELAY));
  };
}
