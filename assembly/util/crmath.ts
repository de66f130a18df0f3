// sin, cos and asin rounded as glibc's libm rounds them (almost always).
//
// Redis computes geo distances with glibc's sin/cos/asin, and GEOSEARCH
// ... STOREDIST stores those distances with all 17 digits. AssemblyScript's
// Math is a port of musl (fdlibm): within 1 ulp, but not the same last bit
// as glibc in 3-6% of calls, which changed about one distance in eight.
// glibc's functions are correctly rounded in all but about 0.15% of
// arguments, so correctly rounded ones agree with it far more often: about
// one distance in 400 still differs in its last bit (test/diff geosearch
// checks this rate, not exact equality, for STOREDIST scores).
//
// How: double-double arithmetic (a value is hi + lo, about 106 bits).
//   sin, cos  reduce x by k*pi/2 with pi/2 in three doubles, then the Taylor
//             series of sin or cos on |r| <= pi/4: the leading terms in
//             double-double, the tail (< 5e-5 of the result) in double.
//             Past |x| > 64 (only huge search boxes) musl's functions serve.
//   asin      musl's asin (within 1 ulp), then one Newton step
//             z += (y - sin z) / cos z with sin z in double-double.
// The double-double result rounded to a double is the correctly rounded
// value unless the exact one lies within ~1e-4 ulp of a rounding boundary.

// Dekker's split factor (2^27 + 1): no fused multiply-add in Wasm MVP.
const SPLIT: f64 = 134217729.0;

// pi/2 as three doubles.
const PIO2_1: f64 = 1.5707963267948966;
const PIO2_2: f64 = 6.123233995736766e-17;
const PIO2_3: f64 = -1.4973849048591698e-33;
const TWO_OVER_PI: f64 = 0.6366197723675814;
const REDUCE_MAX: f64 = 64;

// The double-double result of the last operation.
let rh: f64 = 0;
let rl: f64 = 0;

// @ts-ignore: decorator
@inline function twoSum(a: f64, b: f64): void {
  const s = a + b;
  const bb = s - a;
  rl = (a - (s - bb)) + (b - bb);
  rh = s;
}

// @ts-ignore: decorator
@inline function quickTwoSum(a: f64, b: f64): void {
  const s = a + b;
  rl = b - (s - a);
  rh = s;
}

// @ts-ignore: decorator
@inline function twoProd(a: f64, b: f64): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  rl = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  rh = p;
}

/** (ah + al) * (bh + bl). */
function ddMul(ah: f64, al: f64, bh: f64, bl: f64): void {
  twoProd(ah, bh);
  const p = rh;
  const e = rl + (ah * bl + al * bh);
  quickTwoSum(p, e);
}

/** (ah + al) + (bh + bl), for operands that do not nearly cancel. */
function ddAdd(ah: f64, al: f64, bh: f64, bl: f64): void {
  twoSum(ah, bh);
  const s = rh;
  const e = rl + al + bl;
  quickTwoSum(s, e);
}

// 1/n! as double-doubles (hi, lo), signed as the series use them.
const M_INV6_HI: f64 = -0.16666666666666666;
const M_INV6_LO: f64 = -9.25185853854297e-18;
const INV120_HI: f64 = 0.008333333333333333;
const INV120_LO: f64 = 1.1564823173178714e-19;
const INV24_HI: f64 = 0.041666666666666664;
const INV24_LO: f64 = 2.3129646346357427e-18;
const M_INV720_HI: f64 = -0.001388888888888889;
const M_INV720_LO: f64 = 5.300543954373577e-20;

/** sin(r) for |r| <= ~pi/4 + a little, r = hi + lo; result in rh, rl. */
function ddSinPoly(hi: f64, lo: f64): void {
  ddMul(hi, lo, hi, lo);
  const sh = rh, sl = rl;
  // -1/5040 + r^2/9! - ...: at most 5e-5 of the result, double is enough.
  const q = -1.0 / 5040.0 + sh * (1.0 / 362880.0 + sh * (-1.0 / 39916800.0 + sh * (1.0 / 6227020800.0 +
    sh * (-1.0 / 1307674368000.0 + sh * (1.0 / 355687428096000.0 + sh * (-1.0 / 121645100408832000.0 +
    sh * (1.0 / 51090942171709440000.0)))))));
  twoProd(sh, q);
  let ch = rh, cl = rl + sl * q;
  ddAdd(INV120_HI, INV120_LO, ch, cl);
  ddMul(sh, sl, rh, rl);
  ddAdd(M_INV6_HI, M_INV6_LO, rh, rl);
  ch = rh; cl = rl;
  ddMul(sh, sl, ch, cl);
  ddMul(hi, lo, rh, rl);
  ddAdd(hi, lo, rh, rl);
}

/** cos(r) for |r| <= ~pi/4 + a little, r = hi + lo; result in rh, rl. */
function ddCosPoly(hi: f64, lo: f64): void {
  ddMul(hi, lo, hi, lo);
  const sh = rh, sl = rl;
  const q = 1.0 / 40320.0 + sh * (-1.0 / 3628800.0 + sh * (1.0 / 479001600.0 + sh * (-1.0 / 87178291200.0 +
    sh * (1.0 / 20922789888000.0 + sh * (-1.0 / 6402373705728000.0 + sh * (1.0 / 2432902008176640000.0 +
    sh * (-1.0 / 1124000727777607680000.0)))))));
  twoProd(sh, q);
  let ch = rh, cl = rl + sl * q;
  ddAdd(M_INV720_HI, M_INV720_LO, ch, cl);
  ddMul(sh, sl, rh, rl);
  ddAdd(INV24_HI, INV24_LO, rh, rl);
  ddMul(sh, sl, rh, rl);
  ddAdd(-0.5, 0, rh, rl);
  ch = rh; cl = rl;
  ddMul(sh, sl, ch, cl);
  ddAdd(1.0, 0, rh, rl);
}

/** sin(x) (cos when `cosine`) of |x| <= REDUCE_MAX in double-double, in rh, rl. */
function ddSinCos(x: f64, cosine: bool): void {
  const kd = Math.round(x * TWO_OVER_PI);
  // r = x - k*pi/2, exactly enough: each product's error term kept.
  twoProd(kd, PIO2_1);
  const a1 = rh, b1 = rl;
  twoSum(x, -a1);
  const s = rh, sErr = rl;
  twoProd(kd, PIO2_2);
  const a2 = rh, b2 = rl;
  twoSum(s, -a2);
  const h = rh;
  const l = rl + sErr - b1 - b2 - kd * PIO2_3;
  quickTwoSum(h, l);
  const r0 = rh, r1 = rl;
  let n = (<i32>kd) & 3;
  if (cosine) n = (n + 1) & 3;
  if ((n & 1) == 0) ddSinPoly(r0, r1);
  else ddCosPoly(r0, r1);
  if (n >= 2) { rh = -rh; rl = -rl; }
}

// Small arguments first try a cheap evaluation with an error bound (Ziv's
// strategy): f(x) = x + c with |c| < 7e-4 |x| computed in double, so the
// error of c, not above |c| * 2^-50, is a tiny fraction of an ulp; when
// x + c is not that close to a rounding boundary, its rounding is known.
const SMALL: f64 = 0.0625;

/** x + c correctly rounded when decidable (|c| much smaller than |x|), else NaN. */
// @ts-ignore: decorator
@inline function roundedOrNaN(x: f64, c: f64): f64 {
  const s = x + c;
  const err = (x - s) + c;
  const bound = Math.abs(c) * 8.881784197001252e-16; // |c| * 2^-50
  // Half an ulp of s (s a normal double here); at a power of two the
  // doubles below are twice as dense, so half of that.
  const sb = reinterpret<u64>(Math.abs(s));
  let halfUlp = reinterpret<f64>(sb & 0x7FF0000000000000) * 1.1102230246251565e-16;
  if ((sb & 0xFFFFFFFFFFFFF) == 0) halfUlp *= 0.5;
  return Math.abs(err) + bound < halfUlp ? s : NaN;
}

export function crSin(x: f64): f64 {
  if (x == 0 || !(Math.abs(x) <= REDUCE_MAX)) return Math.sin(x);
  if (Math.abs(x) < SMALL && Math.abs(x) > 1e-150) {
    const z = x * x;
    const c = x * z * (-1.0 / 6.0 + z * (1.0 / 120.0 + z * (-1.0 / 5040.0 + z * (1.0 / 362880.0))));
    const r = roundedOrNaN(x, c);
    if (!isNaN(r)) return r;
  }
  ddSinCos(x, false);
  return rh + rl;
}

export function crCos(x: f64): f64 {
  if (!(Math.abs(x) <= REDUCE_MAX)) return Math.cos(x);
  ddSinCos(x, true);
  return rh + rl;
}

export function crAsin(y: f64): f64 {
  if (y == 0 || !(Math.abs(y) <= 1)) return Math.asin(y);
  // The series below is cut after y^11: below 0.01 its remainder is far
  // inside the error bound.
  if (Math.abs(y) < 0.01 && Math.abs(y) > 1e-150) {
    const z = y * y;
    const c = y * z * (1.0 / 6.0 + z * (3.0 / 40.0 + z * (15.0 / 336.0 + z * (105.0 / 3456.0 + z * (945.0 / 42240.0)))));
    const r = roundedOrNaN(y, c);
    if (!isNaN(r)) return r;
  }
  const z0 = Math.asin(y);
  ddSinCos(z0, false);
  const d = ((y - rh) - rl) / Math.cos(z0);
  return z0 + d;
}
