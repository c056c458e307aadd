import { expect } from 'chai';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { DEFAULTS } from '../../lib/manager/config.js';
import { DialRequiredError } from '../../lib/model/errors.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

describe('ConnManager config (parity 1)', () => {
  it('throws DialRequiredError without dial', () => {
    expect(() => new ConnManager({} as never)).to.throw(DialRequiredError);
  });

  it("applies btcd's defaults: 8 outbound, 5 s retry, 5 min cap, 25 failures", () => {
    const cm = new ConnManager({ dial: () => [] });
    const c = cm.state.config;
    expect([c.targetOutbound, c.retryDuration, c.maxFailedAttempts]).to.deep.equal([8, 5_000, 25]);
    expect(DEFAULTS.maxRetryDuration).to.equal(300_000);
    // The default backoff is btcd's linear one: min(n × 5 s, 5 min).
    let b = c.backoff.first();
    const durations = [b.duration];
    for (let i = 0; i < 61; i++) durations.push((b = b.next()).duration);
    expect(durations.slice(0, 3)).to.deep.equal([5_000, 10_000, 15_000]);
    expect(durations.at(-1)).to.equal(300_000);
  });

  for (const field of [
    'targetOutbound',
    'retryDuration',
    'maxRetryDuration',
    'maxFailedAttempts',
    'maxInbound',
    'dialTimeout',
    'minUptime',
  ]) {
    for (const bad of [-1, NaN, 1.5]) {
      it(`rejects ${field} = ${bad} with a RangeError naming the field`, () => {
        expect(() => new ConnManager({ dial: () => [], [field]: bad })).to.throw(RangeError, field);
      });
    }
  }

  it('accepts Infinity where it means "no limit", and only there', () => {
    expect(
      () => new ConnManager({ dial: () => [], maxInbound: Infinity, maxFailedAttempts: Infinity, dialTimeout: Infinity }),
    ).not.to.throw();
    expect(() => new ConnManager({ dial: () => [], targetOutbound: Infinity })).to.throw(RangeError, 'targetOutbound');
  });

  it('takes targetOutbound 0 literally: no automatic requests (btcd would make 8)', () => {
    const dials = runManagerTest((t) => {
      const cm = t.manager({ targetOutbound: 0, getNewAddress: () => 'a' });
      t.at(0, () => cm.start());
      t.at(100, () => cm.stop());
      return () => t.net.dials;
    });
    expect(dials).to.have.length(0);
  });
});
