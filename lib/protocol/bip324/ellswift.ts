import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';

/**
 * ElligatorSwift for secp256k1 (BIP324, "ElligatorSwift encoding of curve X coordinates"): a
 * 64-byte encoding `u || t` of an X coordinate that is indistinguishable from random bytes. Written
 * on `@noble/curves`' secp256k1 field, which has no ElligatorSwift of its own.
 *
 * None of this is constant time; the BIP does not ask for it, because an encoding is public data.
 * @packageDocumentation
 */

const Fp = secp256k1.Point.Fp;
const P = Fp.ORDER;
/** `c = √-3 (mod p)`, the square one of the two roots, as fixed by BIP324. */
const C = 0xa2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852n;
const SQRT_EXPONENT = (P + 1n) / 4n;
const SEVEN = 7n;

/** "The" square root of the BIP: `a^((p+1)/4)`, or `undefined` when `a` is not a square. */
function sqrt(a: bigint): bigint | undefined {
  const root = Fp.pow(a, SQRT_EXPONENT);
  return Fp.eql(Fp.sqr(root), a) ? root : undefined;
}

/** `u³ + 7`, the right-hand side of the curve equation at `u`. */
function curveRhs(u: bigint): bigint {
  return Fp.add(Fp.mul(Fp.sqr(u), u), SEVEN);
}

/** Whether `x` is the X coordinate of a curve point (`lift_x(x)` succeeds). */
function isValidX(x: bigint): boolean {
  return sqrt(curveRhs(x)) !== undefined;
}

/**
 * `XSwiftEC(u, t)`: maps any pair of field elements to an X coordinate on the curve (BIP324's
 * variant, which remaps the few inputs the SwiftEC paper sends to infinity).
 *
 * @param u - a field element (reduced mod p first).
 * @param t - a field element (reduced mod p first).
 * @returns the X coordinate, in `0..p-1`.
 * @example
 * ```ts
 * xswiftec(0n, 0n); // 0xedd1fd3e…5aa0c, as in the BIP's first decode vector
 * ```
 */
export function xswiftec(u: bigint, t: bigint): bigint {
  let uu = Fp.create(u);
  let tt = Fp.create(t);
  if (Fp.is0(uu)) uu = Fp.ONE;
  if (Fp.is0(tt)) tt = Fp.ONE;
  if (Fp.is0(Fp.add(curveRhs(uu), Fp.sqr(tt)))) tt = Fp.add(tt, tt);
  // After the remapping, X + t = 0 cannot happen (it would need u³ + t² + 7 = 0), so Y ≠ 0.
  const X = Fp.div(Fp.sub(curveRhs(uu), Fp.sqr(tt)), Fp.add(tt, tt));
  const Y = Fp.div(Fp.add(X, tt), Fp.mul(C, uu));
  const XoverY = Fp.div(X, Y);
  const half = (v: bigint): bigint => Fp.div(v, 2n);
  const candidates = [Fp.add(uu, Fp.mul(4n, Fp.sqr(Y))), half(Fp.sub(Fp.neg(XoverY), uu)), half(Fp.sub(XoverY, uu))];
  for (const x of candidates) if (isValidX(x)) return x;
  // The SwiftEC construction guarantees one of the three is on the curve.
  throw new Error(`xswiftec(${u}, ${t}) found no curve point: arithmetic bug`);
}

/**
 * `XSwiftECInv(x, u, case)`: a `t` with `xswiftec(u, t) = x`, or `undefined`. `branch` (the BIP's
 * `case`, 0–7) picks one of the up to 8 preimages.
 *
 * @example
 * ```ts
 * const t = xswiftecInv(x, u, 3);
 * if (t !== undefined) xswiftec(u, t) === x; // true
 * ```
 */
export function xswiftecInv(x: bigint, u: bigint, branch: number): bigint | undefined {
  const xx = Fp.create(x);
  const uu = Fp.create(u);
  let s: bigint;
  let v: bigint;
  if ((branch & 2) === 0) {
    if (isValidX(Fp.sub(Fp.neg(xx), uu))) return undefined;
    v = xx;
    s = Fp.div(Fp.neg(curveRhs(uu)), Fp.add(Fp.add(Fp.sqr(uu), Fp.mul(uu, v)), Fp.sqr(v)));
  } else {
    s = Fp.sub(xx, uu);
    if (Fp.is0(s)) return undefined;
    const rSquared = Fp.neg(Fp.mul(s, Fp.add(Fp.mul(4n, curveRhs(uu)), Fp.mul(Fp.mul(3n, s), Fp.sqr(uu)))));
    const r = sqrt(rSquared);
    if (r === undefined) return undefined;
    if ((branch & 1) === 1 && Fp.is0(r)) return undefined;
    v = Fp.div(Fp.sub(Fp.div(r, s), uu), 2n);
  }
  const w = sqrt(s);
  if (w === undefined) return undefined;
  const uMinus = Fp.div(Fp.mul(uu, Fp.sub(Fp.ONE, C)), 2n);
  const uPlus = Fp.div(Fp.mul(uu, Fp.add(Fp.ONE, C)), 2n);
  switch (branch & 5) {
    case 0:
      return Fp.neg(Fp.mul(w, Fp.add(uMinus, v)));
    case 1:
      return Fp.mul(w, Fp.add(uPlus, v));
    case 4:
      return Fp.mul(w, Fp.add(uMinus, v));
    default:
      return Fp.neg(Fp.mul(w, Fp.add(uPlus, v)));
  }
}

/**
 * Decodes a 64-byte ElligatorSwift encoding to its 32-byte X coordinate (big-endian). Every
 * 64-byte string decodes: `u` and `t` are read mod p.
 *
 * @throws RangeError when `encoding` is not 64 bytes.
 * @example
 * ```ts
 * ellswiftDecode(new Uint8Array(64)); // edd1fd3e…5aa0c
 * ```
 */
export function ellswiftDecode(encoding: Uint8Array): Uint8Array {
  requireLength('encoding', encoding, 64);
  const u = bytesToNumberBE(encoding.subarray(0, 32));
  const t = bytesToNumberBE(encoding.subarray(32, 64));
  return numberToBytesBE(xswiftec(u, t), 32);
}

/**
 * `XElligatorSwift(x)`: a random 64-byte encoding of the X coordinate `x` (32 bytes, big-endian),
 * drawing `u` and the `case` from `randomBytes` until a preimage exists (about 4 tries on average).
 *
 * @param randomBytes - the randomness source; injected so tests are reproducible.
 * @throws RangeError when `x` is not 32 bytes or not on the curve.
 * @example
 * ```ts
 * ellswiftDecode(ellswiftEncode(x, randomBytes)); // equals x
 * ```
 */
export function ellswiftEncode(x: Uint8Array, randomBytes: (length: number) => Uint8Array): Uint8Array {
  requireLength('x', x, 32);
  const xx = bytesToNumberBE(x);
  if (xx >= P || !isValidX(xx)) throw new RangeError(`x = ${bytesToHex(x)} is not an X coordinate on secp256k1`);
  for (;;) {
    const draw = randomBytes(33);
    const u = Fp.create(bytesToNumberBE(draw.subarray(0, 32)));
    if (Fp.is0(u)) continue;
    const t = xswiftecInv(xx, u, (draw[32] as number) & 7);
    if (t === undefined) continue;
    const out = new Uint8Array(64);
    out.set(numberToBytesBE(u, 32), 0);
    out.set(numberToBytesBE(t, 32), 32);
    return out;
  }
}

function requireLength(name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
}
