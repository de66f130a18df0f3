// Set values (TYPE_SET) in Redis 7.0's two encodings:
//
//   intset     E_VAL_PTR -> an intset blob (ds/intset.ts), while every
//              member is an integer (string2ll's canonical form) and there
//              are at most set-max-intset-entries of them
//   hashtable  E_VAL_PTR -> a SetHt header (below)
//
// A set starts as an intset when its first member is an integer, and
// becomes a hashtable for good when a non-integer arrives or the count
// passes the limit read at that moment (db/limits.ts), as setTypeAdd does.
//
// SetHt header (16 bytes):
//   0 dict u32 | 4 arr u32 | 8 cap u32 | 12 entryBytes u32
// Member entry (the dict's entry, member embedded, keyOff = 16):
//   0 next u32 | 4 hash u32 | 8 len u32 | 12 idx u32 | 16 member bytes ...
//
// `arr` is a dense array of the member entries (arr[e.idx] == e, length =
// dict size). Redis picks random members from the dict's buckets, which
// favours members in short chains and crawls over a table emptied by
// deletions; indexing a dense array is O(1) and exactly uniform, which SPOP
// and SRANDMEMBER promise. Removal swaps the last entry into the hole.
// `entryBytes` sums the member entries' blocks so MEMORY USAGE is O(1).
//
// Both encodings expose members by position 0..size-1 (intset: ascending;
// hashtable: arr order), which is how iteration and random picks work.

import {
  Dict, dictNew, dictFree, dictFind, dictInsert, dictUnlink, dictSize, dictShrinkIfNeeded,
} from "../ds/dict";
import { memAlloc, memCalloc, memFree, memRealloc, blockFootprint } from "../ds/mem";
import { hashBytes, randomBelow } from "../ds/hash";
import {
  intsetNew, intsetFree, intsetLen, intsetGet, intsetAdd, intsetRemove, intsetRemoveAt, intsetFind,
  intsetDup, intsetChanged,
} from "../ds/intset";
import { E_TYPE, TYPE_SET, ENC_HT, ENC_INTSET, encOf, objPtrOf, setObj } from "./entry";
import { registerValueType } from "./object";
import { newEntry } from "./db";
import { setMaxIntsetEntries } from "./limits";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";
import { formatI64 } from "../resp/writer";

const M_IDX: usize = 12;
const M_KEY: usize = 16;

@unmanaged class SetHt {
  dict: Dict;
  arr: u32;
  cap: u32;
  entryBytes: u32;
}

// @ts-ignore: decorator
@inline function htOf(e: usize): SetHt { return changetype<SetHt>(objPtrOf(e)); }
// @ts-ignore: decorator
@inline function arrAt(h: SetHt, i: u32): usize { return <usize>load<u32>(<usize>h.arr + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function arrSet(h: SetHt, i: u32, m: usize): void {
  store<u32>(<usize>h.arr + (<usize>i << 2), <u32>m);
  store<u32>(m, i, M_IDX);
}

/** True if the member bytes are an integer an intset can hold (sets parsedI64). */
// @ts-ignore: decorator
@inline function asInt(p: usize, l: usize): bool {
  return parseI64Strict(p, l) == PARSE_OK;
}

// ---- the hashtable encoding -------------------------------------------------------

function htNew(): SetHt {
  const h = changetype<SetHt>(memCalloc(offsetof<SetHt>()));
  h.dict = dictNew(<u32>M_KEY);
  return h;
}

function htAdd(h: SetHt, p: usize, l: usize): bool {
  const hash = hashBytes(p, l);
  if (dictFind(h.dict, p, l, hash) != 0) return false;
  const m = memAlloc(M_KEY + l);
  store<u32>(m, hash, 4);
  store<u32>(m, <u32>l, 8);
  memory.copy(m + M_KEY, p, l);
  dictInsert(h.dict, m);
  const n = dictSize(h.dict) - 1;
  if (n == h.cap) {
    h.cap = h.cap < 4 ? 4 : h.cap * 2;
    h.arr = <u32>memRealloc(<usize>h.arr, <usize>h.cap << 2);
  }
  arrSet(h, n, m);
  h.entryBytes += <u32>blockFootprint(m);
  return true;
}

/** Unlinks and frees member entry `m`, keeping `arr` dense. */
function htDelete(h: SetHt, m: usize): void {
  dictUnlink(h.dict, m);
  const last = dictSize(h.dict);
  const i = load<u32>(m, M_IDX);
  if (i != last) arrSet(h, i, arrAt(h, last));
  h.entryBytes -= <u32>blockFootprint(m);
  memFree(m);
  // Give back the array and the buckets as the set empties, as Redis's
  // setTypeRemove resizes the dict, so a drained set does not pin memory.
  if (h.cap > 16 && last * 4 < h.cap) {
    h.cap >>= 1;
    h.arr = <u32>memRealloc(<usize>h.arr, <usize>h.cap << 2);
  }
  dictShrinkIfNeeded(h.dict);
}

function htRemove(h: SetHt, p: usize, l: usize): bool {
  const m = dictFind(h.dict, p, l, hashBytes(p, l));
  if (m == 0) return false;
  htDelete(h, m);
  return true;
}

function htFree(h: SetHt): void {
  const n = dictSize(h.dict);
  for (let i: u32 = 0; i < n; i++) memFree(arrAt(h, i));
  memFree(<usize>h.arr);
  dictFree(h.dict);
  memFree(changetype<usize>(h));
}

// ---- the current member ----------------------------------------------------------

// setLoad's result: the member's bytes, and for intset members the integer
// (formatted into ELEM_DIGITS). Valid until the next setLoad or a change to
// the set it came from.
const ELEM_DIGITS = memory.data(24);
export let elemPtr: usize = 0;
export let elemLen: usize = 0;
export let elemIsInt: bool = false;
export let elemInt: i64 = 0;

/** Loads the member at position `i` (0 <= i < setSize) into elem*. */
export function setLoad(e: usize, i: u32): void {
  if (encOf(e) == ENC_INTSET) {
    elemInt = intsetGet(objPtrOf(e), i);
    elemLen = formatI64(ELEM_DIGITS, elemInt);
    elemPtr = ELEM_DIGITS;
    elemIsInt = true;
  } else {
    const m = arrAt(htOf(e), i);
    elemPtr = m + M_KEY;
    elemLen = <usize>load<u32>(m, 8);
    elemIsInt = false;
  }
}

// ---- the set API -----------------------------------------------------------------

export function setSize(e: usize): u32 {
  return encOf(e) == ENC_INTSET ? intsetLen(objPtrOf(e)) : dictSize(htOf(e).dict);
}

/** Gives `e` an empty set value: an intset, or a hashtable if `intset` is false. */
export function setInitValue(e: usize, intset: bool): void {
  store<u8>(e, TYPE_SET, E_TYPE);
  if (intset) setObj(e, intsetNew(), ENC_INTSET);
  else setObj(e, changetype<usize>(htNew()), ENC_HT);
}

/**
 * A new, unlinked set entry for `key`, empty, in the encoding Redis's
 * setTypeCreate picks for a set about to receive the member p/l.
 */
export function setNewEntry(keyPtr: usize, keyLen: usize, hash: u32, p: usize, l: usize): usize {
  const e = newEntry(keyPtr, keyLen, hash, 0, false);
  setInitValue(e, asInt(p, l));
  return e;
}

/** A detached empty intset value holder (temporary results; free with setFreeEntry). */
export function setNewTemp(): usize {
  const e = newEntry(0, 0, 0, 0, false);
  setInitValue(e, true);
  return e;
}

/** Frees an unlinked set entry and its value. */
export function setFreeEntry(e: usize): void {
  setFreeValue(e);
  memFree(e);
}

// Conversion formats integers here, not in ELEM_DIGITS: it can run in the
// middle of adding the current member.
const CONV_DIGITS = memory.data(24);

/** Turns an intset value into a hashtable holding the same members. */
export function setConvertToHt(e: usize): void {
  const is = objPtrOf(e);
  const h = htNew();
  const n = intsetLen(is);
  for (let i: u32 = 0; i < n; i++) {
    const l = formatI64(CONV_DIGITS, intsetGet(is, i));
    htAdd(h, CONV_DIGITS, l);
  }
  intsetFree(is);
  setObj(e, changetype<usize>(h), ENC_HT);
}

/** Adds a member; false if it was there. Converts the encoding as Redis's setTypeAdd. */
export function setAdd(e: usize, p: usize, l: usize): bool {
  if (encOf(e) == ENC_HT) return htAdd(htOf(e), p, l);
  if (asInt(p, l)) {
    const is = intsetAdd(objPtrOf(e), parsedI64);
    setObj(e, is, ENC_INTSET);
    if (!intsetChanged) return false;
    if (<u64>intsetLen(is) > setMaxIntsetEntries) setConvertToHt(e);
    return true;
  }
  setConvertToHt(e);
  return htAdd(htOf(e), p, l);
}

/** Removes a member; false if it was not there. The caller deletes an emptied key. */
export function setRemove(e: usize, p: usize, l: usize): bool {
  if (encOf(e) == ENC_HT) return htRemove(htOf(e), p, l);
  if (!asInt(p, l)) return false;
  setObj(e, intsetRemove(objPtrOf(e), parsedI64), ENC_INTSET);
  return intsetChanged;
}

/** Removes the member at position `i`. */
export function setRemoveAt(e: usize, i: u32): void {
  if (encOf(e) == ENC_HT) {
    const h = htOf(e);
    htDelete(h, arrAt(h, i));
  } else {
    setObj(e, intsetRemoveAt(objPtrOf(e), i), ENC_INTSET);
  }
}

export function setIsMember(e: usize, p: usize, l: usize): bool {
  if (encOf(e) == ENC_HT) return dictFind(htOf(e).dict, p, l, hashBytes(p, l)) != 0;
  return asInt(p, l) && intsetFind(objPtrOf(e), parsedI64);
}

/** setIsMember for the member setLoad loaded (skips re-parsing intset integers). */
export function setHasElem(e: usize): bool {
  if (elemIsInt && encOf(e) == ENC_INTSET) return intsetFind(objPtrOf(e), elemInt);
  return setIsMember(e, elemPtr, elemLen);
}

/** A uniformly chosen position (the set must not be empty). */
export function setRandomPos(e: usize): u32 {
  return randomBelow(setSize(e));
}

/** Moves `src`'s value into `dst` (freeing dst's old value); src keeps none. */
export function setMoveValue(dst: usize, src: usize): void {
  setFreeValue(dst);
  setObj(dst, objPtrOf(src), encOf(src));
  setObj(src, intsetNew(), ENC_INTSET);
}

// ---- value-type hooks (db/object.ts) -------------------------------------------------

function setFreeValue(e: usize): void {
  if (encOf(e) == ENC_INTSET) intsetFree(objPtrOf(e));
  else htFree(htOf(e));
}

function setFootprint(e: usize): usize {
  if (encOf(e) == ENC_INTSET) return blockFootprint(objPtrOf(e));
  const h = htOf(e);
  const d = h.dict;
  let n = blockFootprint(changetype<usize>(h)) + blockFootprint(changetype<usize>(d)) + <usize>h.entryBytes;
  if (h.arr != 0) n += blockFootprint(<usize>h.arr);
  if (d.t0 != 0) n += blockFootprint(<usize>d.t0);
  if (d.t1 != 0) n += blockFootprint(<usize>d.t1);
  return n;
}

/** COPY's deep copy: same encoding, as Redis's setTypeDup. */
function setDup(e: usize): void {
  if (encOf(e) == ENC_INTSET) {
    setObj(e, intsetDup(objPtrOf(e)), ENC_INTSET);
    return;
  }
  const src = htOf(e);
  const h = htNew();
  const n = dictSize(src.dict);
  for (let i: u32 = 0; i < n; i++) {
    const m = arrAt(src, i);
    htAdd(h, m + M_KEY, <usize>load<u32>(m, 8));
  }
  setObj(e, changetype<usize>(h), ENC_HT);
}

export function registerSetType(): void {
  registerValueType(TYPE_SET, setFreeValue, setFootprint, setDup);
}

// ---- SSCAN over the hashtable ------------------------------------------------------

/** The dict of a hashtable-encoded set (for dictScan), and a member entry's bytes. */
export function setDict(e: usize): Dict { return htOf(e).dict; }
// @ts-ignore: decorator
@inline export function memberPtr(m: usize): usize { return m + M_KEY; }
// @ts-ignore: decorator
@inline export function memberLen(m: usize): usize { return <usize>load<u32>(m, 8); }
