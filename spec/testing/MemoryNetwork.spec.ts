import { expect } from 'chai';
import type { Socket } from 'node:net';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { MemoryNetwork } from '../../lib/testing/MemoryNetwork.js';
import { VirtualTime, VirtualTimeoutError } from '../../lib/testing/VirtualTime.js';
import { AddressInUseError, ConnectionRefusedError, DialTimeoutError } from '../../lib/transport/errors.js';

describe('MemoryNetwork (an in-process transport in virtual time)', () => {
  let time: VirtualTime;
  let net: MemoryNetwork;
  beforeEach(() => {
    time = new VirtualTime({ step: 1 });
    net = new MemoryNetwork(time.scheduler, { latency: 5 });
  });

  const listen = (host: string, port = 0) => {
    const accepted: Socket[] = [];
    let bound: SocketAddress | undefined;
    let error: unknown;
    const sub = net
      .transport()
      .listen({ host, port, onListening: (a) => (bound = a) })
      .subscribe({ next: (s) => accepted.push(s), error: (e: unknown) => (error = e) });
    return { accepted, bound: () => bound, error: () => error, sub };
  };
  const dial = (target: string, timeout = Infinity) => {
    const out: { socket?: Socket; error?: unknown; done: boolean } = { done: false };
    const sub = net
      .transport()
      .dial(SocketAddress.parse(target), { timeout, localAddress: '127.0.0.2', scheduler: time.scheduler })
      .subscribe({ next: (s) => (out.socket = s), error: (e: unknown) => (out.error = e), complete: () => (out.done = true) });
    return { out, sub };
  };

  it('binds port 0 to a port of its own, and refuses a second listener on one address', () => {
    const a = listen('127.0.0.3');
    expect(a.bound()!.toString()).to.equal('127.0.0.3:40000');
    const b = listen('127.0.0.3', 40_000);
    expect(b.error()).to.be.instanceOf(AddressInUseError);
    a.sub.unsubscribe();
    expect(net.listening).to.deep.equal([]);
  });

  it('connects after the latency: the listener gets the other end, both know their addresses', async () => {
    const l = listen('127.0.0.3');
    const { out } = dial('127.0.0.3:40000');
    await time.advance(4);
    expect(out.socket).to.equal(undefined);
    await time.advance(1);
    expect(out.done).to.equal(true);
    expect(l.accepted).to.have.length(1);
    expect(out.socket!.remoteAddress).to.equal('127.0.0.3');
    expect(l.accepted[0]!.remoteAddress).to.equal('127.0.0.2');
    expect(l.accepted[0]!.remotePort).to.equal(out.socket!.localPort);
  });

  it('refuses a dial to an address nobody listens on (after the latency), and times out on its timeout', async () => {
    const refused = dial('127.0.0.9:1');
    await time.advance(5);
    expect(refused.out.error).to.be.instanceOf(ConnectionRefusedError);
    const slow = new MemoryNetwork(time.scheduler, { latency: 100 });
    let error: unknown;
    slow
      .transport()
      .dial(SocketAddress.parse('127.0.0.9:1'), { timeout: 30, localAddress: '127.0.0.2', scheduler: time.scheduler })
      .subscribe({ error: (e: unknown) => (error = e) });
    await time.advance(30);
    expect(error).to.be.instanceOf(DialTimeoutError);
  });

  it('delivers bytes after the latency, in order; a close reaches the other end as end + close', async () => {
    const l = listen('127.0.0.3');
    const { out } = dial('127.0.0.3:40000');
    await time.advance(5);
    const server = l.accepted[0]!;
    const got: string[] = [];
    const seen: string[] = [];
    server.on('data', (b: Buffer) => got.push(b.toString()));
    server.on('end', () => seen.push('end'));
    server.on('close', () => seen.push('close'));
    out.socket!.write(Buffer.from('ab'));
    out.socket!.write(Buffer.from('c'));
    await time.advance(4);
    expect(got).to.deep.equal([]);
    await time.advance(1);
    expect(got).to.deep.equal(['ab', 'c']);
    expect(net.openSockets).to.equal(2);
    out.socket!.destroy();
    expect(out.socket!.write(Buffer.from('late'))).to.equal(false);
    await time.advance(5);
    expect(seen).to.deep.equal(['end', 'close']);
    expect(got).to.deep.equal(['ab', 'c']);
    expect(net.openSockets).to.equal(0);
  });

  it('an unsubscribed dial never connects', async () => {
    const l = listen('127.0.0.3');
    const { out, sub } = dial('127.0.0.3:40000');
    sub.unsubscribe();
    await time.advance(10);
    expect(out.socket).to.equal(undefined);
    expect(l.accepted).to.deep.equal([]);
  });
});

describe('VirtualTime', () => {
  it('advances a TestScheduler by hand, idle time included, and `until` gives up with a typed error', async () => {
    const time = new VirtualTime();
    const fired: number[] = [];
    time.scheduler.schedule(() => fired.push(time.now()), 25);
    await time.advance(20);
    expect(fired).to.deep.equal([]);
    expect(time.now()).to.equal(20);
    await time.until(() => fired.length === 1, 100);
    expect(fired).to.deep.equal([25]);
    let error: unknown;
    await time.until(() => false, 50, 'never').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(VirtualTimeoutError);
    expect((error as Error).message).to.equal('never: not within 50 virtual ms');
  });
});
