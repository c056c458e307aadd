import type { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import { addressStage } from './addressEffect.js';
import { connWatchStage } from './connWatchEffect.js';
import { dialStage, withDialTimeouts } from './dialEffect.js';
import { stageKey, type EffectDeps } from './Effect.js';
import { retryStage } from './retryEffect.js';

/**
 * The four per-request effects in one lane per request: `addressRequested` → `addressEffect`'s
 * lookup, `dialing` → `dialEffect`'s dial, `retryScheduled` → `retryEffect`'s timer, `connected`
 * → `connWatchEffect`'s close watcher. Each stage event ends whatever the previous stage started,
 * exactly as the four effects do apart (their event types are disjoint); together they cost one
 * lane lookup per stage instead of four. The manager runs this one.
 *
 * The four stay exported and specced one by one; `spec/effects/requestEffect.spec.ts` checks the composition.
 */
export function requestEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  const address = addressStage(deps);
  const retry = retryStage(deps);
  const watch = connWatchStage(deps);
  return withDialTimeouts(deps, (timeouts) => {
    const dial = dialStage(deps, timeouts);
    return event$.pipe(
      switchWorkByKey(stageKey, (event, emit) => {
        switch (event.type) {
          case 'addressRequested':
            return address(event, emit);
          case 'dialing':
            return dial(event, emit);
          case 'retryScheduled':
            return retry(event, emit);
          case 'connected':
            return watch(event, emit);
          default:
            return undefined; // failed, disconnected, canceled: the lane just ends
        }
      }),
    );
  });
}
