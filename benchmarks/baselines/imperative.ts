/**
 * The baseline: a connection manager written by hand, the way a Node developer would port
 * btcd's connmgr without streams — an EventEmitter, a Map of requests, setTimeout and
 * setImmediate. Every benchmark runs it next to rx-connmgr, so the figures say what the
 * reactive design costs (or saves) against the obvious alternative.
 *
 * btcd's semantics, kept deliberately plain:
 * - `targetOutbound` automatic requests (from `getNewAddress`); each failure or lost connection is
 *   replaced at once (`setImmediate`, btcd's `go cm.NewConnReq()`);
 * - a global count of failures in a row; from `maxFailedAttempts` on, a replacement waits a flat
 *   `retryDuration` (btcd's throttle); any success resets it;
 * - permanent requests retry the same address after `retryCount × retryDuration`, capped at
 *   `maxRetryDuration` (or the `backoff` function given); the count resets on success;
 * - inbound connections beyond `maxInbound` are closed at once;
 * - plus what a careful hand-written version adds and rx-connmgr also has: a dial timeout, an
 *   `'error'` listener on every socket (an unhandled one crashes Node), late dial results closed
 *   after a cancel or stop, and every timer cleared on stop.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { nodeTimers, type Timers } from './timers.js';

/** What the baseline needs of a connection: a `net.Socket` fits. */
export interface SocketLike {
  destroy(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/** Options of {@link ImperativeConnManager}; the names and defaults are rx-connmgr's (btcd's). */
export interface ImperativeOptions<A, C extends SocketLike> {
  readonly dial: (addr: A) => Promise<C>;
  readonly getNewAddress?: () => A;
  readonly targetOutbound?: number;
  readonly retryDuration?: number;
  readonly maxRetryDuration?: number;
  readonly maxFailedAttempts?: number;
  readonly maxInbound?: number;
  readonly dialTimeout?: number;
  /** Retry delay of a permanent request after its `retryCount`-th failure in a row. Default btcd's linear one. */
  readonly backoff?: (retryCount: number, id: number) => number;
  readonly timers?: Timers;
}

interface Request<A, C> {
  readonly id: number;
  addr: A | undefined;
  readonly permanent: boolean;
  readonly automatic: boolean;
  state: 'pending' | 'waiting' | 'established';
  /** Numbers the dials, so that a late result of an older one is recognised. */
  attempt: number;
  retryCount: number;
  conn: C | undefined;
  onClose: (() => void) | undefined;
  timer: unknown;
}

const ignore = (): void => {};

/**
 * btcd's connection manager, by hand. Emits `'connected'`, `'failed'`, `'disconnected'`,
 * `'accepted'`, `'rejected'`, `'stopped'`.
 *
 * @example
 * const cm = new ImperativeConnManager({ dial: (addr) => netDial(addr), getNewAddress, targetOutbound: 8 });
 * cm.start();
 * cm.connect('127.0.0.1:8333', { permanent: true });
 */
export class ImperativeConnManager<A, C extends SocketLike> extends EventEmitter {
  readonly #dialFn: (addr: A) => Promise<C>;
  readonly #getNewAddress: (() => A) | undefined;
  readonly #target: number;
  readonly #retryDuration: number;
  readonly #maxFailedAttempts: number;
  readonly #maxInbound: number;
  readonly #dialTimeout: number;
  readonly #backoff: (retryCount: number, id: number) => number;
  readonly #timers: Timers;
  readonly #requests = new Map<number, Request<A, C>>();
  readonly #inbound = new Set<C>();
  readonly #throttled = new Set<unknown>();
  readonly #servers: Server[] = [];
  #nextId = 1;
  #failedAttempts = 0;
  #running = false;
  #stopped = false;

  constructor(options: ImperativeOptions<A, C>) {
    super();
    this.#dialFn = options.dial;
    this.#getNewAddress = options.getNewAddress;
    this.#target = options.targetOutbound ?? 8;
    this.#retryDuration = options.retryDuration ?? 5_000;
    const maxRetryDuration = options.maxRetryDuration ?? 300_000;
    this.#maxFailedAttempts = options.maxFailedAttempts ?? 25;
    this.#maxInbound = options.maxInbound ?? Infinity;
    this.#dialTimeout = options.dialTimeout ?? 30_000;
    this.#backoff = options.backoff ?? ((retryCount) => Math.min(retryCount * this.#retryDuration, maxRetryDuration));
    this.#timers = options.timers ?? nodeTimers;
  }

  /** Established outbound connections. */
  get outboundCount(): number {
    let n = 0;
    for (const req of this.#requests.values()) if (req.state === 'established') n++;
    return n;
  }

  /** Admitted inbound connections. */
  get inboundCount(): number {
    return this.#inbound.size;
  }

  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    if (this.#getNewAddress) for (let i = 0; i < this.#target; i++) this.#timers.setImmediate(() => this.newConnReq());
  }

  /** Closes every connection and server, drops every timer. Late dial results are closed when they arrive. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    for (const req of this.#requests.values()) {
      if (req.timer !== undefined) this.#timers.clearTimeout(req.timer);
      if (req.conn !== undefined) {
        if (req.onClose) req.conn.removeListener('close', req.onClose);
        req.conn.destroy();
        this.emit('disconnected', req.id, req.addr);
      }
    }
    this.#requests.clear();
    for (const timer of this.#throttled) this.#timers.clearTimeout(timer);
    this.#throttled.clear();
    for (const conn of this.#inbound) conn.destroy();
    this.#inbound.clear();
    for (const server of this.#servers) server.close();
    this.emit('stopped');
  }

  /** A requested outbound connection; `permanent` ones reconnect forever. Returns its id. Ignored unless running (a baseline needs no queue). */
  connect(addr: A, options: { readonly permanent?: boolean } = {}): number {
    const req = this.#newRequest(addr, options.permanent ?? false, false);
    if (this.#running) {
      this.#requests.set(req.id, req);
      this.#dial(req);
    }
    return req.id;
  }

  /** One more automatic connection, from `getNewAddress` (btcd's `NewConnReq`). */
  newConnReq(): void {
    if (!this.#running || !this.#getNewAddress) return;
    const req = this.#newRequest(undefined, false, true);
    try {
      req.addr = this.#getNewAddress();
    } catch (error) {
      this.emit('failed', req.id, undefined, error);
      this.#retry(req);
      return;
    }
    this.#requests.set(req.id, req);
    this.#dial(req);
  }

  /** Admits an inbound connection, or closes it when over `maxInbound`. */
  accept(conn: C): boolean {
    conn.on('error', ignore);
    if (!this.#running || this.#inbound.size >= this.#maxInbound) {
      conn.destroy();
      this.emit('rejected', conn);
      return false;
    }
    this.#inbound.add(conn);
    conn.once('close', () => this.#inbound.delete(conn));
    this.emit('accepted', conn);
    return true;
  }

  /** Accepts the connections of a `net.Server` (closed on stop). */
  listen(server: Server): void {
    this.#servers.push(server);
    server.on('connection', (socket) => this.accept(socket as unknown as C));
  }

  #newRequest(addr: A | undefined, permanent: boolean, automatic: boolean): Request<A, C> {
    return {
      id: this.#nextId++,
      addr,
      permanent,
      automatic,
      state: 'pending',
      attempt: 0,
      retryCount: 0,
      conn: undefined,
      onClose: undefined,
      timer: undefined,
    };
  }

  #dial(req: Request<A, C>): void {
    const attempt = ++req.attempt;
    req.state = 'pending';
    if (this.#dialTimeout !== Infinity) {
      req.timer = this.#timers.setTimeout(() => {
        req.timer = undefined;
        this.#failed(req, attempt, new Error(`dial to ${String(req.addr)} timed out`));
      }, this.#dialTimeout);
    }
    let dialing: Promise<C>;
    try {
      dialing = this.#dialFn(req.addr as A);
    } catch (error) {
      dialing = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    dialing.then(
      (conn) => this.#connected(req, attempt, conn),
      (error: unknown) => this.#failed(req, attempt, error),
    );
  }

  #isCurrent(req: Request<A, C>, attempt: number): boolean {
    return this.#running && req.state === 'pending' && req.attempt === attempt && this.#requests.get(req.id) === req;
  }

  #connected(req: Request<A, C>, attempt: number, conn: C): void {
    if (!this.#isCurrent(req, attempt)) {
      // Stopped, canceled or timed out meanwhile: nobody wants this one.
      conn.on('error', ignore);
      conn.destroy();
      return;
    }
    if (req.timer !== undefined) this.#timers.clearTimeout(req.timer);
    req.timer = undefined;
    req.state = 'established';
    req.conn = conn;
    req.retryCount = 0;
    this.#failedAttempts = 0;
    conn.on('error', ignore);
    req.onClose = () => this.#closed(req, conn);
    conn.once('close', req.onClose);
    this.emit('connected', req.id, req.addr, conn);
  }

  #failed(req: Request<A, C>, attempt: number, error: unknown): void {
    if (!this.#isCurrent(req, attempt)) return;
    if (req.timer !== undefined) this.#timers.clearTimeout(req.timer);
    req.timer = undefined;
    this.emit('failed', req.id, req.addr, error);
    this.#retry(req);
  }

  #closed(req: Request<A, C>, conn: C): void {
    if (req.conn !== conn) return;
    req.conn = undefined;
    req.onClose = undefined;
    this.emit('disconnected', req.id, req.addr);
    this.#retry(req);
  }

  /** btcd's handleFailedConn: permanent → same address after its backoff; automatic → a replacement, throttled after too many failures. */
  #retry(req: Request<A, C>): void {
    if (!this.#running) return;
    if (req.permanent) {
      req.retryCount++;
      req.state = 'waiting';
      req.timer = this.#timers.setTimeout(
        () => {
          req.timer = undefined;
          this.#dial(req);
        },
        this.#backoff(req.retryCount, req.id),
      );
      return;
    }
    this.#requests.delete(req.id);
    if (!req.automatic) return;
    this.#failedAttempts++;
    if (this.#failedAttempts >= this.#maxFailedAttempts) {
      const timer = this.#timers.setTimeout(() => {
        this.#throttled.delete(timer);
        this.newConnReq();
      }, this.#retryDuration);
      this.#throttled.add(timer);
    } else {
      this.#timers.setImmediate(() => this.newConnReq());
    }
  }
}
