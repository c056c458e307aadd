import type { Socket } from 'node:net';
import type { Observable, SchedulerLike } from 'rxjs';
import type { SocketAddress } from '../net/SocketAddress.js';

/** What a node asks of a dial. */
export interface TransportDialOptions {
  /** ms to connect before failing with a timeout error. */
  readonly timeout: number;
  /** Our address to dial from. */
  readonly localAddress: string;
  /** Clock of the timeout. */
  readonly scheduler: SchedulerLike;
}

/** What a node asks of a listener. */
export interface TransportListenOptions {
  readonly host: string;
  /** 0: any free port, reported through `onListening`. */
  readonly port: number;
  /** Called once bound, with the actual address. */
  readonly onListening: (address: SocketAddress) => void;
}

/**
 * The seam between a node and the network: how it opens and accepts byte streams. TCP by default
 * (`tcpTransport`); `MemoryNetwork` in `rx-connmgr/testing` gives an in-process one that runs in
 * virtual time. Both hand out `net.Socket`s (or objects with the part of its surface a `Peer` uses).
 */
export interface Transport {
  /** One connection, as a cold one-shot Observable: a socket then complete, or a typed error. */
  dial(addr: SocketAddress, options: TransportDialOptions): Observable<Socket>;
  /** Accepted connections, cold: subscribing binds, unsubscribing unbinds. */
  listen(options: TransportListenOptions): Observable<Socket>;
}
