import { expect } from 'chai';
import { BanFileFormatError, parseBanFile, toBanFile } from '../../lib/ban/banFile.js';

describe('ban/banFile', () => {
  const good = { host: '::ffff:1.2.3.4', since: 1, until: 2, reason: 'x' };

  it('parses a valid document and normalizes hosts', () => {
    expect(parseBanFile({ version: 1, bans: [good, { host: '2001:DB8::1', since: 0, until: 5, reason: '' }] })).to.deep.equal({
      version: 1,
      bans: [
        { host: '1.2.3.4', since: 1, until: 2, reason: 'x' },
        { host: '2001:db8::1', since: 0, until: 5, reason: '' },
      ],
    });
  });

  const bad: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not an object', [], '(root)'],
    ['null', null, '(root)'],
    ['missing version', { bans: [] }, 'version'],
    ['another version', { version: 2, bans: [] }, 'version'],
    ['bans not an array', { version: 1, bans: {} }, 'bans'],
    ['entry not an object', { version: 1, bans: [good, 7] }, 'bans[1]'],
    ['host not an IP', { version: 1, bans: [{ ...good, host: 'example.com' }] }, 'bans[0].host'],
    ['host with port', { version: 1, bans: [{ ...good, host: '1.2.3.4:8333' }] }, 'bans[0].host'],
    ['host missing', { version: 1, bans: [{ since: 1, until: 2, reason: '' }] }, 'bans[0].host'],
    ['since a string', { version: 1, bans: [{ ...good, since: '1' }] }, 'bans[0].since'],
    ['until NaN-ish', { version: 1, bans: [{ ...good, until: null }] }, 'bans[0].until'],
    ['reason a number', { version: 1, bans: [{ ...good, reason: 3 }] }, 'bans[0].reason'],
  ];
  for (const [label, doc, field] of bad) {
    it(`rejects ${label} with BanFileFormatError naming ${field}`, () => {
      expect(() => parseBanFile(doc))
        .to.throw(BanFileFormatError)
        .that.satisfies((e: BanFileFormatError) => e.field === field && e.message.includes(field));
    });
  }

  it('keeps error messages short for huge values', () => {
    expect(() => parseBanFile({ version: 1, bans: [{ ...good, reason: ['x'.repeat(10_000)] }] }))
      .to.throw(BanFileFormatError)
      .that.satisfies((e: Error) => e.message.length < 200);
  });

  it('toBanFile keeps only the entry fields', () => {
    const extra = { ...good, host: '1.2.3.4', secret: 'no' };
    expect(toBanFile([extra])).to.deep.equal({ version: 1, bans: [{ host: '1.2.3.4', since: 1, until: 2, reason: 'x' }] });
  });
});
