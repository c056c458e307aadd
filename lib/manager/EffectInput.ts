import { Observable, type Subscriber } from 'rxjs';

/**
 * The manager's feed of events into one effect: a hot Observable whose `next` hands a value
 * straight to each current subscriber, in subscription order — a Subject's delivery without a
 * Subject's per-value costs (the error-context wrapper, the closed/stopped checks, the observers
 * array copied on first delivery after a change). It never errors or completes: the manager
 * unsubscribes its effects on stop.
 *
 * Subscribers are kept in a copy-on-write array, so one that subscribes or unsubscribes during a
 * delivery changes the next delivery, not the current one (as with a Subject).
 *
 * @typeParam T - the values fed.
 * @example
 * const input = new EffectInput<ConnEvent<A, C>>();
 * const actions$ = effect(input.events$, state$, deps);
 * input.next(event); // delivered to the effect's subscription, synchronously
 */
export class EffectInput<T> {
  /** What the effect subscribes to. */
  readonly events$: Observable<T>;
  #subscribers: readonly Subscriber<T>[] = [];

  constructor() {
    this.events$ = new Observable<T>((subscriber) => {
      this.#subscribers = [...this.#subscribers, subscriber];
      return () => {
        this.#subscribers = this.#subscribers.filter((s) => s !== subscriber);
      };
    });
  }

  /** Whether any subscriber is there to receive a value. */
  get observed(): boolean {
    return this.#subscribers.length !== 0;
  }

  /** Delivers `value` to every current subscriber. */
  next(value: T): void {
    const subscribers = this.#subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }
}
