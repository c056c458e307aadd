import { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { DialTimeoutError } from '../model/errors.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { dialOnce } from '../operators/dialOnce.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import { MAX_TIMER_DELAY, stageKey, type EffectDeps } from './Effect.js';

/**
 * Carries out `dialing` events: calls `dial` (at most `dialTimeout` ms) and answers
 * `dialSucceeded` or `dialFailed`. The dial is abandoned as soon as its request moves on
 * (canceled, removed, stopped) or times out; a conn that arrives after that is closed, never
 * leaked. One hand-written Observable per dial rather than an operator chain: this runs once per
 * attempt, and a retry storm is made of attempts.
 */
export function dialEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(switchMapByKey(stageKey, dialStage(deps)));
}

/** The work `dialEffect` starts for one stage event (a `dialing`); undefined for other events. Shared with `requestEffect`. */
export function dialStage<A, C>(deps: EffectDeps<A, C>): (event: ConnEvent<A, C>) => Observable<ConnActionInput<A, C>> | undefined {
  const timeout = Math.min(deps.dialTimeout, MAX_TIMER_DELAY);
  return (event) => {
    if (event.type !== 'dialing') return undefined;
    const { req, addr, attempt } = event;
    const id = req.id;
    return new Observable<ConnActionInput<A, C>>((subscriber) => {
      const failed = (error: unknown) => {
        subscriber.next({ type: 'dialFailed', id, attempt, error });
        subscriber.complete();
      };
      const timer = Number.isFinite(deps.dialTimeout)
        ? deps.scheduler.schedule(() => failed(new DialTimeoutError(addr, deps.dialTimeout)), timeout)
        : undefined;
      const dial = dialOnce(deps.dial, addr, deps.closeConn).subscribe({
        next: (conn) => subscriber.next({ type: 'dialSucceeded', id, attempt, conn }),
        error: failed,
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.unsubscribe();
        dial.unsubscribe(); // abandons a dial still under way (its late conn gets closed)
      };
    });
  };
}
