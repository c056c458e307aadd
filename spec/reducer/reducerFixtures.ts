import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { ConnReq } from '../../lib/model/ConnReq.js';
import type { ReducerConfig } from '../../lib/model/state.js';

/** A small reducer config for the reducer specs: target 2, throttle after 3, inbound 2, linear 100 ms backoff. */
export const config = (over: Partial<ReducerConfig<string>> = {}): ReducerConfig<string> => ({
  targetOutbound: 2,
  maxFailedAttempts: 3,
  retryDuration: 100,
  maxInbound: 2,
  minUptime: 0,
  backoff: linearBackoff({ step: 100, cap: 1_000 }),
  automatic: true,
  addressKey: (a) => a,
  ...over,
});

/** A request with an id, as the manager would hand the reducer. */
export function req(id: number, addr?: string, permanent = false): ConnReq<string> {
  const r = new ConnReq<string>(addr, { permanent });
  // Ids are normally assigned by the manager; the reducer only reads them.
  Object.defineProperty(r, 'id', { get: () => id });
  return r;
}
