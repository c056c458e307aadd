import { expect } from 'chai';
import { cidrContains, parseCidr } from '../../lib/ban/cidr.js';
import { InvalidCidrError, InvalidHostError } from '../../lib/ban/errors.js';

describe('ban/cidr', () => {
  describe('parseCidr', () => {
    it('parses IPv4 and IPv6 networks, clearing host bits', () => {
      expect(parseCidr('10.1.2.3/8')).to.deep.equal({
        family: 4,
        prefix: 8,
        network: '10.0.0.0',
        text: '10.0.0.0/8',
        bytes: [10, 0, 0, 0],
      });
      expect(parseCidr('192.168.1.77/23').text).to.equal('192.168.0.0/23');
      expect(parseCidr('2001:DB8:ABCD::1/36').text).to.equal('2001:db8:a000::/36');
    });

    it('takes a bare address as a single host (/32, /128)', () => {
      expect(parseCidr('127.0.0.1').text).to.equal('127.0.0.1/32');
      expect(parseCidr('::1').text).to.equal('::1/128');
    });

    it('/0 covers the whole family', () => {
      expect(parseCidr('1.2.3.4/0').text).to.equal('0.0.0.0/0');
      expect(parseCidr('ffff::1/0').text).to.equal('::/0');
    });

    it('turns an IPv4-mapped network with prefix ≥ 96 into the IPv4 network', () => {
      expect(parseCidr('::ffff:10.0.0.0/104').text).to.equal('10.0.0.0/8');
      expect(parseCidr('::ffff:1.2.3.4').text).to.equal('1.2.3.4/32');
      expect(parseCidr('::ffff:0.0.0.0/96').text).to.equal('0.0.0.0/0');
      expect(parseCidr('::ffff:0:0/95').family).to.equal(6);
    });

    const bad: ReadonlyArray<readonly [string, RegExp]> = [
      ['10.0.0.0/33', /0–32/],
      ['::/129', /0–128/],
      ['10.0.0.0/-1', /prefix/],
      ['10.0.0.0/', /prefix/],
      ['10.0.0.0/8/8', /prefix/],
      ['10.0.0.0/ 8', /prefix/],
      ['10.0.0.0/8.0', /prefix/],
      ['10.0.0.0/0x8', /prefix/],
      ['10.0.0.0/0008', /prefix/],
      ['10.0.0/8', /not an IP address/],
      ['300.0.0.0/8', /not an IP address/],
      ['example.com/8', /not an IP address/],
      ['fe80::1%eth0/64', /not an IP address/],
      ['[::1]/128', /not an IP address/],
      ['/8', /not an IP address/],
      ['', /not an IP address/],
    ];
    for (const [text, why] of bad) {
      it(`rejects ${JSON.stringify(text)} with InvalidCidrError naming it`, () => {
        expect(() => parseCidr(text))
          .to.throw(InvalidCidrError, why)
          .that.satisfies((e: InvalidCidrError) => e.cidr === text && e.message.includes(JSON.stringify(text)));
      });
    }
  });

  describe('cidrContains', () => {
    it('IPv4: inside, edges, outside', () => {
      expect(cidrContains('10.0.0.0/8', '10.0.0.0')).to.equal(true);
      expect(cidrContains('10.0.0.0/8', '10.255.255.255')).to.equal(true);
      expect(cidrContains('10.0.0.0/8', '11.0.0.0')).to.equal(false);
      expect(cidrContains('10.0.0.0/8', '9.255.255.255')).to.equal(false);
      expect(cidrContains('192.168.0.0/23', '192.168.1.200')).to.equal(true);
      expect(cidrContains('192.168.0.0/23', '192.168.2.0')).to.equal(false);
    });

    it('/32 and /128 match exactly one address', () => {
      expect(cidrContains('1.2.3.4/32', '1.2.3.4')).to.equal(true);
      expect(cidrContains('1.2.3.4/32', '1.2.3.5')).to.equal(false);
      expect(cidrContains('::1/128', '0:0:0:0:0:0:0:1')).to.equal(true);
      expect(cidrContains('::1/128', '::2')).to.equal(false);
    });

    it('/0 matches everything of its own family and nothing of the other', () => {
      expect(cidrContains('0.0.0.0/0', '255.255.255.255')).to.equal(true);
      expect(cidrContains('0.0.0.0/0', '::1')).to.equal(false);
      expect(cidrContains('::/0', 'ffff:ffff::')).to.equal(true);
      expect(cidrContains('::/0', '1.2.3.4')).to.equal(false);
    });

    it('IPv6 with a prefix that is not a multiple of 8', () => {
      const net = parseCidr('2001:db8::/33');
      expect(cidrContains(net, '2001:db8:7fff:ffff::1')).to.equal(true);
      expect(cidrContains(net, '2001:db8:8000::')).to.equal(false);
    });

    it('matches IPv4-mapped hosts against IPv4 networks', () => {
      expect(cidrContains('127.0.0.0/8', '::ffff:127.0.0.1')).to.equal(true);
      expect(cidrContains('::ffff:127.0.0.0/104', '127.9.9.9')).to.equal(true);
    });

    it('throws InvalidHostError for a bad address and InvalidCidrError for a bad network', () => {
      expect(() => cidrContains('10.0.0.0/8', '10.0.0.1:80')).to.throw(InvalidHostError);
      expect(() => cidrContains('10.0.0.0/99', '10.0.0.1')).to.throw(InvalidCidrError);
    });
  });
});
