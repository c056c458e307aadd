import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidAddressError, SocketAddress } from '../../lib/net/SocketAddress.js';

/** The WHATWG URL serializer writes IPv6 hosts in RFC 5952 form minus dotted tails: an independent oracle. */
function urlCanonical(bytes: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}

const isMapped = (bytes: Uint8Array): boolean => bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;

describe('SocketAddress', () => {
  describe('parse', () => {
    const valid: ReadonlyArray<readonly [text: string, host: string, port: number, family: 4 | 6, formatted: string]> = [
      ['1.2.3.4:8333', '1.2.3.4', 8333, 4, '1.2.3.4:8333'],
      ['0.0.0.0:0', '0.0.0.0', 0, 4, '0.0.0.0:0'],
      ['255.255.255.255:65535', '255.255.255.255', 65535, 4, '255.255.255.255:65535'],
      ['[2001:db8::1]:8333', '2001:db8::1', 8333, 6, '[2001:db8::1]:8333'],
      ['[2001:0DB8:0000:0000:0000:0000:0000:0001]:8333', '2001:db8::1', 8333, 6, '[2001:db8::1]:8333'],
      ['[2001:Db8:0::0:1]:1', '2001:db8::1', 1, 6, '[2001:db8::1]:1'],
      ['[::1]:18444', '::1', 18444, 6, '[::1]:18444'],
      ['[0:0:0:0:0:0:0:1]:1', '::1', 1, 6, '[::1]:1'],
      ['[::]:0', '::', 0, 6, '[::]:0'],
      ['[1:0:0:0:0:0:0:0]:1', '1::', 1, 6, '[1::]:1'],
      // a lone zero word stays; the longest run wins; the first run wins a tie
      ['[2001:db8:0:1:1:1:1:1]:1', '2001:db8:0:1:1:1:1:1', 1, 6, '[2001:db8:0:1:1:1:1:1]:1'],
      ['[1:0:0:2:0:0:0:4]:1', '1:0:0:2::4', 1, 6, '[1:0:0:2::4]:1'],
      ['[1:0:0:2:0:0:3:4]:1', '1::2:0:0:3:4', 1, 6, '[1::2:0:0:3:4]:1'],
      ['[fe80::ABCD:0001]:9', 'fe80::abcd:1', 9, 6, '[fe80::abcd:1]:9'],
      // IPv4-mapped becomes IPv4, whatever the spelling
      ['[::ffff:1.2.3.4]:8333', '1.2.3.4', 8333, 4, '1.2.3.4:8333'],
      ['[::FFFF:0102:0304]:1', '1.2.3.4', 1, 4, '1.2.3.4:1'],
      ['[0:0:0:0:0:ffff:7f00:1]:1', '127.0.0.1', 1, 4, '127.0.0.1:1'],
      // other dotted tails are not mapped addresses and are written in hex
      ['[::1.2.3.4]:1', '::102:304', 1, 6, '[::102:304]:1'],
      ['[64:ff9b::192.0.2.33]:1', '64:ff9b::c000:221', 1, 6, '[64:ff9b::c000:221]:1'],
    ];
    for (const [text, host, port, family, formatted] of valid) {
      it(`reads ${JSON.stringify(text)} as ${formatted}`, () => {
        const addr = SocketAddress.parse(text);
        expect(addr.host).to.equal(host);
        expect(addr.port).to.equal(port);
        expect(addr.family).to.equal(family);
        expect(addr.toString()).to.equal(formatted);
        expect(String(addr)).to.equal(formatted);
      });
    }

    const invalid = [
      '',
      '1.2.3.4',
      '1.2.3.4:',
      '1.2.3.4:65536',
      '1.2.3.4:99999',
      '1.2.3.4:-1',
      '1.2.3.4:1.5',
      '1.2.3.4:80a',
      '1.2.3.4:08333',
      '1.2.3.4:+1',
      '1.2.3.4: 80',
      ' 1.2.3.4:80',
      'localhost:1',
      'example.com:8333',
      '1.2.3:4',
      '01.2.3.4:1',
      '256.1.1.1:1',
      '[::1]',
      '[::1]:',
      '[::1]x1',
      '[::1:1',
      '::1:8333',
      '2001:db8::1',
      '[1.2.3.4]:1',
      '[localhost]:1',
      '[fe80::1%eth0]:1',
      '[1::2::3]:1',
      '[::1]:123456',
    ];
    for (const text of invalid) {
      it(`rejects ${JSON.stringify(text)} with an InvalidAddressError naming it`, () => {
        let caught: unknown;
        try {
          SocketAddress.parse(text);
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(InvalidAddressError);
        const error = caught as InvalidAddressError;
        expect(error.name).to.equal('InvalidAddressError');
        expect(error.input).to.equal(text);
        expect(error.message).to.contain(JSON.stringify(text));
      });
    }
  });

  describe('from', () => {
    it('canonicalises the host and keeps the port', () => {
      const addr = SocketAddress.from('2001:0DB8:0:0:0:0:0:00A1', 8333);
      expect(addr.host).to.equal('2001:db8::a1');
      expect(addr.port).to.equal(8333);
      expect(addr.family).to.equal(6);
    });

    it('normalises IPv4-mapped IPv6 to IPv4', () => {
      const addr = SocketAddress.from('::ffff:10.0.0.1', 18444);
      expect(addr.family).to.equal(4);
      expect(addr.host).to.equal('10.0.0.1');
      expect(addr.equals(SocketAddress.from('10.0.0.1', 18444))).to.equal(true);
    });

    for (const port of [-1, 65536, 1.5, Number.NaN, Infinity]) {
      it(`rejects port ${port}, naming it`, () => {
        expect(() => SocketAddress.from('1.2.3.4', port))
          .to.throw(InvalidAddressError)
          .with.property('input', String(port));
      });
    }

    for (const host of ['[::1]', 'localhost', '', '1.2.3', 'fe80::1%lo', '1.2.3.4:5']) {
      it(`rejects host ${JSON.stringify(host)}, naming it`, () => {
        expect(() => SocketAddress.from(host, 1))
          .to.throw(InvalidAddressError)
          .with.property('input', host);
      });
    }
  });

  describe('equals', () => {
    it('compares host and port, not spelling', () => {
      const a = SocketAddress.parse('[2001:DB8::0:1]:8333');
      expect(a.equals(SocketAddress.parse('[2001:db8::1]:8333'))).to.equal(true);
      expect(a.equals(SocketAddress.parse('[2001:db8::1]:8334'))).to.equal(false);
      expect(a.equals(SocketAddress.parse('[2001:db8::2]:8333'))).to.equal(false);
      expect(SocketAddress.parse('1.2.3.4:1').equals(SocketAddress.parse('[::1.2.3.4]:1'))).to.equal(false);
    });
  });

  describe('immutability', () => {
    it('is frozen', () => {
      const addr = SocketAddress.parse('1.2.3.4:5');
      expect(Object.isFrozen(addr)).to.equal(true);
      expect(() => {
        (addr as { port: number }).port = 6;
      }).to.throw(TypeError);
      expect(addr.port).to.equal(5);
    });

    it('hands out a copy of its bytes', () => {
      const addr = SocketAddress.parse('1.2.3.4:5');
      const bytes = addr.toBytes16();
      bytes[15] = 99;
      expect(addr.toBytes16()[15]).to.equal(4);
      expect(addr.host).to.equal('1.2.3.4');
    });

    it('does not keep the array given to fromBytes16', () => {
      const bytes = SocketAddress.parse('[2001:db8::1]:1').toBytes16();
      const addr = SocketAddress.fromBytes16(bytes, 1);
      bytes[15] = 2;
      expect(addr.host).to.equal('2001:db8::1');
    });
  });

  describe('toBytes16 / fromBytes16', () => {
    it('writes IPv4 as IPv4-mapped IPv6', () => {
      expect([...SocketAddress.parse('1.2.3.4:8333').toBytes16()]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    });

    it('writes IPv6 in network order', () => {
      expect([...SocketAddress.parse('[2001:db8::ff01]:1').toBytes16()]).to.deep.equal([
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x01,
      ]);
    });

    it('reads IPv4-mapped bytes back as IPv4', () => {
      const addr = SocketAddress.fromBytes16(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 9), 8333);
      expect(addr.toString()).to.equal('203.0.113.9:8333');
      expect(addr.family).to.equal(4);
    });

    for (const length of [0, 4, 15, 17]) {
      it(`rejects ${length} bytes`, () => {
        expect(() => SocketAddress.fromBytes16(new Uint8Array(length), 1)).to.throw(InvalidAddressError, `got ${length}`);
      });
    }

    it('rejects a bad port', () => {
      expect(() => SocketAddress.fromBytes16(new Uint8Array(16), 70000))
        .to.throw(InvalidAddressError)
        .with.property('input', '70000');
    });

    const port = fc.integer({ min: 0, max: 65535 });

    it('round-trips random IPv4 literals', () => {
      fc.assert(
        fc.property(fc.ipV4(), port, (ip, p) => {
          const addr = SocketAddress.from(ip, p);
          expect(addr.host).to.equal(ip);
          expect(addr.family).to.equal(4);
          const back = SocketAddress.fromBytes16(addr.toBytes16(), p);
          expect(back.equals(addr)).to.equal(true);
          expect(SocketAddress.parse(addr.toString()).equals(addr)).to.equal(true);
        }),
      );
    });

    it('round-trips random IPv6 literals in any spelling', () => {
      fc.assert(
        fc.property(fc.ipV6(), port, (ip, p) => {
          const addr = SocketAddress.from(ip, p);
          const back = SocketAddress.fromBytes16(addr.toBytes16(), p);
          expect(back.equals(addr)).to.equal(true);
          expect(back.host).to.equal(addr.host);
          expect(SocketAddress.parse(addr.toString()).equals(addr)).to.equal(true);
          // canonical text is a fixed point
          expect(SocketAddress.from(addr.host, p).host).to.equal(addr.host);
        }),
      );
    });

    it('round-trips random 16-byte addresses, in RFC 5952 form', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), port, (bytes, p) => {
          const addr = SocketAddress.fromBytes16(bytes, p);
          expect([...addr.toBytes16()]).to.deep.equal([...bytes]);
          expect(SocketAddress.parse(addr.toString()).equals(addr)).to.equal(true);
          if (isMapped(bytes)) {
            expect(addr.family).to.equal(4);
          } else {
            expect(addr.family).to.equal(6);
            expect(addr.host).to.equal(urlCanonical(bytes));
          }
        }),
      );
    });

    it('round-trips 16-byte addresses rich in zero words', () => {
      // Random bytes rarely contain zero runs, which is where compression can go wrong.
      const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
      fc.assert(
        fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
          const bytes = new Uint8Array(16);
          words.forEach((w, i) => {
            bytes[2 * i] = w >>> 8;
            bytes[2 * i + 1] = w & 0xff;
          });
          const addr = SocketAddress.fromBytes16(bytes, 1);
          expect([...SocketAddress.parse(addr.toString()).toBytes16()]).to.deep.equal([...bytes]);
          if (!isMapped(bytes)) expect(addr.host).to.equal(urlCanonical(bytes));
        }),
        { numRuns: 500 },
      );
    });
  });
});
