import type { AddressLookup } from './AddressLookup.js';
import type { ConnReq } from './ConnReq.js';
import type { LiveConfig } from './LiveConfig.js';

/**
 * The inputs of the reducer: commands from the caller and facts from the edges
 * (dial results, accepts, closes, timers). Every action carries `at`, the scheduler time
 * (ms) at which it was dispatched, so the reducer never reads a clock.
 */
export type ConnAction<A = unknown, C = unknown> =
  | { readonly type: 'start'; readonly at: number }
  | { readonly type: 'stop'; readonly at: number }
  /** A hand-made request (`cm.connect`); its id is already assigned. */
  | { readonly type: 'connect'; readonly req: ConnReq<A>; readonly at: number }
  /**
   * An automatic request (of `req.connClass`); `refill` marks one that the manager scheduled
   * itself. `lookup`: its address, already asked of `getNewAddress` (refills do; see
   * `AddressLookup`). `extra`: it may exceed its class's target by one (see `ConnManager.newConnReq`).
   */
  | {
      readonly type: 'newConnReq';
      readonly req: ConnReq<A>;
      readonly refill: boolean;
      readonly extra?: boolean;
      readonly lookup?: AddressLookup<A>;
      readonly at: number;
    }
  /**
   * The automatic replacements of one class the manager makes in one turn (`refillEffect`), each
   * with its address already asked of `getNewAddress`: folded in one step, request by request, as
   * many `newConnReq` actions with `refill: true` would be. (When `getNewAddress` reads the state,
   * each pick must see the earlier ones folded: then a batch holds one request.)
   */
  | { readonly type: 'refill'; readonly requests: readonly RefillRequest<A>[]; readonly at: number }
  | { readonly type: 'disconnect'; readonly id: number; readonly at: number }
  | { readonly type: 'remove'; readonly id: number; readonly at: number }
  | { readonly type: 'addressResolved'; readonly id: number; readonly addr: A; readonly at: number }
  | { readonly type: 'addressFailed'; readonly id: number; readonly error: unknown; readonly at: number }
  /**
   * The answers of promised addresses that settled in one microtask checkpoint (`addressEffect`:
   * a turn's refills asking a Promise-returning `getNewAddress`), folded in one step, each as its
   * `addressResolved` / `addressFailed` would be. A lone answer comes as that action itself.
   */
  | { readonly type: 'addressesAnswered'; readonly answers: readonly AddressAnswer<A>[]; readonly at: number }
  | { readonly type: 'dialSucceeded'; readonly id: number; readonly attempt: number; readonly conn: C; readonly at: number }
  | { readonly type: 'dialFailed'; readonly id: number; readonly attempt: number; readonly error: unknown; readonly at: number }
  | { readonly type: 'retryDue'; readonly id: number; readonly attempt: number; readonly at: number }
  /** An established outbound conn closed by itself. */
  | { readonly type: 'connClosed'; readonly id: number; readonly conn: C; readonly at: number }
  /** A listener produced a conn; the reducer admits or rejects it. */
  | { readonly type: 'incoming'; readonly conn: C; readonly listener: number; readonly at: number }
  /** An admitted inbound conn closed by itself. */
  | { readonly type: 'inboundClosed'; readonly inboundId: number; readonly conn: C; readonly at: number }
  | { readonly type: 'listenerFailed'; readonly listener: number; readonly error: unknown; readonly at: number }
  /**
   * Changes the live configuration (`cm.configure`, `config$`). The values were checked at the
   * edge (`checkLiveConfig`); the reducer applies them as given.
   */
  | { readonly type: 'configure'; readonly config: Partial<LiveConfig>; readonly at: number }
  /**
   * The user (or an OS-level signal) says a network family is down — or every family, without
   * `network`. Its failures stop counting until `networkUp`, whatever the dials say meanwhile.
   */
  | { readonly type: 'networkDown'; readonly network?: string; readonly at: number }
  /** The user says a network family (or, without `network`, every family) is up again: its waiting permanent requests are retried at once. */
  | { readonly type: 'networkUp'; readonly network?: string; readonly at: number }
  /** A user callback (closeConn, connClosed, …) threw; reported, never fatal. */
  | { readonly type: 'callbackFailed'; readonly source: string; readonly error: unknown; readonly at: number };

/** One automatic replacement of a `refill` action: a fresh request and its address lookup (absent: the address effect asks). */
export interface RefillRequest<A = unknown> {
  readonly req: ConnReq<A>;
  readonly lookup?: AddressLookup<A>;
}

/** One answer of an `addressesAnswered` action. */
export type AddressAnswer<A = unknown> =
  | { readonly type: 'addressResolved'; readonly id: number; readonly addr: A }
  | { readonly type: 'addressFailed'; readonly id: number; readonly error: unknown };

/** The `type` of every action. */
export type ConnActionType = ConnAction['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action before the manager stamps it with `at`: what effects emit. */
export type ConnActionInput<A = unknown, C = unknown> = DistributiveOmit<ConnAction<A, C>, 'at'>;
