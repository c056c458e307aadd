import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Delivers values one at a time, never re-entrantly: a value that arrives while the previous one
 * is still being delivered (a subscriber that, in its `next`, makes the source emit again) is
 * queued and delivered right after, on the same stack frame's loop. Outside a delivery a value goes
 * through synchronously.
 *
 * This is what `observeOn(queueScheduler)` does for the manager's action loop, without an action
 * object and a subscription per value, and with a queue per subscription rather than RxJS's one
 * global trampoline (so two managers never wait on each other). A storm of synchronous feedback
 * cannot grow the stack.
 *
 * @example
 * actions$.pipe(trampoline(), scan(reduce, initial))
 */
export function trampoline<T>(): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const queue: T[] = [];
      let head = 0;
      let draining = false;
      return source.subscribe({
        next(value) {
          queue.push(value);
          if (draining) return;
          draining = true;
          try {
            while (head < queue.length && !subscriber.closed) {
              const next = queue[head]!;
              queue[head++] = undefined as T; // release it to the GC
              subscriber.next(next);
            }
          } finally {
            queue.length = 0;
            head = 0;
            draining = false;
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
