import { Observable, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { DialContext } from '../operators/dialOnce.js';
import { FakeConn } from './FakeConn.js';

/** The error a scripted dial fails with (`#` in a dial marble). */
export class FakeDialError extends Error {
  override readonly name = 'FakeDialError';
  constructor(readonly addr: string) {
    super(`fake dial to ${addr} refused`);
  }
}

/** The error a scripted listener fails with (`#` in a listener marble). */
export class FakeListenError extends Error {
  override readonly name = 'FakeListenError';
  constructor() {
    super('fake listener failed');
  }
}

/** One dial as the network saw it. */
export interface DialRecord {
  readonly addr: string;
  /** Scheduler time of the call. */
  readonly at: number;
  /** Whether the manager abandoned it (aborted the signal) before it settled. */
  aborted: boolean;
}

/**
 * A network in virtual time, scripted with marble diagrams, for marble-testing a `ConnManager`
 * (or your code around one) under `TestScheduler`.
 *
 * Dial marbles, read from the moment of the dial (one character = one frame in run mode):
 * - `c` the dial succeeds with a new `FakeConn`; a second `c` is a second conn (a buggy dialer);
 * - `x` the last conn closes by itself; `#` the dial fails (`FakeDialError`);
 * - `|` the dial completes empty; a marble that ends without `c`, `#` or `|` hangs forever.
 * For example `'--c---x'`: connected after 2 frames, closed by the peer 4 frames later.
 * `script(addr, …marbles)` gives the marbles of successive dials to `addr`; the last one repeats.
 * Unscripted addresses use `defaultDial` (default `'c'`: succeed at once).
 *
 * @example
 * const net = new FakeNetwork(testScheduler);
 * net.script('a', '--#', '-c');            // first dial fails, the second succeeds
 * const cm = new ConnManager({ ...net.connOptions(), scheduler: testScheduler, getNewAddress: () => 'a' });
 */
export class FakeNetwork {
  /** Every dial, in order. */
  readonly dials: DialRecord[] = [];
  /** Every conn the network created, outbound and inbound, in order. */
  readonly conns: FakeConn[] = [];
  /** Marble used for addresses without a script. */
  defaultDial = 'c';
  readonly #scripts = new Map<string, string[]>();
  readonly #dialCount = new Map<string, number>();

  constructor(readonly scheduler: SchedulerLike) {}

  /** Scripts the successive dials to `addr`; the last marble repeats. */
  script(addr: string, ...marbles: string[]): this {
    if (marbles.length === 0) throw new TypeError(`script(${addr}) needs at least one marble`);
    this.#scripts.set(addr, marbles);
    return this;
  }

  /** How many times `addr` was dialed (all dials without an argument). */
  dialCount(addr?: string): number {
    return addr === undefined ? this.dials.length : (this.#dialCount.get(addr) ?? 0);
  }

  /** Conns never closed by anyone (a leak once the manager has stopped). */
  openConns(): FakeConn[] {
    return this.conns.filter((conn) => !conn.closed);
  }

  /** The dial function to give the manager. */
  readonly dial = (addr: string, context?: DialContext): Observable<FakeConn> => {
    const n = this.#dialCount.get(addr) ?? 0;
    this.#dialCount.set(addr, n + 1);
    const script = this.#scripts.get(String(addr));
    const marble = script ? script[Math.min(n, script.length - 1)]! : this.defaultDial;
    const record: DialRecord = { addr, at: this.scheduler.now(), aborted: false };
    this.dials.push(record);
    context?.signal.addEventListener('abort', () => (record.aborted = true), { once: true });
    return this.#play(
      marble,
      (index) => new FakeConn(`${addr}#${n + 1}${index > 0 ? `.${index + 1}` : ''}`, addr, 'outbound', this.scheduler),
      () => new FakeDialError(addr),
      false,
    );
  };

  /** `closeConn` for the manager: `conn.close()`. */
  readonly closeConn = (conn: FakeConn): void => conn.close();

  /** `connClosed` for the manager: `conn.closed$`. */
  readonly connClosed = (conn: FakeConn): Observable<void> => conn.closed$;

  /** `{ dial, closeConn, connClosed }`, to spread into a manager config. */
  connOptions(): Pick<FakeNetwork, 'dial' | 'closeConn' | 'connClosed'> {
    return { dial: this.dial, closeConn: this.closeConn, connClosed: this.connClosed };
  }

  /**
   * A listener: every letter of the marble is an inbound conn accepted at that frame (named
   * `in:<letter>`); `#` fails the listener (`FakeListenError`); `|` completes it.
   * `lifetimes` closes a conn by itself after the given number of frames, e.g. `{ a: 5 }`.
   * Frames count from the subscription (the manager subscribes on `start()`).
   */
  listener(marble: string, lifetimes: Readonly<Record<string, number>> = {}): Observable<FakeConn> {
    return this.#play(
      marble,
      (_index, letter) => {
        const conn = new FakeConn(`in:${letter}`, letter, 'inbound', this.scheduler);
        const lifetime = lifetimes[letter];
        if (lifetime !== undefined) this.scheduler.schedule(() => conn.closeRemotely(), lifetime);
        return conn;
      },
      () => new FakeListenError(),
      true,
    );
  }

  #play(
    marble: string,
    makeConn: (index: number, letter: string) => FakeConn,
    makeError: () => Error,
    everyLetterIsConn: boolean,
  ): Observable<FakeConn> {
    const messages = TestScheduler.parseMarbles(marble, undefined, undefined, undefined, true);
    return new Observable<FakeConn>((subscriber) => {
      let last: FakeConn | undefined;
      let index = 0;
      // Notifications of one frame are delivered in one action: `(cc)` is a synchronous double emission.
      const frames = new Map<number, typeof messages>();
      for (const message of messages) {
        if (message.notification.kind === 'N' && message.notification.value === 'x' && !everyLetterIsConn) {
          // A conn outlives the dial that made it: its scripted close is not canceled with the dial.
          this.scheduler.schedule(() => last?.closeRemotely(), message.frame);
          continue;
        }
        const group = frames.get(message.frame) ?? [];
        group.push(message);
        frames.set(message.frame, group);
      }
      for (const [frame, group] of frames) {
        subscriber.add(
          this.scheduler.schedule(() => {
            for (const { notification } of group) {
              if (notification.kind === 'N') {
                last = makeConn(index++, String(notification.value));
                this.conns.push(last);
                subscriber.next(last);
              } else if (notification.kind === 'E') {
                subscriber.error(makeError());
              } else {
                subscriber.complete();
              }
            }
          }, frame),
        );
      }
    });
  }
}
