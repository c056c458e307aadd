import { Observable, from, type ObservableInput, type Subscription, type Unsubscribable } from 'rxjs';
import type { ConnReq } from '../model/ConnReq.js';
import { EmptyDialError } from '../model/errors.js';
import { guard } from './guard.js';
import { isPromiseLike } from './isPromiseLike.js';

/** What a dial function receives besides the address. */
export interface DialContext<A = unknown> {
  /**
   * Aborted when the manager no longer wants this dial (canceled, timed out, stopped). Only dial
   * functions declared with a second parameter get a live one (creating it costs a few µs per
   * dial); others get a shared signal that never aborts.
   */
  readonly signal: AbortSignal;
  /**
   * The request being dialed (its `connClass`, `permanent`, `id`): for a dial that behaves per
   * class (a Bitcoin node's block-relay-only peers get `relay = false`). Like `signal`, given only
   * to dial functions declared with a second parameter, and only by the manager.
   */
  readonly req?: ConnReq<A>;
}

/** A user's dial function: any ObservableInput of a connection (Observable, Promise, …). */
export type DialFunction<A, C> = (addr: A, context: DialContext<A>) => ObservableInput<C>;

/** Where {@link startDial} reports: exactly one of the two, at most once. */
export interface DialObserver<C> {
  /** The dial produced its conn. */
  dialed(conn: C): void;
  /** The dial threw, rejected, errored or completed empty (`EmptyDialError`). */
  dialFailed(error: unknown): void;
}

/**
 * One dial, callback-shaped: calls `dial(addr, context)` now and reports to `observer` once
 * (`req`, when given, rides in the context).
 * The rules are {@link dialOnce}'s (it is built on this); the returned handle abandons the dial
 * while it is under way and does nothing after the result. The manager uses this form directly:
 * it starts one per attempt, and an Observable with its subscriber per attempt is measurable in
 * a retry storm.
 */
export function startDial<A, C>(
  dial: DialFunction<A, C>,
  addr: A,
  closeConn: (conn: C) => void,
  observer: DialObserver<C>,
  req?: ConnReq<A>,
): Unsubscribable {
  return new DialCall(dial, addr, closeConn, observer, req);
}

/** The state of one dial: whether it has settled, or been abandoned, and what to cancel. */
class DialCall<A, C> implements Unsubscribable {
  #settled = false;
  #abandoned = false;
  readonly #controller: AbortController | undefined;
  #source: Subscription | undefined;

  constructor(
    dial: DialFunction<A, C>,
    private readonly addr: A,
    private readonly closeConn: (conn: C) => void,
    private readonly observer: DialObserver<C>,
    req: ConnReq<A> | undefined,
  ) {
    // An AbortController costs a few µs: made only for dial functions that take the context.
    this.#controller = dial.length >= 2 ? new AbortController() : undefined;
    let input: ObservableInput<C>;
    try {
      const context: DialContext<A> = this.#controller
        ? req === undefined
          ? { signal: this.#controller.signal }
          : { signal: this.#controller.signal, req }
        : NO_CONTEXT;
      input = dial(addr, context);
    } catch (error) {
      this.#settled = true;
      observer.dialFailed(error);
      return;
    }
    if (isPromiseLike(input)) {
      // `.then` directly rather than `from()`: no Observable and subscriber per dial. A handler
      // must not throw into the derived promise (an unhandled rejection ends the process).
      input.then(
        (conn) => guard(() => this.#next(conn)),
        (error: unknown) => guard(() => this.#error(error)),
      );
      return;
    }
    try {
      this.#source = from(input).subscribe({
        next: (conn) => this.#next(conn),
        error: (error: unknown) => this.#error(error),
        complete: () => this.#error(undefined, true),
      });
    } catch (error) {
      // `from` throws for values that are not ObservableInput (e.g. a dial returning undefined).
      this.#error(error);
    }
  }

  unsubscribe(): void {
    if (this.#settled || this.#abandoned) return; // after a success the source runs on, so that extra conns it emits get closed
    this.#abandoned = true;
    this.#controller?.abort();
    // A promise keeps its callbacks: the flag above makes it close a late conn. For an
    // Observable source, unsubscribing is the cancellation.
    this.#source?.unsubscribe();
  }

  #next(conn: C): void {
    if (this.#settled || this.#abandoned) return closeQuietly(this.closeConn, conn);
    this.#settled = true;
    this.observer.dialed(conn);
  }

  #error(error: unknown, empty = false): void {
    if (this.#settled || this.#abandoned) return;
    this.#settled = true;
    this.observer.dialFailed(empty ? new EmptyDialError(this.addr) : error);
  }
}

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
    const call = startDial(dial, addr, closeConn, {
      dialed(conn) {
        subscriber.next(conn);
        subscriber.complete();
      },
      dialFailed: (error) => subscriber.error(error),
    });
    return () => call.unsubscribe();
  });
}

function closeQuietly<C>(closeConn: (conn: C) => void, conn: C): void {
  try {
    closeConn(conn);
  } catch {
    // The conn is unwanted either way; a failing close must not resurrect it.
  }
}

/**
 * The context given to a dial declared with fewer than two parameters (it does not read it): a
 * shared signal that never aborts, so such dials cannot be canceled through it.
 */
const NO_CONTEXT: DialContext<never> = Object.freeze({ signal: new AbortController().signal });
