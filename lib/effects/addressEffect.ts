import { catchError, defer, first, from, map, of, EmptyError, type ObservableInput, type Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { NoAddressError } from '../model/errors.js';
import { switchMapByKey } from '../operators/switchMapByKey.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { stageKey, type EffectDeps } from './Effect.js';

/**
 * Carries out `addressRequested` events: takes the first value of `getNewAddress()` and answers
 * `addressResolved`, or `addressFailed` when it throws, errors or completes empty (the reducer
 * counts that as a failed attempt, on btcd's throttle).
 *
 * A string returned directly is taken as the address itself: RxJS would otherwise iterate it
 * character by character, since a string is an iterable.
 */
export function addressEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(
    switchMapByKey(stageKey, (event) => {
      if (event.type !== 'addressRequested') return undefined;
      const id = event.req.id;
      const getNewAddress = deps.getNewAddress;
      return defer(() => {
        if (!getNewAddress) throw new NoAddressError('no getNewAddress configured');
        const result = getNewAddress();
        return typeof result === 'string' ? of(result as A) : from(result as ObservableInput<A>);
      }).pipe(
        first(),
        map((addr): ConnActionInput<A, C> => ({ type: 'addressResolved', id, addr })),
        catchError((error: unknown) =>
          of<ConnActionInput<A, C>>({ type: 'addressFailed', id, error: error instanceof EmptyError ? new NoAddressError() : error }),
        ),
      );
    }),
  );
}
