import type { RefillRequest } from '../model/actions.js';
import type { AddressLookup } from '../model/AddressLookup.js';
import { guard } from '../operators/guard.js';

/**
 * Hands `requests` to `send` one microtask checkpoint later, once every native promise among
 * their lookups has had its chance to settle: a promise that settled by then (`Promise.resolve(addr)`,
 * an `async` chooser that did not await) is an address — or a failure — at hand, so its request
 * goes straight to its dial in the refill's own step, as a plain address does: one reducer step
 * and one event (`addressRequested`) less per replacement. A promise still pending rides on as a
 * source, to the address effect, exactly as before.
 *
 * Only native promises wait: their reactions run in order, so a reaction attached here runs
 * before the `queueMicrotask` queued after it. A foreign thenable may call back whenever it
 * likes, and is sent on as a source at once.
 *
 * @returns whether it will send; `false` (nothing sent) when no lookup is a native promise — the
 *   caller sends at once.
 */
export function sendWhenSettled<A>(requests: readonly RefillRequest<A>[], send: (requests: RefillRequest<A>[]) => void): boolean {
  let answers: (AddressLookup<A> | undefined)[] | undefined;
  for (let i = 0; i < requests.length; i++) {
    const lookup = requests[i]!.lookup;
    if (lookup?.kind !== 'source' || !(lookup.source instanceof Promise)) continue;
    const settled = (answers ??= new Array<AddressLookup<A> | undefined>(requests.length).fill(undefined));
    (lookup.source as Promise<A>).then(
      (addr) => {
        settled[i] = { kind: 'address', addr };
      },
      (error: unknown) => {
        settled[i] = { kind: 'failed', error };
      },
    );
  }
  if (answers === undefined) return false;
  const settled = answers;
  queueMicrotask(() => {
    const batch: RefillRequest<A>[] = [];
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i]!;
      const answer = settled[i];
      batch.push(answer === undefined ? request : { req: request.req, lookup: answer });
    }
    // Off the manager's call stack: a throw must not become an unhandled rejection.
    guard(() => send(batch));
  });
  return true;
}
