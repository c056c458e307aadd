import { expect } from 'chai';
import { distinctUntilChanged, map, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { connManager, type ConnCommand } from '../../lib/manager/connManagerStream.js';
import type { ConnManagerState } from '../../lib/model/state.js';
import type { FakeConn } from '../../lib/testing/FakeConn.js';
import { FakeNetwork } from '../../lib/testing/FakeNetwork.js';

describe('connManager() — the cold Observable entry', () => {
  it('starts a manager on subscribe, follows commands, and stops it (closing every conn) on unsubscribe', () => {
    const scheduler = new TestScheduler((a, e) => {
      expect(a).to.deep.equal(e);
    });
    let net!: FakeNetwork;
    const seen: [number, number][] = [];
    scheduler.run(({ cold }) => {
      net = new FakeNetwork(scheduler);
      net.script('p', '--c');
      const commands = cold<ConnCommand<string>>('-a', { a: { type: 'connect', addr: 'p', permanent: true } });
      let i = 0;
      const established$ = connManager(
        { ...net.connOptions(), scheduler, targetOutbound: 2, getNewAddress: () => `n${++i}` },
        commands,
      ).pipe(
        map((s) => s.establishedCount),
        distinctUntilChanged(),
      );
      const sub = established$.subscribe((n) => seen.push([scheduler.now(), n]));
      scheduler.schedule(() => sub.unsubscribe(), 6);
    });
    // 0 on subscribe; the two automatic conns at 0 (dial marble 'c'); the permanent one at 1 + 2.
    expect(seen).to.deep.equal([
      [0, 0],
      [0, 1],
      [0, 2],
      [3, 3],
    ]);
    expect(net.conns).to.have.length(3);
    expect(net.conns.every((c) => c.closeCount === 1)).to.equal(true); // unsubscribing stopped the manager
  });

  it('is cold: each subscription runs its own manager', () => {
    const scheduler = new TestScheduler(() => {});
    let net!: FakeNetwork;
    scheduler.run(() => {
      net = new FakeNetwork(scheduler);
      const managed = connManager({ ...net.connOptions(), scheduler, targetOutbound: 1, getNewAddress: () => 'a', addressKey: false });
      const s1 = managed.subscribe();
      const s2 = managed.subscribe();
      scheduler.schedule(() => {
        s1.unsubscribe();
        s2.unsubscribe();
      }, 5);
    });
    expect(net.dialCount('a')).to.equal(2);
    expect(net.openConns()).to.have.length(0);
  });

  it('carries classes in commands: connect with a connClass, newConnReq of a class and extra', () => {
    const scheduler = new TestScheduler(() => {});
    let last!: ConnManagerState<string, FakeConn>;
    scheduler.run(({ cold }) => {
      const net = new FakeNetwork(scheduler);
      const commands = cold<ConnCommand<string>>('-ab', {
        a: { type: 'connect', addr: 'f', connClass: 'feeler' },
        b: { type: 'newConnReq', connClass: 'bro', extra: true },
      });
      let i = 0;
      const sub = connManager(
        {
          ...net.connOptions(),
          scheduler,
          targetOutbound: 0,
          classes: { bro: { target: 1 }, feeler: { max: 1 } },
          getNewAddress: () => `n${++i}`,
        },
        commands,
      ).subscribe((s) => (last = s));
      scheduler.schedule(() => sub.unsubscribe(), 5);
      scheduler.schedule(() => {
        expect(last.classCounts['feeler']).to.include({ live: 1 });
        expect(last.classCounts['bro']).to.include({ automatic: 2 }); // its target 1, + the extra
      }, 4);
    });
  });

  it('passes a command stream error to the subscriber', () => {
    const errors: unknown[] = [];
    const commands = new Subject<ConnCommand<string>>();
    const sub = connManager({ dial: () => [] }, commands).subscribe({ error: (e) => errors.push(e) });
    commands.error(new Error('commands broke'));
    sub.unsubscribe();
    expect(errors).to.have.length(1);
  });
});
