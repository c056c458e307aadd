import { expect } from 'chai';
import { config } from 'rxjs';
import type { RefillRequest } from '../../lib/model/actions.js';
import { sendWhenSettled } from '../../lib/effects/sendWhenSettled.js';

type Req = RefillRequest<string>;
const req = (id: number): Req['req'] => ({ id }) as unknown as Req['req'];
/** Lets every microtask queued so far (and those they queue, a few deep) run. */
const microtasks = async (): Promise<void> => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

describe('sendWhenSettled', () => {
  it('returns false and sends nothing when no lookup is a native promise: the caller sends at once', async () => {
    const sent: Req[][] = [];
    const requests: Req[] = [{ req: req(1) }, { req: req(2), lookup: { kind: 'address', addr: 'a' } }];
    expect(sendWhenSettled(requests, (b) => sent.push(b))).to.equal(false);
    await microtasks();
    expect(sent).to.deep.equal([]);
  });

  it('sends a settled promise as the address at hand, and the other requests as they were', async () => {
    const sent: Req[][] = [];
    const plain: Req = { req: req(1), lookup: { kind: 'address', addr: 'p' } };
    const none: Req = { req: req(3) };
    const requests: Req[] = [plain, { req: req(2), lookup: { kind: 'source', source: Promise.resolve('q') } }, none];
    expect(sendWhenSettled(requests, (b) => sent.push(b))).to.equal(true);
    expect(sent).to.deep.equal([]); // not before the checkpoint
    await microtasks();
    expect(sent).to.have.length(1);
    const [batch] = sent;
    expect(batch![0]).to.equal(plain);
    expect(batch![1]).to.deep.equal({ req: requests[1]!.req, lookup: { kind: 'address', addr: 'q' } });
    expect(batch![1]!.req).to.equal(requests[1]!.req);
    expect(batch![2]).to.equal(none);
  });

  it('sends a rejected promise as a failed lookup carrying its very error', async () => {
    const sent: Req[][] = [];
    const error = new Error('book closed');
    const rejected = Promise.reject(error);
    sendWhenSettled([{ req: req(1), lookup: { kind: 'source', source: rejected } }], (b) => sent.push(b));
    await microtasks();
    expect(sent[0]![0]!.lookup).to.deep.equal({ kind: 'failed', error });
    expect((sent[0]![0]!.lookup as { error: unknown }).error).to.equal(error);
  });

  it('leaves a promise still pending at the checkpoint as a source', async () => {
    const sent: Req[][] = [];
    const pending = new Promise<string>((resolve) => setImmediate(() => resolve('late')));
    const request: Req = { req: req(1), lookup: { kind: 'source', source: pending } };
    sendWhenSettled([request], (b) => sent.push(b));
    await microtasks();
    expect(sent).to.have.length(1);
    expect(sent[0]![0]).to.equal(request);
    await pending;
    expect(sent).to.have.length(1); // settling later sends nothing more
  });

  it('does not wait for a foreign thenable, which may call back whenever it likes', () => {
    const thenable = { then: (resolve: (a: string) => void) => resolve('t') };
    const requests: Req[] = [{ req: req(1), lookup: { kind: 'source', source: thenable as never } }];
    expect(sendWhenSettled(requests, () => expect.fail('sent'))).to.equal(false);
  });

  it('hands a throwing send to config.onUnhandledError, not to a promise chain', async () => {
    const seen: unknown[] = [];
    const boom = new Error('boom');
    const previous = config.onUnhandledError;
    config.onUnhandledError = (e) => seen.push(e);
    try {
      sendWhenSettled([{ req: req(1), lookup: { kind: 'source', source: Promise.resolve('a') } }], () => {
        throw boom;
      });
      await microtasks();
      expect(seen).to.deep.equal([boom]);
    } finally {
      config.onUnhandledError = previous;
    }
  });
});
