import { expect } from 'chai';
import { defer, delay, of } from 'rxjs';
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

  it('with an address at hand, the fail → replace cycle is two reducer steps and three events per attempt', () => {
    const r = storm((addr) => addr);
    const attempts = r.actions.filter((a) => a.type === 'dialFailed').length;
    expect(attempts).to.be.greaterThan(20);
    const steps = r.actions.filter((a) => a.type === 'newConnReq' || a.type === 'dialFailed' || a.type === 'addressResolved').length;
    expect(r.actions.filter((a) => a.type === 'addressResolved')).to.have.length(0);
    expect(steps).to.be.within(2 * attempts, 2 * attempts + 2); // the last replacements may still be dialing at stop
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
