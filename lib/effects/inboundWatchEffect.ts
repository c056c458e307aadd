import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import type { EffectDeps } from './Effect.js';
import { watchClosed } from './watchClosed.js';

/** Watches every admitted inbound conn with `connClosed(conn)` and answers `inboundClosed`, which frees its slot. */
export function inboundWatchEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(
    switchWorkByKey(
      (event) => (event.type === 'accepted' || event.type === 'inboundClosed' ? event.inboundId : undefined),
      (event, emit) => (event.type === 'accepted' ? watchClosed(deps, event.conn, event.inboundId, true, emit) : undefined),
    ),
  );
}
