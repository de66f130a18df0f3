// A sorted array of distinct integers, laid out byte for byte as Redis's
// intset.c, because RDB files store this blob as it is (RDB_TYPE_SET_INTSET):
//
//   0          4          8
//   | encoding | length   | contents: length values, ascending ...
//     u32 LE     u32 LE     each `encoding` bytes (2, 4 or 8), little-endian
//
// `encoding` is the width of every value, chosen by the widest value ever
// inserted: inserting a value that does not fit upgrades the whole array
// (never downgraded, as in Redis). The block is resized to the exact blob
// size on every insert and removal, as Redis's zrealloc does.
//
// Invariants: values strictly ascending; block payload >= 8 + length*encoding.
// Costs: find O(log n) (binary search); add/remove O(n) (memmove and
// realloc); get/random O(1).

import { memAlloc, memFree, memRealloc } from "./mem";
import { randomBelow } from "./hash";

export const INTSET_ENC_INT16: u32 = 2;
export const INTSET_ENC_INT32: u32 = 4;
export const INTSET_ENC_INT64: u32 = 8;
export const INTSET_HEADER: usize = 8;

// @ts-ignore: decorator
@inline export function intsetEncoding(is: usize): u32 { return load<u32>(is); }
// @ts-ignore: decorator
@inline export function intsetLen(is: usize): u32 { return load<u32>(is, 4); }

/** Bytes of the blob (what RDB writes and MEMORY reports as the intset). */
export function intsetBlobLen(is: usize): usize {
  return INTSET_HEADER + <usize>intsetLen(is) * <usize>intsetEncoding(is);
}

/** The narrowest encoding that holds `v`. */
export function intsetValueEncoding(v: i64): u32 {
  if (v < -2147483648 || v > 2147483647) return INTSET_ENC_INT64;
  if (v < -32768 || v > 32767) return INTSET_ENC_INT32;
  return INTSET_ENC_INT16;
}

// @ts-ignore: decorator
@inline function getEncoded(is: usize, pos: u32, enc: u32): i64 {
  const p = is + INTSET_HEADER + <usize>pos * <usize>enc;
  if (enc == INTSET_ENC_INT64) return load<i64>(p);
  if (enc == INTSET_ENC_INT32) return <i64>load<i32>(p);
  return <i64>load<i16>(p);
}

// @ts-ignore: decorator
@inline function setEncoded(is: usize, pos: u32, v: i64, enc: u32): void {
  const p = is + INTSET_HEADER + <usize>pos * <usize>enc;
  if (enc == INTSET_ENC_INT64) store<i64>(p, v);
  else if (enc == INTSET_ENC_INT32) store<i32>(p, <i32>v);
  else store<i16>(p, <i16>v);
}

export function intsetNew(): usize {
  const is = memAlloc(INTSET_HEADER);
  store<u32>(is, INTSET_ENC_INT16);
  store<u32>(is, 0, 4);
  return is;
}

export function intsetFree(is: usize): void {
  memFree(is);
}

/** The value at `pos` (0 <= pos < length). */
export function intsetGet(is: usize, pos: u32): i64 {
  return getEncoded(is, pos, intsetEncoding(is));
}

/** Set by intsetSearch: where the value is, or where it would go. */
export let intsetPos: u32 = 0;

/** Binary search for `v`; sets intsetPos either way. */
export function intsetSearch(is: usize, v: i64): bool {
  const len = intsetLen(is);
  const enc = intsetEncoding(is);
  if (len == 0) { intsetPos = 0; return false; }
  // Appending and prepending are common (sequential ids): check the ends first.
  if (v > getEncoded(is, len - 1, enc)) { intsetPos = len; return false; }
  if (v < getEncoded(is, 0, enc)) { intsetPos = 0; return false; }
  let lo: i32 = 0;
  let hi: i32 = <i32>len - 1;
  while (hi >= lo) {
    const mid = <u32>((lo + hi) >>> 1);
    const cur = getEncoded(is, mid, enc);
    if (v > cur) lo = <i32>mid + 1;
    else if (v < cur) hi = <i32>mid - 1;
    else { intsetPos = mid; return true; }
  }
  intsetPos = <u32>lo;
  return false;
}

export function intsetFind(is: usize, v: i64): bool {
  return intsetValueEncoding(v) <= intsetEncoding(is) && intsetSearch(is, v);
}

function resize(is: usize, len: u32, enc: u32): usize {
  return memRealloc(is, INTSET_HEADER + <usize>len * <usize>enc);
}

/** Moves values [from, length) to start at `to` (memmove). */
function moveTail(is: usize, from: u32, to: u32): void {
  const enc = <usize>intsetEncoding(is);
  const n = <usize>(intsetLen(is) - from) * enc;
  const base = is + INTSET_HEADER;
  memory.copy(base + <usize>to * enc, base + <usize>from * enc, n);
}

/** Set by intsetAdd / intsetRemove: whether the set changed. */
export let intsetChanged: bool = false;

/**
 * Widens every value to `v`'s encoding and adds `v`, which lies outside the
 * old encoding's range, so it goes first (negative) or last (positive).
 */
function upgradeAndAdd(is: usize, v: i64): usize {
  const oldEnc = intsetEncoding(is);
  const newEnc = intsetValueEncoding(v);
  const len = intsetLen(is);
  const prepend: u32 = v < 0 ? 1 : 0;
  is = resize(is, len + 1, newEnc);
  store<u32>(is, newEnc);
  // Back to front, so no value is overwritten before it is read.
  let i = len;
  while (i-- > 0) setEncoded(is, i + prepend, getEncoded(is, i, oldEnc), newEnc);
  if (prepend) setEncoded(is, 0, v, newEnc);
  else setEncoded(is, len, v, newEnc);
  store<u32>(is, len + 1, 4);
  return is;
}

/** Adds `v`; returns the (possibly moved) intset. intsetChanged says if it was new. */
export function intsetAdd(is: usize, v: i64): usize {
  intsetChanged = true;
  if (intsetValueEncoding(v) > intsetEncoding(is)) return upgradeAndAdd(is, v);
  if (intsetSearch(is, v)) {
    intsetChanged = false;
    return is;
  }
  const pos = intsetPos;
  const len = intsetLen(is);
  is = resize(is, len + 1, intsetEncoding(is));
  if (pos < len) moveTail(is, pos, pos + 1);
  setEncoded(is, pos, v, intsetEncoding(is));
  store<u32>(is, len + 1, 4);
  return is;
}

/** Removes the value at `pos`; returns the (possibly moved) intset. */
export function intsetRemoveAt(is: usize, pos: u32): usize {
  const len = intsetLen(is);
  if (pos < len - 1) moveTail(is, pos + 1, pos);
  is = resize(is, len - 1, intsetEncoding(is));
  store<u32>(is, len - 1, 4);
  return is;
}

/** Removes `v`; returns the (possibly moved) intset. intsetChanged says if it was there. */
export function intsetRemove(is: usize, v: i64): usize {
  intsetChanged = false;
  if (intsetValueEncoding(v) <= intsetEncoding(is) && intsetSearch(is, v)) {
    intsetChanged = true;
    return intsetRemoveAt(is, intsetPos);
  }
  return is;
}

/** A uniformly chosen position (the set must not be empty). */
export function intsetRandomPos(is: usize): u32 {
  return randomBelow(intsetLen(is));
}

/** A copy of the blob in a block of its own. */
export function intsetDup(is: usize): usize {
  const n = intsetBlobLen(is);
  const out = memAlloc(n);
  memory.copy(out, is, n);
  return out;
}

/**
 * Redis's intsetValidateIntegrity for a blob of `size` bytes read from
 * outside (RDB, RESTORE): a known encoding, a length that matches the size,
 * not empty, and (deep) strictly ascending values.
 */
export function intsetValidate(is: usize, size: usize, deep: bool): bool {
  if (size < INTSET_HEADER) return false;
  const enc = intsetEncoding(is);
  if (enc != INTSET_ENC_INT16 && enc != INTSET_ENC_INT32 && enc != INTSET_ENC_INT64) return false;
  const len = intsetLen(is);
  if (<u64>len * <u64>enc + <u64>INTSET_HEADER != <u64>size) return false;
  if (len == 0) return false;
  if (!deep) return true;
  let prev = getEncoded(is, 0, enc);
  for (let i: u32 = 1; i < len; i++) {
    const cur = getEncoded(is, i, enc);
    if (cur <= prev) return false;
    prev = cur;
  }
  return true;
}
