import { Subject, type Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';

/**
 * A connection in virtual time: what `FakeNetwork` dials and accepts. It records who closed it
 * and when, so a spec can assert "closed exactly once, by the manager, at frame 7".
 */
export class FakeConn {
  /** How many times `close()` was called (a well-behaved manager: at most 1). */
  closeCount = 0;
  /** Scheduler time of the first close. */
  closedAt: number | undefined;
  /** `'manager'` when `close()` was called first, `'self'` when the script closed it. */
  closedBy: 'manager' | 'self' | undefined;
  readonly #closed = new Subject<void>();
  readonly #scheduler: SchedulerLike;

  /**
   * @param name - a readable name: `"a#1"` is the first outbound conn to `a`, `"in:b"` an inbound one
   * @param addr - the address it was dialed at (or the listener marble's letter)
   * @param direction - `'outbound'` (dialed) or `'inbound'` (accepted)
   */
  constructor(
    readonly name: string,
    readonly addr: string,
    readonly direction: 'outbound' | 'inbound',
    scheduler: SchedulerLike,
  ) {
    this.#scheduler = scheduler;
  }

  /** True once closed by anyone. */
  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Emits once when the conn closes, then completes: pass `conn => conn.closed$` as `connClosed`. */
  get closed$(): Observable<void> {
    return this.#closed.asObservable();
  }

  /** Closes it from our side (the manager's `closeConn`). Counts every call. */
  close(): void {
    this.closeCount++;
    this.#end('manager');
  }

  /** Closes it from the far side (a script's `x`). */
  closeRemotely(): void {
    this.#end('self');
  }

  #end(by: 'manager' | 'self'): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = by;
    this.closedAt = this.#scheduler.now();
    this.#closed.next();
    this.#closed.complete();
  }

  /** The name, so marble values and failure messages read well. */
  toString(): string {
    return this.name;
  }
}
