import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The timer functions the hand-written baseline uses. By default Node's own; in a virtual-time
 * benchmark, the same calls are routed to a scheduler (see {@link timersOf}), so the baseline runs
 * unchanged in a herd that simulates minutes in a moment.
 */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate(fn: () => void): unknown;
}

/** Node's timers, as a user writing a manager by hand would call them. */
export const nodeTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (fn) => setImmediate(fn),
};

/** Node-style timers on an RxJS scheduler (a virtual clock in the herd). `setImmediate` is a 0-delay action. */
export function timersOf(scheduler: SchedulerLike): Timers {
  return {
    now: () => scheduler.now(),
    setTimeout: (fn, ms) => scheduler.schedule(fn, ms),
    clearTimeout: (handle) => (handle as Subscription).unsubscribe(),
    setImmediate: (fn) => scheduler.schedule(fn, 0),
  };
}
