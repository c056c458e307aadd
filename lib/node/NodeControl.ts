import type { BanList } from '../ban/BanList.js';
import type { ConnManager } from '../manager/ConnManager.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { ManagerView } from './ManagerView.js';
import type { ManualPeerControl } from './ManualPeerControl.js';
import type { NetworkActivity } from './NetworkActivity.js';
import type { NodeConn } from './NodeConn.js';
import type { NodeCounters } from './NodeCounters.js';
import type { NodeStats } from './NodeEvent.js';
import type { PeerSessions } from './PeerSessions.js';

/** What a node's `configure` may change while it runs. */
export interface NodeLiveConfig {
  /** Automatic full-relay outbound peers to keep. */
  readonly targetOutbound?: number;
  /** Inbound peers admitted at once. @default what `maxPeers` leaves beside the outbound peers */
  readonly maxInbound?: number;
}

/** What a {@link NodeControl} works with. */
export interface NodeControlDeps {
  /** The manager's public commands; its state is read through `view`. */
  readonly manager: Pick<ConnManager<SocketAddress, NodeConn>, 'connect' | 'remove' | 'disconnect' | 'newConnReq' | 'configure'>;
  /** The inbound slots a full-relay target leaves (`maxPeers − target − blockRelayOnlyPeers − manual peers`, as at start). */
  readonly inboundSlots: (targetOutbound: number) => number;
  readonly view: ManagerView;
  readonly manual: ManualPeerControl;
  readonly network: NetworkActivity;
  readonly sessions: Pick<PeerSessions, 'peers' | 'disconnect'>;
  readonly banList: BanList;
  readonly counters: NodeCounters;
  /** Whether the node runs (started, not stopping): commands reach the manager only then. */
  readonly running: () => boolean;
  readonly log: (format: string, ...args: unknown[]) => void;
}

/**
 * The operator's commands on a running node (what `rx-connmgr/rpc` serves, Core's RPCs): the
 * network switch, one-shot peers, disconnects, and the counters — done with the manager's public
 * commands, read from the node's {@link ManagerView}. Manual peers are {@link ManualPeerControl}'s.
 */
export class NodeControl {
  readonly #deps: NodeControlDeps;

  constructor(deps: NodeControlDeps) {
    this.#deps = deps;
  }

  /**
   * Core's `setnetworkactive`. Off: every peer is closed, inbound conns are refused, nothing is
   * dialed — manual peers are set aside and automatic requests wait for an address. On: manual
   * peers are requested again and automatic ones fill the target. Returns the new state.
   */
  setNetworkActive(active: boolean): boolean {
    const { manager, view, manual, network } = this.#deps;
    if (!network.set(active)) return active;
    this.#deps.log('network %s', active ? 'on' : 'off');
    if (!this.#deps.running()) return active;
    if (active) {
      manual.resume();
      for (let i = view.belowTarget; i > 0; i--) manager.newConnReq();
      return active;
    }
    const requests = view.requests(); // this snapshot's: the commands below do not change it
    manual.pause();
    for (const entry of requests) {
      if (entry.permanent) continue; // set aside by `manual`
      if (!entry.automatic) manager.remove(entry.id);
      // An established one is replaced by a request that waits for an address; a dial is canceled.
      else if (entry.stage !== 'address') manager.disconnect(entry.id);
    }
    for (const entry of view.inbound()) entry.conn.peer.close();
    return active;
  }

  /**
   * Changes the full-relay outbound target and the inbound limit at runtime, in the manager's
   * reducer (`ConnManager.configure`): a higher target dials more at once, a lower one lets go of
   * the youngest automatic peers; a lower `maxInbound` closes the youngest inbound peers. Given
   * only `targetOutbound`, the inbound limit follows it as at start (`maxPeers` is the budget).
   * @throws InvalidOptionError naming the field, for a bad value; then nothing changes.
   * @example
   * node.configure({ targetOutbound: 4 });
   */
  configure(change: NodeLiveConfig): void {
    const { targetOutbound, maxInbound } = change;
    const inbound =
      maxInbound ??
      (targetOutbound === undefined || !Number.isInteger(targetOutbound) ? undefined : this.#deps.inboundSlots(targetOutbound));
    this.#deps.manager.configure({
      ...(targetOutbound === undefined ? {} : { targetOutbound }),
      ...(inbound === undefined ? {} : { maxInbound: inbound }),
    });
  }

  /** `addnode onetry`: one attempt, not retried (fails at once while networking is off). */
  tryPeer(addr: SocketAddress): void {
    this.#deps.manager.connect(addr);
  }

  /** Closes the handshaken peer with this `PeerInfo.id` (Core's `disconnectnode`); `false` if there is none. */
  disconnectPeer(id: number): boolean {
    return this.#deps.sessions.disconnect(id);
  }

  /** Counters for display. */
  stats(): NodeStats {
    const peers = this.#deps.sessions.peers();
    const outbound = peers.filter((p) => p.direction === 'outbound').length;
    return {
      outbound,
      inbound: peers.length - outbound,
      pending: this.#deps.view.outboundRequests - outbound,
      retries: this.#deps.counters.retries,
      bans: this.#deps.banList.entries().length,
      refused: this.#deps.counters.refused,
    };
  }
}
