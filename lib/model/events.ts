import type { AddressLookup } from './AddressLookup.js';
import type { ConnReq } from './ConnReq.js';
import type { LiveConfig } from './LiveConfig.js';

/** Why an established outbound connection ended; `'target'`: an automatic one closed because `targetOutbound` was lowered (not replaced). */
export type DisconnectReason = 'closed' | 'disconnect' | 'remove' | 'stop' | 'target';

/** Why an inbound conn was refused: not running, no free slot, or the admission hook's reason. */
export type RejectReason = 'maxInbound' | 'notRunning' | (string & {});

/**
 * Why an admitted inbound conn ended: by itself, evicted for a newcomer by the admission hook,
 * stop, or `'limit'`: closed because `maxInbound` was lowered below the admitted count.
 */
export type InboundCloseReason = 'closed' | 'evicted' | 'stop' | 'limit';

/**
 * Why a request ended before it was established. `'target'`: an automatic one dropped because
 * `targetOutbound` was lowered. `classFull`: a hand-made request of a class whose `max` live
 * requests are all taken (one feeler at a time, …); it never entered the manager.
 */
export type CancelReason = 'disconnect' | 'remove' | 'stop' | 'duplicate' | 'target' | 'classFull';

/** How a network family went offline: `'failures'` (`offlineAfter` dial failures in a row, no success) or `'manual'` (`networkDown`). */
export type OfflineReason = 'failures' | 'manual';

/** How a network family came back: `'success'` (a dial to it succeeded) or `'manual'` (`networkUp`). */
export type OnlineReason = 'success' | 'manual';

/**
 * What the manager did, in causal order: the `events$` stream. Each is emitted once, right
 * after the reducer step that caused it. `req` is the live request handle, `conn` the
 * connection where one exists.
 */
export type ConnEvent<A = unknown, C = unknown> =
  | { readonly type: 'started' }
  | { readonly type: 'stopped' }
  /**
   * An automatic request asks `getNewAddress` for its address. `lookup`: the answer already got
   * when the request was made (a refill), for the address effect to use instead of asking again.
   * (A refill whose address was at hand skips this event: start → `dialing`.)
   */
  | { readonly type: 'addressRequested'; readonly req: ConnReq<A>; readonly lookup?: AddressLookup<A> }
  /** A dial begins (`attempt` counts the dials of this request, from 1). */
  | { readonly type: 'dialing'; readonly req: ConnReq<A>; readonly addr: A; readonly attempt: number }
  | { readonly type: 'connected'; readonly req: ConnReq<A>; readonly addr: A; readonly conn: C }
  /**
   * A dial or address lookup failed; `willRetry` says whether this same request will be dialed
   * again. `counted: false` when the address's network family was offline: the failure did not
   * count (not toward `failedAttempts`, nor a permanent request's backoff), and an address book
   * at the edge should not count it against the address either.
   */
  | {
      readonly type: 'failed';
      readonly req: ConnReq<A>;
      readonly addr: A | undefined;
      readonly error: unknown;
      readonly willRetry: boolean;
      readonly counted: boolean;
    }
  /** A permanent request will be re-dialed after `delay` ms (its `retryCount`-th retry). */
  | {
      readonly type: 'retryScheduled';
      readonly req: ConnReq<A>;
      readonly delay: number;
      readonly retryCount: number;
      readonly attempt: number;
    }
  /**
   * `count` new automatic requests will be made after `delay` ms, to keep the outbound target;
   * `connClass`: of that class's target (absent for the default class, `targetOutbound`).
   */
  | { readonly type: 'refillScheduled'; readonly count: number; readonly delay: number; readonly connClass?: string }
  /** An established outbound connection ended; `willReconnect` for a permanent request. */
  | {
      readonly type: 'disconnected';
      readonly req: ConnReq<A>;
      readonly addr: A;
      readonly conn: C;
      readonly reason: DisconnectReason;
      readonly willReconnect: boolean;
    }
  | { readonly type: 'canceled'; readonly req: ConnReq<A>; readonly reason: CancelReason }
  | { readonly type: 'accepted'; readonly conn: C; readonly inboundId: number; readonly listener: number }
  /** An inbound conn refused (and closed at once), never `accepted` first. */
  | { readonly type: 'rejected'; readonly conn: C; readonly listener: number; readonly reason: RejectReason }
  /** An admitted inbound conn ended; with `'evicted'` it is closed to make room for `for`, the newcomer. */
  | { readonly type: 'inboundClosed'; readonly conn: C; readonly inboundId: number; readonly reason: 'closed' | 'stop' | 'limit' }
  | { readonly type: 'inboundClosed'; readonly conn: C; readonly inboundId: number; readonly reason: 'evicted'; readonly for: C }
  /** A conn that arrived too late to be wanted (its request was canceled or already settled); closed. */
  | { readonly type: 'discarded'; readonly conn: C; readonly id: number }
  /** A command that could not apply; nothing changed. `classFull`: the class's `max` live requests are taken. */
  | {
      readonly type: 'ignored';
      readonly command: 'connect' | 'newConnReq' | 'disconnect' | 'remove';
      readonly id: number;
      readonly reason: 'unknownId' | 'notRunning' | 'atTarget' | 'connectMode' | 'alreadyConnected' | 'classFull';
      /** The class of a refused `newConnReq` (absent for the default class). */
      readonly connClass?: string;
    }
  /** The live configuration changed (`configure`): `from` and `to` hold the fields that changed, old and new values. */
  | { readonly type: 'configured'; readonly from: Partial<LiveConfig>; readonly to: Partial<LiveConfig> }
  /**
   * A network family went offline (`network` undefined: every family, by `networkDown()`).
   * From now on its dial failures do not count (`failed` with `counted: false`).
   */
  | { readonly type: 'networkOffline'; readonly network: string | undefined; readonly reason: OfflineReason }
  /**
   * A network family is back (`network` undefined: every family, by `networkUp()`); `retried`
   * permanent requests that were waiting to reconnect to it were rescheduled at once, each with
   * its jitter (their `retryScheduled` events follow).
   */
  | { readonly type: 'networkOnline'; readonly network: string | undefined; readonly reason: OnlineReason; readonly retried: number }
  | { readonly type: 'listenerError'; readonly listener: number; readonly error: unknown }
  | { readonly type: 'callbackError'; readonly source: string; readonly error: unknown };

/** The `type` of every event. */
export type ConnEventType = ConnEvent['type'];

/** The event of the given type. */
export type ConnEventOf<T extends ConnEventType, A = unknown, C = unknown> = Extract<ConnEvent<A, C>, { type: T }>;
