import { expect } from 'chai';
import { of } from 'rxjs';
import type { ConnManagerState } from '../../lib/model/state.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

type State = ConnManagerState<string, FakeConn>;

/** The addresses with a live request in `state`, sorted. */
const inUse = (state: State): string[] => [...state.addresses.keys()].sort();

describe('ConnManager getNewAddress(state): the chooser is handed the current state', () => {
  it('each refill asks with the state that holds the requests made before it (their addresses in use)', () => {
    const seen = runManagerTest((t) => {
      t.net.script('n1', '--c');
      t.net.script('n2', '--c');
      t.net.script('n3', '--c');
      const seen: string[][] = [];
      let i = 0;
      const cm = t.manager({
        targetOutbound: 3,
        getNewAddress: (state) => {
          seen.push(inUse(state));
          return `n${++i}`;
        },
      });
      t.at(0, () => cm.start());
      t.at(50, () => cm.stop());
      return seen;
    });
    expect(seen).to.deep.equal([[], ['n1'], ['n1', 'n2']]);
  });

  it('a replacement asks with the state in which the lost request is gone and the others are established', () => {
    const asked = runManagerTest((t) => {
      t.net.script('n1', '--c---x'); // connected at 2, closed by the remote at 6
      t.net.script('n2', '--c');
      t.net.script('n3', '--c');
      const asked: { at: number; inUse: string[]; established: number }[] = [];
      let i = 0;
      const cm = t.manager({
        targetOutbound: 2,
        getNewAddress: (state) => {
          asked.push({ at: t.scheduler.now(), inUse: inUse(state), established: state.establishedCount });
          return `n${++i}`;
        },
      });
      t.at(0, () => cm.start());
      t.at(50, () => cm.stop());
      return asked;
    });
    expect(asked.map((a) => a.inUse)).to.deep.equal([[], ['n1'], ['n2']]);
    expect(asked[2]).to.include({ established: 1 });
    expect(asked[2]!.at).to.be.greaterThan(asked[1]!.at);
  });

  it('newConnReq asks at addressRequested, with the state that holds the new request, still without an address', () => {
    const asked = runManagerTest((t) => {
      t.net.script('n1', '--c');
      t.net.script('n2', '--c');
      const asked: { requests: number; automatic: number; inUse: string[] }[] = [];
      let i = 0;
      const cm = t.manager({
        targetOutbound: 1,
        getNewAddress: (state) => {
          asked.push({ requests: state.requests.size, automatic: state.automaticCount, inUse: inUse(state) });
          return of(`n${++i}`);
        },
      });
      t.at(0, () => cm.start());
      t.at(5, () => cm.remove(1)); // ended for good: no replacement
      t.at(6, () => cm.newConnReq());
      t.at(20, () => cm.stop());
      return asked;
    });
    // The refill at start asks as it makes the request (none yet); newConnReq asks once the request is in.
    expect(asked).to.deep.equal([
      { requests: 0, automatic: 0, inUse: [] },
      { requests: 1, automatic: 1, inUse: [] },
    ]);
  });

  it('a zero-argument getNewAddress still works (backwards compatible)', () => {
    const log = runManagerTest((t) => {
      t.net.script('a', '--c');
      const cm = t.manager({ targetOutbound: 1, getNewAddress: () => 'a' });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(10, () => cm.stop());
      return log;
    });
    expect(log).to.include('2 connected #1 a');
  });
});

describe('ConnManager: the handle of an automatic request that ended', () => {
  it('keeps the address it was given (failed, canceled by stop, disconnected)', () => {
    const r = runManagerTest((t) => {
      t.net.script('n1', '-#'); // refused
      t.net.script('n2', '-c--x'); // connected, then lost
      t.net.script('n3', '-c');
      const order = ['n1', 'n2', 'n3'];
      const cm = t.manager({ targetOutbound: 1, maxFailedAttempts: Infinity, getNewAddress: () => order.shift() ?? [] });
      const ended: string[] = [];
      cm.events$.subscribe((e) => {
        if (e.type === 'failed' || e.type === 'disconnected' || e.type === 'canceled')
          ended.push(`${e.type} ${String(e.req.addr)} ${e.req.state}`);
      });
      t.at(0, () => cm.start());
      t.at(20, () => cm.stop());
      return ended;
    });
    expect(r).to.deep.equal(['failed n1 failing', 'disconnected n2 disconnected', 'disconnected n3 disconnected']);
  });
});
