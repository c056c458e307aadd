import { expect } from 'chai';
import { lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { isDnsSeedFailure } from '../../lib/discovery/DnsSeedFailure.js';
import { dnsSeeds, type DnsResolverLike } from '../../lib/discovery/dnsSeeds.js';
import { DnsLookupTimeoutError, InvalidDiscoveryOptionError, InvalidSeedError } from '../../lib/discovery/errors.js';

/** A resolver answering from a table; `undefined` never settles, an Error rejects. */
function fakeResolver(table: Record<string, { A?: string[] | Error; AAAA?: string[] | Error }>): DnsResolverLike & { calls: string[] } {
  const calls: string[] = [];
  const answer = (host: string, rrtype: 'A' | 'AAAA'): Promise<string[]> => {
    calls.push(`${rrtype} ${host}`);
    const value = table[host]?.[rrtype];
    if (value === undefined) return new Promise<string[]>(() => undefined);
    return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
  };
  return { calls, resolve4: (host) => answer(host, 'A'), resolve6: (host) => answer(host, 'AAAA') };
}

describe('dnsSeeds (options and edge cases, fake resolver)', () => {
  it('throws a typed error naming a bad seed host or option, at call time', () => {
    const resolver = fakeResolver({});
    for (const host of ['', 'seed.example.org:8333', 'http://seed.example.org', 'a b', 42 as unknown as string]) {
      expect(() => dnsSeeds([host], { defaultPort: 8333, resolver }))
        .to.throw(InvalidSeedError)
        .that.satisfies((e: InvalidSeedError) => e.entry === host && e.kind === 'dns');
    }
    for (const defaultPort of [0, 65536, 1.5, NaN]) {
      expect(() => dnsSeeds(['seed.test'], { defaultPort, resolver })).to.throw(InvalidDiscoveryOptionError, 'defaultPort');
    }
    for (const timeout of [0, -1, NaN]) {
      expect(() => dnsSeeds(['seed.test'], { defaultPort: 8333, timeout, resolver })).to.throw(InvalidDiscoveryOptionError, 'timeout');
    }
    expect(() => dnsSeeds(['seed.test'], { defaultPort: 8333, resolver, servers: ['127.0.0.1'] })).to.throw(
      InvalidDiscoveryOptionError,
      'servers',
    );
    expect(() => dnsSeeds(['seed.test'], { defaultPort: 8333, servers: ['not an ip'] }))
      .to.throw(InvalidDiscoveryOptionError)
      .with.property('value')
      .that.deep.equals(['not an ip']);
  });

  it('accepts trailing-dot and underscore host names, and resolves duplicates once', async () => {
    const resolver = fakeResolver({ 'seed.test.': { A: ['1.2.3.4'], AAAA: [] }, 'x_1.seed.test': { A: ['5.6.7.8'], AAAA: [] } });
    const values = await lastValueFrom(
      dnsSeeds(['seed.test.', 'x_1.seed.test', 'seed.test.'], { defaultPort: 8333, resolver }).pipe(toArray()),
    );
    expect(values).to.have.length(2);
    expect(resolver.calls).to.have.members(['A seed.test.', 'AAAA seed.test.', 'A x_1.seed.test', 'AAAA x_1.seed.test']);
  });

  it('dedupes addresses, canonicalises them and skips answers that are not IPs', async () => {
    const resolver = fakeResolver({ 'seed.test': { A: ['1.2.3.4', '1.2.3.4', 'garbage'], AAAA: ['2001:DB8:0::1', '::ffff:1.2.3.4'] } });
    const [value] = await lastValueFrom(dnsSeeds(['seed.test'], { defaultPort: 8333, resolver }).pipe(toArray()));
    expect(value && !isDnsSeedFailure(value) && value.addrs.map((a) => String(a.addr))).to.deep.equal([
      '1.2.3.4:8333',
      '[2001:db8::1]:8333',
    ]);
  });

  it('reports a seed whose lookups succeed with nothing as reason "empty"', async () => {
    const resolver = fakeResolver({ 'seed.test': { A: [], AAAA: ['not-an-ip'] } });
    const [value] = await lastValueFrom(dnsSeeds(['seed.test'], { defaultPort: 8333, resolver }).pipe(toArray()));
    expect(value && isDnsSeedFailure(value) && [value.error.reason, value.error.causes]).to.deep.equal(['empty', []]);
  });

  it('keeps the answers of one family when the other times out', async () => {
    const scheduler = new VirtualTimeScheduler();
    const resolver = fakeResolver({ 'seed.test': { A: ['1.2.3.4'] /* AAAA never settles */ } });
    const values: unknown[] = [];
    dnsSeeds(['seed.test'], { defaultPort: 8333, resolver, scheduler, timeout: 1_000 }).subscribe((v) => values.push(v));
    await Promise.resolve();
    expect(values).to.have.length(0); // still waiting for AAAA
    scheduler.flush();
    expect(values).to.have.length(1);
    expect(isDnsSeedFailure(values[0] as never)).to.equal(false);
  });

  it('calls the failure "lookup" when one lookup timed out and the other was refused', async () => {
    const scheduler = new VirtualTimeScheduler();
    const refused = Object.assign(new Error('queryA EREFUSED seed.test'), { code: 'EREFUSED' });
    const resolver = fakeResolver({ 'seed.test': { A: refused } });
    const values: unknown[] = [];
    dnsSeeds(['seed.test'], { defaultPort: 8333, resolver, scheduler, timeout: 1_000 }).subscribe((v) => values.push(v));
    await Promise.resolve();
    scheduler.flush();
    const [failure] = values as { error: { reason: string; causes: unknown[]; message: string } }[];
    expect(failure?.error.reason).to.equal('lookup');
    expect(failure?.error.causes[0]).to.equal(refused);
    expect(failure?.error.causes[1]).to.be.instanceOf(DnsLookupTimeoutError);
    expect(failure?.error.message).to.include('EREFUSED');
  });

  it('turns a resolver that throws synchronously into a failure value', async () => {
    const resolver: DnsResolverLike = {
      resolve4: () => {
        throw new Error('boom');
      },
      resolve6: () => Promise.reject(new Error('boom6')),
    };
    const [value] = await lastValueFrom(dnsSeeds(['seed.test'], { defaultPort: 8333, resolver }).pipe(toArray()));
    expect(value && isDnsSeedFailure(value) && value.error.reason).to.equal('lookup');
  });

  it('draws each timestamp from the injected random: 0 → 3 days back, just under 1 → just under 7 days', async () => {
    const draws = [0, 0.9999999999, 0.5];
    const resolver = fakeResolver({ 'seed.test': { A: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], AAAA: [] } });
    const [value] = await lastValueFrom(
      dnsSeeds(['seed.test'], { defaultPort: 8333, resolver, now: () => 1_000_000_000_000, random: () => draws.shift() ?? 0 }).pipe(
        toArray(),
      ),
    );
    const ages = value && !isDnsSeedFailure(value) ? value.addrs.map((a) => 1_000_000_000_000 - (a.timestamp ?? 0)) : [];
    const day = 86_400_000;
    expect(ages).to.deep.equal([3 * day, 7 * day - 1_000, 5 * day]);
  });

  it('completes at once for an empty host list', async () => {
    expect(await lastValueFrom(dnsSeeds([], { defaultPort: 8333, resolver: fakeResolver({}) }).pipe(toArray()))).to.deep.equal([]);
  });
});
