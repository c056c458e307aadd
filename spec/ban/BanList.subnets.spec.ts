import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BanEvent } from '../../lib/ban/BanEvent.js';
import { BanList, type BanListOptions } from '../../lib/ban/BanList.js';
import { InvalidCidrError } from '../../lib/ban/errors.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function setup(options: Omit<BanListOptions, 'now'> = {}) {
  const clock = { t: T0 };
  const list = new BanList({ ...options, now: () => clock.t });
  const events: BanEvent[] = [];
  list.bans$.subscribe((e) => events.push(e));
  return { clock, list, events };
}

describe('ban/BanList subnets', () => {
  it('an IPv4 subnet ban covers its hosts only, in every spelling', () => {
    const { list, events } = setup();
    const entry = list.banSubnet('10.1.2.3/16', 'spam', HOUR);
    expect(entry).to.deep.include({ host: '10.1.0.0/16', reason: 'spam', until: T0 + HOUR });
    expect(list.isBanned('10.1.200.7')).to.equal(true);
    expect(list.isBanned('::ffff:10.1.0.1')).to.equal(true);
    expect(list.isBanned('10.2.0.1')).to.equal(false);
    expect(list.get('10.1.9.9')?.host).to.equal('10.1.0.0/16');
    expect(events).to.deep.equal([{ type: 'banned', host: '10.1.0.0/16', until: T0 + HOUR, reason: 'spam' }]);
  });

  it('an IPv6 subnet ban covers its hosts and never an IPv4 one', () => {
    const { list } = setup();
    list.banSubnet('2001:DB8::/32');
    expect(list.isBanned('2001:db8:ffff::1')).to.equal(true);
    expect(list.isBanned('2001:db9::1')).to.equal(false);
    expect(list.isBanned('32.1.13.184')).to.equal(false); // 2001:0db8 as IPv4 bytes
  });

  it('a full-length prefix is a host ban', () => {
    const { list } = setup();
    expect(list.banSubnet('192.0.2.1/32')?.host).to.equal('192.0.2.1');
    expect(list.banSubnet('::1/128')?.host).to.equal('::1');
    expect(list.entries().map((e) => e.host)).to.deep.equal(['192.0.2.1', '::1']);
    expect(list.unbanSubnet('192.0.2.1/32')).to.equal(true);
    expect(list.isBanned('192.0.2.1')).to.equal(false);
  });

  it('expires at exactly `until`, reporting it, and leaves the hosts free', () => {
    const { clock, list, events } = setup();
    list.banSubnet('10.0.0.0/8', '', HOUR);
    clock.t = T0 + HOUR - 1;
    expect(list.isBanned('10.9.9.9')).to.equal(true);
    clock.t = T0 + HOUR;
    expect(list.isBanned('10.9.9.9')).to.equal(false);
    expect(events.at(-1)).to.deep.equal({ type: 'expired', host: '10.0.0.0/8', until: T0 + HOUR });
    expect(list.entries()).to.deep.equal([]);
  });

  it('whitelisted hosts inside a banned subnet stay unbanned', () => {
    const { list } = setup({ whitelist: ['10.0.0.7'] });
    list.banSubnet('10.0.0.0/24');
    expect(list.isBanned('10.0.0.7')).to.equal(false);
    expect(list.isBanned('10.0.0.8')).to.equal(true);
    expect(list.banSubnet('10.0.0.7/32')).to.equal(undefined);
  });

  it('unbanSubnet lifts exactly that subnet; getSubnet finds exactly it', () => {
    const { list, events } = setup();
    list.banSubnet('10.0.0.0/8');
    expect(list.getSubnet('10.0.0.0/16')).to.equal(undefined);
    expect(list.getSubnet('10.5.5.5/8')?.host).to.equal('10.0.0.0/8');
    expect(list.unbanSubnet('10.0.0.0/16')).to.equal(false);
    expect(list.unbanSubnet('10.0.0.0/8')).to.equal(true);
    expect(list.isBanned('10.1.1.1')).to.equal(false);
    expect(events.at(-1)).to.deep.equal({ type: 'unbanned', host: '10.0.0.0/8' });
  });

  it('clear() lifts hosts and subnets, reporting each', () => {
    const { list, events } = setup();
    list.ban('192.0.2.1');
    list.banSubnet('fd00::/8');
    expect(list.clear()).to.equal(2);
    expect(list.entries()).to.deep.equal([]);
    expect(list.isBanned('fd00::1')).to.equal(false);
    expect(events.slice(-2)).to.deep.equal([
      { type: 'unbanned', host: '192.0.2.1' },
      { type: 'unbanned', host: 'fd00::/8' },
    ]);
  });

  it('rejects bad subnet text with InvalidCidrError naming it', () => {
    const { list } = setup();
    expect(() => list.banSubnet('10.0.0.0/33')).to.throw(InvalidCidrError, '10.0.0.0/33');
    expect(() => list.banSubnet('example.com/8')).to.throw(InvalidCidrError, 'example.com');
    expect(() => list.unbanSubnet('nope')).to.throw(InvalidCidrError);
  });

  describe('persistence', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-subnets-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('round-trips subnet bans next to host bans', async () => {
      const file = join(dir, 'a.json');
      const a = setup({ file });
      a.list.ban('1.1.1.1', 'one', HOUR);
      a.list.banSubnet('2001:db8::/48', 'two', 2 * HOUR);
      await a.list.save();
      const b = setup({ file });
      expect(await b.list.load()).to.deep.equal({});
      expect(b.list.entries()).to.deep.equal(a.list.entries());
      expect(b.list.isBanned('2001:db8:0:1::9')).to.equal(true);
    });

    it('a ban file written before subnet bans (hosts only, version 1) still loads', async () => {
      const file = join(dir, 'old.json');
      const old = { version: 1, bans: [{ host: '::ffff:203.0.113.7', since: T0 - 1, until: T0 + HOUR, reason: 'invalid block' }] };
      await writeFile(file, JSON.stringify(old));
      const b = setup({ file });
      expect(await b.list.load()).to.deep.equal({});
      expect(b.list.entries()).to.deep.equal([{ host: '203.0.113.7', since: T0 - 1, until: T0 + HOUR, reason: 'invalid block' }]);
    });
  });
});
