import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkBasicAuth } from './checkBasicAuth.js';
import { handleJsonRpc } from './handleJsonRpc.js';
import { COOKIE_USER, removeRpcCookie, writeRpcCookie } from './rpcCookie.js';
import { RPC_METHODS, type RpcMethod } from './rpcMethods.js';
import type { RpcNode } from './RpcNode.js';

/**
 * How callers prove who they are: Core's cookie file (a fresh random password written to
 * `cookieFile` at start, removed at stop) or a fixed `user` and `password` (rpcuser/rpcpassword).
 * There is no "no auth": a node's admin port must never be open by mistake.
 */
export type RpcAuth = { readonly cookieFile: string } | { readonly user: string; readonly password: string };

/** What the `/metrics` endpoint serves: a prom-client `Registry` fits. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string> | string;
}

/** Options of {@link RpcServer}. */
export interface RpcServerOptions {
  /** The node the methods act on (see `bindNode`). */
  readonly node: RpcNode;
  readonly auth: RpcAuth;
  /** Interface to listen on. Default `'127.0.0.1'`: an admin port is local unless you say otherwise. */
  readonly host?: string;
  /** Port. Default 0: one from the OS (see {@link RpcServer.address}). */
  readonly port?: number;
  /** Bytes of body at most; a bigger one gets 413 and is not read further. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Calls per batch at most. Default 100. */
  readonly maxBatch?: number;
  /** ms to receive a request's headers (slowloris). Default 10,000. */
  readonly headersTimeout?: number;
  /** ms to receive a whole request. Default 30,000. */
  readonly requestTimeout?: number;
  /** ms a connection may sit silent before it is closed. Default 60,000. */
  readonly idleTimeout?: number;
  /** Open connections at most; more are dropped at once. Default 32. */
  readonly maxConnections?: number;
  /** A `/metrics` endpoint (GET). Default none. */
  readonly metrics?: {
    readonly source: MetricsSource;
    /** Default `'/metrics'`. */
    readonly path?: string;
    /** Serve it without auth (for a scraper on a trusted host). Default `false`. */
    readonly public?: boolean;
  };
  /** The methods. Default {@link RPC_METHODS} (Core's network RPCs). */
  readonly methods?: ReadonlyMap<string, RpcMethod>;
  /** Told about bugs: a method that threw something other than an `RpcError`. */
  readonly onInternalError?: (method: string, error: unknown) => void;
}

/** After refusing a request, how long its sender may take to stop sending before we hang up. */
const REFUSAL_GRACE_MS = 1_000;

/**
 * Bitcoin Core's JSON-RPC server, for a node's operator: JSON-RPC 1.0 and 2.0 over HTTP POST,
 * Basic auth (cookie or user/password, compared in constant time), Core's error codes.
 *
 * - Auth is checked on the headers: a wrong or missing one gets 401 and its body is never read.
 * - A body over `maxBodyBytes` gets 413 — at once from its `Content-Length`, or as soon as the
 *   streamed bytes pass the limit; nothing past the limit is kept.
 * - Slow clients are cut off by `headersTimeout`, `requestTimeout` and `idleTimeout`;
 *   connections are capped by `maxConnections`.
 * - `stop()` closes the listener and every connection and removes the cookie file.
 *
 * @example
 * ```ts
 * const rpc = new RpcServer({ node: bindNode(node), auth: { cookieFile: '.cookie' } });
 * const { port } = await rpc.start();
 * // curl --user "$(cat .cookie)" -d '{"method":"getpeerinfo","id":1}' http://127.0.0.1:$port/
 * await rpc.stop();
 * ```
 */
export class RpcServer {
  readonly #options: RpcServerOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #methods: ReadonlyMap<string, RpcMethod>;
  readonly #maxBodyBytes: number;
  #password: string | undefined;
  #address: AddressInfo | undefined;
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(options: RpcServerOptions) {
    this.#options = options;
    const auth = options.auth as Partial<{ cookieFile: unknown; user: unknown; password: unknown }> | undefined;
    if (
      !auth ||
      (typeof auth.cookieFile !== 'string' && (typeof auth.user !== 'string' || typeof auth.password !== 'string' || auth.password === ''))
    ) {
      throw new TypeError(
        `RpcServer: \`auth\` must be { cookieFile } or { user, password } with a non-empty password, got ${JSON.stringify(Object.keys(auth ?? {}))}`,
      );
    }
    this.#maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes ?? 1_048_576);
    positive('maxBatch', options.maxBatch ?? 100);
    const headersTimeout = positive('headersTimeout', options.headersTimeout ?? 10_000);
    const requestTimeout = positive('requestTimeout', options.requestTimeout ?? 30_000);
    if (headersTimeout > requestTimeout)
      throw new RangeError(`RpcServer: \`headersTimeout\` (${headersTimeout}) must not exceed \`requestTimeout\` (${requestTimeout})`);
    const idleTimeout = positive('idleTimeout', options.idleTimeout ?? 60_000);
    this.#methods = options.methods ?? RPC_METHODS;
    this.#server = createServer(
      {
        headersTimeout,
        requestTimeout,
        // Node checks those two timeouts on this period (30 s by default): check often enough.
        connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
        keepAliveTimeout: Math.min(5_000, idleTimeout),
        maxHeaderSize: 16_384,
      },
      (req, res) => void this.#onRequest(req, res),
    );
    this.#server.maxConnections = positive('maxConnections', options.maxConnections ?? 32);
    this.#server.setTimeout(idleTimeout, (socket) => socket.destroy());
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    // A request Node cannot parse (bad HTTP, headers too big or too slow): answer if we still can.
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      if (socket.writable)
        socket.end(
          `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      socket.destroySoon?.();
    });
  }

  /** The listening address once `start()` resolved. */
  get address(): { readonly host: string; readonly port: number } | undefined {
    return this.#address && { host: this.#address.address, port: this.#address.port };
  }

  /**
   * Writes the cookie (cookie auth) and listens. Resolves with the address; rejects with the
   * listen error (e.g. `EADDRINUSE`), leaving no cookie behind.
   */
  async start(): Promise<{ readonly host: string; readonly port: number }> {
    if (this.#started) throw new Error('RpcServer already started');
    this.#started = true;
    const auth = this.#options.auth;
    if ('cookieFile' in auth) this.#password = await writeRpcCookie(auth.cookieFile);
    try {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if ('cookieFile' in auth) await removeRpcCookie(auth.cookieFile);
      throw error;
    }
    this.#address = this.#server.address() as AddressInfo;
    return this.address!;
  }

  /** Closes the listener and every connection, and removes the cookie file. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      for (const socket of this.#sockets) socket.destroy();
      if (this.#server.listening) await closed;
      const auth = this.#options.auth;
      if ('cookieFile' in auth && this.#password !== undefined) await removeRpcCookie(auth.cookieFile);
    })();
    return this.#stopped;
  }

  #authorized(req: IncomingMessage): boolean {
    const auth = this.#options.auth;
    const [user, password] = 'cookieFile' in auth ? [COOKIE_USER, this.#password ?? ''] : [auth.user, auth.password];
    return password !== '' && checkBasicAuth(req.headers.authorization, user, password);
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const metrics = this.#options.metrics;
      const path = (req.url ?? '/').split('?')[0];
      if (metrics && path === (metrics.path ?? '/metrics')) {
        if (!metrics.public && !this.#authorized(req)) return this.#refuse(req, res, 401, 'Unauthorized');
        if (req.method !== 'GET') return this.#refuse(req, res, 405, 'Method Not Allowed');
        const text = await metrics.source.metrics();
        res.writeHead(200, { 'Content-Type': metrics.source.contentType }).end(text);
        return;
      }
      if (!this.#authorized(req)) return this.#refuse(req, res, 401, 'Unauthorized');
      if (req.method !== 'POST') return this.#refuse(req, res, 405, 'JSONRPC server handles only POST requests');
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.#maxBodyBytes)
        return this.#refuse(req, res, 413, `Body over ${this.#maxBodyBytes} bytes`);
      const body = await this.#readBody(req);
      if (body === undefined) return this.#refuse(req, res, 413, `Body over ${this.#maxBodyBytes} bytes`);
      const reply = await handleJsonRpc(body, this.#options.node, {
        methods: this.#methods,
        ...(this.#options.maxBatch === undefined ? {} : { maxBatch: this.#options.maxBatch }),
        ...(this.#options.onInternalError ? { onInternalError: this.#options.onInternalError } : {}),
      });
      if (reply.body === undefined) res.writeHead(reply.status).end();
      else res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(`${reply.body}\n`);
    } catch (error) {
      // A socket that broke mid-request, a metrics source that threw: answer if we still can.
      if (!res.headersSent) this.#refuse(req, res, 500, 'Internal Server Error');
      this.#options.onInternalError?.('(http)', error);
    }
  }

  /** The body as text, or `undefined` as soon as it passes the limit (the rest is not kept). */
  #readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.#maxBodyBytes) {
          req.off('data', onData);
          chunks.length = 0;
          req.pause();
          resolve(undefined);
        } else chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  /** Answers `status` and hangs up: the rest of the body is never read, a sender that keeps on is cut off. */
  #refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
    const socket = req.socket;
    res.shouldKeepAlive = false;
    const headers: Record<string, string> = { 'Content-Type': 'text/plain', Connection: 'close' };
    if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="jsonrpc"';
    res.writeHead(status, headers).end(`${text}\n`, () => {
      const timer = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    });
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`RpcServer: \`${name}\` must be a finite number > 0, got ${String(value)}`);
  return value;
}
