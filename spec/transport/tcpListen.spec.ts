import { expect } from 'chai';
import type { Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { type SocketAddress } from '../../lib/net/SocketAddress.js';
import { AddressInUseError, ConnectionRefusedError, InvalidOptionError, TransportError } from '../../lib/transport/errors.js';
import { tcpDial } from '../../lib/transport/tcpDial.js';
import { tcpListen } from '../../lib/transport/tcpListen.js';
import { failureOf, readText, settleTcpHandles, startServer, tcpHandles, turn } from './loopback.js';
import type { TestServer } from './loopback.js';

describe('tcpListen', () => {
  let baseline = 0;
  const servers: TestServer[] = [];
  const sockets: Socket[] = [];
  const dial = async (addr: SocketAddress): Promise<Socket> => {
    const socket = await firstValueFrom(tcpDial(addr));
    socket.on('error', () => socket.destroy());
    sockets.push(socket);
    return socket;
  };
  const serve = async (host?: string): Promise<TestServer> => {
    const server = await startServer(host);
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) server.close();
    for (const socket of sockets.splice(0)) socket.destroy();
    await settleTcpHandles(baseline);
  });

  it('accepts connections that carry data both ways', async () => {
    const server = await serve();
    expect(server.address.host).to.equal('127.0.0.1');
    expect(server.address.port).to.be.above(0);

    const client = await dial(server.address);
    const accepted = await server.nextSocket();
    expect(accepted.remotePort).to.equal(client.localPort);

    const atServer = readText(accepted, 4);
    client.write('ping');
    expect(await atServer).to.equal('ping');
    const atClient = readText(client, 4);
    accepted.write('pong');
    expect(await atClient).to.equal('pong');
  });

  it('works on the IPv6 loopback', async () => {
    const server = await serve('::1');
    expect(server.address.family).to.equal(6);
    expect(server.address.toString()).to.equal(`[::1]:${server.address.port}`);
    const client = await dial(server.address);
    const accepted = await server.nextSocket();
    const received = readText(client, 2);
    accepted.end('hi');
    expect(await received).to.equal('hi');
  });

  it('emits every accepted connection', async () => {
    const server = await serve();
    await Promise.all([dial(server.address), dial(server.address), dial(server.address)]);
    await Promise.all([server.nextSocket(), server.nextSocket(), server.nextSocket()]);
    expect(server.accepted).to.have.length(3);
  });

  it('is cold: each subscription binds its own server', async () => {
    const a = await serve();
    const b = await serve();
    expect(a.address.port).to.not.equal(b.address.port);
    await dial(b.address);
    await b.nextSocket();
    expect(a.accepted).to.have.length(0);
  });

  it('does not bind anything until subscribed', async () => {
    const before = tcpHandles();
    const listening = tcpListen();
    await turn();
    expect(tcpHandles()).to.equal(before);
    expect(listening).to.have.property('subscribe');
  });

  it('closes the server on unsubscribe, so a new dial is refused', async () => {
    const server = await serve();
    await dial(server.address);
    await server.nextSocket();
    server.subscription.unsubscribe();

    const error = await failureOf(firstValueFrom(tcpDial(server.address)));
    expect(error).to.be.instanceOf(ConnectionRefusedError);
  });

  it('leaves connections accepted before the unsubscribe open', async () => {
    const server = await serve();
    const client = await dial(server.address);
    const accepted = await server.nextSocket();
    server.subscription.unsubscribe();
    await turn();

    expect(accepted.destroyed).to.equal(false);
    const received = readText(accepted, 5);
    client.write('still');
    expect(await received).to.equal('still');
  });

  it('releases the port when unsubscribed before it is bound', async () => {
    const before = tcpHandles();
    let reported: SocketAddress | undefined;
    tcpListen({ onListening: (a) => (reported = a) })
      .subscribe()
      .unsubscribe();
    await settleTcpHandles(before);
    for (let i = 0; i < 5; i++) await turn();
    expect(tcpHandles()).to.be.at.most(before);
    expect(reported).to.equal(undefined);
  });

  it('fails with AddressInUseError naming the address when the port is taken', async () => {
    const first = await serve();
    const { port } = first.address;
    const error = await failureOf(firstValueFrom(tcpListen({ port })));

    expect(error).to.be.instanceOf(AddressInUseError);
    expect(error).to.be.instanceOf(TransportError);
    const inUse = error as AddressInUseError;
    expect(inUse.name).to.equal('AddressInUseError');
    expect(inUse.address).to.equal(`127.0.0.1:${port}`);
    expect(inUse.code).to.equal('EADDRINUSE');
    expect(inUse.message).to.contain(`127.0.0.1:${port}`);
    expect(inUse.cause).to.be.instanceOf(Error);
  });

  it('brackets an IPv6 host in the address it names', async () => {
    const first = await serve('::1');
    const error = await failureOf(firstValueFrom(tcpListen({ host: '::1', port: first.address.port })));
    expect(error).to.be.instanceOf(AddressInUseError);
    expect((error as AddressInUseError).address).to.equal(`[::1]:${first.address.port}`);
  });

  it('ends the stream with the error an onListening callback throws, and unbinds', async () => {
    const before = tcpHandles();
    const boom = new Error('boom');
    const error = await failureOf(
      firstValueFrom(
        tcpListen({
          onListening: () => {
            throw boom;
          },
        }),
      ),
    );
    expect(error).to.equal(boom);
    await settleTcpHandles(before);
  });

  it('passes the backlog through without complaint', async () => {
    let bound: SocketAddress | undefined;
    const subscription = tcpListen({ backlog: 4, onListening: (a) => (bound = a) }).subscribe();
    try {
      while (bound === undefined) await turn();
      expect(bound.port).to.be.above(0);
    } finally {
      subscription.unsubscribe();
    }
  });

  for (const [options, option] of [
    [{ port: 65536 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ port: 1.5 }, 'port'],
    [{ backlog: -1 }, 'backlog'],
  ] as const) {
    it(`rejects ${JSON.stringify(options)} at call time`, () => {
      expect(() => tcpListen(options))
        .to.throw(InvalidOptionError)
        .with.property('option', option);
    });
  }
});
