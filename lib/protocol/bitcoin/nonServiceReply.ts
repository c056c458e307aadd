/**
 * What a node that serves no blocks answers to the requests of a peer trying to sync from it.
 *
 * @packageDocumentation
 */
import type { BitcoinMessage, HeadersMessage, NotfoundMessage } from './messages.js';

/**
 * The reply of a node that keeps no chain to a block or data request, or `undefined` when there is
 * nothing to say:
 * - `getheaders` → an empty `headers`: "nothing after your locator". Core sends the same when the
 *   locator reaches its tip, and a syncing peer (Core, bcoin) then looks elsewhere instead of
 *   waiting for a timeout;
 * - `getdata` → a `notfound` listing every requested item, so the peer re-requests them from
 *   someone else at once. Core sends `notfound` for transactions only (for a block it lacks it
 *   stays silent), but it also never receives a block `getdata` it did not announce; we announce
 *   nothing, so the honest answer to any `getdata` is "not found";
 * - `getblocks` → `undefined`: its answer is an `inv` of blocks, and the protocol has no empty
 *   form that means "none" (Core sends nothing when it has no blocks after the locator);
 * - anything else → `undefined`.
 *
 * The real defence against peers syncing from us is not to claim `NODE_NETWORK` (see
 * `services.ts`); this is for peers that ask anyway.
 *
 * @param message - a decoded message from a peer.
 * @returns the reply to send, or `undefined`.
 * @example
 * ```ts
 * const reply = nonServiceReply(message);
 * if (reply !== undefined) peer.send(reply);
 * ```
 */
export function nonServiceReply(message: BitcoinMessage): HeadersMessage | NotfoundMessage | undefined {
  if ('payload' in message) return undefined;
  if (message.command === 'getheaders') return { command: 'headers', headers: [] };
  if (message.command === 'getdata') return { command: 'notfound', inventory: message.inventory };
  return undefined;
}
