import { Observable, type Unsubscribable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import { ManagerDialTimeoutError } from '../model/errors.js';
import type { ConnReq } from '../model/ConnReq.js';
import type { ConnEvent } from '../model/events.js';
import type { ConnManagerState } from '../model/state.js';
import { startDial, type DialObserver } from '../operators/dialOnce.js';
import { switchWorkByKey } from '../operators/switchWorkByKey.js';
import { TimeoutList, type Expirable } from '../schedulers/TimeoutList.js';
import { MAX_TIMER_DELAY, stageKey, type EffectDeps, type StageWork } from './Effect.js';

/**
 * Carries out `dialing` events: calls `dial` (at most `dialTimeout` ms) and answers
 * `dialSucceeded` or `dialFailed`. The dial is abandoned as soon as its request moves on
 * (canceled, removed, stopped) or times out; a conn that arrives after that is closed, never
 * leaked.
 */
export function dialEffect<A, C>(
  event$: Observable<ConnEvent<A, C>>,
  _state$: Observable<ConnManagerState<A, C>>,
  deps: EffectDeps<A, C>,
): Observable<ConnActionInput<A, C>> {
  return withDialTimeouts(deps, (timeouts) => event$.pipe(switchWorkByKey(stageKey, dialStage(deps, timeouts))));
}

/**
 * The work `dialEffect` starts for one stage event (a `dialing`); nothing for other events.
 * Shared with `requestEffect`. Every dial of one stage function shares one timer for its
 * timeouts (they all last `dialTimeout`: see `TimeoutList`).
 *
 * @param timeouts - the list to time dials out on, so its owner can `clear()` it when done
 *   (see {@link withDialTimeouts}); default, one of the stage's own, whose timer then lingers
 *   up to `dialTimeout` after the last dial.
 */
export function dialStage<A, C>(deps: EffectDeps<A, C>, timeouts = dialTimeouts(deps)): StageWork<A, C> {
  return (event, emit) => {
    if (event.type !== 'dialing') return undefined;
    const attempt = new DialAttempt(deps, event.req, event.attempt, event.addr, emit, timeouts);
    return attempt.start();
  };
}

/**
 * One dial attempt: the dial under way, its timeout (it is its own `TimeoutList` node), and the
 * answer. One object per attempt rather than an Observable, a subscriber and a timer: a retry
 * storm is made of attempts.
 */
class DialAttempt<A, C> implements DialObserver<C>, Expirable, Unsubscribable {
  timeoutPrev: Expirable | undefined = undefined;
  timeoutNext: Expirable | undefined = undefined;
  timeoutDeadline = NaN;
  #call: Unsubscribable | undefined = undefined;
  #over = false;

  constructor(
    private readonly deps: EffectDeps<A, C>,
    private readonly req: ConnReq<A>,
    private readonly attempt: number,
    private readonly addr: A,
    private readonly emit: (action: ConnActionInput<A, C>) => void,
    private readonly timeouts: TimeoutList | undefined,
  ) {}

  /** Dials; returns itself while the dial is under way, nothing once it has settled. */
  start(): Unsubscribable | undefined {
    this.#call = startDial(this.deps.dial, this.addr, this.deps.closeConn, this, this.req);
    if (this.#over) return undefined;
    // Armed only for a dial still under way: one that settled synchronously (a dial that throws)
    // would otherwise empty the shared list and cancel and re-arm its timer on every attempt.
    this.timeouts?.add(this, this.deps.now?.());
    return this;
  }

  dialed(conn: C): void {
    if (!this.#settle()) return;
    this.emit({ type: 'dialSucceeded', id: this.req.id, attempt: this.attempt, conn });
  }

  dialFailed(error: unknown): void {
    if (!this.#settle()) return;
    this.emit({ type: 'dialFailed', id: this.req.id, attempt: this.attempt, error });
  }

  expire(): void {
    if (this.#over) return;
    this.#over = true;
    this.#call?.unsubscribe(); // abandons the dial (its late conn gets closed)
    this.emit({
      type: 'dialFailed',
      id: this.req.id,
      attempt: this.attempt,
      error: new ManagerDialTimeoutError(this.addr, this.deps.dialTimeout),
    });
  }

  /** The request moved on (canceled, removed, stopped): abandon the dial. */
  unsubscribe(): void {
    if (!this.#settle()) return;
    this.#call?.unsubscribe();
  }

  #settle(): boolean {
    if (this.#over) return false;
    this.#over = true;
    this.timeouts?.remove(this);
    return true;
  }
}

/** A list for `deps.dialTimeout`; none when dials never time out. */
function dialTimeouts(deps: Pick<EffectDeps<unknown, unknown>, 'dialTimeout' | 'scheduler'>): TimeoutList | undefined {
  return Number.isFinite(deps.dialTimeout) ? new TimeoutList(deps.scheduler, Math.min(deps.dialTimeout, MAX_TIMER_DELAY)) : undefined;
}

/**
 * `make(timeouts)` with a dial-timeout list of its own per subscription, cleared when it ends: the
 * list keeps its timer across the moments it is empty (see `TimeoutList`), so only its owner's
 * teardown releases it.
 */
export function withDialTimeouts<A, C, T>(
  deps: EffectDeps<A, C>,
  make: (timeouts: TimeoutList | undefined) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const timeouts = dialTimeouts(deps);
    const subscription = make(timeouts).subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      timeouts?.clear();
    };
  });
}
