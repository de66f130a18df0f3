// Argument readers the command families share, for the places where Redis
// reads an argument as a C string (its sds buffer ends in a NUL, and
// strcasecmp, strtoul and friends stop at the first NUL inside it): an
// argument "COUNT\0junk" is the option COUNT to Redis, so it is to us.
// argIs (context.ts) compares whole arguments instead, for the parsers
// that Redis writes with its length-aware comparisons.

import { argPtr, argLen } from "../client";

const NUL: u8 = 0;

/** Length of the `len` bytes at `ptr` read as a C string: up to the first NUL. */
export function cStrLen(ptr: usize, len: usize): usize {
  let n: usize = 0;
  while (n < len && load<u8>(ptr + n) != NUL) n++;
  return n;
}

/** Length of argument `i` as a C string. */
export function cLen(i: i32): usize {
  return cStrLen(argPtr(i), argLen(i));
}

/**
 * Compares argument `i` with an uppercase ASCII word as Redis's option
 * parsers do (strcasecmp on the C string, so the argument ends at its first
 * NUL byte; only ASCII letters fold).
 */
export function optIs(i: i32, word: string): bool {
  const p = argPtr(i);
  const len = cLen(i);
  if (len != <usize>word.length) return false;
  for (let k: usize = 0; k < len; k++) {
    let b = load<u8>(p + k);
    if (b >= 97 && b <= 122) b -= 32;
    if (<i32>b != word.charCodeAt(<i32>k)) return false;
  }
  return true;
}
