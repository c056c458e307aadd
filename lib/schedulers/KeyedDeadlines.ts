import type { SchedulerLike, Subscription } from 'rxjs';
import { schedulePending } from './schedulePending.js';

/**
 * What {@link KeyedDeadlines} does with a key whose deadline has come: return `undefined` to drop
 * the key, or a later deadline to keep waiting (the key was not ready after all).
 */
export type DeadlineDue<K> = (key: K, now: number) => number | undefined;

/**
 * One deadline per key, all served by a single scheduler timer, armed for the earliest of them.
 *
 * Why: a per-key timer (one per peer, say) lives as long as its deadline, so keys that come and go
 * quickly pile up timers — the pile of issue #16, where each peer that had sent an `addr` kept a
 * release timer for up to 10,000 s after it left. Here the count of timers is 0 or 1 whatever the
 * number of keys. Deadlines may have any lengths (unlike {@link TimeoutList}'s, which all last the
 * same), so firing scans every key: O(keys) per wake-up, for sets the size of a peer table.
 * Moving a key's deadline later leaves the timer alone (it wakes, finds nothing due, re-arms);
 * moving it earlier than the timer re-arms it. With no keys left the timer is canceled.
 *
 * Time comes from the scheduler, so virtual time works: a `TestScheduler` runs `due` exactly at
 * each deadline (rounded up to a whole ms).
 *
 * @example
 * const releases = new KeyedDeadlines<string>(scheduler, (key, now) => (limiter.release(key, now) ? undefined : limiter.fullAt(key)));
 * releases.set('1.2.3.4:8333', limiter.fullAt('1.2.3.4:8333')!);
 * releases.delete('1.2.3.4:8333'); // the peer left: nothing to wait for
 */
export class KeyedDeadlines<K> {
  readonly #deadlines = new Map<K, number>();
  #timer: Subscription | undefined;
  /** The deadline the pending timer was armed for; `Infinity` when none is pending. */
  #armedFor = Infinity;
  #firing = false;

  /**
   * @param scheduler - the clock and the timer.
   * @param due - called once a key's deadline has passed, the key still in the set; a deadline it
   * returns should be later than `now` (an earlier one is retried on the next turn).
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly due: DeadlineDue<K>,
  ) {}

  /** Keys waiting. */
  get size(): number {
    return this.#deadlines.size;
  }

  /** The keys waiting, in the order they were first set. */
  keys(): IterableIterator<K> {
    return this.#deadlines.keys();
  }

  /** Sets (or moves) `key`'s deadline to `at`, in scheduler time. */
  set(key: K, at: number): void {
    this.#deadlines.set(key, at);
    if (!this.#firing && at < this.#armedFor) this.#arm(at);
  }

  /** Forgets `key` (nothing if it is not waiting); the timer goes with the last key. */
  delete(key: K): void {
    if (this.#deadlines.delete(key) && this.#deadlines.size === 0) this.#cancel();
  }

  /** Forgets every key and cancels the timer. */
  clear(): void {
    this.#deadlines.clear();
    this.#cancel();
  }

  #cancel(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #arm(at: number): void {
    this.#cancel();
    this.#armedFor = at;
    // Undefined when the scheduler ran #fire at once: it has done its own bookkeeping then.
    const timer = schedulePending(this.scheduler, () => this.#fire(), Math.max(0, Math.ceil(at - this.scheduler.now())));
    if (timer !== undefined) this.#timer = timer;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = this.scheduler.now();
    this.#firing = true;
    try {
      // Deleting or re-setting keys already in a Map while iterating it is well defined.
      for (const [key, at] of this.#deadlines) {
        if (at > now) continue;
        const next = this.due(key, now);
        if (next === undefined) this.#deadlines.delete(key);
        else this.#deadlines.set(key, next);
      }
    } finally {
      this.#firing = false;
      let earliest = Infinity;
      for (const at of this.#deadlines.values()) if (at < earliest) earliest = at;
      if (earliest !== Infinity && this.#timer === undefined) this.#arm(earliest);
    }
  }
}
