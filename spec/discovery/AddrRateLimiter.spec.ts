import { expect } from 'chai';
import { AddrRateLimiter } from '../../lib/discovery/AddrRateLimiter.js';
import { InvalidDiscoveryOptionError } from '../../lib/discovery/errors.js';

// The limit itself (Core's numbers, refill, peers kept apart) is specified in
// spec/policy/addrRelayLimiter.spec.ts; here only what the mutable holder adds.
describe('AddrRateLimiter', () => {
  it('counts accepted and dropped addresses, all peers together', () => {
    const limiter = new AddrRateLimiter();
    expect(limiter.admit('a', 1_001, 0)).to.equal(1_000);
    expect(limiter.admit('b', 1_000, 0)).to.equal(1_000);
    expect(limiter.admit('a', 1, 10_000)).to.equal(1);
    expect([limiter.size, limiter.accepted, limiter.dropped]).to.deep.equal([2, 2_001, 1]);
  });

  it('releases a bucket only once it is full again, and a released peer starts full', () => {
    const limiter = new AddrRateLimiter({ maxBurst: 10, ratePerSecond: 1 });
    limiter.admit('a', 4, 0);
    expect(limiter.fullAt('a')).to.equal(4_000);
    expect(limiter.release('a', 3_999)).to.equal(false);
    expect(limiter.release('a', 4_000)).to.equal(true);
    expect([limiter.size, limiter.fullAt('a'), limiter.release('a', 5_000)]).to.deep.equal([0, undefined, false]);
    expect(limiter.admit('a', 11, 4_000)).to.equal(10);
  });

  it('forgets a bucket on demand, saying whether there was one', () => {
    const limiter = new AddrRateLimiter();
    limiter.admit('a', 1_000, 0);
    expect(limiter.forget('a')).to.equal(true);
    expect(limiter.forget('a')).to.equal(false);
  });

  it("throws discovery's typed error naming a bad option, and takes maxBurst 0 (drop everything)", () => {
    for (const maxBurst of [-1, 2.5, NaN, Infinity]) {
      expect(() => new AddrRateLimiter({ maxBurst }))
        .to.throw(InvalidDiscoveryOptionError)
        .with.property('option', 'maxBurst');
    }
    for (const ratePerSecond of [0, -0.1, NaN, Infinity]) {
      expect(() => new AddrRateLimiter({ ratePerSecond }))
        .to.throw(InvalidDiscoveryOptionError)
        .with.property('option', 'ratePerSecond');
    }
    expect(new AddrRateLimiter({ maxBurst: 0 }).admit('a', 5, 0)).to.equal(0);
  });
});
