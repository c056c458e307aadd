import { expect } from 'chai';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { ConnManager } from '../../lib/manager/ConnManager.js';
import { connManager } from '../../lib/manager/connManagerStream.js';
import type { LiveConfig } from '../../lib/model/LiveConfig.js';
import { ConnState } from '../../lib/model/ConnState.js';
import type { ConnReq } from '../../lib/model/ConnReq.js';
import { InvalidOptionError } from '../../lib/shared/InvalidOptionError.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/** Addresses a1, a2, … in order. */
const counter = () => {
  let n = 0;
  return () => `a${++n}`;
};

/** The retry delays in a log, in order. */
const delays = (log: readonly string[]) => log.filter((l) => l.includes('retryScheduled')).map((l) => Number(l.split('+')[1]));

describe('ConnManager — live configuration (issue #13 item 2)', () => {
  it('raising targetOutbound dials up to the new target at once; lowering it closes the youngest automatic requests, not-yet-established first, and none is replaced', () => {
    const r = runManagerTest((t) => {
      t.net.script('a2', '---c'); // still dialing when the target drops at 12
      t.net.script('a4', '-----c');
      const cm = t.manager({ targetOutbound: 1, getNewAddress: counter() });
      const log = t.log(cm);
      const reqs: ConnReq<string>[] = [];
      cm.events$.subscribe((e) => {
        if (e.type === 'dialing' && !reqs.includes(e.req)) reqs.push(e.req);
      });
      t.at(0, () => cm.start());
      t.at(10, () => cm.configure({ targetOutbound: 4 }));
      t.at(12, () => cm.configure({ targetOutbound: 1 }));
      t.at(30, () => cm.stop());
      return () => ({ log, reqs, net: t.net });
    });
    expect(r.log).to.deep.equal([
      '0 started',
      '0 refillScheduled 1 +0',
      '0 dialing #1 a1',
      '0 connected #1 a1',
      '10 configured targetOutbound 1→4',
      '10 refillScheduled 3 +0',
      '10 dialing #2 a2',
      '10 dialing #3 a3',
      '10 dialing #4 a4',
      '10 connected #3 a3',
      '12 configured targetOutbound 4→1',
      // The two still dialing go first (newest first), then the latest connected (#3 at 10, #1 at 0).
      '12 canceled #4 target',
      '12 canceled #2 target',
      '12 disconnected #3 a3 target',
      // No refillScheduled: closed for the target, not replaced. #1 stays until stop.
      '30 disconnected #1 a1 stop',
      '30 stopped',
    ]);
    expect(r.reqs.map((q) => q.state)).to.deep.equal([
      ConnState.Disconnected,
      ConnState.Canceled,
      ConnState.Disconnected,
      ConnState.Canceled,
    ]);
    // The abandoned dials were aborted, and every conn closed exactly once.
    expect(r.net.dials.filter((d) => d.aborted).map((d) => d.addr)).to.have.members(['a2', 'a4']);
    expect(r.net.openConns()).to.deep.equal([]);
  });

  it('lowering targetOutbound leaves permanent and one-shot requests alone: only automatic ones count toward it', () => {
    const log = runManagerTest((t) => {
      const cm = t.manager({ targetOutbound: 2, getNewAddress: counter() });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(5, () => {
        cm.connect('p', { permanent: true });
        cm.connect('o');
      });
      t.at(10, () => cm.configure({ targetOutbound: 0 }));
      t.at(20, () => cm.stop());
      return log;
    });
    expect(log.filter((l) => l.startsWith('10 '))).to.deep.equal([
      '10 configured targetOutbound 2→0',
      '10 disconnected #2 a2 target',
      '10 disconnected #1 a1 target',
    ]);
    expect(log.filter((l) => l.startsWith('20 disconnected'))).to.deep.equal(['20 disconnected #3 p stop', '20 disconnected #4 o stop']);
  });

  it('lowering maxInbound below the admitted count closes the youngest inbound conns (reason limit); later ones are refused', () => {
    const r = runManagerTest((t) => {
      const cm = t.manager({ maxInbound: 5, listeners: [t.net.listener('a-b-c-----d')] });
      const log = t.log(cm);
      t.at(0, () => cm.start());
      t.at(6, () => cm.configure({ maxInbound: 1 }));
      t.at(20, () => cm.stop());
      return () => ({ log, conns: t.net.conns });
    });
    expect(r.log.filter((l) => !l.includes('stop') && !l.includes('started'))).to.deep.equal([
      '0 accepted in:a @1',
      '2 accepted in:b @2',
      '4 accepted in:c @3',
      '6 configured maxInbound 5→1',
      '6 inboundClosed in:c @3 limit',
      '6 inboundClosed in:b @2 limit',
      '10 rejected in:d maxInbound',
    ]);
    expect(r.conns.filter((c) => c.closedBy === 'manager').map((c) => c.name)).to.have.members(['in:a', 'in:b', 'in:c', 'in:d']);
  });

  it('a new backoff applies from the next retry: the retry already waiting keeps its timer, the next failure starts at the new first step', () => {
    const log = runManagerTest((t) => {
      t.net.script('p', '#');
      const cm = t.manager({ retryDuration: 100 }); // btcd's linear 100, 200, 300, …
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('p', { permanent: true });
      });
      t.at(350, () => cm.configure({ backoff: linearBackoff({ step: 1_000, cap: 5_000 }) }));
      t.at(4_000, () => cm.stop());
      return log;
    });
    // Waiting since 300 for +300: still dialed at 600; then 1,000 and 2,000 from the new policy.
    expect(log).to.include.members(['350 configured backoff policy→policy', '600 dialing #1 p', '1600 dialing #1 p', '3600 dialing #1 p']);
    expect(delays(log)).to.deep.equal([100, 200, 300, 1_000, 2_000, 3_000]);
  });

  it('with the default backoff, a new retryDuration is its new step (and the throttle delay)', () => {
    const r = runManagerTest((t) => {
      t.net.script('p', '#');
      const cm = t.manager({ retryDuration: 100 });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('p', { permanent: true });
      });
      t.at(50, () => cm.configure({ retryDuration: 7 }));
      t.at(200, () => cm.stop());
      return () => ({ log, config: cm.state.config });
    });
    expect(delays(r.log).slice(0, 4)).to.deep.equal([100, 7, 14, 21]);
    expect(r.config.retryDuration).to.equal(7);
    expect(r.config.backoff.first().duration).to.equal(7);
  });

  it('a bad value throws InvalidOptionError naming the field, and nothing changes (not even the good fields beside it)', () => {
    const cm = new ConnManager<string, never>({ dial: () => [], targetOutbound: 3, getNewAddress: () => 'a' });
    const events: string[] = [];
    cm.events$.subscribe((e) => events.push(e.type));
    const before = cm.state;
    const bad: [Record<string, unknown>, string][] = [
      [{ targetOutbound: -1 }, 'targetOutbound'],
      [{ targetOutbound: Infinity }, 'targetOutbound'],
      [{ targetOutbound: 2, maxInbound: NaN }, 'maxInbound'],
      [{ maxFailedAttempts: 1.5 }, 'maxFailedAttempts'],
      [{ retryDuration: '5' }, 'retryDuration'],
      [{ minUptime: -3 }, 'minUptime'],
      [{ backoff: {} }, 'backoff'],
      [{ offlineAfter: -1 }, 'offlineAfter'],
      [{ onlineRetryJitter: Infinity }, 'onlineRetryJitter'],
      [{ targetOutbund: 2 }, 'targetOutbund'],
    ];
    for (const [change, field] of bad) {
      expect(() => cm.configure(change), JSON.stringify(change))
        .to.throw(InvalidOptionError, field)
        .with.property('option', field);
    }
    expect(() => cm.configure(null as never)).to.throw(InvalidOptionError, 'config');
    expect(cm.state).to.equal(before);
    expect(events).to.deep.equal([]);
    // Infinity where it means "no limit", like the constructor.
    cm.configure({ maxInbound: Infinity, maxFailedAttempts: Infinity, offlineAfter: Infinity });
    expect(cm.state.config.maxFailedAttempts).to.equal(Infinity);
  });

  it('before start it changes state.config at once; an unchanged value is no change (no event); after stop it is a no-op', () => {
    const r = runManagerTest((t) => {
      const cm = t.manager({ targetOutbound: 1, getNewAddress: counter() });
      const log = t.log(cm);
      cm.configure({ targetOutbound: 3 });
      const idle = cm.state.config.targetOutbound;
      t.at(0, () => cm.start());
      t.at(5, () => cm.configure({ targetOutbound: 3, maxInbound: undefined } as unknown as Partial<LiveConfig>));
      t.at(10, () => cm.stop());
      t.at(11, () => cm.configure({ targetOutbound: 9 }));
      return () => ({ log, idle, final: cm.state.config.targetOutbound });
    });
    expect(r.idle).to.equal(3);
    expect(r.log[0]).to.equal('0 configured targetOutbound 1→3');
    expect(r.log).to.include('0 refillScheduled 3 +0');
    expect(r.log.filter((l) => l.includes('configured'))).to.have.length(1);
    expect(r.final).to.equal(3);
  });

  it('config$: subscribed on start, each value applied as configure(value); a bad one is a callbackError and changes nothing; released on stop', () => {
    const r = runManagerTest((t) => {
      const config$ = t.cold<Partial<LiveConfig>>('--a--b------c', {
        a: { targetOutbound: 2 },
        b: { targetOutbound: -1 },
        c: { maxInbound: 0 },
      });
      const cm = t.manager({ targetOutbound: 1, getNewAddress: counter(), config$ });
      const log = t.log(cm);
      const errors: unknown[] = [];
      cm.events$.subscribe((e) => e.type === 'callbackError' && errors.push(e.error));
      t.at(3, () => cm.start());
      t.at(12, () => cm.stop());
      // Subscribed at start (frame 3), unsubscribed at stop (frame 12), before its `c` at 15.
      t.expectSubscriptions(config$.subscriptions).toBe('---^--------!');
      return () => ({ log, errors, config: cm.state.config });
    });
    expect(r.log.filter((l) => /configured|refillScheduled|callbackError/.test(l))).to.deep.equal([
      '3 refillScheduled 1 +0',
      '5 configured targetOutbound 1→2',
      '5 refillScheduled 1 +0',
      '8 callbackError config$',
    ]);
    expect(r.errors[0]).to.be.instanceOf(InvalidOptionError).with.property('option', 'targetOutbound');
    expect(r.config.targetOutbound).to.equal(2);
    expect(r.config.maxInbound).to.equal(Infinity);
  });

  it("connManager()'s command stream takes configure too", () => {
    const targets = runManagerTest((t) => {
      const commands$ = t.cold<{ type: 'configure'; config: Partial<LiveConfig> }>('--a', {
        a: { type: 'configure', config: { targetOutbound: 2 } },
      });
      const seen: number[] = [];
      const sub = connManager(
        { ...t.net.connOptions(), scheduler: t.scheduler, getNewAddress: counter(), targetOutbound: 1 },
        commands$,
      ).subscribe((s) => seen.push(s.automaticCount));
      t.at(10, () => sub.unsubscribe());
      return seen;
    });
    expect(Math.max(...targets)).to.equal(2);
  });
});
