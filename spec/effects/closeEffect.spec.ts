import { expect } from 'chai';
import { closeEffect, connToClose } from '../../lib/effects/closeEffect.js';
import {
  type Action,
  type Event,
  accepted,
  addressRequested,
  canceled,
  connected,
  dialing,
  discarded,
  disconnected,
  failed,
  inboundClosed,
  makeDeps,
  refillScheduled,
  rejected,
  request,
  retryScheduled,
  started,
  state$,
  stopped,
  testScheduler,
} from './deps.js';

const r7 = request(7, 'a7');

describe('connToClose', () => {
  const table: readonly [string, Event, string | undefined][] = [
    ['disconnected (disconnect)', disconnected(r7, 'a7', 'c', 'disconnect'), 'c'],
    ['disconnected (remove)', disconnected(r7, 'a7', 'c', 'remove'), 'c'],
    ['disconnected (stop)', disconnected(r7, 'a7', 'c', 'stop'), 'c'],
    ['disconnected (closed by itself)', disconnected(r7, 'a7', 'c', 'closed', true), undefined],
    ['rejected (maxInbound)', rejected('c', 'maxInbound'), 'c'],
    ['rejected (notRunning)', rejected('c', 'notRunning'), 'c'],
    ['discarded', discarded('c', 7), 'c'],
    ['inboundClosed (stop)', inboundClosed('c', 1, 'stop'), 'c'],
    ['inboundClosed (closed by itself)', inboundClosed('c', 1, 'closed'), undefined],
    ['connected', connected(r7, 'a7', 'c'), undefined],
    ['accepted', accepted('c', 1), undefined],
    ['started', started(), undefined],
    ['stopped', stopped(), undefined],
    ['addressRequested', addressRequested(r7), undefined],
    ['dialing', dialing(r7, 'a7'), undefined],
    ['failed', failed(r7, 'a7', new Error('x')), undefined],
    ['retryScheduled', retryScheduled(r7, 5, 2), undefined],
    ['refillScheduled', refillScheduled(1, 0), undefined],
    ['canceled', canceled(r7), undefined],
    ['ignored', { type: 'ignored', command: 'disconnect', id: 7, reason: 'unknownId' }, undefined],
    ['listenerError', { type: 'listenerError', listener: 0, error: new Error('x') }, undefined],
    ['callbackError', { type: 'callbackError', source: 'closeConn', error: new Error('x') }, undefined],
  ];
  for (const [name, event, conn] of table) {
    it(`${name} → ${conn === undefined ? 'nothing to close' : 'closes its conn'}`, () => {
      expect(connToClose(event)).to.equal(conn);
    });
  }
});

describe('closeEffect', () => {
  it('calls closeConn for exactly the conns connToClose names, when their events arrive, and emits nothing', () => {
    const scheduler = testScheduler();
    const closes: [string, number][] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-abcdefgh|', {
        a: connected(r7, 'a7', 'out7'),
        b: disconnected(r7, 'a7', 'out7', 'disconnect', true),
        c: disconnected(r7, 'a7', 'gone', 'closed'),
        d: rejected('in-full'),
        e: discarded('late', 7),
        f: inboundClosed('in1', 1, 'closed'),
        g: inboundClosed('in2', 2, 'stop'),
        h: canceled(r7, 'stop'),
      });
      const closeConn = (conn: string) => void closes.push([conn, scheduler.now()]);
      expectObservable(closeEffect(event$, state$, makeDeps(scheduler, { closeConn }))).toBe('---------|');
    });
    expect(closes).to.deep.equal([
      ['out7', 2],
      ['in-full', 4],
      ['late', 5],
      ['in2', 7],
    ]);
  });

  it('a closeConn that throws answers callbackFailed, and the stream goes on closing', () => {
    const scheduler = testScheduler();
    const boom = new Error('close failed');
    const closes: string[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const event$ = hot<Event>('-ab-c-', { a: rejected('bad'), b: rejected('ok'), c: discarded('bad', 9) });
      const closeConn = (conn: string) => {
        closes.push(conn);
        if (conn === 'bad') throw boom;
      };
      const expected = '         -x--x-';
      expectObservable(closeEffect(event$, state$, makeDeps(scheduler, { closeConn }))).toBe(expected, {
        x: { type: 'callbackFailed', source: 'closeConn', error: boom } satisfies Action,
      });
    });
    expect(closes).to.deep.equal(['bad', 'ok', 'bad']);
  });
});
