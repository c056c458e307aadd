import { Observable, type OperatorFunction, type Unsubscribable } from 'rxjs';

/**
 * Work started for one source value. It reports results through `emit` (synchronously or later)
 * and returns what stops it while it still runs — or `undefined` when it is already over, or
 * has nothing to stop. It must not emit after being stopped.
 */
export type KeyedWork<T, R> = (value: T, emit: (result: R) => void) => Unsubscribable | undefined;

/**
 * `switchMapByKey` for callback-shaped work: one lane per key, each keyed source value stops
 * the work running for its key (if any) and starts `work(value, emit)`. Values whose key is
 * `undefined` pass by untouched. Unsubscribing the result stops every lane, and so does the
 * source's completion (it completes the result): work has no completion of its own, only a stop,
 * and once the values have ended nothing would ever stop it.
 *
 * Why it exists beside `switchMapByKey`: a lane here is one map entry holding what the work
 * returned — no inner Observable, Subscriber and Subscription per stage. The manager starts a
 * stage per dial attempt and keeps one per live connection, so that is its CPU per attempt and
 * its memory per connection.
 *
 * A lane whose work has finished stays in the map until its key's next value replaces it (the
 * manager's next stage event for that request always comes, and its last one ends the lane).
 * A `work` that throws errors the result.
 *
 * @example
 * events$.pipe(switchWorkByKey(
 *   (e) => e.req?.id,
 *   (e, emit) => (e.type === 'retryScheduled' ? scheduler.schedule(() => emit(retryDue(e)), e.delay) : undefined),
 * ));
 */
export function switchWorkByKey<T, K, R>(keyOf: (value: T) => K | undefined, work: KeyedWork<T, R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const lanes = new Map<K, Unsubscribable>();
      const emit = (result: R): void => subscriber.next(result);
      const sourceSubscription = source.subscribe({
        next(value) {
          const key = keyOf(value);
          if (key === undefined) return;
          const previous = lanes.get(key);
          if (previous !== undefined) {
            lanes.delete(key);
            previous.unsubscribe();
          }
          let running: Unsubscribable | undefined;
          try {
            running = work(value, emit);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (running === undefined) return;
          // A value for the same key fed back while the work ran (its emit reached a subscriber
          // that pushed into the source) has already started newer work: this one is superseded.
          if (lanes.has(key)) running.unsubscribe();
          else lanes.set(key, running);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        sourceSubscription.unsubscribe();
        const running = [...lanes.values()];
        lanes.clear();
        for (const lane of running) lane.unsubscribe();
      };
    });
}
