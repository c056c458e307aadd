import type { ObservableInput, SchedulerLike } from 'rxjs';
import { defaultConnClosed } from '../effects/emitterClosed.js';
import { immediateScheduler } from '../schedulers/immediateScheduler.js';
import type { BackoffPolicy } from '../backoff/Backoff.js';
import { linearBackoff } from '../backoff/linearBackoff.js';
import { DialRequiredError } from '../model/errors.js';
import { isCount } from '../shared/isCount.js';
import type { AddressContext } from '../model/AddressContext.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import type { AdmitInbound, ConnClassBudget, ConnManagerState, ReducerConfig } from '../model/state.js';
import type { DialFunction } from '../operators/dialOnce.js';

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
   * Where automatic outbound requests get their address, called with the manager's current state
   * and the request's context (its `connClass`). Absent = connect mode: only requested connections
   * are made. A value that is not an Observable, Promise or iterable (a string, a `SocketAddress`)
   * is taken as the address itself; an array is an iterable, so return `[addr]` for an array-typed address.
   */
  readonly getNewAddress?: (state: ConnManagerState<A, C>, context: AddressContext) => ObservableInput<A> | A;
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
  readonly getNewAddress: ((state: ConnManagerState<A, C>, context: AddressContext) => ObservableInput<A> | A) | undefined;
  readonly retryDuration: number;
  readonly maxRetryDuration: number;
  readonly dialTimeout: number;
  readonly closeConn: (conn: C) => void;
  readonly connClosed: (conn: C) => ObservableInput<unknown>;
  readonly scheduler: SchedulerLike;
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
} as const;

/**
 * Applies defaults and validates. Throws `DialRequiredError` without `dial`, and `RangeError`
 * naming the field for a negative, NaN or non-integer number (`Infinity` is accepted where it
 * means "no limit": maxInbound, maxFailedAttempts, maxRetryDuration, dialTimeout).
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
    throw new RangeError(`${field} must be a non-negative integer${infinityAllowed ? ' or Infinity' : ''}, got ${String(value)}`);
  }
  return value;
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
