import { expect } from 'chai';
import {
  AddressAccessError,
  AddressInUseError,
  ConnectionRefusedError,
  DialError,
  HostUnreachableError,
  ListenError,
  TransportError,
} from '../../lib/transport/errors.js';
import { dialFailure, listenFailure } from '../../lib/transport/failures.js';

/** A Node-style system error, as sockets emit them. */
const systemError = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:8333`), { code, syscall: 'connect' });

describe('failures', () => {
  describe('dialFailure', () => {
    const table = [
      ['ECONNREFUSED', ConnectionRefusedError],
      ['EHOSTUNREACH', HostUnreachableError],
      ['ENETUNREACH', HostUnreachableError],
      ['ECONNRESET', DialError],
      ['EADDRNOTAVAIL', DialError],
    ] as const;
    for (const [code, type] of table) {
      it(`maps ${code} to ${type.name}, naming the address and keeping the cause`, () => {
        const cause = systemError(code);
        const error = dialFailure('[2001:db8::1]:8333', cause);
        expect(error).to.be.instanceOf(type);
        expect(error).to.be.instanceOf(TransportError);
        expect(error.name).to.equal(type.name);
        expect(error.address).to.equal('[2001:db8::1]:8333');
        expect(error.message).to.contain('[2001:db8::1]:8333');
        expect(error.cause).to.equal(cause);
        expect(error.code).to.equal(code);
      });
    }

    it('copes with a cause that is not an Error', () => {
      const error = dialFailure('1.2.3.4:1', 'weird');
      expect(error).to.be.instanceOf(DialError);
      expect(error.code).to.equal(undefined);
      expect(error.cause).to.equal('weird');
      expect(error.message).to.contain('weird');
    });

    it('names the unreachable code in the message', () => {
      expect(dialFailure('1.2.3.4:1', systemError('ENETUNREACH')).message).to.contain('ENETUNREACH');
    });
  });

  describe('listenFailure', () => {
    const table = [
      ['EADDRINUSE', AddressInUseError],
      ['EACCES', AddressAccessError],
      ['EADDRNOTAVAIL', ListenError],
      ['EMFILE', ListenError],
    ] as const;
    for (const [code, type] of table) {
      it(`maps ${code} to ${type.name}, naming the address and keeping the cause`, () => {
        const cause = systemError(code);
        const error = listenFailure('0.0.0.0:80', cause);
        expect(error).to.be.instanceOf(type);
        expect(error).to.be.instanceOf(TransportError);
        expect(error.name).to.equal(type.name);
        expect(error.address).to.equal('0.0.0.0:80');
        expect(error.message).to.contain('0.0.0.0:80');
        expect(error.cause).to.equal(cause);
        expect(error.code).to.equal(code);
      });
    }

    it('includes the cause message in a generic ListenError', () => {
      expect(listenFailure('0.0.0.0:80', systemError('EMFILE')).message).to.contain('connect EMFILE');
    });
  });
});
