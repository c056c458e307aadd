import { expect } from 'chai';
import { TIMERS_PER_PEER, timerGrowth, timerTimeline, type TimerSample } from '../../benchmarks/soak/timerGrowth.js';

/** A sample every 250 ms from `from` to `to` (exclusive), with `tm` and `peers` as functions of time. */
function samples(from: number, to: number, tm: (t: number) => number, peers: (t: number) => number = () => 0): TimerSample[] {
  const out: TimerSample[] = [];
  for (let t = from; t < to; t += 250) out.push({ t, tm: tm(t), peers: peers(t) });
  return out;
}

describe('soak timerGrowth', () => {
  it('reports no growth for flat timers, and the leak of one timer per visitor as growth', () => {
    const flat = timerGrowth(
      samples(0, 60_000, () => 20),
      10_000,
      60_000,
      10_000,
    );
    expect([flat.first, flat.last, flat.max, flat.growth]).to.deep.equal([20, 20, 20, 0]);
    // One timer kept per visit, a visit a second: +40 between the parts' middles (15 s and 55 s).
    const leak = timerGrowth(
      samples(0, 60_000, (t) => 20 + Math.floor(t / 1_000)),
      10_000,
      60_000,
      10_000,
    );
    expect(leak.growth).to.be.closeTo(40, 0.5);
    expect([leak.firstSamples, leak.lastSamples, leak.max]).to.deep.equal([40, 40, 79]);
  });

  it('takes the live peers’ own timers out, so gaining peers is not growth', () => {
    const peersUp = (t: number): number => 8 + Math.floor(t / 10_000); // 9 peers at the start, 13 at the end
    const g = timerGrowth(
      samples(0, 60_000, (t) => 5 + TIMERS_PER_PEER * peersUp(t), peersUp),
      10_000,
      60_000,
      10_000,
    );
    expect(g.last - g.first).to.equal(8);
    expect(g.growth).to.equal(0);
  });

  it('uses at most a third of a short window per part, and NaN when there is nothing to compare', () => {
    const g = timerGrowth(
      samples(0, 20_000, (t) => (t < 10_000 ? 1 : 2)),
      5_000,
      20_000,
      10_000,
    ); // parts of 5 s
    expect([g.firstSamples, g.lastSamples, g.first, g.last]).to.deep.equal([20, 20, 1, 2]);
    expect(Number.isNaN(timerGrowth([], 0, 60_000, 10_000).growth)).to.equal(true);
  });

  it('averages each node per bucket, then gives the mean and max over nodes', () => {
    const a = samples(0, 20_000, (t) => (t < 10_000 ? 10 : 12));
    const b = samples(10_000, 20_000, () => 30); // started late: only in the second bucket
    expect(timerTimeline([a, b], 0, 20_000, 10_000)).to.deep.equal([
      { atSec: 0, mean: 10, max: 10 },
      { atSec: 10, mean: 21, max: 30 },
    ]);
  });
});
