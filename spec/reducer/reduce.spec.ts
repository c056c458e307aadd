import { expect } from 'chai';
import type { ConnAction } from '../../lib/model/actions.js';
import { ConnState } from '../../lib/model/ConnState.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { initialState, type ConnManagerState } from '../../lib/model/state.js';
import { reduce } from '../../lib/reducer/reduce.js';
import { config, req } from './reducerFixtures.js';

type S = ConnManagerState<string, string>;

/** Folds actions and returns every state plus the flat list of event types. */
function run(s: S, actions: ConnAction<string, string>[]): { states: S[]; types: string[]; events: ConnEvent<string, string>[] } {
  const states: S[] = [];
  const events: ConnEvent<string, string>[] = [];
  for (const a of actions) {
    s = reduce(s, a);
    states.push(s);
    events.push(...s.emitted);
  }
  return { states, types: events.map((e) => e.type), events };
}

describe('reduce', () => {
  it('is pure: never changes the state it is given, and old snapshots stay valid', () => {
    const s0 = reduce(initialState<string, string>(config()), { type: 'start', at: 0 });
    const frozen = JSON.stringify({ n: s0.requests.size, e: s0.emitted.length, c: s0.automaticCount });
    const s1 = reduce(s0, { type: 'connect', req: req(7, 'a'), at: 0 });
    expect(JSON.stringify({ n: s0.requests.size, e: s0.emitted.length, c: s0.automaticCount })).to.equal(frozen);
    expect(s1.requests.size).to.equal(1);
    expect(s0.requests.has(7)).to.equal(false);
  });

  it('start: idle → running, asks for targetOutbound automatic requests; a second start changes nothing', () => {
    const s0 = initialState<string, string>(config());
    const s1 = reduce(s0, { type: 'start', at: 0 });
    expect(s1.phase).to.equal('running');
    expect(s1.emitted).to.deep.equal([{ type: 'started' }, { type: 'refillScheduled', count: 2, delay: 0 }]);
    expect(reduce(s1, { type: 'start', at: 1 })).to.equal(s1);
  });

  it('returns the very same state for a stale result (no change, no event)', () => {
    const s = run(initialState(config()), [
      { type: 'start', at: 0 },
      { type: 'connect', req: req(1, 'a', true), at: 0 },
    ]).states.at(-1)!;
    expect(reduce(s, { type: 'dialFailed', id: 1, attempt: 99, error: 'old', at: 1 })).to.equal(s);
    expect(reduce(s, { type: 'retryDue', id: 1, attempt: 1, at: 1 })).to.equal(s); // not waiting
    expect(reduce(s, { type: 'dialFailed', id: 5, attempt: 1, error: 'x', at: 1 })).to.equal(s); // unknown
  });

  it('a success for a request that moved on is discarded (so its conn gets closed)', () => {
    const { events } = run(initialState(config()), [
      { type: 'start', at: 0 },
      { type: 'connect', req: req(1, 'a'), at: 0 },
      { type: 'remove', id: 1, at: 1 },
      { type: 'dialSucceeded', id: 1, attempt: 1, conn: 'late', at: 2 },
    ]);
    expect(events.at(-1)).to.deep.equal({ type: 'discarded', conn: 'late', id: 1 });
  });

  it('keeps the counters equal to what the maps say through a whole life', () => {
    const { states } = run(initialState(config()), [
      { type: 'start', at: 0 },
      { type: 'newConnReq', req: req(1), refill: true, at: 0 },
      { type: 'newConnReq', req: req(2), refill: true, at: 0 },
      { type: 'newConnReq', req: req(3), refill: false, at: 0 }, // at target: ignored
      { type: 'addressResolved', id: 1, addr: 'a', at: 1 },
      { type: 'addressResolved', id: 2, addr: 'a', at: 1 }, // duplicate address → failure
      { type: 'dialSucceeded', id: 1, attempt: 1, conn: 'c1', at: 2 },
      { type: 'connect', req: req(4, 'p', true), at: 3 },
      { type: 'dialSucceeded', id: 4, attempt: 1, conn: 'c4', at: 3 },
      { type: 'connClosed', id: 4, conn: 'c4', at: 4 },
      { type: 'incoming', conn: 'i1', listener: 0, at: 5 },
      { type: 'stop', at: 6 },
    ]);
    for (const s of states) {
      const entries = [...s.requests.values()];
      expect(s.automaticCount).to.equal(entries.filter((e) => e.automatic).length);
      expect(s.establishedCount).to.equal(entries.filter((e) => e.state === ConnState.Established).length);
      expect(s.addresses.size).to.equal(entries.filter((e) => e.addrKey !== undefined).length);
      expect(s.automaticCount).to.be.at.most(s.config.targetOutbound);
    }
    expect(states.at(-1)!.requests.size).to.equal(0);
  });

  it('counts failed automatic attempts and throttles replacements once maxFailedAttempts is reached', () => {
    let s = run(initialState(config({ targetOutbound: 1 })), [{ type: 'start', at: 0 }]).states.at(-1)!;
    const delays: number[] = [];
    for (let id = 1; id <= 5; id++) {
      s = reduce(s, { type: 'newConnReq', req: req(id), refill: true, at: 0 });
      s = reduce(s, { type: 'addressFailed', id, error: new Error('none'), at: 0 });
      const refill = s.emitted.find((e) => e.type === 'refillScheduled');
      delays.push(refill && refill.type === 'refillScheduled' ? refill.delay : -1);
    }
    expect(delays).to.deep.equal([0, 0, 100, 100, 100]);
    expect(s.failedAttempts).to.equal(5);
    s = reduce(s, { type: 'newConnReq', req: req(6), refill: true, at: 0 });
    s = reduce(s, { type: 'addressResolved', id: 6, addr: 'z', at: 0 });
    s = reduce(s, { type: 'dialSucceeded', id: 6, attempt: 1, conn: 'cz', at: 0 });
    expect(s.failedAttempts).to.equal(0);
  });

  it('minUptime: a flapping permanent peer keeps climbing its backoff, a lasting one resets', () => {
    const cfg = config({ minUptime: 1_000 });
    let s = run(initialState(cfg), [
      { type: 'start', at: 0 },
      { type: 'connect', req: req(1, 'p', true), at: 0 },
    ]).states.at(-1)!;
    const delays: number[] = [];
    let attempt = 1;
    const cycle = (connectAt: number, closeAt: number) => {
      s = reduce(s, { type: 'dialSucceeded', id: 1, attempt, conn: `c${attempt}`, at: connectAt });
      s = reduce(s, { type: 'connClosed', id: 1, conn: `c${attempt}`, at: closeAt });
      const e = s.emitted.find((x) => x.type === 'retryScheduled');
      if (e?.type === 'retryScheduled') delays.push(e.delay);
      s = reduce(s, { type: 'retryDue', id: 1, attempt, at: closeAt });
      attempt++;
    };
    cycle(0, 10); // flap
    cycle(20, 30); // flap
    cycle(40, 50); // flap
    cycle(100, 5_000); // lasted
    expect(delays).to.deep.equal([100, 200, 300, 100]);
  });

  it('admits inbound up to maxInbound; a conn reported closed twice frees one slot', () => {
    let s = run(initialState(config({ maxInbound: 1 })), [{ type: 'start', at: 0 }]).states.at(-1)!;
    s = reduce(s, { type: 'incoming', conn: 'a', listener: 0, at: 0 });
    s = reduce(s, { type: 'incoming', conn: 'b', listener: 0, at: 0 });
    expect(s.emitted[0]).to.deep.include({ type: 'rejected', conn: 'b', reason: 'maxInbound' });
    s = reduce(s, { type: 'inboundClosed', inboundId: 1, conn: 'a', at: 1 });
    const again = reduce(s, { type: 'inboundClosed', inboundId: 1, conn: 'a', at: 1 });
    expect(again).to.equal(s);
    s = reduce(s, { type: 'incoming', conn: 'c', listener: 0, at: 2 });
    s = reduce(s, { type: 'incoming', conn: 'd', listener: 0, at: 2 });
    expect(s.inbound.size).to.equal(1);
    expect(s.emitted[0]).to.deep.include({ type: 'rejected', conn: 'd' });
  });

  it('refuses a second live request to one address, permanent or not', () => {
    const { events } = run(initialState(config()), [
      { type: 'start', at: 0 },
      { type: 'connect', req: req(1, 'a', true), at: 0 },
      { type: 'connect', req: req(2, 'a'), at: 0 },
    ]);
    expect(events.at(-1)).to.deep.include({ type: 'canceled', reason: 'duplicate' });
  });

  describe('newConnReq with its address already looked up (a refill)', () => {
    const started = () => reduce(initialState<string, string>(config()), { type: 'start', at: 0 });

    it('an address at hand goes straight to its dial, in one step: the same entry addressResolved would make', () => {
      const direct = reduce(started(), { type: 'newConnReq', req: req(1), refill: true, lookup: { kind: 'address', addr: 'a' }, at: 0 });
      expect(direct.emitted.map((e) => e.type)).to.deep.equal(['dialing']);
      expect(direct.emitted[0]).to.include({ addr: 'a', attempt: 1 });
      const long = run(started(), [
        { type: 'newConnReq', req: req(1), refill: true, at: 0 },
        { type: 'addressResolved', id: 1, addr: 'a', at: 0 },
      ]).states.at(-1)!;
      expect(direct.requests.get(1)).to.deep.equal(long.requests.get(1));
      expect(direct.addresses.get('a')).to.equal(1);
      expect({ a: direct.automaticCount, r: direct.refillsPending }).to.deep.equal({ a: long.automaticCount, r: long.refillsPending });
    });

    it('a refill folds its requests in one step as that many newConnReq refills would, one after the other', () => {
      // Target 2 (the fixture's), a third is dropped silently; the second one's address is taken.
      let s0 = reduce(started(), { type: 'connect', req: req(9, 'b'), at: 0 });
      s0 = reduce(s0, { type: 'dialFailed', id: 9, attempt: 1, error: new Error('x'), at: 0 });
      s0 = reduce(s0, { type: 'connect', req: req(8, 'b'), at: 0 });
      const lookups = [{ kind: 'address', addr: 'a' } as const, { kind: 'address', addr: 'b' } as const, undefined];
      const batched = reduce(s0, {
        type: 'refill',
        requests: lookups.map((lookup, i) => (lookup ? { req: req(i + 1), lookup } : { req: req(i + 1) })),
        at: 1,
      });
      const one = run(
        s0,
        lookups.map((lookup, i) =>
          lookup
            ? { type: 'newConnReq', req: req(i + 1), refill: true, lookup, at: 1 }
            : { type: 'newConnReq', req: req(i + 1), refill: true, at: 1 },
        ),
      );
      const last = one.states.at(-1)!;
      expect(batched.emitted).to.deep.equal(one.events);
      expect(one.types).to.deep.equal(['dialing', 'addressRequested']);
      expect([...batched.requests]).to.deep.equal([...last.requests]);
      expect([...batched.addresses]).to.deep.equal([...last.addresses]);
      const counters = (s: S) => [s.automaticCount, s.refillsPending, s.establishedCount, s.failedAttempts];
      expect(counters(batched)).to.deep.equal(counters(last));
      expect(s0.requests.size).to.equal(1); // the input is untouched
    });

    it('addressesAnswered folds its answers in one step as the addressResolved / addressFailed actions would, one after the other', () => {
      let s0 = reduce(started(), { type: 'connect', req: req(9, 'b'), at: 0 });
      s0 = reduce(s0, { type: 'refill', requests: [{ req: req(1) }, { req: req(2) }], at: 0 });
      const answers = [
        { type: 'addressResolved', id: 1, addr: 'b' }, // taken by #9: a duplicate failure
        { type: 'addressResolved', id: 7, addr: 'z' }, // no such request: ignored
        { type: 'addressFailed', id: 2, error: new Error('none') },
      ] as const;
      const batched = reduce(s0, { type: 'addressesAnswered', answers, at: 1 });
      // One after the other; a step that changes nothing hands its input back (its `emitted` is not new).
      let last = s0;
      const events: unknown[] = [];
      for (const a of answers) {
        const next = reduce(last, { ...a, at: 1 });
        if (next !== last) events.push(...next.emitted);
        last = next;
      }
      expect(batched.emitted.map((e) => e.type)).to.deep.equal(['failed', 'refillScheduled', 'failed', 'refillScheduled']);
      expect(batched.emitted).to.deep.equal(events);
      expect([...batched.requests]).to.deep.equal([...last.requests]);
      const counters = (s: S) => [s.automaticCount, s.refillsPending, s.failedAttempts];
      expect(counters(batched)).to.deep.equal(counters(last));
      expect(reduce(s0, { type: 'addressesAnswered', answers: [answers[1]], at: 1 })).to.equal(s0); // nothing to answer: the same state
    });

    it('an address already taken goes the long way: addressRequested carrying the lookup, then the duplicate failure', () => {
      const s1 = reduce(started(), { type: 'connect', req: req(9, 'a'), at: 0 });
      const lookup = { kind: 'address', addr: 'a' } as const;
      const s2 = reduce(s1, { type: 'newConnReq', req: req(1), refill: true, lookup, at: 0 });
      expect(s2.emitted).to.have.length(1);
      expect(s2.emitted[0]).to.include({ type: 'addressRequested', lookup });
      expect(s2.requests.get(1)).to.include({ stage: 'address', addr: undefined });
      const s3 = reduce(s2, { type: 'addressResolved', id: 1, addr: 'a', at: 0 });
      expect(s3.emitted.map((e) => e.type)).to.deep.equal(['failed', 'refillScheduled']);
    });

    it('a lookup that is not an address rides on addressRequested; a refused request drops it without an event', () => {
      const lookup = { kind: 'failed', error: new Error('book empty') } as const;
      const s1 = reduce(started(), { type: 'newConnReq', req: req(1), refill: true, lookup, at: 0 });
      expect(s1.emitted).to.have.length(1);
      expect(s1.emitted[0]).to.include({ type: 'addressRequested', lookup });
      let s = s1;
      s = reduce(s, { type: 'newConnReq', req: req(2), refill: true, lookup: { kind: 'address', addr: 'b' }, at: 0 });
      const full = reduce(s, { type: 'newConnReq', req: req(3), refill: true, lookup: { kind: 'address', addr: 'c' }, at: 0 });
      expect(full.emitted).to.deep.equal([]); // at target
      expect(full.requests.has(3)).to.equal(false);
      expect(full.addresses.has('c')).to.equal(false);
    });
  });
});
