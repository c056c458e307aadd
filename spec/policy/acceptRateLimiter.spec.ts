import { expect } from 'chai';
import fc from 'fast-check';
import { acceptRateLimiter, type AcceptRateLimiter, DEFAULT_MAX_TRACKED_IPS } from '../../lib/policy/acceptRateLimiter.js';
import type { AcceptDecision } from '../../lib/policy/acceptRateLimiter.js';
import { PolicyArgumentError } from '../../lib/policy/errors.js';

/** Runs checks in order, threading the limiter; returns each verdict as 'ok', 'rate' or 'tableFull'. */
function run(
  limiter: AcceptRateLimiter,
  steps: ReadonlyArray<[ip: string, now: number]>,
): { verdicts: string[]; limiter: AcceptRateLimiter } {
  const verdicts: string[] = [];
  for (const [ip, now] of steps) {
    const d: AcceptDecision = limiter.check(ip, now);
    verdicts.push(d.allowed ? 'ok' : d.reason);
    limiter = d.next;
  }
  return { verdicts, limiter };
}

const A = '198.51.100.1';
const B = '198.51.100.2';

describe('acceptRateLimiter', () => {
  it('lets an IP open 5 connections at once by default, then refuses', () => {
    const { verdicts } = run(acceptRateLimiter(), [
      [A, 0],
      [A, 0],
      [A, 0],
      [A, 0],
      [A, 0],
      [A, 0],
    ]);
    expect(verdicts).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok', 'rate']);
  });

  it('then refills at exactly 5 a second: one token every 200 ms', () => {
    const burst = run(
      acceptRateLimiter(),
      Array.from({ length: 5 }, () => [A, 0] as [string, number]),
    ).limiter;
    const { verdicts } = run(burst, [
      [A, 199], // 0.995 of a token
      [A, 200], // one token
      [A, 200],
      [A, 399],
      [A, 400],
      [A, 1400], // five tokens again
      [A, 1400],
      [A, 1400],
      [A, 1400],
      [A, 1400],
      [A, 1400],
    ]);
    expect(verdicts).to.deep.equal(['rate', 'ok', 'rate', 'rate', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'rate']);
  });

  it('does not let refused attempts delay the refill', () => {
    const steps: Array<[string, number]> = [
      [A, 0],
      [A, 0],
      [A, 0],
      [A, 0],
      [A, 0],
    ];
    for (let t = 1; t < 200; t += 7) steps.push([A, t]);
    steps.push([A, 200]);
    const { verdicts } = run(acceptRateLimiter(), steps);
    expect(verdicts.at(-1)).to.equal('ok');
    expect(verdicts.slice(5, -1).every((v) => v === 'rate')).to.equal(true);
  });

  it('keeps IPs independent', () => {
    const { verdicts } = run(acceptRateLimiter({ perSecond: 1, burst: 1 }), [
      [A, 0],
      [A, 0],
      [B, 0],
      [B, 0],
      [A, 1000],
    ]);
    expect(verdicts).to.deep.equal(['ok', 'rate', 'ok', 'rate', 'ok']);
  });

  it('takes perSecond and burst options (burst defaults to one second of the rate)', () => {
    expect(
      run(acceptRateLimiter({ perSecond: 2 }), [
        [A, 0],
        [A, 0],
        [A, 0],
        [A, 499],
        [A, 500],
      ]).verdicts,
    ).to.deep.equal(['ok', 'ok', 'rate', 'rate', 'ok']);
    expect(
      run(acceptRateLimiter({ perSecond: 0.5 }), [
        [A, 0],
        [A, 0],
        [A, 1999],
        [A, 2000],
      ]).verdicts,
    ).to.deep.equal(['ok', 'rate', 'rate', 'ok']);
    expect(
      run(acceptRateLimiter({ perSecond: 1, burst: 3 }), [
        [A, 0],
        [A, 0],
        [A, 0],
        [A, 0],
      ]).verdicts,
    ).to.deep.equal(['ok', 'ok', 'ok', 'rate']);
  });

  it('is immutable: an old limiter answers as before', () => {
    const l0 = acceptRateLimiter({ perSecond: 1, burst: 1 });
    const l1 = l0.check(A, 0).next;
    expect(l1.check(A, 0).allowed).to.equal(false);
    expect(l0.check(A, 0).allowed).to.equal(true);
    expect(Object.isFrozen(l1)).to.equal(true);
  });

  describe('the table bound', () => {
    it('tracks at most 10,000 IPs by default', () => {
      expect(DEFAULT_MAX_TRACKED_IPS).to.equal(10_000);
    });

    it('refuses a new IP at the cap (tableFull) while still serving the tracked ones, then frees up', () => {
      const { verdicts, limiter } = run(acceptRateLimiter({ maxTracked: 2 }), [
        ['1.1.1.1', 0],
        ['2.2.2.2', 0],
        ['3.3.3.3', 0], // new IP, table full
        ['1.1.1.1', 100], // tracked: checked as usual
        ['3.3.3.3', 999], // still within the first window
        ['3.3.3.3', 2000], // two windows later both old entries are gone
      ]);
      expect(verdicts).to.deep.equal(['ok', 'ok', 'tableFull', 'ok', 'tableFull', 'ok']);
      expect(limiter.size).to.equal(1);
    });

    it('forgets an IP at the latest two windows (2 s by default) after its last use', () => {
      let l = acceptRateLimiter();
      l = l.check(A, 0).next;
      l = l.check(B, 1000).next; // one window later: A moved to the old generation
      expect(l.size).to.equal(2);
      l = l.check('198.51.100.3', 2000).next; // A dropped, B now in the old generation
      expect(l.size).to.equal(2);
      l = l.check('198.51.100.4', 5000).next; // everything older is gone
      expect(l.size).to.equal(1);
    });

    it('never tracks more than maxTracked IPs, and agrees with an exact unbounded model except for tableFull', () => {
      const step = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 400 }));
      let tableFull = 0;
      fc.assert(
        fc.property(fc.array(step, { maxLength: 120, size: 'max' }), fc.integer({ min: 1, max: 6 }), (steps, maxTracked) => {
          let limiter = acceptRateLimiter({ maxTracked });
          // Model: per IP, the credit in ms of refill (200 ms = one token), capped at 5 tokens.
          const credit = new Map<number, { ms: number; at: number }>();
          let now = 0;
          for (const [ip, dt] of steps) {
            now += dt;
            const d = limiter.check(`10.0.0.${ip}`, now);
            limiter = d.next;
            expect(limiter.size).to.be.at.most(maxTracked);
            const m = credit.get(ip) ?? { ms: 1000, at: now };
            const ms = Math.min(1000, m.ms + (now - m.at));
            const allowed = ms >= 200;
            if (!d.allowed && d.reason === 'tableFull') {
              // Only at the cap; the refused IP is not recorded, in the model either.
              expect(limiter.size).to.equal(maxTracked);
              tableFull += 1;
              continue;
            }
            expect(d.allowed).to.equal(allowed);
            credit.set(ip, { ms: allowed ? ms - 200 : ms, at: now });
          }
        }),
        { seed: 777, numRuns: 500 },
      );
      expect(tableFull).to.be.greaterThan(100); // the cap was actually reached
    });

    it('with no cap, agrees with the exact model on every step', () => {
      const step = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 300 }));
      fc.assert(
        fc.property(fc.array(step, { maxLength: 150, size: 'max' }), (steps) => {
          let limiter = acceptRateLimiter({ maxTracked: Infinity });
          const credit = new Map<number, { ms: number; at: number }>();
          let now = 0;
          for (const [ip, dt] of steps) {
            now += dt;
            const d = limiter.check(`10.0.1.${ip}`, now);
            limiter = d.next;
            const m = credit.get(ip) ?? { ms: 1000, at: now };
            const ms = Math.min(1000, m.ms + (now - m.at));
            expect(d.allowed).to.equal(ms >= 200);
            credit.set(ip, { ms: ms >= 200 ? ms - 200 : ms, at: now });
          }
        }),
        { seed: 778, numRuns: 500 },
      );
    });
  });

  describe('bad arguments', () => {
    const table: ReadonlyArray<[argument: string, make: () => unknown, value: unknown]> = [
      ['options.perSecond', () => acceptRateLimiter({ perSecond: 0 }), 0],
      ['options.perSecond', () => acceptRateLimiter({ perSecond: Infinity }), Infinity],
      ['options.burst', () => acceptRateLimiter({ burst: 0 }), 0],
      ['options.burst', () => acceptRateLimiter({ burst: 1.5 }), 1.5],
      ['options.maxTracked', () => acceptRateLimiter({ maxTracked: 0 }), 0],
      ['now', () => acceptRateLimiter().check(A, NaN), NaN],
      ['now', () => acceptRateLimiter().check(A, Infinity), Infinity],
    ];
    for (const [argument, make, value] of table) {
      it(`throws PolicyArgumentError naming ${argument} = ${String(value)}`, () => {
        expect(make).to.throw(PolicyArgumentError).that.deep.includes({ argument, value });
      });
    }
  });
});
