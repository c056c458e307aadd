import { cidrContains, parseCidr } from '../ban/cidr.js';
import { serviceNames as namesOfServices } from '../protocol/bitcoin/services.js';
import type { BanEntry } from '../ban/BanEntry.js';
import { hostOfAddress } from '../ban/hostOfAddress.js';
import { VERSION } from '../version.js';
import type { ParamSpec } from './readParams.js';
import { RPC_ERROR, RpcError } from './RpcError.js';
import type { RpcNode, RpcPeer } from './RpcNode.js';

/** A method: its parameters (Core's names and order) and what it does with them. */
export interface RpcMethod {
  readonly params: readonly ParamSpec[];
  run(node: RpcNode, args: readonly unknown[]): unknown;
}

/** Core's protocol version (70016) — what a peer-facing node of this kind speaks. */
const PROTOCOL_VERSION = 70016;
/** Core's networks for getnodeaddresses' filter; only the IP ones occur here. */
const NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'] as const;

const s = (ms: number) => Math.floor(ms / 1000);
const hex16 = (bits: bigint | undefined) => (bits ?? 0n).toString(16).padStart(16, '0');
const serviceNames = (bits: bigint | undefined) => namesOfServices(bits ?? 0n);

function need<K extends keyof RpcNode>(node: RpcNode, capability: K, method: string): NonNullable<RpcNode[K]> {
  const fn = node[capability];
  if (typeof fn !== 'function')
    throw new RpcError(
      RPC_ERROR.METHOD_NOT_FOUND,
      `Method not found: ${method} needs the node capability ${String(capability)}, which this node does not provide`,
    );
  return (fn as (...a: unknown[]) => unknown).bind(node) as NonNullable<RpcNode[K]>;
}

function networkOf(host: string): 'ipv4' | 'ipv6' {
  return host.includes(':') ? 'ipv6' : 'ipv4';
}

function peerInfo(p: RpcPeer, now: number): Record<string, unknown> {
  const host = hostOfAddress(p.addr);
  return {
    id: p.id,
    addr: p.addr,
    network: networkOf(host),
    services: hex16(p.services),
    servicesnames: serviceNames(p.services),
    relaytxes: false,
    lastsend: 0,
    lastrecv: 0,
    bytessent: p.bytesSent ?? 0,
    bytesrecv: p.bytesRecv ?? 0,
    conntime: s(p.connectedAt),
    timeoffset: 0,
    ...(p.pingMs === undefined ? {} : { pingtime: p.pingMs / 1000 }),
    ...(p.minPingMs === undefined ? {} : { minping: p.minPingMs / 1000 }),
    version: p.version ?? 0,
    subver: p.subver,
    inbound: p.inbound,
    startingheight: p.startingHeight,
    banscore: p.banScore ?? 0,
    permissions: [...(p.permissions ?? [])],
    connection_type: p.connectionType,
    transport_protocol_type: p.transport ?? 'v1',
    session_id: p.sessionId ?? '',
    connected_for: s(Math.max(0, now - p.connectedAt)),
  };
}

function banView(entry: BanEntry, now: number): Record<string, unknown> {
  const address = entry.host.includes('/') ? entry.host : `${entry.host}/${entry.host.includes(':') ? 128 : 32}`;
  return {
    address,
    ban_created: s(entry.since),
    banned_until: s(entry.until),
    ban_duration: s(entry.until - entry.since),
    time_remaining: Math.max(0, s(entry.until - now)),
  };
}

function parseSubnet(text: string): ReturnType<typeof parseCidr> {
  try {
    return parseCidr(text);
  } catch {
    throw new RpcError(RPC_ERROR.CLIENT_INVALID_IP_OR_SUBNET, `Error: Invalid IP/Subnet ${JSON.stringify(text)}`);
  }
}

/**
 * Bitcoin Core's network RPCs over an {@link RpcNode}, by name: parameters in Core's order and
 * names, results in Core's shapes (getpeerinfo adds `banscore`, which Core dropped and users miss).
 * Times in results are Unix seconds, as in Core.
 *
 * @example
 * ```ts
 * const m = RPC_METHODS.get('getconnectioncount')!;
 * m.run(node, readParams('getconnectioncount', m.params, [])); // 3
 * ```
 */
export const RPC_METHODS: ReadonlyMap<string, RpcMethod> = new Map<string, RpcMethod>([
  ['getpeerinfo', { params: [], run: (node) => node.peers().map((p) => peerInfo(p, node.now())) }],
  ['getconnectioncount', { params: [], run: (node) => node.peers().length }],
  [
    'getnetworkinfo',
    {
      params: [],
      run: (node) => {
        const info = node.networkInfo?.() ?? {};
        const peers = node.peers();
        const inbound = peers.filter((p) => p.inbound).length;
        const networks = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => ({
          name,
          limited: name !== 'ipv4' && name !== 'ipv6',
          reachable: name === 'ipv4' || name === 'ipv6',
          proxy: '',
          proxy_randomize_credentials: false,
        }));
        return {
          version: info.version ?? versionNumber(VERSION),
          subversion: info.subversion ?? `/rx-connmgr:${VERSION}/`,
          protocolversion: info.protocolVersion ?? PROTOCOL_VERSION,
          localservices: hex16(info.localServices),
          localservicesnames: serviceNames(info.localServices),
          localrelay: false,
          timeoffset: 0,
          networkactive: node.networkActive?.() ?? true,
          connections: peers.length,
          connections_in: inbound,
          connections_out: peers.length - inbound,
          networks,
          relayfee: 0,
          incrementalfee: 0,
          localaddresses: [],
          warnings: [],
        };
      },
    },
  ],
  [
    'addnode',
    {
      params: [
        { name: 'node', type: 'string' },
        { name: 'command', type: 'string' },
        { name: 'v2transport', type: 'boolean', optional: true },
      ],
      run: (node, [address, command]) => {
        const addr = address as string;
        if (command === 'add') {
          if (!need(node, 'addNode', 'addnode add')(addr))
            throw new RpcError(RPC_ERROR.CLIENT_NODE_ALREADY_ADDED, 'Error: Node already added');
        } else if (command === 'remove') {
          if (!need(node, 'removeNode', 'addnode remove')(addr))
            throw new RpcError(RPC_ERROR.CLIENT_NODE_NOT_ADDED, 'Error: Node could not be removed. It has not been added previously.');
        } else if (command === 'onetry') {
          need(node, 'tryNode', 'addnode onetry')(addr);
        } else {
          throw new RpcError(
            RPC_ERROR.INVALID_PARAMETER,
            `addnode: command must be 'add', 'remove' or 'onetry', got ${JSON.stringify(command).slice(0, 40)}`,
          );
        }
        return null;
      },
    },
  ],
  [
    'getaddednodeinfo',
    {
      params: [{ name: 'node', type: 'string', optional: true }],
      run: (node, [only]) => {
        const added = need(node, 'addedNodes', 'getaddednodeinfo')();
        if (only !== undefined && !added.includes(only as string))
          throw new RpcError(RPC_ERROR.CLIENT_NODE_NOT_ADDED, 'Error: Node has not been added.');
        const outbound = new Set(
          node
            .peers()
            .filter((p) => !p.inbound)
            .map((p) => p.addr),
        );
        return added
          .filter((a) => only === undefined || a === only)
          .map((a) => ({
            addednode: a,
            connected: outbound.has(a),
            addresses: outbound.has(a) ? [{ address: a, connected: 'outbound' }] : [],
          }));
      },
    },
  ],
  [
    'disconnectnode',
    {
      params: [
        { name: 'address', type: 'string', optional: true },
        { name: 'nodeid', type: 'integer', optional: true },
      ],
      run: (node, [address, nodeid]) => {
        const byAddress = address !== undefined && address !== '';
        if (byAddress === (nodeid !== undefined))
          throw new RpcError(RPC_ERROR.INVALID_PARAMS, 'Only one of address and nodeid should be provided.');
        const disconnect = need(node, 'disconnect', 'disconnectnode');
        const peer = node.peers().find((p) => (byAddress ? p.addr === address : p.id === nodeid));
        if (peer === undefined || !disconnect(peer.id))
          throw new RpcError(RPC_ERROR.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
        return null;
      },
    },
  ],
  [
    'setban',
    {
      params: [
        { name: 'subnet', type: 'string' },
        { name: 'command', type: 'string' },
        { name: 'bantime', type: 'integer', optional: true },
        { name: 'absolute', type: 'boolean', optional: true },
      ],
      run: (node, [subnetText, command, bantime, absolute]) => {
        const subnet = parseSubnet(subnetText as string);
        if (command === 'remove') {
          if (!node.bans.unbanSubnet(subnet.text))
            throw new RpcError(
              RPC_ERROR.CLIENT_INVALID_IP_OR_SUBNET,
              'Error: Unban failed. Requested address/subnet was not previously manually banned.',
            );
          return null;
        }
        if (command !== 'add')
          throw new RpcError(
            RPC_ERROR.INVALID_PARAMETER,
            `setban: command must be 'add' or 'remove', got ${JSON.stringify(command).slice(0, 40)}`,
          );
        if (node.bans.getSubnet(subnet.text)) throw new RpcError(RPC_ERROR.CLIENT_NODE_ALREADY_ADDED, 'Error: IP/Subnet already banned');
        const seconds = (bantime as number | undefined) ?? 0;
        if (seconds < 0) throw new RpcError(RPC_ERROR.INVALID_PARAMETER, `Error: bantime must be ≥ 0 seconds, got ${seconds}`);
        let duration: number | undefined;
        if (absolute === true) {
          duration = seconds * 1000 - node.now();
          if (duration <= 0) throw new RpcError(RPC_ERROR.INVALID_PARAMETER, 'Error: Absolute timestamp is in the past');
        } else if (seconds > 0) duration = seconds * 1000;
        if (node.bans.banSubnet(subnet.text, 'manually added', ...(duration === undefined ? [] : [duration])) === undefined) {
          throw new RpcError(RPC_ERROR.INVALID_PARAMETER, `Error: ${subnet.text} is whitelisted and cannot be banned`);
        }
        // Core drops the peers the new ban covers.
        const disconnect = node.disconnect?.bind(node);
        if (disconnect) for (const p of node.peers()) if (cidrContains(subnet, hostOfAddress(p.addr))) disconnect(p.id);
        return null;
      },
    },
  ],
  ['listbanned', { params: [], run: (node) => node.bans.entries().map((e) => banView(e, node.now())) }],
  [
    'clearbanned',
    {
      params: [],
      run: (node) => {
        node.bans.clear();
        return null;
      },
    },
  ],
  [
    'setnetworkactive',
    {
      params: [{ name: 'state', type: 'boolean' }],
      run: (node, [state]) => need(node, 'setNetworkActive', 'setnetworkactive')(state as boolean),
    },
  ],
  [
    'getnodeaddresses',
    {
      params: [
        { name: 'count', type: 'integer', optional: true },
        { name: 'network', type: 'string', optional: true },
      ],
      run: (node, [countArg, network]) => {
        const count = (countArg as number | undefined) ?? 1;
        if (count < 0) throw new RpcError(RPC_ERROR.INVALID_PARAMETER, `Address count out of range: ${count}`);
        if (network !== undefined && !(NETWORKS as readonly unknown[]).includes(network))
          throw new RpcError(
            RPC_ERROR.INVALID_PARAMETER,
            `Network not recognized: ${(typeof network === 'string' ? network : JSON.stringify(network)).slice(0, 40)}`,
          );
        const all = need(node, 'knownAddresses', 'getnodeaddresses')().filter(
          (a) => network === undefined || networkOf(a.host) === network,
        );
        return (count === 0 ? all : all.slice(0, count)).map((a) => ({
          time: s(a.time),
          services: Number(a.services),
          address: a.host,
          port: a.port,
          network: networkOf(a.host),
        }));
      },
    },
  ],
]);

/** `'1.2.3'` → 10203 (Core's `version` number: MMmmpp). */
function versionNumber(text: string): number {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return major * 10_000 + minor * 100 + patch;
}
