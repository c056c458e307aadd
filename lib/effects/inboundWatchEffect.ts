import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import { whenClosed, type EffectDeps } from './Effect.js';

/** Watches every admitted inbound conn with `connClosed(conn)` and answers `inboundClosed`, which frees its slot. */
export function inboundWatchEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(
    switchMapByKey(
      (event) => (event.type === 'accepted' || event.type === 'inboundClosed' ? event.inboundId : undefined),
      (event) => {
        if (event.type !== 'accepted') return undefined;
        const { inboundId, conn } = event;
        const closed: ConnActionInput<A, C> = { type: 'inboundClosed', inboundId, conn };
        return whenClosed(deps, conn, closed);
      },
    ),
  );
}
