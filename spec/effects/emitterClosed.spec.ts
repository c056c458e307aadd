import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { defaultConnClosed, watchEmitterClose } from '../../lib/effects/emitterClosed.js';

const testScheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** Listeners still on `emitter` for the two events the watcher uses. */
const listeners = (emitter: EventEmitter) => ({ close: emitter.listenerCount('close'), error: emitter.listenerCount('error') });

describe('watchEmitterClose', () => {
  it("calls back once on 'close', then no more", () => {
    const conn = new EventEmitter();
    let calls = 0;
    const watch = watchEmitterClose(conn, () => calls++);
    expect(watch).to.not.equal(undefined);
    expect(calls).to.equal(0);
    conn.emit('close');
    expect(calls).to.equal(1);
    conn.emit('close');
    conn.on('error', () => {}); // so that the next line does not throw for want of a listener
    conn.emit('error', new Error('late'));
    expect(calls).to.equal(1);
  });

  it("calls back once on 'error', and not again on the 'close' that follows", () => {
    const conn = new EventEmitter();
    let calls = 0;
    watchEmitterClose(conn, () => calls++);
    conn.emit('error', new Error('reset'));
    expect(calls).to.equal(1);
    conn.emit('close');
    expect(calls).to.equal(1);
  });

  it('removes both of its listeners once it has called back', () => {
    const conn = new EventEmitter();
    const other = () => {};
    conn.on('close', other);
    watchEmitterClose(conn, () => {});
    expect(listeners(conn)).to.deep.equal({ close: 2, error: 1 });
    conn.emit('close');
    expect(listeners(conn)).to.deep.equal({ close: 1, error: 0 });
    expect(conn.listeners('close')).to.deep.equal([other]); // only its own listener went
  });

  it('calls back at once, and listens to nothing, for a conn already destroyed', () => {
    const conn = Object.assign(new EventEmitter(), { destroyed: true });
    let calls = 0;
    const watch = watchEmitterClose(conn, () => calls++);
    expect(calls).to.equal(1);
    expect(watch).to.not.equal(undefined);
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
    watch?.unsubscribe(); // harmless
    conn.emit('close');
    expect(calls).to.equal(1);
  });

  it('calls back at once for a conn already closed', () => {
    const conn = Object.assign(new EventEmitter(), { closed: true });
    let calls = 0;
    const watch = watchEmitterClose(conn, () => calls++);
    expect(calls).to.equal(1);
    expect(watch).to.not.equal(undefined);
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
  });

  it('watches a conn whose destroyed and closed flags are false', () => {
    const conn = Object.assign(new EventEmitter(), { destroyed: false, closed: false });
    let calls = 0;
    watchEmitterClose(conn, () => calls++);
    expect(calls).to.equal(0);
    conn.emit('close');
    expect(calls).to.equal(1);
  });

  it('returns undefined, and never calls back, for values that are not emitters', () => {
    let calls = 0;
    const onClosed = () => calls++;
    expect(watchEmitterClose({}, onClosed)).to.equal(undefined);
    expect(watchEmitterClose({ destroyed: true }, onClosed)).to.equal(undefined);
    expect(watchEmitterClose(null, onClosed)).to.equal(undefined);
    expect(watchEmitterClose(undefined, onClosed)).to.equal(undefined);
    expect(watchEmitterClose('conn', onClosed)).to.equal(undefined);
    expect(watchEmitterClose(42, onClosed)).to.equal(undefined);
    expect(watchEmitterClose({ on() {}, destroyed: true }, onClosed)).to.equal(undefined); // `on` but no way to remove a listener
    expect(calls).to.equal(0);
  });

  it('unsubscribe removes both listeners, and no callback comes after', () => {
    const conn = new EventEmitter();
    let calls = 0;
    const watch = watchEmitterClose(conn, () => calls++);
    expect(listeners(conn)).to.deep.equal({ close: 1, error: 1 });
    watch?.unsubscribe();
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
    conn.emit('close');
    expect(calls).to.equal(0);
    watch?.unsubscribe(); // a second time is harmless
    expect(calls).to.equal(0);
  });

  it('two watchers on one conn are independent', () => {
    const conn = new EventEmitter();
    const calls: string[] = [];
    const first = watchEmitterClose(conn, () => calls.push('first'));
    watchEmitterClose(conn, () => calls.push('second'));
    first?.unsubscribe();
    expect(listeners(conn)).to.deep.equal({ close: 1, error: 1 });
    conn.emit('close');
    expect(calls).to.deep.equal(['second']);
  });
});

describe('defaultConnClosed', () => {
  it("emits once and completes on 'close'", () => {
    const conn = new EventEmitter();
    const seen: string[] = [];
    from(defaultConnClosed(conn)).subscribe({ next: () => seen.push('closed'), complete: () => seen.push('|') });
    expect(seen).to.deep.equal([]);
    conn.emit('close');
    expect(seen).to.deep.equal(['closed', '|']);
    conn.emit('close');
    expect(seen).to.deep.equal(['closed', '|']);
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
  });

  it("emits (not errors) once and completes on 'error'", () => {
    const conn = new EventEmitter();
    const seen: string[] = [];
    from(defaultConnClosed(conn)).subscribe({
      next: () => seen.push('closed'),
      error: () => seen.push('#'),
      complete: () => seen.push('|'),
    });
    conn.emit('error', new Error('reset'));
    expect(seen).to.deep.equal(['closed', '|']);
  });

  it('emits at once for a conn already destroyed', () => {
    const conn = Object.assign(new EventEmitter(), { destroyed: true });
    const seen: string[] = [];
    from(defaultConnClosed(conn)).subscribe({ next: () => seen.push('closed'), complete: () => seen.push('|') });
    expect(seen).to.deep.equal(['closed', '|']);
  });

  it('listens only while subscribed, once per subscription', () => {
    const conn = new EventEmitter();
    const closed$ = from(defaultConnClosed(conn));
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
    closed$.subscribe();
    closed$.subscribe();
    expect(listeners(conn)).to.deep.equal({ close: 2, error: 2 });
  });

  it('unsubscribing removes its listeners, and nothing is emitted after', () => {
    const conn = new EventEmitter();
    const seen: string[] = [];
    const subscription = from(defaultConnClosed(conn)).subscribe({ next: () => seen.push('closed'), complete: () => seen.push('|') });
    expect(listeners(conn)).to.deep.equal({ close: 1, error: 1 });
    subscription.unsubscribe();
    expect(listeners(conn)).to.deep.equal({ close: 0, error: 0 });
    conn.emit('close');
    expect(seen).to.deep.equal([]);
  });

  it('never emits nor completes for a value that is not an emitter', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(from(defaultConnClosed({ destroyed: true }))).toBe('-------');
      expectObservable(from(defaultConnClosed(null))).toBe('-------');
      expectObservable(from(defaultConnClosed('conn'))).toBe('-------');
    });
  });
});

describe('watchEmitterClose with an emitter that has `off` but no `removeListener`', () => {
  /** An emitter-like conn with only `on` and `off`: the guard accepts it, so stopping must work. */
  function offOnlyConn() {
    const listeners = new Map<string, Set<() => void>>();
    return {
      listeners,
      on(event: string, f: () => void) {
        (listeners.get(event) ?? listeners.set(event, new Set()).get(event)!).add(f);
      },
      off(event: string, f: () => void) {
        listeners.get(event)?.delete(f);
      },
      fire(event: string) {
        for (const f of [...(listeners.get(event) ?? [])]) f();
      },
    };
  }

  it('unsubscribes through `off`', () => {
    const conn = offOnlyConn();
    let calls = 0;
    const watch = watchEmitterClose(conn, () => calls++);
    expect(watch).to.not.equal(undefined);
    watch!.unsubscribe();
    expect(conn.listeners.get('close')?.size).to.equal(0);
    expect(conn.listeners.get('error')?.size).to.equal(0);
    conn.fire('close');
    expect(calls).to.equal(0);
  });

  it('fires once on close and removes both listeners through `off`', () => {
    const conn = offOnlyConn();
    let calls = 0;
    watchEmitterClose(conn, () => calls++);
    conn.fire('close');
    conn.fire('error');
    expect(calls).to.equal(1);
    expect(conn.listeners.get('close')?.size).to.equal(0);
    expect(conn.listeners.get('error')?.size).to.equal(0);
  });
});
