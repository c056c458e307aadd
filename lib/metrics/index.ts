/**
 * Prometheus metrics for a connection manager and a node: {@link connMetrics} registers them on
 * a prom-client `Registry` (prom-client is an optional peer dependency: install it to use this).
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { connMetrics } from 'rx-connmgr/metrics';
 * const registry = new Registry();
 * connMetrics({ events$: manager.events$, state: () => manager.state }, { registry });
 * ```
 * @packageDocumentation
 */
export { connMetrics, METRIC_NAMES } from './connMetrics.js';
export type { ConnMetrics, ConnMetricsOptions, ConnMetricsSources, MeteredNodeEvent } from './connMetrics.js';
