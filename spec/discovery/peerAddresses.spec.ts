import { expect } from 'chai';
import fc from 'fast-check';
import { type Observable, Subject, VirtualTimeScheduler, map } from 'rxjs';
import type { AddressAnnouncement } from '../../lib/discovery/AddressAnnouncement.js';
import { AddrRateLimiter } from '../../lib/discovery/AddrRateLimiter.js';
import { InvalidDiscoveryOptionError } from '../../lib/discovery/errors.js';
import { peerAddresses, type PeerMessage } from '../../lib/discovery/peerAddresses.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import type { AddrMessage, BitcoinMessage, TimestampedNetAddress } from '../../lib/protocol/bitcoin/messages.js';

const PEER_A = SocketAddress.parse('8.8.8.8:8333');
const PEER_B = SocketAddress.parse('[2a01:4f8::1]:8333');

/** The n-th gossiped address: 11.x.y.z:8333, distinct for n < 2^24. */
function entry(n: number, timestamp = 1_700_000_000): TimestampedNetAddress {
  const ip = SocketAddress.from(`11.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, 8333).toBytes16();
  return { timestamp, services: 1n, ip, port: 8333 };
}

function addr(count: number, first = 0): AddrMessage {
  return { command: 'addr', addresses: Array.from({ length: count }, (_, i) => entry(first + i)) };
}

/** Drives `peerAddresses` in virtual time: `at(t, fn)` runs fn at t ms, `run()` flushes. */
function harness(options: { maxBurst?: number; ratePerSecond?: number } = {}, unlimited?: (peer: SocketAddress) => boolean) {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<PeerMessage>();
  const gone = new Subject<SocketAddress>();
  const limiter = new AddrRateLimiter(options);
  const out: (AddressAnnouncement & { at: number })[] = [];
  const subscription = peerAddresses(input, { scheduler, limiter, gone$: gone, ...(unlimited ? { unlimited } : {}) }).subscribe((a) =>
    out.push({ ...a, at: scheduler.now() }),
  );
  const at = (time: number, fn: () => void): void => void scheduler.schedule(fn, time);
  const send = (time: number, peer: SocketAddress, message: PeerMessage['message']): void => at(time, () => input.next({ peer, message }));
  return { scheduler, input, gone, limiter, out, subscription, at, send, run: () => scheduler.flush() };
}

describe('peerAddresses', () => {
  it('accepts a burst of 1,000 addresses, drops the 1,001st, then lets one through per 10 s', () => {
    const h = harness();
    h.send(0, PEER_A, addr(1_000));
    h.send(0, PEER_A, addr(1, 1_000)); // the 1,001st
    h.send(9_999, PEER_A, addr(1, 1_001));
    h.send(10_000, PEER_A, addr(1, 1_002));
    h.send(10_000, PEER_A, addr(1, 1_003));
    h.send(50_000, PEER_A, addr(6, 1_004)); // 40 s later: 4 tokens
    h.run();
    expect(h.out.map((a) => [a.at, a.addrs.length, a.dropped])).to.deep.equal([
      [0, 1_000, 0],
      [0, 0, 1],
      [9_999, 0, 1],
      [10_000, 1, 0],
      [10_000, 0, 1],
      [50_000, 4, 2],
    ]);
    expect([h.limiter.accepted, h.limiter.dropped]).to.deep.equal([1_005, 5]);
  });

  it('an `unlimited` peer (the addr permission) keeps every address and spends no tokens; others stay limited', () => {
    const h = harness({ maxBurst: 10 }, (peer) => peer.toString() === PEER_A.toString());
    h.send(0, PEER_A, addr(1_000));
    h.send(0, PEER_A, addr(1_000, 1_000));
    h.send(0, PEER_B, addr(20, 2_000));
    h.run();
    expect(h.out.map((a) => [a.source.toString(), a.addrs.length, a.dropped])).to.deep.equal([
      [PEER_A.toString(), 1_000, 0],
      [PEER_A.toString(), 1_000, 0],
      [PEER_B.toString(), 10, 10],
    ]);
    expect([h.limiter.accepted, h.limiter.dropped]).to.deep.equal([10, 10]); // the unlimited peer never met the limiter
  });

  it('keeps the first addresses of an oversized message, in order', () => {
    const h = harness();
    h.send(0, PEER_A, addr(1_001));
    h.run();
    const [only] = h.out;
    expect(only?.addrs).to.have.length(1_000);
    expect(only?.dropped).to.equal(1);
    expect(String(only?.addrs[0]?.addr)).to.equal('11.0.0.0:8333');
    expect(String(only?.addrs[999]?.addr)).to.equal('11.0.3.231:8333');
  });

  it('gives two peers independent buckets', () => {
    const h = harness();
    h.send(0, PEER_A, addr(1_000));
    h.send(1, PEER_A, addr(1, 1_000));
    h.send(2, PEER_B, addr(1_000));
    h.send(3, PEER_B, addr(1, 1_000));
    h.run();
    expect(h.out.map((a) => [String(a.source), a.addrs.length, a.dropped])).to.deep.equal([
      [String(PEER_A), 1_000, 0],
      [String(PEER_A), 0, 1],
      [String(PEER_B), 1_000, 0],
      [String(PEER_B), 0, 1],
    ]);
  });

  it('converts entries for the book: s → ms timestamps, services, canonical addresses, the peer as source', () => {
    const h = harness();
    const v4mapped = { timestamp: 1_700_000_123, services: 1033n, ip: SocketAddress.parse('9.9.9.9:1').toBytes16(), port: 18444 };
    h.send(0, PEER_B, { command: 'addr', addresses: [v4mapped] } satisfies AddrMessage);
    h.run();
    expect(h.out).to.have.length(1);
    const [a] = h.out;
    expect(a?.origin).to.equal('peer');
    expect(a?.source).to.equal(PEER_B);
    expect(a?.addrs.map((x) => [String(x.addr), x.services, x.timestamp])).to.deep.equal([['9.9.9.9:18444', 1033n, 1_700_000_123_000]]);
  });

  it('ignores other commands and empty addr messages, and skips malformed entries without spending tokens', () => {
    const h = harness({ maxBurst: 2 });
    h.send(0, PEER_A, { command: 'ping', nonce: 1n } as BitcoinMessage);
    h.send(0, PEER_A, { command: 'addr', addresses: [] });
    h.send(0, PEER_A, { command: 'addr' });
    h.send(0, PEER_A, {
      command: 'addr',
      addresses: [
        null,
        { timestamp: 1, services: 1n, ip: new Uint8Array(4), port: 8333 }, // 4-byte IP
        { timestamp: 1, services: 1n, ip: entry(0).ip, port: 70_000 }, // bad port
        { timestamp: 'soon', services: 1n, ip: entry(0).ip, port: 8333 }, // bad timestamp
        { timestamp: 1, ip: entry(0).ip, port: 8333 }, // no services: kept, book defaults to 0n
        entry(1),
        entry(2),
      ],
    });
    h.run();
    expect(h.out.map((a) => [a.addrs.map((x) => String(x.addr)), a.dropped])).to.deep.equal([[['11.0.0.0:8333', '11.0.0.1:8333'], 1]]);
    expect(h.out[0]?.addrs[0]).to.not.have.property('services');
  });

  it('releases a peer’s bucket once it is full again (bounded memory), with no timer left behind', () => {
    const h = harness();
    const sizes: [number, number][] = [];
    const probe = (t: number): void => h.at(t, () => sizes.push([t, h.limiter.size]));
    h.send(0, PEER_A, addr(10)); // full again after 10 × 10 s
    h.send(0, PEER_B, addr(1_000)); // full again after 10,000,000 ms
    [1, 99_999, 100_001, 9_999_999, 10_000_001].forEach(probe);
    h.run();
    expect(sizes).to.deep.equal([
      [1, 2],
      [99_999, 2],
      [100_001, 1],
      [9_999_999, 1],
      [10_000_001, 0],
    ]);
    expect(h.scheduler.actions).to.have.length(0);
  });

  it('pushes the release back when the peer sends again, and a released peer starts with a full bucket', () => {
    const h = harness();
    const sizes: number[] = [];
    h.send(0, PEER_A, addr(1)); // 999 left: full again at 10,000
    h.send(5_000, PEER_A, addr(1, 1)); // 999.5 − 1 = 998.5 left: full again at 20,000
    [10_001, 19_999, 20_001].forEach((t) => h.at(t, () => sizes.push(h.limiter.size)));
    h.send(25_000, PEER_A, addr(1_000, 2));
    h.run();
    expect(sizes).to.deep.equal([1, 1, 0]);
    expect(h.out.map((a) => a.dropped)).to.deep.equal([0, 0, 0]);
  });

  it('holds no state for many peers that each sent a little, once their buckets refill', () => {
    const h = harness();
    const peers = Array.from({ length: 500 }, (_, i) => SocketAddress.from(`12.0.${i >> 8}.${i & 255}`, 8333));
    let peak = 0;
    peers.forEach((peer, i) => h.send(i, peer, addr(1, i)));
    h.at(600, () => (peak = h.limiter.size));
    h.run();
    expect(peak).to.equal(500);
    expect(h.limiter.size).to.equal(0);
    expect(h.scheduler.actions).to.have.length(0);
    expect(h.scheduler.now()).to.equal(499 + 10_000);
  });

  it('serves every peer’s release with one timer, not one per peer (issue #16)', () => {
    const h = harness();
    const peers = Array.from({ length: 500 }, (_, i) => SocketAddress.from(`12.1.${i >> 8}.${i & 255}`, 8333));
    // All at time 0, so the only scheduled actions are peerAddresses' own.
    peers.forEach((peer, i) => h.input.next({ peer, message: addr(1 + (i % 7), i) }));
    expect([h.limiter.size, h.scheduler.actions.length]).to.deep.equal([500, 1]);
    h.run();
    // Each bucket went exactly when full: the last one (7 addresses at 0.1/s) at 70 s.
    expect([h.limiter.size, h.scheduler.actions.length, h.scheduler.now()]).to.deep.equal([0, 0, 70_000]);
  });

  it('forgets a peer’s bucket as soon as gone$ says it left, its timer with the last one, and a reconnect starts full', () => {
    const h = harness();
    h.input.next({ peer: PEER_A, message: addr(1_000) }); // empty: full again only at 10,000 s
    h.input.next({ peer: PEER_B, message: addr(10) });
    expect([h.limiter.size, h.scheduler.actions.length]).to.deep.equal([2, 1]);
    h.gone.next(PEER_A);
    h.gone.next(SocketAddress.parse('9.9.9.9:8333')); // never sent anything: nothing to forget
    expect([h.limiter.size, h.scheduler.actions.filter((a) => !a.closed).length]).to.deep.equal([1, 1]);
    h.gone.next(PEER_B);
    expect([h.limiter.size, h.scheduler.actions.filter((a) => !a.closed).length]).to.deep.equal([0, 0]);
    h.input.next({ peer: PEER_A, message: addr(1_000, 1_000) });
    expect(h.out.map((a) => a.addrs.length)).to.deep.equal([1_000, 10, 1_000]);
  });

  it('passes completion and errors through, cancelling its timers and forgetting its buckets', () => {
    const h = harness();
    let completed = false;
    h.subscription.add(() => (completed = true));
    h.input.next({ peer: PEER_A, message: addr(3) });
    expect([h.limiter.size, h.scheduler.actions.length]).to.deep.equal([1, 1]);
    h.input.complete();
    expect([completed, h.limiter.size, h.scheduler.actions.filter((a) => !a.closed).length]).to.deep.equal([true, 0, 0]);

    const scheduler = new VirtualTimeScheduler();
    const failing = new Subject<PeerMessage>();
    const errors: unknown[] = [];
    peerAddresses(failing, { scheduler }).subscribe({ error: (e) => errors.push(e) });
    const boom = new Error('peer stream broke');
    failing.error(boom);
    expect(errors).to.deep.equal([boom]);
  });

  it('gives each subscription its own buckets by default', () => {
    const scheduler = new VirtualTimeScheduler();
    const input = new Subject<PeerMessage>();
    const source$ = peerAddresses(input, { scheduler });
    const first: number[] = [];
    const second: number[] = [];
    source$.subscribe((a) => first.push(a.addrs.length));
    source$.subscribe((a) => second.push(a.addrs.length));
    input.next({ peer: PEER_A, message: addr(1_000) });
    input.next({ peer: PEER_A, message: addr(1) });
    expect(first).to.deep.equal([1_000, 0]);
    expect(second).to.deep.equal([1_000, 0]);
  });

  it('takes maxBurst and ratePerSecond, and rejects bad or conflicting options at call time', () => {
    const scheduler = new VirtualTimeScheduler();
    const input = new Subject<PeerMessage>();
    const out: number[] = [];
    peerAddresses(input, { scheduler, maxBurst: 2, ratePerSecond: 1 }).subscribe((a) => out.push(a.addrs.length));
    input.next({ peer: PEER_A, message: addr(3) });
    scheduler.schedule(() => input.next({ peer: PEER_A, message: addr(3) }), 1_000);
    scheduler.flush();
    expect(out).to.deep.equal([2, 1]);

    expect(() => peerAddresses(input, { maxBurst: -1 }))
      .to.throw(InvalidDiscoveryOptionError)
      .with.property('option', 'maxBurst');
    expect(() => peerAddresses(input, { ratePerSecond: 0 }))
      .to.throw(InvalidDiscoveryOptionError)
      .with.property('option', 'ratePerSecond');
    expect(() => peerAddresses(input, { limiter: new AddrRateLimiter(), maxBurst: 5 })).to.throw(InvalidDiscoveryOptionError, 'limiter');
  });

  it('accepts a Peer-style stream of BitcoinMessage values (type-level fit)', () => {
    const messages$ = new Subject<BitcoinMessage>();
    const tagged$: Observable<PeerMessage> = messages$.pipe(map((message) => ({ peer: PEER_A, message })));
    const out: AddressAnnouncement[] = [];
    peerAddresses(tagged$, { scheduler: new VirtualTimeScheduler() }).subscribe((a) => out.push(a));
    messages$.next(addr(2));
    expect(out[0]?.addrs).to.have.length(2);
  });

  it('matches a per-peer integer token model on random traffic, and ends with no buckets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 60_000 }),
            peer: fc.integer({ min: 0, max: 3 }),
            count: fc.integer({ min: 1, max: 40 }),
          }),
          { maxLength: 40 },
        ),
        (traffic) => {
          const h = harness({ maxBurst: 50, ratePerSecond: 0.1 });
          const peers = [0, 1, 2, 3].map((i) => SocketAddress.from(`13.0.0.${i}`, 8333));
          const scaled = new Map<number, number>(); // tokens × 10,000, per peer
          const lastSeen = new Map<number, number>();
          const expected: [string, number, number][] = [];
          let t = 0;
          for (const { dt, peer, count } of traffic) {
            t += dt;
            const before = scaled.get(peer) ?? 500_000;
            const refilled = Math.min(500_000, before + (t - (lastSeen.get(peer) ?? t)));
            const granted = Math.min(count, Math.floor(refilled / 10_000));
            scaled.set(peer, refilled - granted * 10_000);
            lastSeen.set(peer, t);
            expected.push([String(peers[peer]), granted, count - granted]);
            h.send(t, peers[peer] as SocketAddress, addr(count));
          }
          h.run();
          expect(h.out.map((a) => [String(a.source), a.addrs.length, a.dropped])).to.deep.equal(expected);
          expect(h.limiter.size).to.equal(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
