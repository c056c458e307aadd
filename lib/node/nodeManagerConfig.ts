import type { Observable } from 'rxjs';
import type { ManualPeersPlan } from '../discovery/manualPeers.js';
import type { ConnManagerConfig } from '../manager/config.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { isCount } from '../shared/isCount.js';
import { ADDR_FETCH, BLOCK_RELAY_ONLY, FEELER } from './connectionType.js';
import { InboundGate } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { NodeManagerState } from './ManagerView.js';
import type { NetworkActivity } from './NetworkActivity.js';
import { networkFamily } from './networkFamily.js';
import type { OutboundDialer } from './OutboundDialer.js';

/** addr-fetch connections at once (the seeds asked for addresses when the book is empty). */
export const MAX_ADDR_FETCH = 2;

/**
 * How a node plugs into its `ConnManager`: the dialer's `dial` and `getNewAddress` (none in
 * connect mode), the accept edge as the one listener, the `InboundGate` as the reducer's
 * admission hook over `maxPeers − targetOutbound − blockRelayOnlyPeers − permanent` inbound slots,
 * the connection classes' budgets (block-relay-only, feeler, addr-fetch), and a peer's own
 * `close`/`closed$` as the conn's. `getNewAddress` chooses against the state the manager hands
 * it; while networking is off it waits for it to be back on (`latest`: the node's view of the
 * manager then), so automatic requests hold still instead of failing in a loop.
 */
export function nodeManagerConfig(
  o: ResolvedNodeOptions,
  manual: ManualPeersPlan,
  dialer: OutboundDialer,
  accepts: Observable<NodeConn>,
  network: NetworkActivity,
  latest: () => NodeManagerState,
): ConnManagerConfig<SocketAddress, NodeConn> {
  // The class options are the node's own: checked here, so that the error names them (not the manager's class field).
  if (!isCount(o.blockRelayOnlyPeers))
    throw new RangeError(`blockRelayOnlyPeers must be a non-negative integer, got ${String(o.blockRelayOnlyPeers)}`);
  if (!isCount(o.extraBlockRelayInterval, 0, true)) {
    throw new RangeError(
      `extraBlockRelayInterval must be a non-negative integer (ms) or Infinity, got ${String(o.extraBlockRelayInterval)}`,
    );
  }
  const targetOutbound = manual.connectMode ? 0 : o.targetOutbound;
  const blockRelayOnly = manual.connectMode ? 0 : o.blockRelayOnlyPeers;
  const gate = new InboundGate({
    maxPerIp: o.maxInboundPerIp,
    maxPerGroup: o.maxInboundPerGroup,
    maxPendingHandshakes: o.maxPendingHandshakes,
  });
  return {
    // Two parameters: the manager then hands the dial its request (its class → the connection type).
    dial: (addr, context) => dialer.dial(addr, context.req),
    listeners: o.listen ? [accepts] : [],
    // Asked while networking is off, the answer waits until it is back on and is chosen then,
    // against the state of that moment (`latest`), not the one it was asked with.
    ...(manual.connectMode
      ? {}
      : {
          getNewAddress: (state, { connClass }) =>
            network.active ? dialer.chooseAddress(state, connClass) : network.whenActive(() => dialer.chooseAddress(latest(), connClass)),
        }),
    targetOutbound,
    // Core's budgets: block-relay-only peers kept beside the full-relay ones, one feeler at a
    // time, at most two addr-fetch peers.
    classes: { [BLOCK_RELAY_ONLY]: { target: blockRelayOnly }, [FEELER]: { max: 1 }, [ADDR_FETCH]: { max: MAX_ADDR_FETCH } },
    maxInbound: Math.max(0, o.maxPeers - targetOutbound - blockRelayOnly - manual.permanent.length),
    // The gate refuses in the reducer, or names a peer to evict for the newcomer (Core).
    admitInbound: (conn, state) => gate.check(conn, state),
    retryDuration: o.retryDuration,
    maxRetryDuration: o.maxRetryDuration,
    minUptime: o.minUptime,
    // The manager's dial covers the connect and the handshake.
    dialTimeout: o.dialTimeout + o.handshakeTimeout,
    ...(o.backoff ? { backoff: o.backoff } : {}),
    addressKey: (a) => a.toString(),
    // Failures while IPv4 (or IPv6) is unreachable do not count against addresses (Core's count_failures).
    networkOf: networkFamily,
    closeConn: (c) => c.peer.close(),
    connClosed: (c) => c.peer.closed$,
    scheduler: o.scheduler,
  };
}
