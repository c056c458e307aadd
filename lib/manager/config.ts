import type { Observable, ObservableInput, SchedulerLike } from 'rxjs';
import { defaultConnClosed } from '../effects/emitterClosed.js';
import { immediateScheduler } from '../schedulers/immediateScheduler.js';
import type { BackoffPolicy } from '../backoff/Backoff.js';
import { linearBackoff } from '../backoff/linearBackoff.js';
import { DialRequiredError } from '../model/errors.js';
import { DEFAULT_OFFLINE_AFTER, DEFAULT_ONLINE_RETRY_JITTER, LIVE_CONFIG_KEYS, type LiveConfig } from '../model/LiveConfig.js';
import { InvalidOptionError } from '../shared/InvalidOptionError.js';
import { isCount } from '../shared/isCount.js';
import type { AddressContext } from '../model/AddressContext.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import type { AdmitInbound, ConnClassBudget, ConnManagerState, ReducerConfig } from '../model/state.js';
import type { DialFunction } from '../operators/dialOnce.js';

/** The address source of automatic requests, asked with the manager's current state (see `ConnManagerConfig.getNewAddress`). */
export type GetNewAddress<A, C> = (state: ConnManagerState<A, C>, context: AddressContext) => ObservableInput<A> | A;

/**
 * Configuration of a `ConnManager`. Only `dial` is required; every default below matches btcd.
 *
 * @typeParam A - the address type (a string, a `SocketAddress`, …)
 * @typeParam C - the connection type (a `net.Socket`, a fake conn in tests, …)
 */
export interface ConnManagerConfig<A, C> {
  /** Opens a connection: an Observable, Promise or any ObservableInput of one conn. Required. It receives an AbortSignal that fires when the dial is abandoned. */
  readonly dial: DialFunction<A, C>;
  /** Sources of inbound conns, subscribed on `start()` and unsubscribed on `stop()`. Default none. */
  readonly listeners?: readonly ObservableInput<C>[];
  /**
   * Where automatic outbound requests get their address. Absent = connect mode: only requested
   * connections are made. A value that is not an Observable, Promise or iterable (a string, a
   * `SocketAddress`) is taken as the address itself; an array is an iterable, so return `[addr]`
   * for an array-typed address. It receives the manager's current state (published: it never
   * changes afterwards; including the requests made before this one), so a chooser can skip
   * addresses and groups in use without reading the manager back, and the request's context (its
   * `connClass`); a function declaring fewer parameters works as well.
   *
   * The replacements of one turn are asked for together, and when the chooser reads no state
   * (declares no parameter and never reads `cm.state`) they are folded in one reducer step; a
   * chooser that reads the state sees each earlier pick folded before it is asked again. A
   * Promise answer arrives a microtask later; the answers of one turn are folded in one step too.
   */
  readonly getNewAddress?: GetNewAddress<A, C>;
  /** Automatic outbound connections of the default class to keep. Default 8. Unlike btcd, 0 means none (btcd turns 0 into 8). */
  readonly targetOutbound?: number;
  /**
   * Named connection classes beside the default one (`targetOutbound`), each with its own budget
   * in the reducer: `target` automatic requests kept and refilled (asked of `getNewAddress` with
   * that `connClass`), and at most `max` live requests of the class, automatic or hand-made
   * (`connect(addr, { connClass })` beyond it is canceled, reason `'classFull'`). A class not named
   * here has no budget. Default none: the manager behaves as btcd's, event for event.
   *
   * @example
   * classes: { 'block-relay-only': { target: 2 }, feeler: { max: 1 }, 'addr-fetch': { max: 2 } }
   */
  readonly classes?: Readonly<Record<string, ConnClassConfig>>;
  /** ms: permanent retry step (linear backoff) and the throttled replacement delay. Default 5,000. */
  readonly retryDuration?: number;
  /** ms: cap of the permanent retry delay. Default 300,000. */
  readonly maxRetryDuration?: number;
  /** Automatic failures in a row after which replacements wait `retryDuration`. Default 25; `Infinity` disables the throttle. */
  readonly maxFailedAttempts?: number;
  /** Inbound conns admitted at once; more are closed at once with a `rejected` event. Default `Infinity`. */
  readonly maxInbound?: number;
  /**
   * Inbound admission policy, asked for every incoming conn in the reducer (pure: the conn, the
   * state, the time): refuse it (`rejected` with the reason), or admit it in place of an inbound
   * conn it names (evicted). Default none: admit while fewer than `maxInbound` are admitted.
   */
  readonly admitInbound?: AdmitInbound<A, C>;
  /** ms a dial may take before it fails with `ManagerDialTimeoutError`. Default 30,000; `Infinity` = none. */
  readonly dialTimeout?: number;
  /** Retry delays of permanent requests. Default `linearBackoff({ step: retryDuration, cap: maxRetryDuration })`, btcd's. */
  readonly backoff?: BackoffPolicy;
  /** ms a connection must last before its backoff resets, so flapping peers are not re-dialed at the base delay forever. Default 0 (btcd: reset on every success). */
  readonly minUptime?: number;
  /**
   * Changes of the live configuration (`LiveConfig`), subscribed on `start()` and released on
   * `stop()`; each value is applied as `configure(value)` would. A bad value changes nothing and is
   * reported as a `callbackError` (source `'config$'`, the `InvalidOptionError`); an error of the
   * stream itself likewise, and ends the input. Default none.
   */
  readonly config$?: Observable<Partial<LiveConfig>>;
  /**
   * Network up/down signals (an OS-level "link lost", a VPN going away), subscribed on `start()`
   * and released on `stop()`: `{ up: false, network? }` is `networkDown(network)`, `{ up: true,
   * network? }` is `networkUp(network)`. A malformed signal is a `callbackError` (source
   * `'network$'`) and changes nothing. Default none.
   */
  readonly network$?: Observable<NetworkSignal>;
  /**
   * The network family of an address ('ipv4', 'ipv6', 'onion', …), pure: dial failures and
   * successes are tracked per family, and a family with `offlineAfter` failures in a row is
   * offline (its failures stop counting). Default: one family for every address.
   */
  readonly networkOf?: (addr: A) => string;
  /** Dial failures in a row with no success after which a network family is offline. Default 25 (btcd's `maxFailedAttempts`); `Infinity`: only `networkDown()` makes it so. */
  readonly offlineAfter?: number;
  /** ms: the retries of waiting permanent requests when their network comes back are spread over [0, this). Default 1,000. */
  readonly onlineRetryJitter?: number;
  /** Closes a conn the manager lets go of. Default: `destroy()`, else `close()`, else `end()` — right for `net.Socket`. */
  readonly closeConn?: (conn: C) => void;
  /** Fires when a conn closes by itself. Default: the conn's `'close'` event if it is an EventEmitter (at once if already destroyed), else never. */
  readonly connClosed?: (conn: C) => ObservableInput<unknown>;
  /** Key for "never two live requests to one address". Default: `String(addr)` (JSON for plain objects). `false` = allow duplicates, as btcd does. */
  readonly addressKey?: ((addr: A) => string) | false;
  /**
   * Every timer runs on it. Default `immediateScheduler` (like `asyncScheduler`, but a 0 delay is
   * one turn of the event loop, not a 1 ms `setInterval`); a `TestScheduler` gives virtual time.
   */
  readonly scheduler?: SchedulerLike;
}

/** One value of the `network$` input: a family (or, without `network`, every family) went up or down. */
export interface NetworkSignal {
  readonly up: boolean;
  readonly network?: string;
}

/** The budget of one named connection class (see `ConnManagerConfig.classes`). */
export interface ConnClassConfig {
  /** Automatic requests of this class to keep (refilled as `targetOutbound`). @default 0 */
  readonly target?: number;
  /** Live requests of this class at most, automatic and hand-made; not below `target`. @default Infinity */
  readonly max?: number;
}

/** A config with every default applied and every number checked. */
export interface ResolvedConfig<A, C> {
  readonly reducer: ReducerConfig<A, C>;
  readonly dial: DialFunction<A, C>;
  readonly listeners: readonly ObservableInput<C>[];
  readonly getNewAddress: GetNewAddress<A, C> | undefined;
  readonly retryDuration: number;
  readonly maxRetryDuration: number;
  readonly dialTimeout: number;
  readonly closeConn: (conn: C) => void;
  readonly connClosed: (conn: C) => ObservableInput<unknown>;
  readonly scheduler: SchedulerLike;
  readonly config$: Observable<Partial<LiveConfig>> | undefined;
  readonly network$: Observable<NetworkSignal> | undefined;
  /** No `backoff` was given: the default linear one follows a live `retryDuration` change. */
  readonly defaultBackoff: boolean;
}

/** btcd's defaults. */
export const DEFAULTS = {
  targetOutbound: 8,
  retryDuration: 5_000,
  maxRetryDuration: 300_000,
  maxFailedAttempts: 25,
  maxInbound: Infinity,
  dialTimeout: 30_000,
  minUptime: 0,
  offlineAfter: DEFAULT_OFFLINE_AFTER,
  onlineRetryJitter: DEFAULT_ONLINE_RETRY_JITTER,
} as const;

/**
 * Applies defaults and validates. Throws `DialRequiredError` without `dial`, and
 * `InvalidOptionError` (a `RangeError`) naming the field for a negative, NaN or non-integer number
 * (`Infinity` is accepted where it means "no limit": maxInbound, maxFailedAttempts,
 * maxRetryDuration, dialTimeout, offlineAfter).
 */
export function resolveConfig<A, C>(config: ConnManagerConfig<A, C>): ResolvedConfig<A, C> {
  if (typeof config?.dial !== 'function') throw new DialRequiredError();
  const targetOutbound = count('targetOutbound', config.targetOutbound, DEFAULTS.targetOutbound, false);
  const retryDuration = count('retryDuration', config.retryDuration, DEFAULTS.retryDuration, false);
  const maxRetryDuration = count('maxRetryDuration', config.maxRetryDuration, DEFAULTS.maxRetryDuration, true);
  const maxFailedAttempts = count('maxFailedAttempts', config.maxFailedAttempts, DEFAULTS.maxFailedAttempts, true);
  const maxInbound = count('maxInbound', config.maxInbound, DEFAULTS.maxInbound, true);
  const dialTimeout = count('dialTimeout', config.dialTimeout, DEFAULTS.dialTimeout, true);
  const minUptime = count('minUptime', config.minUptime, DEFAULTS.minUptime, false);
  const offlineAfter = count('offlineAfter', config.offlineAfter, DEFAULTS.offlineAfter, true);
  const onlineRetryJitter = count('onlineRetryJitter', config.onlineRetryJitter, DEFAULTS.onlineRetryJitter, false);
  if (config.backoff !== undefined) checkBackoff(config.backoff);
  if (config.networkOf !== undefined && typeof config.networkOf !== 'function') {
    throw new InvalidOptionError('networkOf', config.networkOf, 'a function (addr) => string');
  }
  const listeners = config.listeners ?? [];
  if (!Array.isArray(listeners)) throw new TypeError('listeners must be an array of ObservableInput');
  const addressKey = config.addressKey === false ? undefined : (config.addressKey ?? defaultAddressKey);
  return {
    reducer: {
      targetOutbound,
      classes: resolveClasses(config.classes),
      maxFailedAttempts,
      retryDuration,
      maxInbound,
      minUptime,
      backoff: config.backoff ?? linearBackoff({ step: retryDuration, cap: maxRetryDuration }),
      automatic: typeof config.getNewAddress === 'function',
      addressKey,
      networkOf: config.networkOf,
      offlineAfter,
      onlineRetryJitter,
      ...(config.admitInbound ? { admitInbound: config.admitInbound } : {}),
    },
    dial: config.dial,
    listeners,
    getNewAddress: config.getNewAddress,
    retryDuration,
    maxRetryDuration,
    dialTimeout,
    closeConn: config.closeConn ?? defaultCloseConn,
    connClosed: config.connClosed ?? defaultConnClosed,
    scheduler: config.scheduler ?? immediateScheduler,
    config$: config.config$,
    network$: config.network$,
    defaultBackoff: config.backoff === undefined,
  };
}

/** Checks and fills the class budgets: a TypeError for a bad name, a RangeError naming the class for a bad number. */
function resolveClasses(classes: ConnManagerConfig<unknown, unknown>['classes']): Readonly<Record<string, ConnClassBudget>> {
  if (classes === undefined) return NO_CLASSES;
  if (typeof classes !== 'object' || classes === null) throw new TypeError(`classes must be an object, got ${String(classes)}`);
  const resolved: Record<string, ConnClassBudget> = {};
  for (const [name, budget] of Object.entries(classes)) {
    if (name === '' || name === DEFAULT_CONN_CLASS) {
      throw new TypeError(`classes: '${name}' cannot be a class name (the default class's target is targetOutbound)`);
    }
    const target = count(`classes.${name}.target`, budget?.target, 0, false);
    const max = count(`classes.${name}.max`, budget?.max, Infinity, true);
    if (max < target) throw new RangeError(`classes.${name}.max must be at least its target ${target}, got ${max}`);
    resolved[name] = Object.freeze({ target, max });
  }
  return Object.freeze(resolved);
}

const NO_CLASSES: Readonly<Record<string, ConnClassBudget>> = Object.freeze({});

function count(field: string, value: number | undefined, fallback: number, infinityAllowed: boolean): number {
  if (value === undefined) return fallback;
  if (!isCount(value, 0, infinityAllowed)) {
    throw new InvalidOptionError(field, value, `a non-negative integer${infinityAllowed ? ' or Infinity' : ''}`);
  }
  return value;
}

function checkBackoff(value: unknown): void {
  if (typeof (value as { first?: unknown } | null)?.first !== 'function') {
    throw new InvalidOptionError('backoff', value, 'a BackoffPolicy (an object with first(seed))');
  }
}

/** Whether `Infinity` is a valid value of each numeric live field (it means "no limit" there). */
const LIVE_INFINITY: Readonly<Record<Exclude<keyof LiveConfig, 'backoff'>, boolean>> = {
  targetOutbound: false,
  maxInbound: true,
  maxFailedAttempts: true,
  retryDuration: false,
  minUptime: false,
  offlineAfter: true,
  onlineRetryJitter: false,
};

/**
 * Checks a live-config change as `resolveConfig` checks the same fields at construction, and
 * returns a copy holding only the fields given (undefined ones dropped). Checked whole before
 * anything applies, so a bad value changes nothing.
 *
 * @throws InvalidOptionError naming the field for a value outside its domain, for an unknown
 *   field (a typo must not pass silently), or for a change that is not an object.
 *
 * @example
 * checkLiveConfig({ targetOutbound: 4 });  // { targetOutbound: 4 }
 * checkLiveConfig({ targetOutbound: -1 }); // throws InvalidOptionError: targetOutbound = -1 …
 */
export function checkLiveConfig(change: unknown): Partial<LiveConfig> {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw new InvalidOptionError('config', change, `an object with some of ${LIVE_CONFIG_KEYS.join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(change)) {
    if (!(LIVE_CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new InvalidOptionError(key, value, `one of the live fields ${LIVE_CONFIG_KEYS.join(', ')}`);
    }
    if (value === undefined) continue;
    if (key === 'backoff') checkBackoff(value);
    else count(key, value as number, 0, LIVE_INFINITY[key as keyof typeof LIVE_INFINITY]);
    out[key] = value;
  }
  return out;
}

/** `String(addr)`, or JSON for plain objects (whose `String()` is the useless "[object Object]"). */
export function defaultAddressKey(addr: unknown): string {
  if (typeof addr === 'object' && addr !== null && addr.toString === Object.prototype.toString) return JSON.stringify(addr);
  return String(addr);
}

interface Closable {
  destroy?: () => void;
  close?: () => void;
  end?: () => void;
}

/** Closes a socket-like conn: `destroy()`, else `close()`, else `end()`. */
export function defaultCloseConn(conn: unknown): void {
  const c = conn as Closable | null;
  if (typeof c?.destroy === 'function') c.destroy();
  else if (typeof c?.close === 'function') c.close();
  else if (typeof c?.end === 'function') c.end();
}

export { defaultConnClosed };

/**
 * Checks one `network$` signal.
 * @throws InvalidOptionError for anything but `{ up: boolean, network?: string }`.
 */
export function checkNetworkSignal(signal: unknown): NetworkSignal {
  const s = signal as { up?: unknown; network?: unknown } | null;
  if (typeof s?.up !== 'boolean' || (s.network !== undefined && typeof s.network !== 'string')) {
    throw new InvalidOptionError('network$', JSON.stringify(signal), '{ up: boolean, network?: string }');
  }
  return s as NetworkSignal;
}
