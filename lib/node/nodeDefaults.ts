import { DEFAULT_MAX_INBOUND_PER_GROUP, DEFAULT_MAX_INBOUND_PER_IP } from '../policy/admitInbound.js';
import { DEFAULT_MAX_PENDING_HANDSHAKES } from '../policy/maxPendingHandshakes.js';
import { immediateScheduler } from '../schedulers/immediateScheduler.js';
import { tcpTransport } from '../transport/tcpTransport.js';
import { VERSION } from '../version.js';
import type { NodeOptions } from './NodeOptions.js';

/**
 * Every default of a node, stated once (btcd's server unless said otherwise in `NodeOptions`).
 * Options that are absent by default (`addressFile`, `dnsServers`, `backoff`, …) are not here.
 */
export const NODE_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  listen: true,
  network: 'regtest',
  targetOutbound: 8,
  blockRelayOnlyPeers: 2,
  extraBlockRelayInterval: 300_000,
  maxPeers: 125,
  feelerInterval: 120_000,
  saveInterval: 600_000,
  retryDuration: 5_000,
  maxRetryDuration: 300_000,
  minUptime: 60_000,
  dialTimeout: 30_000,
  handshakeTimeout: 30_000,
  pingInterval: 120_000,
  idleTimeout: 300_000,
  userAgent: `/rx-connmgr:${VERSION}/`,
  services: 0n,
  v2Transport: true,
  v2ManualPeers: false,
  relay: false,
  loopbackGrouping: 'host-port',
  selfAnnounceInterval: 86_400_000,
  startHeight: 0,
  maxInboundPerIp: DEFAULT_MAX_INBOUND_PER_IP,
  maxInboundPerGroup: DEFAULT_MAX_INBOUND_PER_GROUP,
  acceptRate: 5,
  maxPendingHandshakes: DEFAULT_MAX_PENDING_HANDSHAKES,
  transport: tcpTransport,
  scheduler: immediateScheduler,
} as const;

type Defaulted = keyof typeof NODE_DEFAULTS;

/** Node options with every default of {@link NODE_DEFAULTS} applied. */
export type ResolvedNodeOptions = Required<Pick<NodeOptions, Defaulted>> & Omit<NodeOptions, Defaulted>;

/** Applies {@link NODE_DEFAULTS} to the options that are not given. */
export function resolveNodeOptions(options: NodeOptions): ResolvedNodeOptions {
  const resolved: Record<string, unknown> = { ...NODE_DEFAULTS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) resolved[key] = value;
  return resolved as ResolvedNodeOptions;
}
