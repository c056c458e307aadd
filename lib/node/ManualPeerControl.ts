import type { ConnManager } from '../manager/ConnManager.js';
import { SocketAddress } from '../net/SocketAddress.js';
import type { ManagerView } from './ManagerView.js';
import type { NetworkActivity } from './NetworkActivity.js';
import type { NodeConn } from './NodeConn.js';

/** What a {@link ManualPeerControl} works with. */
export interface ManualPeerControlDeps {
  /** The manager's commands (`connect`, `remove`); its state is read through `view`. */
  readonly manager: Pick<ConnManager<SocketAddress, NodeConn>, 'connect' | 'remove'>;
  readonly view: ManagerView;
  readonly network: NetworkActivity;
}

/** A `host:port` string or an address, parsed (throws `InvalidAddressError`). */
export function toAddress(address: string | SocketAddress): SocketAddress {
  return typeof address === 'string' ? SocketAddress.parse(address) : address;
}

/**
 * The manual peers (Core's `addnode`): permanent requests in the manager while networking is on,
 * and — the one thing the manager cannot know — the ones set aside while it is off, kept here
 * from the node's own commands until networking is back on.
 */
export class ManualPeerControl {
  readonly #deps: ManualPeerControlDeps;
  /** Manual peers set aside while networking is off; connected again when it is back on. */
  #paused: SocketAddress[] = [];

  constructor(deps: ManualPeerControlDeps) {
    this.#deps = deps;
  }

  /** `addnode add`: a permanent request now, or set aside while networking is off. `false` if already added. */
  add(addr: SocketAddress): boolean {
    if (this.#deps.view.permanentRequest(addr) !== undefined || this.#pausedIndex(addr) >= 0) return false;
    if (this.#deps.network.active) this.#deps.manager.connect(addr, { permanent: true });
    else this.#paused.push(addr);
    return true;
  }

  /** `addnode remove`: ends the manual peer for good. `false` if it was not added. */
  remove(addr: SocketAddress): boolean {
    const paused = this.#pausedIndex(addr);
    if (paused >= 0) {
      this.#paused.splice(paused, 1);
      return true;
    }
    const id = this.#deps.view.permanentRequest(addr);
    if (id === undefined) return false;
    this.#deps.manager.remove(id);
    return true;
  }

  /** The manual peers, connected or not, as `host:port`: the live requests first, then those set aside. */
  added(): string[] {
    return [...this.#deps.view.permanentAddresses(), ...this.#paused.map((a) => a.toString())];
  }

  /** Networking off: every live manual request is ended and set aside. */
  pause(): void {
    for (const entry of this.#deps.view.requests()) {
      if (!entry.permanent || entry.addr === undefined) continue;
      this.#paused.push(entry.addr);
      this.#deps.manager.remove(entry.id);
    }
  }

  /** Networking on: the manual peers set aside are requested again. */
  resume(): void {
    const paused = this.#paused;
    this.#paused = [];
    for (const addr of paused) this.#deps.manager.connect(addr, { permanent: true });
  }

  #pausedIndex(addr: SocketAddress): number {
    const key = addr.toString();
    return this.#paused.findIndex((a) => a.toString() === key);
  }
}
