import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import { stageKey, whenClosed, type EffectDeps } from './Effect.js';

/**
 * Watches every established outbound conn with `connClosed(conn)`: its first notification (or
 * error — a conn whose watcher fails is as good as gone) answers `connClosed`. The watch ends
 * when the request leaves the established stage for any other reason.
 */
export function connWatchEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(switchMapByKey(stageKey, connWatchStage(deps)));
}

/** The work `connWatchEffect` starts for one stage event (a `connected`); undefined for other events. Shared with `requestEffect`. */
export function connWatchStage<A, C>(deps: EffectDeps<A, C>): (event: ConnEvent<A, C>) => Observable<ConnActionInput<A, C>> | undefined {
  return (event) => {
    if (event.type !== 'connected') return undefined;
    const { req, conn } = event;
    const closed: ConnActionInput<A, C> = { type: 'connClosed', id: req.id, conn };
    return whenClosed(deps, conn, closed);
  };
}
