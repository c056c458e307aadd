/**
 * A tiny wire protocol for the specs, to show that `Peer` works with any framing: each message is
 * a UTF-8 string behind a 4-byte big-endian length.
 */
import { ProtocolError } from '../../lib/protocol/WireProtocol.js';
import type { MessageDecoder, WireProtocol } from '../../lib/protocol/WireProtocol.js';

/** A frame announced more bytes than the decoder accepts. */
export class FrameTooLongError extends ProtocolError {
  override readonly name = 'FrameTooLongError';
  constructor(
    readonly length: number,
    readonly maxLength: number,
  ) {
    super(`text frame of length ${length} exceeds maxLength = ${maxLength}`, 50);
  }
}

class TextDecoder implements MessageDecoder<string> {
  #buffer: Buffer = Buffer.alloc(0);
  #error: FrameTooLongError | undefined;

  constructor(readonly maxLength: number) {}

  push(chunk: Uint8Array): string[] {
    if (this.#error) throw this.#error;
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const out: string[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (length > this.maxLength) throw (this.#error = new FrameTooLongError(length, this.maxLength));
      if (this.#buffer.length < 4 + length) break;
      out.push(this.#buffer.subarray(4, 4 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(4 + length);
    }
    return out;
  }
}

/** Length-prefixed UTF-8 strings; frames longer than `maxLength` bytes are a `FrameTooLongError`. */
export function textProtocol(maxLength = 1 << 20): WireProtocol<string> {
  return {
    name: 'text',
    encode(message) {
      const body = Buffer.from(message, 'utf8');
      const out = Buffer.alloc(4 + body.length);
      out.writeUInt32BE(body.length, 0);
      body.copy(out, 4);
      return out;
    },
    createDecoder: () => new TextDecoder(maxLength),
  };
}
