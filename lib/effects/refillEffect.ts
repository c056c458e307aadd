import { filter, mergeMap, range, timer, map, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { MAX_TIMER_DELAY, type EffectDeps } from './Effect.js';

/**
 * Carries out `refillScheduled` events: after the delay (0 = the next turn of the scheduler),
 * makes that many automatic requests. Going through the scheduler even for 0 is what keeps a
 * storm of instantly failing dials from growing the stack or starving I/O.
 */
export function refillEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(
    filter((event): event is Extract<ConnEvent<A, C>, { type: 'refillScheduled' }> => event.type === 'refillScheduled'),
    mergeMap(({ count, delay }) =>
      timer(Math.min(delay, MAX_TIMER_DELAY), deps.scheduler).pipe(
        mergeMap(() => range(count)),
        map((): ConnActionInput<A, C> => ({ type: 'newConnReq', req: deps.newRequest(), refill: true })),
      ),
    ),
  );
}
