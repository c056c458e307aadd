import { expect } from 'chai';
import sinon from 'sinon';
import { inboundWatchEffect } from '../../lib/effects/inboundWatchEffect.js';
import {
  type Action,
  type Event,
  accepted,
  canceled,
  connected,
  disconnected,
  inboundClosed,
  makeDeps,
  rejected,
  request,
  state$,
  testScheduler,
} from './deps.js';

describe('inboundWatchEffect', () => {
  const closed = (inboundId: number, conn: string): Action => ({ type: 'inboundClosed', inboundId, conn });

  it('watches an accepted conn with deps.connClosed and answers inboundClosed at its first notification', () => {
    const scheduler = testScheduler();
    const connClosed = sinon.spy((_conn: string) => close$);
    let close$!: ReturnType<typeof scheduler.createColdObservable<unknown>>;
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      close$ = cold('----xx|');
      const event$ = hot<Event>('-a--------', { a: accepted('in1', 1, 0) });
      const expected = '         -----z----';
      expectObservable(inboundWatchEffect(event$, state$, makeDeps(scheduler, { connClosed }))).toBe(expected, { z: closed(1, 'in1') });
      expectSubscriptions(close$.subscriptions).toBe('-^---!');
    });
    expect(connClosed.args).to.deep.equal([['in1']]);
  });

  it('a watcher that errors or throws counts as closed: the conn is closed by us and the failure reported', () => {
    const scheduler = testScheduler();
    const seen: [number, string][] = [];
    const closedByUs: string[] = [];
    scheduler.run(({ cold, hot }) => {
      const connClosed = (conn: string) => {
        if (conn === 'in2') throw new Error('not a socket');
        return cold('--#');
      };
      const event$ = hot<Event>('-ab----', { a: accepted('in1', 1), b: accepted('in2', 2) });
      const deps = makeDeps(scheduler, { connClosed, closeConn: (c: string) => void closedByUs.push(c) });
      inboundWatchEffect(event$, state$, deps).subscribe((a) =>
        seen.push([scheduler.now(), a.type === 'inboundClosed' ? `inboundClosed ${a.inboundId}` : a.type]),
      );
    });
    expect(seen).to.deep.equal([
      [2, 'callbackFailed'],
      [2, 'inboundClosed 2'],
      [3, 'callbackFailed'],
      [3, 'inboundClosed 1'],
    ]);
    expect(closedByUs).to.deep.equal(['in2', 'in1']);
  });

  it('is keyed by inboundId: an inboundClosed (stop) ends that watch only', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const w1 = cold('-----x');
      const w2 = cold('-----x');
      const event$ = hot<Event>('-ab-s------', { a: accepted('in1', 1), b: accepted('in2', 2), s: inboundClosed('in1', 1, 'stop') });
      const expected = '         -------z---';
      const connClosed = (conn: string) => (conn === 'in1' ? w1 : w2);
      expectObservable(inboundWatchEffect(event$, state$, makeDeps(scheduler, { connClosed }))).toBe(expected, { z: closed(2, 'in2') });
      expectSubscriptions(w1.subscriptions).toBe('-^--!');
      expectSubscriptions(w2.subscriptions).toBe('--^----!');
    });
  });

  it('outbound events whose request id equals an inbound id do not touch the inbound watch', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const w1 = cold('-----x');
      const r1 = request(1, 'a1');
      const event$ = hot<Event>('-abcd------', {
        a: accepted('in1', 1),
        b: connected(r1, 'a1', 'out1'),
        c: disconnected(r1, 'a1', 'out1', 'disconnect'),
        d: canceled(r1),
      });
      const expected = '         ------z----';
      expectObservable(inboundWatchEffect(event$, state$, makeDeps(scheduler, { connClosed: () => w1 }))).toBe(expected, {
        z: closed(1, 'in1'),
      });
      expectSubscriptions(w1.subscriptions).toBe('-^----!');
    });
  });

  it('a rejected conn is not watched', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-r-', { r: rejected('in9', 'maxInbound') });
      // connClosed is the default double, which throws (and would answer inboundClosed) if called
      expectObservable(inboundWatchEffect(event$, state$, makeDeps(scheduler))).toBe('---');
    });
  });
});
