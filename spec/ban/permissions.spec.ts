import { expect } from 'chai';
import { InvalidHostError } from '../../lib/ban/errors.js';
import { mayAutoBan } from '../../lib/ban/mayAutoBan.js';
import { InvalidPermissionError, NO_PERMISSIONS, PERMISSION_FLAGS, parsePermissions, permissionsFor } from '../../lib/ban/permissions.js';

describe('ban/permissions', () => {
  const table = parsePermissions([
    'noban,addr@127.0.0.0/8',
    'forceinbound@192.168.0.0/16',
    'relay@192.168.1.0/24',
    'all@2001:db8::/32',
    '10.0.0.1',
  ]);

  it('grants the union of every matching rule, in a stable order', () => {
    expect(permissionsFor(table, '192.168.1.5')).to.deep.equal(['forceinbound', 'relay']);
    expect(permissionsFor(table, '192.168.2.5')).to.deep.equal(['forceinbound']);
    expect(permissionsFor(table, '127.0.0.1')).to.deep.equal(['noban', 'addr']);
    expect(permissionsFor(table, '8.8.8.8')).to.deep.equal([]);
  });

  it("'all' means every flag; a bare network gets Core's -whitelist defaults", () => {
    expect(permissionsFor(table, '2001:db8::1')).to.deep.equal([...PERMISSION_FLAGS]);
    expect(permissionsFor(table, '10.0.0.1')).to.deep.equal(['noban', 'relay', 'mempool']);
  });

  it('accepts host:port, [v6]:port and mapped spellings', () => {
    expect(permissionsFor(table, '127.0.0.1:8333')).to.deep.equal(['noban', 'addr']);
    expect(permissionsFor(table, '[2001:db8::1]:8333')).to.have.length(5);
    expect(permissionsFor(table, '::ffff:192.168.1.5')).to.deep.equal(['forceinbound', 'relay']);
  });

  it('is a plain value: the empty table grants nothing', () => {
    expect(permissionsFor(NO_PERMISSIONS, '127.0.0.1')).to.deep.equal([]);
    expect(JSON.parse(JSON.stringify(table.rules[0]))).to.deep.include({ flags: ['noban', 'addr'] });
  });

  it('rejects an unknown flag, a bad network and a non-IP address, naming them', () => {
    expect(() => parsePermissions(['nobann@10.0.0.0/8'])).to.throw(InvalidPermissionError, 'nobann');
    expect(() => parsePermissions(['noban@10.0.0.0/40'])).to.throw(InvalidPermissionError, '10.0.0.0/40');
    expect(() => permissionsFor(table, 'example.com')).to.throw(InvalidHostError, 'example.com');
  });
});

describe('ban/mayAutoBan', () => {
  it('never bans manual (addnode) peers nor noban ones automatically', () => {
    expect(mayAutoBan({ manual: true, permissions: [] })).to.equal(false);
    expect(mayAutoBan({ manual: false, permissions: ['noban'] })).to.equal(false);
    expect(mayAutoBan({ manual: false, permissions: ['relay'] })).to.equal(true);
  });
});
