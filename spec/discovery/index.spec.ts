import { expect } from 'chai';
import { concat, EMPTY, lastValueFrom, merge, mergeMap, of, Subject, tap, toArray } from 'rxjs';
import { AddressBook } from '../../lib/addr/AddressBook.js';
import * as discovery from '../../lib/discovery/index.js';
import type { PeerMessage } from '../../lib/discovery/index.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { startDnsTestServer } from './dnsTestServer.js';

const { dnsSeeds, isDnsSeedFailure, manualPeers, peerAddresses, shouldAskForAddresses, staticSeeds } = discovery;

describe('discovery index: the module example, run for real', () => {
  it('merges DNS seeds, static seeds and peer gossip into one address book', async () => {
    const server = await startDnsTestServer({ 'seed.test': { A: ['1.2.3.4'], AAAA: ['2a01:4f8::7'] } });
    try {
      const book = new AddressBook({ key: new Uint8Array(32).fill(3), random: () => 0.5 });
      const { permanent, connectMode } = manualPeers({ addnode: ['9.9.9.9:8333'] });
      const warnings: string[] = [];

      const seeds$ = concat(
        dnsSeeds(['seed.test', 'dead.test'], { defaultPort: 8333, servers: [server.address] }).pipe(
          mergeMap((x) => (isDnsSeedFailure(x) ? (warnings.push(x.error.message), EMPTY) : of(x))),
        ),
        // Only if DNS left the book empty — it did not, so these are skipped.
        staticSeeds(['8.8.8.8:8333'], { when: () => book.size === 0 }),
      );
      const peerMessages$ = new Subject<PeerMessage>();
      const origins: string[] = [];
      const done = lastValueFrom(
        merge(connectMode ? EMPTY : seeds$, peerAddresses(peerMessages$)).pipe(
          tap(({ addrs, source, origin }) => {
            origins.push(origin);
            book.add(addrs, source);
          }),
          toArray(),
        ),
      );

      const gossip = SocketAddress.parse('5.5.5.5:8333');
      peerMessages$.next({
        peer: SocketAddress.parse('4.4.4.4:8333'),
        message: {
          command: 'addr',
          addresses: [{ timestamp: Math.floor(Date.now() / 1000), services: 1n, ip: gossip.toBytes16(), port: 8333 }],
        },
      });
      peerMessages$.complete();
      await done;

      expect(permanent.map(String)).to.deep.equal(['9.9.9.9:8333']);
      expect(origins.sort()).to.deep.equal(['dns', 'peer']);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('dead.test');
      for (const a of ['1.2.3.4:8333', '[2a01:4f8::7]:8333', '5.5.5.5:8333']) expect(book.has(SocketAddress.parse(a)), a).to.equal(true);
      expect(book.has(SocketAddress.parse('8.8.8.8:8333'))).to.equal(false);
      expect(shouldAskForAddresses(book.size)).to.equal(true);
    } finally {
      await server.close();
    }
  });
});
