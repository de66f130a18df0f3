// Exact big-integer arithmetic for number parsing and printing, shared by
// util/ldouble.ts (x87 long double) and util/double.ts (IEEE double): each
// conversion there is exact arithmetic on integers followed by one rounding,
// which is what glibc's strtod/strtold and printf do.
//
// Numbers are little-endian u32 limbs in three static buffers (BX, BY, BT):
// no managed allocation. The buffers are sized for the largest operands
// either caller builds (a 5119-digit long double argument divided by
// 10^10071 is about 33,500 bits).
//
// roundRatio rounds X / Y * 2^b2 to a binary floating-point format given by
// its precision and exponent range, ties to even, including subnormals.
// Costs: multiply/add/shift O(n) in limbs; roundRatio O(n) per quotient bit.

export const LIMBS: i32 = 1152;
const BIG_BYTES: i32 = LIMBS * 4;
export const BX = memory.data(BIG_BYTES);
export const BY = memory.data(BIG_BYTES);
export const BT = memory.data(BIG_BYTES);

// @ts-ignore: decorator
@inline export function limb(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function setLimb(p: usize, i: i32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }

export function bigNorm(p: usize, n: i32): i32 {
  while (n > 0 && limb(p, n - 1) == 0) n--;
  return n;
}

export function bigSetU64(p: usize, v: u64): i32 {
  setLimb(p, 0, <u32>v);
  setLimb(p, 1, <u32>(v >> 32));
  return bigNorm(p, 2);
}

/** p = p * m + add; returns the new length. */
export function bigMulAdd(p: usize, n: i32, m: u32, add: u32): i32 {
  let carry: u64 = add;
  for (let i = 0; i < n; i++) {
    const v = <u64>limb(p, i) * <u64>m + carry;
    setLimb(p, i, <u32>v);
    carry = v >> 32;
  }
  if (carry != 0) { setLimb(p, n, <u32>carry); n++; }
  return n;
}

export function bigBitLen(p: usize, n: i32): i32 {
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <i32>clz(limb(p, n - 1)));
}

/** dst = src << bits (dst may be src); returns the new length. */
export function bigShl(dst: usize, src: usize, n: i32, bits: i32): i32 {
  if (n == 0) return 0;
  const w = bits >> 5;
  const b = bits & 31;
  const out = n + w + 1;
  assert(out <= LIMBS);
  for (let i = n; i >= 0; i--) {
    const hi: u32 = i < n ? limb(src, i) : 0;
    const lo: u32 = i > 0 ? limb(src, i - 1) : 0;
    setLimb(dst, i + w, b == 0 ? hi : (hi << b) | (lo >> (32 - b)));
  }
  for (let i = 0; i < w; i++) setLimb(dst, i, 0);
  return bigNorm(dst, out);
}

/** p >>= 1 in place. */
export function bigShr1(p: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const next: u32 = i + 1 < n ? limb(p, i + 1) : 0;
    setLimb(p, i, (limb(p, i) >> 1) | (next << 31));
  }
  return bigNorm(p, n);
}

export function bigCmp(a: usize, an: i32, b: usize, bn: i32): i32 {
  if (an != bn) return an > bn ? 1 : -1;
  for (let i = an - 1; i >= 0; i--) {
    const x = limb(a, i), y = limb(b, i);
    if (x != y) return x > y ? 1 : -1;
  }
  return 0;
}

/** a -= b (a >= b); returns the new length. */
export function bigSub(a: usize, an: i32, b: usize, bn: i32): i32 {
  let borrow: i64 = 0;
  for (let i = 0; i < an; i++) {
    let v = <i64>limb(a, i) - borrow - (i < bn ? <i64>limb(b, i) : 0);
    borrow = v < 0 ? 1 : 0;
    if (v < 0) v += 0x100000000;
    setLimb(a, i, <u32>v);
  }
  return bigNorm(a, an);
}

/** a += b; returns the new length. */
export function bigAdd(a: usize, an: i32, b: usize, bn: i32): i32 {
  const n = an > bn ? an : bn;
  let carry: u64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <u64>(i < an ? limb(a, i) : 0) + <u64>(i < bn ? limb(b, i) : 0) + carry;
    setLimb(a, i, <u32>v);
    carry = v >> 32;
  }
  if (carry != 0) { setLimb(a, n, 1); return n + 1; }
  return n;
}

export function bigTestBit(p: usize, n: i32, bit: i32): bool {
  const w = bit >> 5;
  if (w >= n) return false;
  return ((limb(p, w) >> (bit & 31)) & 1) != 0;
}

/** True if any bit below `bit` is set. */
export function bigAnyBelow(p: usize, n: i32, bit: i32): bool {
  const w = bit >> 5;
  for (let i = 0; i < w && i < n; i++) if (limb(p, i) != 0) return true;
  if (w < n && (bit & 31) != 0 && (limb(p, w) & ((1 << (bit & 31)) - 1)) != 0) return true;
  return false;
}

/** p /= d in place; returns the remainder. */
export function bigDivSmall(p: usize, n: i32, d: u32): u32 {
  let rem: u64 = 0;
  for (let i = n - 1; i >= 0; i--) {
    const cur = (rem << 32) | <u64>limb(p, i);
    setLimb(p, i, <u32>(cur / d));
    rem = cur % d;
  }
  return <u32>rem;
}

/** p = p * 10^k; returns the new length. */
export function bigMulPow10(p: usize, n: i32, k: i32): i32 {
  while (k >= 9) { n = bigMulAdd(p, n, 1000000000, 0); k -= 9; }
  let m: u32 = 1;
  while (k > 0) { m *= 10; k--; }
  return m == 1 ? n : bigMulAdd(p, n, m, 0);
}

// ---- rounding an exact ratio ---------------------------------------------------------

export const R_OK: i32 = 0;
export const R_OVERFLOW: i32 = 1;
export const R_UNDERFLOW: i32 = 2; // a nonzero value that rounds to zero

/** The result of the last successful roundRatio: value = rMant * 2^rExp. */
export let rMant: u64 = 0;
export let rExp: i32 = 0;

/**
 * Rounds (X / Y) * 2^b2 to the nearest value of a binary format with `prec`
 * mantissa bits (at most 64), normal top-bit exponents expMin..expMax and
 * subnormals below (ties to even), where X = BX[0..xn) > 0 and
 * Y = BY[0..yn) > 0; both buffers are clobbered. On R_OK, rMant has `prec`
 * bits for a normal result (fewer for a subnormal).
 */
export function roundRatio(xn: i32, yn: i32, b2: i32, prec: i32, expMax: i32, expMin: i32): i32 {
  const lx = bigBitLen(BX, xn), ly = bigBitLen(BY, yn);
  // k0 = floor(log2(X / Y)): either lx - ly or one less.
  let k0 = lx - ly;
  let less: bool;
  if (k0 >= 0) {
    const tn = bigShl(BT, BY, yn, k0);
    less = bigCmp(BX, xn, BT, tn) < 0;
  } else {
    const tn = bigShl(BT, BX, xn, -k0);
    less = bigCmp(BT, tn, BY, yn) < 0;
  }
  if (less) k0--;
  let top = k0 + b2; // exponent of the value's leading bit
  if (top > expMax) return R_OVERFLOW;
  // Subnormals keep fewer mantissa bits.
  let p: i32 = prec;
  if (top < expMin) p = prec - (expMin - top);
  if (p < 0) return R_UNDERFLOW;
  // q = floor(X * 2^s / Y) has exactly p bits.
  const s = p - 1 - k0;
  if (s > 0) xn = bigShl(BX, BX, xn, s);
  else if (s < 0) yn = bigShl(BY, BY, yn, -s);
  let q: u64 = 0;
  if (p > 0) {
    // Long division one bit at a time: T = Y << i for i = p-1 .. 0.
    let tn = bigShl(BT, BY, yn, p - 1);
    for (let i = p - 1; i >= 0; i--) {
      if (bigCmp(BX, xn, BT, tn) >= 0) {
        xn = bigSub(BX, xn, BT, tn);
        q |= (<u64>1) << <u64>i;
      }
      if (i > 0) tn = bigShr1(BT, tn);
    }
  }
  // BX now holds the remainder R; round on 2R against Y.
  if (xn > 0) {
    xn = bigShl(BX, BX, xn, 1);
    const c = bigCmp(BX, xn, BY, yn);
    if (c > 0 || (c == 0 && (q & 1) != 0)) {
      q++;
      // Rounding up carried into a new top bit (q wrapped to 0 at 64 bits).
      if (p == prec && (prec == 64 ? q == 0 : q == (<u64>1) << <u64>prec)) {
        q = (<u64>1) << <u64>(prec - 1);
        top++;
        if (top > expMax) return R_OVERFLOW;
        rMant = q;
        rExp = top - (prec - 1);
        return R_OK;
      }
    }
  }
  if (q == 0) return R_UNDERFLOW;
  rMant = q;
  rExp = top - p + 1;
  return R_OK;
}
