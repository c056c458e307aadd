import { Observable, from, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

/**
 * Like `switchMap`, but one lane per key: each source value with a key ends the inner
 * subscription running for that key (if any) and, when `project` returns an input, starts a
 * new one. Values whose key is `undefined` pass by untouched.
 *
 * This is how per-request effects follow a request's stage: every stage change of request 7 is
 * an event keyed 7, so a dial, a retry timer or a close watcher lives exactly as long as the
 * stage that asked for it. O(1) per value, whatever the number of live keys (a `takeUntil` per
 * inner would cost O(keys) per value). Unsubscribing the result ends every lane.
 *
 * @example
 * events$.pipe(switchMapByKey(
 *   (e) => e.req?.id,
 *   (e) => (e.type === 'dialing' ? dial(e.addr) : undefined),
 * ));
 */
export function switchMapByKey<T, K, R>(
  keyOf: (value: T) => K | undefined,
  project: (value: T) => ObservableInput<R> | undefined,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const lanes = new Map<K, Subscription>();
      let sourceDone = false;
      const completeIfIdle = () => {
        if (sourceDone && lanes.size === 0) subscriber.complete();
      };
      const sourceSubscription = source.subscribe({
        next(value) {
          const key = keyOf(value);
          if (key === undefined) return;
          const previous = lanes.get(key);
          if (previous) {
            lanes.delete(key);
            previous.unsubscribe();
          }
          let input: ObservableInput<R> | undefined;
          try {
            input = project(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (input === undefined) return;
          let finished = false;
          // Not `const`: a synchronous inner completes inside `subscribe`, before `lane` is assigned,
          // and its callback must see `undefined` rather than hit the temporal dead zone.
          let lane: Subscription | undefined;
          // eslint-disable-next-line prefer-const -- see above
          lane = from(input).subscribe({
            next: (r) => subscriber.next(r),
            error: (error) => subscriber.error(error),
            complete: () => {
              finished = true;
              if (lane !== undefined && lanes.get(key) === lane) lanes.delete(key);
              completeIfIdle();
            },
          });
          // A synchronous inner has already finished: do not park it in the map.
          if (!finished && !lane.closed) lanes.set(key, lane);
        },
        error: (error) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          completeIfIdle();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        for (const lane of lanes.values()) lane.unsubscribe();
        lanes.clear();
      };
    });
}
