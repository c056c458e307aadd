import { expect } from 'chai';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { virtualNodes } from './virtualNodes.js';

/**
 * Network-aware failures at the node: once the manager finds IPv4 offline (25 failures in a row,
 * no success), the dials it still makes are not held against the addresses in the book.
 */
describe('Node: failures while offline do not count against book addresses', () => {
  const h = virtualNodes();

  it('after networkOffline, dials go on (throttled) but no address gains an attempt', async () => {
    // Nobody listens on these: every dial fails.
    const seeds = Array.from({ length: 60 }, (_, i) => `127.${40 + i}.0.1:8333`);
    const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 2, seeds, feelerInterval: Infinity });
    let offline = false;
    let dials = 0;
    a.manager.events$.subscribe((e) => {
      if (e.type === 'networkOffline') offline = true;
      if (e.type === 'dialing') dials++;
    });
    await a.start();
    await h.time.until(() => offline, 60_000, 'IPv4 offline after the failures');
    const attempts = () => seeds.reduce((sum, s) => sum + (a.book.get(SocketAddress.parse(s))?.attempts ?? 0), 0);
    const [countedBefore, dialsBefore] = [attempts(), dials];
    expect(countedBefore, 'the failures before the outage counted').to.be.at.least(25);

    await h.time.advance(60_000);
    expect(dials - dialsBefore, 'still trying').to.be.greaterThan(2);
    expect(attempts(), 'none of them held against an address').to.equal(countedBefore);
  });

  it('a feeler tried while its family is offline is not held against the address either', async () => {
    const seed = '127.0.43.1:18444';
    const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 0, feelerInterval: 300, seeds: [seed] });
    let feelers = 0;
    a.manager.events$.subscribe((e) => {
      if (e.type === 'dialing' && e.req.connClass === 'feeler') feelers++;
    });
    await a.start();
    a.manager.networkDown('ipv4');
    await h.time.advance(1_000);
    expect(feelers, 'feelers still go').to.be.greaterThan(0);
    expect(a.book.get(SocketAddress.parse(seed))!.attempts, 'no attempt counted').to.equal(0);
  });
});
