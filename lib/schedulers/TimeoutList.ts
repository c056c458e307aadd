import type { SchedulerLike, Subscription } from 'rxjs';
import { schedulePending } from './schedulePending.js';

/**
 * Something a {@link TimeoutList} can time out. The object is its own list node (the three
 * `timeout*` fields belong to the list), so arming a timeout allocates nothing.
 */
export interface Expirable {
  /** Called once when the timeout is due, after the object has left the list. */
  expire(): void;
  timeoutPrev: Expirable | undefined;
  timeoutNext: Expirable | undefined;
  /** Scheduler time at which it expires; `NaN` while not in a list. */
  timeoutDeadline: number;
}

/**
 * Many timeouts of one length on one scheduler timer. Because every timeout lasts `delay`, the
 * deadlines come in the order they were added: the list is a FIFO, adding and removing are O(1),
 * and a single scheduled action, set for the head's deadline, serves them all.
 *
 * Why: the manager arms a dial timeout for every attempt and cancels it a moment later in a
 * retry storm. A scheduler action (and a Node timer) per attempt was a measurable part of each
 * attempt; here one timer is re-armed at most once per expiry of the head. When the head is
 * removed early, the timer is left to fire at the old deadline and re-arms for the new head — a
 * wasted wake-up at most once per `delay`, instead of a timer per attempt. That holds for the last
 * item too: an emptied list keeps its timer, which fires once with nothing due and ends. A storm
 * empties the list every turn (all its dials fail at once) and fills it again in the next; canceling
 * and setting a Node timer each time (two calls into libuv) was 16–22 % of an attempt with an async dial.
 * So call {@link TimeoutList.clear} when you are done with a list: it cancels the timer at once,
 * and an idle list then holds nothing.
 *
 * Time comes from the scheduler, so virtual time works (a `TestScheduler` fires each timeout
 * exactly `delay` after it was added). Should the clock step back, a deadline is never set
 * before the one ahead of it, so order holds and a timeout is late by at most the step.
 *
 * @example
 * const timeouts = new TimeoutList(scheduler, 30_000);
 * timeouts.add(attempt);    // attempt.expire() in 30 s…
 * timeouts.remove(attempt); // …unless it settles first
 */
export class TimeoutList {
  #head: Expirable | undefined;
  #tail: Expirable | undefined;
  #timer: Subscription | undefined;
  #firing = false;
  #size = 0;

  /** @param delay - ms every timeout lasts; finite, ≥ 0 (clamp to what the scheduler honours first). */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly delay: number,
  ) {}

  /** Timeouts waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Starts `item`'s timeout. An item already in a list is left as it is.
   * @param given - the scheduler's time, when the caller already has it (a clock read saved); default `scheduler.now()`.
   */
  add(item: Expirable, given?: number): void {
    if (!Number.isNaN(item.timeoutDeadline)) return;
    const now = given ?? this.scheduler.now();
    const tail = this.#tail;
    item.timeoutDeadline = tail === undefined ? now + this.delay : Math.max(now + this.delay, tail.timeoutDeadline);
    item.timeoutPrev = tail;
    item.timeoutNext = undefined;
    if (tail === undefined) this.#head = item;
    else tail.timeoutNext = item;
    this.#tail = item;
    this.#size++;
    // The timer is set against the clock itself (a given time may be a moment old); it is armed
    // only when the list was idle, not on every add.
    if (this.#timer === undefined && !this.#firing) this.#arm(given === undefined ? now : this.scheduler.now());
  }

  /**
   * Cancels `item`'s timeout; nothing if it is not waiting (expired, removed, never added). The
   * list's timer stays armed, also when this was the last item (see the class comment).
   */
  remove(item: Expirable): void {
    if (Number.isNaN(item.timeoutDeadline)) return;
    this.#unlink(item);
  }

  /**
   * Cancels every waiting timeout (none of them expires) and the list's timer: what a list's owner
   * calls when it stops, so that nothing is left scheduled. The list can be used again after.
   */
  clear(): void {
    while (this.#head !== undefined) this.#unlink(this.#head);
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }

  #unlink(item: Expirable): void {
    const { timeoutPrev: prev, timeoutNext: next } = item;
    if (prev === undefined) this.#head = next;
    else prev.timeoutNext = next;
    if (next === undefined) this.#tail = prev;
    else next.timeoutPrev = prev;
    item.timeoutPrev = undefined;
    item.timeoutNext = undefined;
    item.timeoutDeadline = NaN;
    this.#size--;
  }

  #arm(now: number): void {
    const head = this.#head;
    if (head === undefined) return;
    // Undefined when the scheduler ran #fire at once: it has done its own bookkeeping then.
    const timer = schedulePending(this.scheduler, () => this.#fire(), Math.max(0, head.timeoutDeadline - now));
    if (timer !== undefined) this.#timer = timer;
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.scheduler.now();
    this.#firing = true;
    try {
      for (let head = this.#head; head !== undefined && head.timeoutDeadline <= now; head = this.#head) {
        this.#unlink(head);
        // expire() may add or remove others (a timed-out dial is replaced by a new one): the
        // loop re-reads the head each time, and the timer is armed once, after it.
        head.expire();
      }
    } finally {
      this.#firing = false;
      if (this.#timer === undefined) this.#arm(now);
    }
  }
}
