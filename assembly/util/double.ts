// C `double` text conversions exactly as Redis 7.0 on glibc makes them:
//
//   strtodPrefix   glibc's strtod: skips leading space, reads the longest
//                  valid prefix (decimal, hex, inf/infinity, nan), rounds
//                  correctly (ties to even), reports overflow (±inf) and
//                  underflow (ERANGE) as glibc does
//   parseDouble    Redis's string2d (getDoubleFromObject): all the bytes,
//                  no leading space, no NaN, no overflow, no underflow to 0
//   formatDouble   printf("%.17g") of the exact binary value (ties to even),
//                  "inf"/"-inf" as Redis writes them (addReplyDouble)
//
// Fast paths, each exact:
//   parse   Clinger's: at most 15 significant digits times a power of ten of
//           at most 22 is one correctly rounded IEEE operation on exact
//           operands; up to 19 digits over (or times) a power of ten below
//           2^64 is one 64-bit long division, bit by bit, then one rounding
//           (the 17-digit scores Redis writes take this path)
//   format  integers below 1e17 through i64 digits; m / 2^k with k <= 60
//           and integers below 2^64 digit by digit in 64 bits
// Everything else is exact big-integer arithmetic with one final rounding
// (util/bigint.ts, shared with util/ldouble.ts).
//
// Costs: parse O(d) digits plus at most ~120 64-bit steps on the fast
// paths, else O(n) per result bit for n limbs (n <= ~120); format O(1) for
// integers, O(k) on the 64-bit path, else O(m^2/9) for the m decimal digits
// of the exact value (m <= ~770).

import {
  BX, BY, bigNorm, bigSetU64, bigMulAdd, bigShl, bigDivSmall, bigMulPow10, roundRatio,
  rMant, rExp, R_OK, R_OVERFLOW, R_UNDERFLOW,
} from "./bigint";
import { lower, isDigit, hexVal, matchWord, parseExponent, expVal } from "./ctext";

const DBL_PREC: i32 = 53;
const EXP_MAX: i32 = 1023;   // largest exponent of a normal double's top bit
const EXP_MIN: i32 = -1022;  // smallest exponent of a normal double's top bit
const DENORM_EXP: i32 = -1074; // exponent of a subnormal's mantissa LSB

// A decimal halfway point between two doubles has at most 767 significant
// digits; keeping 800 and folding the rest into a sticky digit rounds the
// same as the full input, however long it is.
const MAX_SIG_DIGITS: i32 = 800;

// ---- parsing ----------------------------------------------------------------------

/** The value read by the last strtodPrefix / parseDouble. */
export let dblValue: f64 = 0;
/** strtod's errno == ERANGE: the value overflowed (±inf) or underflowed (tiny or 0). */
export let dblRange: bool = false;

// @ts-ignore: decorator
@inline function isSpace(b: u8): bool { return b == 32 || (b >= 9 && b <= 13); }

/** Exact powers of ten for Clinger's fast path. */
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

const U64_MAX: u64 = 0xFFFFFFFFFFFFFFFF;
const POW10_U64: StaticArray<u64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000,
];

/**
 * x / y rounded to the nearest double (ties to even), for 0 < x, y < 2^64:
 * the quotient's bits come one at a time from a 64-bit long division, so
 * the result is exact before its single rounding. Never subnormal nor
 * infinite (2^-64 < x / y < 2^64).
 */
function ratioToDouble(x: u64, y: u64, neg: bool): f64 {
  let q = x / y;
  let r = x % y;
  let mant: u64;
  let exp: i32; // value = mant * 2^exp before rounding
  let half = false;
  let sticky = false;
  if (q != 0) {
    const nb = 64 - <i32>clz(q);
    if (nb > DBL_PREC) {
      const drop = nb - DBL_PREC;
      mant = q >> <u64>drop;
      half = ((q >> <u64>(drop - 1)) & 1) != 0;
      sticky = (q & ((<u64>1 << <u64>(drop - 1)) - 1)) != 0 || r != 0;
      exp = drop;
    } else {
      mant = q;
      exp = 0;
      // More bits from the fraction: r / y, one at a time.
      for (let i = nb; i < DBL_PREC; i++) {
        const carry = r >> 63;
        r <<= 1;
        mant <<= 1;
        if (carry != 0 || r >= y) { r -= y; mant |= 1; }
        exp--;
      }
      const carry = r >> 63;
      r <<= 1;
      if (carry != 0 || r >= y) { r -= y; half = true; }
      sticky = r != 0;
    }
  } else {
    // Below 1: skip the fraction's leading zeros, then take 53 bits.
    mant = 0;
    exp = 0;
    let bits = 0;
    while (bits < DBL_PREC) {
      const carry = r >> 63;
      r <<= 1;
      exp--;
      const one = carry != 0 || r >= y;
      if (one) r -= y;
      if (mant != 0 || one) {
        mant = (mant << 1) | (one ? 1 : 0);
        bits++;
      }
    }
    const carry = r >> 63;
    r <<= 1;
    if (carry != 0 || r >= y) { r -= y; half = true; }
    sticky = r != 0;
  }
  if (half && (sticky || (mant & 1) != 0)) {
    mant++;
    if (mant == (<u64>1 << <u64>DBL_PREC)) { mant >>= 1; exp++; }
  }
  const v = makeDouble(mant, exp);
  return neg ? -v : v;
}

/** The double mant * 2^exp, exactly representable by construction. */
function makeDouble(mant: u64, exp: i32): f64 {
  if (mant == 0) return 0;
  const nb = 64 - <i32>clz(mant);
  const top = exp + nb - 1;
  if (top >= EXP_MIN) {
    // Normal: bring the mantissa to 53 bits (no bits are lost by construction).
    const m = nb > DBL_PREC ? mant >> <u64>(nb - DBL_PREC) : mant << <u64>(DBL_PREC - nb);
    return reinterpret<f64>((<u64>(top + 1023) << 52) | (m & 0xFFFFFFFFFFFFF));
  }
  return reinterpret<f64>(mant << <u64>(exp - DENORM_EXP));
}

/** Sets dblValue from a rounding result; false leaves it to the caller. */
function finishRound(r: i32, neg: bool): void {
  if (r == R_OK) {
    dblValue = makeDouble(rMant, rExp);
    // glibc reports ERANGE for a result below the normal range.
    dblRange = rMant != 0 && rExp + (64 - <i32>clz(rMant)) - 1 < EXP_MIN;
  } else if (r == R_OVERFLOW) {
    dblValue = Infinity;
    dblRange = true;
  } else {
    dblValue = 0;
    dblRange = true;
  }
  if (neg) dblValue = -dblValue;
}

/**
 * glibc's strtod over `len` bytes (the caller cuts C strings at their NUL):
 * returns how many bytes form the number, 0 if none does (then dblValue is
 * 0). Sets dblValue (NaN for "nan") and dblRange.
 */
export function strtodPrefix(ptr: usize, len: usize): usize {
  dblValue = 0;
  dblRange = false;
  let i: usize = 0;
  while (i < len && isSpace(load<u8>(ptr + i))) i++;
  let neg = false;
  if (i < len && (load<u8>(ptr + i) == 43 || load<u8>(ptr + i) == 45)) { neg = load<u8>(ptr + i) == 45; i++; }
  if (matchWord(ptr, len, i, "inf")) {
    i += 3;
    if (matchWord(ptr, len, i, "inity")) i += 5;
    dblValue = neg ? -Infinity : Infinity;
    return i;
  }
  if (matchWord(ptr, len, i, "nan")) {
    i += 3;
    // An optional "(n-char-sequence)" belongs to the NaN only when closed.
    if (i < len && load<u8>(ptr + i) == 40) {
      let j = i + 1;
      while (j < len) {
        const b = load<u8>(ptr + j);
        if (!(isDigit(b) || (lower(b) >= 97 && lower(b) <= 122) || b == 95)) break;
        j++;
      }
      if (j < len && load<u8>(ptr + j) == 41) i = j + 1;
    }
    dblValue = NaN;
    return i;
  }
  if (i + 1 < len && load<u8>(ptr + i) == 48 && lower(load<u8>(ptr + i + 1)) == 120) {
    const end = parseHex(ptr, len, i + 2, neg);
    if (end != 0) return end;
    // "0x" without a hex digit: the number is the "0".
    dblValue = neg ? -0.0 : 0.0;
    return i + 1;
  }
  return parseDecimal(ptr, len, i, neg);
}

// Hex digits kept exactly: 15 of them are 60 bits, more than a double's 53
// plus the two that decide rounding; later nonzero digits only set a
// sticky bit below them.
const HEX_KEEP: i32 = 15;

/** Hex mantissa at `start` (after "0x"); returns the end, 0 if no hex digit. */
function parseHex(p: usize, len: usize, start: usize, neg: bool): usize {
  let i = start;
  let mant: u64 = 0;
  let kept: i32 = 0;       // significant hex digits in mant
  let fracShift: i32 = 0;  // hex digits after the point that mant's scale includes
  let intDropped: i32 = 0; // digits before the point that did not fit in mant
  let sticky = false;
  let any = false;
  let dot = false;
  while (i < len) {
    const b = load<u8>(p + i);
    if (b == 46 && !dot) { dot = true; i++; continue; }
    const v = hexVal(b);
    if (v < 0) break;
    any = true;
    if (kept == 0 && v == 0) {
      if (dot) fracShift++;
    } else if (kept < HEX_KEEP) {
      mant = (mant << 4) | <u64>v;
      kept++;
      if (dot) fracShift++;
    } else {
      if (v != 0) sticky = true;
      if (!dot) intDropped++;
    }
    i++;
  }
  if (!any) return 0;
  let pexp: i32 = 0;
  if (i < len && lower(load<u8>(p + i)) == 112) {
    const e = parseExponent(p, len, i + 1);
    if (e != i + 1) { pexp = expVal; i = e; }
  }
  if (mant == 0) { dblValue = neg ? -0.0 : 0.0; return i; }
  let b2 = pexp + 4 * intDropped - 4 * fracShift;
  if (sticky) { mant = (mant << 1) | 1; b2--; }
  const top = (64 - <i32>clz(mant)) - 1 + b2;
  if (top > EXP_MAX + 1) { finishRound(R_OVERFLOW, neg); return i; }
  if (top < DENORM_EXP - 2) { finishRound(R_UNDERFLOW, neg); return i; }
  const xn = bigSetU64(BX, mant);
  const yn = bigSetU64(BY, 1);
  finishRound(roundRatio(xn, yn, b2, DBL_PREC, EXP_MAX, EXP_MIN), neg);
  return i;
}

function parseDecimal(p: usize, len: usize, start: usize, neg: bool): usize {
  // First pass: count digits, find the point and the exponent.
  let i = start;
  let any = false;
  let dot = false;
  let nd: i32 = 0;        // significant digits (from the first nonzero one)
  let fracTotal: i32 = 0; // every digit after the point
  let mant: u64 = 0;      // the first 19 significant digits
  while (i < len) {
    const b = load<u8>(p + i);
    if (b == 46 && !dot) { dot = true; i++; continue; }
    if (!isDigit(b)) break;
    any = true;
    const d = <u64>(b - 48);
    if (nd > 0 || d != 0) {
      if (nd < 19) mant = mant * 10 + d;
      nd++;
    }
    if (dot) fracTotal++;
    i++;
  }
  if (!any) return 0;
  const digitsEnd = i;
  let e10: i32 = 0;
  if (i < len && lower(load<u8>(p + i)) == 101) {
    const e = parseExponent(p, len, i + 1);
    if (e != i + 1) { e10 = expVal; i = e; }
  }
  if (nd == 0) { dblValue = neg ? -0.0 : 0.0; return i; }
  // value = (the nd significant digits as an integer) * 10^scale
  const scale = e10 - fracTotal;
  // Clinger: exact operands, one correctly rounded operation.
  if (nd <= 15 && scale >= -22 && scale <= 22) {
    let v = <f64>mant;
    v = scale >= 0 ? v * POW10[scale] : v / POW10[-scale];
    dblValue = neg ? -v : v;
    return i;
  }
  // Up to 19 digits over a power of ten that fits 64 bits: one exact
  // 64-bit long division (the common case of 16-17 digit scores).
  if (nd <= 19 && scale < 0 && scale >= -19) {
    dblValue = ratioToDouble(mant, POW10_U64[-scale], neg);
    return i;
  }
  if (nd <= 19 && scale >= 0 && scale <= 19 && mant <= U64_MAX / POW10_U64[scale]) {
    dblValue = ratioToDouble(mant * POW10_U64[scale], 1, neg);
    return i;
  }
  // The decimal magnitude: 10^(mag-1) <= value < 10^mag.
  const mag = <i64>nd + <i64>scale;
  if (mag > 310) { finishRound(R_OVERFLOW, neg); return i; }
  if (mag < -324) { finishRound(R_UNDERFLOW, neg); return i; }
  // Second pass: the significant digits into BX (at most MAX_SIG_DIGITS,
  // then one sticky digit standing for any nonzero rest).
  let xn = 0;
  let taken: i32 = 0;
  let sticky = false;
  for (let j = start; j < digitsEnd; j++) {
    const b = load<u8>(p + j);
    if (b == 46) continue;
    const d = <u32>(b - 48);
    if (xn == 0 && d == 0) continue;
    if (taken < MAX_SIG_DIGITS) {
      xn = bigMulAdd(BX, xn, 10, d);
      taken++;
    } else if (d != 0) {
      sticky = true;
      break;
    }
  }
  let e = scale + (nd - taken); // dropped digits scale the kept ones up
  if (sticky) {
    xn = bigMulAdd(BX, xn, 10, 1);
    e--;
  }
  let yn = bigSetU64(BY, 1);
  if (e >= 0) xn = bigMulPow10(BX, xn, e);
  else yn = bigMulPow10(BY, yn, -e);
  finishRound(roundRatio(xn, yn, 0, DBL_PREC, EXP_MAX, EXP_MIN), neg);
  return i;
}

/**
 * Redis's string2d, the parser of getDoubleFromObject (ZADD scores, ZINCRBY,
 * WEIGHTS): every byte must be part of the number, no leading space, no
 * NaN, no overflow to ±inf nor underflow to zero ("inf" itself is fine).
 */
export function parseDouble(ptr: usize, len: usize): bool {
  if (len == 0 || isSpace(load<u8>(ptr))) return false;
  const n = strtodPrefix(ptr, len);
  if (n != len) return false;
  if (isNaN(dblValue)) return false;
  if (dblRange && (dblValue == 0 || !isFinite(dblValue))) return false;
  return true;
}

// ---- formatting -------------------------------------------------------------------

/** Longest formatDouble output: "-2.2250738585072014e-308" is 24 bytes. */
export const DOUBLE_FMT_MAX: usize = 32;

const DIGITS_MAX: i32 = 800;
const DIG = memory.data(DIGITS_MAX); // most significant first

/** The decimal digit values (0-9, not ASCII) of `v` at `dst`, most significant first; returns how many. */
function putU64Digits(dst: usize, v: u64): usize {
  let n: usize = 1;
  let t = v;
  while (t >= 10) { t /= 10; n++; }
  let q = dst + n;
  do {
    store<u8>(--q, <u8>(v % 10));
    v /= 10;
  } while (v != 0);
  return n;
}

/** Writes `v` (|v| < 2^63, integral) as decimal; returns the length. */
function formatIntegral(dst: usize, v: f64): usize {
  let o = dst;
  let u: u64;
  if (v < 0) { store<u8>(o++, 45); u = <u64>(-v); } else u = <u64>v;
  let n: usize = 1;
  let t = u;
  while (t >= 10) { t /= 10; n++; }
  let q = o + n;
  do {
    store<u8>(--q, <u8>(48 + u % 10));
    u /= 10;
  } while (u != 0);
  return o + n - dst;
}

/**
 * printf("%.17g", v) as glibc prints it; "inf"/"-inf" for infinities (what
 * Redis writes itself). NaN never reaches here. Returns the length.
 */
export function formatDouble(dst: usize, v: f64): usize {
  if (!isFinite(v)) {
    if (v > 0) { store<u8>(dst, 105); store<u8>(dst + 1, 110); store<u8>(dst + 2, 102); return 3; }
    store<u8>(dst, 45); store<u8>(dst + 1, 105); store<u8>(dst + 2, 110); store<u8>(dst + 3, 102); return 4;
  }
  // Integers below 10^17 print all their digits and nothing else.
  if (v == Math.floor(v) && v > -1e17 && v < 1e17) {
    if (v == 0) {
      if ((reinterpret<u64>(v) >> 63) != 0) { store<u8>(dst, 45); store<u8>(dst + 1, 48); return 2; }
      store<u8>(dst, 48);
      return 1;
    }
    return formatIntegral(dst, v);
  }
  const bits = reinterpret<u64>(v);
  const neg = (bits >> 63) != 0;
  const be = <i32>((bits >> 52) & 0x7FF);
  let mant = bits & 0xFFFFFFFFFFFFF;
  let exp: i32;
  if (be == 0) exp = DENORM_EXP; else { mant |= 1 << 52; exp = be - 1075; }
  // The exact decimal digits of mant * 2^exp (most significant first in
  // DIG), and the power of ten of the last one: value = digits * 10^-pointShift.
  const tmp = DIG;
  let nd: i32 = 0;
  let pointShift: i32 = 0;
  if (exp < 0 && exp >= -60) {
    // m / 2^k with k <= 60: the integer part's digits, then the fraction's
    // k digits, each exactly (f * 10 stays below 2^64).
    const k = <u64>(-exp);
    const mask = (<u64>1 << k) - 1;
    nd = <i32>putU64Digits(tmp, mant >> k);
    if (nd == 1 && load<u8>(tmp) == 0) nd = 0;
    let f = mant & mask;
    for (let i: u64 = 0; i < k; i++) {
      f *= 10;
      store<u8>(tmp + nd++, <u8>(f >> k));
      f &= mask;
    }
    pointShift = <i32>k;
    // Leading zeros of a value below 1 are not digits of N.
    let lead = 0;
    while (lead < nd - 1 && load<u8>(tmp + lead) == 0) lead++;
    if (lead > 0) {
      memory.copy(tmp, tmp + lead, <usize>(nd - lead));
      nd -= lead;
    }
  } else if (exp >= 0 && exp <= 11) {
    // An integer below 2^64.
    nd = <i32>putU64Digits(tmp, mant << <u64>exp);
  } else {
    let n = bigSetU64(BX, mant);
    if (exp >= 0) {
      n = bigShl(BX, BX, n, exp);
    } else {
      // mant * 2^-k = mant * 5^k / 10^k
      const k = -exp;
      let left = k;
      while (left >= 13) { n = bigMulAdd(BX, n, 1220703125, 0); left -= 13; } // 5^13
      let m: u32 = 1;
      while (left > 0) { m *= 5; left--; }
      if (m != 1) n = bigMulAdd(BX, n, m, 0);
      pointShift = k;
    }
    // Digits, least significant first, then reversed.
    while (n > 0) {
      let r = bigDivSmall(BX, n, 1000000000);
      n = bigNorm(BX, n);
      for (let j = 0; j < 9; j++) {
        store<u8>(tmp + nd++, <u8>(r % 10));
        r /= 10;
        if (n == 0 && r == 0) break;
      }
    }
    for (let a = 0, b = nd - 1; a < b; a++, b--) {
      const t = load<u8>(tmp + a);
      store<u8>(tmp + a, load<u8>(tmp + b));
      store<u8>(tmp + b, t);
    }
  }
  // Decimal exponent of the first digit.
  let x = nd - 1 - pointShift;
  // Round to 17 significant digits, ties to even on the exact rest.
  const P = 17;
  if (nd > P) {
    const next = load<u8>(tmp + P);
    let up = false;
    if (next > 5) up = true;
    else if (next == 5) {
      let rest = false;
      for (let j = P + 1; j < nd; j++) if (load<u8>(tmp + j) != 0) { rest = true; break; }
      up = rest || (load<u8>(tmp + P - 1) & 1) != 0;
    }
    nd = P;
    if (up) {
      let j = P - 1;
      while (j >= 0) {
        const d = load<u8>(tmp + j) + 1;
        if (d < 10) { store<u8>(tmp + j, d); break; }
        store<u8>(tmp + j, 0);
        j--;
      }
      if (j < 0) {
        // 99..9 rounded to 100..0: one more digit before the point.
        store<u8>(tmp, 1);
        x++;
      }
    }
  }
  // Trailing zeros never print with %g.
  while (nd > 1 && load<u8>(tmp + nd - 1) == 0) nd--;
  let o = dst;
  if (neg) store<u8>(o++, 45);
  if (x >= -4 && x < P) {
    if (x < 0) {
      store<u8>(o++, 48);
      store<u8>(o++, 46);
      for (let j = 0; j < -x - 1; j++) store<u8>(o++, 48);
      for (let j = 0; j < nd; j++) store<u8>(o++, 48 + load<u8>(tmp + j));
    } else {
      for (let j = 0; j <= x; j++) store<u8>(o++, 48 + (j < nd ? load<u8>(tmp + j) : 0));
      if (nd > x + 1) {
        store<u8>(o++, 46);
        for (let j = x + 1; j < nd; j++) store<u8>(o++, 48 + load<u8>(tmp + j));
      }
    }
  } else {
    store<u8>(o++, 48 + load<u8>(tmp));
    if (nd > 1) {
      store<u8>(o++, 46);
      for (let j = 1; j < nd; j++) store<u8>(o++, 48 + load<u8>(tmp + j));
    }
    store<u8>(o++, 101);
    let ex = x;
    if (ex < 0) { store<u8>(o++, 45); ex = -ex; } else store<u8>(o++, 43);
    if (ex >= 100) { store<u8>(o++, <u8>(48 + ex / 100)); ex %= 100; store<u8>(o++, <u8>(48 + ex / 10)); }
    else store<u8>(o++, <u8>(48 + ex / 10));
    store<u8>(o++, <u8>(48 + ex % 10));
  }
  return o - dst;
}
