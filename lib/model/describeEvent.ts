import type { ConnEvent } from './events.js';

/** A one-line summary of an event, for logs and test expectations: `"connected #3 a"`, `"retryScheduled #1 +5000"`, `"rejected in:b maxInbound"`. */
export function describeEvent(event: ConnEvent<unknown, unknown>): string {
  switch (event.type) {
    case 'started':
    case 'stopped':
      return event.type;
    case 'addressRequested':
      return `addressRequested #${event.req.id}`;
    case 'dialing':
      return `dialing #${event.req.id} ${String(event.addr)}`;
    case 'connected':
      return `connected #${event.req.id} ${String(event.addr)}`;
    case 'failed':
      return `failed #${event.req.id} ${String(event.addr)}${event.willRetry ? ' willRetry' : ''}`;
    case 'retryScheduled':
      return `retryScheduled #${event.req.id} +${event.delay}`;
    case 'refillScheduled':
      return `refillScheduled ${event.count} +${event.delay}`;
    case 'disconnected':
      return `disconnected #${event.req.id} ${String(event.addr)} ${event.reason}${event.willReconnect ? ' willReconnect' : ''}`;
    case 'canceled':
      return `canceled #${event.req.id} ${event.reason}`;
    case 'accepted':
      return `accepted ${String(event.conn)} @${event.inboundId}`;
    case 'rejected':
      return `rejected ${String(event.conn)} ${event.reason}`;
    case 'inboundClosed':
      return `inboundClosed ${String(event.conn)} @${event.inboundId} ${event.reason}`;
    case 'discarded':
      return `discarded ${String(event.conn)} #${event.id}`;
    case 'ignored':
      return `ignored ${event.command} #${event.id} ${event.reason}`;
    case 'listenerError':
      return `listenerError ${event.listener}`;
    case 'callbackError':
      return `callbackError ${event.source}`;
  }
}
