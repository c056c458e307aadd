import { TestScheduler } from 'rxjs/testing';

/** `VirtualTime.until` ran out of virtual time before its condition held. */
export class VirtualTimeoutError extends Error {
  override readonly name = 'VirtualTimeoutError';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what}: not within ${ms} virtual ms`);
  }
}

/** Options of {@link VirtualTime}. */
export interface VirtualTimeOptions {
  /** Virtual ms run between two drains of the promise queue. @default 10 */
  readonly step?: number;
}

/**
 * A `TestScheduler` driven by hand, for scenarios whose code awaits promises (a node's `start`
 * and `stop`): `advance` runs the timers due in the next `ms` virtual milliseconds in `step`
 * slices and lets pending promise callbacks run between slices, as Node would between timers.
 * (`TestScheduler.run` cannot await, and its promises are not virtual.)
 *
 * @example
 * const time = new VirtualTime();
 * const node = createNode({ scheduler: time.scheduler, transport: new MemoryNetwork(time.scheduler).transport() });
 * await node.start();
 * await time.until(() => node.peers().length > 0, 60_000, 'a peer');
 */
export class VirtualTime {
  /** The scheduler to hand to the code under test. */
  readonly scheduler = new TestScheduler(() => {
    throw new Error('VirtualTime runs no marble assertions');
  });
  readonly #step: number;

  constructor(options: VirtualTimeOptions = {}) {
    this.#step = options.step ?? 10;
  }

  /** Virtual time now, ms. */
  now(): number {
    return this.scheduler.now();
  }

  /** Runs `ms` virtual milliseconds. */
  async advance(ms: number): Promise<void> {
    const end = this.now() + ms;
    while (this.now() < end) await this.#slice(Math.min(end, this.now() + this.#step));
  }

  /** Runs virtual time until `done()` holds; rejects with {@link VirtualTimeoutError} after `ms`. */
  async until(done: () => boolean, ms: number, what = 'condition'): Promise<void> {
    const end = this.now() + ms;
    await drainPromises();
    while (!done()) {
      if (this.now() >= end) throw new VirtualTimeoutError(what, ms);
      await this.#slice(Math.min(end, this.now() + this.#step));
    }
  }

  async #slice(to: number): Promise<void> {
    const s = this.scheduler;
    s.maxFrames = to;
    s.flush();
    // Time passes even when nothing is due.
    if (s.frame < to) s.frame = to;
    await drainPromises();
  }
}

/** One macrotask hop: every promise callback queued so far has run. */
function drainPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
