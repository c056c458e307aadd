/**
 * `peerAddresses` reading BIP155 `addrv2`, in marbles: IP entries go to
 * `addrs`, overlay entries to `overlay`, one limit over both.
 */
import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AddrRateLimiter } from '../../lib/discovery/AddrRateLimiter.js';
import { peerAddresses, type PeerMessage } from '../../lib/discovery/peerAddresses.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import type { AddrV2Address, Addrv2Message } from '../../lib/protocol/bitcoin/messages.js';

const PEER = SocketAddress.parse('8.8.8.8:8333');
const ONION_KEY = Buffer.from('d1b38b83a83b3ed918c5bb69dd444ad56bc8d5835a914de73447474e5f02591b', 'hex');
const ONION = '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion:8333';

const v4 = (last: number): AddrV2Address => ({
  timestamp: 1_700_000_000,
  services: 9n,
  network: 'ipv4',
  addr: Uint8Array.of(44, 0, 0, last),
  port: 8333,
});
const torv3: AddrV2Address = { timestamp: 1_700_000_000, services: 9n, network: 'torv3', addr: new Uint8Array(ONION_KEY), port: 8333 };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** An announcement as text, so that marbles compare what matters. */
const asText = map(
  (a: { addrs: readonly { addr: SocketAddress }[]; overlay?: readonly { addr: { toString(): string } }[]; dropped?: number }) => ({
    addrs: a.addrs.map((x) => x.addr.toString()),
    overlay: a.overlay?.map((x) => x.addr.toString()),
    dropped: a.dropped,
  }),
);

describe('peerAddresses with addrv2', () => {
  it('splits an addrv2 into IP addrs and overlay entries', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const message: Addrv2Message = { command: 'addrv2', addresses: [v4(1), torv3, v4(2)], skipped: 0 };
      const input = cold<PeerMessage>('a|', { a: { peer: PEER, message } });
      expectObservable(peerAddresses(input, { limiter: new AddrRateLimiter() }).pipe(asText)).toBe('x|', {
        x: { addrs: ['44.0.0.1:8333', '44.0.0.2:8333'], overlay: [ONION], dropped: 0 },
      });
    });
  });

  it('counts every network against one limit, keeping the first entries of the message', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const first: Addrv2Message = { command: 'addrv2', addresses: [v4(1), torv3, v4(2)] };
      const input = cold<PeerMessage>('a 9999ms b|', {
        a: { peer: PEER, message: first },
        b: { peer: PEER, message: { command: 'addrv2', addresses: [v4(3), v4(4)] } },
      });
      // A burst of 2 then 0.1/s: the first two entries, then one more 10 s later.
      expectObservable(peerAddresses(input, { limiter: new AddrRateLimiter({ maxBurst: 2 }) }).pipe(asText)).toBe('x 9999ms y|', {
        x: { addrs: ['44.0.0.1:8333'], overlay: [ONION], dropped: 1 },
        y: { addrs: ['44.0.0.3:8333'], overlay: [], dropped: 1 },
      });
    });
  });

  it('skips malformed and unknown-network entries without spending tokens', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const junk = [
        { ...v4(9), addr: new Uint8Array(5) },
        { ...torv3, network: 'torv2' },
        { ...v4(9), timestamp: Number.NaN },
        { ...v4(9), services: 9 },
        null,
      ];
      const input = cold<PeerMessage>('a|', { a: { peer: PEER, message: { command: 'addrv2', addresses: [...junk, v4(5)] } } });
      expectObservable(peerAddresses(input, { limiter: new AddrRateLimiter({ maxBurst: 1 }) }).pipe(asText)).toBe('x|', {
        x: { addrs: ['44.0.0.5:8333'], overlay: [], dropped: 0 },
      });
    });
  });

  it('leaves addr announcements without an overlay field', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const ip = SocketAddress.parse('44.0.0.7:8333').toBytes16();
      const input = cold<PeerMessage>('a|', {
        a: { peer: PEER, message: { command: 'addr', addresses: [{ timestamp: 1, services: 1n, ip, port: 8333 }] } },
      });
      expectObservable(peerAddresses(input, { limiter: new AddrRateLimiter() }).pipe(asText)).toBe('x|', {
        x: { addrs: ['44.0.0.7:8333'], overlay: undefined, dropped: 0 },
      });
    });
  });
});
