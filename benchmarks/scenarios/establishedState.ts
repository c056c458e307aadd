import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import type { ConnAction } from '../../lib/model/actions.js';
import { bindConnReq, ConnReq } from '../../lib/model/ConnReq.js';
import { initialState, type ConnManagerState, type ReducerConfig } from '../../lib/model/state.js';
import { reduce } from '../../lib/reducer/reduce.js';

/**
 * A reducer state holding `addrs.length` established permanent connections (ids 1…n, `conns[i]`
 * for id i + 1), built by `reduce` itself — connect, then dial succeeded — as a manager would.
 */
export function establishedState<C>(addrs: readonly string[], conns: readonly C[]): ConnManagerState<string, C> {
  const config: ReducerConfig<string> = {
    targetOutbound: 0,
    maxFailedAttempts: 25,
    retryDuration: 5_000,
    maxInbound: Infinity,
    minUptime: 0,
    backoff: linearBackoff({ step: 5_000, cap: 300_000 }),
    automatic: false,
    addressKey: (a) => a,
  };
  // Ids are the manager's to give; the reducer only reads them, and nobody reads the live view here.
  const view = { lookup: () => undefined };
  let s = reduce(initialState<string, C>(config), { type: 'start', at: 0 });
  for (let i = 0; i < addrs.length; i++) {
    const id = i + 1;
    const req = new ConnReq<string>(addrs[i], { permanent: true });
    bindConnReq(req, id, view);
    s = reduce(s, { type: 'connect', req, at: 0 });
    s = reduce(s, { type: 'dialSucceeded', id, attempt: 1, conn: conns[i], at: 0 } as ConnAction<string, C>);
  }
  if (s.establishedCount !== addrs.length) throw new Error(`establishedState: ${s.establishedCount} of ${addrs.length} established`);
  return s;
}
