import { expect } from 'chai';
import fc from 'fast-check';
import { NEVER, Observable, Subject, from, of, throwError, type Subscription } from 'rxjs';
import { probeSource } from '../../lib/effects/probeSource.js';
import { NoNewAddressError } from '../../lib/model/errors.js';

/** A cold source that counts its subscriptions and whether they are still open. */
function counted<A>(inner: Observable<A>) {
  const stats = { subscribed: 0, open: 0 };
  const source = new Observable<A>((subscriber) => {
    stats.subscribed++;
    stats.open++;
    const sub = inner.subscribe(subscriber);
    return () => {
      stats.open--;
      sub.unsubscribe();
    };
  });
  return { source, stats };
}

describe('probeSource', () => {
  it('a source that answers at once is at hand: its first value, subscribed once and let go', () => {
    const live = new Set<Subscription>();
    const { source, stats } = counted(of('a:1', 'a:2'));
    expect(probeSource(source, live)).to.deep.equal({ kind: 'address', addr: 'a:1' });
    expect(stats).to.deep.equal({ subscribed: 1, open: 0 });
    expect(live.size).to.equal(0);
    expect(probeSource(['x', 'y'][Symbol.iterator]() as unknown as Iterable<string>, live)).to.deep.equal({ kind: 'address', addr: 'x' });
  });

  it('one that errors or completes empty at once is a failure at hand', () => {
    const live = new Set<Subscription>();
    const boom = new Error('boom');
    expect(
      probeSource(
        throwError(() => boom),
        live,
      ),
    ).to.deep.equal({ kind: 'failed', error: boom });
    const empty = probeSource(of<string>(), live);
    expect(empty.kind).to.equal('failed');
    expect((empty as { error: unknown }).error).to.be.instanceOf(NoNewAddressError);
    expect(live.size).to.equal(0);
  });

  it('a pending one stays subscribed (in live) and hands its answer to the one who subscribes, never subscribing again', () => {
    const live = new Set<Subscription>();
    const answer = new Subject<string>();
    const { source, stats } = counted(answer.asObservable());
    const lookup = probeSource(source, live);
    expect(lookup.kind).to.equal('source');
    expect(live.size).to.equal(1);
    const seen: string[] = [];
    from((lookup as { source: Observable<string> }).source).subscribe({ next: (a) => seen.push(a), complete: () => seen.push('|') });
    expect(live.size).to.equal(0); // handed over
    answer.next('late:1');
    expect(seen).to.deep.equal(['late:1', '|']);
    expect(stats).to.deep.equal({ subscribed: 1, open: 0 });
  });

  it('an answer that comes before the hand-over is replayed; unsubscribing the hand-over ends the source', () => {
    const live = new Set<Subscription>();
    const answer = new Subject<string>();
    const early = probeSource(answer, live) as { source: Observable<string> };
    answer.next('early:1');
    expect(live.size).to.equal(0);
    const seen: string[] = [];
    early.source.subscribe((a) => seen.push(a));
    expect(seen).to.deep.equal(['early:1']);

    const { source, stats } = counted(NEVER);
    const pending = probeSource(source, live) as { source: Observable<string> };
    pending.source.subscribe().unsubscribe();
    expect(stats).to.deep.equal({ subscribed: 1, open: 0 });
  });

  it('whatever the source does and whenever it is taken over, it is subscribed once and closed at the end (property)', () => {
    type Step = 'value' | 'error' | 'complete' | 'take' | 'drop';
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Step>('value', 'error', 'complete', 'take', 'drop'), { maxLength: 6 }),
        fc.boolean(),
        (steps, syncFirst) => {
          const live = new Set<Subscription>();
          const answer = new Subject<string>();
          const inner = syncFirst ? new Observable<string>((s) => (s.next('now'), answer.subscribe(s))) : answer.asObservable();
          const { source, stats } = counted(inner);
          const lookup = probeSource(source, live);
          const seen: string[] = [];
          let taken: Subscription | undefined;
          for (const step of steps) {
            if (step === 'value') answer.next('v');
            else if (step === 'error') answer.error(new Error('e'));
            else if (step === 'complete') answer.complete();
            else if (step === 'take' && lookup.kind === 'source' && taken === undefined)
              taken = from(lookup.source).subscribe({ next: (a) => seen.push(a), error: () => seen.push('#') });
            else if (step === 'drop') taken?.unsubscribe();
          }
          expect(stats.subscribed).to.equal(1);
          if (syncFirst) expect(lookup).to.deep.equal({ kind: 'address', addr: 'now' });
          expect(seen.length).to.be.at.most(1);
          // The owner ends what was never handed over; then nothing is left open.
          for (const s of [...live]) s.unsubscribe();
          taken?.unsubscribe();
          expect(stats.open).to.equal(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
