import { from, type Unsubscribable } from 'rxjs';
import type { ConnActionInput } from '../model/actions.js';
import type { EffectDeps } from './Effect.js';
import { defaultConnClosed, watchEmitterClose } from './emitterClosed.js';

/**
 * Watches `conn` until `deps.connClosed(conn)` first fires or completes (nothing more will be said
 * about it), then emits `connClosed` (outbound, with `id`) or `inboundClosed` (inbound, with
 * `inboundId`). Returns the handle that stops watching, or `undefined` when it already answered.
 *
 * A watcher that throws or errors cannot be trusted to report the close, so the conn is closed
 * here — never left open and uncounted — and the failure is emitted as `callbackFailed` before
 * the answer. With the default `connClosed`, the conn's events are watched directly (no
 * Observable and subscriber per conn: one watch lives per live connection).
 */
export function watchClosed<A, C>(
  deps: EffectDeps<A, C>,
  conn: C,
  owner: number,
  inbound: boolean,
  emit: (action: ConnActionInput<A, C>) => void,
): Unsubscribable | undefined {
  const watch = new ConnWatch(deps, conn, owner, inbound, emit);
  return watch.start();
}

class ConnWatch<A, C> implements Unsubscribable {
  #answered = false;
  #watch: Unsubscribable | undefined = undefined;

  constructor(
    private readonly deps: EffectDeps<A, C>,
    private readonly conn: C,
    private readonly owner: number,
    private readonly inbound: boolean,
    private readonly emit: (action: ConnActionInput<A, C>) => void,
  ) {}

  start(): Unsubscribable | undefined {
    const done = (): void => this.#answer();
    try {
      if (this.deps.connClosed === defaultConnClosed) {
        this.#watch = watchEmitterClose(this.conn, done);
      } else {
        this.#watch = from(this.deps.connClosed(this.conn)).subscribe({
          next: done,
          error: (error: unknown) => this.#fail(error),
          complete: done,
        });
      }
    } catch (error) {
      this.#fail(error);
    }
    if (!this.#answered) return this;
    this.#watch?.unsubscribe();
    return undefined;
  }

  unsubscribe(): void {
    this.#answered = true;
    this.#watch?.unsubscribe();
  }

  #answer(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#watch?.unsubscribe();
    const { conn, owner } = this;
    this.emit(this.inbound ? { type: 'inboundClosed', inboundId: owner, conn } : { type: 'connClosed', id: owner, conn });
  }

  #fail(error: unknown): void {
    if (this.#answered) return;
    try {
      this.deps.closeConn(this.conn);
    } catch {
      // Reported below with the watcher's error; the slot is freed either way.
    }
    this.emit({ type: 'callbackFailed', source: 'connClosed', error });
    this.#answer();
  }
}
