/**
 * A real DNS server on 127.0.0.1 (UDP, port from the OS) for the DNS seed specs.
 * Nothing ever connects to the addresses it hands out: they are data.
 */
import dns2 from 'dns2';

const { Packet } = dns2;

/** How the server treats one name: records to answer, NXDOMAIN, or silence. */
export type ZoneEntry = { readonly A?: readonly string[]; readonly AAAA?: readonly string[] } | 'nxdomain' | 'drop';

/** A query the server received. */
export interface ReceivedQuery {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | number;
}

/** A running test server. */
export interface DnsTestServer {
  /** `'127.0.0.1:<port>'`, for `Resolver.setServers` / the `servers` option. */
  readonly address: string;
  /** Every query received so far, in order. */
  readonly queries: readonly ReceivedQuery[];
  /** Resolves once a query of `type` for `name` has arrived. */
  waitForQuery(name: string, type: 'A' | 'AAAA'): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server answering from `zone`; unknown names get NXDOMAIN.
 */
export async function startDnsTestServer(zone: Readonly<Record<string, ZoneEntry>>): Promise<DnsTestServer> {
  const queries: ReceivedQuery[] = [];
  const waiters: { name: string; type: string; resolve: () => void }[] = [];
  const server = dns2.createUDPServer((request, send) => {
    for (const question of request.questions) {
      const type = question.type === Packet.TYPE.A ? 'A' : question.type === Packet.TYPE.AAAA ? 'AAAA' : question.type;
      queries.push({ name: question.name, type });
      for (const w of waiters.filter((w) => w.name === question.name && w.type === type)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    const [question] = request.questions;
    if (!question) return;
    const entry = zone[question.name] ?? 'nxdomain';
    if (entry === 'drop') return;
    const response = Packet.createResponseFromRequest(request);
    if (entry === 'nxdomain') {
      response.header.rcode = 3;
    } else {
      const addresses = question.type === Packet.TYPE.A ? entry.A : question.type === Packet.TYPE.AAAA ? entry.AAAA : undefined;
      for (const address of addresses ?? []) {
        response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 60, address }));
      }
    }
    void send(response);
  });
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    queries,
    waitForQuery: (name, type) =>
      queries.some((q) => q.name === name && q.type === type)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ name, type, resolve })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
