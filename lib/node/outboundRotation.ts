import { EMPTY, catchError, filter, merge, tap, timer, type Observable } from 'rxjs';
import type { NewConnReqOptions } from '../manager/ConnManager.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import { BLOCK_RELAY_ONLY, type ConnectionType } from './connectionType.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';
import type { PeerInfo } from './PeerInfo.js';
import { selectOutboundToEvict } from './selectOutboundToEvict.js';

/** What {@link outboundRotation} works with: the node's options and a few of its commands. */
export interface OutboundRotationDeps {
  readonly options: ResolvedNodeOptions;
  /** Peers coming up (`peerUp`). */
  readonly peerUp$: Observable<PeerInfo>;
  /** The handshaken peers now. */
  readonly peers: () => readonly PeerInfo[];
  /** The manager's `newConnReq`. */
  readonly newConnReq: (options: NewConnReqOptions) => void;
  /** Closes a peer by `PeerInfo.id` (the manager then sees its conn end). */
  readonly disconnect: (id: number) => void;
  /** No automatic outbound at all (connect mode): nothing rotates. */
  readonly connectMode: boolean;
  /** The full-relay target now (it may change at runtime: `configure`). @default the `targetOutbound` option */
  readonly targetOutbound?: () => number;
}

/**
 * Core's two ways of trying new outbound peers without ever having fewer:
 *
 * - each value of `tipStale$` asks the manager for one extra full-relay peer (`extra: true`: its
 *   target + 1);
 * - every `extraBlockRelayInterval` ms, one extra block-relay-only peer.
 *
 * When a peer of that type comes up while there are more than the target, the one
 * {@link selectOutboundToEvict} names is closed — the least useful, never the newest, never a
 * manual one. The manager, back at its target, refills nothing. An extra asked for while one is
 * still there is refused by the manager (an `ignored` event): at most one at a time. A `tipStale$`
 * that errors stops asking for extra peers; the node runs on.
 */
export function outboundRotation(deps: OutboundRotationDeps): Observable<never> {
  const { options, connectMode } = deps;
  if (connectMode) return EMPTY;
  const every = options.extraBlockRelayInterval;
  const rotations: Observable<unknown>[] = [];
  if (options.tipStale$ !== undefined && options.targetOutbound > 0) {
    const target = deps.targetOutbound ?? (() => options.targetOutbound);
    rotations.push(rotate(deps, options.tipStale$, DEFAULT_CONN_CLASS, 'outbound-full-relay', target));
  }
  if (options.blockRelayOnlyPeers > 0 && Number.isFinite(every) && every > 0) {
    const ticks = timer(every, every, options.scheduler);
    rotations.push(rotate(deps, ticks, BLOCK_RELAY_ONLY, 'block-relay-only', () => options.blockRelayOnlyPeers));
  }
  return rotations.length === 0 ? EMPTY : (merge(...rotations).pipe(filter(() => false)) as Observable<never>);
}

function rotate(deps: OutboundRotationDeps, trigger$: Observable<unknown>, connClass: string, type: ConnectionType, target: () => number) {
  return merge(
    trigger$.pipe(
      tap(() => deps.newConnReq({ connClass, extra: true })),
      // An injected signal that errors ends its rotation, never the node.
      catchError(() => EMPTY),
    ),
    deps.peerUp$.pipe(
      filter((p) => p.connectionType === type),
      tap(() => {
        const peers = deps.peers().filter((p) => p.direction === 'outbound' && p.connectionType === type);
        if (peers.length <= target()) return;
        const victim = selectOutboundToEvict(peers);
        if (victim !== undefined) deps.disconnect(victim.id);
      }),
    ),
  );
}
