import { expect } from 'chai';
import { isBad } from '../../lib/addr/isBad.js';
import { DAY, MINUTE } from './helpers.js';

describe('isBad', () => {
  const now = 1_700_000_000_000;
  const fresh = { timestamp: now - 60 * MINUTE, attempts: 0, lastAttempt: undefined, lastSuccess: undefined };

  it('accepts a recently seen, never tried address', () => {
    expect(isBad(fresh, now)).to.equal(false);
  });

  it('flags a timestamp more than 10 minutes in the future', () => {
    expect(isBad({ ...fresh, timestamp: now + 10 * MINUTE + 1 }, now)).to.equal(true);
    expect(isBad({ ...fresh, timestamp: now + 10 * MINUTE }, now)).to.equal(false);
  });

  it('flags an address not seen for more than 30 days', () => {
    expect(isBad({ ...fresh, timestamp: now - 30 * DAY - 1 }, now)).to.equal(true);
    expect(isBad({ ...fresh, timestamp: now - 30 * DAY }, now)).to.equal(false);
  });

  it('flags 3 attempts without any success, not 2', () => {
    const tried = { ...fresh, lastAttempt: now - 5 * MINUTE };
    expect(isBad({ ...tried, attempts: 3 }, now)).to.equal(true);
    expect(isBad({ ...tried, attempts: 2 }, now)).to.equal(false);
  });

  it('flags 10 failures since a success more than a week old', () => {
    const failing = { ...fresh, lastAttempt: now - 5 * MINUTE, attempts: 10 };
    expect(isBad({ ...failing, lastSuccess: now - 7 * DAY - 1 }, now)).to.equal(true);
    expect(isBad({ ...failing, lastSuccess: now - 6 * DAY }, now)).to.equal(false);
    expect(isBad({ ...failing, attempts: 9, lastSuccess: now - 8 * DAY }, now)).to.equal(false);
  });

  it('never flags an address attempted within the last minute', () => {
    const terrible = { timestamp: now + DAY, attempts: 20, lastAttempt: now - MINUTE, lastSuccess: undefined };
    expect(isBad(terrible, now)).to.equal(false);
    expect(isBad({ ...terrible, lastAttempt: now - MINUTE - 1 }, now)).to.equal(true);
  });
});
