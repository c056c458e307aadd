import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import { stageKey, type EffectDeps, type StageWork } from './Effect.js';
import { watchClosed } from './watchClosed.js';

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
  return event$.pipe(switchWorkByKey(stageKey, connWatchStage(deps)));
}

/** The work `connWatchEffect` starts for one stage event (a `connected`); nothing for other events. Shared with `requestEffect`. */
export function connWatchStage<A, C>(deps: EffectDeps<A, C>): StageWork<A, C> {
  return (event, emit) => (event.type === 'connected' ? watchClosed(deps, event.conn, event.req.id, false, emit) : undefined);
}
