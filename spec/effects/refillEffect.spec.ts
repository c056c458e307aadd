import { expect } from 'chai';
import {
  Observable,
  Subject,
  VirtualTimeScheduler,
  queueScheduler,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { MAX_TIMER_DELAY } from '../../lib/effects/Effect.js';
import { refillEffect } from '../../lib/effects/refillEffect.js';
import { NoNewAddressError } from '../../lib/model/errors.js';
import { ConnReq as ConnReqClass, type ConnReq } from '../../lib/model/ConnReq.js';
import {
  type Action,
  type Event,
  canceled,
  makeDeps,
  recordingScheduler,
  refillScheduled,
  request,
  requestFactory,
  state$,
  stopped,
  testScheduler,
} from './deps.js';

/** The `refill` action of these requests (no getNewAddress: no lookups). */
const refill = (...reqs: ConnReq<string>[]): Action => ({ type: 'refill', requests: reqs.map((req) => ({ req })) });
/** The ids of the requests of `refill` actions, batch by batch. */
const batches = (actions: Action[]) =>
  actions.map((a) => (a.type === 'refill' ? a.requests.map((r) => r.req.id) : `not a refill: ${a.type}`));

/** Runs `body`, then two more turns of the event loop, and fails if any promise rejected unhandled meanwhile. */
async function expectNoUnhandledRejection(body: () => Promise<void>): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(unhandled).to.deep.equal([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

describe('refillEffect', () => {
  it('makes `count` fresh automatic requests after `delay`, in one refill action', () => {
    const scheduler = testScheduler();
    const { newRequest, made } = requestFactory(100);
    const calledAt: number[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r---------', { r: refillScheduled(3, 5) });
      const expected = '         ------a';
      const deps = makeDeps(scheduler, { newRequest: () => (calledAt.push(scheduler.now()), newRequest()) });
      expectObservable(refillEffect(event$, state$, deps)).toBe(expected, {
        a: refill(request(100), request(101), request(102)), // compared by id: ConnReq#100, #101, #102
      });
    });
    expect(made.map((r) => r.id)).to.deep.equal([100, 101, 102]);
    expect(calledAt).to.deep.equal([6, 6, 6]); // the requests are made when due, not when scheduled
  });

  it("makes a class's refills of that class, asking getNewAddress with its class, default ones first in a shared turn", () => {
    const vts = new VirtualTimeScheduler();
    const classes: (string | undefined)[] = [];
    const contexts: string[] = [];
    let id = 1;
    const deps = makeDeps(vts, {
      newRequest: (connClass) => (classes.push(connClass), new ConnReqClass<string>(undefined, connClass ? { connClass } : {})),
      getNewAddress: ({ connClass }) => (contexts.push(connClass), `${connClass}-${id++}`),
    });
    const events = new Subject<Event>();
    const seen: string[] = [];
    refillEffect(events, state$, deps).subscribe((a) => {
      if (a.type !== 'refill') return;
      for (const { req, lookup } of a.requests) if (lookup?.kind === 'address') seen.push(`${req.connClass} ${String(lookup.addr)}`);
    });
    events.next({ type: 'refillScheduled', count: 1, delay: 0, connClass: 'bro' });
    events.next(refillScheduled(2, 0));
    events.next({ type: 'refillScheduled', count: 1, delay: 5, connClass: 'feeler' });
    vts.flush();
    expect(classes).to.deep.equal(['default', 'default', 'bro', 'feeler']);
    expect(contexts).to.deep.equal(['default', 'default', 'bro', 'feeler']);
    expect(seen).to.deep.equal(['default default-1', 'default default-2', 'bro bro-3', 'feeler feeler-4']);
  });

  it('emits the very requests deps.newRequest made', () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    refillEffect(events, state$, makeDeps(vts, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 10));
    vts.flush();
    expect(seen.flatMap((a) => (a.type === 'refill' ? a.requests.map((r) => r.req) : [])))
      .to.have.ordered.members(made)
      .and.have.length(2);
  });

  it('overlapping refills all run (none replaces another)', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-ab---------', { a: refillScheduled(1, 8), b: refillScheduled(2, 2) });
      const expected = '         ----x----z--';
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest }))).toBe(expected, {
        x: refill(request(1), request(2)),
        z: refill(request(3)),
      });
    });
  });

  it('delay 0 still goes through the scheduler: nothing happens synchronously', () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    refillEffect(events, state$, makeDeps(vts, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 0));
    expect(seen).to.deep.equal([]);
    expect(made).to.deep.equal([]);
    expect(vts.actions).to.have.length(1);
    vts.flush();
    expect(batches(seen)).to.deep.equal([[1, 2]]);
    expect(vts.now()).to.equal(0);
  });

  it('delay 0 in marbles: due in the same frame', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: refillScheduled(1, 0) });
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest }))).toBe('-x-', { x: refill(request(1)) });
    });
  });

  it('count 0 makes no request; other events are ignored', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-rcs------', { r: refillScheduled(0, 2), c: canceled(request(5)), s: stopped() });
      // newRequest is the default double, which throws if called
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler))).toBe('----------');
    });
  });

  it('clamps a delay beyond 2^31−1 ms (Node would fire it at once) to MAX_TIMER_DELAY', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe();
    events.next(refillScheduled(1, 2 ** 31 + 1));
    events.next(refillScheduled(1, 5));
    expect(delays).to.deep.equal([MAX_TIMER_DELAY, 5]);
    virtual.flush();
    expect(made).to.have.length(2);
  });
});

describe('refillEffect batching', () => {
  it('two 0-delay refills asked for in the same frame share one scheduled action, and make all their requests in order', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 0));
    events.next(refillScheduled(3, 0));
    expect(delays).to.deep.equal([0]);
    expect(virtual.actions).to.have.length(1);
    expect(seen).to.deep.equal([]);
    virtual.flush();
    expect(batches(seen)).to.deep.equal([[1, 2, 3, 4, 5]]); // one turn's requests of a class: one action, one reducer step
  });

  it('when getNewAddress reads the state, each request is an action of its own (folded before the next address is asked for)', () => {
    const { scheduler, virtual } = recordingScheduler();
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    let reads = false;
    const asked: number[] = [];
    const deps = makeDeps(scheduler, {
      newRequest,
      getNewAddress: () => {
        asked.push(seen.length); // how many actions were out when this address was asked for
        return `a:${asked.length}`;
      },
      lookupsReadState: () => reads,
    });
    refillEffect(events, state$, deps).subscribe((a) => seen.push(a));
    events.next(refillScheduled(3, 0));
    virtual.flush();
    expect(batches(seen)).to.deep.equal([[1, 2, 3]]);
    reads = true;
    events.next(refillScheduled(3, 0));
    virtual.flush();
    expect(batches(seen)).to.deep.equal([[1, 2, 3], [4], [5], [6]]);
    expect(asked).to.deep.equal([0, 0, 0, 1, 2, 3]);
  });

  it('two 0-delay refills in one marble frame come out together in that frame', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-(ab)-', { a: refillScheduled(1, 0), b: refillScheduled(2, 0) });
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest }))).toBe('-x-', {
        x: refill(request(1), request(2), request(3)),
      });
    });
  });

  it('a 0-delay refill asked for while the batch runs waits for a second scheduled action', () => {
    const { scheduler: recording, delays, virtual } = recordingScheduler();
    // Tags each scheduled action with its number, so an emission tells which action made it.
    let scheduledCount = 0;
    let running = -1;
    function schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      const number = scheduledCount++;
      return recording.schedule(
        function (this: SchedulerAction<T>, s?: T) {
          running = number;
          work.call(this, s);
        },
        delay,
        state,
      );
    }
    const scheduler: SchedulerLike = { now: () => recording.now(), schedule };
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: [ids: string, action: number][] = [];
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe((a) => {
      seen.push([batches([a])[0]!.toString(), running]);
      if (seen.length === 1) events.next(refillScheduled(1, 0)); // reacts to the first batch with another refill
    });
    events.next(refillScheduled(2, 0));
    virtual.flush();
    expect(delays).to.deep.equal([0, 0]);
    expect(seen).to.deep.equal([
      ['1,2', 0],
      ['3', 1], // made by the second action, after the whole first batch
    ]);
  });

  it('a 0-delay refill after the batch ran is scheduled anew', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe();
    events.next(refillScheduled(1, 0));
    virtual.flush();
    events.next(refillScheduled(1, 0));
    expect(delays).to.deep.equal([0, 0]);
    virtual.flush();
    expect(made.map((r) => r.id)).to.deep.equal([1, 2]);
  });

  it('positive delays each get their own timer, even when equal', () => {
    const { scheduler, delays, virtual } = recordingScheduler();
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: [ids: string, at: number][] = [];
    refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe((a) =>
      seen.push([batches([a])[0]!.toString(), virtual.now()]),
    );
    events.next(refillScheduled(1, 5));
    events.next(refillScheduled(2, 5));
    events.next(refillScheduled(1, 0));
    events.next(refillScheduled(1, 3));
    expect(delays).to.deep.equal([5, 5, 0, 3]);
    expect(virtual.actions).to.have.length(4);
    virtual.flush();
    expect(seen).to.deep.equal([
      ['1', 0],
      ['2', 3],
      ['3', 5],
      ['4,5', 5],
    ]);
  });

  it('unsubscribing cancels the pending batch and the delayed timers: no request is made after', () => {
    const { scheduler, virtual } = recordingScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    const subscription = refillEffect(events, state$, makeDeps(scheduler, { newRequest })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 0));
    events.next(refillScheduled(1, 0));
    events.next(refillScheduled(1, 4));
    events.next(refillScheduled(3, 9));
    expect(virtual.actions).to.have.length(3);
    subscription.unsubscribe();
    expect(virtual.actions).to.have.length(0);
    expect(events.observed).to.equal(false);
    virtual.flush();
    expect(made).to.deep.equal([]);
    expect(seen).to.deep.equal([]);
  });

  it('unsubscribing during a batch of state-reading lookups stops it: no further request is made', () => {
    const { scheduler, virtual } = recordingScheduler();
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const deps = makeDeps(scheduler, { newRequest, getNewAddress: () => 'a:1', lookupsReadState: () => true });
    const subscription = refillEffect(events, state$, deps).subscribe(() => subscription.unsubscribe());
    events.next(refillScheduled(3, 0));
    virtual.flush();
    expect(made.map((r) => r.id)).to.deep.equal([1]);
  });
});

describe('refillEffect on a scheduler that runs due actions inside schedule()', () => {
  it('runs every 0-delay refill (queueScheduler runs a 0 ms action at once)', () => {
    const { newRequest, made } = requestFactory(1);
    const events = new Subject<Event>();
    const actions: Action[] = [];
    refillEffect(events, state$, makeDeps(queueScheduler, { newRequest })).subscribe((a) => {
      actions.push(a);
    });
    events.next(refillScheduled(1, 0));
    events.next(refillScheduled(2, 0));
    expect(made.map((r) => r.id)).to.deep.equal([1, 2, 3]);
    expect(batches(actions)).to.deep.equal([[1], [2, 3]]);
  });

  it('with getNewAddress, each request carries its address, asked for when the request is made', () => {
    const scheduler = testScheduler();
    const { newRequest } = requestFactory(1);
    const askedAt: number[] = [];
    const answers: unknown[] = ['a:1', ['b:1'], []];
    const getNewAddress = () => (askedAt.push(scheduler.now()), answers.shift() as string);
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r----', { r: refillScheduled(3, 2) });
      expectObservable(refillEffect(event$, state$, makeDeps(scheduler, { newRequest, getNewAddress }))).toBe('---a', {
        a: {
          type: 'refill',
          requests: [
            { req: request(1), lookup: { kind: 'address', addr: 'a:1' } },
            { req: request(2), lookup: { kind: 'address', addr: 'b:1' } },
            { req: request(3), lookup: { kind: 'failed', error: new NoNewAddressError() } },
          ],
        },
      });
    });
    expect(askedAt).to.deep.equal([3, 3, 3]);
  });

  it('a promise lookup that settles within the turn is handed over settled: an address, or the failure, at hand', async () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest } = requestFactory(3);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    await expectNoUnhandledRejection(async () => {
      const closed = new Error('book closed');
      const answers = [Promise.resolve('a'), Promise.reject(closed), new Promise<string>((r) => setImmediate(() => r('late')))];
      let n = 0;
      const getNewAddress = () => answers[n++]!;
      refillEffect(events, state$, makeDeps(vts, { newRequest, getNewAddress })).subscribe((a) => seen.push(a));
      events.next(refillScheduled(3, 0));
      vts.flush();
      // Nothing is sent before the promises have had their microtask checkpoint.
      expect(seen).to.have.length(0);
      await Promise.resolve();
      await Promise.resolve();
      expect(seen).to.have.length(1);
      const lookups = seen[0]!.type === 'refill' ? seen[0].requests.map((r) => r.lookup) : [];
      expect(lookups[0]).to.deep.equal({ kind: 'address', addr: 'a' });
      expect(lookups[1]).to.deep.equal({ kind: 'failed', error: closed });
      expect(lookups[2]).to.have.property('kind', 'source');
      expect(lookups[2]).to.have.property('source', answers[2]);
    });
  });

  /** A refill of one rejecting promise pick, its effect watched by `seen`; `readsState` as the manager would say. */
  const rejectedPick = (readsState: boolean) => {
    const vts = new VirtualTimeScheduler();
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    const seen: Action[] = [];
    const getNewAddress = () => Promise.reject(new Error('book closed'));
    const deps = makeDeps(vts, { newRequest, getNewAddress, ...(readsState ? { lookupsReadState: () => true } : {}) });
    const sub = refillEffect(events, state$, deps).subscribe((a) => seen.push(a));
    events.next(refillScheduled(1, 0));
    vts.flush();
    return { seen, sub };
  };

  it('a promise lookup whose refill is dropped (the effect ended first) neither sends nor rejects unhandled', async () => {
    await expectNoUnhandledRejection(async () => {
      const { seen, sub } = rejectedPick(false);
      sub.unsubscribe();
      await new Promise((r) => setImmediate(r));
      expect(seen).to.deep.equal([]);
    });
  });

  it('a promise lookup of a chooser that reads the state (sent at once) does not reject unhandled when its refill is dropped', async () => {
    await expectNoUnhandledRejection(async () => {
      const { seen } = rejectedPick(true);
      // Sent at once, as a source nobody will subscribe to (the reducer may drop the request).
      expect(seen).to.have.nested.property('[0].requests[0].lookup.kind', 'source');
      await Promise.resolve();
    });
  });

  it('an address source that has not answered is ended with the effect (a dropped refill holds nothing after stop)', () => {
    const vts = new VirtualTimeScheduler();
    const { newRequest } = requestFactory(1);
    const events = new Subject<Event>();
    let open = 0;
    const getNewAddress = () =>
      new Observable<string>(() => {
        open++;
        return () => open--;
      });
    const seen: Action[] = [];
    const sub = refillEffect(events, state$, makeDeps(vts, { newRequest, getNewAddress })).subscribe((a) => seen.push(a));
    events.next(refillScheduled(2, 0));
    vts.flush();
    expect(seen.flatMap((a) => (a.type === 'refill' ? a.requests.map((r) => r.lookup?.kind) : []))).to.deep.equal(['source', 'source']);
    expect(open).to.equal(2);
    sub.unsubscribe();
    expect(open).to.equal(0);
  });
});
