import { expect } from 'chai';
import fc from 'fast-check';
import {
  addrRelayLimiter,
  type AddrRelayLimiter,
  DEFAULT_ADDR_BURST,
  DEFAULT_ADDR_RATE_PER_SECOND,
} from '../../lib/policy/addrRelayLimiter.js';
import type { PeerKey } from '../../lib/policy/addrRelayLimiter.js';
import { PolicyArgumentError } from '../../lib/policy/errors.js';

/** Threads the limiter through `take` calls; returns [accepted, dropped] per call. */
function run(limiter: AddrRelayLimiter, steps: ReadonlyArray<[peer: PeerKey, count: number, now: number]>) {
  const out: Array<[number, number]> = [];
  for (const [peer, count, now] of steps) {
    const r = limiter.take(peer, count, now);
    out.push([r.accepted, r.dropped]);
    limiter = r.next;
  }
  return { out, limiter };
}

const SECOND = 1000;

describe('addrRelayLimiter', () => {
  it("defaults to Core's numbers: a burst of 1,000 addresses from a new peer, the rest dropped, then 0.1 address a second", () => {
    expect([DEFAULT_ADDR_BURST, DEFAULT_ADDR_RATE_PER_SECOND]).to.deep.equal([1_000, 0.1]);
    const { out } = run(addrRelayLimiter(), [
      [1, 1200, 0],
      [1, 1, 0],
      [1, 1, 9_999], // 0.9999 of a token
      [1, 1, 10 * SECOND], // one token
    ]);
    expect(out).to.deep.equal([
      [1000, 200],
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
  });

  it('keeps peers independent', () => {
    expect(
      run(addrRelayLimiter(), [
        [1, 1000, 0],
        [2, 1000, 0],
        [1, 1, 0],
        ['x', 3, 0],
      ]).out,
    ).to.deep.equal([
      [1000, 0],
      [1000, 0],
      [0, 1],
      [3, 0],
    ]);
  });

  it('reports the whole addresses available', () => {
    const { limiter } = run(addrRelayLimiter(), [[1, 1000, 0]]);
    expect(limiter.available(1, 25 * SECOND)).to.equal(2);
    expect(limiter.available(2, 0)).to.equal(1000);
  });

  it('takes burst and perSecond options', () => {
    expect(
      run(addrRelayLimiter({ burst: 10, perSecond: 1 }), [
        [1, 20, 0],
        [1, 20, 3 * SECOND],
      ]).out,
    ).to.deep.equal([
      [10, 10],
      [3, 17],
    ]);
  });

  it('with burst 0 drops every address and tracks no peer', () => {
    const { out, limiter } = run(addrRelayLimiter({ burst: 0 }), [
      [1, 5, 0],
      [1, 5, 1e9],
    ]);
    expect(out).to.deep.equal([
      [0, 5],
      [0, 5],
    ]);
    expect([limiter.size, limiter.fullAt(1)]).to.deep.equal([0, undefined]);
  });

  it('accepts a zero-address message without change', () => {
    const l = addrRelayLimiter();
    const r = l.take(1, 0, 0);
    expect([r.accepted, r.dropped]).to.deep.equal([0, 0]);
  });

  it('forgets a peer (a forgotten peer starts from a full bucket); forgetting an unknown peer is a no-op', () => {
    const { limiter } = run(addrRelayLimiter(), [[1, 1000, 0]]);
    expect(limiter.size).to.equal(1);
    const forgotten = limiter.forget(1);
    expect(forgotten.size).to.equal(0);
    expect(forgotten.take(1, 1000, 0).accepted).to.equal(1000);
    expect(forgotten.forget(99)).to.equal(forgotten);
  });

  it("tells when a peer's bucket is full again, and nothing for a peer it does not track", () => {
    const { limiter } = run(addrRelayLimiter(), [
      [1, 10, 0],
      [1, 5, 20 * SECOND],
    ]);
    expect(limiter.fullAt(1)).to.equal(150 * SECOND); // 13 short at 20 s (15 taken, 2 regained), one back per 10 s
    expect(limiter.fullAt(2)).to.equal(undefined);
    expect(limiter.forget(1).fullAt(1)).to.equal(undefined);
  });

  it('drops a peer unheard of for two refill windows (2 × 10,000 s)', () => {
    const window = 1000 * 10 * SECOND;
    let l = run(addrRelayLimiter(), [[1, 5, 0]]).limiter;
    l = l.take(2, 5, window).next;
    expect(l.size).to.equal(2);
    l = l.take(3, 5, 2 * window).next;
    expect(l.size).to.equal(2); // peer 1 gone
    expect(l.available(1, 2 * window)).to.equal(1000);
  });

  it('is immutable: an old limiter answers as before', () => {
    const l0 = addrRelayLimiter();
    const l1 = l0.take(1, 1000, 0).next;
    expect(l1.take(1, 1, 0).accepted).to.equal(0);
    expect(l0.take(1, 1, 0).accepted).to.equal(1);
  });

  it("agrees with Core's bucket (one token per address, refill capped at 1,000) over random traffic", () => {
    // Core's algorithm in exact arithmetic: credit in ms of refill, 10,000 ms per address.
    const step = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 3_000_000 }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60, size: 'max' }), (steps) => {
        let limiter = addrRelayLimiter();
        const model = new Map<number, { credit: number; at: number }>();
        let now = 0;
        for (const [peer, count, dt] of steps) {
          now += dt;
          const r = limiter.take(peer, count, now);
          limiter = r.next;
          const m = model.get(peer) ?? { credit: 1000 * 10_000, at: now };
          let credit = Math.min(1000 * 10_000, m.credit + (now - m.at));
          let accepted = 0;
          for (let i = 0; i < count; i++) {
            if (credit >= 10_000) {
              credit -= 10_000;
              accepted += 1;
            }
          }
          model.set(peer, { credit, at: now });
          expect([r.accepted, r.dropped]).to.deep.equal([accepted, count - accepted]);
        }
      }),
      { seed: 99, numRuns: 300 },
    );
  });

  describe('bad arguments', () => {
    const table: ReadonlyArray<[argument: string, make: () => unknown, value: unknown]> = [
      ['options.perSecond', () => addrRelayLimiter({ perSecond: -0.1 }), -0.1],
      ['options.burst', () => addrRelayLimiter({ burst: -1 }), -1],
      ['options.burst', () => addrRelayLimiter({ burst: 2.5 }), 2.5],
      ['count', () => addrRelayLimiter().take(1, -1, 0), -1],
      ['count', () => addrRelayLimiter().take(1, 2.5, 0), 2.5],
      ['now', () => addrRelayLimiter().take(1, 1, NaN), NaN],
      ['now', () => addrRelayLimiter().available(1, Infinity), Infinity],
    ];
    for (const [argument, make, value] of table) {
      it(`throws PolicyArgumentError naming ${argument} = ${String(value)}`, () => {
        expect(make).to.throw(PolicyArgumentError).that.deep.includes({ argument, value });
      });
    }
  });
});
