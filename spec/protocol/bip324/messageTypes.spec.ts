import { expect } from 'chai';
import { BadCommandError } from '../../../lib/protocol/bitcoin/errors.js';
import { InvalidMessageError } from '../../../lib/protocol/bitcoin/errors.js';
import { V2MalformedContentsError } from '../../../lib/protocol/bip324/errors.js';
import { SHORT_MESSAGE_TYPES, decodeV2Contents, encodeV2Contents } from '../../../lib/protocol/bip324/messageTypes.js';
import { hex, toHex } from '../bitcoin/helpers.js';

describe('protocol/bip324/messageTypes', () => {
  it('is the BIP324 table: 28 ids, addr = 1 … ping = 18, pong = 19, addrv2 = 28', () => {
    expect(SHORT_MESSAGE_TYPES).to.have.length(29);
    expect(SHORT_MESSAGE_TYPES.indexOf('addr')).to.equal(1);
    expect(SHORT_MESSAGE_TYPES.indexOf('getblocktxn')).to.equal(10);
    expect(SHORT_MESSAGE_TYPES.indexOf('ping')).to.equal(18);
    expect(SHORT_MESSAGE_TYPES.indexOf('pong')).to.equal(19);
    expect(SHORT_MESSAGE_TYPES.indexOf('cfcheckpt')).to.equal(27);
    expect(SHORT_MESSAGE_TYPES.indexOf('addrv2')).to.equal(28);
  });

  it('encodes a command with an id as that one byte, then the payload', () => {
    expect(toHex(encodeV2Contents('ping', hex('0102')))).to.equal('120102');
  });

  it('encodes any other command as 0x00 and the NUL-padded 12-byte command', () => {
    expect(toHex(encodeV2Contents('version', hex('ff')))).to.equal('0076657273696f6e0000000000ff');
  });

  it('decodes both forms of a message with an id to the same message (the BIP asks for both)', () => {
    const short = decodeV2Contents(hex('0a aabb'));
    const long = decodeV2Contents(hex('00 676574626c6f636b74786e00 aabb'));
    expect(short?.command).to.equal('getblocktxn');
    expect(long?.command).to.equal('getblocktxn');
    expect(toHex(short?.payload ?? new Uint8Array(0))).to.equal(toHex(long?.payload ?? new Uint8Array(1)));
  });

  it('drops an id BIP324 does not define (29–255), as Core does', () => {
    expect(decodeV2Contents(hex('1d00'))).to.equal(undefined);
    expect(decodeV2Contents(hex('ff'))).to.equal(undefined);
  });

  it('throws V2MalformedContentsError for empty contents or a cut-short long type', () => {
    expect(() => decodeV2Contents(new Uint8Array(0))).to.throw(V2MalformedContentsError, 'empty');
    expect(() => decodeV2Contents(hex('0070696e67'))).to.throw(V2MalformedContentsError, '0070696e67');
  });

  it('throws BadCommandError for a long type that is not printable ASCII then NULs', () => {
    expect(() => decodeV2Contents(hex('00 70690067000000000000000000'))).to.throw(BadCommandError);
  });

  it('refuses to encode a command longer than 12 characters (InvalidMessageError)', () => {
    expect(() => encodeV2Contents('x'.repeat(13), new Uint8Array(0))).to.throw(InvalidMessageError, 'at most 12');
  });
});
