import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * One scheduled piece of work: runs once, or again each time the work reschedules itself
 * (`this.schedule(state, delay)`), which is how RxJS builds `timer`, `interval` and friends.
 */
class ImmediateAction<T> extends Subscription implements SchedulerAction<T> {
  #immediate: NodeJS.Immediate | undefined;
  #timeout: NodeJS.Timeout | undefined;

  constructor(private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super();
    this.add(() => this.#cancel());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.#cancel();
    if (delay > 0) this.#timeout = setTimeout(() => this.#run(state), delay);
    else this.#immediate = setImmediate(() => this.#run(state));
    return this;
  }

  #run(state: T | undefined): void {
    this.#immediate = undefined;
    this.#timeout = undefined;
    if (this.closed) return;
    try {
      this.work.call(this, state);
    } catch (error) {
      // As RxJS's own actions do: a failed action is dead, and the error surfaces.
      this.unsubscribe();
      throw error;
    }
  }

  #cancel(): void {
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    if (this.#timeout !== undefined) clearTimeout(this.#timeout);
    this.#immediate = undefined;
    this.#timeout = undefined;
  }
}

/**
 * A scheduler like RxJS's `asyncScheduler`, except that a delay of 0 runs on the next turn of
 * the event loop with `setImmediate` instead of `setInterval(fn, 0)`, which Node clamps to 1 ms.
 * Positive delays use `setTimeout`; `now()` is `Date.now()`, as for `asyncScheduler`.
 *
 * Why it matters: a `ConnManager` schedules each replacement of a failed automatic connection
 * with a 0 delay, so that a storm of instant failures yields to I/O. On `asyncScheduler` each
 * yield costs at least 1 ms of idle time (8 connections ⇒ at most ~8,000 attempts per second);
 * here a yield costs one event-loop turn, and I/O still runs between attempts (setImmediate
 * callbacks run after the poll phase, unlike microtasks, which would starve it).
 *
 * @example
 * const cm = new ConnManager({ dial, getNewAddress, scheduler: immediateScheduler });
 */
export const immediateScheduler: SchedulerLike = Object.freeze({
  now: (): number => Date.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ImmediateAction<T>(work).schedule(state, delay);
  },
});
