import { expect } from 'chai';
import fc from 'fast-check';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { netGroup } from '../../lib/net/netGroup.js';
import { InboundCountsError } from '../../lib/policy/errors.js';
import { InboundCounts, ipKey } from '../../lib/policy/InboundCounts.js';

const at = (text: string): SocketAddress => SocketAddress.parse(text);

describe('InboundCounts', () => {
  it('starts empty', () => {
    const empty = InboundCounts.empty();
    expect(empty.total).to.equal(0);
    expect(empty.perIp(at('1.2.3.4:5'))).to.equal(0);
    expect(empty.perGroup(at('1.2.3.4:5'))).to.equal(0);
  });

  it('counts per IP regardless of port, and per netgroup', () => {
    const counts = InboundCounts.empty()
      .add(at('203.0.7.1:40000'))
      .add(at('203.0.7.1:40001'))
      .add(at('203.0.9.9:40000'))
      .add(at('[2a01:4f8::1]:1'));
    expect(counts.total).to.equal(4);
    expect(counts.perIp(at('203.0.7.1:1'))).to.equal(2);
    expect(counts.perIp(at('203.0.9.9:1'))).to.equal(1);
    expect(counts.perGroup(at('203.0.200.200:1'))).to.equal(3);
    expect(counts.perGroup(at('[2a01:4f8:ffff::9]:1'))).to.equal(1);
  });

  it('counts IPv4-mapped IPv6 and plain IPv4 as one IP', () => {
    const counts = InboundCounts.empty().add(at('[::ffff:8.8.8.8]:1'));
    expect(counts.perIp(at('8.8.8.8:2'))).to.equal(1);
  });

  it('keys every address by its host, loopback too (an inbound port is ephemeral: keying by it would exempt the host)', () => {
    expect(ipKey(at('127.0.0.1:5000'))).to.equal('127.0.0.1');
    expect(ipKey(at('8.8.8.8:5000'))).to.equal('8.8.8.8');
    const counts = InboundCounts.empty().add(at('127.0.0.1:5000')).add(at('127.0.0.1:5001'));
    expect(counts.perIp(at('127.0.0.1:5000'))).to.equal(2);
    expect(counts.perIp(at('127.0.0.2:5000'))).to.equal(0);
  });

  it('is immutable: add and remove return new values and leave the old one alone', () => {
    const a = at('1.2.3.4:5');
    const one = InboundCounts.empty().add(a);
    const two = one.add(a);
    const back = two.remove(a);
    expect([one.total, two.total, back.total]).to.deep.equal([1, 2, 1]);
    expect(one.perIp(a)).to.equal(1);
    expect(Object.isFrozen(one)).to.equal(true);
  });

  it('throws InboundCountsError naming the address when removing one that is not counted', () => {
    const a = at('1.2.3.4:5');
    expect(() => InboundCounts.empty().remove(a))
      .to.throw(InboundCountsError)
      .with.property('addr', a);
    expect(() => InboundCounts.empty().add(a).remove(a).remove(a)).to.throw(InboundCountsError);
  });

  it('matches a naive model over random add/remove sequences', () => {
    const addrArb = fc
      .tuple(
        fc.integer({ min: 20, max: 22 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
      )
      .map(([a, b, d, port]) => SocketAddress.from(`${a}.${b}.0.${d}`, port));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), addrArb), { maxLength: 80, size: 'max' }), (ops) => {
        let counts = InboundCounts.empty();
        const open: SocketAddress[] = [];
        for (const [isAdd, addr] of ops) {
          if (isAdd) {
            counts = counts.add(addr);
            open.push(addr);
          } else {
            const i = open.findIndex((o) => o.host === addr.host);
            if (i < 0) {
              expect(() => counts.remove(addr)).to.throw(InboundCountsError);
              continue;
            }
            counts = counts.remove(addr);
            open.splice(i, 1);
          }
          expect(counts.total).to.equal(open.length);
          expect(counts.perIp(addr)).to.equal(open.filter((o) => o.host === addr.host).length);
          expect(counts.perGroup(addr)).to.equal(open.filter((o) => netGroup(o) === netGroup(addr)).length);
        }
      }),
      { seed: 424242, numRuns: 300 },
    );
  });
});
