import { expect } from 'chai';
import { Resolver } from 'node:dns/promises';
import { firstValueFrom, lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import sinon from 'sinon';
import type { AddressAnnouncement } from '../../lib/discovery/AddressAnnouncement.js';
import { isDnsSeedFailure, type DnsSeedFailure } from '../../lib/discovery/DnsSeedFailure.js';
import { dnsSeeds } from '../../lib/discovery/dnsSeeds.js';
import { DnsLookupTimeoutError, DnsSeedError } from '../../lib/discovery/errors.js';
import { SEED_MAX_AGE_MS, SEED_MIN_AGE_MS } from '../../lib/discovery/seedTimestamp.js';
import { startDnsTestServer, type DnsTestServer } from './dnsTestServer.js';

const NOW = Date.UTC(2025, 0, 1);

function announcements(values: readonly (AddressAnnouncement | DnsSeedFailure)[]): AddressAnnouncement[] {
  return values.filter((v): v is AddressAnnouncement => !isDnsSeedFailure(v));
}

function failures(values: readonly (AddressAnnouncement | DnsSeedFailure)[]): DnsSeedFailure[] {
  return values.filter(isDnsSeedFailure);
}

describe('dnsSeeds against a real DNS server on 127.0.0.1', () => {
  let server: DnsTestServer;

  beforeEach(async () => {
    server = await startDnsTestServer({
      'seed.test': { A: ['1.2.3.4', '5.6.7.8'], AAAA: ['2001:db8::1'] },
      'v4only.test': { A: ['9.9.9.9'] },
      'silent.test': 'drop',
      // any other name: NXDOMAIN
    });
  });

  afterEach(async () => {
    sinon.restore();
    await server.close();
  });

  it('resolves A and AAAA into one announcement per seed, at the default port, and completes', async () => {
    const values = await lastValueFrom(
      dnsSeeds(['seed.test'], { defaultPort: 8333, servers: [server.address], now: () => NOW }).pipe(toArray()),
    );
    expect(values).to.have.length(1);
    const [announcement] = announcements(values);
    expect(announcement?.origin).to.equal('dns');
    expect(announcement?.host).to.equal('seed.test');
    expect(announcement?.addrs.map((a) => String(a.addr))).to.have.members(['1.2.3.4:8333', '5.6.7.8:8333', '[2001:db8::1]:8333']);
    // btcd's choice of source: the first address the seed returned, IPv4 first.
    expect(String(announcement?.source)).to.equal('1.2.3.4:8333');
    expect(announcement?.addrs.every((a) => a.services === undefined)).to.equal(true);
    expect(server.queries).to.deep.include.members([
      { name: 'seed.test', type: 'A' },
      { name: 'seed.test', type: 'AAAA' },
    ]);
  });

  it('stamps every address between 3 and 7 days before the injected now, in whole seconds', async () => {
    const [first] = await lastValueFrom(
      dnsSeeds(['seed.test'], { defaultPort: 8333, servers: [server.address], now: () => NOW }).pipe(toArray()),
    );
    const addrs = first && !isDnsSeedFailure(first) ? first.addrs : [];
    expect(addrs).to.have.length(3);
    for (const { timestamp } of addrs) {
      expect(timestamp).to.be.a('number');
      const age = NOW - (timestamp ?? NaN);
      expect(age).to.be.at.least(SEED_MIN_AGE_MS).and.below(SEED_MAX_AGE_MS);
      expect(age % 1000).to.equal(0);
    }
  });

  it('keeps the A records of a seed without AAAA records (a failed family does not spoil the other)', async () => {
    const values = await lastValueFrom(dnsSeeds(['v4only.test'], { defaultPort: 18444, servers: [server.address] }).pipe(toArray()));
    const [announcement] = announcements(values);
    expect(announcement?.addrs.map((a) => String(a.addr))).to.deep.equal(['9.9.9.9:18444']);
  });

  it('emits an NXDOMAIN seed as a dnsSeedFailure value (ENOTFOUND), not as an error', async () => {
    const values = await lastValueFrom(dnsSeeds(['nx.test'], { defaultPort: 8333, servers: [server.address] }).pipe(toArray()));
    expect(values).to.have.length(1);
    const [failure] = failures(values);
    expect(failure?.type).to.equal('dnsSeedFailed');
    expect(failure?.host).to.equal('nx.test');
    expect(failure?.error).to.be.instanceOf(DnsSeedError);
    expect(failure?.error.reason).to.equal('lookup');
    expect(failure?.error.causes.map((c) => (c as { code?: string }).code)).to.deep.equal(['ENOTFOUND', 'ENOTFOUND']);
    expect(failure?.error.message).to.include('nx.test');
  });

  it('times out a seed that never answers, on the injected scheduler, and cancels its lookups', async () => {
    const scheduler = new VirtualTimeScheduler();
    const cancel = sinon.spy(Resolver.prototype, 'cancel');
    const result = lastValueFrom(
      dnsSeeds(['silent.test'], { defaultPort: 8333, servers: [server.address], timeout: 2_000, scheduler }).pipe(toArray()),
    );
    // Both queries reached the server and were dropped; only virtual time can end them now.
    await server.waitForQuery('silent.test', 'A');
    await server.waitForQuery('silent.test', 'AAAA');
    expect(cancel.called).to.equal(false);
    scheduler.flush();
    expect(scheduler.now()).to.equal(2_000);

    const values = await result;
    expect(values).to.have.length(1);
    const [failure] = failures(values);
    expect(failure?.host).to.equal('silent.test');
    expect(failure?.error.reason).to.equal('timeout');
    expect(failure?.error.causes).to.have.length(2);
    for (const cause of failure?.error.causes ?? []) {
      expect(cause).to.be.instanceOf(DnsLookupTimeoutError);
      expect(cause).to.include({ host: 'silent.test', timeout: 2_000 });
    }
    expect((failure?.error.causes as DnsLookupTimeoutError[]).map((c) => c.rrtype)).to.have.members(['A', 'AAAA']);
    expect(cancel.callCount).to.equal(2); // one resolver per abandoned lookup
  });

  it('handles good, NXDOMAIN and silent seeds together: one value per seed, then completes', async () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: (AddressAnnouncement | DnsSeedFailure)[] = [];
    let completed = false;
    const subscription = dnsSeeds(['seed.test', 'nx.test', 'silent.test'], {
      defaultPort: 8333,
      servers: [server.address],
      timeout: 500,
      scheduler,
    }).subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });

    await server.waitForQuery('silent.test', 'A');
    await server.waitForQuery('silent.test', 'AAAA');
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    // The answering seeds were emitted as they finished, before the silent one timed out.
    expect(completed).to.equal(false);
    expect(announcements(seen).map((a) => a.host)).to.deep.equal(['seed.test']);
    expect(failures(seen).map((f) => f.host)).to.deep.equal(['nx.test']);

    scheduler.flush();
    expect(completed).to.equal(true);
    expect(failures(seen).map((f) => [f.host, f.error.reason])).to.deep.equal([
      ['nx.test', 'lookup'],
      ['silent.test', 'timeout'],
    ]);
    subscription.unsubscribe();
  });

  it('cancels pending lookups when unsubscribed', async () => {
    const cancel = sinon.spy(Resolver.prototype, 'cancel');
    const subscription = dnsSeeds(['silent.test'], {
      defaultPort: 8333,
      servers: [server.address],
      scheduler: new VirtualTimeScheduler(),
    }).subscribe();
    await server.waitForQuery('silent.test', 'A');
    await server.waitForQuery('silent.test', 'AAAA');
    subscription.unsubscribe();
    expect(cancel.callCount).to.equal(2);
  });

  it('resolves again on each subscription (cold)', async () => {
    const seeds$ = dnsSeeds(['seed.test'], { defaultPort: 8333, servers: [server.address] });
    await firstValueFrom(seeds$);
    await firstValueFrom(seeds$);
    expect(server.queries.filter((q) => q.name === 'seed.test' && q.type === 'A')).to.have.length(2);
  });

  it('works with an injected node:dns Resolver pointed at the test server', async () => {
    const resolver = new Resolver();
    resolver.setServers([server.address]);
    const values = await lastValueFrom(dnsSeeds(['seed.test', 'nx.test'], { defaultPort: 8333, resolver }).pipe(toArray()));
    expect(announcements(values)).to.have.length(1);
    expect(failures(values).map((f) => f.host)).to.deep.equal(['nx.test']);
  });
});
