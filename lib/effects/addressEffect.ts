import { from, type Observable, type ObservableInput, type Subscription } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { NoNewAddressError } from '../model/errors.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { stageKey, type EffectDeps, type StageWork } from './Effect.js';

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
  return event$.pipe(switchWorkByKey(stageKey, addressStage(deps)));
}

/** The work `addressEffect` starts for one stage event (an `addressRequested`); nothing for other events. Shared with `requestEffect`. */
export function addressStage<A, C>(deps: EffectDeps<A, C>): StageWork<A, C> {
  return (event, emit) => {
    if (event.type !== 'addressRequested') return undefined;
    const id = event.req.id;
    const getNewAddress = deps.getNewAddress;
    let result: unknown;
    try {
      if (!getNewAddress) throw new NoNewAddressError('no getNewAddress configured');
      result = getNewAddress();
    } catch (error) {
      emit({ type: 'addressFailed', id, error });
      return undefined;
    }
    // The common case — a plain address — answers at once, with nothing to allocate or stop.
    if (!isObservableInput(result)) {
      emit({ type: 'addressResolved', id, addr: result as A });
      return undefined;
    }
    // A source: its first value, or a failure for an error or an empty source.
    let settled = false;
    const settle = (action: ConnActionInput<A, C>): void => {
      if (settled) return;
      settled = true;
      emit(action);
      source?.unsubscribe();
    };
    let source: Subscription | undefined;
    try {
      source = from(result as ObservableInput<A>).subscribe({
        next: (addr) => settle({ type: 'addressResolved', id, addr }),
        error: (error: unknown) => settle({ type: 'addressFailed', id, error }),
        complete: () => settle({ type: 'addressFailed', id, error: new NoNewAddressError() }),
      });
    } catch (error) {
      settle({ type: 'addressFailed', id, error });
    }
    if (settled) {
      source?.unsubscribe(); // it answered synchronously, before `source` was assigned
      return undefined;
    }
    return source;
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
