import { from, type Observable, type ObservableInput, type Subscription, type Unsubscribable } from 'rxjs';
import { guard } from '../operators/guard.js';
import { isPromiseLike } from '../operators/isPromiseLike.js';
import type { AddressAnswer, ConnActionInput } from '../model/actions.js';
import { NoNewAddressError } from '../model/errors.js';
import { contextOf, lookUpAddress } from './lookUpAddress.js';
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
  const answers = new PromisedAnswers<A, C>();
  return (event, emit) => {
    if (event.type !== 'addressRequested') return undefined;
    const id = event.req.id;
    // Looked up already when the refill effect made the request; otherwise now.
    const lookup = event.lookup ?? lookUpAddress(deps.getNewAddress, contextOf(event.req.connClass));
    if (lookup.kind === 'address') {
      emit({ type: 'addressResolved', id, addr: lookup.addr });
      return undefined;
    }
    if (lookup.kind === 'failed') {
      emit({ type: 'addressFailed', id, error: lookup.error });
      return undefined;
    }
    const result = lookup.source;
    // A promise: `.then` directly (as `startDial` does), its handle a flag that drops a late answer.
    if (isPromiseLike(result)) return new PendingLookup<A>(result, id, (answer) => answers.add(answer, emit));
    // Any other source: its first value, or a failure for an error or an empty source.
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
        // Built only if nothing came first: every source that answered completes too, and an
        // Error per attempt (its stack capture) was 38 % of a storm with an Observable source.
        complete: () => {
          if (!settled) settle({ type: 'addressFailed', id, error: new NoNewAddressError() });
        },
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

/**
 * Promised addresses that settled, gathered until the microtask checkpoint they settled in is
 * done, then handed over in one `addressesAnswered` action (one reducer step), or alone as their
 * own action. A turn's refills ask a Promise-returning `getNewAddress` together and its promises
 * settle together: one step for all instead of one each. Promises already settle in microtasks,
 * so the answer comes one microtask later, within the same turn.
 */
class PromisedAnswers<A, C> {
  #pending: AddressAnswer<A>[] = [];

  add(answer: AddressAnswer<A>, emit: (action: ConnActionInput<A, C>) => void): void {
    const pending = this.#pending;
    pending.push(answer);
    if (pending.length !== 1) return;
    queueMicrotask(() => {
      this.#pending = [];
      guard(() => emit(pending.length === 1 ? pending[0]! : { type: 'addressesAnswered', answers: pending }));
    });
  }
}

/** A lookup waiting on a promise: it answers once, unless stopped first. */
class PendingLookup<A> implements Unsubscribable {
  #over = false;

  constructor(promise: PromiseLike<A>, id: number, answer: (answer: AddressAnswer<A>) => void) {
    promise.then(
      (addr) => {
        if (this.#over) return;
        this.#over = true;
        answer({ type: 'addressResolved', id, addr }); // only gathered: the handover is guarded
      },
      (error: unknown) => {
        if (this.#over) return;
        this.#over = true;
        answer({ type: 'addressFailed', id, error });
      },
    );
  }

  unsubscribe(): void {
    this.#over = true;
  }
}
