import { expect } from 'chai';
import { AddressBook } from '../../lib/addr/AddressBook.js';
import { netGroupWith } from '../../lib/net/netGroup.js';
import type { SocketAddress } from '../../lib/net/SocketAddress.js';
import { seeded } from '../addr/helpers.js';
import { virtualNodes } from './virtualNodes.js';

/**
 * Networking off holds automatic requests in their address stage (`getNewAddress` waits); when it
 * is back on, each waiting request's address is chosen then, against the manager's state of that
 * moment — not the state it was asked with, which knows none of the addresses chosen since.
 */
describe('Node setNetworkActive: addresses chosen when networking comes back on', () => {
  const h = virtualNodes();

  it('off from the start: nothing dialed; on: the waiting requests take distinct addresses, no duplicate, no failure', async () => {
    const servers: string[] = [];
    for (let i = 0; i < 4; i++) servers.push((await h.start({ host: `127.0.${20 + i}.1`, targetOutbound: 0 })).target);
    const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 4, seeds: servers });
    const events: string[] = [];
    a.manager.events$.subscribe((e) => {
      if (e.type === 'dialing' || e.type === 'failed' || e.type === 'canceled') events.push(e.type);
    });
    a.setNetworkActive(false);
    await a.start();
    await h.time.advance(2_000);
    expect(events, 'nothing dialed while off').to.deep.equal([]);
    expect(a.manager.state.requests.size, 'four requests waiting for an address').to.equal(4);

    a.setNetworkActive(true);
    await h.time.until(() => a.peers().length === 4, 2_000, 'four outbound peers');
    expect(
      a
        .peers()
        .map((p) => p.remote.toString())
        .sort(),
    ).to.deep.equal([...servers].sort());
    expect(events).to.deep.equal(['dialing', 'dialing', 'dialing', 'dialing']);
  });

  it('one outbound peer per network group: the second waiting request sees the group of the first', async () => {
    // Ten addresses in 127.30/16 and one in 127.31/16; a seeded book, so the draws are the same every run.
    const group = netGroupWith({ loopback: 'slash16' });
    for (const seed of [1, 2, 3, 4, 5]) {
      const book = new AddressBook({ now: () => h.time.scheduler.now(), group, random: seeded(seed), key: new Uint8Array(32).fill(seed) });
      const seeds = [...Array.from({ length: 10 }, (_, i) => `127.30.0.${i + 1}:8333`), '127.31.0.1:8333'];
      const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 2, seeds, addressBook: book, loopbackGrouping: 'slash16' });
      const dialed: SocketAddress[] = [];
      a.manager.events$.subscribe((e) => e.type === 'dialing' && dialed.push(e.addr));
      a.setNetworkActive(false);
      await a.start();
      await h.time.advance(100);
      a.setNetworkActive(true);
      await h.time.until(() => dialed.length >= 2, 1_000, 'two dials');
      expect(new Set(dialed.slice(0, 2).map(group)).size, `seed ${seed}: two groups`).to.equal(2);
      await a.stop();
    }
  });
});
