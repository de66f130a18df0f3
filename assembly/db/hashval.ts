// Hash values: the two encodings OBJECT ENCODING reports, the rules that
// move a hash from one to the other, and the value hooks (free, footprint,
// dup) the keyspace calls (db/object.ts). Redis's t_hash.c hashType* layer.
//
//   listpack   small hashes: one ds/listpack.ts block, field, value, field,
//              value ... in insertion order. The entry's E_VAL_PTR points at it.
//   hashtable  a ds/dict.ts dict whose entries are single blocks holding the
//              field and its value:
//
//     field entry:  0      4      8          12         16              16+fieldLen
//                   | next | hash | fieldLen | valueLen | field bytes | value bytes |
//
//     header:       | Dict (ds/dict.ts) | entryBytes u32 |
//                   entryBytes = sum of the field entries' block footprints,
//                   so the value's size is known in O(1).
//
// A hash leaves the listpack when it gets more than hash-max-listpack-entries
// fields, or when a field or value longer than hash-max-listpack-value is
// written (or the listpack would pass 1 GiB); both limits are read at each
// write, so CONFIG SET applies at once. It never converts back, as in Redis.
//
// Costs: listpack find/set/delete O(n) in a hash capped at a few hundred
// fields; hashtable find/set/delete O(1) expected, with incremental rehash.

import {
  Dict, dictFind, dictInsert, dictUnlink, dictReplace, dictSize, dictForEach, dictShrinkIfNeeded,
  dictFree, ENTRY_HASH, ENTRY_KEYLEN,
} from "../ds/dict";
import { memAlloc, memCalloc, memFree, memDup, blockFootprint, blockSize } from "../ds/mem";
import { hashBytes } from "../ds/hash";
import {
  lpNew, lpFree, lpBytes, lpLength, lpFirst, lpNext, lpFind, lpGet, lpGetBytes, lpAppend, lpReplace,
  lpDeleteRangeAt, lpDup, lpInt, lpPtr, lpLen,
} from "../ds/listpack";
import {
  E_TYPE, TYPE_HASH, ENC_HT, ENC_LISTPACK, encOf, objPtrOf, setObj,
} from "./entry";
import { Db, newEntry, dbAdd, hashKey } from "./db";
import { registerValueType } from "./object";
import { hashMaxListpackEntries, hashMaxListpackValue } from "./limits";

// ---- field entries of the hashtable encoding -------------------------------------

export const F_VLEN: usize = 12;
export const F_KEY: usize = 16;

// @ts-ignore: decorator
@inline export function fieldLenOf(f: usize): usize { return <usize>load<u32>(f, ENTRY_KEYLEN); }
// @ts-ignore: decorator
@inline export function fieldPtrOf(f: usize): usize { return f + F_KEY; }
// @ts-ignore: decorator
@inline export function valueLenOf(f: usize): usize { return <usize>load<u32>(f, F_VLEN); }
// @ts-ignore: decorator
@inline export function valuePtrOf(f: usize): usize { return f + F_KEY + fieldLenOf(f); }

// The header's byte counter sits right after the dict's own fields.
const HT_BYTES: usize = offsetof<Dict>();

// @ts-ignore: decorator
@inline function addBytes(d: Dict, n: isize): void {
  const p = changetype<usize>(d);
  store<u32>(p, <u32>(<isize>load<u32>(p, HT_BYTES) + n), HT_BYTES);
}

function htNew(): Dict {
  // dictNew's initialisation, in a block with room for the counter.
  const d = changetype<Dict>(memCalloc(HT_BYTES + 4));
  d.keyOff = <u32>F_KEY;
  d.rehashIdx = -1;
  return d;
}

function newField(fPtr: usize, fLen: usize, hash: u32, vPtr: usize, vLen: usize): usize {
  const f = memAlloc(F_KEY + fLen + vLen);
  store<u32>(f, 0);
  store<u32>(f, hash, ENTRY_HASH);
  store<u32>(f, <u32>fLen, ENTRY_KEYLEN);
  store<u32>(f, <u32>vLen, F_VLEN);
  memory.copy(f + F_KEY, fPtr, fLen);
  memory.copy(f + F_KEY + fLen, vPtr, vLen);
  return f;
}

function htInsert(d: Dict, fPtr: usize, fLen: usize, hash: u32, vPtr: usize, vLen: usize): void {
  const f = newField(fPtr, fLen, hash, vPtr, vLen);
  dictInsert(d, f);
  addBytes(d, <isize>blockFootprint(f));
}

/** Gives field entry `f` a new value, in its own block when it fits without much waste. */
function htSetValue(d: Dict, f: usize, vPtr: usize, vLen: usize): void {
  const fLen = fieldLenOf(f);
  const need = F_KEY + fLen + vLen;
  const have = blockSize(f);
  if (need <= have && have - need < 64) {
    memory.copy(f + F_KEY + fLen, vPtr, vLen);
    store<u32>(f, <u32>vLen, F_VLEN);
    return;
  }
  const fresh = newField(f + F_KEY, fLen, load<u32>(f, ENTRY_HASH), vPtr, vLen);
  dictReplace(d, f, fresh);
  addBytes(d, <isize>blockFootprint(fresh) - <isize>blockFootprint(f));
  memFree(f);
}

function htDelete(d: Dict, f: usize): void {
  dictUnlink(d, f);
  addBytes(d, -<isize>blockFootprint(f));
  memFree(f);
  dictShrinkIfNeeded(d);
}

function freeField(f: usize, _ctx: usize): void { memFree(f); }

function htFree(d: Dict): void {
  dictForEach(d, freeField, 0);
  dictFree(d);
}

function dupField(f: usize, ctx: usize): void {
  const d = changetype<Dict>(ctx);
  const c = memDup(f, F_KEY + fieldLenOf(f) + valueLenOf(f));
  dictInsert(d, c);
  addBytes(d, <isize>blockFootprint(c));
}

function htDup(src: Dict): Dict {
  const d = htNew();
  dictForEach(src, dupField, changetype<usize>(d));
  return d;
}

/** Bytes of the header, both bucket arrays and every field entry. */
function htFootprint(d: Dict): usize {
  let n = blockFootprint(changetype<usize>(d)) + <usize>load<u32>(changetype<usize>(d), HT_BYTES);
  if (d.t0 != 0) n += blockFootprint(<usize>d.t0);
  if (d.t1 != 0) n += blockFootprint(<usize>d.t1);
  return n;
}

// ---- the hash object ---------------------------------------------------------------

/** The value read by the last successful hashGet. */
export let hvPtr: usize = 0;
export let hvLen: usize = 0;
/** True when the value is a listpack integer: hvInt holds it (hvPtr/hvLen its text). */
export let hvIsInt: bool = false;
export let hvInt: i64 = 0;

/** Creates the key as an empty listpack hash (Redis's createHashObject + dbAdd). */
export function hashCreate(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_HASH, E_TYPE);
  setObj(e, lpNew(), ENC_LISTPACK);
  dbAdd(db, e);
  return e;
}

// @ts-ignore: decorator
@inline function htOf(e: usize): Dict { return changetype<Dict>(objPtrOf(e)); }

export function hashLength(e: usize): u32 {
  if (encOf(e) == ENC_LISTPACK) return lpLength(objPtrOf(e)) >> 1;
  return dictSize(htOf(e));
}

/** The listpack offset of the field, or 0. */
function lpFindField(lp: usize, fPtr: usize, fLen: usize): u32 {
  const first = lpFirst(lp);
  return first == 0 ? 0 : lpFind(lp, first, fPtr, fLen, 1);
}

/** Looks the field up; true with its value in hvPtr/hvLen (and hvIsInt/hvInt). */
export function hashGet(e: usize, fPtr: usize, fLen: usize): bool {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const off = lpFindField(lp, fPtr, fLen);
    if (off == 0) return false;
    const voff = lpNext(lp, off);
    hvIsInt = lpGet(lp, voff);
    if (hvIsInt) hvInt = lpInt;
    lpGetBytes(lp, voff);
    hvPtr = lpPtr;
    hvLen = lpLen;
    return true;
  }
  const f = dictFind(htOf(e), fPtr, fLen, hashBytes(fPtr, fLen));
  if (f == 0) return false;
  hvIsInt = false;
  hvPtr = valuePtrOf(f);
  hvLen = valueLenOf(f);
  return true;
}

export function hashExists(e: usize, fPtr: usize, fLen: usize): bool {
  if (encOf(e) == ENC_LISTPACK) return lpFindField(objPtrOf(e), fPtr, fLen) != 0;
  return dictFind(htOf(e), fPtr, fLen, hashBytes(fPtr, fLen)) != 0;
}

const FIELD_INT = memory.data(24);

/** Moves a listpack hash into a hashtable (Redis's hashTypeConvertListpack). */
export function hashConvert(e: usize): void {
  if (encOf(e) != ENC_LISTPACK) return;
  const lp = objPtrOf(e);
  const d = htNew();
  let off = lpFirst(lp);
  while (off != 0) {
    // An integer field's text sits in the listpack's scratch, which the
    // value's read reuses: keep a copy.
    const isInt = lpGet(lp, off);
    lpGetBytes(lp, off);
    let fPtr = lpPtr;
    const fLen = lpLen;
    if (isInt) {
      memory.copy(FIELD_INT, lpPtr, fLen);
      fPtr = FIELD_INT;
    }
    const voff = lpNext(lp, off);
    lpGetBytes(lp, voff);
    htInsert(d, fPtr, fLen, hashBytes(fPtr, fLen), lpPtr, lpLen);
    off = lpNext(lp, voff);
  }
  lpFree(lp);
  setObj(e, changetype<usize>(d), ENC_HT);
}

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB.
const LISTPACK_MAX_SAFETY_SIZE: u64 = 1 << 30;

/**
 * Redis's hashTypeTryConversion before a write of `sum` argument bytes whose
 * longest argument is `maxArgLen`: a listpack hash becomes a hashtable if
 * any argument is longer than hash-max-listpack-value or the listpack could
 * pass its safety size.
 */
export function hashTryConversion(e: usize, maxArgLen: usize, sum: u64): void {
  if (encOf(e) != ENC_LISTPACK) return;
  if (<u64>maxArgLen > hashMaxListpackValue ||
      <u64>lpBytes(objPtrOf(e)) + sum > LISTPACK_MAX_SAFETY_SIZE) hashConvert(e);
}

/**
 * Redis's hashTypeSet: sets the field, returns true if it was created
 * (false: its value was replaced). A field or value too long for the
 * listpack converts the hash first, too many fields converts it after.
 */
export function hashSet(e: usize, fPtr: usize, fLen: usize, vPtr: usize, vLen: usize): bool {
  if (encOf(e) == ENC_LISTPACK &&
      (<u64>fLen > hashMaxListpackValue || <u64>vLen > hashMaxListpackValue)) hashConvert(e);
  if (encOf(e) == ENC_LISTPACK) {
    let lp = objPtrOf(e);
    const off = lpFindField(lp, fPtr, fLen);
    let created = false;
    if (off != 0) {
      lp = lpReplace(lp, lpNext(lp, off), vPtr, vLen);
    } else {
      lp = lpAppend(lp, fPtr, fLen);
      lp = lpAppend(lp, vPtr, vLen);
      created = true;
    }
    setObj(e, lp, ENC_LISTPACK);
    if (<u64>(lpLength(lp) >> 1) > hashMaxListpackEntries) hashConvert(e);
    return created;
  }
  const d = htOf(e);
  const hash = hashBytes(fPtr, fLen);
  const f = dictFind(d, fPtr, fLen, hash);
  if (f != 0) {
    htSetValue(d, f, vPtr, vLen);
    return false;
  }
  htInsert(d, fPtr, fLen, hash, vPtr, vLen);
  return true;
}

/** Redis's hashTypeDelete: true if the field existed. The caller deletes an emptied key. */
export function hashDelete(e: usize, fPtr: usize, fLen: usize): bool {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const off = lpFindField(lp, fPtr, fLen);
    if (off == 0) return false;
    setObj(e, lpDeleteRangeAt(lp, off, 2), ENC_LISTPACK);
    return true;
  }
  const d = htOf(e);
  const f = dictFind(d, fPtr, fLen, hashBytes(fPtr, fLen));
  if (f == 0) return false;
  htDelete(d, f);
  return true;
}

// ---- value hooks (db/object.ts) ------------------------------------------------------

function hashFree(e: usize): void {
  if (encOf(e) == ENC_LISTPACK) lpFree(objPtrOf(e));
  else htFree(htOf(e));
}

function hashFootprint(e: usize): usize {
  if (encOf(e) == ENC_LISTPACK) return blockFootprint(objPtrOf(e));
  return htFootprint(htOf(e));
}

function hashDup(e: usize): void {
  if (encOf(e) == ENC_LISTPACK) setObj(e, lpDup(objPtrOf(e)), ENC_LISTPACK);
  else setObj(e, changetype<usize>(htDup(htOf(e))), ENC_HT);
}

export function registerHashValue(): void {
  registerValueType(TYPE_HASH, hashFree, hashFootprint, hashDup);
}
