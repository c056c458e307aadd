import { expect } from 'chai';
import { NEVER, VirtualTimeScheduler, type Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { EffectDeps } from '../../lib/effects/Effect.js';
import type { ConnActionInput } from '../../lib/model/actions.js';
import { ConnReq, bindConnReq } from '../../lib/model/ConnReq.js';
import type { CancelReason, ConnEvent, DisconnectReason } from '../../lib/model/events.js';
import type { ConnManagerState } from '../../lib/model/state.js';

/** Effects under test use plain strings for addresses and conns, so marble values stay short. */
export type Addr = string;
export type Conn = string;
export type Event = ConnEvent<Addr, Conn>;
export type Action = ConnActionInput<Addr, Conn>;
export type Deps = EffectDeps<Addr, Conn>;

/** The state stream effects receive; none of them reads it. */
export const state$ = NEVER as Observable<ConnManagerState<Addr, Conn>>;

/**
 * A `ConnReq` keeps its id in a private field, which chai's deep equality cannot see: two
 * different requests would compare equal. Every notification is compared with its requests
 * replaced by `ConnReq#<id>`, so a marble also checks *which* request an action carries.
 */
function normalize(value: unknown): unknown {
  if (value instanceof ConnReq) return `ConnReq#${value.id}`;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

/** A TestScheduler whose assertion sees request ids (see `normalize`); errors compare by name and message. */
export const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(normalize(actual)).to.deep.equal(normalize(expected));
  });

/** A request handle with its id assigned, as the manager would hand it out. */
export function request<A = Addr>(id: number, addr?: A): ConnReq<A> {
  const req = new ConnReq<A>(addr);
  bindConnReq(req, id, { lookup: () => undefined });
  return req;
}

/**
 * A virtual-time scheduler that records the delay of every `schedule` call. Needed where the
 * delay itself matters: RxJS's virtual schedulers silently drop an infinite delay, while Node's
 * timers fire any delay above 2³¹−1 ms at once.
 */
export function recordingScheduler(): {
  readonly scheduler: SchedulerLike;
  readonly delays: number[];
  readonly virtual: VirtualTimeScheduler;
} {
  const virtual = new VirtualTimeScheduler();
  const delays: number[] = [];
  function schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    delays.push(delay);
    return virtual.schedule(work, delay, state);
  }
  const scheduler: SchedulerLike = { now: () => virtual.now(), schedule };
  return { scheduler, delays, virtual };
}

/** A dep that must not be called by the effect under test: fails loudly. */
const unexpected = (name: string) => () => {
  throw new Error(`unexpected call to deps.${name}`);
};

/**
 * A full `EffectDeps` of test doubles on `scheduler`; `overrides` replace any of them. Defaults:
 * `dial`, `closeConn`, `connClosed` and `newRequest` throw when called (a spec that relies on one
 * passes its own); no `getNewAddress`; no listeners; no dial timeout; retry 10 ms capped at 40 ms.
 */
export function makeDeps<A = Addr, C = Conn>(scheduler: SchedulerLike, overrides: Partial<EffectDeps<A, C>> = {}): EffectDeps<A, C> {
  return {
    dial: unexpected('dial'),
    getNewAddress: undefined,
    listeners: [],
    closeConn: unexpected('closeConn'),
    connClosed: unexpected('connClosed'),
    dialTimeout: Infinity,
    retryDuration: 10,
    maxRetryDuration: 40,
    scheduler,
    newRequest: unexpected('newRequest'),
    ...overrides,
  };
}

/** `newRequest` that hands out fresh bound requests with ids `firstId`, `firstId + 1`, …; `made` lists them. */
export function requestFactory(firstId: number): { readonly newRequest: () => ConnReq<Addr>; readonly made: ConnReq<Addr>[] } {
  const made: ConnReq<Addr>[] = [];
  let next = firstId;
  return {
    made,
    newRequest: () => {
      const req = request(next++);
      made.push(req);
      return req;
    },
  };
}

// Event builders: the shapes the reducer emits.

export const started = (): Event => ({ type: 'started' });
export const stopped = (): Event => ({ type: 'stopped' });
export const addressRequested = (req: ConnReq<Addr>): Event => ({ type: 'addressRequested', req });
export const dialing = (req: ConnReq<Addr>, addr: Addr, attempt = 1): Event => ({ type: 'dialing', req, addr, attempt });
export const connected = (req: ConnReq<Addr>, addr: Addr, conn: Conn): Event => ({ type: 'connected', req, addr, conn });
export const failed = (req: ConnReq<Addr>, addr: Addr | undefined, error: unknown, willRetry = false): Event => ({
  type: 'failed',
  req,
  addr,
  error,
  willRetry,
  counted: true,
});
export const retryScheduled = (req: ConnReq<Addr>, delay: number, attempt: number, retryCount = attempt - 1): Event => ({
  type: 'retryScheduled',
  req,
  delay,
  retryCount,
  attempt,
});
export const refillScheduled = (count: number, delay: number): Event => ({ type: 'refillScheduled', count, delay });
export const disconnected = (req: ConnReq<Addr>, addr: Addr, conn: Conn, reason: DisconnectReason, willReconnect = false): Event => ({
  type: 'disconnected',
  req,
  addr,
  conn,
  reason,
  willReconnect,
});
export const canceled = (req: ConnReq<Addr>, reason: CancelReason = 'remove'): Event => ({ type: 'canceled', req, reason });
export const accepted = (conn: Conn, inboundId: number, listener = 0): Event => ({ type: 'accepted', conn, inboundId, listener });
export const rejected = (conn: Conn, reason: 'maxInbound' | 'notRunning' = 'maxInbound', listener = 0): Event => ({
  type: 'rejected',
  conn,
  listener,
  reason,
});
export const inboundClosed = (conn: Conn, inboundId: number, reason: 'closed' | 'stop'): Event => ({
  type: 'inboundClosed',
  conn,
  inboundId,
  reason,
});
export const discarded = (conn: Conn, id: number): Event => ({ type: 'discarded', conn, id });
