import { BehaviorSubject, filter, map, take, type Observable } from 'rxjs';

/**
 * Whether the node's P2P networking is on (Core's `setnetworkactive`), as a value the node's
 * parts read: the accept edge refuses while it is off, the dialer refuses to dial, and the
 * manager's `getNewAddress` waits — so automatic requests made while it is off sit in their
 * address stage and dial only once it is back on.
 */
export class NetworkActivity {
  readonly #active = new BehaviorSubject(true);
  /** The current value, then every change. Completes on `close()`. */
  readonly active$: Observable<boolean> = this.#active.asObservable();

  /** Whether networking is on now. */
  get active(): boolean {
    return this.#active.value;
  }

  /** Switches networking on or off; returns whether it changed. */
  set(active: boolean): boolean {
    if (active === this.#active.value) return false;
    this.#active.next(active);
    return true;
  }

  /** `produce()` now when networking is on, else an Observable of it the moment it is back on. */
  whenActive<T>(produce: () => T): T | Observable<T> {
    if (this.active) return produce();
    return this.#active.pipe(filter(Boolean), take(1), map(produce));
  }

  /** Completes `active$` (the node's `stop()`). */
  close(): void {
    this.#active.complete();
  }
}
