import { Observable, type ObservableInput, type Unsubscribable } from 'rxjs';

interface EmitterLike {
  on: (...args: unknown[]) => unknown;
  off?: (...args: unknown[]) => unknown;
  removeListener?: (...args: unknown[]) => unknown;
  destroyed?: boolean;
  closed?: boolean;
}

/** What {@link watchEmitterClose} returns for a conn that was already closed: nothing to stop. */
const ALREADY_CLOSED: Unsubscribable = Object.freeze({ unsubscribe() {} });

/**
 * Calls `onClosed` once, on the conn's first `'close'` or `'error'` event — at once if it is
 * already destroyed or closed. Returns the handle that stops watching, or `undefined` when `conn`
 * is not an EventEmitter (nothing can be watched; `onClosed` is never called).
 *
 * Listening to `'error'` matters: a socket error with no listener would crash the process. The
 * watcher is one object and one function, and plain `on` (not `once`, which wraps each listener
 * in two more objects): the manager keeps one per live conn, so this is its memory per connection.
 */
export function watchEmitterClose(conn: unknown, onClosed: () => void): Unsubscribable | undefined {
  const c = conn as EmitterLike | null;
  if (typeof c?.on !== 'function' || (typeof c.off !== 'function' && typeof c.removeListener !== 'function')) return undefined;
  if (c.destroyed === true || c.closed === true) {
    onClosed();
    return ALREADY_CLOSED;
  }
  return new EmitterCloseWatch(c as unknown as NodeJS.EventEmitter, onClosed);
}

class EmitterCloseWatch implements Unsubscribable {
  readonly #done = (): void => {
    if (!this.#stop()) return;
    this.onClosed();
  };
  #watching = true;

  constructor(
    private readonly emitter: NodeJS.EventEmitter,
    private readonly onClosed: () => void,
  ) {
    emitter.on('close', this.#done);
    emitter.on('error', this.#done);
  }

  unsubscribe(): void {
    this.#stop();
  }

  #stop(): boolean {
    if (!this.#watching) return false;
    this.#watching = false;
    // `off` is an alias of `removeListener` on Node's emitters; other emitters may have only one.
    const emitter = this.emitter as EmitterLike;
    const remove = typeof emitter.removeListener === 'function' ? emitter.removeListener : emitter.off!;
    remove.call(emitter, 'close', this.#done);
    remove.call(emitter, 'error', this.#done);
    return true;
  }
}

/**
 * The default `connClosed`: the `'close'` or `'error'` event of an EventEmitter conn (at once if
 * it is already destroyed); never for other values. See {@link watchEmitterClose}, which the
 * manager calls directly when this default is in use.
 */
export function defaultConnClosed(conn: unknown): ObservableInput<unknown> {
  // For a non-emitter watchEmitterClose watches nothing, and this never emits (like NEVER).
  return new Observable<void>((subscriber) =>
    watchEmitterClose(conn, () => {
      subscriber.next();
      subscriber.complete();
    }),
  );
}
