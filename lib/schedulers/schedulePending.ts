import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * `scheduler.schedule(work, delay)`, returning the action only while it is still pending:
 * `undefined` when the scheduler ran `work` inside `schedule()` already (`queueScheduler` does
 * for a 0 ms delay outside a flush). Code that keeps "the timer I armed" must not keep a finished
 * action as a live one — it would never arm again.
 *
 * @example
 * this.timer = schedulePending(scheduler, () => this.fire(), delay); // fire() may set this.timer itself
 */
export function schedulePending(scheduler: SchedulerLike, work: () => void, delay: number): Subscription | undefined {
  let ran = false;
  const action = scheduler.schedule(() => {
    ran = true;
    work();
  }, delay);
  return ran ? undefined : action;
}
