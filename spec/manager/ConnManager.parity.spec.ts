import { expect } from 'chai';
import { ConnState } from '../../lib/model/ConnState.js';
import { ManagerStoppedError } from '../../lib/model/errors.js';
import type { ConnReq } from '../../lib/model/ConnReq.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/** A getNewAddress that hands out n1, n2, n3, … */
function counter(prefix = 'n'): () => string {
  let i = 0;
  return () => `${prefix}${++i}`;
}

describe('ConnManager — btcd parity', () => {
  describe('2. start', () => {
    it('is idempotent and launches exactly targetOutbound automatic requests', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 3, getNewAddress: counter() });
        t.at(0, () => {
          cm.start();
          cm.start();
        });
        t.at(1, () => cm.start());
        return () => ({ cm, net: t.net });
      });
      expect(r.net.dials.map((d) => d.addr)).to.deep.equal(['n1', 'n2', 'n3']);
      expect(r.cm.state.establishedCount).to.equal(3);
    });

    it('counts permanent requests on top of the target (target 3 + 2 permanent = 5)', () => {
      const state = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 3, getNewAddress: counter() });
        t.at(0, () => {
          cm.connect('p1', { permanent: true });
          cm.connect('p2', { permanent: true });
          cm.start();
        });
        return () => cm;
      }).state;
      expect(state.establishedCount).to.equal(5);
      expect(state.automaticCount).to.equal(3);
    });
  });

  describe('3. connect mode (no getNewAddress)', () => {
    it('makes only the requested connections', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 8 });
        const log = t.log(cm);
        t.at(0, () => {
          cm.start();
          cm.connect('p', { permanent: true });
        });
        t.at(5, () => cm.newConnReq());
        return () => ({ cm, net: t.net, log });
      });
      expect(r.net.dials.map((d) => d.addr)).to.deep.equal(['p']);
      expect(r.cm.state.establishedCount).to.equal(1);
      expect(r.log).to.include('5 ignored newConnReq #2 connectMode');
    });
  });

  describe('4. the target is a ceiling', () => {
    it('target 10 with one address always returned (duplicates allowed, as btcd) → exactly 10, never an 11th', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 10, getNewAddress: () => 'a', addressKey: false });
        t.at(0, () => cm.start());
        t.at(50, () => cm.newConnReq()); // one more asked at target: refused
        return () => ({ cm, net: t.net });
      });
      expect(r.net.dialCount('a')).to.equal(10);
      expect(r.cm.state.establishedCount).to.equal(10);
    });

    it('with de-duplication on (the default), one address gives one connection and the rest are throttled failures', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ targetOutbound: 3, getNewAddress: () => 'a', retryDuration: 10, maxFailedAttempts: 4 });
        t.at(0, () => cm.start());
        t.at(100, () => cm.stop());
        return () => ({ cm, net: t.net });
      });
      expect(r.net.dialCount('a')).to.equal(1);
      expect(r.net.conns.filter((c) => c.closedBy === 'manager')).to.have.length(1); // closed by stop
    });
  });

  describe('5. permanent: disconnect vs remove', () => {
    it('disconnect → Pending, then reconnects with the same id and addr; remove → Disconnected, never retried', () => {
      const r = runManagerTest((t) => {
        const cm = t.manager({ retryDuration: 100 });
        const log = t.log(cm);
        let req!: ConnReq<string>;
        const seen: Record<string, ConnState> = {};
        t.at(0, () => {
          cm.start();
          req = cm.connect('p', { permanent: true });
        });
        t.at(10, () => {
          seen.before = req.state;
          cm.disconnect(req.id);
          seen.afterDisconnect = req.state;
        });
        t.at(200, () => {
          seen.reconnected = req.state;
          cm.remove(req.id);
          seen.afterRemove = req.state;
        });
        t.at(10_000, () => cm.stop());
        return () => ({ req: () => req, seen, log, net: t.net });
      });
      expect(r.seen).to.deep.equal({
        before: ConnState.Established,
        afterDisconnect: ConnState.Pending,
        reconnected: ConnState.Established,
        afterRemove: ConnState.Disconnected,
      });
      expect(r.net.dials.map((d) => [d.addr, d.at])).to.deep.equal([
        ['p', 0],
        ['p', 110],
      ]);
      expect(r.log).to.deep.equal([
        '0 started',
        '0 dialing #1 p',
        '0 connected #1 p',
        '10 disconnected #1 p disconnect willReconnect',
        '10 retryScheduled #1 +100',
        '110 dialing #1 p',
        '110 connected #1 p',
        '200 disconnected #1 p remove',
        '10000 stopped',
      ]);
      expect(r.req().state).to.equal(ConnState.Disconnected);
    });
  });

  describe('6. permanent backoff (linear, btcd)', () => {
    it('waits min(n × retryDuration, maxRetryDuration), n from 1, even when retryDuration > cap', () => {
      const delays = (retryDuration: number, maxRetryDuration: number) =>
        runManagerTest((t) => {
          t.net.defaultDial = '#';
          const cm = t.manager({ retryDuration, maxRetryDuration });
          const log = t.log(cm);
          t.at(0, () => {
            cm.start();
            cm.connect('p', { permanent: true });
          });
          t.at(20_000, () => cm.stop());
          return () =>
            log
              .filter((l) => l.includes('retryScheduled'))
              .slice(0, 6)
              .map((l) => Number(l.split('+')[1]));
        });
      expect(delays(1_000, 3_500)).to.deep.equal([1_000, 2_000, 3_000, 3_500, 3_500, 3_500]);
      expect(delays(5_000, 2_000)).to.deep.equal([2_000, 2_000, 2_000, 2_000, 2_000, 2_000]);
    });

    it('resets the count on success: after a success the next retry waits one retryDuration again', () => {
      const r = runManagerTest((t) => {
        t.net.script('p', '#', '#', 'c----x', '#');
        const cm = t.manager({ retryDuration: 100 });
        const log = t.log(cm);
        let req!: ConnReq<string>;
        t.at(0, () => {
          cm.start();
          req = cm.connect('p', { permanent: true });
        });
        const retryCounts: number[] = [];
        t.at(301, () => retryCounts.push(req.retryCount)); // connected at 300
        t.at(1_000, () => cm.stop());
        return () => ({ log, retryCounts });
      });
      const delays = r.log.filter((l) => l.includes('retryScheduled')).map((l) => Number(l.split('+')[1]));
      // fail, fail (100, 200), connect at 300, conn closes at 305 → 100 again, then fail → 200.
      expect(delays.slice(0, 4)).to.deep.equal([100, 200, 100, 200]);
      expect(r.retryCounts).to.deep.equal([0]);
    });
  });

  describe('7. network down: failed-attempt throttling', () => {
    it('target 5, retry 5 ms, stop after 10 ms → at most 75 dials', () => {
      const dials = runManagerTest((t) => {
        t.net.defaultDial = '#';
        const cm = t.manager({ targetOutbound: 5, retryDuration: 5, getNewAddress: counter() });
        t.at(0, () => cm.start());
        t.at(10, () => cm.stop());
        return () => t.net.dials.length;
      });
      expect(dials).to.be.at.most(75);
      // 5 first dials + 24 immediate replacements, then 5 every 5 ms.
      expect(dials).to.equal(5 + 24 + 5);
    });

    it('target 1, maxFailedAttempts 5: five dials at once, then one per retryDuration; a success resets the counter', () => {
      const r = runManagerTest((t) => {
        t.net.defaultDial = '#';
        t.net.script('n8', 'c--x'); // the 8th address connects, then drops at +3
        const cm = t.manager({ targetOutbound: 1, maxFailedAttempts: 5, retryDuration: 10, getNewAddress: counter() });
        t.at(0, () => cm.start());
        t.at(100, () => cm.stop());
        return () => ({ times: t.net.dials.map((d) => d.at), cm });
      });
      // n1..n5 at 0 (failures 1-4 replaced at once, the 5th throttled), n6 at 10, n7 at 20, n8 at 30 connects;
      // the reset counter makes the replacement after its drop (at 33) immediate again.
      expect(r.times.slice(0, 9)).to.deep.equal([0, 0, 0, 0, 0, 10, 20, 30, 33]);
    });
  });

  describe('8. canceling pending requests', () => {
    it('remove on a hanging dial → Canceled; its late result is closed and ignored; never dialed again', () => {
      const r = runManagerTest((t) => {
        t.net.script('slow', '-----c');
        const cm = t.manager({ dialTimeout: 1_000 });
        const log = t.log(cm);
        let req!: ConnReq<string>;
        t.at(0, () => {
          cm.start();
          req = cm.connect('slow', { permanent: true });
        });
        let stateAfterRemove: ConnState | undefined;
        t.at(2, () => {
          cm.remove(req.id);
          stateAfterRemove = req.state;
        });
        t.at(100, () => cm.stop());
        return () => ({ log, net: t.net, stateAfterRemove: () => stateAfterRemove });
      });
      expect(r.stateAfterRemove()).to.equal(ConnState.Canceled);
      expect(r.net.dials).to.have.length(1);
      expect(r.net.dials[0]!.aborted).to.equal(true);
      expect(r.log).to.deep.equal(['0 started', '0 dialing #1 slow', '2 canceled #1 remove', '100 stopped']);
    });

    it('a promise dial that resolves after remove has its conn closed, not leaked', async () => {
      const { ConnManager } = await import('../../lib/manager/ConnManager.js');
      let resolve!: (conn: { closed: number; close(): void }) => void;
      const conn = {
        closed: 0,
        close() {
          this.closed++;
        },
      };
      const cm = new ConnManager<string, typeof conn>({
        dial: () => new Promise((r) => (resolve = r)),
        closeConn: (c) => c.close(),
      });
      cm.start();
      const req = cm.connect('p', { permanent: true });
      cm.remove(req.id);
      expect(req.state).to.equal(ConnState.Canceled);
      resolve(conn);
      await new Promise((r) => setImmediate(r));
      expect(conn.closed).to.equal(1);
      expect(cm.state.establishedCount).to.equal(0);
      cm.stop();
      await cm.wait();
    });

    it('remove on a request waiting for its retry timer → Canceled, the timer never fires a dial', () => {
      const r = runManagerTest((t) => {
        t.net.defaultDial = '#';
        const cm = t.manager({ retryDuration: 50 });
        let req!: ConnReq<string>;
        t.at(0, () => {
          cm.start();
          req = cm.connect('p', { permanent: true });
        });
        t.at(10, () => cm.remove(req.id));
        t.at(500, () => cm.stop());
        return () => ({ dials: t.net.dials.length, req: () => req });
      });
      expect(r.dials).to.equal(1);
      expect(r.req().state).to.equal(ConnState.Canceled);
    });
  });

  describe('9. stop', () => {
    it('closes listeners, cancels dials and timers, closes established conns with their disconnects; idempotent', async () => {
      const r = runManagerTest((t) => {
        t.net.script('hang', '-');
        t.net.script('fail', '#');
        const listener = t.net.listener('-a--b-------c');
        const cm = t.manager({ listeners: [listener], retryDuration: 1_000 });
        const log = t.log(cm);
        let completed = false;
        cm.events$.subscribe({ complete: () => (completed = true) });
        t.at(0, () => {
          cm.start();
          cm.connect('up', { permanent: true });
          cm.connect('hang');
          cm.connect('fail', { permanent: true });
        });
        t.at(5, () => {
          cm.stop();
          cm.stop();
        });
        return () => ({ cm, log, net: t.net, completed: () => completed });
      });
      expect(r.log.slice(-6)).to.deep.equal([
        '5 disconnected #1 up stop',
        '5 canceled #2 stop',
        '5 canceled #3 stop',
        '5 inboundClosed in:a @1 stop',
        '5 inboundClosed in:b @2 stop',
        '5 stopped',
      ]);
      expect(r.net.conns.map((c) => c.name)).to.deep.equal(['up#1', 'in:a', 'in:b']); // 'c' at 12 never accepted
      expect(r.net.openConns()).to.deep.equal([]);
      expect(r.net.conns.every((c) => c.closeCount === 1)).to.equal(true);
      expect(r.net.dials.map((d) => d.addr)).to.deep.equal(['up', 'hang', 'fail']); // the retry timer died
      expect(r.completed()).to.equal(true);
      await r.cm.wait();
      expect(() => r.cm.start()).to.throw(ManagerStoppedError);
      expect(() => r.cm.connect('late')).not.to.throw();
      expect(r.cm.state.requests.size).to.equal(0);
    });

    it('a failure that arrives while stopping is ignored, and a success is closed', () => {
      const r = runManagerTest((t) => {
        t.net.script('a', '--c');
        t.net.script('b', '--#');
        const cm = t.manager({});
        t.at(0, () => {
          cm.start();
          cm.connect('a');
          cm.connect('b');
        });
        t.at(2, () => cm.stop()); // same frame as the results, before them
        return () => t.net;
      });
      expect(r.conns).to.have.length(0); // the dial was unsubscribed before its frame-2 result
      expect(r.dials.every((d) => d.aborted)).to.equal(true);
    });
  });

  describe('10. listeners and maxInbound', () => {
    it('every accepted conn reaches accepted$ (two listeners × two conns)', () => {
      const accepted = runManagerTest((t) => {
        const cm = t.manager({ listeners: [t.net.listener('-a-b'), t.net.listener('--c-d')] });
        const names: string[] = [];
        cm.accepted$.subscribe((e) => names.push(String(e.conn)));
        t.at(0, () => cm.start());
        t.at(10, () => cm.stop());
        return () => names;
      });
      expect(accepted).to.deep.equal(['in:a', 'in:c', 'in:b', 'in:d']);
    });

    it('maxInbound 1: the second is rejected and closed; a third is admitted after the first closes', () => {
      const r = runManagerTest((t) => {
        const listener = t.net.listener('a-b---c--d-e', { a: 4, c: 2 });
        const cm = t.manager({ listeners: [listener], maxInbound: 1 });
        const log = t.log(cm);
        t.at(0, () => cm.start());
        t.at(20, () => cm.stop());
        return () => ({ log, net: t.net });
      });
      expect(r.log.filter((l) => /accepted|rejected|inboundClosed/.test(l))).to.deep.equal([
        '0 accepted in:a @1',
        '2 rejected in:b maxInbound',
        '4 inboundClosed in:a @1 closed',
        '6 accepted in:c @2',
        '8 inboundClosed in:c @2 closed',
        '9 accepted in:d @3',
        '11 rejected in:e maxInbound',
        '20 inboundClosed in:d @3 stop',
      ]);
      expect(r.net.conns.find((c) => c.name === 'in:b')!.closeCount).to.equal(1);
      expect(r.net.conns.find((c) => c.name === 'in:a')!.closeCount).to.equal(0); // closed by itself, not again by us
    });
  });
});

describe('ConnManager — long delays', () => {
  it('clamps a retry delay beyond what a Node timer can hold (2^31−1 ms) instead of firing at once', () => {
    const r = runManagerTest(
      (t) => {
        t.net.defaultDial = '#';
        const cm = t.manager({ retryDuration: 2 ** 32, maxRetryDuration: Infinity });
        t.at(0, () => {
          cm.start();
          cm.connect('p', { permanent: true });
        });
        t.at(2 ** 31, () => cm.stop());
        return () => t.net.dials.map((d) => d.at);
      },
      { maxFrames: 2 ** 32 },
    );
    expect(r).to.deep.equal([0, 2 ** 31 - 1]);
  });
});
