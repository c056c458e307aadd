import { BehaviorSubject, Subject, filter, map, merge, scan, type Observable, type ObservableInput, type Subscription } from 'rxjs';
import { closeEffect, connToClose } from '../effects/closeEffect.js';
import { requestEffect } from '../effects/requestEffect.js';
import type { Effect, EffectDeps } from '../effects/Effect.js';
import { inboundWatchEffect } from '../effects/inboundWatchEffect.js';
import { listenEffect } from '../effects/listenEffect.js';
import { refillEffect } from '../effects/refillEffect.js';
import type { ConnAction, ConnActionInput } from '../model/actions.js';
import type { AddressContext } from '../model/AddressContext.js';
import { ConnReq, DEFAULT_CONN_CLASS, bindConnReq, finishConnReq, type ConnReqOptions, type ConnReqView } from '../model/ConnReq.js';
import { ConnState } from '../model/ConnState.js';
import { ConnReqInUseError, ManagerStoppedError } from '../model/errors.js';
import type { ConnEvent, ConnEventOf, ConnEventType } from '../model/events.js';
import { initialState, type ConnManagerState } from '../model/state.js';
import { reduce } from '../reducer/reduce.js';
import { trampoline } from '../operators/trampoline.js';
import { resolveConfig, type ConnManagerConfig, type ResolvedConfig } from './config.js';

/**
 * The effects a manager runs, each with the event types it reads, in the order they see an
 * event. Each effect is handed only its types (routed by the manager), not every event: most
 * events concern one effect, and a delivery through an RxJS subscriber per effect per event was
 * a measurable share of a retry storm. An effect's listed types are all it needs to see.
 */
const EFFECTS: readonly { readonly effect: Effect<unknown, unknown>; readonly types: readonly ConnEventType[] }[] = [
  { effect: closeEffect, types: ['disconnected', 'inboundClosed', 'rejected', 'discarded'] },
  { effect: requestEffect, types: ['addressRequested', 'dialing', 'connected', 'failed', 'retryScheduled', 'disconnected', 'canceled'] },
  { effect: refillEffect, types: ['refillScheduled'] },
  { effect: inboundWatchEffect, types: ['accepted', 'inboundClosed'] },
  { effect: listenEffect, types: ['started'] },
];

/**
 * A connection manager: keeps `targetOutbound` automatic outbound connections, reconnects
 * permanent ones, admits inbound ones — btcd's connmgr as streams.
 *
 * The whole data flow is one loop: commands and edge results are actions; `scan(reduce)` folds
 * them into `state$` and emits `events$`; effects turn events into dials, timers and closes, whose
 * results are actions again. Actions are trampolined (`trampoline()`, one queue per manager), so a
 * command called from outside a notification has taken effect when it returns, and a storm of
 * synchronous failures never deepens the stack.
 *
 * @example
 * const cm = new ConnManager<string, Socket>({
 *   dial: (addr) => tcpDial(addr),
 *   getNewAddress: () => book.next(),
 *   targetOutbound: 8,
 * });
 * cm.connected$.subscribe(({ req, conn }) => console.log('connected', req.addr));
 * cm.start();
 * const seed = cm.connect('10.0.0.1:8333', { permanent: true });
 * // …
 * cm.stop();
 * await cm.wait();
 */
export class ConnManager<A, C> {
  /** The current snapshot on subscribe, then every change. Completes after `stop()`. */
  readonly state$: Observable<ConnManagerState<A, C>>;
  /** Every event, in causal order (see `ConnEvent`). Hot; completes after `stop()`. */
  readonly events$: Observable<ConnEvent<A, C>>;
  /** Every action the reducer folded, stamped, in order: `state` equals `reduce` folded over it (replay, debugging). */
  readonly actions$: Observable<ConnAction<A, C>>;
  /** Admitted inbound conns. */
  readonly accepted$: Observable<ConnEventOf<'accepted', A, C>>;
  /** Established outbound conns. */
  readonly connected$: Observable<ConnEventOf<'connected', A, C>>;
  /** Ended outbound conns. */
  readonly disconnected$: Observable<ConnEventOf<'disconnected', A, C>>;

  readonly #config: ResolvedConfig<A, C>;
  readonly #input = new Subject<ConnAction<A, C>>();
  readonly #actions = new Subject<ConnAction<A, C>>();
  readonly #events = new Subject<ConnEvent<A, C>>();
  /** Event type → the inputs of the effects that read it (see `EFFECTS`). */
  readonly #routes = new Map<ConnEventType, Subject<ConnEvent<A, C>>[]>();
  readonly #stateSubject: BehaviorSubject<ConnManagerState<A, C>>;
  readonly #view: ConnReqView;
  #state: ConnManagerState<A, C>;
  #effects: Subscription | undefined;
  #phase: 'idle' | 'running' | 'stopped' = 'idle';
  #queued: ConnActionInput<A, C>[] = [];
  #nextId = 1;
  #done!: () => void;
  readonly #finished = new Promise<void>((resolve) => (this.#done = resolve));

  /** @throws DialRequiredError without `config.dial`; RangeError naming a field with a bad number. */
  constructor(config: ConnManagerConfig<A, C>) {
    this.#config = resolveConfig(config);
    this.#state = initialState<A, C>(this.#config.reducer);
    this.#stateSubject = new BehaviorSubject(this.#state);
    this.#view = { lookup: (id) => this.#state.requests.get(id) };
    this.state$ = this.#stateSubject.asObservable();
    this.events$ = this.#events.asObservable();
    this.actions$ = this.#actions.asObservable();
    this.accepted$ = this.events$.pipe(filter((e): e is ConnEventOf<'accepted', A, C> => e.type === 'accepted'));
    this.connected$ = this.events$.pipe(filter((e): e is ConnEventOf<'connected', A, C> => e.type === 'connected'));
    this.disconnected$ = this.events$.pipe(filter((e): e is ConnEventOf<'disconnected', A, C> => e.type === 'disconnected'));
    // Never unsubscribed: results that arrive after stop still go through it (their conns get closed).
    this.#input
      .pipe(
        trampoline(),
        map((action) => {
          // Unobserved, a Subject's next still costs its error-context wrapper: in a storm nobody
          // watches actions$, and every action came through here.
          if (this.#actions.observed) this.#actions.next(action);
          return action;
        }),
        scan(reduce<A, C>, this.#state),
      )
      .subscribe((state) => this.#publish(state));
  }

  /** The current snapshot (the last value of `state$`). */
  get state(): ConnManagerState<A, C> {
    return this.#state;
  }

  /**
   * Starts listening and launches `targetOutbound` automatic requests; then runs the commands
   * called before it, in order. Idempotent while running.
   * @throws ManagerStoppedError after `stop()`.
   */
  start(): void {
    if (this.#phase === 'running') return;
    if (this.#phase === 'stopped') throw new ManagerStoppedError('start');
    this.#phase = 'running';
    const deps: EffectDeps<A, C> = {
      dial: this.#config.dial,
      getNewAddress: bindState(this.#config.getNewAddress, () => this.#state),
      listeners: this.#config.listeners,
      closeConn: this.#config.closeConn,
      connClosed: this.#config.connClosed,
      dialTimeout: this.#config.dialTimeout,
      retryDuration: this.#config.retryDuration,
      maxRetryDuration: this.#config.maxRetryDuration,
      scheduler: this.#config.scheduler,
      newRequest: (connClass) => this.#newRequest(connClass),
    };
    const state$ = this.#stateSubject.asObservable();
    const inputs = EFFECTS.map(({ effect, types }) => {
      const input = new Subject<ConnEvent<A, C>>();
      for (const type of types) {
        const routed = this.#routes.get(type);
        if (routed === undefined) this.#routes.set(type, [input]);
        else routed.push(input);
      }
      return (effect as unknown as Effect<A, C>)(input, state$, deps);
    });
    this.#effects = merge(...inputs).subscribe({
      next: (action) => this.#dispatch(action),
      error: (error: unknown) => this.#dispatch({ type: 'callbackFailed', source: 'effect', error }),
    });
    this.#dispatch({ type: 'start' });
    const queued = this.#queued;
    this.#queued = [];
    for (const action of queued) this.#dispatch(action);
  }

  /**
   * Stops: closes listeners, cancels dials and retry timers, closes every established and
   * inbound conn (with their `disconnected` / `inboundClosed` events), then completes the
   * streams. Idempotent. Commands after it do nothing.
   */
  stop(): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    for (const action of this.#queued) {
      if (action.type === 'connect' || action.type === 'newConnReq') this.#finish(action.req, ConnState.Canceled, 0);
    }
    this.#queued = [];
    this.#dispatch({ type: 'stop' });
  }

  /** Resolves once the manager has stopped and released every timer, subscription and conn it held. */
  wait(): Promise<void> {
    return this.#finished;
  }

  /**
   * Asks for an outbound connection to `addr` (or to a prepared `ConnReq`). The id is assigned
   * at once; a permanent request reconnects until `remove(id)`. Before `start()` it is queued.
   * An address that already has a live request is refused (`canceled`, reason `'duplicate'`).
   * @throws ConnReqInUseError for a `ConnReq` that was already connected.
   */
  connect(addr: A, options?: ConnReqOptions): ConnReq<A>;
  connect(req: ConnReq<A>): ConnReq<A>;
  connect(target: A | ConnReq<A>, options?: ConnReqOptions): ConnReq<A> {
    const req = target instanceof ConnReq ? target : new ConnReq<A>(target, options);
    if (!bindConnReq(req, this.#nextId, this.#view)) throw new ConnReqInUseError(req.id);
    this.#nextId++;
    if (this.#phase === 'stopped') this.#finish(req, ConnState.Canceled, 0);
    else this.#command({ type: 'connect', req });
    return req;
  }

  /**
   * Asks for one more automatic request, if below the target (btcd's server calls it after
   * `remove`): of the default class, or of `connClass` (its `classes` target). `extra: true` may
   * exceed the target by one — Core's extra outbound peer when the tip is stale: once it connects
   * the caller evicts one (`disconnect`), and as the class is then back at its target nothing is
   * refilled. Refused with an `ignored` event (`atTarget`, `classFull`, `connectMode`, `notRunning`).
   *
   * @example
   * cm.newConnReq();                                     // one more of the default class
   * cm.newConnReq('block-relay-only');                   // one more of a class
   * cm.newConnReq({ connClass: 'default', extra: true }); // target + 1, for a while
   */
  newConnReq(options?: string | NewConnReqOptions): void {
    if (this.#phase === 'stopped') return;
    const { connClass, extra } = typeof options === 'string' ? { connClass: options, extra: false } : (options ?? {});
    const req = this.#newRequest(connClass);
    this.#command(extra === true ? { type: 'newConnReq', req, refill: false, extra: true } : { type: 'newConnReq', req, refill: false });
  }

  /**
   * Closes the request's connection. Permanent: reconnects with the same id (after its backoff).
   * Automatic: ends, and a replacement comes if below target. One-shot: ends. A request not yet
   * established is canceled (btcd). An unknown id gives an `ignored` event.
   */
  disconnect(id: number): void {
    if (this.#phase !== 'stopped') this.#command({ type: 'disconnect', id });
  }

  /** Ends the request for good: closes its conn (`Disconnected`) or cancels it (`Canceled`); never retried, never replaced. */
  remove(id: number): void {
    if (this.#phase !== 'stopped') this.#command({ type: 'remove', id });
  }

  #newRequest(connClass?: string): ConnReq<A> {
    const req = new ConnReq<A>(undefined, connClass === undefined || connClass === DEFAULT_CONN_CLASS ? NO_OPTIONS : { connClass });
    bindConnReq(req, this.#nextId++, this.#view);
    return req;
  }

  #command(action: ConnActionInput<A, C>): void {
    if (this.#phase === 'idle') this.#queued.push(action);
    else this.#dispatch(action);
  }

  #dispatch(action: ConnActionInput<A, C>): void {
    // Stamped in place, not copied: every action reaching here is a fresh object made by this
    // manager or one of its effects for this one dispatch, and a spread per action was ~10 % of a
    // retry storm's CPU.
    (action as { at?: number }).at = this.#config.scheduler.now();
    this.#input.next(action as ConnAction<A, C>);
  }

  #finish(req: ConnReq<A>, state: ConnState, retryCount: number): void {
    finishConnReq(req, { state, retryCount, addr: req.addr });
  }

  #publish(state: ConnManagerState<A, C>): void {
    const previous = this.#state;
    if (state === previous) return;
    if (previous.phase === 'stopped') {
      // Late results after stop (a dial that settled while stopping): nobody listens any more,
      // but their conns must still be closed.
      for (const event of state.emitted) {
        const conn = connToClose(event);
        if (conn !== undefined) closeQuietly(this.#config.closeConn, conn);
      }
      this.#state = state;
      return;
    }
    this.#state = state;
    for (const event of state.emitted) {
      const final = finalStateOf(event);
      if (final !== undefined && 'req' in event) {
        this.#finish(event.req, final, previous.requests.get(event.req.id)?.retryCount ?? event.req.retryCount);
      }
    }
    this.#stateSubject.next(state);
    const watched = this.#events.observed;
    for (const event of state.emitted) {
      if (watched) this.#events.next(event);
      const routed = this.#routes.get(event.type);
      if (routed !== undefined) for (const input of routed) input.next(event);
    }
    if (state.phase === 'stopped') this.#teardown();
  }

  #teardown(): void {
    this.#effects?.unsubscribe();
    this.#effects = undefined;
    this.#routes.clear();
    this.#events.complete();
    this.#actions.complete();
    this.#stateSubject.complete();
    this.#done();
  }
}

/** What {@link ConnManager.newConnReq} may be told. */
export interface NewConnReqOptions {
  /** The class of the request (its target in `classes`). @default DEFAULT_CONN_CLASS */
  readonly connClass?: string;
  /** May exceed the class's target by one (an extra peer, one of which the caller then evicts). @default false */
  readonly extra?: boolean;
}

const NO_OPTIONS: ConnReqOptions = Object.freeze({});

/** The user's `getNewAddress` with the manager's state bound, as the effects call it. */
function bindState<S, A>(
  getNewAddress: ((state: S, context: AddressContext) => ObservableInput<A> | A) | undefined,
  state: () => S,
): ((context: AddressContext) => ObservableInput<A> | A) | undefined {
  return getNewAddress === undefined ? undefined : (context) => getNewAddress(state(), context);
}

/** The terminal state an event leaves its request in, if it ends it. */
function finalStateOf(event: ConnEvent<unknown, unknown>): ConnState | undefined {
  switch (event.type) {
    case 'canceled':
      return ConnState.Canceled;
    case 'failed':
      return event.willRetry ? undefined : ConnState.Failing;
    case 'disconnected':
      return event.willReconnect ? undefined : ConnState.Disconnected;
    default:
      return undefined;
  }
}

function closeQuietly<C>(closeConn: (conn: C) => void, conn: C): void {
  try {
    closeConn(conn);
  } catch {
    // After stop there is nowhere to report to; the conn is unwanted either way.
  }
}
