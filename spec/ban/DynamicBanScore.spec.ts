import { expect } from 'chai';
import fc from 'fast-check';
import { DynamicBanScore } from '../../lib/ban/DynamicBanScore.js';

// btcd's tests use math.MaxUint32 as the "max transient": (2³² − 1) · 2^(−1800/60) = 3.99999999907…,
// which truncates to 3 — the figure btcd's TestDynamicBanScoreLifetime expects at exactly 1,800 s.
const MAX_UINT32 = 4_294_967_295;
const BASE = 1_700_000_000_000; // a whole second, in ms

function clock(start = BASE) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('ban/DynamicBanScore', () => {
  it('starts at 0', () => {
    expect(new DynamicBanScore({ now: clock().now }).score()).to.equal(0);
  });

  describe("btcd's figures", () => {
    it('increase(100, 50) → 150; one minute later 125; seven minutes later 100', () => {
      const c = clock();
      const s = new DynamicBanScore({ now: c.now });
      expect(s.increase(100, 50)).to.equal(150);
      expect(s.score()).to.equal(150);
      c.t = BASE + 60_000;
      expect(s.score()).to.equal(125);
      c.t = BASE + 7 * 60_000;
      expect(s.score()).to.equal(100);
    });

    it('a max transient reads 3 after exactly 1,800 s and 0 after 1,801 s', () => {
      const c = clock();
      const s = new DynamicBanScore({ now: c.now });
      expect(s.increase(0, MAX_UINT32)).to.equal(MAX_UINT32);
      c.t = BASE + 1_800_000;
      expect(s.score()).to.equal(3);
      c.t = BASE + 1_801_000;
      expect(s.score()).to.equal(0);
    });
  });

  describe("btcd's increase(p, 0) bug is fixed", () => {
    it('returns the decayed score, not the stale transient (80 an hour ago + 30 → 30, not 110)', () => {
      const c = clock();
      const s = new DynamicBanScore({ now: c.now });
      expect(s.increase(0, 80)).to.equal(80);
      c.t = BASE + 3_600_000;
      expect(s.increase(30, 0)).to.equal(30);
      expect(s.score()).to.equal(30);
    });

    it('returns the partly decayed score a minute later (80 → 40, + 30 persistent = 70)', () => {
      const c = clock();
      const s = new DynamicBanScore({ now: c.now });
      s.increase(0, 80);
      c.t = BASE + 60_000;
      expect(s.increase(30, 0)).to.equal(70);
    });
  });

  it('decays the old transient before adding a new one', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(0, 80);
    c.t = BASE + 120_000; // 80 → 20
    expect(s.increase(0, 10)).to.equal(30);
    c.t = BASE + 180_000; // 30 → 15
    expect(s.score()).to.equal(15);
  });

  it('measures the 1,800 s lifetime from the last transient increase, not from persistent-only ones', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(0, MAX_UINT32);
    c.t = BASE + 1_000_000;
    s.increase(5, 0);
    c.t = BASE + 1_801_000;
    expect(s.score()).to.equal(5);
  });

  it('a new transient increase restarts the lifetime', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(0, 64);
    c.t = BASE + 1_700_000;
    s.increase(0, 64);
    c.t = BASE + 1_700_000 + 120_000; // 3,520 s after the first, 120 s after the second
    expect(s.score()).to.equal(16);
  });

  describe('whole seconds', () => {
    it('truncates both clock readings to whole seconds before subtracting', () => {
      const c = clock(BASE + 900);
      const s = new DynamicBanScore({ now: c.now });
      s.increase(0, 100);
      c.t = BASE + 999;
      expect(s.score(), 'same second').to.equal(100);
      c.t = BASE + 1_100; // only 200 ms later, but in the next second: 100·2^(−1/60) = 98.8
      expect(s.score()).to.equal(98);
    });

    it('still decays when updates come more often than once a second', () => {
      const c = clock();
      const s = new DynamicBanScore({ now: c.now });
      s.increase(0, 100);
      for (let i = 0; i < 100; i++) {
        c.t += 900;
        s.increase(0, 1e-9);
      }
      // 90 s in total: 100 · 2^(−1.5) = 35.36
      expect(s.score()).to.equal(35);
    });
  });

  it('treats a clock stepping backwards as no time passed', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(7, 100);
    c.t = BASE - 3_600_000;
    expect(s.score()).to.equal(107);
    expect(s.increase(0, 1)).to.equal(108);
  });

  it('reset() clears both parts', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(100, 100);
    s.reset();
    expect(s.score()).to.equal(0);
    expect(s.increase(1, 0)).to.equal(1);
  });

  it('accepts fractions and truncates the total', () => {
    const s = new DynamicBanScore({ now: clock().now });
    s.increase(0.5, 0);
    expect(s.score()).to.equal(0);
    expect(s.increase(0.5, 2.7)).to.equal(3);
  });

  it('uses Date.now by default', () => {
    const s = new DynamicBanScore();
    expect(s.increase(3, 4)).to.equal(7);
  });

  describe('bad increases', () => {
    for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      it(`rejects ${String(bad)} for either argument with a RangeError naming it, leaving the score unchanged`, () => {
        const s = new DynamicBanScore({ now: clock().now });
        s.increase(10, 10);
        expect(() => s.increase(bad, 0)).to.throw(RangeError, /`persistent`/);
        expect(() => s.increase(0, bad)).to.throw(RangeError, /`transient`/);
        expect(() => s.increase(1, bad)).to.throw(RangeError, String(bad));
        expect(s.score()).to.equal(20);
      });
    }
  });

  it('toString() shows the parts and the current score', () => {
    const c = clock();
    const s = new DynamicBanScore({ now: c.now });
    s.increase(100, 50);
    c.t = BASE + 60_000;
    const text = s.toString();
    expect(text).to.contain('persistent 100');
    expect(text).to.contain('transient 50');
    expect(text).to.contain(String(BASE / 1000));
    expect(text).to.match(/= 125\b/);
  });

  it('property: without increases the score never rises, never drops below persistent, and matches a fresh computation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 400_000 }), { maxLength: 10 }),
        (persistent, transient, steps) => {
          const c = clock();
          const s = new DynamicBanScore({ now: c.now });
          let previous = s.increase(persistent, transient);
          expect(previous).to.equal(persistent + transient);
          for (const step of steps) {
            c.t += step;
            const now = s.score();
            const dt = Math.floor(c.t / 1000) - BASE / 1000;
            const expected = persistent + (dt > 1800 ? 0 : Math.trunc(transient * Math.exp((-dt * Math.LN2) / 60)));
            expect(now).to.equal(expected);
            expect(now).to.be.at.most(previous).and.at.least(persistent);
            previous = now;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
