import { expect } from 'chai';
import { defer, delay, of } from 'rxjs';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import type { ConnAction } from '../../lib/model/actions.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

describe('ConnManager — a retry storm (virtual time)', () => {
  const storm = (lookup: (addr: string) => unknown) =>
    runManagerTest(
      (t) => {
        t.net.defaultDial = '-#'; // every dial refused one frame later
        let n = 0;
        const cm = t.manager({ targetOutbound: 2, maxFailedAttempts: Infinity, getNewAddress: () => lookup(`x${n++ % 50}`) as never });
        const actions: ConnAction<string, FakeConn>[] = [];
        const events: string[] = [];
        cm.actions$.subscribe((a) => actions.push(a));
        cm.events$.subscribe((e) => events.push(e.type));
        t.at(0, () => cm.start());
        t.at(40, () => cm.stop());
        return () => ({ actions, events, dials: t.net.dials.length });
      },
      { maxFrames: 100 },
    );

  it("with an address at hand, the fail → replace cycle is one reducer step per attempt plus one per turn's refills, three events per attempt", () => {
    const r = storm((addr) => addr);
    const attempts = r.actions.filter((a) => a.type === 'dialFailed').length;
    expect(attempts).to.be.greaterThan(20);
    expect(r.actions.filter((a) => a.type === 'addressResolved' || a.type === 'newConnReq')).to.have.length(0);
    const refills = r.actions.filter((a) => a.type === 'refill');
    // Both requests fail in the same frame, so each turn's two replacements come in one action.
    expect(refills.map((a) => a.requests.length)).to.satisfy((sizes: number[]) => sizes.slice(1).every((n) => n === 2));
    const replacements = refills.reduce((n, a) => n + a.requests.length, 0);
    expect(replacements).to.be.within(attempts, attempts + 2); // the last replacements may still be dialing at stop
    expect(refills.length).to.be.within(attempts / 2, attempts / 2 + 2);
    expect(r.events.filter((e) => e === 'dialing' || e === 'failed' || e === 'refillScheduled').length).to.be.within(
      3 * attempts,
      3 * attempts + 4,
    );
    expect(r.events.filter((e) => e === 'addressRequested')).to.have.length(0);
    expect(r.dials).to.be.within(attempts, attempts + 2);
  });

  it('a source that answers at once (of(addr)) is an address at hand too: two steps, subscribed once per replacement', () => {
    let calls = 0;
    let subscriptions = 0;
    const r = storm((addr) => {
      calls++;
      return defer(() => (subscriptions++, of(addr)));
    });
    const attempts = r.actions.filter((a) => a.type === 'dialFailed').length;
    expect(attempts).to.be.greaterThan(20);
    expect(r.events.filter((e) => e === 'addressRequested')).to.have.length(0);
    expect(subscriptions).to.equal(calls);
    expect(r.dials).to.equal(r.events.filter((e) => e === 'dialing').length);
  });

  /** A storm on real time (promises are not virtualised) until 40 dials have failed: every action and event seen. */
  const promiseStorm = async (getNewAddress: () => Promise<string>) => {
    const refused = new Error('refused');
    const cm = new ConnManager<string, never>({
      dial: () => new Promise<never>((_, reject) => setImmediate(() => reject(refused))),
      getNewAddress,
      targetOutbound: 4,
      maxFailedAttempts: Infinity,
    });
    const actions: ConnAction<string, never>[] = [];
    const events: string[] = [];
    let failures = 0;
    cm.actions$.subscribe((a) => {
      actions.push(a);
      if (a.type === 'dialFailed') failures++;
    });
    await new Promise<void>((resolve) => {
      cm.events$.subscribe((e) => {
        events.push(e.type);
        if (e.type === 'failed' && failures >= 40) resolve();
      });
      cm.start();
    });
    cm.stop();
    return { actions, events, failures };
  };

  it('a Promise lookup settled within its turn (Promise.resolve) is an address at hand: no addressRequested, no answer step', async () => {
    let n = 0;
    const { actions, events, failures } = await promiseStorm(() => Promise.resolve(`x${n++ % 50}`));
    const lookups = actions.flatMap((a) => (a.type === 'refill' ? a.requests.map((r) => r.lookup?.kind) : []));
    expect(lookups.length).to.be.at.least(failures);
    expect(lookups.every((k) => k === 'address')).to.equal(true);
    expect(actions.filter((a) => a.type === 'addressResolved' || a.type === 'addressesAnswered')).to.have.length(0);
    expect(events.filter((e) => e === 'addressRequested')).to.have.length(0);
    expect(events.filter((e) => e === 'dialing').length).to.be.at.least(failures);
  });

  it("Promise lookups still pending at the turn's end are answered in one step per turn", async () => {
    let n = 0;
    // Settles a few microtasks later: past the refill's checkpoint, so still a source, but in the same turn.
    const { actions, failures } = await promiseStorm(async () => {
      await Promise.resolve();
      await Promise.resolve();
      return `x${n++ % 50}`;
    });
    const answered = actions.flatMap((a) => (a.type === 'addressesAnswered' ? [a.answers.length] : []));
    expect(actions.filter((a) => a.type === 'addressResolved')).to.have.length(0);
    expect(answered.length).to.be.at.least(failures / 4 - 1);
    expect(answered.every((size) => size === 4)).to.equal(true);
  });

  it('a source that answers later goes through addressRequested, asked and subscribed once per replacement', () => {
    let calls = 0;
    let subscriptions = 0;
    const r = storm((addr) => {
      calls++;
      return defer(() => (subscriptions++, of(addr).pipe(delay(1))));
    });
    const requested = r.events.filter((e) => e === 'addressRequested').length;
    expect(requested).to.be.greaterThan(10);
    expect(calls).to.equal(requested);
    expect(subscriptions).to.equal(calls);
    expect(r.dials).to.equal(r.events.filter((e) => e === 'dialing').length);
  });
});

describe('ConnManager — refills of one turn and a chooser that reads the state', () => {
  /** Per call of getNewAddress: how many live requests have an address in the state it can see. */
  const picksSeen = (chooser: 'parameter' | 'getter' | 'none') =>
    runManagerTest((t) => {
      t.net.defaultDial = '-#';
      const seen: number[] = [];
      let n = 0;
      const withAddr = (s: { requests: { values(): Iterable<{ addr: unknown }> } }) =>
        [...s.requests.values()].filter((e) => e.addr).length;
      const cm = t.manager({
        targetOutbound: 4,
        maxFailedAttempts: Infinity,
        getNewAddress:
          chooser === 'parameter'
            ? (state) => (seen.push(withAddr(state)), `x${n++}`)
            : chooser === 'getter'
              ? () => (seen.push(withAddr(cm.state)), `x${n++}`)
              : () => `x${n++}`,
      });
      const refills: number[] = [];
      cm.actions$.subscribe((a) => {
        if (a.type === 'refill') refills.push(a.requests.length);
      });
      t.at(0, () => cm.start());
      t.at(5, () => cm.stop());
      return () => ({ seen, refills });
    });

  it('a chooser that declares a state parameter sees every earlier pick of the turn: one request per refill', () => {
    const { seen, refills } = picksSeen('parameter');
    expect(seen.slice(0, 4)).to.deep.equal([0, 1, 2, 3]);
    expect(refills.length).to.be.greaterThan(4);
    expect(refills.every((size) => size === 1)).to.equal(true);
  });

  it('so does one that declares none but reads cm.state: the manager sees it read the state', () => {
    const { seen, refills } = picksSeen('getter');
    expect(seen.slice(0, 4)).to.deep.equal([0, 1, 2, 3]);
    expect(refills.every((size) => size === 1)).to.equal(true);
  });

  it('a chooser that reads nothing gets a turn of refills folded in one step', () => {
    const { refills } = picksSeen('none');
    expect(refills[0]).to.equal(4);
    expect(refills.length).to.be.greaterThan(2);
    expect(refills.every((size) => size === 4)).to.equal(true);
  });
});
