import { expect } from 'chai';
import { handleJsonRpc } from '../../lib/rpc/handleJsonRpc.js';
import { RPC_METHODS, type RpcMethod } from '../../lib/rpc/rpcMethods.js';
import { RpcError } from '../../lib/rpc/RpcError.js';
import { fakeRpcNode, peer } from './fakeRpcNode.js';
import { type RpcReplyJson, parseRpcReply } from './rpcReplyJson.js';

/** Answers `body` against two fake peers; `J` is the reply's shape, a batch's `RpcReplyJson[]`. */
const run = async <J = RpcReplyJson>(body: unknown, methods: ReadonlyMap<string, RpcMethod> = RPC_METHODS, maxBatch?: number) => {
  const { node } = fakeRpcNode([peer(1, '10.0.0.1:8333'), peer(2, '10.0.0.2:8333')]);
  const reply = await handleJsonRpc(typeof body === 'string' ? body : JSON.stringify(body), node, {
    methods,
    ...(maxBatch === undefined ? {} : { maxBatch }),
  });
  return { status: reply.status, json: reply.body === undefined ? undefined : (JSON.parse(reply.body) as J) };
};

describe('rpc/handleJsonRpc', () => {
  it('JSON-RPC 1.0: {result, error: null, id}, HTTP 200', async () => {
    expect(await run({ method: 'getconnectioncount', params: [], id: 'a' })).to.deep.equal({
      status: 200,
      json: { result: 2, error: null, id: 'a' },
    });
  });

  it('JSON-RPC 2.0: {jsonrpc, result, id}; a notification gets 204 and no body', async () => {
    expect(await run({ jsonrpc: '2.0', method: 'getconnectioncount', id: 7 })).to.deep.equal({
      status: 200,
      json: { jsonrpc: '2.0', result: 2, id: 7 },
    });
    expect(await run({ jsonrpc: '2.0', method: 'getconnectioncount' })).to.deep.equal({ status: 204, json: undefined });
  });

  it('bad JSON → -32700 (HTTP 500, as Core)', async () => {
    const r = await run('{"method": "getpeerinfo", ');
    expect(r.status).to.equal(500);
    expect(r.json).to.deep.equal({ result: null, error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('unknown method → -32601 (1.0: HTTP 404; 2.0: HTTP 200); prototype names are unknown too', async () => {
    const legacy = await run({ method: 'stop', id: 1 });
    expect(legacy.status).to.equal(404);
    expect(legacy.json?.error?.code).to.equal(-32601);
    const v2 = await run({ jsonrpc: '2.0', method: 'constructor', id: 1 });
    expect(v2).to.deep.include({ status: 200 });
    expect(v2.json?.error?.code).to.equal(-32601);
  });

  it('not a request object, or a method that is no string → -32600 (HTTP 400)', async () => {
    for (const body of ['42', '"x"', 'null', { method: 5, id: 1 }, { jsonrpc: '1.5', method: 'getpeerinfo', id: 1 }]) {
      const r = await run(body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.json?.error?.code).to.equal(-32600);
    }
  });

  it('wrong params → -32602 naming the parameter; the method does not run', async () => {
    const { node, calls } = fakeRpcNode();
    const cases: unknown[] = [
      [], // missing both
      ['10.0.0.1:8333'], // missing command
      [42, 'add'], // wrong type
      ['10.0.0.1:8333', 'add', true, 'x'], // too many
      { node: '10.0.0.1:8333', cmd: 'add' }, // unknown name
      'add', // params neither array nor object
      ['x'.repeat(100_000), 'add'], // huge string
    ];
    for (const params of cases) {
      const reply = await handleJsonRpc(JSON.stringify({ method: 'addnode', params, id: 1 }), node, { methods: RPC_METHODS });
      const json = parseRpcReply(reply.body!);
      expect(json.error?.code, JSON.stringify(params).slice(0, 50)).to.equal(-32602);
      expect(reply.body!.length).to.be.below(400); // the huge value is not echoed back
    }
    expect(calls).to.deep.equal([]);
  });

  it('a batch runs in order and answers an array (HTTP 200), errors in place', async () => {
    const r = await run<RpcReplyJson[]>([
      { method: 'getconnectioncount', id: 1 },
      { method: 'nope', id: 2 },
      { jsonrpc: '2.0', method: 'getconnectioncount' },
      5,
    ]);
    expect(r.status).to.equal(200);
    expect(r.json).to.have.length(3);
    expect(r.json?.[0]).to.deep.equal({ result: 2, error: null, id: 1 });
    expect(r.json?.[1]?.error?.code).to.equal(-32601);
    expect(r.json?.[2]?.error?.code).to.equal(-32600);
  });

  it('a batch of 10,000 calls is refused whole with one -32600, before any call runs', async () => {
    let ran = 0;
    const methods = new Map<string, RpcMethod>([['count', { params: [], run: () => ++ran }]]);
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ method: 'count', id: i }));
    const r = await run(batch, methods);
    expect(r.status).to.equal(400);
    expect(r.json?.error).to.deep.equal({ code: -32600, message: 'Batch of 10000 requests is over the limit of 100' });
    expect(ran).to.equal(0);
    expect((await run(batch.slice(0, 100), methods)).json).to.have.length(100);
    expect(ran).to.equal(100);
  });

  it('an unexpected throw → -32603 and onInternalError; an RpcError keeps its code', async () => {
    const seen: string[] = [];
    const methods = new Map<string, RpcMethod>([
      [
        'boom',
        {
          params: [],
          run: () => {
            throw new Error('bug');
          },
        },
      ],
      [
        'typed',
        {
          params: [],
          run: () => {
            throw new RpcError(-8, 'bad value');
          },
        },
      ],
    ]);
    const { node } = fakeRpcNode();
    const boom = await handleJsonRpc('{"method":"boom","id":1}', node, {
      methods,
      onInternalError: (m) => {
        seen.push(m);
      },
    });
    expect(parseRpcReply(boom.body!).error).to.deep.equal({ code: -32603, message: 'Internal error: bug' });
    expect(seen).to.deep.equal(['boom']);
    const typed = await handleJsonRpc('{"method":"typed","id":1}', node, { methods });
    expect(parseRpcReply(typed.body!).error).to.deep.equal({ code: -8, message: 'bad value' });
  });
});
