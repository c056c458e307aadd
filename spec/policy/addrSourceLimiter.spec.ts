import { expect } from 'chai';
import fc from 'fast-check';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { netGroupWith } from '../../lib/net/netGroup.js';
import {
  AddrSourceLimiter,
  DEFAULT_INITIAL_ADDR_TOKENS,
  DEFAULT_MAX_ADDR_SOURCE_GROUPS,
  addrSourceLimiter,
} from '../../lib/policy/addrSourceLimiter.js';
import { PolicyArgumentError } from '../../lib/policy/errors.js';

const SECOND = 1000;

describe('addrSourceLimiter', () => {
  it("starts a group at Core's single token, then trickles at 0.1 address a second", () => {
    expect([DEFAULT_INITIAL_ADDR_TOKENS, DEFAULT_MAX_ADDR_SOURCE_GROUPS]).to.deep.equal([1, 4096]);
    const a = addrSourceLimiter().take('g', 1000, 0);
    expect([a.accepted, a.dropped]).to.deep.equal([1, 999]);
    expect(a.next.take('g', 1000, 9_999).accepted).to.equal(0);
    expect(a.next.take('g', 1000, 30 * SECOND).accepted).to.equal(3);
  });

  it('does not refill when one IP reconnects from fresh ports: ten 1,000-address bursts share one allowance', () => {
    const group = netGroupWith({ loopback: 'slash16' });
    let limiter = addrSourceLimiter();
    let accepted = 0;
    for (let connection = 0; connection < 10; connection += 1) {
      const r = limiter.take(group(SocketAddress.from('127.0.0.1', 50_000 + connection)), 1000, connection * SECOND);
      accepted += r.accepted;
      limiter = r.next;
    }
    // One initial token, plus 0.9 token earned over the 9 s of the flood.
    expect(accepted).to.equal(1);
    expect(limiter.size).to.equal(1);
  });

  it('takes a solicited answer whole: getaddr sent to the group adds a burst, capped at the burst', () => {
    const solicited = addrSourceLimiter().solicit('g', 0);
    expect(solicited.available('g', 0)).to.equal(1000);
    const answer = solicited.take('g', 1000, 1 * SECOND);
    expect(answer.accepted).to.equal(1000);
    expect(answer.next.take('g', 1000, 2 * SECOND).accepted).to.equal(0);
    expect(solicited.solicit('g', 0).available('g', 0)).to.equal(1000);
  });

  it('keeps groups independent', () => {
    const l = addrSourceLimiter().solicit('a', 0);
    expect([l.available('a', 0), l.available('b', 0)]).to.deep.equal([1000, 1]);
  });

  it('never grants more than the initial tokens, the solicitations and the refill allow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ solicit: fc.boolean(), count: fc.nat(2000), dt: fc.nat(60 * SECOND) }), { maxLength: 40 }),
        (steps) => {
          let limiter = addrSourceLimiter();
          let now = 0;
          let accepted = 0;
          let solicits = 0;
          for (const step of steps) {
            now += step.dt;
            if (step.solicit) {
              limiter = limiter.solicit('g', now);
              solicits += 1;
            }
            const r = limiter.take('g', step.count, now);
            expect(r.accepted + r.dropped).to.equal(step.count);
            accepted += r.accepted;
            limiter = r.next;
          }
          expect(accepted).to.be.at.most(1 + solicits * 1000 + Math.floor((now / SECOND) * 0.1));
        },
      ),
    );
  });

  it('tracks at most maxGroups groups, and a forgotten group comes back at the initial tokens only', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 300 }), fc.integer({ min: 2, max: 20 }), (groups, maxGroups) => {
        let limiter = addrSourceLimiter({ maxGroups });
        groups.forEach((g, i) => {
          limiter = limiter.solicit(`g${g}`, i);
          expect(limiter.size).to.be.at.most(maxGroups);
        });
      }),
    );
    let limiter = addrSourceLimiter({ maxGroups: 4 }).take('victim', 1, 0).next;
    expect(limiter.available('victim', 0)).to.equal(0);
    for (let i = 0; i < 6; i += 1) limiter = limiter.solicit(`other${i}`, 0);
    expect(limiter.available('victim', 0)).to.equal(1);
  });

  it('forgets a group idle for two fill times, back to the initial tokens', () => {
    const limiter = addrSourceLimiter().solicit('g', 0);
    const window = 10_000 * SECOND;
    const afterOne = limiter.solicit('h', window);
    expect(afterOne.available('g', window)).to.equal(1000);
    const later = afterOne.solicit('i', 2 * window);
    expect(later.available('g', 2 * window)).to.equal(1);
    expect(later.size).to.equal(2);
  });

  it('rejects bad options and arguments with a PolicyArgumentError naming them', () => {
    expect(() => addrSourceLimiter({ perSecond: 0 })).to.throw(PolicyArgumentError, 'options.perSecond');
    expect(() => addrSourceLimiter({ burst: -1 })).to.throw(PolicyArgumentError, 'options.burst');
    expect(() => addrSourceLimiter({ burst: 5, initialTokens: 6 })).to.throw(PolicyArgumentError, 'options.initialTokens');
    expect(() => addrSourceLimiter({ maxGroups: 1 })).to.throw(PolicyArgumentError, 'options.maxGroups');
    expect(() => addrSourceLimiter().take('g', 1.5, 0)).to.throw(PolicyArgumentError, 'count');
    expect(() => addrSourceLimiter().take('g', 1, Number.NaN)).to.throw(PolicyArgumentError, 'now');
    expect(() => addrSourceLimiter().solicit('g', Infinity)).to.throw(PolicyArgumentError, 'now');
    expect(AddrSourceLimiter.create({ burst: 0 }).take('g', 3, 0).accepted).to.equal(0);
  });
});
