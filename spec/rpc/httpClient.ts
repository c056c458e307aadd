import { request } from 'node:http';
import { type RpcReplyJson, parseRpcReply } from './rpcReplyJson.js';

/** What came back from the server over real HTTP. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One HTTP request on 127.0.0.1 with an optional Basic `user:password`. */
export function httpCall(
  port: number,
  options: { method?: string; path?: string; body?: string; auth?: string; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: {
          ...(options.auth === undefined ? {} : { Authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` }),
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A JSON-RPC call over HTTP: the parsed reply. */
export async function rpcCall<R = unknown>(
  port: number,
  auth: string,
  method: string,
  params: unknown = [],
  jsonrpc?: '2.0',
): Promise<{ status: number; json: RpcReplyJson<R> | undefined }> {
  const body = JSON.stringify({ ...(jsonrpc ? { jsonrpc } : {}), method, params, id: method });
  const reply = await httpCall(port, { body, auth });
  return { status: reply.status, json: reply.text === '' ? undefined : parseRpcReply<R>(reply.text) };
}
