// Scanning C-locale number text, as glibc's strtod (util/double.ts) and
// strtold (util/ldouble.ts) read it: ASCII letters fold case, "digits" are
// 0-9 only, and an exponent saturates instead of overflowing (strtod reads
// "1e99999999999" as inf, not as a wrapped exponent).

// @ts-ignore: decorator
@inline export function lower(b: u8): u8 { return b >= 65 && b <= 90 ? b + 32 : b; }
// @ts-ignore: decorator
@inline export function isDigit(b: u8): bool { return b >= 48 && b <= 57; }

/** The value of a hex digit, or -1. */
export function hexVal(b: u8): i32 {
  if (b >= 48 && b <= 57) return <i32>b - 48;
  const l = lower(b);
  if (l >= 97 && l <= 102) return <i32>l - 87;
  return -1;
}

/** Whether the bytes at `at` start with lowercase `word`, any case (not past `len`). */
export function matchWord(p: usize, len: usize, at: usize, word: string): bool {
  if (at + <usize>word.length > len) return false;
  for (let i = 0; i < word.length; i++) {
    if (lower(load<u8>(p + at + i)) != <u8>word.charCodeAt(i)) return false;
  }
  return true;
}

/** The exponent read by the last parseExponent that found one. */
export let expVal: i32 = 0;

/** Reads [+-]digits at `at` (saturating); returns the end, or `at` if none. */
export function parseExponent(p: usize, len: usize, at: usize): usize {
  let i = at;
  let neg = false;
  if (i < len && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) { neg = load<u8>(p + i) == 45; i++; }
  if (i >= len || !isDigit(load<u8>(p + i))) return at;
  let v: i32 = 0;
  while (i < len && isDigit(load<u8>(p + i))) {
    if (v < 100000000) v = v * 10 + <i32>(load<u8>(p + i) - 48);
    i++;
  }
  expVal = neg ? -v : v;
  return i;
}
