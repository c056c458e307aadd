import { expect } from 'chai';
import fc from 'fast-check';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { InvalidNetGroupOptionError } from '../../lib/net/InvalidNetGroupOptionError.js';
import { addressClass, isRoutable, netGroup, netGroupWith } from '../../lib/net/netGroup.js';
import type { AddressClass } from '../../lib/net/netGroup.js';

const at = (text: string): SocketAddress => SocketAddress.parse(text);

describe('netGroup', () => {
  describe('addressClass', () => {
    const table: ReadonlyArray<readonly [text: string, expected: AddressClass]> = [
      // loopback
      ['127.0.0.1:1', 'loopback'],
      ['127.255.0.9:1', 'loopback'],
      ['[::1]:1', 'loopback'],
      ['[::ffff:127.0.0.1]:1', 'loopback'],
      // public IPv4, including the neighbours of every excluded range
      ['8.8.8.8:53', 'ipv4'],
      ['1.0.0.0:1', 'ipv4'],
      ['9.255.255.255:1', 'ipv4'],
      ['11.0.0.0:1', 'ipv4'],
      ['100.63.255.255:1', 'ipv4'],
      ['100.128.0.0:1', 'ipv4'],
      ['126.255.255.255:1', 'ipv4'],
      ['128.0.0.0:1', 'ipv4'],
      ['169.253.255.255:1', 'ipv4'],
      ['169.255.0.0:1', 'ipv4'],
      ['172.15.255.255:1', 'ipv4'],
      ['172.32.0.0:1', 'ipv4'],
      ['192.0.1.255:1', 'ipv4'],
      ['192.0.3.0:1', 'ipv4'],
      ['192.167.255.255:1', 'ipv4'],
      ['192.169.0.0:1', 'ipv4'],
      ['198.17.255.255:1', 'ipv4'],
      ['198.20.0.0:1', 'ipv4'],
      ['198.51.99.255:1', 'ipv4'],
      ['198.51.101.0:1', 'ipv4'],
      ['203.0.112.255:1', 'ipv4'],
      ['203.0.114.0:1', 'ipv4'],
      ['223.255.255.255:1', 'ipv4'],
      // unroutable IPv4
      ['0.0.0.0:1', 'unroutable'],
      ['0.1.2.3:1', 'unroutable'],
      ['10.0.0.1:1', 'unroutable'],
      ['10.255.255.255:1', 'unroutable'],
      ['172.16.0.1:1', 'unroutable'],
      ['172.31.255.255:1', 'unroutable'],
      ['192.168.1.1:1', 'unroutable'],
      ['100.64.0.1:1', 'unroutable'],
      ['100.127.255.255:1', 'unroutable'],
      ['169.254.1.1:1', 'unroutable'],
      ['192.0.2.1:1', 'unroutable'],
      ['198.51.100.1:1', 'unroutable'],
      ['203.0.113.1:1', 'unroutable'],
      ['198.18.0.1:1', 'unroutable'],
      ['198.19.255.255:1', 'unroutable'],
      ['224.0.0.1:1', 'unroutable'],
      ['239.255.255.250:1', 'unroutable'],
      ['240.0.0.1:1', 'unroutable'],
      ['255.255.255.255:1', 'unroutable'],
      // public IPv6
      ['[2a01:4f8::1]:1', 'ipv6'],
      ['[2001:470::1]:1', 'ipv6'],
      ['[2001:db9::1]:1', 'ipv6'],
      ['[2001:db7:ffff::1]:1', 'ipv6'],
      ['[2001:20::1]:1', 'ipv6'],
      ['[2001:f::1]:1', 'ipv6'],
      ['[fec0::1]:1', 'ipv6'],
      ['[fbff::1]:1', 'ipv6'],
      ['[2002:808:808::1]:1', 'ipv6'], // 6to4 of 8.8.8.8
      ['[2001:0:1:2:3:4:f7f7:f7f7]:1', 'ipv6'], // Teredo of 8.8.8.8
      ['[64:ff9b::808:808]:1', 'ipv6'], // NAT64 of 8.8.8.8
      ['[::ffff:0:808:808]:1', 'ipv6'], // RFC 6145 of 8.8.8.8
      // unroutable IPv6
      ['[::]:1', 'unroutable'],
      ['[2001:db8::1]:1', 'unroutable'],
      ['[2001:db8:ffff:ffff::1]:1', 'unroutable'],
      ['[2001:10::1]:1', 'unroutable'],
      ['[2001:1f:ffff::1]:1', 'unroutable'],
      ['[fc00::1]:1', 'unroutable'],
      ['[fd12:3456::1]:1', 'unroutable'],
      ['[fe80::1]:1', 'unroutable'],
      ['[febf:ffff::1]:1', 'unroutable'],
      ['[ff02::1]:1', 'unroutable'],
      ['[2002:a00:1::1]:1', 'unroutable'], // 6to4 of 10.0.0.1
      ['[2001:0:1:2:3:4:f5ff:fffe]:1', 'unroutable'], // Teredo of 10.0.0.1
      ['[64:ff9b::7f00:1]:1', 'unroutable'], // NAT64 of 127.0.0.1
      ['[::ffff:0:c0a8:101]:1', 'unroutable'], // RFC 6145 of 192.168.1.1
    ];
    for (const [text, expected] of table) {
      it(`${text} is ${expected}`, () => {
        expect(addressClass(at(text))).to.equal(expected);
        expect(isRoutable(at(text))).to.equal(expected !== 'unroutable');
      });
    }
  });

  describe('netGroup', () => {
    it('groups IPv4 by /16', () => {
      expect(netGroup(at('203.0.7.1:8333'))).to.equal('ipv4:203.0');
      expect(netGroup(at('203.0.200.9:18444'))).to.equal('ipv4:203.0');
      expect(netGroup(at('203.1.7.1:8333'))).to.equal('ipv4:203.1');
      expect(netGroup(at('204.0.7.1:8333'))).to.equal('ipv4:204.0');
    });

    it('puts a documentation address (203.0.113.0/24) in the unroutable group, not its /16', () => {
      expect(netGroup(at('203.0.113.1:8333'))).to.equal('unroutable');
    });

    it('groups IPv6 by /32, as zero-padded hextets', () => {
      expect(netGroup(at('[2001:db9:1::1]:8333'))).to.equal('ipv6:2001:0db9');
      expect(netGroup(at('[2001:db9:ffff::2]:1'))).to.equal('ipv6:2001:0db9');
      expect(netGroup(at('[2001:dba::1]:8333'))).to.equal('ipv6:2001:0dba');
      expect(netGroup(at('[2a01:4f8::1]:8333'))).to.equal('ipv6:2a01:04f8');
      expect(netGroup(at('[2a01:4f9::1]:8333'))).to.equal('ipv6:2a01:04f9');
    });

    it('groups IPv6 forms that carry an IPv4 address with that IPv4 /16', () => {
      const v4 = netGroup(at('8.8.4.4:1'));
      expect(v4).to.equal('ipv4:8.8');
      expect(netGroup(at('[2002:808:808::1]:1'))).to.equal(v4);
      expect(netGroup(at('[2001:0:1:2:3:4:f7f7:f7f7]:1'))).to.equal(v4);
      expect(netGroup(at('[64:ff9b::808:808]:1'))).to.equal(v4);
      expect(netGroup(at('[::ffff:0:808:808]:1'))).to.equal(v4);
      expect(netGroup(at('[2002:909:808::1]:1'))).to.equal('ipv4:9.9');
    });

    it('makes every loopback address and port its own group', () => {
      expect(netGroup(at('127.0.0.1:18444'))).to.equal('loopback:127.0.0.1:18444');
      expect(netGroup(at('127.0.0.1:18445'))).to.equal('loopback:127.0.0.1:18445');
      expect(netGroup(at('127.0.0.2:18444'))).to.equal('loopback:127.0.0.2:18444');
      expect(netGroup(at('[::1]:18444'))).to.equal('loopback:[::1]:18444');
    });

    it('ignores the port of a non-loopback address', () => {
      expect(netGroup(at('8.8.8.8:1'))).to.equal(netGroup(at('8.8.8.8:2')));
      expect(netGroup(at('[2a01:4f8::1]:1'))).to.equal(netGroup(at('[2a01:4f8::1]:2')));
    });

    it('puts all unroutable addresses in one group', () => {
      for (const text of ['10.0.0.1:1', '192.168.0.1:2', '[fe80::1]:3', '[::]:0', '0.0.0.0:0']) {
        expect(netGroup(at(text)), text).to.equal('unroutable');
      }
    });

    it('agrees with addressClass on random addresses', () => {
      const anyAddress = fc.oneof(
        fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })),
        fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 65535 })),
      );
      fc.assert(
        fc.property(anyAddress, ([host, port]) => {
          const addr = SocketAddress.from(host, port);
          const group = netGroup(addr);
          const kind = addressClass(addr);
          if (kind === 'unroutable') expect(group).to.equal('unroutable');
          else if (kind === 'loopback') expect(group).to.equal(`loopback:${addr.toString()}`);
          else expect(group).to.match(/^(ipv4:\d{1,3}\.\d{1,3}|ipv6:[0-9a-f]{4}:[0-9a-f]{4})$/);
          if (kind === 'ipv4') expect(group).to.equal(`ipv4:${host.split('.').slice(0, 2).join('.')}`);
        }),
      );
    });
  });

  describe('netGroupWith', () => {
    it("is netGroup itself with the default 'host-port' loopback grouping", () => {
      expect(netGroupWith()).to.equal(netGroup);
      expect(netGroupWith({ loopback: 'host-port' })).to.equal(netGroup);
    });

    it("groups loopback by a /16-equivalent with 'slash16', ignoring the port", () => {
      const group = netGroupWith({ loopback: 'slash16' });
      expect(group(at('127.0.0.1:50001'))).to.equal('loopback:127.0');
      expect(group(at('127.0.200.7:50002'))).to.equal('loopback:127.0');
      expect(group(at('127.1.0.1:50001'))).to.equal('loopback:127.1');
      expect(group(at('[::1]:1'))).to.equal(group(at('[::1]:2')));
      expect(group(at('[::1]:1'))).to.not.equal(group(at('127.0.0.1:1')));
    });

    it('groups every non-loopback address exactly as netGroup', () => {
      const group = netGroupWith({ loopback: 'slash16' });
      fc.assert(
        fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (ip, port) => {
          const addr = SocketAddress.from(ip, port);
          if (addressClass(addr) !== 'loopback') expect(group(addr)).to.equal(netGroup(addr));
        }),
      );
    });

    it('refuses an unknown grouping with a typed error naming it', () => {
      expect(() => netGroupWith({ loopback: 'slash8' as never })).to.throw(InvalidNetGroupOptionError, 'slash8');
    });
  });
});
