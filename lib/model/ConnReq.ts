import { ConnState } from './ConnState.js';

/** How a bound `ConnReq` reads its live entry; provided by the manager that owns it. */
export interface ConnReqView {
  lookup(id: number): { readonly state: ConnState; readonly retryCount: number; readonly addr: unknown } | undefined;
}

/**
 * The class of a request that names none: automatic requests kept at `targetOutbound`, and
 * hand-made ones outside any class budget. (A Bitcoin node calls it full-relay.)
 */
export const DEFAULT_CONN_CLASS = 'default';

/** Options of a hand-made connection request. */
export interface ConnReqOptions {
  /** Reconnect forever (with backoff) until `remove(id)`, like btcd's `addnode`. Default `false`. */
  readonly permanent?: boolean;
  /**
   * The connection class: a name the manager's `classes` config gives a budget (`max` live
   * requests at once, e.g. one `'feeler'`), and the node a meaning (`'block-relay-only'`, …).
   * A class the config does not name has no budget.
   * @default DEFAULT_CONN_CLASS ('default')
   */
  readonly connClass?: string;
}

interface FinalSnapshot {
  readonly state: ConnState;
  readonly retryCount: number;
  readonly addr: unknown;
}

let bind: (req: ConnReq<unknown>, id: number, view: ConnReqView) => boolean;
let finish: (req: ConnReq<unknown>, snapshot: FinalSnapshot) => void;

/**
 * A request for an outbound connection: a handle on one peer address.
 *
 * The manager assigns `id` synchronously in `connect()`; `state` and `retryCount` read the
 * manager's live values (like btcd's `ConnReq.State()`), so a handle kept by the caller always
 * tells the truth, also after the request ended (`Canceled`, `Disconnected`, or a final `Failing`).
 * Automatic requests (from `getNewAddress`) have `addr === undefined` until their address arrives.
 *
 * @example
 * const req = cm.connect(new ConnReq('10.0.0.1:8333', { permanent: true }));
 * req.id;    // 1, at once
 * req.state; // ConnState.Pending
 */
export class ConnReq<A = unknown> {
  #id = 0;
  #addr: A | undefined;
  readonly #permanent: boolean;
  readonly #connClass: string;
  #view: ConnReqView | undefined;
  #final: FinalSnapshot | undefined;

  constructor(addr: A | undefined, options: ConnReqOptions = {}) {
    this.#addr = addr;
    this.#permanent = options.permanent ?? false;
    this.#connClass = options.connClass ?? DEFAULT_CONN_CLASS;
  }

  /** The id given by the manager; 0 until the request is handed to `connect()`. */
  get id(): number {
    return this.#id;
  }

  /** The peer address; `undefined` while an automatic request waits for `getNewAddress`. */
  get addr(): A | undefined {
    if (this.#addr !== undefined) return this.#addr;
    const live = this.#view?.lookup(this.#id);
    return (live?.addr ?? this.#final?.addr) as A | undefined;
  }

  /** Whether the manager reconnects this request after every failure or disconnect. */
  get permanent(): boolean {
    return this.#permanent;
  }

  /** The request's connection class (`DEFAULT_CONN_CLASS` unless one was given). */
  get connClass(): string {
    return this.#connClass;
  }

  /** The live state of the request. */
  get state(): ConnState {
    return this.#view?.lookup(this.#id)?.state ?? this.#final?.state ?? ConnState.Pending;
  }

  /** Consecutive failed attempts since the last success (permanent requests); reset as btcd does. */
  get retryCount(): number {
    return this.#view?.lookup(this.#id)?.retryCount ?? this.#final?.retryCount ?? 0;
  }

  /** `"#id addr (permanent)"`, for logs; a class other than the default is named too: `"#id addr [feeler]"`. */
  toString(): string {
    const cls = this.#connClass === DEFAULT_CONN_CLASS ? '' : ` [${this.#connClass}]`;
    return `#${this.#id} ${String(this.addr)}${this.#permanent ? ' (permanent)' : ''}${cls}`;
  }

  static {
    bind = (req, id, view) => {
      if (req.#id !== 0) return false;
      req.#id = id;
      req.#view = view;
      return true;
    };
    finish = (req, snapshot) => {
      req.#final = snapshot;
      if (req.#addr === undefined && snapshot.addr !== undefined) req.#addr = snapshot.addr;
      req.#view = undefined;
    };
  }
}

/**
 * Gives a request its id and live view. Returns `false` when the request already has an id
 * (a handle can be connected once). Internal: used by the manager, not exported from the package.
 */
export function bindConnReq(req: ConnReq<unknown>, id: number, view: ConnReqView): boolean {
  return bind(req, id, view);
}

/** Freezes the final values of a request that left the manager. Internal. */
export function finishConnReq(req: ConnReq<unknown>, snapshot: FinalSnapshot): void {
  finish(req, snapshot);
}
