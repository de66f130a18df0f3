// C `long double` as Redis 7.0 on x86-64 computes it: the x87 80-bit extended
// format (64-bit mantissa with an explicit integer bit, exponents -16382 to
// 16383, subnormals down to 2^-16445), round-to-nearest-even. INCRBYFLOAT and
// HINCRBYFLOAT parse with glibc's strtold, add, and print with "%.17Lf"; the
// digits a client sees depend on all three, so each is emulated exactly here:
//
//   ldParse   strtold as Redis's string2ld accepts it (decimal, hex, inf)
//   ldFromI64 the exact conversion of an int-encoded value
//   ldAdd     one x87 FADD
//   ldFormatHuman  "%.17Lf" with trailing zeros (and the dot) removed
//
// Every step is exact big-integer arithmetic followed by one rounding, which
// is what glibc and the FPU do. Values are (sign, mantissa, exponent) with
// value = mant * 2^exp; mant == 0 is a zero, `inf` flags an infinity.
// Big integers live in static limb buffers (util/bigint.ts): no managed
// allocation.
//
// Costs: parse and add are O(n) per quotient bit for 65 bits (n = operand
// limbs, usually 1-3); formatting is O(d^2 / 9) for d output digits.

import {
  BX, BY, BT, limb, setLimb, bigNorm, bigSetU64, bigMulAdd, bigBitLen, bigShl, bigCmp, bigSub, bigAdd,
  bigTestBit, bigAnyBelow, bigDivSmall, bigMulPow10, roundRatio, rMant, rExp, R_OK, R_OVERFLOW, R_UNDERFLOW,
} from "./bigint";
import { lower, isDigit, hexVal, matchWord, parseExponent, expVal } from "./ctext";

// ---- results ------------------------------------------------------------------

/** The value produced by the last ldParse / ldFromI64 / ldAdd. */
export let ldNeg: bool = false;
export let ldMant: u64 = 0;
export let ldExp: i32 = 0;
export let ldInf: bool = false;
export let ldNan: bool = false;

const EXP_MAX: i32 = 16383;   // largest unbiased exponent of the top bit
const EXP_MIN: i32 = -16382;  // smallest exponent of a normal number's top bit
const DENORM_EXP: i32 = -16445; // exponent of a subnormal's mantissa LSB

// Redis's MAX_LONG_DOUBLE_CHARS: longer arguments are rejected outright.
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

// Big integers and the final rounding live in util/bigint.ts (shared with
// util/double.ts); this file fixes the format: 64 mantissa bits, exponents
// EXP_MIN..EXP_MAX.

/** Rounds X / Y * 2^b2 to an extended value; sets ldMant/ldExp (not the sign). */
function roundRatioLd(xn: i32, yn: i32, b2: i32): i32 {
  const r = roundRatio(xn, yn, b2, 64, EXP_MAX, EXP_MIN);
  if (r == R_OK) { ldMant = rMant; ldExp = rExp; }
  return r;
}

// ---- parsing (strtold as string2ld uses it) ------------------------------------------

/**
 * Parses a long double the way Redis's string2ld does (strtold over all the
 * bytes, no leading space, no NaN, no overflow, no underflow to zero). Returns false if Redis would reject it.
 */
export function ldParse(ptr: usize, slen: usize): bool {
  if (slen == 0 || slen >= MAX_LONG_DOUBLE_CHARS) return false;
  // strtold must consume every byte (string2ld checks eptr - buf == slen),
  // so an embedded NUL, which would end strtold's C string, is a rejection.
  const len = slen;
  ldNeg = false; ldMant = 0; ldExp = 0; ldInf = false; ldNan = false;
  const first = load<u8>(ptr);
  if (first == 32 || (first >= 9 && first <= 13)) return false;
  let i: usize = 0;
  if (first == 43 || first == 45) { ldNeg = first == 45; i++; }
  if (matchWord(ptr, len, i, "inf")) {
    i += 3;
    if (matchWord(ptr, len, i, "inity")) i += 5;
    ldInf = true;
    return i == len;
  }
  if (matchWord(ptr, len, i, "nan")) return false;
  if (i + 1 < len && load<u8>(ptr + i) == 48 && lower(load<u8>(ptr + i + 1)) == 120) {
    const r = parseHex(ptr, len, i + 2);
    if (r != 0) return r > 0;
    // "0x" with no hex digit: strtold reads the "0" and stops at 'x'.
    return false;
  }
  return parseDecimal(ptr, len, i);
}

/** 1 accepted, -1 rejected, 0 no hex digits. */
function parseHex(p: usize, len: usize, start: usize): i32 {
  let i = start;
  let xn = 0;
  let fracDigits: i32 = 0;
  let any = false;
  let dot = false;
  while (i < len) {
    const b = load<u8>(p + i);
    if (b == 46 && !dot) { dot = true; i++; continue; }
    const v = hexVal(b);
    if (v < 0) break;
    any = true;
    if (xn > 0 || v != 0) xn = bigMulAdd(BX, xn, 16, <u32>v);
    if (dot) fracDigits++;
    i++;
  }
  if (!any) return 0;
  let pexp: i32 = 0;
  if (i < len && lower(load<u8>(p + i)) == 112) {
    const e = parseExponent(p, len, i + 1);
    if (e == i + 1) return -1; // 'p' not followed by an exponent: strtold stops there
    pexp = expVal;
    i = e;
  }
  if (i != len) return -1;
  if (xn == 0) return 1;
  const b2 = pexp - fracDigits * 4;
  // Far outside the range: decide without building huge numbers.
  const top = bigBitLen(BX, xn) - 1 + b2;
  if (top > EXP_MAX + 1) return -1;
  if (top < DENORM_EXP - 2) return -1;
  const yn = bigSetU64(BY, 1);
  return roundRatioLd(xn, yn, b2) == R_OK ? 1 : -1;
}

function parseDecimal(p: usize, len: usize, start: usize): bool {
  let i = start;
  let xn = 0;
  let nd: i32 = 0;       // significant digits taken into X
  let fracTaken: i32 = 0; // of which after the dot
  let any = false;
  let dot = false;
  while (i < len) {
    const b = load<u8>(p + i);
    if (b == 46 && !dot) { dot = true; i++; continue; }
    if (!isDigit(b)) break;
    any = true;
    const d = <u32>(b - 48);
    if (nd > 0 || d != 0) {
      xn = bigMulAdd(BX, xn, 10, d);
      nd++;
    }
    if (dot) fracTaken++;
    i++;
  }
  if (!any) return false;
  let e10: i32 = 0;
  if (i < len && lower(load<u8>(p + i)) == 101) {
    const e = parseExponent(p, len, i + 1);
    if (e != i + 1) { e10 = expVal; i = e; }
  }
  if (i != len) return false;
  xn = bigNorm(BX, xn);
  if (xn == 0) return true; // an exact zero, no ERANGE
  const e = e10 - fracTaken; // value = X * 10^e
  const mag = nd + e;        // 10^(mag-1) <= value < 10^mag
  if (mag > 4934) return false;  // above LDBL_MAX (1.19e4932)
  if (mag < -4952) return false; // below half the smallest subnormal (3.6e-4951)
  let yn = bigSetU64(BY, 1);
  if (e >= 0) xn = bigMulPow10(BX, xn, e);
  else yn = bigMulPow10(BY, yn, -e);
  return roundRatioLd(xn, yn, 0) == R_OK;
}

/** The exact long double of an int-encoded value. */
export function ldFromI64(v: i64): void {
  ldInf = false; ldNan = false;
  ldNeg = v < 0;
  const u: u64 = v < 0 ? <u64>(-(v + 1)) + 1 : <u64>v;
  if (u == 0) { ldMant = 0; ldExp = 0; return; }
  const shift = <i32>clz(u);
  ldMant = u << <u64>shift;
  ldExp = -shift;
}

// ---- addition -------------------------------------------------------------------------

/**
 * One x87 addition: (aNeg, aMant, aExp, aInf) + the current ld* value, the
 * result left in ld*. ldNan is set for inf + -inf.
 */
export function ldAdd(aNeg: bool, aMant: u64, aExp: i32, aInf: bool): void {
  const bNeg = ldNeg, bMant = ldMant, bExp = ldExp, bInf = ldInf;
  ldNan = false;
  if (aInf || bInf) {
    if (aInf && bInf && aNeg != bNeg) { ldNan = true; ldInf = false; return; }
    ldInf = true;
    ldNeg = aInf ? aNeg : bNeg;
    return;
  }
  ldInf = false;
  if (aMant == 0 && bMant == 0) {
    // Round-to-nearest: the sum of zeros is -0 only when both are -0.
    ldNeg = aNeg && bNeg; ldMant = 0; ldExp = 0;
    return;
  }
  if (aMant == 0) return; // b unchanged
  if (bMant == 0) { ldNeg = aNeg; ldMant = aMant; ldExp = aExp; return; }
  // Exact sum as an integer times 2^min(exp), then one rounding.
  let hiNeg = aNeg, hiMant = aMant, hiExp = aExp;
  let loNeg = bNeg, loMant = bMant, loExp = bExp;
  if (aExp < bExp) {
    hiNeg = bNeg; hiMant = bMant; hiExp = bExp;
    loNeg = aNeg; loMant = aMant; loExp = aExp;
  }
  let xn = bigSetU64(BX, hiMant);
  xn = bigShl(BX, BX, xn, hiExp - loExp);
  const tn = bigSetU64(BT, loMant);
  let neg = hiNeg;
  if (hiNeg == loNeg) {
    xn = bigAdd(BX, xn, BT, tn);
  } else {
    const c = bigCmp(BX, xn, BT, tn);
    if (c == 0) { ldNeg = false; ldMant = 0; ldExp = 0; return; }
    if (c > 0) {
      xn = bigSub(BX, xn, BT, tn);
    } else {
      // |lo| > |hi|: compute lo - hi in BT, then move it to BX.
      const n = bigSub(BT, tn, BX, xn);
      memory.copy(BX, BT, <usize>n << 2);
      xn = n;
      neg = loNeg;
    }
  }
  const yn = bigSetU64(BY, 1);
  const r = roundRatioLd(xn, yn, loExp);
  ldNeg = neg;
  if (r == R_OVERFLOW) { ldInf = true; return; }
  if (r == R_UNDERFLOW) { ldMant = 0; ldExp = 0; }
}

// ---- formatting -----------------------------------------------------------------------

const FMT_MAX: i32 = 5200;
const FMT_DIGITS = memory.data(FMT_MAX);

/**
 * Writes the current finite ld* value as Redis's LD_STR_HUMAN does:
 * printf("%.17Lf") (exact value, ties to even), trailing zeros and a
 * trailing dot removed, "-0" written as "0". Returns the length.
 */
export function ldFormatHuman(dst: usize): usize {
  // N = round(value * 10^17) as an integer.
  let n = bigSetU64(BX, ldMant);
  n = bigMulPow10(BX, n, 17);
  if (ldExp >= 0) {
    n = bigShl(BX, BX, n, ldExp);
  } else {
    const sh = -ldExp;
    const half = bigTestBit(BX, n, sh - 1);
    const sticky = sh >= 2 && bigAnyBelow(BX, n, sh - 1);
    // Shift right by sh: copy limbs down, then the bit remainder.
    const w = sh >> 5, b = sh & 31;
    let m = n - w;
    if (m <= 0) {
      m = 0;
    } else {
      for (let i = 0; i < m; i++) {
        const lo = limb(BX, i + w);
        const hi: u32 = i + w + 1 < n ? limb(BX, i + w + 1) : 0;
        setLimb(BX, i, b == 0 ? lo : (lo >> b) | (hi << (32 - b)));
      }
      m = bigNorm(BX, m);
    }
    n = m;
    const odd = n > 0 && (limb(BX, 0) & 1) != 0;
    if (half && (sticky || odd)) n = bigAdd(BX, n, BY, bigSetU64(BY, 1));
  }
  // Decimal digits, least significant first.
  let nd: i32 = 0;
  while (n > 0) {
    let r = bigDivSmall(BX, n, 1000000000);
    n = bigNorm(BX, n);
    for (let k = 0; k < 9; k++) {
      store<u8>(FMT_DIGITS + nd++, <u8>(48 + r % 10));
      r /= 10;
      if (n == 0 && r == 0) break;
    }
  }
  while (nd < 18) store<u8>(FMT_DIGITS + nd++, 48); // at least "0." + 17
  let o = dst;
  if (ldNeg) store<u8>(o++, 45);
  for (let i = nd - 1; i >= 17; i--) store<u8>(o++, load<u8>(FMT_DIGITS + i));
  // Fraction without its trailing zeros.
  let last = 0;
  while (last < 17 && load<u8>(FMT_DIGITS + last) == 48) last++;
  if (last < 17) {
    store<u8>(o++, 46);
    for (let i = 16; i >= last; i--) store<u8>(o++, load<u8>(FMT_DIGITS + i));
  }
  let len = o - dst;
  if (len == 2 && load<u8>(dst) == 45 && load<u8>(dst + 1) == 48) {
    store<u8>(dst, 48);
    len = 1;
  }
  return len;
}

/** Largest output of ldFormatHuman (LDBL_MAX has 4933 integer digits). */
export const LD_FORMAT_MAX: usize = 5000;
