import { Observable, type Subscription } from 'rxjs';
import { schedulePending } from '../schedulers/schedulePending.js';
import type { ConnActionInput, RefillRequest } from '../model/actions.js';
import type { AddressContext } from '../model/AddressContext.js';
import type { AddressLookup } from '../model/AddressLookup.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { MAX_TIMER_DELAY, type EffectDeps } from './Effect.js';
import { contextOf, lookUpAddress } from './lookUpAddress.js';
import { probeSource } from './probeSource.js';
import { sendWhenSettled } from './sendWhenSettled.js';
import { isPromiseLike } from '../operators/isPromiseLike.js';

const ignore = (): void => {};

/**
 * Should the reducer drop a request (a refill that finds the target met), nobody would ever wait
 * on its promise: a rejection must not go unhandled. For a batch sent at once; one that waits for
 * its promises (`sendWhenSettled`) handles them itself.
 */
function quietRejections<A>(requests: readonly RefillRequest<A>[]): void {
  for (const { lookup } of requests) if (lookup?.kind === 'source' && lookup.source instanceof Promise) lookup.source.catch(ignore);
}

/**
 * Carries out `refillScheduled` events: after the delay (0 = the next turn of the scheduler),
 * makes that many automatic requests of the event's class, each with its address already asked of `getNewAddress`
 * (`AddressLookup`), and hands them over in one `refill` action — folded in one reducer step —
 * or, when `getNewAddress` reads the state (`deps.lookupsReadState`), one `refill` per request. Going through the scheduler even for 0 is what keeps a
 * storm of instantly failing dials from growing the stack or starving I/O. A batch whose
 * chooser returned native promises is sent one microtask checkpoint later, with the promises
 * that settled by then as addresses at hand (`sendWhenSettled`).
 *
 * Every 0-delay refill asked for before the next turn shares one scheduled action — in a storm
 * that is one per turn of the event loop rather than one per failure. A refill asked for while
 * that action runs waits for the turn after, so a storm still yields between rounds. Positive
 * delays (the throttle) get a timer each.
 */
export function refillEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return new Observable<ConnActionInput<A, C>>((subscriber) => {
    const { getNewAddress } = deps;
    /** Address sources subscribed by probeSource that have not answered nor been handed over yet. */
    const probes = new Set<Subscription>();
    const make = (count: number, connClass: string): void => {
      const context = contextOf(connClass);
      let requests: RefillRequest<A>[] = [];
      for (let i = 0; i < count && !subscriber.closed; i++) {
        const req = deps.newRequest(connClass);
        requests.push(getNewAddress === undefined ? { req } : { req, lookup: ask(getNewAddress, context) });
        // A chooser that reads the state must see each pick folded before it makes the next one
        // (the groups in use, say): then every request is a batch of its own, sent at once.
        const readsState = deps.lookupsReadState?.() === true;
        if (i === count - 1 || readsState) {
          if (readsState) {
            quietRejections(requests);
            send(requests);
          } else if (!sendWhenSettled(requests, send)) send(requests);
          requests = [];
        }
      }
    };
    const send = (requests: RefillRequest<A>[]): void => {
      if (!subscriber.closed) subscriber.next({ type: 'refill', requests });
    };
    /**
     * The address is asked for as the request is made (see AddressLookup): one at hand saves the
     * reducer two steps per replacement.
     */
    const ask = (lookUp: NonNullable<typeof getNewAddress>, context: AddressContext): AddressLookup<A> => {
      const lookup = lookUpAddress(lookUp, context);
      // A promise goes as it is: its rejection is handled where its batch is sent (see `make`).
      if (lookup.kind !== 'source' || isPromiseLike(lookup.source)) return lookup;
      // An Observable or iterable may answer at once (`of(addr)`): then it is at hand too.
      return probeSource(lookup.source, probes);
    };
    let nextTurn = 0;
    /** The next turn's requests of named classes (the default class's are `nextTurn`), in arrival order. */
    let nextTurnClasses: Map<string, number> | undefined;
    let nextTurnAction: Subscription | undefined;
    const runNextTurn = (): void => {
      const count = nextTurn;
      const classes = nextTurnClasses;
      nextTurn = 0;
      nextTurnClasses = undefined;
      nextTurnAction = undefined;
      make(count, DEFAULT_CONN_CLASS);
      if (classes !== undefined) for (const [connClass, n] of classes) make(n, connClass);
    };
    const delayed = new Set<Subscription>();
    const events = event$.subscribe({
      next(event) {
        if (event.type !== 'refillScheduled') return;
        const { count, delay } = event;
        const connClass = event.connClass ?? DEFAULT_CONN_CLASS;
        if (delay <= 0) {
          if (connClass === DEFAULT_CONN_CLASS) nextTurn += count;
          else (nextTurnClasses ??= new Map()).set(connClass, (nextTurnClasses.get(connClass) ?? 0) + count);
          if (nextTurnAction !== undefined) return;
          // Undefined when the scheduler ran the batch at once (then nothing is pending).
          const action = schedulePending(deps.scheduler, runNextTurn, 0);
          if (action !== undefined) nextTurnAction = action;
          return;
        }
        let timer: Subscription | undefined = undefined;
        timer = schedulePending(
          deps.scheduler,
          () => {
            if (timer !== undefined) delayed.delete(timer);
            make(count, connClass);
          },
          Math.min(delay, MAX_TIMER_DELAY),
        );
        if (timer !== undefined) delayed.add(timer);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      events.unsubscribe();
      nextTurnAction?.unsubscribe();
      for (const timer of delayed) timer.unsubscribe();
      delayed.clear();
      const pending = [...probes];
      probes.clear();
      for (const probe of pending) probe.unsubscribe();
    };
  });
}
