import { expect } from 'chai';
import * as policy from '../../lib/policy/index.js';

describe('policy/index', () => {
  it('re-exports the public API', () => {
    expect(Object.keys(policy).sort()).to.deep.equal(
      [
        'AcceptRateLimiter',
        'AddrRelayLimiter',
        'AddrSourceLimiter',
        'DEFAULT_ADDR_BURST',
        'DEFAULT_ADDR_RATE_PER_SECOND',
        'DEFAULT_INITIAL_ADDR_TOKENS',
        'DEFAULT_MAX_ADDR_SOURCE_GROUPS',
        'DEFAULT_MAX_INBOUND_PER_GROUP',
        'DEFAULT_MAX_INBOUND_PER_IP',
        'DEFAULT_MAX_PENDING_HANDSHAKES',
        'DEFAULT_MAX_TRACKED_IPS',
        'EVICTION_PROTECTION',
        'InboundCounts',
        'InboundCountsError',
        'InvalidEvictionCandidateError',
        'MIN_CANDIDATES_TO_EVICT',
        'PolicyArgumentError',
        'acceptRateLimiter',
        'addrRelayLimiter',
        'addrSourceLimiter',
        'admitInbound',
        'bucketFullAt',
        'fullBucket',
        'defaultKeyedNetGroup',
        'ipKey',
        'keyedNetGroup',
        'maxPendingHandshakes',
        'selectNodeToEvict',
        'takeTokens',
        'tokensAt',
      ].sort(),
    );
  });
});
