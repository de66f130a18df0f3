// Number parsing with Redis's exact acceptance rules (util.c string2ll,
// string2ull), results in module globals so hot paths allocate nothing.

export const PARSE_OK: i32 = 0;
export const PARSE_FAIL: i32 = 1;

export let parsedI64: i64 = 0;
export let parsedU64: u64 = 0;

const I64_MAX: i64 = 9223372036854775807;
const I64_MIN: i64 = -9223372036854775808;

/** Whether value + incr leaves the i64 range (Redis's INCRBY/HINCRBY overflow test). */
// @ts-ignore: decorator
@inline export function addOverflows(value: i64, incr: i64): bool {
  return (incr < 0 && value < 0 && incr < I64_MIN - value) ||
    (incr > 0 && value > 0 && incr > I64_MAX - value);
}

const MINUS: u8 = 45;
const ZERO: u8 = 48;
const NINE: u8 = 57;
// LONG_STR_SIZE: the longest decimal a long long can need, sign included.
const LONG_STR_SIZE: usize = 21;

/**
 * Redis's string2ll: optional '-', no '+', no leading zeros, no spaces,
 * no "-0", fits in i64.
 */
export function parseI64Strict(ptr: usize, len: usize): i32 {
  if (len == 0 || len > LONG_STR_SIZE) return PARSE_FAIL;
  if (len == 1 && load<u8>(ptr) == ZERO) { parsedI64 = 0; return PARSE_OK; }
  let p: usize = 0;
  let negative = false;
  if (load<u8>(ptr) == MINUS) {
    negative = true;
    p++;
    if (p == len) return PARSE_FAIL;
  }
  let ch = load<u8>(ptr + p);
  if (ch < 49 || ch > NINE) return PARSE_FAIL;
  let v: u64 = <u64>(ch - ZERO);
  p++;
  while (p < len) {
    ch = load<u8>(ptr + p);
    if (ch < ZERO || ch > NINE) return PARSE_FAIL;
    if (v > 1844674407370955161) return PARSE_FAIL; // ULLONG_MAX / 10
    v *= 10;
    const d = <u64>(ch - ZERO);
    if (v > 0xFFFFFFFFFFFFFFFF - d) return PARSE_FAIL;
    v += d;
    p++;
  }
  if (negative) {
    if (v > 0x8000000000000000) return PARSE_FAIL;
    parsedI64 = -<i64>v;
  } else {
    if (v > 0x7FFFFFFFFFFFFFFF) return PARSE_FAIL;
    parsedI64 = <i64>v;
  }
  return PARSE_OK;
}

/**
 * C's strtoul as Redis uses it for SCAN cursors: decimal, optional sign
 * ('-' wraps), no leading space, whole string, no overflow.
 */
export function parseCursor(ptr: usize, len: usize): i32 {
  if (len == 0) { parsedU64 = 0; return PARSE_FAIL; }
  let p: usize = 0;
  const first = load<u8>(ptr);
  if (first == 32 || (first >= 9 && first <= 13)) return PARSE_FAIL;
  let negative = false;
  if (first == 43 || first == MINUS) { negative = first == MINUS; p++; }
  if (p == len) return PARSE_FAIL;
  let v: u64 = 0;
  while (p < len) {
    const ch = load<u8>(ptr + p);
    if (ch < ZERO || ch > NINE) return PARSE_FAIL;
    const d = <u64>(ch - ZERO);
    if (v > (0xFFFFFFFFFFFFFFFF - d) / 10) return PARSE_FAIL;
    v = v * 10 + d;
    p++;
  }
  parsedU64 = negative ? <u64>(-<i64>v) : v;
  return PARSE_OK;
}

/** True if the bytes are an integer Redis would store with the `int` encoding. */
export function looksLikeInt(ptr: usize, len: usize): bool {
  return len <= 20 && parseI64Strict(ptr, len) == PARSE_OK;
}
