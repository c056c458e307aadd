import { catchError, map, of, throwError, timeout, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { DialTimeoutError } from '../model/errors.js';
import { dialOnce } from '../operators/dialOnce.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { MAX_TIMER_DELAY, stageKey, type EffectDeps } from './Effect.js';

/**
 * Carries out `dialing` events: calls `dial` (at most `dialTimeout` ms) and answers
 * `dialSucceeded` or `dialFailed`. The dial is abandoned as soon as its request moves on
 * (canceled, removed, stopped); a conn that arrives after that is closed, never leaked.
 */
export function dialEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(
    switchMapByKey(stageKey, (event) => {
      if (event.type !== 'dialing') return undefined;
      const { req, addr, attempt } = event;
      const id = req.id;
      let dial$ = dialOnce(deps.dial, addr, deps.closeConn);
      if (Number.isFinite(deps.dialTimeout)) {
        dial$ = dial$.pipe(
          timeout({
            first: Math.min(deps.dialTimeout, MAX_TIMER_DELAY),
            scheduler: deps.scheduler,
            with: () => throwError(() => new DialTimeoutError(addr, deps.dialTimeout)),
          }),
        );
      }
      return dial$.pipe(
        map((conn): ConnActionInput<A, C> => ({ type: 'dialSucceeded', id, attempt, conn })),
        catchError((error: unknown) => of<ConnActionInput<A, C>>({ type: 'dialFailed', id, attempt, error })),
      );
    }),
  );
}
