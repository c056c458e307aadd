import { Observable, from, type ObservableInput, type Subscriber, type Subscription } from 'rxjs';
import type { AddressLookup } from '../model/AddressLookup.js';
import { NoNewAddressError } from '../model/errors.js';

/**
 * Subscribes to an address source (what `getNewAddress` returned: an Observable, an iterable…)
 * at once, to see whether it answers synchronously, as `of(addr)` does: then its answer is at
 * hand (`address` or `failed`), and a refill can go straight to its dial. A source that has not
 * answered yet stays subscribed and is handed on as a `source` that replays its first answer to
 * one subscriber (the address effect) — never subscribed twice, so a lookup with side effects
 * (a DNS query) runs once.
 *
 * Until it is handed over, a pending probe is in `live`, so that its owner can end it on
 * teardown (a refill the reducer dropped would otherwise hold a source that never answers).
 *
 * @example
 * probeSource(of('a:1'), live); // { kind: 'address', addr: 'a:1' }
 * probeSource(timer(5).pipe(map(() => 'b:1')), live); // { kind: 'source', source: … } (in `live` until taken)
 */
export function probeSource<A>(source: ObservableInput<A>, live: Set<Subscription>): AddressLookup<A> {
  const probe = new SourceProbe<A>(source, live);
  return probe.outcome ?? { kind: 'source', source: probe.handover() };
}

class SourceProbe<A> {
  outcome: Exclude<AddressLookup<A>, { kind: 'source' }> | undefined = undefined;
  #subscription: Subscription | undefined = undefined;
  #listener: Subscriber<A> | undefined = undefined;

  constructor(
    source: ObservableInput<A>,
    private readonly live: Set<Subscription>,
  ) {
    try {
      this.#subscription = from(source).subscribe({
        next: (addr) => this.#settle({ kind: 'address', addr }),
        error: (error: unknown) => this.#settle({ kind: 'failed', error }),
        complete: () => {
          if (this.outcome === undefined) this.#settle({ kind: 'failed', error: new NoNewAddressError() });
        },
      });
    } catch (error) {
      this.#settle({ kind: 'failed', error });
    }
    if (this.outcome !== undefined)
      this.#subscription?.unsubscribe(); // it answered before `subscribe` returned
    else if (this.#subscription !== undefined) live.add(this.#subscription);
  }

  /** The pending probe as a one-subscriber Observable of its first answer. */
  handover(): Observable<A> {
    return new Observable<A>((subscriber) => {
      const subscription = this.#subscription;
      if (subscription !== undefined) this.live.delete(subscription); // its subscriber owns it now
      if (this.outcome !== undefined) this.#replay(subscriber);
      else this.#listener = subscriber;
      return () => {
        this.#listener = undefined;
        subscription?.unsubscribe();
      };
    });
  }

  #settle(outcome: Exclude<AddressLookup<A>, { kind: 'source' }>): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    const subscription = this.#subscription;
    if (subscription !== undefined) {
      this.live.delete(subscription);
      subscription.unsubscribe();
    }
    const listener = this.#listener;
    if (listener !== undefined) this.#replay(listener);
  }

  #replay(subscriber: Subscriber<A>): void {
    const outcome = this.outcome!;
    if (outcome.kind === 'address') {
      subscriber.next(outcome.addr);
      subscriber.complete();
    } else subscriber.error(outcome.error);
  }
}
