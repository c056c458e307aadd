import { expect } from 'chai';
import { firstValueFrom, interval, take, timer, toArray } from 'rxjs';
import { immediateScheduler } from '../../lib/schedulers/immediateScheduler.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('immediateScheduler', () => {
  it('runs a 0 delay on a later turn of the event loop (never synchronously), in order', async () => {
    const ran: string[] = [];
    immediateScheduler.schedule(() => ran.push('a'));
    immediateScheduler.schedule(() => ran.push('b'));
    ran.push('sync');
    await turn();
    await turn();
    expect(ran).to.deep.equal(['sync', 'a', 'b']);
  });

  it('lets I/O callbacks and other immediates run between 0-delay actions that reschedule themselves', async () => {
    const ran: string[] = [];
    immediateScheduler.schedule(
      function (n = 0) {
        ran.push(`tick${n}`);
        if (n < 2) this.schedule(n + 1, 0);
      },
      0,
      0,
    );
    setImmediate(() => ran.push('other'));
    for (let i = 0; i < 4; i++) await turn();
    expect(ran.indexOf('other')).to.be.lessThan(ran.indexOf('tick2'));
    expect(ran.filter((r) => r.startsWith('tick'))).to.deep.equal(['tick0', 'tick1', 'tick2']);
  });

  it('drives periodic and delayed RxJS timers', async () => {
    expect(await firstValueFrom(interval(1, immediateScheduler).pipe(take(3), toArray()))).to.deep.equal([0, 1, 2]);
    expect(await firstValueFrom(timer(2, immediateScheduler))).to.equal(0);
  });

  it('never runs an action unsubscribed before its turn, and leaves no timer behind', async () => {
    await turn();
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    let ran = false;
    immediateScheduler.schedule(() => (ran = true)).unsubscribe();
    immediateScheduler.schedule(() => (ran = true), 50).unsubscribe();
    await turn();
    expect(ran).to.equal(false);
    expect(timeouts()).to.be.at.most(before);
  });

  it('tells the time like Date.now()', () => {
    expect(Math.abs(immediateScheduler.now() - Date.now())).to.be.below(1_000);
  });
});
