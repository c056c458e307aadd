import { Observable, from, type ObservableInput } from 'rxjs';
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
 * A value that is not an Observable, Promise or (non-string) iterable is taken as the address
 * itself — notably a string, which RxJS would otherwise iterate character by character.
 */
export function addressEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return event$.pipe(switchMapByKey(stageKey, addressStage(deps)));
}

/** The work `addressEffect` starts for one stage event (a `addressRequested`); undefined for other events. Shared with `requestEffect`. */
export function addressStage<A, C>(deps: EffectDeps<A, C>): (event: ConnEvent<A, C>) => Observable<ConnActionInput<A, C>> | undefined {
  return (event) => {
    if (event.type !== 'addressRequested') return undefined;
    const id = event.req.id;
    const getNewAddress = deps.getNewAddress;
    // Hand-written (first value, or a failure for an error or an empty source): once per attempt.
    return new Observable<ConnActionInput<A, C>>((subscriber) => {
      let settled = false;
      const resolved = (addr: A) => {
        if (settled) return;
        settled = true;
        subscriber.next({ type: 'addressResolved', id, addr });
        subscriber.complete();
      };
      const failed = (error: unknown) => {
        if (settled) return;
        settled = true;
        subscriber.next({ type: 'addressFailed', id, error });
        subscriber.complete();
      };
      try {
        if (!getNewAddress) throw new NoAddressError('no getNewAddress configured');
        const result = getNewAddress();
        if (!isObservableInput(result)) return resolved(result as A);
        return from(result as ObservableInput<A>).subscribe({
          next: resolved,
          error: failed,
          complete: () => failed(new NoAddressError()),
        });
      } catch (error) {
        return failed(error);
      }
    });
  };
}

/** Whether `value` is something `from()` should subscribe to, rather than an address. Strings are addresses. */
function isObservableInput(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string | symbol, unknown>;
  return (
    typeof v['subscribe'] === 'function' ||
    typeof v['then'] === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function' ||
    typeof v[Symbol.iterator] === 'function' ||
    typeof v['getReader'] === 'function'
  );
}
