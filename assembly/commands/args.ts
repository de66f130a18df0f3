// Argument readers the command families share, for the places where Redis
// reads an argument as a C string (its sds buffer ends in a NUL, and
// strcasecmp, strtoul and friends stop at the first NUL inside it): an
// argument "COUNT\0junk" is the option COUNT to Redis, so it is to us.
// Option words themselves are compared by argIs (context.ts), the same way.

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

