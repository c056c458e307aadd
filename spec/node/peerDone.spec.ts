import { expect } from 'chai';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { ConnReq } from '../../lib/model/ConnReq.js';
import { initialState, type ConnManagerState } from '../../lib/model/state.js';
import { peerDoneCommands } from '../../lib/node/peerDone.js';
import { reduce } from '../../lib/reducer/reduce.js';

function established(kind: 'permanent' | 'automatic' | 'oneShot'): ConnManagerState<string, string> {
  let s = initialState<string, string>({
    targetOutbound: 1, maxFailedAttempts: 25, retryDuration: 10, maxInbound: 0, minUptime: 0,
    backoff: linearBackoff({ step: 10, cap: 100 }), automatic: true, addressKey: (a) => a,
  });
  s = reduce(s, { type: 'start', at: 0 });
  const req = new ConnReq<string>(kind === 'automatic' ? undefined : 'a', { permanent: kind === 'permanent' });
  Object.defineProperty(req, 'id', { get: () => 1 });
  if (kind === 'automatic') {
    s = reduce(s, { type: 'newConnReq', req, refill: true, at: 0 });
    s = reduce(s, { type: 'addressResolved', id: 1, addr: 'a', at: 0 });
  } else {
    s = reduce(s, { type: 'connect', req, at: 0 });
  }
  return reduce(s, { type: 'dialSucceeded', id: 1, attempt: 1, conn: 'sock', at: 0 });
}

describe("peerDoneCommands (btcd's server rule)", () => {
  it('permanent → disconnect (reconnect on its backoff)', () => {
    expect(peerDoneCommands(established('permanent'), 1, 'sock')).to.deep.equal(['disconnect']);
  });
  it('automatic → remove, then newConnReq', () => {
    expect(peerDoneCommands(established('automatic'), 1, 'sock')).to.deep.equal(['remove', 'newConnReq']);
  });
  it('one-shot → remove', () => {
    expect(peerDoneCommands(established('oneShot'), 1, 'sock')).to.deep.equal(['remove']);
  });
  it('nothing when the manager already handled the close (a second command would cancel its retry)', () => {
    const s = established('permanent');
    const afterClose = reduce(s, { type: 'connClosed', id: 1, conn: 'sock', at: 1 });
    expect(peerDoneCommands(afterClose, 1, 'sock')).to.deep.equal([]);
    expect(peerDoneCommands(s, 1, 'another socket')).to.deep.equal([]);
    expect(peerDoneCommands(s, 99, 'sock')).to.deep.equal([]);
  });
});
