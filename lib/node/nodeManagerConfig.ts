import type { Observable } from 'rxjs';
import type { ManualPeersPlan } from '../discovery/manualPeers.js';
import type { ConnManagerConfig } from '../manager/config.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { InboundGate } from './InboundGate.js';
import type { NodeConn } from './NodeConn.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { NodeManagerState } from './ManagerView.js';
import type { NetworkActivity } from './NetworkActivity.js';
import type { OutboundDialer } from './OutboundDialer.js';

/**
 * How a node plugs into its `ConnManager`: the dialer's `dial` and `getNewAddress` (none in
 * connect mode), the accept edge as the one listener, the `InboundGate` as the reducer's
 * admission hook over `maxPeers − targetOutbound − permanent` inbound slots, and a peer's own
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
  const targetOutbound = manual.connectMode ? 0 : o.targetOutbound;
  const gate = new InboundGate({
    maxPerIp: o.maxInboundPerIp,
    maxPerGroup: o.maxInboundPerGroup,
    maxPendingHandshakes: o.maxPendingHandshakes,
  });
  return {
    dial: (addr) => dialer.dial(addr),
    listeners: o.listen ? [accepts] : [],
    // Asked while networking is off, the answer waits until it is back on and is chosen then,
    // against the state of that moment (`latest`), not the one it was asked with.
    ...(manual.connectMode
      ? {}
      : {
          getNewAddress: (state) =>
            network.active ? dialer.chooseAddress(state) : network.whenActive(() => dialer.chooseAddress(latest())),
        }),
    targetOutbound,
    maxInbound: Math.max(0, o.maxPeers - targetOutbound - manual.permanent.length),
    // The gate refuses in the reducer, or names a peer to evict for the newcomer (Core).
    admitInbound: (conn, state) => gate.check(conn, state),
    retryDuration: o.retryDuration,
    maxRetryDuration: o.maxRetryDuration,
    minUptime: o.minUptime,
    // The manager's dial covers the connect and the handshake.
    dialTimeout: o.dialTimeout + o.handshakeTimeout,
    ...(o.backoff ? { backoff: o.backoff } : {}),
    addressKey: (a) => a.toString(),
    closeConn: (c) => c.peer.close(),
    connClosed: (c) => c.peer.closed$,
    scheduler: o.scheduler,
  };
}
