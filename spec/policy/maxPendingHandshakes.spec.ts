import { expect } from 'chai';
import { PolicyArgumentError } from '../../lib/policy/errors.js';
import { DEFAULT_MAX_PENDING_HANDSHAKES, maxPendingHandshakes } from '../../lib/policy/maxPendingHandshakes.js';

describe('maxPendingHandshakes', () => {
  it('defaults to a limit of 64', () => {
    expect(DEFAULT_MAX_PENDING_HANDSHAKES).to.equal(64);
  });

  // [pending, limit, refuse]
  const table: ReadonlyArray<[number, number | undefined, boolean]> = [
    [0, undefined, false],
    [63, undefined, false],
    [64, undefined, true],
    [65, undefined, true],
    [2, 3, false],
    [3, 3, true],
    [0, 0, true], // limit 0 refuses everything
  ];
  for (const [pending, limit, refuse] of table) {
    it(`with ${pending} pending and limit ${limit ?? 'default'}: ${refuse ? 'refuse' : 'admit'}`, () => {
      expect(maxPendingHandshakes(pending, limit)).to.equal(refuse);
    });
  }

  const bad: ReadonlyArray<[string, number, number]> = [
    ['pending', -1, 3],
    ['pending', 1.5, 3],
    ['pending', NaN, 3],
    ['limit', 1, -1],
    ['limit', 1, Infinity],
  ];
  for (const [argument, pending, limit] of bad) {
    it(`throws PolicyArgumentError naming ${argument} for (${pending}, ${limit})`, () => {
      expect(() => maxPendingHandshakes(pending, limit))
        .to.throw(PolicyArgumentError)
        .that.deep.includes({ argument, value: argument === 'pending' ? pending : limit });
    });
  }
});
