import { Observable, Subject, Subscription, filter, type ObservableInput } from 'rxjs';
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
import type { LiveConfig } from '../model/LiveConfig.js';
import { initialState, type ConnManagerState, type OutboundEntry } from '../model/state.js';
import { linearBackoff } from '../backoff/linearBackoff.js';
import { StepOwner } from '../reducer/Draft.js';
import { reduceOwned } from '../reducer/reduce.js';
import { EffectInput } from './EffectInput.js';
import { checkLiveConfig, checkNetworkSignal, resolveConfig, type ConnManagerConfig, type ResolvedConfig } from './config.js';

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
 * The whole data flow is one loop: commands and edge results are actions; `reduce` folds
 * them into `state$` and emits `events$`; effects turn events into dials, timers and closes, whose
 * results are actions again. Actions are trampolined (one queue per manager, as `trampoline()`
 * does), so a command called from outside a notification has taken effect when it returns, and a
 * storm of synchronous failures never deepens the stack.
 *
 * No Subject sits on the hot path: the loop drains its own queue, each effect is fed by an
 * `EffectInput` (a value handed straight to its subscriber), and effects' actions come back
 * through one shared observer, not a `merge`. `events$`, `actions$` and `state$` are Subjects only
 * for their outside subscribers, and cost nothing while unobserved.
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
  /** Actions waiting for the loop (see `#dispatch`); `#head` is the next one. */
  readonly #queue: ConnAction<A, C>[] = [];
  #head = 0;
  #draining = false;
  readonly #actions = new Subject<ConnAction<A, C>>();
  readonly #events = new Subject<ConnEvent<A, C>>();
  /** Event type → the inputs of the effects that read it (see `EFFECTS`). */
  // A plain object, not a Map: a property load keyed by the event's (internalized) type is what
  // V8 does fastest, and this lookup runs for every event.
  #routes: Partial<Record<ConnEventType, EffectInput<ConnEvent<A, C>>[]>> = Object.create(null) as object;
  /** Every snapshot after the first, while someone listens (`state$` adds the current one on subscribe). */
  readonly #stateChanges = new Subject<ConnManagerState<A, C>>();
  readonly #view: ConnReqView;
  #state: ConnManagerState<A, C>;
  /** The edit token lent to the reducer; replaced as soon as a snapshot made under it is published. */
  #owner = new StepOwner<A, C>();
  /** Whether the current snapshot has been published since `#owner` was taken (see the class comment). */
  #published = false;
  /** The `at` of the step whose events the effects are carrying out (see `EffectDeps.now`); undefined between steps. */
  #stepAt: number | undefined = undefined;
  /** Reads of the `state` getter: how a chooser that declares no parameter is seen to read the state all the same. */
  #stateReads = 0;
  #effects: Subscription | undefined;
  /** The `config$` and `network$` inputs, while running. */
  #inputs: Subscription | undefined;
  #phase: 'idle' | 'running' | 'stopped' = 'idle';
  #queued: ConnActionInput<A, C>[] = [];
  #nextId = 1;
  #done!: () => void;
  readonly #finished = new Promise<void>((resolve) => (this.#done = resolve));

  /** @throws DialRequiredError without `config.dial`; RangeError naming a field with a bad number. */
  constructor(config: ConnManagerConfig<A, C>) {
    this.#config = resolveConfig(config);
    this.#state = initialState<A, C>(this.#config.reducer);
    this.#view = { lookup: (id) => this.#state.requests.get(id) };
    // BehaviorSubject's contract (the current snapshot, then every change; nothing after complete)
    // without its stored value: what a late subscriber gets is read here, and so published.
    this.state$ = new Observable<ConnManagerState<A, C>>((subscriber) => {
      const subscription = this.#stateChanges.subscribe(subscriber);
      if (!subscriber.closed) {
        this.#published = true;
        subscriber.next(this.#state);
      }
      return subscription;
    });
    this.events$ = this.#events.asObservable();
    this.actions$ = this.#actions.asObservable();
    this.accepted$ = this.events$.pipe(filter((e): e is ConnEventOf<'accepted', A, C> => e.type === 'accepted'));
    this.connected$ = this.events$.pipe(filter((e): e is ConnEventOf<'connected', A, C> => e.type === 'connected'));
    this.disconnected$ = this.events$.pipe(filter((e): e is ConnEventOf<'disconnected', A, C> => e.type === 'disconnected'));
  }

  /** The current snapshot (the last value of `state$`). Reading it publishes it: it never changes afterwards. */
  get state(): ConnManagerState<A, C> {
    this.#published = true;
    this.#stateReads++;
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
      // Bound once: the effects ask for an address without a state in hand, and the chooser sees
      // the state the request is made in (no copy). Handed out through the `state` getter, which
      // publishes it (the reducer's edit token is retired, so later steps cannot edit what the
      // chooser holds); a chooser that declares no parameter gets nothing, and the steps of a
      // storm keep editing in place.
      ...this.#addressDeps(),
      listeners: this.#config.listeners,
      closeConn: this.#config.closeConn,
      connClosed: this.#config.connClosed,
      dialTimeout: this.#config.dialTimeout,
      retryDuration: this.#config.retryDuration,
      maxRetryDuration: this.#config.maxRetryDuration,
      scheduler: this.#config.scheduler,
      newRequest: (connClass) => this.#newRequest(connClass),
      now: () => this.#stepAt ?? this.#config.scheduler.now(),
    };
    const state$ = this.state$;
    const effects = new Subscription();
    this.#effects = effects;
    // One observer for every effect, as `merge` would give them, without its extra subscriber per
    // action; like `merge`, the first error ends them all (and is reported).
    const observer = {
      next: (action: ConnActionInput<A, C>) => {
        if (!effects.closed) this.#dispatch(action);
      },
      error: (error: unknown) => {
        if (effects.closed) return;
        effects.unsubscribe();
        this.#dispatch({ type: 'callbackFailed', source: 'effect', error });
      },
    };
    for (const { effect, types } of EFFECTS) {
      const input = new EffectInput<ConnEvent<A, C>>();
      for (const type of types) {
        const routed = this.#routes[type];
        if (routed === undefined) this.#routes[type] = [input];
        else routed.push(input);
      }
      if (effects.closed) break; // an effect failed as it was subscribed
      effects.add((effect as unknown as Effect<A, C>)(input.events$, state$, deps).subscribe(observer));
    }
    this.#dispatch({ type: 'start' });
    const queued = this.#queued;
    this.#queued = [];
    for (const action of queued) this.#dispatch(action);
    this.#inputs = new Subscription();
    this.#input$('config$', this.#config.config$, (change) => this.configure(change));
    this.#input$('network$', this.#config.network$, (signal) => {
      const { up, network } = checkNetworkSignal(signal);
      if (up) this.networkUp(network);
      else this.networkDown(network);
    });
  }

  /**
   * Stops: closes listeners, cancels dials and retry timers, closes every established and
   * inbound conn (with their `disconnected` / `inboundClosed` events), then completes the
   * streams. Idempotent. Commands after it do nothing.
   */
  stop(): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    this.#inputs?.unsubscribe();
    this.#inputs = undefined;
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

  /**
   * Changes the live configuration (see `LiveConfig`) and announces it with a `configured` event
   * (old and new values of the fields that changed); called outside a notification, `state.config` shows it when this returns.
   * Raising `targetOutbound` dials more at once; lowering it closes the youngest automatic
   * requests beyond it (`canceled` / `disconnected` reason `'target'`, not replaced, the ones not
   * yet established first). Lowering `maxInbound` below the admitted count closes the youngest
   * inbound conns (`inboundClosed` reason `'limit'`). A new `backoff` applies from each request's
   * next retry (a request already waiting keeps its timer). Without a `backoff` of your own, a new
   * `retryDuration` also becomes the default linear backoff's step. Applies before `start()` too;
   * a no-op after `stop()`.
   * @throws InvalidOptionError naming the field, for a bad value or an unknown field; then nothing changes.
   * @example
   * cm.configure({ targetOutbound: 4, maxInbound: 20 });
   */
  configure(change: Partial<LiveConfig>): void {
    const checked = checkLiveConfig(change);
    if (this.#phase === 'stopped') return;
    const { retryDuration } = checked;
    const config =
      retryDuration !== undefined && checked.backoff === undefined && this.#config.defaultBackoff
        ? { ...checked, backoff: linearBackoff({ step: retryDuration, cap: this.#config.maxRetryDuration }) }
        : checked;
    // At once, also before start: it changes no request there, and state.config shows it.
    this.#dispatch({ type: 'configure', config });
  }

  /**
   * Says a network family is down (an OS-level signal, an operator), or every family without an
   * argument: its dial failures stop counting (`failed` with `counted: false`), permanent
   * backoffs stay on their step, until `networkUp` — a dial that succeeds meanwhile does not
   * override your word. Emits `networkOffline` (reason `'manual'`) if it was online.
   * @example
   * cm.networkDown('ipv6');
   */
  networkDown(network?: string): void {
    if (this.#phase !== 'stopped') this.#dispatch(network === undefined ? { type: 'networkDown' } : { type: 'networkDown', network });
  }

  /**
   * Says a network family (or every family, without an argument) is up: its failure count is
   * cleared, and if it was offline, `networkOnline` (reason `'manual'`) and its permanent requests
   * waiting to reconnect are retried at once, each after its jitter (`onlineRetryJitter`).
   * @example
   * cm.networkUp('ipv6');
   */
  networkUp(network?: string): void {
    if (this.#phase !== 'stopped') this.#dispatch(network === undefined ? { type: 'networkUp' } : { type: 'networkUp', network });
  }

  /** Subscribes an input stream until stop; a value `apply` throws for, or the stream's error, is a `callbackError` named `source`. */
  #input$<T>(source: string, input$: Observable<T> | undefined, apply: (value: T) => void): void {
    if (input$ === undefined) return;
    const fail = (error: unknown) => this.#dispatch({ type: 'callbackFailed', source, error });
    this.#inputs?.add(
      input$.subscribe({
        next: (value) => {
          try {
            apply(value);
          } catch (error) {
            fail(error);
          }
        },
        error: fail,
      }),
    );
  }

  /**
   * The effects' `getNewAddress` (the user's, with the state bound) and whether it reads the state
   * — then the refill effect folds each request before it asks for the next address, so that the
   * chooser sees every earlier pick. A chooser that declares a `state` parameter reads it; one that
   * declares none but reads `cm.state` is seen doing so on its first such call, and from then on
   * treated alike (a turn's refills folded together before that call could not be told apart).
   */
  #addressDeps(): Pick<EffectDeps<A, C>, 'getNewAddress' | 'lookupsReadState'> {
    const chooser = this.#config.getNewAddress;
    if (chooser === undefined) return { getNewAddress: undefined };
    if (chooser.length > 0) return { getNewAddress: (context) => chooser(this.state, context), lookupsReadState: () => true };
    const ask = chooser as unknown as (context: AddressContext) => ObservableInput<A> | A;
    let readsState = false;
    return {
      getNewAddress: (context) => {
        const reads = this.#stateReads;
        try {
          return ask(context);
        } finally {
          if (this.#stateReads !== reads) readsState = true;
        }
      },
      lookupsReadState: () => readsState,
    };
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
    // The loop's trampoline (`trampoline()`'s algorithm, inline): an action dispatched while one is
    // being folded and published waits its turn, so the loop never nests. Results that arrive
    // after stop still come through here (their conns get closed).
    const queue = this.#queue;
    queue.push(action as ConnAction<A, C>);
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#head < queue.length) {
        const next = queue[this.#head]!;
        queue[this.#head++] = undefined as unknown as ConnAction<A, C>; // release it to the GC
        // Unobserved, a Subject's next still costs its error-context wrapper: in a storm nobody
        // watches actions$, and every action comes through here.
        if (this.#actions.observed) this.#actions.next(next);
        this.#step(next);
      }
    } finally {
      // Emptied by pops: the queue rarely holds more than two, and setting `length` is a runtime call.
      while (queue.length !== 0) queue.pop();
      this.#head = 0;
      this.#draining = false;
      this.#stepAt = undefined; // should a step have thrown
    }
  }

  /** @param addr - the request's last address (an automatic request's handle has none of its own). */
  #finish(req: ConnReq<A>, state: ConnState, retryCount: number, addr: A | undefined = req.addr): void {
    finishConnReq(req, { state, retryCount, addr });
  }

  /** One fold step: `reduce`, under the loop's edit token while no snapshot made under it has been published. */
  #step(action: ConnAction<A, C>): void {
    let owner = this.#owner;
    // The hook gets this step's input state: it is published to it.
    if (this.#published || (action.type === 'incoming' && this.#config.reducer.admitInbound !== undefined)) {
      owner = this.#owner = new StepOwner<A, C>();
      this.#published = false;
    }
    const removed = owner.removed;
    while (removed.length !== 0) removed.pop(); // see `#dispatch` on setting length
    const previous = this.#state;
    this.#stepAt = action.at;
    this.#publish(reduceOwned(previous, action, owner), previous, owner.removed);
    this.#stepAt = undefined;
  }

  /**
   * @param previous - the snapshot before this step; its maps may have been edited by the step,
   *   so what a removed request was is read from `removed`.
   */
  #publish(state: ConnManagerState<A, C>, previous: ConnManagerState<A, C>, removed: readonly OutboundEntry<A, C>[]): void {
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
    const { emitted } = state;
    // Indexed loops: `for…of` over these short arrays showed in storm profiles.
    for (let i = 0; i < emitted.length; i++) {
      const event = emitted[i]!;
      const final = finalStateOf(event);
      if (final !== undefined && 'req' in event) {
        // Read from the entry it was, not through the handle: the handle's live view already looks
        // at this step's state, where the request is gone (an automatic one would lose its address).
        const before = removedEntry(removed, event.req.id) ?? previous.requests.get(event.req.id);
        this.#finish(event.req, final, before?.retryCount ?? event.req.retryCount, before?.addr ?? event.req.addr);
      }
    }
    if (this.#stateChanges.observed) {
      this.#published = true;
      this.#stateChanges.next(state);
    }
    const watched = this.#events.observed;
    const routes = this.#routes;
    for (let i = 0; i < emitted.length; i++) {
      const event = emitted[i]!;
      if (watched) this.#events.next(event);
      const routed = routes[event.type];
      if (routed !== undefined) for (let k = 0; k < routed.length; k++) routed[k]!.next(event);
    }
    if (state.phase === 'stopped') this.#teardown();
  }

  #teardown(): void {
    this.#effects?.unsubscribe();
    this.#effects = undefined;
    this.#routes = Object.create(null) as object;
    this.#events.complete();
    this.#actions.complete();
    this.#stateChanges.complete();
    this.#done();
  }
}

/** The entry with `id` among those a step removed (a handful at most; `stop` removes none this way). */
function removedEntry<A, C>(removed: readonly OutboundEntry<A, C>[], id: number): OutboundEntry<A, C> | undefined {
  for (const entry of removed) if (entry.id === id) return entry;
  return undefined;
}

/** What {@link ConnManager.newConnReq} may be told. */
export interface NewConnReqOptions {
  /** The class of the request (its target in `classes`). @default DEFAULT_CONN_CLASS */
  readonly connClass?: string;
  /** May exceed the class's target by one (an extra peer, one of which the caller then evicts). @default false */
  readonly extra?: boolean;
}

const NO_OPTIONS: ConnReqOptions = Object.freeze({});

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
