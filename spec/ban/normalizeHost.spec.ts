import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import { InvalidHostError } from '../../lib/ban/errors.js';
import { formatIp, parseIp, unmapIpv4 } from '../../lib/net/ipAddress.js';
import { hostToBytes, normalizeHost } from '../../lib/ban/normalizeHost.js';

describe('ban/normalizeHost', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:c000:0201', '192.0.2.1'],
    ['[::ffff:127.0.0.1]', '127.0.0.1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // longest run, not the first
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a lone zero group stays
    ['0:0:0:0:0:0:0:0', '::'],
    ['0::0:1', '::1'],
    ['fe80::', 'fe80::'],
    ['::1.2.3.4', '::102:304'], // IPv4-compatible (not mapped) stays IPv6
    ['::fffe:1.2.3.4', '::fffe:102:304'],
    ['[::1]', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[FE80::ABCD%25]', 'fe80::abcd'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => {
      expect(normalizeHost(input)).to.equal(expected);
    });
  }

  for (const bad of [
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '1.2.3.4:8333',
    '[1.2.3.4]',
    '[::1]:8333',
    ' 1.2.3.4',
    '1.2.3.4%eth0',
    '::1::2',
    'gggg::1',
    '[::1',
    '1.2.3.4/32',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with InvalidHostError naming it`, () => {
      expect(() => normalizeHost(bad))
        .to.throw(InvalidHostError)
        .that.satisfies((e: InvalidHostError) => e.host === bad && e.message.includes(JSON.stringify(bad)));
    });
  }

  it('rejects a non-string at run time', () => {
    expect(() => normalizeHost(42 as unknown as string)).to.throw(InvalidHostError, /42/);
  });

  it('hostToBytes gives 4 bytes for IPv4 (mapped too) and 16 for IPv6', () => {
    expect(Array.from(hostToBytes('::ffff:10.0.0.1'))).to.deep.equal([10, 0, 0, 1]);
    expect(hostToBytes('::1')).to.have.length(16);
  });

  it('unmapIpv4 leaves non-mapped addresses alone', () => {
    const v6 = parseIp('::1')!;
    expect(unmapIpv4(v6)).to.equal(v6);
    const v4 = parseIp('1.2.3.4')!;
    expect(unmapIpv4(v4)).to.equal(v4);
  });

  it('formatIp rejects a byte array of the wrong length', () => {
    expect(() => formatIp(new Uint8Array(5))).to.throw(RangeError, /5/);
  });

  it('property: any 16 bytes format to a string Node accepts, that parses back to the same bytes, idempotently', () => {
    fc.assert(
      fc.property(
        // Bias towards zero groups so that '::' compression is exercised.
        fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
        (words) => {
          const bytes = new Uint8Array(16);
          words.forEach((w, i) => {
            bytes[2 * i] = w >> 8;
            bytes[2 * i + 1] = w & 0xff;
          });
          const text = formatIp(bytes);
          expect(isIP(text)).to.equal(6);
          expect(text).to.equal(text.toLowerCase());
          expect(text).to.not.match(/(^|:)0[0-9a-f]/); // no leading zeros
          expect(Array.from(parseIp(text)!)).to.deep.equal(Array.from(bytes));
          const normalized = normalizeHost(text);
          expect(normalizeHost(normalized)).to.equal(normalized);
        },
      ),
      { numRuns: 300 },
    );
  });
});
