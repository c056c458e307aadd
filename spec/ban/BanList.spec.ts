import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BanEvent } from '../../lib/ban/BanEvent.js';
import { BanList, type BanListOptions } from '../../lib/ban/BanList.js';
import { InvalidCidrError, InvalidHostError } from '../../lib/ban/errors.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function setup(options: Omit<BanListOptions, 'now'> = {}) {
  const clock = { t: T0 };
  const list = new BanList({ ...options, now: () => clock.t });
  const events: BanEvent[] = [];
  let completed = false;
  list.bans$.subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  return { clock, list, events, isCompleted: () => completed };
}

describe('ban/BanList', () => {
  describe('ban / isBanned / expiry', () => {
    it('bans for 24 h by default; the ban is over at exactly `until` (exclusive end)', () => {
      const { clock, list, events } = setup();
      const entry = list.ban('203.0.113.7', 'invalid block');
      expect(entry).to.deep.equal({ host: '203.0.113.7', since: T0, until: T0 + DAY, reason: 'invalid block' });
      expect(events).to.deep.equal([{ type: 'banned', host: '203.0.113.7', until: T0 + DAY, reason: 'invalid block' }]);
      expect(list.isBanned('203.0.113.7')).to.equal(true);
      expect(list.isBanned('203.0.113.8')).to.equal(false);

      clock.t = T0 + DAY - 1;
      expect(list.isBanned('203.0.113.7')).to.equal(true);
      expect(list.get('203.0.113.7')).to.deep.equal(entry);

      clock.t = T0 + DAY;
      expect(list.isBanned('203.0.113.7')).to.equal(false);
      expect(list.get('203.0.113.7')).to.equal(undefined);
      expect(events.slice(1)).to.deep.equal([{ type: 'expired', host: '203.0.113.7', until: T0 + DAY }]);
    });

    it('honours banDuration and a per-call duration; reason defaults to empty', () => {
      const { list } = setup({ banDuration: HOUR });
      expect(list.ban('1.1.1.1')?.until).to.equal(T0 + HOUR);
      expect(list.ban('1.1.1.1')?.reason).to.equal('');
      expect(list.ban('2.2.2.2', 'x', 5_000)?.until).to.equal(T0 + 5_000);
    });

    it('re-banning replaces the entry and reports it again', () => {
      const { clock, list, events } = setup();
      list.ban('1.1.1.1', 'first', HOUR);
      clock.t = T0 + 10;
      const again = list.ban('1.1.1.1', 'second', 2 * HOUR);
      expect(again).to.deep.equal({ host: '1.1.1.1', since: T0 + 10, until: T0 + 10 + 2 * HOUR, reason: 'second' });
      expect(list.entries()).to.deep.equal([again]);
      expect(events.map((e) => e.type)).to.deep.equal(['banned', 'banned']);
    });

    it('re-banning a lapsed ban reports the expiry first', () => {
      const { clock, list, events } = setup();
      list.ban('1.1.1.1', 'a', 1_000);
      clock.t = T0 + 1_000;
      list.ban('1.1.1.1', 'b', 1_000);
      expect(events.map((e) => e.type)).to.deep.equal(['banned', 'expired', 'banned']);
    });

    it('unban lifts an active ban once', () => {
      const { list, events } = setup();
      list.ban('1.1.1.1');
      expect(list.unban('1.1.1.1')).to.equal(true);
      expect(list.isBanned('1.1.1.1')).to.equal(false);
      expect(list.unban('1.1.1.1')).to.equal(false);
      expect(events.map((e) => e.type)).to.deep.equal(['banned', 'unbanned']);
      expect(events[1]).to.deep.equal({ type: 'unbanned', host: '1.1.1.1' });
    });

    it('unban of an expired ban returns false and reports the expiry', () => {
      const { clock, list, events } = setup();
      list.ban('1.1.1.1', '', 10);
      clock.t = T0 + 10;
      expect(list.unban('1.1.1.1')).to.equal(false);
      expect(events.map((e) => e.type)).to.deep.equal(['banned', 'expired']);
    });

    it('entries() lists active bans in the order imposed and drops expired ones', () => {
      const { clock, list, events } = setup();
      list.ban('3.3.3.3', 'c', 3 * HOUR);
      list.ban('1.1.1.1', 'a', HOUR);
      list.ban('2.2.2.2', 'b', 2 * HOUR);
      expect(list.entries().map((e) => e.host)).to.deep.equal(['3.3.3.3', '1.1.1.1', '2.2.2.2']);
      clock.t = T0 + HOUR;
      expect(list.entries().map((e) => e.host)).to.deep.equal(['3.3.3.3', '2.2.2.2']);
      expect(events.filter((e) => e.type === 'expired')).to.deep.equal([{ type: 'expired', host: '1.1.1.1', until: T0 + HOUR }]);
      clock.t = T0 + 3 * HOUR;
      expect(list.entries()).to.deep.equal([]);
    });

    it('rejects a duration that is not a finite number > 0', () => {
      const { list } = setup();
      for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => list.ban('1.1.1.1', '', bad)).to.throw(RangeError, /duration/);
      }
      expect(list.entries()).to.deep.equal([]);
    });
  });

  describe('host normalization', () => {
    it('IPv4-mapped IPv6 and plain IPv4 are one host', () => {
      const { list, events } = setup();
      expect(list.ban('::ffff:1.2.3.4')?.host).to.equal('1.2.3.4');
      expect(list.isBanned('1.2.3.4')).to.equal(true);
      expect(list.isBanned('::FFFF:0102:0304')).to.equal(true);
      expect(events[0]).to.include({ host: '1.2.3.4' });
      expect(list.unban('[::ffff:1.2.3.4]')).to.equal(true);
    });

    it('IPv6 spellings are one host', () => {
      const { list } = setup();
      list.ban('2001:DB8:0:0:0:0:0:1');
      expect(list.isBanned('2001:db8::1')).to.equal(true);
      expect(list.entries()[0]?.host).to.equal('2001:db8::1');
    });

    it('misbehaviour accumulates across spellings of one host', () => {
      const { list } = setup();
      list.misbehaving('::ffff:9.9.9.9', 60, 0, 'a');
      expect(list.misbehaving('9.9.9.9', 41, 0, 'b')).to.deep.equal({ score: 101, banned: true });
    });

    it('every entry point throws InvalidHostError for a non-IP', () => {
      const { list } = setup();
      const bad = '1.2.3.4:8333';
      expect(() => list.ban(bad)).to.throw(InvalidHostError);
      expect(() => list.unban(bad)).to.throw(InvalidHostError);
      expect(() => list.isBanned(bad)).to.throw(InvalidHostError);
      expect(() => list.isWhitelisted(bad)).to.throw(InvalidHostError);
      expect(() => list.get(bad)).to.throw(InvalidHostError);
      expect(() => list.scoreOf(bad)).to.throw(InvalidHostError);
      expect(() => list.misbehaving(bad, 1, 0, 'x')).to.throw(InvalidHostError);
    });
  });

  describe('whitelist', () => {
    const whitelist = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '2001:db8::/32', '192.0.2.5'];

    it('recognises IPv4 and IPv6 networks, bare addresses and mapped hosts', () => {
      const { list } = setup({ whitelist });
      for (const h of ['127.0.0.1', '127.255.0.9', '::1', '10.200.1.1', '2001:db8:ffff::7', '192.0.2.5', '::ffff:10.0.0.1']) {
        expect(list.isWhitelisted(h), h).to.equal(true);
      }
      for (const h of ['128.0.0.1', '::2', '11.0.0.1', '2001:db9::1', '192.0.2.6']) {
        expect(list.isWhitelisted(h), h).to.equal(false);
      }
    });

    it('never bans a whitelisted host, even by misbehaving, and emits nothing', () => {
      const { list, events } = setup({ whitelist });
      expect(list.ban('10.1.2.3', 'x')).to.equal(undefined);
      expect(list.ban('::1', 'x')).to.equal(undefined);
      for (const h of ['10.1.2.3', '::1', '2001:db8::42']) {
        expect(list.misbehaving(h, 1_000, 1_000, 'flood')).to.deep.equal({ score: 0, banned: false });
        expect(list.isBanned(h)).to.equal(false);
        expect(list.scoreOf(h)).to.equal(0);
      }
      expect(events).to.deep.equal([]);
      expect(list.scoredHostCount).to.equal(0);
    });

    it('rejects a bad whitelist entry at construction', () => {
      expect(() => new BanList({ whitelist: ['10.0.0.0/8', '10.0.0.0/40'] })).to.throw(InvalidCidrError, /10\.0\.0\.0\/40/);
    });
  });

  describe('misbehaving', () => {
    it('accumulates, warns above threshold/2, bans only above the threshold', () => {
      const { list, events } = setup();
      const h = '198.51.100.1';
      expect(list.misbehaving(h, 50, 0, 'a')).to.deep.equal({ score: 50, banned: false });
      expect(events, 'exactly half does not warn').to.deep.equal([]);
      expect(list.misbehaving(h, 1, 0, 'b')).to.deep.equal({ score: 51, banned: false });
      expect(events).to.deep.equal([{ type: 'warning', host: h, score: 51, reason: 'b' }]);
      expect(list.misbehaving(h, 49, 0, 'c')).to.deep.equal({ score: 100, banned: false });
      expect(list.isBanned(h), 'exactly the threshold does not ban').to.equal(false);
      expect(list.misbehaving(h, 0, 1, 'd')).to.deep.equal({ score: 101, banned: true });
      expect(list.isBanned(h)).to.equal(true);
      expect(events.slice(1)).to.deep.equal([
        { type: 'warning', host: h, score: 100, reason: 'c' },
        { type: 'banned', host: h, until: T0 + DAY, reason: 'd', score: 101 },
      ]);
      expect(list.get(h)?.reason).to.equal('d');
      expect(list.scoreOf(h), 'a ban consumes the score').to.equal(0);
    });

    it('honours a custom threshold', () => {
      const { list, events } = setup({ threshold: 10 });
      expect(list.misbehaving('1.1.1.1', 6, 0, 'x')).to.deep.equal({ score: 6, banned: false });
      expect(events.map((e) => e.type)).to.deep.equal(['warning']);
      expect(list.misbehaving('1.1.1.1', 5, 0, 'x').banned).to.equal(true);
    });

    it('transient misbehaviour decays, so spaced-out offences do not ban', () => {
      const { clock, list } = setup();
      for (let i = 0; i < 20; i++) {
        expect(list.misbehaving('1.1.1.1', 0, 60, 'burst').banned).to.equal(false);
        clock.t += 120_000; // two half-lives: 60 → 15 before the next one
      }
      expect(list.scoreOf('1.1.1.1')).to.be.below(100);
      // …but the same offences in one burst do.
      expect(list.misbehaving('2.2.2.2', 0, 60, 'burst').banned).to.equal(false);
      expect(list.misbehaving('2.2.2.2', 0, 60, 'burst').banned).to.equal(true);
    });

    it("does not ban on a stale transient (btcd's increase(p, 0) bug)", () => {
      const { clock, list } = setup();
      list.misbehaving('1.1.1.1', 0, 80, 'flood');
      clock.t += HOUR;
      // btcd would return 80 + 30 = 110 here and ban.
      expect(list.misbehaving('1.1.1.1', 30, 0, 'minor')).to.deep.equal({ score: 30, banned: false });
      expect(list.isBanned('1.1.1.1')).to.equal(false);
    });

    it('a zero increase still reports (and warns about) the current score', () => {
      const { list, events } = setup();
      list.misbehaving('1.1.1.1', 70, 0, 'a');
      expect(list.misbehaving('1.1.1.1', 0, 0, 'again')).to.deep.equal({ score: 70, banned: false });
      expect(events.at(-1)).to.deep.equal({ type: 'warning', host: '1.1.1.1', score: 70, reason: 'again' });
    });

    it('a banned host keeps being scored and crossing the threshold again renews the ban', () => {
      const { clock, list } = setup();
      list.misbehaving('1.1.1.1', 101, 0, 'a');
      const first = list.get('1.1.1.1');
      clock.t += HOUR;
      expect(list.misbehaving('1.1.1.1', 101, 0, 'b')).to.deep.equal({ score: 101, banned: true });
      expect(list.get('1.1.1.1')?.until).to.equal((first?.until ?? 0) + HOUR);
    });

    it('rejects bad amounts without storing anything', () => {
      const { list } = setup();
      expect(() => list.misbehaving('1.1.1.1', -1, 0, 'x')).to.throw(RangeError, /persistent/);
      expect(() => list.misbehaving('1.1.1.1', 0, Number.NaN, 'x')).to.throw(RangeError, /transient/);
      expect(list.scoredHostCount).to.equal(0);
    });

    it('forgets scores that decayed to 0 (prune), keeps persistent ones', () => {
      const { clock, list } = setup();
      for (let i = 0; i < 50; i++) list.misbehaving(`10.0.0.${i}`, 0, 40, 'x');
      list.misbehaving('10.0.1.1', 5, 0, 'x');
      expect(list.scoredHostCount).to.equal(51);
      clock.t += 1_801_000;
      list.prune();
      expect(list.scoredHostCount).to.equal(1);
      expect(list.scoreOf('10.0.1.1')).to.equal(5);
    });

    it('keeps the score table bounded without explicit prune() calls', () => {
      const { clock, list } = setup();
      let peak = 0;
      // 3,000 distinct hosts, each misbehaving once, one every 10 s. A transient 20 reads 0 after
      // 60·log2(20) ≈ 260 s, so only ~27 scores are non-zero at any time.
      for (let i = 0; i < 3_000; i++) {
        list.misbehaving(`10.${(i >> 8) & 0xff}.${i & 0xff}.1`, 0, 20, 'x');
        peak = Math.max(peak, list.scoredHostCount);
        clock.t += 10_000;
      }
      expect(peak).to.be.at.most(64);
      expect(list.scoredHostCount).to.be.at.most(64);
    });

    it('prune() also drops and reports expired bans', () => {
      const { clock, list, events } = setup();
      list.ban('1.1.1.1', '', 10);
      clock.t += 10;
      list.prune();
      expect(events.map((e) => e.type)).to.deep.equal(['banned', 'expired']);
    });
  });

  describe('options and lifecycle', () => {
    it('rejects bad threshold and banDuration', () => {
      expect(() => new BanList({ threshold: -1 })).to.throw(RangeError, /threshold/);
      expect(() => new BanList({ threshold: Number.NaN })).to.throw(RangeError, /threshold/);
      expect(() => new BanList({ banDuration: 0 })).to.throw(RangeError, /banDuration/);
    });

    it('uses Date.now by default', () => {
      const list = new BanList();
      const before = Date.now();
      const entry = list.ban('1.1.1.1');
      expect(entry?.since).to.be.at.least(before).and.at.most(Date.now());
    });

    it('close() completes bans$; the list keeps working silently', () => {
      const { list, events, isCompleted } = setup();
      list.ban('1.1.1.1');
      list.close();
      list.close();
      expect(isCompleted()).to.equal(true);
      list.ban('2.2.2.2');
      expect(list.isBanned('2.2.2.2')).to.equal(true);
      expect(events).to.have.length(1);
    });
  });

  describe('persistence', () => {
    let dir: string;
    let n = 0;
    const fresh = () => join(dir, `bans-${++n}.json`);

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-bans-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('round-trips active bans through a real file', async () => {
      const file = fresh();
      const a = setup({ file });
      a.list.ban('1.1.1.1', 'one', HOUR);
      a.list.ban('2001:db8::1', 'two', 2 * HOUR);
      await a.list.save();

      const b = setup({ file });
      expect(await b.list.load()).to.deep.equal({});
      expect(b.list.entries()).to.deep.equal(a.list.entries());
      expect(b.events, 'loading emits nothing').to.deep.equal([]);
    });

    it('does not save expired bans', async () => {
      const file = fresh();
      const { clock, list } = setup({ file });
      list.ban('1.1.1.1', 'short', 1_000);
      list.ban('2.2.2.2', 'long', HOUR);
      clock.t += 1_000;
      await list.save();
      const doc = JSON.parse(await readFile(file, 'utf8')) as { version: number; bans: Array<{ host: string }> };
      expect(doc.version).to.equal(1);
      expect(doc.bans.map((b) => b.host)).to.deep.equal(['2.2.2.2']);
    });

    it('does not load bans that expired while the node was down, nor whitelisted hosts', async () => {
      const file = fresh();
      const a = setup({ file });
      a.list.ban('1.1.1.1', '', HOUR);
      a.list.ban('10.0.0.1', '', 3 * HOUR);
      a.list.ban('2.2.2.2', '', 3 * HOUR);
      await a.list.save();
      const b = setup({ file, whitelist: ['10.0.0.0/8'] });
      b.clock.t = T0 + 2 * HOUR;
      await b.list.load();
      expect(b.list.entries().map((e) => e.host)).to.deep.equal(['2.2.2.2']);
    });

    it('merges with bans already in memory, keeping the later end', async () => {
      const file = fresh();
      const a = setup({ file });
      a.list.ban('1.1.1.1', 'file-long', 5 * HOUR);
      a.list.ban('2.2.2.2', 'file-short', HOUR);
      await a.list.save();
      const b = setup({ file });
      b.list.ban('1.1.1.1', 'mem-short', HOUR);
      b.list.ban('2.2.2.2', 'mem-long', 5 * HOUR);
      await b.list.load();
      expect(b.list.get('1.1.1.1')?.reason).to.equal('file-long');
      expect(b.list.get('2.2.2.2')?.reason).to.equal('mem-long');
    });

    it('a missing file loads nothing and warns about nothing', async () => {
      const { list } = setup({ file: fresh() });
      expect(await list.load()).to.deep.equal({});
      expect(list.entries()).to.deep.equal([]);
    });

    for (const [label, content] of [
      ['garbage', '\u0000\u0001not json at all'],
      ['a wrong version', JSON.stringify({ version: 99, bans: [] })],
      ['a bad host', JSON.stringify({ version: 1, bans: [{ host: 'evil.example', since: 0, until: 9e15, reason: '' }] })],
    ] as const) {
      it(`a corrupt file (${label}) → empty list, a warning naming where it went, file moved aside`, async () => {
        const file = fresh();
        await writeFile(file, content);
        const { list } = setup({ file });
        const { warning } = await list.load();
        const moved = `${file}.corrupt-${T0}`;
        expect(warning).to.be.a('string').and.to.contain(moved);
        expect(list.entries()).to.deep.equal([]);
        expect(await readFile(moved, 'utf8')).to.equal(content);
        const base = file.slice(dir.length + 1);
        expect((await readdir(dir)).filter((f) => f.startsWith(base))).to.deep.equal([`${base}.corrupt-${T0}`]);
        // The next save writes a fresh file and leaves the evidence alone.
        list.ban('1.1.1.1');
        await list.save();
        expect(await readFile(moved, 'utf8')).to.equal(content);
        expect(await setup({ file }).list.load()).to.deep.equal({});
      });
    }

    it('overlapping saves end with the latest state', async () => {
      const file = fresh();
      const { list } = setup({ file });
      const saves: Promise<void>[] = [];
      for (let i = 1; i <= 10; i++) {
        list.ban(`1.1.1.${i}`);
        saves.push(list.save());
      }
      await Promise.all(saves);
      const b = setup({ file });
      await b.list.load();
      expect(b.list.entries()).to.have.length(10);
    });

    it('a failed save rejects but does not block later saves', async () => {
      const file = fresh();
      const { list } = setup({ file });
      list.ban('1.1.1.1');
      // A reason that JSON cannot encode is impossible through the API, so break the file path instead.
      const broken = setup({ file: join(dir, 'no-such-dir', 'bans.json') });
      broken.list.ban('1.1.1.1');
      await broken.list.save().then(
        () => expect.fail('expected the save to fail'),
        (e: unknown) => expect((e as Error).name).to.equal('JsonFileError'),
      );
      broken.list.ban('2.2.2.2');
      await broken.list.save().catch(() => undefined);
      await list.save();
      expect((await readFile(file, 'utf8')).includes('1.1.1.1')).to.equal(true);
    });

    it('without a file option, load and save do nothing', async () => {
      const { list } = setup();
      list.ban('1.1.1.1');
      expect(await list.load()).to.deep.equal({});
      await list.save();
      expect(list.entries()).to.have.length(1);
    });
  });
});
