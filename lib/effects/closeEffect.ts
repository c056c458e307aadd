import { Observable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import type { EffectDeps } from './Effect.js';

/**
 * Which conn an event asks to close: one the manager lets go of (disconnect, remove, stop), an
 * inbound conn over the limit, or a late dial result. A conn that closed by itself is not closed
 * again — every conn is closed exactly once.
 */
export function connToClose<A, C>(event: ConnEvent<A, C>): C | undefined {
  switch (event.type) {
    case 'disconnected':
      return event.reason === 'closed' ? undefined : event.conn;
    case 'inboundClosed':
      return event.reason === 'closed' ? undefined : event.conn;
    case 'rejected':
    case 'discarded':
      return event.conn;
    default:
      return undefined;
  }
}

/**
 * Closes the conns the events let go of (`connToClose`); a `closeConn` that throws is reported as
 * `callbackFailed`, never fatal. Written as a plain subscriber: it sees every event, and most
 * close nothing, so it allocates nothing for them.
 */
export function closeEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return new Observable<ConnActionInput<A, C>>((subscriber) =>
    event$.subscribe({
      next(event) {
        const conn = connToClose(event);
        if (conn === undefined) return;
        try {
          deps.closeConn(conn);
        } catch (error) {
          subscriber.next({ type: 'callbackFailed', source: 'closeConn', error });
        }
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
}
