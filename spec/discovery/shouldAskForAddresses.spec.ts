import { expect } from 'chai';
import { InvalidDiscoveryOptionError } from '../../lib/discovery/errors.js';
import { DEFAULT_GETADDR_THRESHOLD, shouldAskForAddresses } from '../../lib/discovery/shouldAskForAddresses.js';

describe('shouldAskForAddresses', () => {
  it('asks while the book holds fewer than 1,000 addresses (btcd)', () => {
    expect(DEFAULT_GETADDR_THRESHOLD).to.equal(1_000);
    expect([0, 1, 999, 1_000, 1_001, 50_000].map((n) => shouldAskForAddresses(n))).to.deep.equal([true, true, true, false, false, false]);
  });

  it('takes another threshold', () => {
    expect(shouldAskForAddresses(10, 10)).to.equal(false);
    expect(shouldAskForAddresses(9, 10)).to.equal(true);
    expect(shouldAskForAddresses(0, 0)).to.equal(false);
  });

  it('throws a typed error for a negative or NaN size or threshold', () => {
    expect(() => shouldAskForAddresses(-1)).to.throw(InvalidDiscoveryOptionError, 'bookSize');
    expect(() => shouldAskForAddresses(NaN)).to.throw(InvalidDiscoveryOptionError, 'bookSize');
    expect(() => shouldAskForAddresses(1, -5))
      .to.throw(InvalidDiscoveryOptionError)
      .with.property('value', -5);
  });
});
