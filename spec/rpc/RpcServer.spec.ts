import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcServer, type RpcServerOptions } from '../../lib/rpc/RpcServer.js';
import type { RpcMethod } from '../../lib/rpc/rpcMethods.js';
import { RPC_METHODS } from '../../lib/rpc/rpcMethods.js';
import { fakeRpcNode, peer } from './fakeRpcNode.js';
import { httpCall, rpcCall } from './httpClient.js';
import { parseRpcReply } from './rpcReplyJson.js';

const AUTH = { user: 'alice', password: 's3cret' } as const;
const CREDS = 'alice:s3cret';

describe('rpc/RpcServer (real HTTP on 127.0.0.1)', function () {
  this.timeout(10_000);
  const servers: RpcServer[] = [];
  const sockets: Socket[] = [];
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-rpc-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  /** A raw TCP client of the server, connected; `closed` resolves with all it received once the server hangs up. */
  async function rawClient(port: number): Promise<{ socket: Socket; closed: Promise<string> }> {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return { socket, closed };
  }

  async function serve(options: Partial<RpcServerOptions> = {}) {
    const fake = fakeRpcNode([peer(1, '10.0.0.1:8333')]);
    const server = new RpcServer({ node: fake.node, auth: AUTH, ...options });
    servers.push(server);
    const { port, host } = await server.start();
    return { ...fake, server, port, host };
  }

  it('binds to 127.0.0.1 on an OS port by default and answers a call', async () => {
    const { port, host } = await serve();
    expect(host).to.equal('127.0.0.1');
    expect(port).to.be.above(0);
    expect(await rpcCall(port, CREDS, 'getconnectioncount')).to.deep.equal({
      status: 200,
      json: { result: 1, error: null, id: 'getconnectioncount' },
    });
  });

  it('wrong or missing auth → 401 with WWW-Authenticate, and no method runs', async () => {
    const { port, calls } = await serve();
    const body = JSON.stringify({ method: 'disconnectnode', params: { nodeid: 1 }, id: 1 });
    for (const auth of [undefined, 'alice:wrong', 'bob:s3cret', 'alice:s3cret2', 'alice']) {
      const r = await httpCall(port, { body, ...(auth === undefined ? {} : { auth }) });
      expect(r.status, String(auth)).to.equal(401);
      expect(r.headers['www-authenticate']).to.equal('Basic realm="jsonrpc"');
    }
    const garbled = await httpCall(port, { body, headers: { Authorization: 'Bearer abc' } });
    expect(garbled.status).to.equal(401);
    expect(calls).to.deep.equal([]);
  });

  it('cookie auth: a fresh __cookie__:<64 hex> file, mode 0600, written at start and removed at stop', async () => {
    const cookieFile = join(dir, '.cookie');
    const { port, server } = await serve({ auth: { cookieFile } });
    const cookie = await readFile(cookieFile, 'utf8');
    expect(cookie).to.match(/^__cookie__:[0-9a-f]{64}$/);
    expect((await stat(cookieFile)).mode & 0o777).to.equal(0o600);
    expect((await rpcCall(port, cookie, 'getconnectioncount')).json?.result).to.equal(1);
    expect((await httpCall(port, { body: '{}', auth: '__cookie__:' + '0'.repeat(64) })).status).to.equal(401);
    await server.stop();
    await stat(cookieFile).then(
      () => expect.fail('cookie still there'),
      (e: NodeJS.ErrnoException) => expect(e.code).to.equal('ENOENT'),
    );
    const again = await serve({ auth: { cookieFile } });
    expect(await readFile(cookieFile, 'utf8'), 'a new password per start').to.not.equal(cookie);
    expect(again.port).to.be.above(0);
  });

  it('only POST for RPC: GET → 405', async () => {
    const { port } = await serve();
    expect((await httpCall(port, { method: 'GET', auth: CREDS })).status).to.equal(405);
  });

  it('a body whose Content-Length is over the limit → 413 at once, no method runs', async () => {
    const { port, calls } = await serve({ maxBodyBytes: 1_000 });
    const body = JSON.stringify({ method: 'addnode', params: ['10.0.0.9:1', 'add'], id: 1, pad: 'x'.repeat(2_000) });
    expect((await httpCall(port, { body, auth: CREDS })).status).to.equal(413);
    expect(calls).to.deep.equal([]);
  });

  it('a streamed 100 MB body → 413 as soon as it passes the limit; the sender is stopped early', async () => {
    const { port } = await serve({ maxBodyBytes: 64 * 1024 });
    const chunk = Buffer.alloc(1024 * 1024, 0x20); // 1 MiB of spaces
    const total = 100;
    const result = await new Promise<{ status: number; written: number }>((resolve, reject) => {
      let written = 0;
      let status = 0;
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent: false,
          headers: { Authorization: `Basic ${Buffer.from(CREDS).toString('base64')}`, 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          status = res.statusCode ?? 0;
          res.resume();
          req.destroy();
          resolve({ status, written });
        },
      );
      req.on('error', (e) => (status ? resolve({ status, written }) : reject(e)));
      // A bounded writer: at most 100 chunks, each only after the previous one drained.
      const pump = () => {
        while (written < total && status === 0 && !req.destroyed) {
          written++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (written >= total && !req.destroyed) req.end();
      };
      pump();
    });
    expect(result.status).to.equal(413);
    // Loopback socket buffers hold a few MiB; far from the 100 MiB offered.
    expect(result.written).to.be.below(40);
  });

  it('slowloris: a client trickling headers is cut off by headersTimeout', async () => {
    const { port } = await serve({ headersTimeout: 300, requestTimeout: 600, idleTimeout: 5_000 });
    const { socket, closed } = await rawClient(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    let trickles = 0;
    const timer = setInterval(() => {
      // At most 100 trickles (10 s at 100 ms): the mocha timeout is the backstop.
      if (++trickles > 100 || socket.destroyed) return clearInterval(timer);
      socket.write(`X-${trickles}: y\r\n`);
    }, 100);
    const received = await closed;
    clearInterval(timer);
    expect(received).to.match(/^HTTP\/1\.1 408/);
    expect(trickles).to.be.below(100);
  });

  it('slow body: a client trickling its body is cut off by requestTimeout, and no method runs', async () => {
    const { port, calls } = await serve({ headersTimeout: 200, requestTimeout: 400, idleTimeout: 5_000 });
    const { socket, closed } = await rawClient(port);
    const body = JSON.stringify({ method: 'addnode', params: ['10.0.0.9:1', 'add'], id: 1 });
    socket.write(
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(CREDS).toString('base64')}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const timer = setInterval(() => {
      // One byte per 50 ms, never the whole body (it would take seconds): bounded by its length.
      if (socket.destroyed || sent >= body.length - 1) return clearInterval(timer);
      socket.write(body[sent++]!);
    }, 50);
    const received = await closed;
    clearInterval(timer);
    expect(received).to.match(/^HTTP\/1\.1 408/);
    expect(calls).to.deep.equal([]);
  });

  it('connections over maxConnections are dropped at once; the ones within are served', async () => {
    const { port } = await serve({ maxConnections: 4 });
    const opened = Array.from({ length: 8 }, () => connect(port, '127.0.0.1'));
    sockets.push(...opened);
    const closed = new Set<Socket>();
    await new Promise<void>((resolve) => {
      for (const socket of opened) socket.on('close', () => closed.add(socket).size === 4 && resolve());
    });
    const admitted = opened.filter((socket) => !closed.has(socket));
    expect(admitted).to.have.length(4);
    // Each admitted one still gets an answer (401: no credentials) on its own connection.
    const answers = await Promise.all(
      admitted.map(
        (socket) =>
          new Promise<string>((resolve) => {
            socket.once('data', (d: Buffer) => resolve(d.toString().split('\r\n')[0]!));
            socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
          }),
      ),
    );
    expect(answers).to.deep.equal(Array(4).fill('HTTP/1.1 401 Unauthorized'));
  });

  it('an idle connection that sends nothing is closed by idleTimeout', async () => {
    const { port } = await serve({ idleTimeout: 200, headersTimeout: 5_000, requestTimeout: 5_000 });
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(socket.destroyed).to.equal(true);
  });

  it('a batch of 10,000 calls over HTTP → one -32600 error; the server keeps serving', async () => {
    let ran = 0;
    const methods = new Map<string, RpcMethod>([...RPC_METHODS, ['count', { params: [], run: () => ++ran }]]);
    const { port } = await serve({ methods });
    const body = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ method: 'count', id: i })));
    const r = await httpCall(port, { body, auth: CREDS });
    expect(r.status).to.equal(400);
    expect(parseRpcReply(r.text).error?.code).to.equal(-32600);
    expect(ran).to.equal(0);
    expect((await rpcCall(port, CREDS, 'getconnectioncount')).json?.result).to.equal(1);
  });

  it('bad JSON, unknown method, wrong params over HTTP → Core codes; JSON-RPC 2.0 replies in kind', async () => {
    const { port } = await serve();
    const bad = await httpCall(port, { body: '{"method":', auth: CREDS });
    expect(bad.status).to.equal(500);
    expect(parseRpcReply(bad.text).error?.code).to.equal(-32700);
    expect((await rpcCall(port, CREDS, 'getblock')).json?.error?.code).to.equal(-32601);
    expect((await rpcCall(port, CREDS, 'setban', [{}, 'add'])).json?.error?.code).to.equal(-32602);
    expect(await rpcCall(port, CREDS, 'getconnectioncount', [], '2.0')).to.deep.equal({
      status: 200,
      json: { jsonrpc: '2.0', result: 1, id: 'getconnectioncount' },
    });
  });

  it('a /metrics endpoint: auth-protected by default, public when configured', async () => {
    const source = { contentType: 'text/plain; version=0.0.4', metrics: () => 'rx_test_total 3\n' };
    const guarded = await serve({ metrics: { source } });
    expect((await httpCall(guarded.port, { method: 'GET', path: '/metrics' })).status).to.equal(401);
    const ok = await httpCall(guarded.port, { method: 'GET', path: '/metrics', auth: CREDS });
    expect(ok).to.deep.include({ status: 200, text: 'rx_test_total 3\n' });
    expect(ok.headers['content-type']).to.equal('text/plain; version=0.0.4');
    const open = await serve({ metrics: { source, public: true, path: '/m' } });
    expect((await httpCall(open.port, { method: 'GET', path: '/m' })).status).to.equal(200);
  });

  it('stop() closes the listener and every open connection; idempotent', async () => {
    const { port, server } = await serve();
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await server.stop();
    await server.stop();
    await closed;
    const refused = await httpCall(port, { body: '{}', auth: CREDS }).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(refused).to.equal('ECONNREFUSED');
  });

  it('rejects bad options with a typed error naming the value', () => {
    const { node } = fakeRpcNode();
    expect(() => new RpcServer({ node, auth: {} as never })).to.throw(TypeError, 'auth');
    expect(() => new RpcServer({ node, auth: { user: 'a', password: '' } })).to.throw(TypeError, 'password');
    expect(() => new RpcServer({ node, auth: AUTH, maxBodyBytes: -1 })).to.throw(RangeError, '-1');
    expect(() => new RpcServer({ node, auth: AUTH, headersTimeout: 10, requestTimeout: 5 })).to.throw(RangeError, 'headersTimeout');
  });
});
