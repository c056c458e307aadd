import { expect } from 'chai';
import * as main from '../lib/index.js';
import * as internals from '../lib/internals/index.js';
import * as node from '../lib/node/index.js';
import * as testing from '../lib/testing/index.js';
import * as transport from '../lib/transport/index.js';

describe('package entries', () => {
  it('rx-connmgr is the user API: the manager, requests, errors and policies, no building blocks', () => {
    expect(Object.keys(main)).to.include.members([
      'ConnManager',
      'connManager',
      'ConnReq',
      'DEFAULT_CONN_CLASS',
      'DEFAULTS',
      'linearBackoff',
      'ManagerDialTimeoutError',
      'NoNewAddressError',
      'describeEvent',
    ]);
    for (const inner of [
      'reduce',
      'resolveConfig',
      'TimeoutList',
      'dialEffect',
      'closeEffect',
      'switchMapByKey',
      'dialOnce',
      'PersistentMap',
      'DialTimeoutError',
      'NoAddressError',
    ]) {
      expect(main, inner).not.to.have.property(inner);
    }
  });

  it('rx-connmgr/internals has the building blocks', () => {
    expect(Object.keys(internals)).to.include.members([
      'reduce',
      'initialState',
      'resolveConfig',
      'TimeoutList',
      'dialEffect',
      'switchMapByKey',
      'dialOnce',
      'isCount',
    ]);
  });

  it('the node entry has BitcoinNode (Node kept as its alias), the gate and the defaults', () => {
    expect(node.Node).to.equal(node.BitcoinNode);
    expect(node.createNode({ listen: false })).to.be.instanceOf(node.BitcoinNode);
    expect(node.NODE_DEFAULTS).to.include({ targetOutbound: 8, maxPeers: 125, dialTimeout: 30_000, transport: transport.tcpTransport });
    expect(node).to.have.property('InboundGate');
    expect(node).to.include({ BLOCK_RELAY_ONLY: 'block-relay-only', FEELER: 'feeler', ADDR_FETCH: 'addr-fetch' });
    expect(node).to.have.property('selectOutboundToEvict');
  });

  it('the transport seam and the in-memory network are exported where a user looks for them', () => {
    expect(transport).to.have.property('tcpTransport');
    expect(testing).to.include.keys('MemoryNetwork', 'MemorySocket', 'VirtualTime');
  });
});
