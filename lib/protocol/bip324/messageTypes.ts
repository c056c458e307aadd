import { COMMAND_SIZE, checkCommandText, parseCommandField } from '../bitcoin/frame.js';
import { InvalidMessageError } from '../bitcoin/errors.js';
import { V2MalformedContentsError } from './errors.js';

/**
 * BIP324's one-byte message type ids, index = id (id 0 announces a 12-byte type instead). Ids 29
 * and up are undefined by BIP324 itself.
 */
export const SHORT_MESSAGE_TYPES: readonly string[] = [
  '',
  'addr',
  'block',
  'blocktxn',
  'cmpctblock',
  'feefilter',
  'filteradd',
  'filterclear',
  'filterload',
  'getblocks',
  'getblocktxn',
  'getdata',
  'getheaders',
  'headers',
  'inv',
  'mempool',
  'merkleblock',
  'notfound',
  'ping',
  'pong',
  'sendcmpct',
  'tx',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'addrv2',
];

const SHORT_IDS = new Map(SHORT_MESSAGE_TYPES.map((command, id) => [command, id] as const).filter(([, id]) => id > 0));

/**
 * A v2 message: its command and payload, before or after the packet layer.
 *
 * @example
 * ```ts
 * const message: V2Message = { command: 'ping', payload: new Uint8Array(8) };
 * ```
 */
export interface V2Message {
  readonly command: string;
  readonly payload: Uint8Array;
}

/**
 * A message as v2 packet contents: the one-byte id when the command has one, else `0x00` and the
 * NUL-padded 12-byte command; then the payload.
 *
 * @throws InvalidMessageError for a command that does not fit a command field (our bug).
 * @example
 * ```ts
 * encodeV2Contents('ping', payload);    // 12 || payload
 * encodeV2Contents('version', payload); // 00 76657273696f6e0000000000 || payload
 * ```
 */
export function encodeV2Contents(command: string, payload: Uint8Array): Uint8Array {
  const id = SHORT_IDS.get(command);
  if (id !== undefined) {
    const out = new Uint8Array(1 + payload.length);
    out[0] = id;
    out.set(payload, 1);
    return out;
  }
  const problem = checkCommandText(command);
  if (problem !== undefined) throw new InvalidMessageError(command, 'command', command, problem);
  const out = new Uint8Array(1 + COMMAND_SIZE + payload.length);
  for (let i = 0; i < command.length; i += 1) out[1 + i] = command.charCodeAt(i);
  out.set(payload, 1 + COMMAND_SIZE);
  return out;
}

/**
 * Splits v2 packet contents into command and payload. Returns `undefined` for a one-byte id that
 * BIP324 does not define: Core ignores such messages (a later BIP may define the id), so do we.
 *
 * @throws V2MalformedContentsError for empty contents or a 12-byte type cut short;
 *   BadCommandError for a 12-byte type that is not printable ASCII then NULs.
 * @example
 * ```ts
 * decodeV2Contents(Uint8Array.of(18, ...nonce)); // { command: 'ping', payload: nonce }
 * ```
 */
export function decodeV2Contents(contents: Uint8Array): V2Message | undefined {
  const first = contents[0];
  if (first === undefined) throw new V2MalformedContentsError(contents, 'empty, no message type');
  if (first !== 0) {
    const command = SHORT_MESSAGE_TYPES[first];
    return command === undefined ? undefined : { command, payload: contents.subarray(1) };
  }
  if (contents.length < 1 + COMMAND_SIZE) {
    throw new V2MalformedContentsError(contents, `a 0x00 message type needs ${COMMAND_SIZE} more bytes`);
  }
  return {
    command: parseCommandField(contents.subarray(1, 1 + COMMAND_SIZE)),
    payload: contents.subarray(1 + COMMAND_SIZE),
  };
}
