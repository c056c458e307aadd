import { expect } from 'chai';
import type { Socket } from 'node:net';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { InvalidAddressError } from '../../lib/net/SocketAddress.js';
import type { SocketAddress } from '../../lib/net/SocketAddress.js';
import { ConnectionRefusedError, DialTimeoutError, InvalidOptionError, TransportError } from '../../lib/transport/errors.js';
import { tcpDial } from '../../lib/transport/tcpDial.js';
import { failureOf, readText, settleTcpHandles, startServer, tcpHandles, turn } from './loopback.js';
import type { TestServer } from './loopback.js';

describe('tcpDial', () => {
  let baseline = 0;
  const servers: TestServer[] = [];
  const sockets: Socket[] = [];
  const serve = async (host?: string): Promise<TestServer> => {
    const server = await startServer(host);
    servers.push(server);
    return server;
  };
  const own = (socket: Socket): Socket => {
    socket.on('error', () => socket.destroy());
    sockets.push(socket);
    return socket;
  };
  /** A loopback port that nothing listens on: bound by the OS, then released. */
  const freePort = async (): Promise<SocketAddress> => {
    const server = await startServer();
    server.close();
    return server.address;
  };

  beforeEach(() => {
    baseline = tcpHandles();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) server.close();
    for (const socket of sockets.splice(0)) socket.destroy();
    await settleTcpHandles(baseline);
  });

  it('emits the connected socket once, then completes', async () => {
    const server = await serve();
    const emitted = await lastValueFrom(tcpDial(server.address).pipe(toArray()));
    expect(emitted).to.have.length(1);
    const socket = own(emitted[0] as Socket);
    expect(socket.remotePort).to.equal(server.address.port);
    expect(socket.destroyed).to.equal(false);
  });

  it('accepts the address as text', async () => {
    const server = await serve();
    const socket = own(await firstValueFrom(tcpDial(`127.0.0.1:${server.address.port}`)));
    const accepted = await server.nextSocket();
    const received = readText(accepted, 3);
    socket.write('abc');
    expect(await received).to.equal('abc');
  });

  it('dials from the given localAddress, so one machine can look like several hosts', async () => {
    const server = await serve();
    const socket = own(await firstValueFrom(tcpDial(server.address, { localAddress: '127.0.0.7' })));
    const accepted = await server.nextSocket();
    expect(socket.localAddress).to.equal('127.0.0.7');
    expect(accepted.remoteAddress).to.equal('127.0.0.7');
  });

  it('dials the IPv6 loopback', async () => {
    const server = await serve('::1');
    const socket = own(await firstValueFrom(tcpDial(`[::1]:${server.address.port}`)));
    expect(socket.remoteAddress).to.equal('::1');
    expect(socket.remoteFamily).to.equal('IPv6');
  });

  it('is cold: nothing is opened until subscribed, and each subscription dials anew', async () => {
    const server = await serve();
    const before = tcpHandles();
    const dial = tcpDial(server.address);
    await turn();
    expect(tcpHandles()).to.equal(before);

    own(await firstValueFrom(dial));
    own(await firstValueFrom(dial));
    await server.nextSocket();
    await server.nextSocket();
    expect(server.accepted).to.have.length(2);
  });

  it('leaves the socket to the subscriber once emitted (unsubscribing does not touch it)', async () => {
    const server = await serve();
    let socket: Socket | undefined;
    const subscription = tcpDial(server.address).subscribe((s) => (socket = own(s)));
    while (socket === undefined) await turn();
    subscription.unsubscribe();
    await turn();
    expect(socket.destroyed).to.equal(false);

    const accepted = await server.nextSocket();
    const received = readText(socket, 2);
    accepted.write('ok');
    expect(await received).to.equal('ok');
  });

  it('fails with ConnectionRefusedError naming the address when nothing listens', async () => {
    const addr = await freePort();
    const error = await failureOf(firstValueFrom(tcpDial(addr)));

    expect(error).to.be.instanceOf(ConnectionRefusedError);
    expect(error).to.be.instanceOf(TransportError);
    const refused = error as ConnectionRefusedError;
    expect(refused.name).to.equal('ConnectionRefusedError');
    expect(refused.address).to.equal(addr.toString());
    expect(refused.message).to.contain(addr.toString());
    expect(refused.code).to.equal('ECONNREFUSED');
    expect(refused.cause).to.be.instanceOf(Error);
  });

  it('fails with DialTimeoutError when the timeout passes first, destroying the attempt', async () => {
    const server = await serve();
    const scheduler = new VirtualTimeScheduler();
    let failure: unknown;
    let emitted = false;
    tcpDial(server.address, { timeout: 5_000, scheduler }).subscribe({
      next: () => (emitted = true),
      error: (e: unknown) => (failure = e),
    });
    // Virtual time runs out before the event loop could complete the connect.
    scheduler.flush();

    expect(emitted).to.equal(false);
    expect(failure).to.be.instanceOf(DialTimeoutError);
    const timedOut = failure as DialTimeoutError;
    expect(timedOut.name).to.equal('DialTimeoutError');
    expect(timedOut.address).to.equal(server.address.toString());
    expect(timedOut.timeout).to.equal(5_000);
    expect(timedOut.message).to.contain(server.address.toString()).and.contain('5000 ms');
    expect(scheduler.now()).to.equal(5_000);

    // The abandoned socket is gone and never reached the server.
    await settleTcpHandles(baseline + 1);
    for (let i = 0; i < 5; i++) await turn();
    expect(server.accepted).to.have.length(0);
  });

  it('times out after 30 000 ms by default', () => {
    const scheduler = new VirtualTimeScheduler();
    let failure: unknown;
    tcpDial('127.0.0.1:9', { scheduler }).subscribe({ error: (e: unknown) => (failure = e) });
    scheduler.flush();
    expect(failure).to.be.instanceOf(DialTimeoutError);
    expect((failure as DialTimeoutError).timeout).to.equal(30_000);
    expect(scheduler.now()).to.equal(30_000);
  });

  it('schedules no timeout when it is Infinity', () => {
    const scheduler = new VirtualTimeScheduler();
    const subscription = tcpDial('127.0.0.1:9', { timeout: Infinity, scheduler }).subscribe({ error: () => {} });
    expect(scheduler.actions).to.have.length(0);
    subscription.unsubscribe();
  });

  it('cancels the timeout once connected', async () => {
    const server = await serve();
    const scheduler = new VirtualTimeScheduler();
    let socket: Socket | undefined;
    let failure: unknown;
    tcpDial(server.address, { timeout: 1_000, scheduler }).subscribe({
      next: (s) => (socket = own(s)),
      error: (e: unknown) => (failure = e),
    });
    while (socket === undefined && failure === undefined) await turn();
    scheduler.flush();

    expect(failure).to.equal(undefined);
    expect(socket?.destroyed).to.equal(false);
  });

  it('destroys the half-open socket when unsubscribed before connecting, leaving no handle', async () => {
    const server = await serve();
    const before = tcpHandles();
    const subscription = tcpDial(server.address).subscribe({ error: () => {} });
    subscription.unsubscribe();

    await settleTcpHandles(before);
    for (let i = 0; i < 5; i++) await turn();
    expect(tcpHandles()).to.be.at.most(before);
    expect(server.accepted).to.have.length(0);
  });

  it('leaves no handle behind after a refused dial', async () => {
    const addr = await freePort();
    await settleTcpHandles(baseline);
    await failureOf(firstValueFrom(tcpDial(addr)));
    await settleTcpHandles(baseline);
  });

  it('rejects an unparseable address at call time, naming it', () => {
    expect(() => tcpDial('localhost:8333'))
      .to.throw(InvalidAddressError)
      .with.property('input', 'localhost:8333');
  });

  for (const timeout of [-1, Number.NaN]) {
    it(`rejects timeout ${timeout} at call time`, () => {
      expect(() => tcpDial('127.0.0.1:1', { timeout }))
        .to.throw(InvalidOptionError)
        .with.property('option', 'timeout');
    });
  }
});
