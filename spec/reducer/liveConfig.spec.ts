import { expect } from 'chai';
import { initialState, type ConnManagerState } from '../../lib/model/state.js';
import { reduce } from '../../lib/reducer/reduce.js';
import { config, req } from './reducerFixtures.js';

type S = ConnManagerState<string, string>;

describe('reduce — configure and network actions', () => {
  it('configure before start changes the config only; start then fills the new target', () => {
    const s0 = initialState<string, string>(config());
    const s1 = reduce(s0, { type: 'configure', config: { targetOutbound: 5 }, at: 0 });
    expect(s1.emitted).to.deep.equal([{ type: 'configured', from: { targetOutbound: 2 }, to: { targetOutbound: 5 } }]);
    expect(s0.config.targetOutbound).to.equal(2); // the old snapshot is untouched
    const s2 = reduce(s1, { type: 'start', at: 1 });
    expect(s2.emitted).to.deep.include({ type: 'refillScheduled', count: 5, delay: 0 });
  });

  it('a configure that changes nothing, and any configure or network action after stop, return the very same state', () => {
    const running = reduce(initialState<string, string>(config()), { type: 'start', at: 0 });
    expect(reduce(running, { type: 'configure', config: { targetOutbound: 2, maxInbound: 2 }, at: 1 })).to.equal(running);
    const stopped = reduce(running, { type: 'stop', at: 2 });
    expect(reduce(stopped, { type: 'configure', config: { targetOutbound: 9 }, at: 3 })).to.equal(stopped);
    expect(reduce(stopped, { type: 'networkDown', at: 3 })).to.equal(stopped);
    const down = reduce(running, { type: 'networkDown', network: 'ipv6', at: 1 });
    expect(reduce(down, { type: 'networkDown', network: 'ipv6', at: 2 })).to.equal(down); // already down
    expect(reduce(running, { type: 'networkUp', at: 1 })).to.equal(running); // nothing was offline
  });

  it('lowering the target forgets the refills scheduled beyond it, so automaticCount + refillsPending stays within it', () => {
    let s: S = reduce(initialState<string, string>(config({ targetOutbound: 4 })), { type: 'start', at: 0 });
    s = reduce(s, { type: 'newConnReq', req: req(1), refill: true, lookup: { kind: 'address', addr: 'a' }, at: 0 });
    expect({ a: s.automaticCount, r: s.refillsPending }).to.deep.equal({ a: 1, r: 3 });
    s = reduce(s, { type: 'configure', config: { targetOutbound: 2 }, at: 1 });
    expect({ a: s.automaticCount, r: s.refillsPending }).to.deep.equal({ a: 1, r: 1 });
    s = reduce(s, { type: 'configure', config: { targetOutbound: 0 }, at: 2 });
    expect(s.emitted.map((e) => e.type)).to.deep.equal(['configured', 'canceled']);
    expect({ a: s.automaticCount, r: s.refillsPending }).to.deep.equal({ a: 0, r: 0 });
  });

  it('a networkOf that throws is reported (callbackError) and the address counts in the default family', () => {
    const cfg = config({
      networkOf: () => {
        throw new Error('bad');
      },
      offlineAfter: 1,
    });
    let s: S = reduce(initialState<string, string>(cfg), { type: 'start', at: 0 });
    s = reduce(s, { type: 'connect', req: req(9, 'p', true), at: 0 });
    s = reduce(s, { type: 'dialFailed', id: 9, attempt: 1, error: 'down', at: 1 });
    expect(s.emitted.map((e) => e.type)).to.deep.equal(['callbackError', 'failed', 'retryScheduled', 'networkOffline']);
    expect(s.emitted.at(-1)).to.deep.equal({ type: 'networkOffline', network: 'default', reason: 'failures' });
  });
});
