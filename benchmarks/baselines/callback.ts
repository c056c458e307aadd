/**
 * The second baseline: the minimal connection manager a person writes first — a callback-shaped
 * dial (`dial(addr, cb)`, Node's classic style), a counter of automatic connections and a Set of
 * live ones. No Promise, no per-dial timer, no event emitter, no throttle: a failed automatic dial
 * is replaced at once, from inside its callback. It is what "a hand-written manager" costs at the
 * least, so the storm reports rx-connmgr against it beside the feature-equal
 * `ImperativeConnManager`.
 *
 * What it leaves out, on purpose (and what rx-connmgr and the imperative baseline do have): a
 * dial timeout, btcd's throttle after `maxFailedAttempts`, backoff, inbound admission, events,
 * a state to observe. It does close a connection that arrives after `stop()`.
 */
import type { BenchManager } from '../../lib/bench/BenchManager.js';

/** A callback-shaped dial: calls `cb(error)` or `cb(undefined, conn)` once, later or at once. */
export type CallbackDial<A, C> = (addr: A, cb: (error: unknown, conn?: C) => void) => void;

/** Options of {@link CallbackConnManager}. */
export interface CallbackOptions<A, C> {
  readonly dial: CallbackDial<A, C>;
  readonly getNewAddress: () => A;
  /** Automatic connections to keep. @default 8 */
  readonly targetOutbound?: number;
  /** ms before a permanent request re-dials after a failure or close. @default 5000 */
  readonly retryDuration?: number;
  /** Closes a connection (at stop, or one that arrives after it). */
  readonly closeConn: (conn: C) => void;
}

/**
 * The minimal hand-written manager.
 *
 * @example
 * const cm = new CallbackConnManager({ dial: (addr, cb) => net.connect(addr).once('connect', …), getNewAddress, closeConn: (s) => s.destroy() });
 * cm.start();
 */
export class CallbackConnManager<A, C> implements BenchManager<A> {
  readonly #dial: CallbackDial<A, C>;
  readonly #getNewAddress: () => A;
  readonly #target: number;
  readonly #retryDuration: number;
  readonly #closeConn: (conn: C) => void;
  readonly #conns = new Set<C>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #running = false;

  constructor(options: CallbackOptions<A, C>) {
    this.#dial = options.dial;
    this.#getNewAddress = options.getNewAddress;
    this.#target = options.targetOutbound ?? 8;
    this.#retryDuration = options.retryDuration ?? 5_000;
    this.#closeConn = options.closeConn;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (let i = 0; i < this.#target; i++) this.#automatic();
  }

  stop(): void {
    this.#running = false;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const conn of this.#conns) this.#closeConn(conn);
    this.#conns.clear();
  }

  connect(addr: A, options: { readonly permanent: boolean }): void {
    this.#dialTo(addr, () => {
      if (!options.permanent) return;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#running) this.connect(addr, options);
      }, this.#retryDuration);
      this.#timers.add(timer);
    });
  }

  /** One automatic connection: dialed now, replaced as soon as it fails. */
  #automatic(): void {
    if (this.#running) this.#dialTo(this.#getNewAddress(), () => this.#automatic());
  }

  #dialTo(addr: A, onFailure: () => void): void {
    this.#dial(addr, (error, conn) => {
      if ((error !== undefined && error !== null) || conn === undefined) return onFailure();
      if (!this.#running) return this.#closeConn(conn);
      this.#conns.add(conn);
    });
  }
}
