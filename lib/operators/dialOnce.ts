import { Observable, from, type ObservableInput, type Subscription } from 'rxjs';
import { EmptyDialError } from '../model/errors.js';

/** What a dial function receives besides the address. */
export interface DialContext {
  /**
   * Aborted when the manager no longer wants this dial (canceled, timed out, stopped). Only dial
   * functions declared with a second parameter get a live one (creating it costs a few µs per
   * dial); others get a shared signal that never aborts.
   */
  readonly signal: AbortSignal;
}

/** A user's dial function: any ObservableInput of a connection (Observable, Promise, …). */
export type DialFunction<A, C> = (addr: A, context: DialContext) => ObservableInput<C>;

/**
 * One dial as a cold Observable that emits the connection once and completes, and never leaks one:
 *
 * - a dial that throws synchronously, rejects or errors → an error notification;
 * - a dial that completes without a value → `EmptyDialError`;
 * - a dial that emits more than once → the first conn wins, the others are closed with `closeConn`
 *   (the source stays subscribed after the first conn until it completes, so late extras are
 *   caught too — a dial Observable should complete after its conn, as `tcpDial` does);
 * - unsubscribing before the result (cancel, timeout, stop) aborts `context.signal`, and a
 *   conn that still arrives later (a promise cannot be cancelled) is closed, not dropped.
 *
 * `defer`-like: `dial` is called on each subscription, so `retry` re-dials instead of re-using
 * one promise.
 */
export function dialOnce<A, C>(dial: DialFunction<A, C>, addr: A, closeConn: (conn: C) => void): Observable<C> {
  return new Observable<C>((subscriber) => {
    // An AbortController costs a few µs: made only for dial functions that take the context.
    const controller = dial.length >= 2 ? new AbortController() : undefined;
    let settled = false;
    let abandoned = false;
    const closeQuietly = (conn: C) => {
      try {
        closeConn(conn);
      } catch {
        // The conn is unwanted either way; a failing close must not resurrect it.
      }
    };
    let input: ObservableInput<C>;
    try {
      input = dial(addr, controller ? { signal: controller.signal } : NO_CONTEXT);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    let source: Subscription | undefined;
    try {
      source = from(input).subscribe({
        next(conn) {
          if (settled || abandoned) return closeQuietly(conn);
          settled = true;
          subscriber.next(conn);
          subscriber.complete();
        },
        error(error) {
          if (settled || abandoned) return;
          settled = true;
          subscriber.error(error);
        },
        complete() {
          if (settled || abandoned) return;
          settled = true;
          subscriber.error(new EmptyDialError(addr));
        },
      });
    } catch (error) {
      // `from` throws for values that are not ObservableInput (e.g. a dial returning undefined).
      settled = true;
      subscriber.error(error);
      return;
    }
    return () => {
      if (settled) return; // after a success the source runs on, so that extra conns it emits get closed
      abandoned = true;
      controller?.abort();
      // A promise keeps its callbacks: the flag above makes it close a late conn. For an
      // Observable source, unsubscribing is the cancellation.
      if (!isPromiseLike(input)) source?.unsubscribe();
    };
  });
}

/**
 * The context given to a dial declared with fewer than two parameters (it does not read it): a
 * shared signal that never aborts, so such dials cannot be canceled through it.
 */
const NO_CONTEXT: DialContext = Object.freeze({ signal: new AbortController().signal });

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
