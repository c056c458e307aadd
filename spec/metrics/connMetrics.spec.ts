import { expect } from 'chai';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { BanList } from '../../lib/ban/BanList.js';
import { connMetrics, type MeteredNodeEvent } from '../../lib/metrics/connMetrics.js';
import type { ConnEvent } from '../../lib/model/events.js';
import { runManagerTest } from '../../lib/testing/index.js';

type Values = { value: number; labels: Record<string, string | number> }[];

/** A counter's value for the given labels (0 when never incremented). */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(`rxconnmgr_${name}`);
  if (!metric) throw new Error(`no metric ${name}`);
  const values = (await metric.get()).values as Values;
  const match = values.find(
    (v) =>
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l) && Object.keys(v.labels).length === Object.keys(labels).length,
  );
  return match?.value ?? 0;
}

const count = (events: readonly ConnEvent[], predicate: (e: ConnEvent) => boolean) => events.filter(predicate).length;

/** Every manager counter against the events it counts. */
async function expectCountersMatch(registry: Registry, events: readonly ConnEvent[]) {
  expect(await value(registry, 'dial_attempts_total')).to.equal(count(events, (e) => e.type === 'dialing'));
  expect(await value(registry, 'dials_total', { outcome: 'connected' })).to.equal(count(events, (e) => e.type === 'connected'));
  expect(await value(registry, 'dials_total', { outcome: 'failed' })).to.equal(
    count(events, (e) => e.type === 'failed' && e.addr !== undefined),
  );
  expect(await value(registry, 'dials_total', { outcome: 'no_address' })).to.equal(
    count(events, (e) => e.type === 'failed' && e.addr === undefined),
  );
  expect(await value(registry, 'retries_total')).to.equal(count(events, (e) => e.type === 'retryScheduled'));
  expect(await value(registry, 'refill_requests_total')).to.equal(
    events.reduce((n, e) => n + (e.type === 'refillScheduled' ? e.count : 0), 0),
  );
  for (const reason of ['closed', 'disconnect', 'remove', 'stop']) {
    expect(await value(registry, 'disconnects_total', { reason }), reason).to.equal(
      count(events, (e) => e.type === 'disconnected' && e.reason === reason),
    );
  }
  expect(await value(registry, 'inbound_accepted_total')).to.equal(count(events, (e) => e.type === 'accepted'));
  for (const reason of ['maxInbound', 'notRunning']) {
    expect(await value(registry, 'inbound_rejected_total', { reason }), reason).to.equal(
      count(events, (e) => e.type === 'rejected' && e.reason === reason),
    );
  }
  const histogram = (await registry.getSingleMetric('rxconnmgr_backoff_delay_seconds')!.get()).values as Values & { metricName?: string }[];
  const delays = events
    .filter((e): e is Extract<ConnEvent, { type: 'retryScheduled' }> => e.type === 'retryScheduled')
    .map((e) => e.delay / 1000);
  const sum = histogram.find((v) => (v as { metricName?: string }).metricName === 'rxconnmgr_backoff_delay_seconds_sum')?.value ?? 0;
  const histCount =
    histogram.find((v) => (v as { metricName?: string }).metricName === 'rxconnmgr_backoff_delay_seconds_count')?.value ?? 0;
  expect(histCount).to.equal(delays.length);
  expect(sum).to.be.closeTo(
    delays.reduce((a, b) => a + b, 0),
    1e-9,
  );
}

/** A manager run in virtual time with metrics attached; events and gauge snapshots collected. */
function scenario(scripts: Record<string, string[]>, target: number, inbound: string) {
  const registry = new Registry();
  const events: ConnEvent[] = [];
  const gauges: Promise<unknown>[] = [];
  const addrs = Object.keys(scripts);
  runManagerTest((t) => {
    for (const [addr, marbles] of Object.entries(scripts)) t.net.script(addr, ...marbles);
    let n = 0;
    const cm = t.manager({
      getNewAddress: () => {
        const addr = addrs[n++ % (addrs.length + 1)];
        if (addr === undefined) throw new Error('no address this time');
        return addr;
      },
      targetOutbound: target,
      retryDuration: 10,
      maxInbound: 1,
      listeners: [t.net.listener(inbound, { a: 7 })],
    });
    cm.events$.subscribe((e) => events.push(e));
    const metrics = connMetrics({ events$: cm.events$, state: () => cm.state }, { registry });
    t.at(0, () => {
      cm.start();
      cm.connect(addrs[0]!, { permanent: true });
    });
    t.at(25, () => gauges.push(registry.getSingleMetric('rxconnmgr_connections')!.get(), Promise.resolve(cm.state)));
    t.at(200, () => cm.stop());
    return () => metrics;
  });
  return { registry, events, gauges };
}

describe('metrics/connMetrics', () => {
  it('every manager counter equals the count of matching events$ entries', async () => {
    const { registry, events } = scenario({ a: ['--#', '-#', '-c---x', 'c'], b: ['#', '--c'], c: ['c'] }, 3, '-a-b--c');
    // The scenario did exercise each kind of event.
    for (const type of [
      'dialing',
      'connected',
      'failed',
      'retryScheduled',
      'refillScheduled',
      'disconnected',
      'accepted',
      'rejected',
    ] as const) {
      expect(
        count(events, (e) => e.type === type),
        type,
      ).to.be.above(0);
    }
    await expectCountersMatch(registry, events);
  });

  it('property: the counters match events$ for any scripted network', async () => {
    const marble = fc.constantFrom('c', '#', '-c', '--#', 'c--x', '-c-x', '---c');
    await fc.assert(
      fc.asyncProperty(
        fc.record({ a: fc.array(marble, { minLength: 1, maxLength: 4 }), b: fc.array(marble, { minLength: 1, maxLength: 4 }) }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('', 'a', '-a-b', 'ab-c'),
        async (scripts, target, inbound) => {
          const { registry, events } = scenario(scripts, target, inbound);
          await expectCountersMatch(registry, events);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the connections gauge names a connection class (block-relay-only, feeler) under its own class label', async () => {
    const registry = new Registry();
    const got: Promise<unknown>[] = [];
    runManagerTest((t) => {
      for (const addr of ['a', 'b', 'c', 'f']) t.net.script(addr, 'c');
      const queue = ['a', 'b', 'c'];
      const cm = t.manager({
        getNewAddress: () => queue.shift() ?? [],
        targetOutbound: 1,
        classes: { 'block-relay-only': { target: 2 }, feeler: { max: 1 } },
      });
      const metrics = connMetrics({ events$: cm.events$, state: () => cm.state }, { registry });
      t.at(0, () => {
        cm.start();
        cm.connect('f', { connClass: 'feeler' });
      });
      t.at(25, () => got.push(registry.getSingleMetric('rxconnmgr_connections')!.get()));
      t.at(200, () => cm.stop());
      return () => metrics;
    });
    const [metric] = (await Promise.all(got)) as [{ values: Values }];
    const of = (cls: string) => metric.values.find((v) => v.labels['direction'] === 'outbound' && v.labels['class'] === cls)?.value;
    expect([of('automatic'), of('block-relay-only'), of('feeler'), of('oneshot'), of('permanent')]).to.deep.equal([1, 2, 1, 0, 0]);
  });

  it('the connections gauge reads the state: established conns by direction and class', async () => {
    const { gauges } = scenario({ a: ['c'], b: ['c'] }, 1, 'a');
    const [metric, state] = (await Promise.all(gauges)) as [
      { values: Values },
      { requests: { values(): Iterable<{ stage: string; permanent: boolean; automatic: boolean }> }; inbound: { size: number } },
    ];
    const of = (direction: string, cls: string) =>
      metric.values.find((v) => v.labels['direction'] === direction && v.labels['class'] === cls)?.value;
    const established = [...state.requests.values()].filter((e) => e.stage === 'established');
    expect(of('outbound', 'permanent')).to.equal(established.filter((e) => e.permanent).length);
    expect(of('outbound', 'automatic')).to.equal(established.filter((e) => e.automatic).length);
    expect(of('inbound', 'inbound')).to.equal(state.inbound.size);
    expect((of('outbound', 'permanent') ?? 0) + (of('outbound', 'automatic') ?? 0)).to.equal(2);
  });

  it('node events and bans: refusals, evictions, handshake failures, misbehaviour, bans, unbans', async () => {
    const registry = new Registry();
    const nodeEvents = new Subject<MeteredNodeEvent>();
    const clock = { t: 0 };
    const banList = new BanList({ now: () => clock.t });
    const metrics = connMetrics({ events$: new Subject<ConnEvent>(), nodeEvents$: nodeEvents, bans$: banList.bans$ }, { registry });
    const sent: MeteredNodeEvent[] = [
      { type: 'refused', reason: 'banned' },
      { type: 'refused', reason: 'rate' },
      { type: 'refused', reason: 'rate' },
      { type: 'evicted' },
      { type: 'handshakeFailed', direction: 'inbound' },
      { type: 'misbehaving', banned: false },
      { type: 'misbehaving', banned: true },
      { type: 'peerUp' },
    ];
    sent.forEach((e) => nodeEvents.next(e));
    banList.ban('192.0.2.1', 'manual', 10);
    banList.banSubnet('10.0.0.0/8');
    banList.misbehaving('192.0.2.2', 101, 0, 'bad');
    banList.unbanSubnet('10.0.0.0/8');
    clock.t = 10;
    banList.entries(); // notices the expiry
    expect(await value(registry, 'refusals_total', { reason: 'rate' })).to.equal(2);
    expect(await value(registry, 'refusals_total', { reason: 'banned' })).to.equal(1);
    expect(await value(registry, 'evictions_total', { reason: 'inbound_full' })).to.equal(1);
    expect(await value(registry, 'handshake_failures_total', { direction: 'inbound' })).to.equal(1);
    expect(await value(registry, 'misbehaviour_total', { banned: 'true' })).to.equal(1);
    expect(await value(registry, 'bans_total', { source: 'manual' })).to.equal(2);
    expect(await value(registry, 'bans_total', { source: 'misbehaviour' })).to.equal(1);
    expect(await value(registry, 'unbans_total', { reason: 'lifted' })).to.equal(1);
    expect(await value(registry, 'unbans_total', { reason: 'expired' })).to.equal(1);
    expect(await registry.metrics()).to.include('rxconnmgr_refusals_total{reason="rate"} 2');
    metrics.stop();
    expect(registry.getSingleMetric('rxconnmgr_refusals_total')).to.equal(undefined);
    nodeEvents.next({ type: 'refused', reason: 'rate' }); // unsubscribed: nothing to count into
  });
});
