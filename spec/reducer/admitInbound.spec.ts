import { expect } from 'chai';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { initialState, type AdmitInbound, type ConnManagerState, type ReducerConfig } from '../../lib/model/state.js';
import { reduce } from '../../lib/reducer/reduce.js';

type S = ConnManagerState<string, string>;

const config = (admitInbound: AdmitInbound<string, string>, maxInbound = 2): ReducerConfig<string, string> => ({
  targetOutbound: 0,
  maxFailedAttempts: 3,
  retryDuration: 100,
  maxInbound,
  minUptime: 0,
  backoff: linearBackoff({ step: 100, cap: 1_000 }),
  automatic: false,
  addressKey: (a) => a,
  admitInbound,
});

const started = (admit: AdmitInbound<string, string>, maxInbound?: number): S =>
  reduce(initialState<string, string>(config(admit, maxInbound)), { type: 'start', at: 0 });

function incoming(s: S, ...conns: string[]): { s: S; events: ConnEvent<string, string>[] } {
  const events: ConnEvent<string, string>[] = [];
  for (const conn of conns) {
    s = reduce(s, { type: 'incoming', conn, listener: 0, at: 7 });
    events.push(...s.emitted);
  }
  return { s, events };
}

describe('reduce: the inbound admission hook', () => {
  it("a refusal is one `rejected` event with the hook's reason, never `accepted` first, and takes no slot", () => {
    const { s, events } = incoming(
      started((conn) => (conn.startsWith('bad') ? { refuse: 'banned' } : undefined)),
      'bad-1',
      'good-1',
    );
    expect(events.map((e) => e.type)).to.deep.equal(['rejected', 'accepted']);
    expect(events[0]).to.deep.include({ type: 'rejected', conn: 'bad-1', reason: 'banned' });
    expect([...s.inbound.values()].map((e) => e.conn)).to.deep.equal(['good-1']);
  });

  it('asks the hook with the newcomer, the state before the step and the step time', () => {
    const seen: [string, number, number][] = [];
    incoming(
      started((conn, state, at) => {
        seen.push([conn, state.inbound.size, at]);
        return undefined;
      }),
      'a',
      'b',
    );
    expect(seen).to.deep.equal([
      ['a', 0, 7],
      ['b', 1, 7],
    ]);
  });

  it('an eviction closes the named inbound conn (`inboundClosed` evicted, for the newcomer) and admits the newcomer in its slot', () => {
    const evictOldest: AdmitInbound<string, string> = (_conn, state) => {
      if (state.inbound.size < state.config.maxInbound) return undefined;
      const oldest = [...state.inbound.values()][0]!;
      return { evict: oldest.inboundId };
    };
    const { s, events } = incoming(started(evictOldest, 2), 'a', 'b', 'c');
    expect(events.map((e) => e.type)).to.deep.equal(['accepted', 'accepted', 'inboundClosed', 'accepted']);
    expect(events[2]).to.deep.include({ type: 'inboundClosed', conn: 'a', inboundId: 1, reason: 'evicted', for: 'c' });
    expect([...s.inbound.values()].map((e) => e.conn)).to.deep.equal(['b', 'c']);
    expect(s.inbound.size).to.equal(2); // never maxInbound + 1, not even for a step
  });

  it('maxInbound still holds when the hook admits without evicting', () => {
    const { s, events } = incoming(
      started(() => undefined, 1),
      'a',
      'b',
    );
    expect(events.at(-1)).to.deep.include({ type: 'rejected', conn: 'b', reason: 'maxInbound' });
    expect(s.inbound.size).to.equal(1);
  });

  it('an eviction naming an unknown id evicts nobody, and the full manager rejects the newcomer', () => {
    const { s, events } = incoming(
      started((_c, state) => (state.inbound.size >= 1 ? { evict: 99 } : undefined), 1),
      'a',
      'b',
    );
    expect(events.map((e) => e.type)).to.deep.equal(['accepted', 'rejected']);
    expect(s.inbound.size).to.equal(1);
  });

  it('is not asked when the manager is not running', () => {
    let asked = 0;
    const s0 = initialState<string, string>(
      config(() => {
        asked++;
        return undefined;
      }),
    );
    const s = reduce(s0, { type: 'incoming', conn: 'a', listener: 0, at: 0 });
    expect(s.emitted[0]).to.deep.include({ type: 'rejected', reason: 'notRunning' });
    expect(asked).to.equal(0);
  });
});

describe('reduce: a throwing admission hook', () => {
  it('refuses that conn with `admitInboundFailed` and reports the error; the next conn is asked again', () => {
    let calls = 0;
    const { s, events } = incoming(
      started(() => {
        if (++calls === 1) throw new Error('boom');
        return undefined;
      }),
      'a',
      'b',
    );
    expect(events.map((e) => e.type)).to.deep.equal(['callbackError', 'rejected', 'accepted']);
    expect(events[0]).to.deep.include({ type: 'callbackError', source: 'admitInbound' });
    expect(events[1]).to.deep.include({ type: 'rejected', conn: 'a', reason: 'admitInboundFailed' });
    expect(s.inbound.size).to.equal(1);
  });
});
