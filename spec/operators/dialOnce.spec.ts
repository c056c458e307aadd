import { expect } from 'chai';
import { EMPTY, NEVER, Observable, config, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnReq } from '../../lib/model/ConnReq.js';
import { EmptyDialError } from '../../lib/model/errors.js';
import { dialOnce, startDial, type DialObserver } from '../../lib/operators/dialOnce.js';

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe('dialOnce', () => {
  it('emits the first conn and completes; extra conns, sync or late, are closed', () => {
    const closed: string[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const dial$ = dialOnce(
        () => cold('--a-b|', { a: 'a', b: 'b' }),
        'addr',
        (c: string) => closed.push(c),
      );
      expectObservable(dial$).toBe('--(a|)', { a: 'a' });
    });
    expect(closed).to.deep.equal(['b']);
    closed.length = 0;
    dialOnce(
      () => of('a', 'b', 'c'),
      'addr',
      (c: string) => closed.push(c),
    ).subscribe();
    expect(closed).to.deep.equal(['b', 'c']);
  });

  it('turns a synchronous throw, an error and an empty completion into error notifications', () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    dialOnce(
      () => {
        throw boom;
      },
      'a',
      () => {},
    ).subscribe({ error: (e) => errors.push(e) });
    dialOnce(
      () => throwError(() => boom),
      'a',
      () => {},
    ).subscribe({ error: (e) => errors.push(e) });
    dialOnce(
      () => of(),
      'a',
      () => {},
    ).subscribe({ error: (e) => errors.push(e) });
    dialOnce(
      () => 42 as never,
      'a',
      () => {},
    ).subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).to.equal(boom);
    expect(errors[1]).to.equal(boom);
    expect(errors[2]).to.be.instanceOf(EmptyDialError);
    expect(errors[3]).to.be.instanceOf(TypeError);
  });

  it('calls dial on every subscription (retry re-dials instead of re-using one promise)', () => {
    let calls = 0;
    const dial$ = dialOnce(
      () => {
        calls++;
        return of('c');
      },
      'a',
      () => {},
    );
    dial$.subscribe();
    dial$.subscribe();
    expect(calls).to.equal(2);
  });

  it('aborts the signal when unsubscribed before the result, not after', () => {
    const signals: AbortSignal[] = [];
    dialOnce(
      (_a, { signal }) => {
        signals.push(signal);
        return NEVER;
      },
      'a',
      () => {},
    )
      .subscribe()
      .unsubscribe();
    dialOnce(
      (_a, { signal }) => {
        signals.push(signal);
        return of('c');
      },
      'a',
      () => {},
    )
      .subscribe()
      .unsubscribe();
    expect(signals.map((s) => s.aborted)).to.deep.equal([true, false]);
  });

  it('closes a conn that a promise delivers after the dial was abandoned', async () => {
    let resolve!: (c: string) => void;
    const closed: string[] = [];
    const seen: string[] = [];
    const subscription = dialOnce(
      () => new Promise<string>((r) => (resolve = r)),
      'a',
      (c) => closed.push(c),
    ).subscribe((c) => seen.push(c));
    subscription.unsubscribe();
    resolve('late');
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).to.deep.equal([]);
    expect(closed).to.deep.equal(['late']);
  });

  it('tears an Observable dial down when abandoned (that is its cancellation)', () => {
    let tornDown = false;
    const hanging = new Observable<string>(() => () => (tornDown = true));
    dialOnce(
      () => hanging,
      'a',
      () => {},
    )
      .subscribe()
      .unsubscribe();
    expect(tornDown).to.equal(true);
  });
});

describe('startDial', () => {
  /** An observer that records what it is told, in order. */
  function recorder<C>(): { observer: DialObserver<C>; reports: unknown[][] } {
    const reports: unknown[][] = [];
    return {
      reports,
      observer: {
        dialed: (conn) => reports.push(['dialed', conn]),
        dialFailed: (error) => reports.push(['dialFailed', error]),
      },
    };
  }

  /** A promise with its resolve and reject at hand. */
  function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  /** Lets pending promise callbacks, and the checks for unhandled rejections, run. */
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('reports `dialed` once when a promise dial resolves, and not before', async () => {
    const { observer, reports } = recorder<string>();
    const d = deferred<string>();
    const closed: string[] = [];
    startDial(
      () => d.promise,
      'addr',
      (c: string) => closed.push(c),
      observer,
    );
    expect(reports).to.deep.equal([]);
    d.resolve('conn');
    await turn();
    expect(reports).to.deep.equal([['dialed', 'conn']]);
    expect(closed).to.deep.equal([]);
  });

  it('reports `dialFailed` with the reason when a promise dial rejects', async () => {
    const { observer, reports } = recorder<string>();
    const d = deferred<string>();
    const refused = new Error('ECONNREFUSED');
    startDial(
      () => d.promise,
      'addr',
      () => {},
      observer,
    );
    d.reject(refused);
    await turn();
    expect(reports).to.have.length(1);
    expect(reports[0]?.[0]).to.equal('dialFailed');
    expect(reports[0]?.[1]).to.equal(refused);
  });

  it('reports nothing when unsubscribed before the promise resolves, and closes the late conn', async () => {
    const { observer, reports } = recorder<string>();
    const d = deferred<string>();
    const closed: string[] = [];
    const call = startDial(
      () => d.promise,
      'addr',
      (c: string) => closed.push(c),
      observer,
    );
    call.unsubscribe();
    d.resolve('late');
    await turn();
    expect(reports).to.deep.equal([]);
    expect(closed).to.deep.equal(['late']);
  });

  it('reports nothing when unsubscribed before the promise rejects', async () => {
    const { observer, reports } = recorder<string>();
    const d = deferred<string>();
    const call = startDial(
      () => d.promise,
      'addr',
      () => {},
      observer,
    );
    call.unsubscribe();
    d.reject(new Error('too late'));
    await turn();
    expect(reports).to.deep.equal([]);
  });

  it('aborts the signal of a dial that takes the context when unsubscribed while under way', () => {
    const { observer } = recorder<string>();
    let signal: AbortSignal | undefined;
    const call = startDial(
      (_addr: string, context) => ((signal = context.signal), NEVER),
      'addr',
      () => {},
      observer,
    );
    expect(signal?.aborted).to.equal(false);
    call.unsubscribe();
    expect(signal?.aborted).to.equal(true);
  });

  it('hands the request to a dial that declares the context, and nothing to one that does not', () => {
    const { observer } = recorder<string>();
    const req = new ConnReq<string>('addr', { connClass: 'feeler' });
    const seen: (ConnReq<string> | undefined)[] = [];
    startDial(
      (_addr: string, context) => (seen.push(context.req), NEVER),
      'addr',
      () => {},
      observer,
      req,
    ).unsubscribe();
    startDial(
      (_addr: string, context) => (seen.push(context.req), NEVER),
      'addr',
      () => {},
      observer,
    ).unsubscribe();
    // One-parameter dial: reads arguments[1] to show it gets the shared, request-less context.
    startDial(
      function (this: unknown, _addr: string) {
        // eslint-disable-next-line prefer-rest-params
        seen.push((arguments[1] as { req?: ConnReq<string> }).req);
        return NEVER;
      },
      'addr',
      () => {},
      observer,
      req,
    ).unsubscribe();
    expect(seen).to.deep.equal([req, undefined, undefined]);
    expect(seen[0]?.connClass).to.equal('feeler');
  });

  it('reports `dialed` synchronously for an Observable dial that emits at once', () => {
    const { observer, reports } = recorder<string>();
    const closed: string[] = [];
    startDial(
      () => of('a', 'b'),
      'addr',
      (c: string) => closed.push(c),
      observer,
    );
    expect(reports).to.deep.equal([['dialed', 'a']]);
    expect(closed).to.deep.equal(['b']);
  });

  it('reports `dialFailed` with an EmptyDialError for an Observable dial that completes empty', () => {
    const { observer, reports } = recorder<string>();
    startDial(
      () => EMPTY,
      'addr-1',
      () => {},
      observer,
    );
    expect(reports).to.have.length(1);
    expect(reports[0]?.[0]).to.equal('dialFailed');
    const error = reports[0]?.[1];
    expect(error).to.be.instanceOf(EmptyDialError);
    expect((error as EmptyDialError).addr).to.equal('addr-1');
  });

  it('reports `dialFailed` synchronously for a dial that throws', () => {
    const { observer, reports } = recorder<string>();
    const boom = new Error('boom');
    startDial(
      () => {
        throw boom;
      },
      'addr',
      () => {},
      observer,
    );
    expect(reports).to.deep.equal([['dialFailed', boom]]);
  });

  it('reports `dialed` when an Observable dial emits, in virtual time, and keeps it subscribed until it completes', () => {
    const scheduler = testScheduler();
    const reports: unknown[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const dial$ = cold('---c|');
      startDial(
        () => dial$,
        'addr',
        () => {},
        {
          dialed: (conn) => reports.push(['dialed', conn, scheduler.now()]),
          dialFailed: (error) => reports.push(['dialFailed', error, scheduler.now()]),
        },
      );
      expectSubscriptions(dial$.subscriptions).toBe('^---!');
    });
    expect(reports).to.deep.equal([['dialed', 'c', 3]]);
  });

  it('unsubscribing after the result does nothing: the dial runs on and its extra conns are closed, its signal not aborted', () => {
    const scheduler = testScheduler();
    const reports: unknown[] = [];
    const closed: string[] = [];
    let signal: AbortSignal | undefined;
    scheduler.run(({ cold, expectSubscriptions }) => {
      const dial$ = cold('-a---b|');
      const call = startDial(
        (_addr: string, context) => ((signal = context.signal), dial$),
        'addr',
        (c: string) => closed.push(c),
        {
          dialed: (conn) => reports.push(['dialed', conn]),
          dialFailed: (error) => reports.push(['dialFailed', error]),
        },
      );
      scheduler.schedule(() => call.unsubscribe(), 2);
      expectSubscriptions(dial$.subscriptions).toBe('^-----!');
    });
    expect(reports).to.deep.equal([['dialed', 'a']]);
    expect(closed).to.deep.equal(['b']);
    expect(signal?.aborted).to.equal(false);
  });

  it('unsubscribing an Observable dial under way tears it down then, and reports nothing', () => {
    const scheduler = testScheduler();
    const reports: unknown[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const dial$ = cold('-----c|');
      const call = startDial(
        () => dial$,
        'addr',
        () => {},
        {
          dialed: (conn) => reports.push(['dialed', conn]),
          dialFailed: (error) => reports.push(['dialFailed', error]),
        },
      );
      scheduler.schedule(() => call.unsubscribe(), 2);
      expectSubscriptions(dial$.subscriptions).toBe('^-!');
    });
    expect(reports).to.deep.equal([]);
  });

  describe('an observer that throws', () => {
    let savedOnUnhandledError: typeof config.onUnhandledError;
    const unhandledRejections: unknown[] = [];
    const onRejection = (reason: unknown) => unhandledRejections.push(reason);

    beforeEach(() => {
      savedOnUnhandledError = config.onUnhandledError;
      unhandledRejections.length = 0;
      process.on('unhandledRejection', onRejection);
    });

    afterEach(() => {
      config.onUnhandledError = savedOnUnhandledError;
      process.off('unhandledRejection', onRejection);
    });

    it('sends an exception from `dialed` on a promise result to config.onUnhandledError, not to an unhandled rejection', async () => {
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push(error);
      const oops = new Error('observer bug');
      startDial(
        () => Promise.resolve('conn'),
        'addr',
        () => {},
        {
          dialed: () => {
            throw oops;
          },
          dialFailed: () => {},
        },
      );
      await turn();
      await turn();
      expect(reported).to.deep.equal([oops]);
      expect(unhandledRejections).to.deep.equal([]);
    });

    it('sends an exception from `dialFailed` on a rejection to config.onUnhandledError, not to an unhandled rejection', async () => {
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push(error);
      const oops = new Error('observer bug');
      startDial(
        () => Promise.reject(new Error('refused')),
        'addr',
        () => {},
        {
          dialed: () => {},
          dialFailed: () => {
            throw oops;
          },
        },
      );
      await turn();
      await turn();
      expect(reported).to.deep.equal([oops]);
      expect(unhandledRejections).to.deep.equal([]);
    });
  });
});
