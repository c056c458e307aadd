import { createNode, type Node } from '../../lib/node/index.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';

/** Options of a node made by {@link loopbackNodes}. */
export type LoopbackNodeOptions = Parameters<typeof createNode>[0];

/** What {@link loopbackNodes} gives a real-socket spec. */
export interface LoopbackNodes {
  /** A node on real loopback sockets (`defaults` under `options`), stopped after the test. */
  readonly make: (options: LoopbackNodeOptions) => Node;
  /** Something else the test opened (a raw socket, a scripted listener): released after the test, before the nodes stop. */
  readonly release: (close: () => void) => void;
}

/**
 * Registers the `beforeEach`/`afterEach` of a real-socket node spec (call it inside `describe`):
 * after each test everything it registered is released, every node stopped, and the process's
 * TCP handles are back to what they were before the test (stop leaves no socket open).
 * The real-socket twin of `virtualNodes`.
 */
export function loopbackNodes(defaults: LoopbackNodeOptions = {}): LoopbackNodes {
  const nodes: Node[] = [];
  const releases: (() => void)[] = [];
  let baseline = 0;
  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    for (const close of releases.splice(0)) close();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await settleTcpHandles(baseline);
  });
  return {
    make: (options) => {
      const node = createNode({ ...defaults, ...options });
      nodes.push(node);
      return node;
    },
    release: (close) => releases.push(close),
  };
}
