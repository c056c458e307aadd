import type { AddressAnswer, ConnAction } from '../model/actions.js';
import type { AddressLookup } from '../model/AddressLookup.js';
import { ConnState } from '../model/ConnState.js';
import { DuplicateAddressError } from '../model/errors.js';
import type { CancelReason, DisconnectReason } from '../model/events.js';
import type { LiveConfig } from '../model/LiveConfig.js';
import { zeroClassCounts, type ConnManagerState, type InboundVerdict, type OutboundEntry } from '../model/state.js';
import type { Backoff } from '../backoff/Backoff.js';
import { PersistentMap } from '../collections/PersistentMap.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import {
  addRefills,
  belowTarget,
  classCountOf,
  copyEntry,
  draftOf,
  putEntry,
  scheduleRefill,
  type Draft,
  type StepOwner,
} from './Draft.js';
import {
  healthIsOffline,
  isOffline,
  markNetworkDown,
  markNetworkUp,
  networkOfAddr,
  recordDialFailure,
  recordDialSuccess,
} from './networks.js';
import { youngestAutomatic, youngestInbound } from './youngest.js';

/**
 * The connection manager's pure reducer: `state = reduce(state, action)`.
 *
 * It knows nothing of time, sockets or Rx: actions carry their own timestamps and results, and
 * what should happen next (dial, wait, close) is written to `state.emitted` for the effects to
 * carry out. Every step is O(1) in the number of tracked connections (the maps are persistent,
 * so a step copies a path, never the map) — except `stop`, which visits every connection once.
 * The input state is never modified.
 *
 * @example
 * let s = initialState<string, Conn>(config);
 * s = reduce(s, { type: 'start', at: 0 });
 * s = reduce(s, { type: 'connect', req: new ConnReq('a'), at: 0 }); // s.emitted: [{ type: 'dialing', … }]
 */
export function reduce<A, C>(state: ConnManagerState<A, C>, action: ConnAction<A, C>): ConnManagerState<A, C> {
  return reduceOwned(state, action, undefined);
}

/**
 * `reduce` under an edit token lent by a loop (the manager's): maps' nodes made under `owner` by
 * earlier steps are changed in place, so `state` itself may change — allowed only when nobody
 * but the lender has seen it. `reduce` is this without a token: plain persistent updates.
 *
 * @internal
 */
export function reduceOwned<A, C>(
  state: ConnManagerState<A, C>,
  action: ConnAction<A, C>,
  owner: StepOwner<A, C> | undefined,
): ConnManagerState<A, C> {
  const d = draftOf(state, owner);
  const next = step(state, action, d);
  d.owner = undefined; // the published snapshot never carries the token
  return next;
}

function step<A, C>(state: ConnManagerState<A, C>, action: ConnAction<A, C>, d: Draft<A, C>): ConnManagerState<A, C> {
  switch (action.type) {
    case 'start':
      if (state.phase !== 'idle') return state;
      d.phase = 'running';
      d.emitted.push({ type: 'started' });
      fillToTarget(d);
      return d;

    case 'stop':
      if (state.phase === 'stopped') return state;
      stop(d);
      return d;

    case 'connect': {
      const { req } = action;
      if (d.phase !== 'running') return cancelNew(d, req, 'stop');
      if (d.requests.has(req.id)) {
        d.emitted.push({ type: 'ignored', command: 'connect', id: req.id, reason: 'alreadyConnected' });
        return d;
      }
      const addr = req.addr as A;
      const addrKey = d.config.addressKey?.(addr);
      if (addrKey !== undefined && d.addresses.has(addrKey)) return cancelNew(d, req, 'duplicate');
      if (classFull(d, req.connClass)) return cancelNew(d, req, 'classFull');
      const entry = dialingEntry<A, C>(req, addr, addrKey, req.permanent, false);
      putEntry(d, undefined, entry);
      d.emitted.push({ type: 'dialing', req, addr, attempt: 1 });
      return d;
    }

    case 'newConnReq':
      automaticRequest(d, action.req, action.refill, action.extra === true, action.lookup);
      return d;

    case 'refill':
      for (const { req, lookup } of action.requests) automaticRequest(d, req, true, false, lookup);
      return d;

    case 'addressResolved':
    case 'addressFailed':
      return answerAddress(d, action) ? d : state;

    case 'addressesAnswered': {
      let changed = false;
      for (const answer of action.answers) changed = answerAddress(d, answer) || changed;
      return changed ? d : state;
    }

    case 'dialSucceeded': {
      const entry = d.requests.get(action.id);
      if (!entry || entry.stage !== 'dial' || entry.attempt !== action.attempt) {
        d.emitted.push({ type: 'discarded', conn: action.conn, id: action.id });
        return d;
      }
      const resetNow = d.config.minUptime === 0;
      const next = copyEntry(entry);
      next.state = ConnState.Established;
      next.stage = 'established';
      next.conn = action.conn;
      next.connectedAt = action.at;
      if (resetNow) {
        next.retryCount = 0;
        next.backoff = undefined;
      }
      putEntry(d, entry, next);
      d.failedAttempts = 0;
      d.emitted.push({ type: 'connected', req: next.req, addr: next.addr as A, conn: action.conn });
      recordDialSuccess(d, networkOfAddr(d, next.addr as A));
      return d;
    }

    case 'dialFailed': {
      const entry = d.requests.get(action.id);
      if (!entry || entry.stage !== 'dial' || entry.attempt !== action.attempt) return state;
      // A failure in a family already offline does not count; the one that tips it over does
      // (it was made while the family looked online), then the family is announced offline.
      const network = networkOfAddr(d, entry.addr as A);
      const health = d.networks.get(network);
      fail(d, entry, action.error, !healthIsOffline(d, health));
      recordDialFailure(d, network, health);
      return d;
    }

    case 'retryDue': {
      const entry = d.requests.get(action.id);
      if (!entry || entry.stage !== 'retryWait' || entry.attempt !== action.attempt) return state;
      const next = copyEntry(entry);
      next.state = ConnState.Pending;
      next.stage = 'dial';
      next.attempt = entry.attempt + 1;
      putEntry(d, entry, next);
      d.emitted.push({ type: 'dialing', req: next.req, addr: next.addr as A, attempt: next.attempt });
      return d;
    }

    case 'connClosed': {
      const entry = d.requests.get(action.id);
      if (!entry || entry.stage !== 'established' || entry.conn !== action.conn) return state;
      dropEstablished(d, entry, 'closed', action.at);
      return d;
    }

    case 'disconnect':
    case 'remove': {
      const { type: command, id } = action;
      if (d.phase !== 'running') {
        d.emitted.push({ type: 'ignored', command, id, reason: 'notRunning' });
        return d;
      }
      const entry = d.requests.get(id);
      if (!entry) {
        d.emitted.push({ type: 'ignored', command, id, reason: 'unknownId' });
        return d;
      }
      if (entry.stage === 'established') dropEstablished(d, entry, command, action.at);
      else cancel(d, entry, command);
      return d;
    }

    case 'incoming': {
      const { conn, listener } = action;
      if (d.phase !== 'running') {
        d.emitted.push({ type: 'rejected', conn, listener, reason: 'notRunning' });
        return d;
      }
      let verdict: InboundVerdict;
      try {
        verdict = d.config.admitInbound?.(conn, state, action.at);
      } catch (error) {
        // A throwing hook refuses this conn; the manager goes on.
        d.emitted.push({ type: 'callbackError', source: 'admitInbound', error });
        verdict = { refuse: 'admitInboundFailed' };
      }
      if (verdict?.refuse !== undefined) {
        d.emitted.push({ type: 'rejected', conn, listener, reason: verdict.refuse });
        return d;
      }
      const victim = verdict?.evict === undefined ? undefined : d.inbound.get(verdict.evict);
      if (victim) {
        d.inbound = d.inbound.delete(victim.inboundId);
        d.emitted.push({ type: 'inboundClosed', conn: victim.conn, inboundId: victim.inboundId, reason: 'evicted', for: conn });
      }
      if (d.inbound.size >= d.config.maxInbound) {
        d.emitted.push({ type: 'rejected', conn, listener, reason: 'maxInbound' });
        return d;
      }
      const inboundId = d.nextInboundId++;
      d.inbound = d.inbound.set(inboundId, { inboundId, conn, listener, acceptedAt: action.at });
      d.emitted.push({ type: 'accepted', conn, inboundId, listener });
      return d;
    }

    case 'inboundClosed': {
      const entry = d.inbound.get(action.inboundId);
      // A conn reported closed twice frees its slot once.
      if (!entry || entry.conn !== action.conn) return state;
      d.inbound = d.inbound.delete(action.inboundId);
      d.emitted.push({ type: 'inboundClosed', conn: entry.conn, inboundId: entry.inboundId, reason: 'closed' });
      return d;
    }

    case 'configure':
      if (state.phase === 'stopped') return state;
      return configure(d, action.config, action.at) ? d : state;

    case 'networkDown':
    case 'networkUp':
      if (state.phase === 'stopped') return state;
      if (action.type === 'networkDown') markNetworkDown(d, action.network);
      else markNetworkUp(d, action.network);
      return d.emitted.length === 0 && d.networks === state.networks && d.allNetworksDown === state.allNetworksDown ? state : d;

    case 'listenerFailed':
      d.emitted.push({ type: 'listenerError', listener: action.listener, error: action.error });
      return d;

    case 'callbackFailed':
      d.emitted.push({ type: 'callbackError', source: action.source, error: action.error });
      return d;
  }
}

/**
 * One automatic request of `req.connClass` (`newConnReq`, or one of a `refill`): refused with an
 * `ignored` event when not running, in connect mode, at its class's target or over its `max` (a
 * refill that finds the target met is simply no longer needed, and says nothing); otherwise it
 * enters the map — straight at its dial when `lookup` holds an address not in use, else waiting
 * for its address (`addressRequested`, with the lookup for the address effect).
 */
function automaticRequest<A, C>(
  d: Draft<A, C>,
  req: OutboundEntry<A, C>['req'],
  refill: boolean,
  extra: boolean,
  lookup: AddressLookup<A> | undefined,
): void {
  const cls = req.connClass;
  if (refill) addRefills(d, cls, -1);
  const reason =
    d.phase !== 'running'
      ? 'notRunning'
      : !d.config.automatic
        ? 'connectMode'
        : atTarget(d, cls, extra)
          ? 'atTarget'
          : classFull(d, cls)
            ? 'classFull'
            : undefined;
  if (reason) {
    if (!refill) {
      d.emitted.push(
        cls === DEFAULT_CONN_CLASS
          ? { type: 'ignored', command: 'newConnReq', id: req.id, reason }
          : { type: 'ignored', command: 'newConnReq', id: req.id, reason, connClass: cls },
      );
    }
    return;
  }
  if (lookup?.kind === 'address') {
    // Its address is at hand: straight to the dial, the steps of addressResolved in this one
    // (a retry storm's fail → replace cycle is then two steps, not three). An address
    // already taken goes the long way, so that its failure follows an addressRequested.
    const addrKey = d.config.addressKey?.(lookup.addr);
    if (addrKey === undefined || !d.addresses.has(addrKey)) {
      const dialing = dialingEntry<A, C>(req, lookup.addr, addrKey, false, true);
      putEntry(d, undefined, dialing);
      d.emitted.push({ type: 'dialing', req, addr: lookup.addr, attempt: 1 });
      return;
    }
  }
  const entry: OutboundEntry<A, C> = {
    req,
    id: req.id,
    addr: undefined,
    addrKey: undefined,
    permanent: false,
    automatic: true,
    state: ConnState.Pending,
    stage: 'address',
    attempt: 0,
    conn: undefined,
    connectedAt: undefined,
    retryCount: 0,
    backoff: undefined,
  };
  putEntry(d, undefined, entry);
  d.emitted.push(lookup === undefined ? { type: 'addressRequested', req } : { type: 'addressRequested', req, lookup });
}

/**
 * The address of a request waiting for one (`addressResolved`), or why there is none
 * (`addressFailed`): it dials — or fails as a duplicate when another live request holds the
 * address. Returns false (nothing changed) for a request that is gone or no longer waiting.
 */
function answerAddress<A, C>(d: Draft<A, C>, answer: AddressAnswer<A>): boolean {
  const entry = d.requests.get(answer.id);
  if (!entry || entry.stage !== 'address') return false;
  if (answer.type === 'addressFailed') {
    fail(d, entry, answer.error);
    return true;
  }
  const addrKey = d.config.addressKey?.(answer.addr);
  const holder = addrKey === undefined ? undefined : d.addresses.get(addrKey);
  if (holder !== undefined) {
    const withAddr = copyEntry(entry);
    withAddr.addr = answer.addr;
    fail(d, withAddr, new DuplicateAddressError(answer.addr, holder));
    return true;
  }
  const next = copyEntry(entry);
  next.addr = answer.addr;
  next.addrKey = addrKey;
  next.stage = 'dial';
  next.attempt = entry.attempt + 1;
  putEntry(d, entry, next);
  d.emitted.push({ type: 'dialing', req: next.req, addr: answer.addr, attempt: next.attempt });
  return true;
}

/** A request's entry on its first dial. One literal, so every such entry has one shape (V8 keeps the hot path monomorphic). */
function dialingEntry<A, C>(
  req: OutboundEntry<A, C>['req'],
  addr: A,
  addrKey: OutboundEntry<A, C>['addrKey'],
  permanent: boolean,
  automatic: boolean,
): OutboundEntry<A, C> {
  return {
    req,
    id: req.id,
    addr,
    addrKey,
    permanent,
    automatic,
    state: ConnState.Pending,
    stage: 'dial',
    attempt: 1,
    conn: undefined,
    connectedAt: undefined,
    retryCount: 0,
    backoff: undefined,
  };
}

/** Asks for automatic requests up to the target of every class (on start). */
function fillToTarget<A, C>(d: Draft<A, C>): void {
  if (!d.config.automatic) return;
  const missing = d.config.targetOutbound - d.automaticCount - d.refillsPending;
  if (missing > 0) {
    d.refillsPending += missing;
    d.emitted.push({ type: 'refillScheduled', count: missing, delay: 0 });
  }
  // Then each named class to its own target, in the config's order.
  const { classes } = d.config;
  if (classes === undefined) return;
  for (const [cls, budget] of Object.entries(classes)) {
    const count = classCountOf(d, cls)!;
    const short = budget.target - count.automatic - count.refillsPending;
    if (short <= 0) continue;
    addRefills(d, cls, short);
    d.emitted.push({ type: 'refillScheduled', count: short, delay: 0, connClass: cls });
  }
}

/**
 * Whether a new automatic request of class `cls` would exceed its target — by more than one for
 * an `extra` request (Core's extra outbound peer: the caller evicts one once it connects, and
 * nothing is refilled while the class is back at its target).
 */
function atTarget<A, C>(d: Draft<A, C>, cls: string, extra: boolean): boolean {
  const target = cls === DEFAULT_CONN_CLASS ? d.config.targetOutbound : (d.config.classes?.[cls]?.target ?? 0);
  const live = cls === DEFAULT_CONN_CLASS ? d.automaticCount : (classCountOf(d, cls)?.automatic ?? 0);
  // An extra of a class with no target would be a class of its own: refused as at target.
  return extra ? target === 0 || live >= target + 1 : live >= target;
}

/** Whether class `cls` has its `max` live requests already (never for the default class nor an unnamed one). */
function classFull<A, C>(d: Draft<A, C>, cls: string): boolean {
  const count = classCountOf(d, cls);
  return count !== undefined && count.live >= d.config.classes![cls]!.max;
}

/** A request that never entered the map ends at once. */
function cancelNew<A, C>(d: Draft<A, C>, req: OutboundEntry<A, C>['req'], reason: CancelReason): Draft<A, C> {
  d.emitted.push({ type: 'canceled', req, reason });
  return d;
}

/** Ends a request that is not established: its dial, address lookup or retry timer is abandoned. */
function cancel<A, C>(d: Draft<A, C>, entry: OutboundEntry<A, C>, reason: CancelReason): void {
  putEntry(d, entry, undefined);
  d.emitted.push({ type: 'canceled', req: entry.req, reason });
}

/**
 * The retry rule after a failed dial or address lookup:
 * permanent → same request again after its backoff; automatic → this request ends and a
 * replacement comes (throttled after `maxFailedAttempts`); one-shot → ends (btcd would turn it
 * into an extra automatic request, or leave it pending forever in connect mode).
 * `counted: false` (the address's network is offline): the failure does not raise
 * `failedAttempts` nor the backoff step, and an automatic replacement waits `retryDuration`
 * (see `offlineThrottles`).
 */
function fail<A, C>(d: Draft<A, C>, entry: OutboundEntry<A, C>, error: unknown, counted = true): void {
  if (entry.permanent) {
    const { backoff, retryCount } = nextRetry(d, entry, counted);
    const next = copyEntry(entry);
    next.state = ConnState.Failing;
    next.stage = 'retryWait';
    next.retryCount = retryCount;
    next.backoff = backoff;
    putEntry(d, entry, next);
    d.emitted.push({ type: 'failed', req: entry.req, addr: entry.addr, error, willRetry: true, counted });
    d.emitted.push({ type: 'retryScheduled', req: entry.req, delay: backoff.duration, retryCount, attempt: next.attempt });
    return;
  }
  putEntry(d, entry, undefined);
  d.emitted.push({ type: 'failed', req: entry.req, addr: entry.addr, error, willRetry: false, counted });
  if (entry.automatic) {
    if (counted) d.failedAttempts++;
    scheduleRefill(d, entry.req.connClass, !counted && offlineThrottles(d));
  }
}

/**
 * Whether a replacement for a failure in an offline network waits `retryDuration`: offline
 * failures do not count toward btcd's throttle, so being offline engages it instead — unless the
 * throttle is switched off (`maxFailedAttempts: Infinity`), which then means no throttle at all.
 */
function offlineThrottles<A, C>(d: Draft<A, C>): boolean {
  return d.config.maxFailedAttempts !== Infinity;
}

/**
 * A permanent request's next backoff step and `retryCount` from `base` (its entry, or a fresh
 * start after a connection that lasted): one step further — or, for a failure that does not
 * count, the step it is on (the first if it has none).
 */
function nextRetry<A, C>(
  d: Draft<A, C>,
  base: { readonly id: number; readonly retryCount: number; readonly backoff: Backoff | undefined },
  counted: boolean,
): { backoff: Backoff; retryCount: number } {
  if (base.backoff === undefined) return { backoff: d.config.backoff.first(base.id), retryCount: base.retryCount + 1 };
  if (!counted) return { backoff: base.backoff, retryCount: base.retryCount };
  return { backoff: base.backoff.next(), retryCount: base.retryCount + 1 };
}

/** An established connection ends: by itself, by `disconnect`, by `remove`. */
function dropEstablished<A, C>(d: Draft<A, C>, entry: OutboundEntry<A, C>, reason: DisconnectReason, at: number): void {
  const conn = entry.conn as C;
  const addr = entry.addr as A;
  const reconnects = entry.permanent && reason !== 'remove';
  // An automatic conn lost by itself or by `disconnect` is replaced and counts as a failure
  // (btcd); `remove` means "not this one", and the caller asks for a replacement if it wants one;
  // `target` means "fewer of them", so none comes.
  const replaced = entry.automatic && reason !== 'remove' && reason !== 'target';
  // A loss while the address's network is offline counts as little as a failed dial there. Asked
  // only when a retry or a replacement follows: `networkOf` is the user's, and this step is hot.
  const offline = (reconnects || replaced) && isOffline(d, networkOfAddr(d, addr));
  if (reconnects) {
    // A connection that lasted `minUptime` earns a fresh backoff; a flapping one keeps climbing.
    const lasted = entry.connectedAt !== undefined && at - entry.connectedAt >= d.config.minUptime;
    const { backoff, retryCount } = nextRetry(d, lasted ? { id: entry.id, retryCount: 0, backoff: undefined } : entry, !offline);
    const next = copyEntry(entry);
    next.state = ConnState.Pending;
    next.stage = 'retryWait';
    next.conn = undefined;
    next.connectedAt = undefined;
    next.retryCount = retryCount;
    next.backoff = backoff;
    putEntry(d, entry, next);
    d.emitted.push({ type: 'disconnected', req: entry.req, addr, conn, reason, willReconnect: true });
    d.emitted.push({ type: 'retryScheduled', req: entry.req, delay: backoff.duration, retryCount, attempt: next.attempt });
    return;
  }
  putEntry(d, entry, undefined);
  d.emitted.push({ type: 'disconnected', req: entry.req, addr, conn, reason, willReconnect: false });
  if (replaced) {
    // Not below target (an extra one was let go): neither a failure nor a replacement.
    if (!offline && belowTarget(d, entry.req.connClass)) d.failedAttempts++;
    scheduleRefill(d, entry.req.connClass, offline && offlineThrottles(d));
  }
}

/**
 * Applies a live-config change (values checked at the edge). Only the fields that differ count:
 * none → the same state, no event. Then, while running:
 * - a higher `targetOutbound` schedules the missing refills at once;
 * - a lower one closes the youngest automatic requests beyond it (see `youngestAutomatic`), with
 *   `canceled` / `disconnected` reason `'target'`, never replaced; refills already scheduled
 *   beyond it are forgotten (one still arriving is dropped as at target);
 * - a lower `maxInbound` closes the youngest inbound conns beyond it (`inboundClosed` `'limit'`);
 * - a new `backoff` drops every request's current step, so each next failure starts at the new
 *   policy's first step; a request already waiting keeps its timer;
 * - a new `offlineAfter` takes effect with the next dial result.
 * O(requests) when something is closed or the backoff changes (a rare, operator-made step).
 */
function configure<A, C>(d: Draft<A, C>, change: Partial<LiveConfig>, at: number): boolean {
  const before = d.config;
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  let changed = false;
  for (const key of Object.keys(change) as (keyof LiveConfig)[]) {
    const value = change[key];
    if (value === undefined || value === before[key]) continue;
    from[key] = before[key];
    to[key] = value;
    changed = true;
  }
  if (!changed) return false;
  d.config = { ...before, ...(to as Partial<LiveConfig>) };
  d.emitted.push({ type: 'configured', from, to });
  if (to['backoff'] !== undefined) {
    // Collected first: `putEntry` under a lent owner may edit the very trie nodes being iterated.
    const stepped = [...d.requests.values()].filter((entry) => entry.backoff !== undefined);
    for (const entry of stepped) {
      const next = copyEntry(entry);
      next.backoff = undefined;
      putEntry(d, entry, next);
    }
  }
  if (d.phase !== 'running') return true;
  const { targetOutbound, maxInbound } = d.config;
  if (targetOutbound > before.targetOutbound) fillToTarget(d);
  else if (targetOutbound < before.targetOutbound) {
    d.refillsPending = Math.min(d.refillsPending, Math.max(0, targetOutbound - d.automaticCount));
    for (const entry of youngestAutomatic(d.requests, d.automaticCount - targetOutbound)) {
      if (entry.stage === 'established') dropEstablished(d, entry, 'target', at);
      else cancel(d, entry, 'target');
    }
  }
  if (maxInbound < before.maxInbound) {
    for (const entry of youngestInbound(d.inbound, d.inbound.size - maxInbound)) {
      d.inbound = d.inbound.delete(entry.inboundId);
      d.emitted.push({ type: 'inboundClosed', conn: entry.conn, inboundId: entry.inboundId, reason: 'limit' });
    }
  }
  return true;
}

/** Stop: every request and inbound conn ends, with its event; no replacement is made. */
function stop<A, C>(d: Draft<A, C>): void {
  const wasRunning = d.phase === 'running';
  d.phase = 'stopped';
  if (wasRunning) {
    for (const entry of d.requests.values()) {
      if (entry.stage === 'established') {
        d.emitted.push({
          type: 'disconnected',
          req: entry.req,
          addr: entry.addr as A,
          conn: entry.conn as C,
          reason: 'stop',
          willReconnect: false,
        });
      } else {
        d.emitted.push({ type: 'canceled', req: entry.req, reason: 'stop' });
      }
    }
    for (const entry of d.inbound.values()) {
      d.emitted.push({ type: 'inboundClosed', conn: entry.conn, inboundId: entry.inboundId, reason: 'stop' });
    }
  }
  d.requests = PersistentMap.empty();
  d.addresses = PersistentMap.empty();
  d.inbound = PersistentMap.empty();
  d.automaticCount = 0;
  d.establishedCount = 0;
  d.refillsPending = 0;
  d.classCounts = zeroClassCounts(d.config.classes);
  d.emitted.push({ type: 'stopped' });
}
