import { expect } from 'chai';
import { hostOfAddress } from '../../lib/ban/hostOfAddress.js';

describe('ban/hostOfAddress', () => {
  it('strips the port of host:port and [v6]:port, leaves bare hosts alone', () => {
    expect(hostOfAddress('10.0.0.1:8333')).to.equal('10.0.0.1');
    expect(hostOfAddress('[2001:db8::1]:8333')).to.equal('2001:db8::1');
    expect(hostOfAddress('2001:db8::1')).to.equal('2001:db8::1');
    expect(hostOfAddress('::1')).to.equal('::1');
    expect(hostOfAddress('10.0.0.1')).to.equal('10.0.0.1');
    expect(hostOfAddress('not an address')).to.equal('not an address');
  });
});
