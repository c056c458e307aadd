import { expect } from 'chai';
import fc from 'fast-check';
import { IMPLAUSIBLE_TIMESTAMP_AGE_MS, MIN_PLAUSIBLE_TIMESTAMP_MS, clampTimestamp } from '../../lib/addr/clampTimestamp.js';
import { MAX_FUTURE_MS } from '../../lib/addr/isBad.js';
import { DAY, MINUTE } from './helpers.js';

const NOW = 1_700_000_000_000;

describe('clampTimestamp', () => {
  it('keeps a plausible timestamp, up to 10 minutes ahead', () => {
    expect(clampTimestamp(NOW - 3 * DAY, NOW)).to.equal(NOW - 3 * DAY);
    expect(clampTimestamp(NOW + MAX_FUTURE_MS, NOW)).to.equal(NOW + MAX_FUTURE_MS);
  });

  it('turns one further ahead, one before 1973 or a non-number into now − 5 days', () => {
    const clamped = NOW - IMPLAUSIBLE_TIMESTAMP_AGE_MS;
    expect(clampTimestamp(NOW + MAX_FUTURE_MS + 1, NOW)).to.equal(clamped);
    expect(clampTimestamp(NOW + 365 * DAY, NOW)).to.equal(clamped);
    expect(clampTimestamp(MIN_PLAUSIBLE_TIMESTAMP_MS, NOW)).to.equal(clamped);
    expect(clampTimestamp(0, NOW)).to.equal(clamped);
    expect(clampTimestamp(Number.NaN, NOW)).to.equal(clamped);
    expect(IMPLAUSIBLE_TIMESTAMP_AGE_MS).to.equal(5 * DAY);
  });

  it('never returns a time more than 10 minutes ahead', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), fc.integer({ min: 200_000_000_000, max: 4_000_000_000_000 }), (t, now) => {
        const out = clampTimestamp(t, now);
        expect(out <= now + 10 * MINUTE && Number.isFinite(out)).to.equal(true);
      }),
    );
  });
});
