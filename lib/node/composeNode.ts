import createDebug from 'debug';
import { Subject } from 'rxjs';
import { AddressBook } from '../addr/AddressBook.js';
import { BanList } from '../ban/BanList.js';
import { Discouragement } from '../ban/Discouragement.js';
import { NO_PERMISSIONS, parsePermissions, type PermissionTable } from '../ban/permissions.js';
import type { PeerMessage } from '../discovery/peerAddresses.js';
import { manualPeers, type ManualPeersPlan } from '../discovery/manualPeers.js';
import { ConnManager } from '../manager/ConnManager.js';
import { netGroupWith } from '../net/netGroup.js';
import { SocketAddress } from '../net/SocketAddress.js';
import { bitcoinProtocol } from '../protocol/bitcoin/bitcoinProtocol.js';
import { NETWORKS } from '../protocol/bitcoin/networks.js';
import { acceptPeers } from './acceptPeers.js';
import { hostPermissions } from './hostPermissions.js';
import { ManagerView } from './ManagerView.js';
import { ManualPeerControl } from './ManualPeerControl.js';
import { NetworkActivity } from './NetworkActivity.js';
import type { NodeConn } from './NodeConn.js';
import { NodeControl } from './NodeControl.js';
import { NodeCounters } from './NodeCounters.js';
import { resolveNodeOptions, type ResolvedNodeOptions } from './nodeDefaults.js';
import type { NodeEvent } from './NodeEvent.js';
import type { NodeOptions } from './NodeOptions.js';
import { nodeManagerConfig } from './nodeManagerConfig.js';
import { NodePersistence } from './NodePersistence.js';
import { OutboundDialer } from './OutboundDialer.js';
import { PeerSessions } from './PeerSessions.js';

/** Where the node listens: unknown until the listener is bound (and forever when not listening). */
export interface ListenAddress {
  address: SocketAddress | undefined;
  /** Resolves once bound. */
  readonly bound: Promise<SocketAddress>;
}

/** A node's parts, made and wired together by {@link composeNode}; `BitcoinNode` runs them. */
export interface NodeParts {
  readonly options: ResolvedNodeOptions;
  readonly log: createDebug.Debugger;
  readonly manager: ConnManager<SocketAddress, NodeConn>;
  readonly book: AddressBook;
  readonly banList: BanList;
  readonly discouragement: Discouragement;
  /** The `permissions` option, parsed. */
  readonly permissions: PermissionTable;
  /** The node's events: every part emits here. */
  readonly events: Subject<NodeEvent>;
  readonly addrMessages: Subject<PeerMessage>;
  /** Peers we sent `getaddr` to: PeerSessions → discovery's limiter (a back-channel, one-way). */
  readonly solicited: Subject<SocketAddress>;
  readonly plan: ManualPeersPlan;
  readonly network: NetworkActivity;
  readonly counters: NodeCounters;
  readonly sessions: PeerSessions;
  readonly dialer: OutboundDialer;
  readonly persistence: NodePersistence;
  readonly view: ManagerView;
  readonly manual: ManualPeerControl;
  readonly control: NodeControl;
  readonly listen: ListenAddress;
  /** `seedNodes` (Core's `-seednode`), parsed at construction: a bad one throws `InvalidAddressError` there. */
  readonly seedNodes: readonly SocketAddress[];
  /** Releases the parts once the manager has stopped (sessions, files, subjects, timers). */
  readonly close: () => Promise<void>;
}

/**
 * Makes a node's parts from its options and wires them: the book, bans and permissions; the peer
 * sessions; the dialer and the accept edge, plugged into a `ConnManager` (`nodeManagerConfig`);
 * the `ManagerView` that reads the manager's `state$`; the operator's controls. `running` says
 * whether the node has started and is not stopping (commands reach the manager only then).
 */
export function composeNode(options: NodeOptions, running: () => boolean): NodeParts {
  const o = resolveNodeOptions(options);
  const protocol = bitcoinProtocol({ magic: NETWORKS[o.network].magic });
  const log = createDebug(`rx-connmgr:node:${o.name ?? o.host}`);
  // The node's own book runs on the node's clock (virtual in virtual-time runs) and its netgroups.
  const group = netGroupWith({ loopback: o.loopbackGrouping });
  const book = o.addressBook ?? new AddressBook({ now: () => o.scheduler.now(), group });
  const banList = o.bans instanceof BanList ? o.bans : new BanList(o.bans ?? {});
  const discouragement = o.discouragement instanceof Discouragement ? o.discouragement : new Discouragement(o.discouragement ?? {});
  const rules = o.permissions === undefined ? [] : typeof o.permissions === 'string' ? [o.permissions] : o.permissions;
  const table = rules.length === 0 ? NO_PERMISSIONS : parsePermissions(rules);
  const permissions = (host: string) => hostPermissions(table, banList, host);
  // addnode → permanent peers on top of the target; connect → connect mode (only those).
  const seedNodes = (o.seedNodes ?? []).map((text) => SocketAddress.parse(text));
  const plan = manualPeers({ ...(o.addPeers ? { addnode: o.addPeers } : {}), ...(o.connectPeers ? { connect: o.connectPeers } : {}) });
  const [events, addrMessages, solicited] = [new Subject<NodeEvent>(), new Subject<PeerMessage>(), new Subject<SocketAddress>()];
  const emit = (event: NodeEvent) => events.next(event);
  const network = new NetworkActivity();
  let onBound!: (address: SocketAddress) => void;
  const listen: ListenAddress = { address: undefined, bound: new Promise((resolve) => (onBound = resolve)) };
  const ownAddress = () => listen.address;
  const sessions = new PeerSessions({
    ...{ options: o, protocol, book, banList, discouragement, permissions, emit, ownAddress, log },
    addrMessages: (m) => addrMessages.next(m),
    solicited: (peer) => solicited.next(peer),
  });
  // The view exists once the manager does (it reads its state$); the dialer asks it only when running.
  // eslint-disable-next-line prefer-const -- assigned below, read later by the closures made here
  let view: ManagerView | undefined;
  const dialer = new OutboundDialer({
    ...{ options: o, book, banList, sessions, emit, ownAddress, manualPeers: plan.permanent, network },
    view: {
      inUse: (a) => view!.inUse(a),
      automaticIds: () => view!.automaticIds(),
      get latest() {
        return view!.latest;
      },
    },
    // A permanent request (addnode/connect) holds `addr`: its misbehaviour is only reported.
    isManual: (addr) => view!.permanentRequest(addr) !== undefined,
  });
  const onListening = (a: SocketAddress) => onBound((listen.address = a));
  const networkActive = () => network.active;
  const accepts = acceptPeers({ options: o, protocol, banList, sessions, permissions, emit, networkActive, onListening });
  const manager = new ConnManager(nodeManagerConfig(o, plan, dialer, accepts, network, () => view!.latest));
  view = new ManagerView(manager.state$);
  const manual = new ManualPeerControl({ manager, view, network });
  const counters = new NodeCounters();
  const inboundSlots = (target: number) =>
    Math.max(0, o.maxPeers - target - (plan.connectMode ? 0 : o.blockRelayOnlyPeers) - plan.permanent.length);
  const control = new NodeControl({ manager, view, manual, network, sessions, banList, counters, running, log, inboundSlots });
  const persistence = new NodePersistence({ options: o, book, banList, log });
  const close = async (): Promise<void> => {
    view.close();
    sessions.stop();
    await persistence.close();
    addrMessages.complete();
    solicited.complete();
    banList.close();
    network.close();
    events.complete();
  };
  return {
    ...{ options: o, log, manager, book, banList, discouragement, permissions: table, events, addrMessages, solicited, plan },
    ...{ network, counters, sessions, dialer, persistence, view, manual, control, listen, seedNodes, close },
  };
}
