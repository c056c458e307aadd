import { EventEmitter } from 'node:events';

/**
 * A connection without a socket, for benchmarks: an EventEmitter with `destroy()` and a
 * `'close'` event, like a `net.Socket`, so that rx-connmgr's default `closeConn` and
 * `connClosed` — and any hand-written manager that listens for `'close'` — treat it as one.
 *
 * Closing is synchronous (a socket's `'close'` comes a tick later): benchmarks want the cost of
 * the manager, not of a simulated kernel.
 *
 * @example
 * const conn = new BenchConn('10.0.0.1:8333');
 * conn.once('close', () => console.log('gone'));
 * conn.closeRemotely(); // the peer hung up: 'close' fires, `closedBy` is 'remote'
 */
export class BenchConn extends EventEmitter {
  /** Who closed it first: `'local'` (the manager's `destroy()`) or `'remote'` (the peer). */
  closedBy: 'local' | 'remote' | undefined;

  /** @param addr - the address it was dialed at. */
  constructor(readonly addr: string) {
    super();
  }

  /** True once closed by either side (read by rx-connmgr's default `connClosed`). */
  get destroyed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Closes it from our side: what a manager calls. Idempotent. */
  destroy(): void {
    this.#close('local');
  }

  /** Closes it from the far side: the peer hung up. Idempotent. */
  closeRemotely(): void {
    this.#close('remote');
  }

  #close(by: 'local' | 'remote'): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = by;
    this.emit('close');
  }
}
