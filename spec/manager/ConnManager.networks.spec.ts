import { expect } from 'chai';
import { retryJitter } from '../../lib/backoff/retryJitter.js';
import type { ConnEventOf } from '../../lib/model/events.js';
import type { NetworkSignal } from '../../lib/manager/config.js';
import { InvalidOptionError } from '../../lib/shared/InvalidOptionError.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { runManagerTest } from '../../lib/testing/runManagerTest.js';

/** Addresses a1, a2, … in order. */
const counter = () => {
  let n = 0;
  return () => `a${++n}`;
};

/** Addresses starting with 6 are IPv6, the others IPv4. */
const networkOf = (addr: string) => (addr.startsWith('6') ? 'ipv6' : 'ipv4');

/** The lines of `log` about request `#id`'s retries and failures, without the time. */
const retriesOf = (log: readonly string[], id: number) =>
  log.filter((l) => l.includes(`#${id} `) && /retryScheduled|failed/.test(l)).map((l) => l.split(' ').slice(1).join(' '));

describe('ConnManager — network-aware failures (issue #14 item 5)', () => {
  it('an outage: failures past offlineAfter are not counted and backoffs stay flat; the first success retries the waiting permanents at once, with their jitter', () => {
    const r = runManagerTest((t) => {
      t.net.script('p', '#');
      t.net.script('q', '-#');
      const cm = t.manager({ retryDuration: 100, offlineAfter: 3, onlineRetryJitter: 10 });
      const log = t.log(cm);
      const failed: ConnEventOf<'failed', string, FakeConn>[] = [];
      cm.events$.subscribe((e) => e.type === 'failed' && failed.push(e));
      t.at(0, () => {
        cm.start();
        cm.connect('p', { permanent: true });
        cm.connect('q', { permanent: true });
      });
      t.at(1_000, () => cm.connect('z')); // the first dial that works again
      t.at(1_100, () => cm.stop());
      return () => ({ log, failed });
    });
    // p fails at 0 and 100, q at 1: the third failure in a row (p's at 100) takes the network offline.
    expect(r.log).to.include('100 networkOffline default failures');
    expect(r.failed.slice(0, 3).map((e) => e.counted)).to.deep.equal([true, true, true]);
    expect(r.failed.slice(3, -2).every((e) => !e.counted)).to.equal(true);
    // p's backoff stays on its second step (200), q's on its first (100), through the outage.
    expect(retriesOf(r.log, 1).slice(0, 8)).to.deep.equal([
      'failed #1 p willRetry',
      'retryScheduled #1 +100',
      'failed #1 p willRetry',
      'retryScheduled #1 +200',
      'failed #1 p willRetry uncounted',
      'retryScheduled #1 +200',
      'failed #1 p willRetry uncounted',
      'retryScheduled #1 +200',
    ]);
    // z connects at 1000: back online; both waiting permanents are rescheduled at once, each with
    // the jitter of its (id, attempt) — deterministic, below onlineRetryJitter. p was on its 6th
    // dial (0, 100, 300, 500, 700, 900), q on its 10th (1, 102, 203, … 909; each fails a frame late).
    const at1000 = r.log.filter((l) => l.startsWith('1000 '));
    expect(at1000.slice(0, 3)).to.deep.equal(['1000 dialing #3 z', '1000 connected #3 z', '1000 networkOnline default success 2']);
    const jitters = at1000.slice(3).map((l) => Number(l.split('+')[1]));
    expect(jitters).to.deep.equal([retryJitter(1, 6, 10), retryJitter(2, 10, 10)]);
    for (const j of jitters) expect(j).to.be.within(0, 9);
    expect(r.log).to.include.members([`${1_000 + jitters[0]!} dialing #1 p`, `${1_000 + jitters[1]!} dialing #2 q`]);
    // After the outage failures count again, and the backoff climbs from where it stood.
    expect(r.log.filter((l) => l.includes('#1') && l.includes('retryScheduled')).at(-1)).to.match(/\+300$/);
  });

  it('while offline, automatic failures do not raise failedAttempts; their replacements wait retryDuration (no storm)', () => {
    const r = runManagerTest((t) => {
      t.net.defaultDial = '#';
      const cm = t.manager({ targetOutbound: 1, maxFailedAttempts: 100, retryDuration: 50, offlineAfter: 3, getNewAddress: counter() });
      t.at(0, () => cm.start());
      t.at(220, () => cm.stop());
      let failedAttempts = -1;
      t.at(210, () => (failedAttempts = cm.state.failedAttempts));
      return () => ({ times: t.net.dials.map((d) => d.at), failedAttempts });
    });
    // Three counted failures at once (below the throttle), then offline: one dial per 50 ms.
    expect(r.times).to.deep.equal([0, 0, 0, 0, 50, 100, 150, 200]);
    expect(r.failedAttempts).to.equal(3);
  });

  it('families are independent: an IPv6 outage leaves IPv4 failures counted, and an IPv4 success does not end it', () => {
    const r = runManagerTest((t) => {
      t.net.script('6a', '#');
      t.net.script('6b', '#');
      t.net.script('4p', '#', '#', 'c');
      const cm = t.manager({ retryDuration: 100, offlineAfter: 2, onlineRetryJitter: 10, networkOf });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('6a', { permanent: true });
        cm.connect('6b', { permanent: true });
        cm.connect('4p', { permanent: true });
      });
      t.at(50, () => cm.connect('4x')); // IPv4 works: its count starts again from 0
      t.at(450, () => cm.connect('6c')); // IPv6 works again
      t.at(500, () => cm.stop());
      return () => ({ log, networks: Object.fromEntries(cm.state.networks.entries()) });
    });
    const network = r.log.filter((l) => l.includes('network'));
    expect(network.slice(0, 2)).to.deep.equal(['0 networkOffline ipv6 failures', '450 networkOnline ipv6 success 2']);
    // 6a and 6b, retried at once, fail again (counted): two in a row, IPv6 is offline again.
    expect(network.slice(2)).to.deep.equal([
      `${450 + Math.max(retryJitter(1, 5, 10), retryJitter(2, 5, 10))} networkOffline ipv6 failures`,
    ]);
    // 4p's failures count (its backoff climbs 100 → 200); 6a's do not past the outage (100, 100, …).
    expect(retriesOf(r.log, 3)).to.deep.equal([
      'failed #3 4p willRetry',
      'retryScheduled #3 +100',
      'failed #3 4p willRetry',
      'retryScheduled #3 +200',
    ]);
    expect(retriesOf(r.log, 1).slice(0, 6)).to.deep.equal([
      'failed #1 6a willRetry',
      'retryScheduled #1 +100',
      'failed #1 6a willRetry uncounted',
      'retryScheduled #1 +100',
      'failed #1 6a willRetry uncounted',
      'retryScheduled #1 +100',
    ]);
    // 4p connected at 300 (an IPv4 success): IPv6 still offline, nothing rescheduled then.
    expect(r.log.some((l) => l.startsWith('300 network'))).to.equal(false);
    expect(r.log).to.include('300 connected #3 4p');
    expect(r.log.filter((l) => l.startsWith('450 retryScheduled'))).to.have.length(2);
    expect(r.networks['ipv4']).to.deep.equal({ failures: 0, down: false });
  });

  it('networkDown / networkUp: the user says so; a success meanwhile does not override it; networkUp retries the waiting permanents', () => {
    const r = runManagerTest((t) => {
      t.net.script('p', '#');
      t.net.script('q', '#');
      const cm = t.manager({ retryDuration: 100, onlineRetryJitter: 10 });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('p', { permanent: true });
        cm.connect('q', { permanent: true });
      });
      t.at(50, () => cm.networkDown());
      t.at(60, () => cm.networkDown()); // already down: nothing
      t.at(150, () => cm.connect('z'));
      t.at(250, () => cm.networkUp());
      t.at(260, () => cm.networkUp()); // already up: nothing
      t.at(400, () => cm.stop());
      return log;
    });
    const network = r.filter((l) => l.includes('network'));
    expect(network).to.deep.equal(['50 networkOffline * manual', '250 networkOnline * manual 2']);
    expect(r).to.include.members(['100 failed #1 p willRetry uncounted', '100 retryScheduled #1 +100', '150 connected #3 z']);
    const rescheduled = r
      .filter((l) => l.startsWith('250 retryScheduled'))
      .slice(0, 2)
      .map((l) => Number(l.split('+')[1]));
    expect(rescheduled).to.deep.equal([retryJitter(1, 3, 10), retryJitter(2, 3, 10)]);
  });

  it('networkDown(family) takes one family down and networkUp(family) brings it back; the others go on counting', () => {
    const log = runManagerTest((t) => {
      t.net.script('6a', '#');
      t.net.script('4a', '#');
      const cm = t.manager({ retryDuration: 100, onlineRetryJitter: 10, networkOf });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.networkDown('ipv6');
        cm.connect('6a', { permanent: true });
        cm.connect('4a', { permanent: true });
      });
      t.at(150, () => cm.networkUp('ipv6'));
      t.at(200, () => cm.stop());
      return log;
    });
    expect(log.filter((l) => l.includes('network') || l.includes('failed'))).to.deep.equal([
      '0 networkOffline ipv6 manual',
      '0 failed #1 6a willRetry uncounted',
      '0 failed #2 4a willRetry',
      '100 failed #1 6a willRetry uncounted',
      '100 failed #2 4a willRetry',
      '150 networkOnline ipv6 manual 1',
      // Rescheduled at once (its jitter), and its failure counts again.
      `${150 + retryJitter(1, 2, 10)} failed #1 6a willRetry`,
    ]);
  });

  it('network$: OS-level signals as an input, subscribed on start and released on stop; a malformed one is a callbackError', () => {
    const r = runManagerTest((t) => {
      t.net.script('p', '#');
      const signals = { d: { up: false }, u: { up: true }, x: { up: 'yes' } as unknown as NetworkSignal };
      const network$ = t.cold<NetworkSignal>('--d--x--u------d', signals);
      const cm = t.manager({ retryDuration: 100, onlineRetryJitter: 10, network$ });
      const log = t.log(cm);
      const errors: unknown[] = [];
      cm.events$.subscribe((e) => e.type === 'callbackError' && errors.push(e.error));
      t.at(0, () => {
        cm.start();
        cm.connect('p', { permanent: true });
      });
      t.at(12, () => cm.stop());
      t.expectSubscriptions(network$.subscriptions).toBe('^-----------!');
      return () => ({ log, errors });
    });
    expect(r.log.filter((l) => /network|callbackError/.test(l))).to.deep.equal([
      '2 networkOffline * manual',
      '5 callbackError network$',
      '8 networkOnline * manual 1',
    ]);
    expect(r.errors[0]).to.be.instanceOf(InvalidOptionError).with.property('option', 'network$');
  });
});
