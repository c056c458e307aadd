import { deepStrictEqual } from 'node:assert';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { ConnManager } from '../manager/ConnManager.js';
import type { ConnManagerConfig } from '../manager/config.js';
import { describeEvent } from '../model/describeEvent.js';
import type { FakeConn } from './FakeConn.js';
import { FakeNetwork } from './FakeNetwork.js';

/** A manager config for tests: the network parts and the scheduler are filled in. */
export type FakeManagerConfig = Omit<ConnManagerConfig<string, FakeConn>, 'dial' | 'scheduler'> &
  Partial<Pick<ConnManagerConfig<string, FakeConn>, 'dial'>>;

/** What `runManagerTest` hands the test body. */
export interface ManagerTestContext extends RunHelpers {
  readonly scheduler: TestScheduler;
  readonly net: FakeNetwork;
  /** A manager on the fake network and the test scheduler (`dial`, `closeConn`, `connClosed`, `scheduler` filled in). */
  manager(config?: FakeManagerConfig): ConnManager<string, FakeConn>;
  /** Runs `fn` at virtual time `frame` (ms), after whatever was scheduled for that frame before. */
  at(frame: number, fn: () => void): void;
  /** Every event of `cm` from now on, as `"<time> <summary>"` lines (see `describeEvent`). */
  log(cm: ConnManager<string, FakeConn>): string[];
}

/**
 * Runs `body` in virtual time (`TestScheduler.run`) with a `FakeNetwork`, and flushes: every
 * timer, dial and retry of the managers made with `t.manager()` happens in virtual time, and the
 * call returns what `body` returned once the scheduler is idle (or at `maxFrames`). When `body`
 * returns a function, it is called after the flush and its result returned — so values read
 * then (a request's state, a count) are the final ones.
 *
 * @example
 * const log = runManagerTest((t) => {
 *   t.net.script('a', '--c');
 *   const cm = t.manager({ getNewAddress: () => 'a', targetOutbound: 1 });
 *   const log = t.log(cm);
 *   t.at(0, () => cm.start());
 *   t.at(10, () => cm.stop());
 *   return log;
 * });
 * // log: ['0 started', '0 refillScheduled 1 +0', '0 addressRequested #1', '0 dialing #1 a', '2 connected #1 a', …]
 */
export function runManagerTest<T>(body: (t: ManagerTestContext) => () => T, options?: { maxFrames?: number }): T;
export function runManagerTest<T>(body: (t: ManagerTestContext) => T, options?: { maxFrames?: number }): T;
export function runManagerTest<T>(body: (t: ManagerTestContext) => T | (() => T), options: { maxFrames?: number } = {}): T {
  const scheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
  if (options.maxFrames !== undefined) scheduler.maxFrames = options.maxFrames;
  let result!: T | (() => T);
  scheduler.run((helpers) => {
    const net = new FakeNetwork(scheduler);
    result = body({
      ...helpers,
      scheduler,
      net,
      manager: (config = {}) => new ConnManager<string, FakeConn>({ ...net.connOptions(), ...config, scheduler }),
      at: (frame, fn) => {
        scheduler.schedule(fn, frame);
      },
      log: (cm) => {
        const lines: string[] = [];
        cm.events$.subscribe((event) => lines.push(`${scheduler.now()} ${describeEvent(event)}`));
        return lines;
      },
    });
  });
  return typeof result === 'function' ? (result as () => T)() : result;
}
