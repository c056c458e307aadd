import { expect } from 'chai';
import { VirtualTimeScheduler, queueScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { TimeoutList, type Expirable } from '../../lib/schedulers/TimeoutList.js';

/** A list node named `name` whose expiry logs `name@<scheduler time>` (and runs `onExpire`, if any). */
function item(name: string, log: string[], clock: SchedulerLike, onExpire?: () => void): Expirable {
  return {
    expire: () => {
      log.push(`${name}@${clock.now()}`);
      onExpire?.();
    },
    timeoutPrev: undefined,
    timeoutNext: undefined,
    timeoutDeadline: NaN,
  };
}

/** A virtual clock, a list of timeouts `delay` long on it, and the log its items write to. */
function setup(delay: number): { vts: VirtualTimeScheduler; list: TimeoutList; log: string[] } {
  const vts = new VirtualTimeScheduler();
  return { vts, list: new TimeoutList(vts, delay), log: [] };
}

/** Runs `f` at virtual time `at` (relative to now) on `vts`. */
function at(vts: VirtualTimeScheduler, time: number, f: () => void): void {
  vts.schedule(f, time);
}

describe('TimeoutList', () => {
  it('expires an item exactly `delay` after it was added', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    at(vts, 7, () => list.add(a));
    vts.flush();
    expect(log).to.deep.equal(['a@17']);
    expect(list.size).to.equal(0);
    expect(Number.isNaN(a.timeoutDeadline)).to.equal(true); // out of the list before expire()
  });

  it('takes the time from the caller when given: the deadline is that time + delay, and only arming reads the clock', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    let reads = 0;
    const now = vts.now.bind(vts);
    vts.now = () => (reads++, now());
    at(vts, 7, () => {
      reads = 0;
      list.add(a, 5);
      expect(reads).to.equal(1); // the timer, armed from idle, is set against the clock
      list.add(b, 6);
      expect(reads).to.equal(1); // a second add reads nothing
    });
    vts.flush();
    expect(log).to.deep.equal(['a@15', 'b@16']);
  });

  it('expires items added at different times in order, each at its own deadline', () => {
    const { vts, list, log } = setup(10);
    list.add(item('a', log, vts));
    at(vts, 3, () => list.add(item('b', log, vts)));
    at(vts, 4, () => list.add(item('c', log, vts)));
    at(vts, 4, () => list.add(item('d', log, vts)));
    at(vts, 12, () => list.add(item('e', log, vts)));
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'b@13', 'c@14', 'd@14', 'e@22']);
  });

  it('one scheduled action serves every waiting item', () => {
    const { vts, list, log } = setup(10);
    list.add(item('a', log, vts));
    list.add(item('b', log, vts));
    list.add(item('c', log, vts));
    expect(vts.actions).to.have.length(1);
  });

  it('an item removed before its deadline never expires', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    list.add(a);
    list.add(b);
    at(vts, 9, () => list.remove(b));
    vts.flush();
    expect(log).to.deep.equal(['a@10']);
    expect(Number.isNaN(b.timeoutDeadline)).to.equal(true);
  });

  it('after the head is removed early, the next item expires at its own later deadline, not early and not late', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    list.add(a);
    at(vts, 4, () => list.add(item('b', log, vts)));
    at(vts, 2, () => list.remove(a));
    vts.flush();
    expect(log).to.deep.equal(['b@14']);
    expect(vts.now()).to.equal(14); // nothing left to run after b's deadline
  });

  it('removing an item from the middle or the tail keeps the others in order', () => {
    const { vts, list, log } = setup(10);
    const items = ['a', 'b', 'c', 'd', 'e'].map((n) => item(n, log, vts));
    items.forEach((it, i) => at(vts, i, () => list.add(it)));
    at(vts, 5, () => {
      list.remove(items[2]!); // middle
      list.remove(items[4]!); // tail
    });
    at(vts, 6, () => list.add(item('f', log, vts)));
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'b@11', 'd@13', 'f@16']);
  });

  it('keeps its timer when emptied: it fires once with nothing due, and then nothing is scheduled', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    list.add(a);
    list.add(b);
    expect(vts.actions).to.have.length(1);
    list.remove(a);
    list.remove(b);
    expect(list.size).to.equal(0);
    expect(vts.actions).to.have.length(1); // not canceled: the next add would set it again
    vts.flush();
    expect(log).to.deep.equal([]);
    expect(vts.now()).to.equal(10); // the one wasted wake-up, at the old deadline
    expect(vts.actions).to.have.length(0);
  });

  it('an emptied list filled again in the next turn reuses its timer: no cancel, no second timer', () => {
    const { scheduler, virtual, live, scheduled } = countingScheduler();
    const list = new TimeoutList(scheduler, 10);
    const log: string[] = [];
    const a = item('a', log, scheduler);
    list.add(a);
    virtual.schedule(() => list.remove(a), 1);
    virtual.schedule(() => list.add(item('b', log, scheduler)), 2);
    virtual.flush();
    expect(log).to.deep.equal(['b@12']);
    expect(scheduled()).to.equal(2); // armed for a; re-armed once, at a's old deadline, for b
    expect(live()).to.equal(0);
  });

  it('clear() cancels the timer and every waiting timeout: nothing expires, nothing is left scheduled', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    list.add(a);
    list.add(b);
    list.remove(a);
    list.clear();
    expect(list.size).to.equal(0);
    expect(Number.isNaN(b.timeoutDeadline)).to.equal(true);
    expect(vts.actions).to.have.length(0);
    vts.flush();
    expect(log).to.deep.equal([]);
    expect(vts.now()).to.equal(0);
    list.add(b); // usable again
    vts.flush();
    expect(log).to.deep.equal(['b@10']);
  });

  it('clear() from an expire() ends the firing: the items still due do not expire', () => {
    const { vts, list, log } = setup(10);
    list.add(item('a', log, vts, () => list.clear()));
    list.add(item('b', log, vts));
    vts.flush();
    expect(log).to.deep.equal(['a@10']);
    expect(vts.actions).to.have.length(0);
  });

  it('holds no scheduled action after the last item expired', () => {
    const { scheduler, virtual, live, scheduled } = countingScheduler();
    const list = new TimeoutList(scheduler, 10);
    const log: string[] = [];
    list.add(item('a', log, scheduler));
    virtual.schedule(() => list.add(item('b', log, scheduler)), 5);
    virtual.flush();
    expect(log).to.deep.equal(['a@10', 'b@15']);
    expect(live()).to.equal(0);
    expect(scheduled()).to.equal(2); // armed for a, then re-armed once for b
  });

  it('re-arms after the list was emptied and then used again', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    list.add(a);
    at(vts, 3, () => list.remove(a));
    at(vts, 5, () => list.add(item('b', log, vts)));
    vts.flush();
    expect(log).to.deep.equal(['b@15']);
  });

  it('ignores add() of an item already listed', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    list.add(a);
    at(vts, 5, () => {
      list.add(a);
      expect(list.size).to.equal(1);
    });
    vts.flush();
    expect(log).to.deep.equal(['a@10']); // once, at the first deadline
  });

  it('ignores add() of an item waiting in another list', () => {
    const vts = new VirtualTimeScheduler();
    const first = new TimeoutList(vts, 10);
    const second = new TimeoutList(vts, 3);
    const log: string[] = [];
    const a = item('a', log, vts);
    first.add(a);
    second.add(a);
    expect(first.size).to.equal(1);
    expect(second.size).to.equal(0);
    vts.flush();
    expect(log).to.deep.equal(['a@10']);
  });

  it('gives an item added by expire() its full delay', () => {
    const { vts, list, log } = setup(10);
    const b = item('b', log, vts);
    list.add(item('a', log, vts, () => list.add(b)));
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'b@20']);
  });

  it('an item that re-adds itself from expire() expires again one delay later each time', () => {
    const { vts, list, log } = setup(10);
    let rounds = 0;
    const a: Expirable = item('a', log, vts, () => {
      if (++rounds < 3) list.add(a);
    });
    list.add(a);
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'a@20', 'a@30']);
  });

  it('expire() may remove another item that was due in the same firing', () => {
    const { vts, list, log } = setup(10);
    const b = item('b', log, vts);
    const c = item('c', log, vts);
    list.add(item('a', log, vts, () => list.remove(b)));
    list.add(b);
    list.add(c);
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'c@10']);
    expect(list.size).to.equal(0);
  });

  it('counts the items waiting', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    const c = item('c', log, vts);
    expect(list.size).to.equal(0);
    list.add(a);
    list.add(b);
    at(vts, 5, () => list.add(c));
    expect(list.size).to.equal(2);
    list.remove(b);
    expect(list.size).to.equal(1);
    const sizes: number[] = [];
    at(vts, 6, () => sizes.push(list.size)); // a and c
    at(vts, 11, () => sizes.push(list.size)); // a expired at 10
    vts.flush();
    expect(sizes).to.deep.equal([2, 1]);
    expect(list.size).to.equal(0);
  });

  it('remove() of an item not in the list does nothing', () => {
    const { vts, list, log } = setup(10);
    const a = item('a', log, vts);
    const b = item('b', log, vts);
    const never = item('never', log, vts);
    list.add(a);
    list.add(b);
    list.remove(never); // never added
    list.remove(a);
    list.remove(a); // already removed
    expect(list.size).to.equal(1);
    expect(vts.actions).to.have.length(1);
    vts.flush();
    list.remove(b); // already expired
    expect(list.size).to.equal(0);
    expect(log).to.deep.equal(['b@10']);
    // the list still works
    list.add(a);
    vts.flush();
    expect(log).to.deep.equal(['b@10', 'a@20']);
  });

  it('never orders a later item before an earlier one when the clock steps back', () => {
    const { clock, virtual, setOffset } = steppingClock();
    const list = new TimeoutList(clock, 10);
    const log: string[] = [];
    const a = item('a', log, virtual);
    const b = item('b', log, virtual);
    list.add(a); // clock 0: due at clock 10
    virtual.schedule(() => {
      setOffset(-5); // the clock steps back from 2 to -3
      list.add(b); // now + delay = 7, before a's deadline
    }, 2);
    virtual.flush();
    expect(b.timeoutDeadline).to.be.NaN; // expired
    expect(log).to.deep.equal(['a@15', 'b@15']); // in order; a is late by the step (5), not more
  });

  it('an item added after a backward step is never due before the item ahead of it', () => {
    const { clock, virtual, setOffset } = steppingClock();
    const list = new TimeoutList(clock, 10);
    const log: string[] = [];
    const a = item('a', log, virtual);
    const b = item('b', log, virtual);
    list.add(a);
    setOffset(-100);
    list.add(b);
    expect(b.timeoutDeadline).to.be.at.least(a.timeoutDeadline);
  });
});

/**
 * A VirtualTimeScheduler behind a wrapper that counts the actions scheduled through it and how
 * many of them are still live (neither run nor unsubscribed).
 */
function countingScheduler(): { scheduler: SchedulerLike; virtual: VirtualTimeScheduler; live: () => number; scheduled: () => number } {
  const virtual = new VirtualTimeScheduler();
  let live = 0;
  let scheduled = 0;
  function schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    scheduled++;
    live++;
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        live--;
      }
    };
    const action = virtual.schedule(
      function (this: SchedulerAction<T>, s?: T) {
        end();
        work.call(this, s);
      },
      delay,
      state,
    );
    action.add(end);
    return action;
  }
  return { scheduler: { now: () => virtual.now(), schedule }, virtual, live: () => live, scheduled: () => scheduled };
}

/** A clock that reads a VirtualTimeScheduler's time plus an offset the test sets (to step it back); actions run on the virtual scheduler. */
function steppingClock(): { clock: SchedulerLike; virtual: VirtualTimeScheduler; setOffset: (offset: number) => void } {
  const virtual = new VirtualTimeScheduler();
  let offset = 0;
  function schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return virtual.schedule(work, delay, state);
  }
  return { clock: { now: () => virtual.now() + offset, schedule }, virtual, setOffset: (o) => (offset = o) };
}

describe('TimeoutList on a scheduler that runs due actions inside schedule()', () => {
  it('keeps expiring items (queueScheduler runs a 0 ms action at once)', () => {
    const list = new TimeoutList(queueScheduler, 0);
    const log: string[] = [];
    const node = (name: string): Expirable => ({
      expire: () => log.push(name),
      timeoutPrev: undefined,
      timeoutNext: undefined,
      timeoutDeadline: NaN,
    });
    list.add(node('a'));
    list.add(node('b'));
    list.add(node('c'));
    expect(log).to.deep.equal(['a', 'b', 'c']);
    expect(list.size).to.equal(0);
  });
});
