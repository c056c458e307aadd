import { expect } from 'chai';
import { ConnState } from '../../lib/model/ConnState.js';
import type { ConnReq } from '../../lib/model/ConnReq.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/**
 * Parity 11: the full disconnect vs remove table. Each row: a request in some situation, the
 * command, then the request's state right after the command and what happens next.
 */
describe('ConnManager — the disconnect / remove table (parity 11)', () => {
  type Row = { state: ConnState; dials: number; established: number; log: string[] };

  function scenario(setup: {
    target?: number;
    permanent?: boolean;
    automatic?: boolean;
    hang?: boolean;
    command: 'disconnect' | 'remove';
  }): Row {
    return runManagerTest((t) => {
      if (setup.hang) t.net.defaultDial = '-';
      let i = 0;
      const cm = t.manager({
        retryDuration: 100,
        targetOutbound: setup.target ?? 0,
        ...(setup.automatic ? { getNewAddress: () => `n${++i}` } : {}),
      });
      const log = t.log(cm);
      let req: ConnReq<string> | undefined;
      let state!: ConnState;
      t.at(0, () => {
        cm.start();
        if (!setup.automatic) req = cm.connect('p', { permanent: setup.permanent ?? false });
      });
      t.at(10, () => {
        const id = req?.id ?? 1; // automatic requests are numbered from 1 too
        const target = req ?? [...cm.state.requests.values()].find((e) => e.id === id)!.req;
        cm[setup.command](id);
        state = target.state;
      });
      t.at(1_000, () => cm.stop());
      return () => ({ state, dials: t.net.dials.length, established: 0, log: log.filter((l) => !l.startsWith('1000')) });
    });
  }

  it('permanent established + disconnect → Pending, reconnects with the same id', () => {
    const r = scenario({ permanent: true, command: 'disconnect' });
    expect(r.state).to.equal(ConnState.Pending);
    expect(r.dials).to.equal(2);
    expect(r.log).to.include('110 connected #1 p');
  });

  it('permanent established + remove → Disconnected, never retried', () => {
    const r = scenario({ permanent: true, command: 'remove' });
    expect(r.state).to.equal(ConnState.Disconnected);
    expect(r.dials).to.equal(1);
  });

  it('automatic below target + disconnect → Disconnected, and a new request (new id, new address) replaces it', () => {
    const r = scenario({ automatic: true, target: 2, command: 'disconnect' });
    expect(r.state).to.equal(ConnState.Disconnected);
    expect(r.log).to.include.members(['10 disconnected #1 n1 disconnect', '10 refillScheduled 1 +0', '10 connected #3 n3']);
  });

  it('automatic + remove → Disconnected, no replacement (the server asks with newConnReq, as in btcd)', () => {
    const r = scenario({ automatic: true, target: 2, command: 'remove' });
    expect(r.state).to.equal(ConnState.Disconnected);
    expect(r.dials).to.equal(2);
  });

  it('automatic at target + disconnect → Disconnected and replaced, never left Established in no map (btcd bug)', () => {
    // Permanent requests do not count toward the target here, so dropping an automatic conn always
    // leaves a slot; btcd, counting every conn, could leave this request Established in no map.
    const r = scenario({ automatic: true, target: 1, command: 'disconnect' });
    expect(r.state).to.equal(ConnState.Disconnected);
    expect(r.log.filter((l) => l.includes('refillScheduled'))).to.have.length(2); // the start, and one replacement
  });

  it('pending (dial in flight) + disconnect → Canceled, as btcd', () => {
    const r = scenario({ permanent: true, hang: true, command: 'disconnect' });
    expect(r.state).to.equal(ConnState.Canceled);
    expect(r.dials).to.equal(1);
  });

  it('pending (dial in flight) + remove → Canceled', () => {
    const r = scenario({ permanent: false, hang: true, command: 'remove' });
    expect(r.state).to.equal(ConnState.Canceled);
  });

  it('one-shot established + disconnect → Disconnected, not redialed', () => {
    const r = scenario({ permanent: false, command: 'disconnect' });
    expect(r.state).to.equal(ConnState.Disconnected);
    expect(r.dials).to.equal(1);
  });

  it('unknown id → an ignored event, no throw', () => {
    const log = runManagerTest((t) => {
      const cm = t.manager({});
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.disconnect(42);
        cm.remove(43);
      });
      return () => log;
    });
    expect(log).to.deep.equal(['0 started', '0 ignored disconnect #42 unknownId', '0 ignored remove #43 unknownId']);
  });

  it('after stop → no-op, no throw, no event', () => {
    const r = runManagerTest((t) => {
      const cm = t.manager({});
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.stop();
        cm.disconnect(1);
        cm.remove(1);
        cm.newConnReq();
      });
      return () => log;
    });
    expect(r).to.deep.equal(['0 started', '0 stopped']);
  });

  it('a failed one-shot in connect mode ends Failing (btcd leaves it pending forever) and makes no automatic request', () => {
    const r = runManagerTest((t) => {
      t.net.defaultDial = '#';
      const cm = t.manager({});
      let req!: ConnReq<string>;
      t.at(0, () => {
        cm.start();
        req = cm.connect('x');
      });
      t.at(100, () => cm.stop());
      return () => ({ req: () => req, dials: t.net.dials.length });
    });
    expect(r.req().state).to.equal(ConnState.Failing);
    expect(r.dials).to.equal(1);
  });

  it('a failed one-shot in normal mode does not turn into an extra automatic request (btcd bug)', () => {
    const r = runManagerTest((t) => {
      t.net.script('x', '#');
      let i = 0;
      const cm = t.manager({ targetOutbound: 2, getNewAddress: () => `n${++i}` });
      t.at(0, () => {
        cm.start();
        cm.connect('x');
      });
      t.at(100, () => cm.stop());
      return () => ({ automaticDials: t.net.dials.filter((d) => d.addr.startsWith('n')).length });
    });
    expect(r.automaticDials).to.equal(2);
  });

  it('commands before start are queued and take effect on start, in order', () => {
    const r = runManagerTest((t) => {
      const cm = t.manager({});
      const log = t.log(cm);
      const a = cm.connect('a');
      const b = cm.connect('b', { permanent: true });
      cm.remove(a.id);
      const ids = [a.id, b.id];
      t.at(5, () => cm.start());
      return () => ({ log, ids, a });
    });
    expect(r.ids).to.deep.equal([1, 2]);
    expect(r.log).to.deep.equal(['5 started', '5 dialing #1 a', '5 dialing #2 b', '5 canceled #1 remove', '5 connected #2 b']);
    expect(r.a.state).to.equal(ConnState.Canceled);
  });
});
