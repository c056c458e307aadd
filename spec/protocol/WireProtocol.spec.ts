import { expect } from 'chai';
import { ProtocolError, type MessageDecoder, type WireProtocol } from '../../lib/protocol/WireProtocol.js';
import * as protocolIndex from '../../lib/protocol/index.js';
import * as bitcoinIndex from '../../lib/protocol/bitcoin/index.js';

/** A toy line protocol, to show the contract is implementable without Bitcoin. */
function lineProtocol(): WireProtocol<string> {
  return {
    name: 'lines',
    encode: (message) => new TextEncoder().encode(`${message}\n`),
    createDecoder(): MessageDecoder<string> {
      let pending = '';
      let poisoned: ProtocolError | undefined;
      return {
        push(chunk) {
          if (poisoned) throw poisoned;
          pending += new TextDecoder().decode(chunk);
          if (pending.length > 10 && !pending.includes('\n')) throw (poisoned = new ProtocolError(`line too long: ${pending.length}`, 5));
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          return lines;
        },
      };
    },
  };
}

describe('protocol/WireProtocol', () => {
  describe('ProtocolError', () => {
    it('is an Error carrying its ban score, message and cause', () => {
      const cause = new Error('inner');
      const error = new ProtocolError('bad bytes', 42, { cause });
      expect(error).to.be.instanceOf(Error);
      expect(error).to.include({ name: 'ProtocolError', message: 'bad bytes', banScore: 42 });
      expect(error.cause).to.equal(cause);
    });

    it('lets subclasses keep their own name', () => {
      class Mine extends ProtocolError {
        override readonly name = 'Mine';
      }
      const error = new Mine('x', 1);
      expect(error).to.be.instanceOf(ProtocolError);
      expect(error.name).to.equal('Mine');
      expect(String(error)).to.equal('Mine: x');
    });
  });

  it('can be implemented by a non-Bitcoin protocol', () => {
    const protocol = lineProtocol();
    const decoder = protocol.createDecoder();
    expect(decoder.push(protocol.encode('he'))).to.deep.equal(['he']);
    expect(decoder.push(new TextEncoder().encode('l'))).to.deep.equal([]);
    expect(decoder.push(new TextEncoder().encode('lo\nworld\n'))).to.deep.equal(['llo', 'world']);
  });

  it('is re-exported, with the Bitcoin protocol, from the barrels', () => {
    expect(protocolIndex.ProtocolError).to.equal(ProtocolError);
    expect(protocolIndex.bitcoinProtocol).to.equal(bitcoinIndex.bitcoinProtocol);
    for (const name of [
      'BadMagicError',
      'BadChecksumError',
      'OversizeMessageError',
      'BadCommandError',
      'MalformedPayloadError',
      'TooManyAddressesError',
    ]) {
      const ErrorClass = (bitcoinIndex as Record<string, unknown>)[name] as { prototype: unknown };
      expect(ErrorClass.prototype, name).to.be.instanceOf(ProtocolError);
    }
  });
});
