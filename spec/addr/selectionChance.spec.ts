import { expect } from 'chai';
import { selectionChance } from '../../lib/addr/selectionChance.js';
import { MINUTE } from './helpers.js';

describe('selectionChance', () => {
  const now = 1_700_000_000_000;

  it('is 1 for an entry never attempted', () => {
    expect(selectionChance({ attempts: 0, lastAttempt: undefined }, now)).to.equal(1);
  });

  it('falls by 0.66 per failed attempt, counting at most 8', () => {
    const old = now - 60 * MINUTE;
    expect(selectionChance({ attempts: 2, lastAttempt: old }, now)).to.be.closeTo(0.66 ** 2, 1e-12);
    expect(selectionChance({ attempts: 8, lastAttempt: old }, now)).to.be.closeTo(0.66 ** 8, 1e-12);
    expect(selectionChance({ attempts: 30, lastAttempt: old }, now)).to.equal(selectionChance({ attempts: 8, lastAttempt: old }, now));
  });

  it('is 100 times smaller within 10 minutes of an attempt (or for a future attempt time)', () => {
    expect(selectionChance({ attempts: 0, lastAttempt: now - 9 * MINUTE }, now)).to.be.closeTo(0.01, 1e-12);
    expect(selectionChance({ attempts: 0, lastAttempt: now + MINUTE }, now)).to.be.closeTo(0.01, 1e-12);
    expect(selectionChance({ attempts: 0, lastAttempt: now - 10 * MINUTE }, now)).to.equal(1);
  });
});
