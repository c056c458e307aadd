import { expect } from 'chai';
import fc from 'fast-check';
import { VirtualTimeScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { KeyedDeadlines, type DeadlineDue } from '../../lib/schedulers/KeyedDeadlines.js';

/**
 * A virtual clock whose timers are counted: `live()` is how many scheduled actions are pending,
 * `peak` the most there ever were at once.
 */
function countingClock(): { vts: VirtualTimeScheduler; scheduler: SchedulerLike; live: () => number; peak: () => number } {
  const vts = new VirtualTimeScheduler();
  const pending = new Set<Subscription>();
  let peak = 0;
  const scheduler: SchedulerLike = {
    now: () => vts.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      const action: Subscription = vts.schedule(
        function (this: SchedulerAction<T>, s?: T) {
          pending.delete(action);
          work.call(this, s);
        },
        delay,
        state,
      );
      pending.add(action);
      action.add(() => pending.delete(action));
      peak = Math.max(peak, pending.size);
      return action;
    },
  };
  return { vts, scheduler, live: () => pending.size, peak: () => peak };
}

/** A set whose `due` logs `key@now` and drops the key (or returns what `next` says). */
function setup(next: (key: string, now: number) => number | undefined = () => undefined) {
  const clock = countingClock();
  const log: string[] = [];
  const due: DeadlineDue<string> = (key, now) => {
    log.push(`${key}@${now}`);
    return next(key, now);
  };
  const set = new KeyedDeadlines<string>(clock.scheduler, due);
  const at = (time: number, f: () => void): void => void clock.vts.schedule(f, time);
  return { ...clock, log, set, at };
}

describe('KeyedDeadlines', () => {
  it('runs each key at its own deadline, whatever the lengths, on one timer, and leaves none', () => {
    const { vts, set, log, at, live, peak } = setup();
    set.set('long', 100);
    set.set('short', 10);
    at(5, () => set.set('mid', 50));
    at(5, () => set.set('same', 50));
    vts.flush();
    expect(log).to.deep.equal(['short@10', 'mid@50', 'same@50', 'long@100']);
    expect(set.size).to.equal(0);
    // The harness's own `at` actions are not counted: only the set's timers are.
    expect([live(), peak()]).to.deep.equal([0, 1]);
  });

  it('moving a deadline later keeps the timer (it wakes, finds nothing due, re-arms); earlier re-arms it', () => {
    const { vts, set, log, at } = setup();
    set.set('a', 10);
    at(5, () => set.set('a', 30)); // later: the timer still wakes at 10, then waits for 30
    set.set('b', 40);
    at(20, () => set.set('b', 25)); // earlier than the timer (30): due at 25
    vts.flush();
    expect(log).to.deep.equal(['b@25', 'a@30']);
  });

  it('keeps a key whose `due` returns a later deadline, and drops it on undefined', () => {
    const { vts, set, log } = setup((key, now) => (now < 30 ? now + 10 : undefined));
    set.set('a', 10);
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'a@20', 'a@30']);
    expect(set.size).to.equal(0);
  });

  it('cancels its timer with the last key deleted, or on clear(), and runs nothing after', () => {
    const { vts, set, log, live } = setup();
    set.set('a', 10);
    set.set('b', 20);
    set.delete('a');
    expect(live()).to.equal(1); // b still waits
    set.delete('b');
    set.delete('never-set');
    expect([set.size, live()]).to.deep.equal([0, 0]);
    set.set('c', 30);
    set.set('d', 40);
    set.clear();
    expect([set.size, live()]).to.deep.equal([0, 0]);
    vts.flush();
    expect(log).to.deep.equal([]);
  });

  it('lets `due` set and delete other keys while it fires', () => {
    const { vts, set, log } = setup((key) => {
      if (key === 'a') {
        set.delete('b'); // due at the same time: never runs
        set.set('c', 15); // later: runs at its own time
      }
      return undefined;
    });
    set.set('a', 10);
    set.set('b', 10);
    vts.flush();
    expect(log).to.deep.equal(['a@10', 'c@15']);
  });

  it('matches a per-key timer on random deadlines, with never more than one timer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 1_000 }),
            key: fc.integer({ min: 0, max: 20 }),
            len: fc.integer({ min: 1, max: 2_000 }),
            del: fc.boolean(),
          }),
          { maxLength: 60 },
        ),
        (ops) => {
          const { vts, set, log, at, peak } = setup();
          // The reference: a timer per key, replaced on set, canceled on delete (what #16 had).
          const timers = new Map<string, Subscription>();
          const expected: string[] = [];
          for (const { t, key, len, del } of ops) {
            const name = `k${key}`;
            at(t, () => {
              timers.get(name)?.unsubscribe();
              timers.delete(name);
              if (del) return set.delete(name);
              timers.set(
                name,
                vts.schedule(() => {
                  timers.delete(name);
                  expected.push(`${name}@${vts.now()}`);
                }, len),
              );
              set.set(name, t + len);
            });
          }
          vts.flush();
          // Keys due in the same ms may run in another order: compare as multisets.
          expect([...log].sort()).to.deep.equal([...expected].sort());
          expect(peak()).to.be.at.most(1);
          expect(set.size).to.equal(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
