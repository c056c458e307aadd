import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Subscription, type Observable } from 'rxjs';
import type { BanEvent } from '../ban/BanEvent.js';
import type { ConnEvent } from '../model/events.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import type { ConnManagerState } from '../model/state.js';

/**
 * The node events the metrics count: the shape of `NodeEvent`'s `refused`, `evicted`,
 * `handshakeFailed` and `misbehaving` members (others are ignored), so any node that reports
 * these can be measured.
 */
export type MeteredNodeEvent =
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'evicted' }
  | { readonly type: 'handshakeFailed'; readonly direction: string }
  | { readonly type: 'misbehaving'; readonly banned: boolean }
  | { readonly type: string };

/** What {@link connMetrics} measures: a manager's `events$`, and optionally its state, a node's events and its bans. */
export interface ConnMetricsSources<A = unknown, C = unknown> {
  /** The manager's `events$` (any address and conn types). */
  readonly events$: Observable<ConnEvent<A, C>>;
  /** The manager's current state (`() => manager.state`), for the gauges read at scrape time. */
  readonly state?: () => ConnManagerState<A, C>;
  /** A node's `events$`: refusals, evictions, handshake failures, misbehaviour. */
  readonly nodeEvents$?: Observable<MeteredNodeEvent>;
  /** A ban list's `bans$`. */
  readonly bans$?: Observable<BanEvent>;
}

/** Options of {@link connMetrics}. */
export interface ConnMetricsOptions {
  /** Where the metrics are registered (a prom-client `Registry`). */
  readonly registry: Registry;
  /** Prefix of every name. Default `'rxconnmgr_'`. */
  readonly prefix?: string;
  /** Buckets of the backoff delay histogram, in seconds. Default 0.1 s … 1 h. */
  readonly backoffBuckets?: readonly number[];
}

/** A running adapter: `stop()` unsubscribes and removes its metrics from the registry. */
export interface ConnMetrics {
  stop(): void;
}

/** The metric names without prefix, stable across versions: dashboards and alerts depend on them. */
export const METRIC_NAMES = {
  dials: 'dials_total',
  dialsStarted: 'dial_attempts_total',
  dialsInProgress: 'dials_in_progress',
  retries: 'retries_total',
  refills: 'refill_requests_total',
  backoffDelay: 'backoff_delay_seconds',
  disconnects: 'disconnects_total',
  inboundAccepted: 'inbound_accepted_total',
  inboundRejected: 'inbound_rejected_total',
  connections: 'connections',
  refusals: 'refusals_total',
  evictions: 'evictions_total',
  handshakeFailures: 'handshake_failures_total',
  misbehaviour: 'misbehaviour_total',
  bans: 'bans_total',
  unbans: 'unbans_total',
} as const;

const DEFAULT_BACKOFF_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Registers Prometheus metrics (prom-client, an optional peer dependency) fed by a connection
 * manager's `events$` — and a node's events and bans when given — under stable names
 * ({@link METRIC_NAMES}, prefixed `rxconnmgr_`):
 *
 * | metric | type | labels | counts |
 * | --- | --- | --- | --- |
 * | `dials_total` | counter | `outcome`: connected, failed, no_address | `connected` / `failed` events |
 * | `dial_attempts_total` | counter | | `dialing` events |
 * | `dials_in_progress` | gauge | | requests dialing now (needs `state`) |
 * | `retries_total` | counter | | `retryScheduled` events |
 * | `refill_requests_total` | counter | | requests announced by `refillScheduled` |
 * | `backoff_delay_seconds` | histogram | | `retryScheduled.delay` |
 * | `disconnects_total` | counter | `reason` | `disconnected` events |
 * | `inbound_accepted_total` / `inbound_rejected_total` | counter | `reason` | `accepted` / `rejected` |
 * | `connections` | gauge | `direction`, `class` (permanent, automatic, oneshot, inbound, or a named connection class) | established conns (needs `state`) |
 * | `refusals_total` | counter | `reason` | node `refused` events |
 * | `evictions_total` | counter | `reason`: inbound_full | node `evicted` events |
 * | `handshake_failures_total` | counter | `direction` | node `handshakeFailed` events |
 * | `misbehaviour_total` | counter | `banned`: true, false | node `misbehaving` events |
 * | `bans_total` | counter | `source`: misbehaviour, manual | `banned` ban events |
 * | `unbans_total` | counter | `reason`: lifted, expired | `unbanned` / `expired` ban events |
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * const registry = new Registry();
 * const metrics = connMetrics({ events$: node.manager.events$, state: () => node.manager.state, nodeEvents$: node.events$, bans$: node.bans$ }, { registry });
 * new RpcServer({ …, metrics: { source: registry } });
 * ```
 */
export function connMetrics<A, C>(sources: ConnMetricsSources<A, C>, options: ConnMetricsOptions): ConnMetrics {
  const prefix = options.prefix ?? 'rxconnmgr_';
  const registers = [options.registry];
  const names: string[] = [];
  const name = (key: keyof typeof METRIC_NAMES) => {
    const full = prefix + METRIC_NAMES[key];
    names.push(full);
    return full;
  };
  const counter = <L extends string>(key: keyof typeof METRIC_NAMES, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: name(key), help, labelNames, registers });

  const dials = counter('dials', 'Dials ended, by outcome (no_address: getNewAddress failed).', ['outcome']);
  const dialsStarted = counter('dialsStarted', 'Dials begun.');
  const retries = counter('retries', 'Retries of permanent requests scheduled.');
  const refills = counter('refills', 'Automatic requests announced to keep the outbound target.');
  const backoff = new Histogram({
    name: name('backoffDelay'),
    help: 'Delay before each scheduled retry, seconds.',
    buckets: [...(options.backoffBuckets ?? DEFAULT_BACKOFF_BUCKETS)],
    registers,
  });
  const disconnects = counter('disconnects', 'Established outbound connections ended, by reason.', ['reason']);
  const accepted = counter('inboundAccepted', 'Inbound connections admitted by the manager.');
  const rejected = counter('inboundRejected', 'Inbound connections the manager turned away, by reason.', ['reason']);
  const refusals = counter('refusals', 'Inbound connections the node refused before the handshake, by reason.', ['reason']);
  const evictions = counter('evictions', 'Inbound peers evicted to make room, by reason.', ['reason']);
  const handshakeFailures = counter('handshakeFailures', 'Version handshakes that failed, by direction.', ['direction']);
  const misbehaviour = counter('misbehaviour', 'Misbehaviour charged to peers, by whether it banned.', ['banned']);
  const bans = counter('bans', 'Bans imposed, by source.', ['source']);
  const unbans = counter('unbans', 'Bans ended, by reason.', ['reason']);

  const state = sources.state;
  if (state) {
    new Gauge({
      name: name('dialsInProgress'),
      help: 'Outbound requests dialing now.',
      registers,
      collect() {
        let n = 0;
        for (const e of state().requests.values()) if (e.stage === 'dial') n++;
        this.set(n);
      },
    });
    new Gauge({
      name: name('connections'),
      help: 'Established connections, by direction and class.',
      labelNames: ['direction', 'class'],
      registers,
      collect() {
        // The default class's conns as permanent / automatic / oneshot (always reported); a named
        // connection class (block-relay-only, feeler, …) under its own name while it has conns.
        const counts: Record<string, number> = { permanent: 0, automatic: 0, oneshot: 0 };
        const s = state();
        for (const e of s.requests.values()) {
          if (e.stage !== 'established') continue;
          const named = e.req.connClass !== DEFAULT_CONN_CLASS && !e.permanent;
          const cls = named ? e.req.connClass : e.permanent ? 'permanent' : e.automatic ? 'automatic' : 'oneshot';
          counts[cls] = (counts[cls] ?? 0) + 1;
        }
        this.reset();
        for (const [cls, n] of Object.entries(counts)) this.set({ direction: 'outbound', class: cls }, n);
        this.set({ direction: 'inbound', class: 'inbound' }, s.inbound.size);
      },
    });
  }

  const subscription = new Subscription();
  subscription.add(
    sources.events$.subscribe((e) => {
      switch (e.type) {
        case 'dialing':
          return dialsStarted.inc();
        case 'connected':
          return dials.inc({ outcome: 'connected' });
        case 'failed':
          return dials.inc({ outcome: e.addr === undefined ? 'no_address' : 'failed' });
        case 'retryScheduled':
          retries.inc();
          return backoff.observe(e.delay / 1000);
        case 'refillScheduled':
          return refills.inc(e.count);
        case 'disconnected':
          return disconnects.inc({ reason: e.reason });
        case 'accepted':
          return accepted.inc();
        case 'rejected':
          return rejected.inc({ reason: e.reason });
        default:
          return;
      }
    }),
  );
  if (sources.nodeEvents$) {
    subscription.add(
      sources.nodeEvents$.subscribe((e) => {
        if (e.type === 'refused' && 'reason' in e) refusals.inc({ reason: String(e.reason) });
        else if (e.type === 'evicted') evictions.inc({ reason: 'inbound_full' });
        else if (e.type === 'handshakeFailed' && 'direction' in e) handshakeFailures.inc({ direction: String(e.direction) });
        else if (e.type === 'misbehaving' && 'banned' in e) misbehaviour.inc({ banned: String(e.banned) });
      }),
    );
  }
  if (sources.bans$) {
    subscription.add(
      sources.bans$.subscribe((e) => {
        if (e.type === 'banned') bans.inc({ source: e.score === undefined ? 'manual' : 'misbehaviour' });
        else if (e.type === 'unbanned') unbans.inc({ reason: 'lifted' });
        else if (e.type === 'expired') unbans.inc({ reason: 'expired' });
      }),
    );
  }
  return {
    stop() {
      subscription.unsubscribe();
      for (const n of names) options.registry.removeSingleMetric(n);
    },
  };
}
