import { expect } from 'chai';
import { VirtualTimeScheduler, queueScheduler } from 'rxjs';
import { schedulePending } from '../../lib/schedulers/schedulePending.js';

describe('schedulePending', () => {
  it('returns the pending action when the work runs later, and the action can cancel it', () => {
    const vts = new VirtualTimeScheduler();
    const runs: number[] = [];
    const kept = schedulePending(vts, () => runs.push(vts.now()), 10);
    const canceled = schedulePending(vts, () => runs.push(-1), 20);
    expect(kept).to.not.equal(undefined);
    expect(kept!.closed).to.equal(false);
    canceled!.unsubscribe();
    vts.flush();
    expect(runs).to.deep.equal([10]);
  });

  it('returns undefined when the scheduler ran the work inside schedule() (queueScheduler at 0 ms)', () => {
    const runs: string[] = [];
    const action = schedulePending(queueScheduler, () => runs.push('ran'), 0);
    expect(runs).to.deep.equal(['ran']);
    expect(action).to.equal(undefined);
  });
});
