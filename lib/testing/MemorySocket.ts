import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * One end of an in-memory connection with the part of `net.Socket` a `Peer` and a transport
 * handshake use (`pause`/`unshift`/`resume` included): `write` hands
 * the bytes to the other end after `latency` ms on the scheduler (so a TestScheduler drives the
 * traffic), `destroy` closes this end at once and the other one after `latency`, each emitting
 * `'close'` on a later scheduler turn, as a real socket does.
 */
export class MemorySocket extends EventEmitter {
  /** The other end. */
  other: MemorySocket | undefined;
  destroyed = false;
  /** Set when the socket failed (never, in memory). */
  readonly errored: Error | null = null;
  /** Bytes queued and not yet delivered (always 0: delivery is unbounded). */
  readonly writableLength = 0;
  /** Bytes written so far. */
  bytesWritten = 0;
  readonly #scheduler: SchedulerLike;
  readonly #latency: number;
  readonly #pending = new Set<Subscription>();
  /** Received while paused (or before a pending flush), in order. */
  readonly #held: Buffer[] = [];
  #paused = false;

  constructor(
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    scheduler: SchedulerLike,
    latency: number,
  ) {
    super();
    this.#scheduler = scheduler;
    this.#latency = latency;
  }

  /** Makes two connected ends: `[dialer's, listener's]`. */
  static pair(
    from: { host: string; port: number },
    to: { host: string; port: number },
    scheduler: SchedulerLike,
    latency: number,
  ): [MemorySocket, MemorySocket] {
    const a = new MemorySocket(from.host, from.port, to.host, to.port, scheduler, latency);
    const b = new MemorySocket(to.host, to.port, from.host, from.port, scheduler, latency);
    a.other = b;
    b.other = a;
    return [a, b];
  }

  /** This end as the `net.Socket` a `Peer` or a node takes (it implements the part they use). */
  asSocket(): Socket {
    return this as unknown as Socket;
  }

  /** Whether `pause()` holds incoming bytes back (until `resume()`). */
  isPaused(): boolean {
    return this.#paused;
  }

  /**
   * Holds incoming bytes back: they are kept, in order, and emitted by `resume()`. A transport
   * handshake (BIP324's `negotiateTransport`) pauses the socket it hands over, as on `net.Socket`.
   */
  pause(): this {
    this.#paused = true;
    return this;
  }

  /** Puts bytes back in front of what is held, to be emitted first (as `net.Socket#unshift`). */
  unshift(chunk: Uint8Array): void {
    this.#held.unshift(Buffer.from(chunk));
  }

  /**
   * Lets bytes flow again: what was held (unshifted bytes first) is emitted on a later scheduler
   * turn, as a `net.Socket` does on a later tick, so a reader attached right after can take it.
   */
  resume(): this {
    if (!this.#paused) return this;
    this.#paused = false;
    if (this.#held.length > 0) this.#later(() => this.#flush(), 0);
    return this;
  }

  /** Sends bytes to the other end; dropped when either end is closed. */
  write(bytes: Uint8Array): boolean {
    if (this.destroyed) return false;
    const copy = Buffer.from(bytes);
    this.bytesWritten += copy.length;
    const other = this.other;
    this.#later(() => {
      if (other) other.#receive(copy);
    });
    return true;
  }

  /** Same as `destroy` (no half-open state in memory). */
  end(): this {
    return this.destroy();
  }

  /** Closes this end now (`'close'` on a later turn) and the other end after the latency. */
  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    for (const s of this.#pending) s.unsubscribe();
    this.#pending.clear();
    this.#scheduler.schedule(() => this.emit('close', false));
    const other = this.other;
    if (other && !other.destroyed) {
      this.#scheduler.schedule(() => {
        if (other.destroyed) return;
        other.emit('end');
        other.destroy();
      }, this.#latency);
    }
    return this;
  }

  /** Bytes that reached this end: emitted, or held while paused. */
  #receive(chunk: Buffer): void {
    if (this.destroyed) return;
    if (this.#paused || this.#held.length > 0) this.#held.push(chunk);
    else this.emit('data', chunk);
  }

  #flush(): void {
    while (!this.destroyed && !this.#paused && this.#held.length > 0) this.emit('data', this.#held.shift()!);
  }

  #later(work: () => void, delay = this.#latency): void {
    const s = this.#scheduler.schedule(() => {
      this.#pending.delete(s);
      work();
    }, delay);
    if (!s.closed) this.#pending.add(s);
  }
}
