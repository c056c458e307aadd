import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/** A timer in the queue. Cancelled timers stay until popped (lazy deletion keeps cancel O(1)). */
interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/** The clock's queue as its actions see it. */
interface TimerQueue {
  add(delay: number, fire: () => void): Timer;
  cancel(timer: Timer): void;
}

/** Options of {@link VirtualClock.run}. */
export interface VirtualRunOptions {
  /** Virtual time (ms) not to go past: timers due later stay queued. Default: no limit. */
  readonly until?: number;
  /** Checked after every timer: `true` ends the run early (e.g. "every peer is back"). */
  readonly stopWhen?: () => boolean;
  /** Most timers to fire, a guard against a run that never goes idle. Default 10,000,000. */
  readonly maxSteps?: number;
}

/**
 * One scheduled piece of work on a {@link VirtualClock}; rescheduling (`this.schedule(state,
 * delay)`) replaces its pending timer, as RxJS's own actions do.
 */
class VirtualClockAction<T> extends Subscription implements SchedulerAction<T> {
  #timer: Timer | undefined;

  constructor(
    private readonly queue: TimerQueue,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super();
    this.add(() => this.#cancel());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.#cancel();
    // NaN or a negative delay means "now", as with real timers; Infinity means never.
    this.#timer = this.queue.add(delay > 0 ? delay : 0, () => {
      this.#timer = undefined;
      if (!this.closed) this.work.call(this, state);
    });
    return this;
  }

  #cancel(): void {
    if (this.#timer) this.queue.cancel(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * A scheduler in virtual time that promise-based code can live in: minutes of simulated time
 * run in a moment, and `await`/`.then` callbacks still run where they would in real time.
 *
 * `run()` fires timers in time order (ties in scheduling order) and, after each one, lets the
 * microtask queue drain (one `setImmediate` hop) before the next — just as Node runs promise
 * callbacks between two timer callbacks. So a dialer that returns a Promise resolved by a
 * virtual timer, or a hand-written manager built on `async` functions, behaves as it would in
 * real time. (RxJS's `VirtualTimeScheduler` fires everything synchronously, which leaves
 * promise callbacks until the very end, and re-sorts its whole queue on every schedule; this
 * one keeps a binary heap.)
 *
 * Pass it as a `ConnManager`'s `scheduler`, and make every timer of the code under test go
 * through it. Real timers (a stray `setTimeout`) are not virtualised.
 *
 * @example
 * const clock = new VirtualClock();
 * const cm = new ConnManager({ dial, scheduler: clock });
 * cm.start();
 * await clock.run({ until: 60_000 }); // a simulated minute
 */
export class VirtualClock implements SchedulerLike {
  #now: number;
  #seq = 0;
  readonly #heap: Timer[] = [];
  #live = 0;
  readonly #queue: TimerQueue = {
    add: (delay, fire) => {
      const timer: Timer = { at: this.#now + delay, seq: this.#seq++, fire, cancelled: false };
      this.#live++;
      this.#push(timer);
      return timer;
    },
    cancel: (timer) => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.#live--;
    },
  };

  /** @param start - the virtual time to start at, ms. Default 0. */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current virtual time, ms. */
  now(): number {
    return this.#now;
  }

  /** Timers still due (cancelled ones not counted). */
  get pending(): number {
    return this.#live;
  }

  /** RxJS's scheduler entry point: runs `work` after `delay` virtual ms. */
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new VirtualClockAction<T>(this.#queue, work).schedule(state, delay);
  }

  /**
   * Fires due timers in order until none is left, `until` is reached (the clock then reads
   * `until`), `stopWhen()` says so, or `maxSteps` timers have fired. Resolves when it stops.
   */
  async run(options: VirtualRunOptions = {}): Promise<void> {
    const until = options.until ?? Infinity;
    const maxSteps = options.maxSteps ?? 10_000_000;
    let steps = 0;
    let stoppedEarly = false;
    await drainMicrotasks();
    for (;;) {
      if (steps >= maxSteps || (options.stopWhen?.() ?? false)) {
        stoppedEarly = true;
        break;
      }
      const next = this.#heap[0];
      if (next === undefined || next.at > until) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#queue.cancel(next); // fired: no longer pending
      this.#now = next.at;
      steps++;
      next.fire();
      await drainMicrotasks();
    }
    // Idle up to `until`: time passes even when nothing happens.
    if (!stoppedEarly && until !== Infinity && until > this.#now) this.#now = until;
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right]!, heap[left]!) ? right : left;
      if (!earlier(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** One macrotask hop: every promise callback queued so far (and those they queue) has run. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
