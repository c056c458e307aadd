import { expect } from 'chai';
import sinon from 'sinon';
import type { Backoff, BackoffPolicy } from '../../lib/backoff/Backoff.js';

/** The first `count` steps starting at `first`, checking that `attempt` counts 1, 2, 3… on the way. */
export function steps(first: Backoff, count: number): Backoff[] {
  const out: Backoff[] = [];
  let b = first;
  for (let i = 1; i <= count; i++) {
    expect(b.attempt, `attempt of step ${i}`).to.equal(i);
    out.push(b);
    if (i < count) b = b.next();
  }
  return out;
}

/** The durations of the first `count` steps. */
export function durations(first: Backoff, count: number): number[] {
  return steps(first, count).map((b) => b.duration);
}

/** Asserts the exact delays a policy produces after a success (cockatiel's helper, for deterministic policies). */
export function expectDurations(policy: BackoffPolicy, expected: readonly number[], seed?: number): void {
  const first = seed === undefined ? policy.first() : policy.first(seed);
  expect(durations(first, expected.length)).to.deep.equal(expected);
}

/** The step after `n - 1` calls of `next()` from `first`, without keeping the ones in between. */
export function nth(first: Backoff, n: number): Backoff {
  let b = first;
  for (let i = 1; i < n; i++) b = b.next();
  return b;
}

/**
 * How many objects are reachable from `root` through own properties: a value
 * that kept its predecessors alive would grow with every `next()`.
 */
export function reachableObjects(root: object): number {
  const seen = new Set<object>();
  const stack: object[] = [root];
  while (stack.length > 0) {
    const o = stack.pop() as object;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const key of Reflect.ownKeys(o)) {
      const v: unknown = (o as Record<PropertyKey, unknown>)[key];
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') stack.push(v);
    }
  }
  return seen.size;
}

/** Integers 1..n. */
export function ids(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * The purity contract every policy keeps: `first()` and `next()` give equal values when called
 * again, calling `next()` changes nothing, and every step is frozen.
 */
export function expectPureBackoff(policy: BackoffPolicy, seed = 3): void {
  expect(policy.first()).to.deep.equal(policy.first());
  expect(policy.first(seed)).to.deep.equal(policy.first(seed));
  const b = policy.first(seed).next().next();
  const before = b.duration;
  expect(b.next()).to.deep.equal(b.next());
  expect(b.next().next()).to.deep.equal(b.next().next());
  expect(b.duration).to.equal(before);
  expect(Object.isFrozen(b)).to.equal(true);
}

/** Asserts that a step holds no chain of its predecessors: 10,000 `next()`s later, as many objects are reachable as from the first. */
export function expectNoChain(first: Backoff): void {
  expect(reachableObjects(nth(first, 10_000))).to.equal(reachableObjects(first));
}

/**
 * Asserts that a jittered policy made without a seed draws it from `Math.random()` once, in the
 * factory (`first()` and `next()` never call it), and then behaves exactly like the policy made
 * with that seed (`random × 2³²`).
 */
export function expectSeedDrawnOnce(make: (seed?: number) => BackoffPolicy, random: number): void {
  const stub = sinon.stub(Math, 'random').returns(random);
  try {
    const policy = make();
    expect(stub.callCount).to.equal(1);
    const got = durations(policy.first(), 10).concat(durations(policy.first(4), 10));
    expect(stub.callCount, 'first()/next() must not call Math.random').to.equal(1);
    const seeded = make(random * 2 ** 32);
    expect(got).to.deep.equal(durations(seeded.first(), 10).concat(durations(seeded.first(4), 10)));
  } finally {
    stub.restore();
  }
}
