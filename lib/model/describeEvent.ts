import { DEFAULT_CONN_CLASS, type ConnReq } from './ConnReq.js';
import type { ConnEvent } from './events.js';

/**
 * A one-line summary of an event, for logs and test expectations: `"connected #3 a"`,
 * `"retryScheduled #1 +5000"`, `"rejected in:b maxInbound"`; a request of a class other than the
 * default is tagged with it: `"dialing #4/feeler a"`, `"refillScheduled 2 +0 block-relay-only"`.
 */
export function describeEvent(event: ConnEvent<unknown, unknown>): string {
  switch (event.type) {
    case 'started':
    case 'stopped':
      return event.type;
    case 'addressRequested':
      return `addressRequested ${tag(event.req)}`;
    case 'dialing':
      return `dialing ${tag(event.req)} ${String(event.addr)}`;
    case 'connected':
      return `connected ${tag(event.req)} ${String(event.addr)}`;
    case 'failed':
      return `failed ${tag(event.req)} ${String(event.addr)}${event.willRetry ? ' willRetry' : ''}${event.counted ? '' : ' uncounted'}`;
    case 'retryScheduled':
      return `retryScheduled ${tag(event.req)} +${event.delay}`;
    case 'refillScheduled':
      return `refillScheduled ${event.count} +${event.delay}${event.connClass === undefined ? '' : ` ${event.connClass}`}`;
    case 'disconnected':
      return `disconnected ${tag(event.req)} ${String(event.addr)} ${event.reason}${event.willReconnect ? ' willReconnect' : ''}`;
    case 'canceled':
      return `canceled ${tag(event.req)} ${event.reason}`;
    case 'accepted':
      return `accepted ${String(event.conn)} @${event.inboundId}`;
    case 'rejected':
      return `rejected ${String(event.conn)} ${event.reason}`;
    case 'inboundClosed':
      return `inboundClosed ${String(event.conn)} @${event.inboundId} ${event.reason}`;
    case 'discarded':
      return `discarded ${String(event.conn)} #${event.id}`;
    case 'ignored':
      return `ignored ${event.command} #${event.id}${event.connClass === undefined ? '' : `/${event.connClass}`} ${event.reason}`;
    case 'configured':
      return `configured ${Object.keys(event.to)
        .map(
          (key) =>
            `${key} ${describeValue(event.from[key as keyof typeof event.from])}→${describeValue(event.to[key as keyof typeof event.to])}`,
        )
        .join(', ')}`;
    case 'networkOffline':
      return `networkOffline ${event.network ?? '*'} ${event.reason}`;
    case 'networkOnline':
      return `networkOnline ${event.network ?? '*'} ${event.reason} ${event.retried}`;
    case 'listenerError':
      return `listenerError ${event.listener}`;
    case 'callbackError':
      return `callbackError ${event.source}`;
  }
}

/** A config value in a log line: a number as is, a backoff policy as `policy`. */
function describeValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? 'policy' : String(value);
}

/** `#id`, or `#id/class` for a class other than the default. */
function tag(req: ConnReq<unknown>): string {
  return req.connClass === DEFAULT_CONN_CLASS ? `#${req.id}` : `#${req.id}/${req.connClass}`;
}
