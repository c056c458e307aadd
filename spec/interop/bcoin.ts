/**
 * bcoin full nodes (regtest, in memory, loopback only) as child processes, for the interop specs
 * and `npm run interop`. Test code only: the library never depends on bcoin.
 *
 * Every process is started from `bcoin-launch.cjs` (which cuts bcoin's own DNS and non-loopback
 * dials), tracked by pid, and killed with SIGKILL by `kill()`, `dispose()`, `disposeAll()` — and,
 * as a last resort, when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher script run by `node` for each bcoin process. */
export const LAUNCHER = fileURLToPath(new URL('./bcoin-launch.cjs', import.meta.url));

/** bcoin's peer as its RPC `getpeerinfo` shows it (the fields the specs read). */
export interface BcoinPeerInfo {
  readonly id: number;
  /** The remote's address as bcoin sees it, `ip:port`. */
  readonly addr: string;
  /** bcoin's own address as the remote announced it in its version (`addr_recv`). */
  readonly addrlocal: string;
  /** The remote's service bits, 8 hex digits. */
  readonly services: string;
  readonly relaytxes: boolean;
  /** The remote's protocol version. */
  readonly version: number;
  /** The remote's user agent. */
  readonly subver: string;
  readonly inbound: boolean;
  readonly startingheight: number;
  readonly banscore: number;
  readonly pingtime: number;
  readonly bytessent: number;
  readonly bytesrecv: number;
}

/** Whether bcoin is installed, and its version. */
export function bcoinInstalled(): { ok: true; version: string } | { ok: false; reason: string } {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('bcoin/package.json'), 'utf8')) as { version: string };
    require.resolve('bcoin/bin/node');
    return { ok: true, version: pkg.version };
  } catch (error) {
    return { ok: false, reason: `bcoin is not installed (${(error as Error).message.split('\n')[0]}); run npm ci` };
  }
}

/** A port the OS hands out on `host` now (bound on port 0, then closed). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Options of {@link BcoinProcess.start}. */
export interface BcoinOptions {
  /** A label for logs. Default `bcoin`. */
  readonly name?: string;
  /** P2P and HTTP host. Default `127.0.0.1`. */
  readonly host?: string;
  /** P2P port. Default: a free one. */
  readonly port?: number;
  /** HTTP (JSON-RPC) port. Default: a free one. */
  readonly httpPort?: number;
  /** `--only`: the only peers bcoin dials (and its outbound slots = their count). */
  readonly only?: readonly string[];
  /** More bcoin arguments, e.g. `--ban-score=10`. */
  readonly args?: readonly string[];
  /** ms to wait for the P2P and HTTP servers. Default 30,000. */
  readonly startTimeout?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort (a crashed or interrupted run): nothing started here outlives this process.
  process.on('exit', () => {
    for (const child of live)
      if (child.pid !== undefined)
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
  });
}

/**
 * One bcoin node: `--network=regtest --memory=true --workers=false --no-wallet=true --listen=true
 * --seeds=,` on loopback, with its HTTP JSON-RPC (no API key: bcoin needs none for local calls).
 * It can be killed and restarted on the same ports.
 */
export class BcoinProcess {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  /** bcoin's `--prefix` (removed by `dispose`). */
  readonly prefix: string;
  readonly #args: string[];
  readonly #startTimeout: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log = '';
  #starts = 0;

  private constructor(name: string, host: string, port: number, httpPort: number, options: BcoinOptions) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.httpPort = httpPort;
    this.prefix = mkdtempSync(join(tmpdir(), 'rx-connmgr-bcoin-'));
    this.#startTimeout = options.startTimeout ?? 30_000;
    this.#args = [
      '--network=regtest',
      '--memory=true',
      '--workers=false',
      '--no-wallet=true',
      '--listen=true',
      `--host=${host}`,
      `--port=${port}`,
      '--seeds=,',
      `--http-host=${host}`,
      `--http-port=${httpPort}`,
      `--prefix=${this.prefix}`,
      '--log-level=debug',
      ...(options.only && options.only.length > 0 ? [`--only=${options.only.join(',')}`] : []),
      ...(options.args ?? []),
    ];
  }

  /** Starts a node and resolves once its P2P and HTTP servers listen. */
  static async start(options: BcoinOptions = {}): Promise<BcoinProcess> {
    const host = options.host ?? '127.0.0.1';
    // A port found free can be taken before bcoin binds it (by another test run): with ports of
    // our choosing, an EADDRINUSE start is tried again on fresh ones.
    const tries = options.port === undefined || options.httpPort === undefined ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort(host));
      let httpPort = options.httpPort ?? (await freePort(host));
      while (httpPort === port) httpPort = await freePort(host);
      const node = new BcoinProcess(options.name ?? 'bcoin', host, port, httpPort, options);
      try {
        await node.restart();
        return node;
      } catch (error) {
        await node.dispose();
        if (attempt >= tries || !/EADDRINUSE/.test(node.log)) throw error;
      }
    }
  }

  /** `host:port` of its P2P listener. */
  get p2p(): string {
    return `${this.host}:${this.port}`;
  }

  /** The pid of the running process, or undefined. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Everything every run of this node printed (bcoin logs to the console at debug level). */
  get log(): string {
    return this.#log;
  }

  /** Starts the process again on the same ports (after `kill()`). */
  async restart(): Promise<void> {
    if (this.#child) throw new Error(`${this.name} is running (pid ${this.#child.pid})`);
    installExitHook();
    this.#starts++;
    const marker = `--- ${this.name} start #${this.#starts} ---\n`;
    this.#log += marker;
    const from = this.#log.length;
    const child = spawn(process.execPath, [LAUNCHER, ...this.#args], {
      stdio: ['pipe', 'pipe', 'pipe'], // stdin: the child exits when it ends (see bcoin-launch.cjs)
      env: { ...process.env, NODE_BACKEND: process.env.NODE_BACKEND ?? 'js', INTEROP_EXIT_WITH_PARENT: '1' },
    });
    this.#child = child;
    live.add(child);
    const append = (chunk: Buffer): void => {
      this.#log += chunk.toString('utf8');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.#exited = new Promise((resolve) => {
      child.once('close', () => {
        live.delete(child);
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    const ready = (): boolean => {
      const text = this.#log.slice(from);
      return /Pool server listening on/.test(text) && /HTTP server listening on/.test(text);
    };
    const deadline = Date.now() + this.#startTimeout;
    while (!ready()) {
      if (this.#child !== child) {
        const text = this.#log.slice(from);
        // The fatal error is printed bare ("Error: listen EADDRINUSE …"); bcoin's own logged errors are not fatal.
        const lines = text.split('\n');
        const cause =
          (lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.reverse().find((line) => /Error/.test(line)))?.trim() ??
          `exit code ${child.exitCode ?? '?'}`;
        throw new Error(`${this.name} exited before listening: ${cause}\n${text.slice(-2000)}`);
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.name} did not listen within ${this.#startTimeout} ms:\n${this.#log.slice(from).slice(-2000)}`);
      }
      await sleep(50);
    }
  }

  /** SIGKILL by pid; resolves once the process is gone. A no-op when not running. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child?.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.#exited;
  }

  /** Kills the process and removes its prefix. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.prefix, { recursive: true, force: true });
  }

  /** One JSON-RPC call on bcoin's HTTP server; rejects with bcoin's error message. */
  rpc<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    const body = JSON.stringify({ method, params });
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.httpPort,
          method: 'POST',
          path: '/',
          agent: false, // no keep-alive socket left behind
          timeout: 10_000,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              const reply = JSON.parse(text) as { result: T; error: { message: string } | null };
              if (reply.error) reject(new Error(`${this.name} ${method}: ${reply.error.message}`));
              else resolve(reply.result);
            } catch {
              reject(new Error(`${this.name} ${method}: HTTP ${res.statusCode ?? '?'} ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${this.name} ${method}: timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  getPeerInfo(): Promise<BcoinPeerInfo[]> {
    return this.rpc<BcoinPeerInfo[]>('getpeerinfo');
  }

  /** Polls `probe` every 100 ms until it returns something other than undefined. */
  async until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`${this.name}: ${what} not seen within ${timeoutMs} ms; log tail:\n${this.#log.slice(-2000)}`);
      await sleep(100);
    }
  }

  /** The first log line matching `pattern` (printed after offset `from`), waiting for it. */
  waitForLog(pattern: RegExp, timeoutMs = 20_000, from = 0): Promise<string> {
    return this.until(
      `log line ${pattern}`,
      () =>
        this.#log
          .slice(from)
          .split('\n')
          .find((line) => pattern.test(line)),
      timeoutMs,
    );
  }

  /** Log lines matching `pattern`. */
  logLines(pattern: RegExp): string[] {
    return this.#log.split('\n').filter((line) => pattern.test(line));
  }
}

/** Disposes several nodes at once. */
export async function disposeAll(nodes: Iterable<BcoinProcess | undefined>): Promise<void> {
  await Promise.all([...nodes].filter((n) => n !== undefined).map((n) => n.dispose()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
