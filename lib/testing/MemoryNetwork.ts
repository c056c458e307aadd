import { Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import type { Socket } from 'node:net';
import { SocketAddress } from '../net/SocketAddress.js';
import { AddressInUseError, ConnectionRefusedError, DialTimeoutError } from '../transport/errors.js';
import type { Transport } from '../transport/Transport.js';
import { MemorySocket } from './MemorySocket.js';

/** Options of a {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Delay of a connect and of every write, ms. @default 1 */
  readonly latency?: number;
  /** First port handed out for `port: 0` listeners and for dialers. @default 40000 */
  readonly firstPort?: number;
}

/**
 * An in-process network of `host:port` listeners for node scenarios in virtual time: every
 * connect, byte and close is a timer on the given scheduler (a `TestScheduler`, say), so a
 * scenario of minutes runs in milliseconds and the same way every time. `transport()` is what a
 * node takes as `createNode({ transport })`.
 *
 * @example
 * const scheduler = new TestScheduler(() => {});
 * const net = new MemoryNetwork(scheduler);
 * const a = createNode({ host: '10.0.0.1', transport: net.transport(), scheduler, targetOutbound: 0 });
 */
export class MemoryNetwork {
  readonly #scheduler: SchedulerLike;
  readonly #latency: number;
  #nextPort: number;
  readonly #listeners = new Map<string, Subscriber<Socket>>();
  /** Every end handed out, for `openSockets`. */
  readonly #sockets = new Set<MemorySocket>();

  constructor(scheduler: SchedulerLike, options: MemoryNetworkOptions = {}) {
    this.#scheduler = scheduler;
    this.#latency = options.latency ?? 1;
    this.#nextPort = options.firstPort ?? 40_000;
  }

  /** Ends not closed yet: 0 after every node stopped means nothing leaked. */
  get openSockets(): number {
    let open = 0;
    for (const s of this.#sockets) if (!s.destroyed) open++;
    return open;
  }

  /** Addresses listening now. */
  get listening(): string[] {
    return [...this.#listeners.keys()];
  }

  /** The `Transport` of this network. */
  transport(): Transport {
    return {
      listen: ({ host, port, onListening }) =>
        new Observable<Socket>((subscriber) => {
          const address = SocketAddress.from(host, port === 0 ? this.#nextPort++ : port);
          const key = address.toString();
          if (this.#listeners.has(key)) {
            subscriber.error(new AddressInUseError(key));
            return undefined;
          }
          this.#listeners.set(key, subscriber);
          onListening(address);
          return () => {
            if (this.#listeners.get(key) === subscriber) this.#listeners.delete(key);
          };
        }),
      dial: (addr, { timeout, localAddress, scheduler }) =>
        new Observable<Socket>((subscriber) => {
          const key = addr.toString();
          const connect = this.#scheduler.schedule(() => {
            const listener = this.#listeners.get(key);
            if (!listener) {
              subscriber.error(new ConnectionRefusedError(key));
              return;
            }
            const [mine, theirs] = MemorySocket.pair(
              { host: localAddress, port: this.#nextPort++ },
              { host: addr.host, port: addr.port },
              this.#scheduler,
              this.#latency,
            );
            this.#sockets.add(mine);
            this.#sockets.add(theirs);
            listener.next(theirs.asSocket());
            subscriber.next(mine.asSocket());
            subscriber.complete();
          }, this.#latency);
          const timer = Number.isFinite(timeout)
            ? scheduler.schedule(() => subscriber.error(new DialTimeoutError(key, timeout)), timeout)
            : undefined;
          return () => {
            connect.unsubscribe();
            timer?.unsubscribe();
          };
        }),
    };
  }
}
