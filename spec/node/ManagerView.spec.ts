import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { ConnManagerState } from '../../lib/model/state.js';
import { ManagerView } from '../../lib/node/ManagerView.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

describe("ManagerView: the node's read model of its manager, fed by state$ alone", () => {
  it('answers from the last snapshot: addresses in use, permanent and automatic requests, the gap to the target', () => {
    const seen = runManagerTest((t) => {
      for (const a of ['p1', 'o1', 'n1', 'n2']) t.net.script(a, '--c');
      t.net.script('p2', '-----'); // a dial that hangs: still a live permanent request
      let n = 0;
      const cm = t.manager({ targetOutbound: 2, getNewAddress: () => `n${++n}` });
      const view = new ManagerView(cm.state$);
      const ask = () => ({
        inUse: ['p1', 'p2', 'o1', 'n1', 'n2', 'x'].filter((a) => view.inUse(a)),
        permanent: view.permanentAddresses(),
        p2: view.permanentRequest('p2'),
        o1: view.permanentRequest('o1'),
        automatic: [...view.automaticIds()],
        requests: view.outboundRequests,
        belowTarget: view.belowTarget,
        latest: view.latest === cm.state,
      });
      const seen: ReturnType<typeof ask>[] = [];
      t.at(0, () => {
        cm.connect('p1', { permanent: true });
        cm.connect('p2', { permanent: true });
        cm.connect('o1');
        cm.start();
      });
      t.at(3, () => seen.push(ask()));
      t.at(4, () => {
        cm.remove(1);
        seen.push(ask());
        view.close();
      });
      t.at(5, () => {
        cm.remove(2);
        seen.push(ask()); // closed: still the snapshot of frame 4
      });
      t.at(10, () => cm.stop());
      return seen;
    });
    // Ids: 1 p1, 2 p2, 3 o1 (queued before start, run after it); 4 n1, 5 n2 the automatic ones.
    const [running, removed, closed] = seen;
    expect(running).to.deep.include({ permanent: ['p1', 'p2'], p2: 2, o1: undefined, requests: 5, latest: true });
    expect(running!.inUse).to.deep.equal(['p1', 'p2', 'o1', 'n1', 'n2']).and.not.include('x');
    expect(running!.automatic.sort()).to.deep.equal([4, 5]);
    expect(running!.belowTarget).to.equal(0);
    expect(removed).to.deep.include({ permanent: ['p2'], requests: 4, latest: true });
    expect(removed!.inUse).not.to.include('p1');
    expect(closed).to.deep.include({ permanent: ['p2'], requests: 4, latest: false });
  });

  it('counts the automatic requests missing from the target, less the replacements scheduled', () => {
    const below = runManagerTest((t) => {
      const cm = t.manager({ targetOutbound: 3, getNewAddress: () => 'a' }); // never dialed: stopped first
      const view = new ManagerView(cm.state$);
      const below: number[] = [view.belowTarget];
      t.at(0, () => {
        cm.start();
        below.push(view.belowTarget);
      });
      t.at(0, () => cm.stop());
      return below;
    });
    // Before start: the whole target is missing; right after, the refill is scheduled (pending), so nothing is.
    expect(below).to.deep.equal([3, 0]);
  });

  it('refuses a state$ that has no current snapshot to give (a plain Subject), with a TypeError', () => {
    expect(() => new ManagerView(new Subject<ConnManagerState<string, FakeConn>>())).to.throw(TypeError, /current snapshot/);
  });
});
