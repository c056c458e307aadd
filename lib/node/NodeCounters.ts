import type { ConnEvent } from '../model/events.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { inboundVerdictEvent } from './inboundVerdictEvent.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeEvent } from './NodeEvent.js';

/**
 * The node's counters of what its manager did, folded from `events$`: retries (permanent redials,
 * and replacements of lost automatic peers — the first refill, at start, only fills the target)
 * and inbound refusals.
 */
export class NodeCounters {
  #retries = 0;
  #refused = 0;
  #initialFill = true;

  /** Retries so far. */
  get retries(): number {
    return this.#retries;
  }

  /** Inbound conns refused before their handshake so far. */
  get refused(): number {
    return this.#refused;
  }

  /** Counts `e`; returns the node event it is (a refusal or an eviction), if any. */
  record(e: ConnEvent<SocketAddress, NodeConn>): Extract<NodeEvent, { type: 'refused' | 'evicted' }> | undefined {
    const verdict = inboundVerdictEvent(e);
    if (verdict) {
      if (verdict.type === 'refused') this.#refused++;
      return verdict;
    }
    if (e.type === 'retryScheduled') this.#retries++;
    else if (e.type === 'refillScheduled') {
      if (!this.#initialFill) this.#retries += e.count;
      this.#initialFill = false;
    }
    return undefined;
  }
}
