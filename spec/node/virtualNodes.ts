import { expect } from 'chai';
import type { Socket } from 'node:net';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { createNode, type Node, type NodeEvent } from '../../lib/node/index.js';
import { MemoryNetwork } from '../../lib/testing/MemoryNetwork.js';
import { VirtualTime } from '../../lib/testing/VirtualTime.js';

/** Options of a node made by {@link virtualNodes}. */
export type VirtualNodeOptions = NonNullable<Parameters<typeof createNode>[0]>;
/** The events of one type. */
export type EventOf<T extends NodeEvent['type']> = Extract<NodeEvent, { type: T }>;

/** Fast timers for scenarios: short retries, handshakes and dials, no feelers; no block-relay-only peers (specs count full-relay ones). */
export const FAST = {
  blockRelayOnlyPeers: 0,
  retryDuration: 50,
  maxRetryDuration: 400,
  minUptime: 1_000,
  dialTimeout: 1_000,
  handshakeTimeout: 1_000,
  feelerInterval: Infinity,
} as const;

/** What {@link virtualNodes} gives a spec: the current test's clock and network, and node makers. */
export interface VirtualNodes {
  readonly time: VirtualTime;
  readonly net: MemoryNetwork;
  /** A node on the network in virtual time (FAST timers unless overridden), its events recorded, stopped after the test. */
  readonly make: (options: VirtualNodeOptions) => Node;
  /** The recorded events of `node` of one type. */
  readonly of: <T extends NodeEvent['type']>(node: Node, type: T) => EventOf<T>[];
  /** Registers something the test opened besides nodes (a raw socket, a scripted listener): released after the test, before the nodes stop. */
  readonly release: (close: () => void) => void;
  /** A raw client that connects from `from` to `target` and says nothing: its socket, once connected. */
  readonly silent: (target: string, from: string) => Socket[];
  /** `make`, then `start`: the node and its listening address (`''` when not listening). */
  readonly start: (options: VirtualNodeOptions) => Promise<{ node: Node; target: string }>;
}

/**
 * Registers the `beforeEach`/`afterEach` of a virtual-time node spec (call it inside `describe`): a
 * fresh VirtualTime and MemoryNetwork per test, and after it every node stopped with no socket or
 * listener left.
 */
export function virtualNodes(): VirtualNodes {
  let time: VirtualTime;
  let net: MemoryNetwork;
  let nodes: Node[] = [];
  let events = new Map<Node, NodeEvent[]>();
  let releases: (() => void)[] = [];
  beforeEach(() => {
    time = new VirtualTime();
    net = new MemoryNetwork(time.scheduler);
    nodes = [];
    events = new Map();
    releases = [];
  });
  afterEach(async () => {
    for (const close of releases) close();
    const stopping = Promise.all(nodes.map((n) => n.stop()));
    await time.advance(100);
    await stopping;
    await time.advance(100);
    expect(net.openSockets, 'sockets left open after stop').to.equal(0);
    expect(net.listening, 'listeners left after stop').to.deep.equal([]);
  });
  const make = (options: VirtualNodeOptions): Node => {
    const node = createNode({ ...FAST, transport: net.transport(), ...options, scheduler: time.scheduler });
    nodes.push(node);
    const log: NodeEvent[] = [];
    events.set(node, log);
    node.events$.subscribe((e) => log.push(e));
    return node;
  };
  return {
    get time() {
      return time;
    },
    get net() {
      return net;
    },
    make,
    release: (close) => releases.push(close),
    silent: (target, from) => {
      const held: Socket[] = [];
      net
        .transport()
        .dial(SocketAddress.parse(target), { timeout: Infinity, localAddress: from, scheduler: time.scheduler })
        .subscribe((socket) => held.push(socket));
      return held;
    },
    of: <T extends NodeEvent['type']>(node: Node, type: T): EventOf<T>[] =>
      events.get(node)!.filter((e): e is EventOf<T> => e.type === type),
    start: async (options: VirtualNodeOptions) => {
      const node = make(options);
      const address = await node.start();
      return { node, target: address?.toString() ?? '' };
    },
  };
}
