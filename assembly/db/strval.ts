// String values: how bytes become an entry (int / embstr / raw encodings,
// Redis's tryObjectEncoding rules) and how an entry's bytes are read back.
//
// Encodings, as OBJECT ENCODING reports them:
//   int     the value is a canonical i64 of at most 20 chars (stored as i64)
//   embstr  up to 44 bytes, stored inside the entry after the key
//   raw     anything else, or any string modified in place (APPEND,
//           SETRANGE, SETBIT...), stored in its own block

import { memAlloc, memFree, memRealloc, blockSize, blockSizeFor, MAX_STRING } from "../ds/mem";
import {
  E_VAL, E_VAL_PTR, E_VAL_LEN, E_TYPE, E_ENC, E_KEY, ENC_INT, ENC_EMBSTR, ENC_RAW, TYPE_STRING,
  EMBSTR_MAX, E_FLAGS, FLAG_INT_PRIVATE, keyLenOf, encOf, hasExpire, expireAtOf, strPtrOf, strLenOf,
  typeOf, entrySizeFor,
} from "./entry";
import { Db, newEntry, dbAdd, dbReplaceEntry, dbSetExpire, dbFindRaw, hashKey, dbDeleteEntry, dbRenewEntry } from "./db";
import { freeValue, sharedIntegers } from "./object";
import { looksLikeInt, parsedI64 } from "../util/num";
import { formatI64 } from "../resp/writer";

/** Scratch for an int-encoded value's digits; valid until the next call. */
const INT_SCRATCH = memory.data(24);

export let valPtr: usize = 0;
export let valLen: usize = 0;

/** Points valPtr/valLen at a string entry's bytes (ints formatted to scratch). */
export function loadString(e: usize): void {
  if (encOf(e) == ENC_INT) {
    valLen = formatI64(INT_SCRATCH, load<i64>(e, E_VAL));
    valPtr = INT_SCRATCH;
  } else {
    valPtr = strPtrOf(e);
    valLen = strLenOf(e);
  }
}

export function stringLength(e: usize): usize {
  if (encOf(e) == ENC_INT) return formatI64(INT_SCRATCH, load<i64>(e, E_VAL));
  return strLenOf(e);
}

export const ENCODE_AUTO: i32 = 0;  // tryObjectEncoding: int, embstr or raw
export const ENCODE_RAW: i32 = 1;   // always raw (values built by APPEND etc.)
export const ENCODE_EMBSTR: i32 = 2; // embstr if short, never int (INCRBYFLOAT)

/**
 * Builds a new string entry for `key`. `expireAt` < 0 means no TTL.
 * The caller links it with dbAdd / dbReplaceEntry.
 */
export function makeStringEntry(keyPtr: usize, keyLen: usize, hash: u32,
    srcPtr: usize, srcLen: usize, mode: i32, expireAt: i64): usize {
  const withExpire = expireAt >= 0;
  let e: usize;
  if (mode == ENCODE_AUTO && looksLikeInt(srcPtr, srcLen)) {
    e = newEntry(keyPtr, keyLen, hash, 0, withExpire);
    store<u8>(e, ENC_INT, E_ENC);
    store<i64>(e, parsedI64, E_VAL);
  } else if (mode != ENCODE_RAW && srcLen <= EMBSTR_MAX) {
    e = newEntry(keyPtr, keyLen, hash, srcLen, withExpire);
    store<u8>(e, ENC_EMBSTR, E_ENC);
    store<u32>(e, <u32>srcLen, E_VAL_LEN);
    memory.copy(e + E_KEY + keyLen, srcPtr, srcLen);
  } else {
    e = newEntry(keyPtr, keyLen, hash, 0, withExpire);
    store<u8>(e, ENC_RAW, E_ENC);
    const p = memAlloc(srcLen);
    memory.copy(p, srcPtr, srcLen);
    store<u32>(e, <u32>p, E_VAL_PTR);
    store<u32>(e, <u32>srcLen, E_VAL_LEN);
  }
  store<u8>(e, TYPE_STRING, E_TYPE);
  if (withExpire) storeExpire(e, expireAt);
  return e;
}

import { expireSlot } from "./entry";
function storeExpire(e: usize, at: i64): void {
  store<i64>(expireSlot(e), at);
}

export function makeIntEntry(keyPtr: usize, keyLen: usize, hash: u32, v: i64, expireAt: i64): usize {
  const e = newEntry(keyPtr, keyLen, hash, 0, expireAt >= 0);
  store<u8>(e, TYPE_STRING, E_TYPE);
  store<u8>(e, ENC_INT, E_ENC);
  store<i64>(e, v, E_VAL);
  if (expireAt >= 0) storeExpire(e, expireAt);
  return e;
}

/**
 * Stores a string under `key`, replacing any value of any type. `old` is the
 * existing entry (0 if none). With keepTtl the old TTL carries over,
 * otherwise `expireAt` (<0: none) applies. Returns the new entry.
 */
export function storeString(db: Db, old: usize, keyPtr: usize, keyLen: usize,
    srcPtr: usize, srcLen: usize, mode: i32, expireAt: i64, keepTtl: bool): usize {
  const at = keepTtl && old != 0 ? expireAtOf(old) : expireAt;
  if (at < 0 && old != 0 && rewriteEmbstr(db, old, keyLen, srcPtr, srcLen, mode)) return old;
  const hash = old != 0 ? load<u32>(old, 4) : hashKey(keyPtr, keyLen);
  return linkEntry(db, old, makeStringEntry(keyPtr, keyLen, hash, srcPtr, srcLen, mode, at));
}

/**
 * SET over an embstr value without a TTL, where the new value is an embstr
 * too and the old block is exactly the one a new entry would get
 * (blockSizeFor): the bytes are replaced in the same block (no free, alloc
 * and relink; the common overwrite of a same-sized value). Everything
 * observable is as with a new entry: dbRenewEntry resets the header as
 * newEntry sets it, and MEMORY USAGE and used_memory cannot tell the two
 * apart.
 */
function rewriteEmbstr(db: Db, old: usize, keyLen: usize, srcPtr: usize, srcLen: usize, mode: i32): bool {
  if (typeOf(old) != TYPE_STRING || encOf(old) != ENC_EMBSTR || hasExpire(old)) return false;
  if (mode == ENCODE_RAW || srcLen > EMBSTR_MAX || (mode == ENCODE_AUTO && looksLikeInt(srcPtr, srcLen))) return false;
  if (blockSize(old) != blockSizeFor(entrySizeFor(keyLen, srcLen, false))) return false;
  dbRenewEntry(db, old);
  store<u32>(old, <u32>srcLen, E_VAL_LEN);
  memory.copy(old + E_KEY + keyLen, srcPtr, srcLen);
  return true;
}

/** Puts a new entry where `old` was (freeing old's value), or adds it. */
function linkEntry(db: Db, old: usize, e: usize): usize {
  if (old != 0) {
    freeValue(old);
    dbReplaceEntry(db, old, e);
  } else {
    dbAdd(db, e);
  }
  return e;
}

/**
 * Stores a raw string that takes ownership of `bufPtr` (`len` bytes, from
 * memAlloc), replacing `old` (0 if none) and dropping any TTL, as Redis's
 * setKey does: for writers that build the bytes first (BITOP, new bitmaps).
 */
export function storeRawOwned(db: Db, old: usize, keyPtr: usize, keyLen: usize, bufPtr: usize, len: usize): usize {
  const hash = old != 0 ? load<u32>(old, 4) : hashKey(keyPtr, keyLen);
  const e = newEntry(keyPtr, keyLen, hash, 0, false);
  store<u8>(e, TYPE_STRING, E_TYPE);
  store<u8>(e, ENC_RAW, E_ENC);
  store<u32>(e, <u32>bufPtr, E_VAL_PTR);
  store<u32>(e, <u32>len, E_VAL_LEN);
  return linkEntry(db, old, e);
}

/** Replaces an int-encoded or other string value with the integer `v`, in place when possible. */
export function storeInt(db: Db, old: usize, keyPtr: usize, keyLen: usize, v: i64): usize {
  if (old != 0 && encOf(old) == ENC_INT) {
    store<i64>(old, v, E_VAL);
    // Redis swaps in its shared object when the result is a small integer
    // (and sharing is on), so the value is shared again whatever it was.
    const f = load<u8>(old, E_FLAGS);
    store<u8>(old, sharedIntegers ? f & ~FLAG_INT_PRIVATE : f | FLAG_INT_PRIVATE, E_FLAGS);
    return old;
  }
  const at = old != 0 ? expireAtOf(old) : -1;
  const hash = old != 0 ? load<u32>(old, 4) : hashKey(keyPtr, keyLen);
  return linkEntry(db, old, makeIntEntry(keyPtr, keyLen, hash, v, at));
}

/**
 * Makes `e`'s value a raw string of at least `minLen` bytes (zero-padded)
 * that can be written in place; returns the (possibly new) entry. Used by
 * APPEND, SETRANGE, SETBIT, BITFIELD. The value's length becomes
 * max(current, minLen).
 */
export function makeRawWritable(db: Db, e: usize, minLen: usize): usize {
  if (encOf(e) == ENC_RAW) {
    const cur = strLenOf(e);
    if (minLen > cur) {
      let p = <usize>load<u32>(e, E_VAL_PTR);
      if (minLen > blockSize(p)) {
        // Grow geometrically like sds (doubling below 1MB, +1MB above) so
        // repeated APPENDs stay amortized O(1).
        let want = minLen < (1 << 20) ? minLen * 2 : minLen + (1 << 20);
        if (want > <usize>MAX_STRING) want = minLen;
        p = memRealloc(p, want);
        store<u32>(e, <u32>p, E_VAL_PTR);
      }
      memory.fill(p + cur, 0, minLen - cur);
      store<u32>(e, <u32>minLen, E_VAL_LEN);
    }
    return e;
  }
  loadString(e);
  const curLen = valLen;
  const len = minLen > curLen ? minLen : curLen;
  const p = memAlloc(len);
  memory.copy(p, valPtr, curLen);
  if (len > curLen) memory.fill(p + curLen, 0, len - curLen);
  const keyLen = keyLenOf(e);
  // Rebuild the entry without the embedded bytes.
  const fresh = newEntry(e + E_KEY, keyLen, load<u32>(e, 4), 0, hasExpire(e));
  store<u8>(fresh, TYPE_STRING, E_TYPE);
  store<u8>(fresh, ENC_RAW, E_ENC);
  store<u32>(fresh, <u32>p, E_VAL_PTR);
  store<u32>(fresh, <u32>len, E_VAL_LEN);
  if (hasExpire(e)) storeExpire(fresh, expireAtOf(e));
  store<u32>(fresh, load<u32>(e, 12), 12); // keep LRU/LFU bits
  dbReplaceEntry(db, e, fresh);
  return fresh;
}

export { dbFindRaw, dbSetExpire, dbDeleteEntry, memFree };
