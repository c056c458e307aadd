import type { Observable, Subscription } from 'rxjs';
import type { ConnManagerState, InboundEntry, OutboundEntry } from '../model/state.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { NodeConn } from './NodeConn.js';

/** The manager's state as a node sees it. */
export type NodeManagerState = ConnManagerState<SocketAddress, NodeConn>;

/**
 * The node's read model of its manager: the last snapshot `state$` published, and the few
 * questions the node's parts ask of it (which address is in use, which request is permanent or
 * automatic, how far below the target). Fed one way, by `state$`; the node never reads the
 * manager back. A snapshot is immutable and already made by the manager, so keeping the last one
 * costs a reference — a fold of `events$` into a table of requests would have been a second copy
 * of the reducer's request lifecycle beside it, the kind of twin state machine this node shed.
 * Addresses are keyed by `toString()`, as the node's manager keys them (`addressKey`).
 */
export class ManagerView<A extends { toString(): string } = SocketAddress, C = NodeConn> {
  #state: ConnManagerState<A, C>;
  readonly #subscription: Subscription;

  /** Follows `state$` (a BehaviorSubject's: its current snapshot comes at once) until it completes or {@link ManagerView.close}. */
  constructor(state$: Observable<ConnManagerState<A, C>>) {
    let first: ConnManagerState<A, C> | undefined;
    this.#subscription = state$.subscribe((state) => {
      first = state;
      this.#state = state;
    });
    if (first === undefined) throw new TypeError('ManagerView needs a state$ that emits its current snapshot on subscribe');
    this.#state = first;
  }

  /** The last snapshot `state$` published. */
  get latest(): ConnManagerState<A, C> {
    return this.#state;
  }

  /** Whether `addr` has a live request (any stage, any kind). */
  inUse(addr: A): boolean {
    return this.#state.addresses.has(addr.toString());
  }

  /** The id of the live permanent (manual) request for `addr`, if there is one. */
  permanentRequest(addr: A): number | undefined {
    const key = addr.toString();
    for (const entry of this.#state.requests.values()) if (entry.permanent && entry.addrKey === key) return entry.id;
    return undefined;
  }

  /** The addresses of the live permanent requests, as `host:port`, in request order. */
  permanentAddresses(): string[] {
    const added: string[] = [];
    for (const entry of this.#state.requests.values()) if (entry.permanent && entry.addr !== undefined) added.push(entry.addr.toString());
    return added;
  }

  /** The ids of the live automatic requests. */
  automaticIds(): Set<number> {
    const ids = new Set<number>();
    for (const entry of this.#state.requests.values()) if (entry.automatic) ids.add(entry.id);
    return ids;
  }

  /** Live outbound requests (dialing, handshaking, waiting to retry, established). */
  get outboundRequests(): number {
    return this.#state.requests.size;
  }

  /** Automatic requests missing from the target, counting the replacements already scheduled. */
  get belowTarget(): number {
    const { automaticCount, refillsPending, config } = this.#state;
    return Math.max(0, config.targetOutbound - automaticCount - refillsPending);
  }

  /** The live outbound requests, by id. */
  requests(): Iterable<OutboundEntry<A, C>> {
    return this.#state.requests.values();
  }

  /** The admitted inbound conns. */
  inbound(): Iterable<InboundEntry<C>> {
    return this.#state.inbound.values();
  }

  /** Stops following `state$` (the node's `stop()`; `state$` completing does the same). */
  close(): void {
    this.#subscription.unsubscribe();
  }
}
