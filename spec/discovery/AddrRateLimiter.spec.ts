import { expect } from 'chai';
import { AddrRateLimiter, DEFAULT_ADDR_BURST, DEFAULT_ADDR_RATE_PER_SECOND } from '../../lib/discovery/AddrRateLimiter.js';
import { InvalidDiscoveryOptionError } from '../../lib/discovery/errors.js';

describe('AddrRateLimiter', () => {
  it("defaults to Bitcoin Core's figures: burst 1,000, then 0.1 address per second", () => {
    expect([DEFAULT_ADDR_BURST, DEFAULT_ADDR_RATE_PER_SECOND]).to.deep.equal([1_000, 0.1]);
    expect(new AddrRateLimiter().config).to.deep.equal({ capacity: 1_000, ratePerSecond: 0.1 });
  });

  it('keeps one bucket per peer and counts accepted and dropped addresses', () => {
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

  it('forgets a bucket on demand', () => {
    const limiter = new AddrRateLimiter();
    limiter.admit('a', 1_000, 0);
    expect(limiter.forget('a')).to.equal(true);
    expect(limiter.forget('a')).to.equal(false);
    expect(limiter.admit('a', 1_000, 0)).to.equal(1_000);
  });

  it('throws a typed error naming a bad option', () => {
    for (const maxBurst of [-1, NaN, Infinity]) {
      expect(() => new AddrRateLimiter({ maxBurst })).to.throw(InvalidDiscoveryOptionError).with.property('option', 'maxBurst');
    }
    for (const ratePerSecond of [0, -0.1, NaN, Infinity]) {
      expect(() => new AddrRateLimiter({ ratePerSecond })).to.throw(InvalidDiscoveryOptionError).with.property('option', 'ratePerSecond');
    }
  });

  it('with maxBurst 0 drops everything and keeps no bucket past the instant', () => {
    const limiter = new AddrRateLimiter({ maxBurst: 0 });
    expect(limiter.admit('a', 5, 0)).to.equal(0);
    expect(limiter.release('a', 0)).to.equal(true);
  });
});
