// SORT and SORT_RO: sort the elements of a list, set or sorted set — by
// their own value or by external keys (BY pattern, hash fields with `->`) —
// and return them, the values of GET patterns, or STORE them in a list.
//
// Follows Redis 7.0's sortCommandGeneric step by step: options parsed in
// order (the first bad one is a syntax error) before the key is looked up, a missing key sorts as an
// empty list, LIMIT clamped the same way, a BY pattern without '*' means
// "do not sort" (except a set being STOREd, which is sorted ALPHA so the
// result is deterministic), numeric sorting through strtod with ties broken
// by comparing the elements, ALPHA by bytes (strcoll in the C locale).
//
// Elements and BY values are copied into one arena, so the sort works on
// stable bytes whatever the source encoding; the sort itself is a stable
// merge sort over record indexes (glibc's qsort is a merge sort too).
// Costs: O(N) to load, O(N log N) to sort, O(M) per GET pattern lookup.

import { register as reg } from "./dispatch";
import { CMD_SORT, CMD_SORT_RO } from "./table.gen";
import { curDb, argIs, parseLongOrReply, argInt } from "./context";
import { cStrLen } from "./args";
import { argPtr, argLen, curArgc } from "../client";
import { replyError, replyArray, replyBulk, replyNull, replyInt } from "../resp/writer";
import { E_WRONGTYPE, E_SYNTAX } from "../resp/errors";
import { memAlloc, memFree, memRealloc } from "../ds/mem";
import {
  Db, addDirty, dbLookup, dbLookupRead, dbDelete, dbAdd, dbReplaceEntry, newEntry, hashKey,
} from "../db/db";
import { typeOf, encOf, objPtrOf, setObj, ENC_LISTPACK, TYPE_LIST, TYPE_SET, TYPE_ZSET, TYPE_HASH, TYPE_STRING, E_TYPE, E_LRU, ENC_QUICKLIST } from "../db/entry";
import { freeValue } from "../db/object";
import { lfuMode } from "../db/lru";
import { loadString, valPtr, valLen } from "../db/strval";
import { qlNew, qlCount, qlPush, qlSeek, qlNextPos, qlPrevPos, qlPosLp, qlPosOff } from "../ds/quicklist";
import { lpGetBytes, lpPtr, lpLen } from "../ds/listpack";
import { setSize, setLoad, elemPtr, elemLen } from "../db/setval";
import { zsetConvertToSkiplist, zsetLength, zFirst, zNext, zPrev, zAtRank, zMemberAt, zmPtr, zmLen } from "../db/zsetval";
import { hashGet, hvPtr, hvLen } from "../db/hashval";
import { listMaxListpackSize, listCompressDepth } from "../db/limits";
import { strtodPrefix, dblValue, dblRange } from "../util/double";
import { keyChanged, NOTIFY_LIST, NOTIFY_GENERIC } from "../db/notify";

const STAR: u8 = 42;
const HASH_SIGN: u8 = 35;
const NUL: u8 = 0;

// ---- the arena of element and BY bytes ----------------------------------------------

let arena: usize = 0;
let arenaCap: usize = 0;
let arenaLen: usize = 0;

/** Copies bytes into the arena; returns their offset (the arena may move). */
function keep(ptr: usize, len: usize): usize {
  const need = arenaLen + len;
  if (need > arenaCap) {
    let cap = arenaCap < 1024 ? <usize>1024 : arenaCap * 2;
    while (cap < need) cap *= 2;
    arena = memRealloc(arena, cap);
    arenaCap = cap;
  }
  const off = arenaLen;
  memory.copy(arena + off, ptr, len);
  arenaLen = need;
  return off;
}

// Records, 32 bytes each:
//   0 objOff u32 | 4 objLen u32 | 8 score f64 | 16 cmpOff u32 | 20 cmpLen u32 | 24 hasCmp u32 | 28 pad
const REC: usize = 32;
let recs: usize = 0;
let recCap: usize = 0;
let recN: usize = 0;

function addRec(ptr: usize, len: usize): void {
  if (recN == recCap) {
    recCap = recCap < 64 ? 64 : recCap * 2;
    recs = memRealloc(recs, recCap * REC);
  }
  const r = recs + recN * REC;
  store<u32>(r, <u32>keep(ptr, len));
  store<u32>(r, <u32>len, 4);
  store<f64>(r, 0, 8);
  store<u32>(r, 0, 16);
  store<u32>(r, 0, 20);
  store<u32>(r, 0, 24);
  recN++;
}

// @ts-ignore: decorator
@inline function rec(i: usize): usize { return recs + i * REC; }

// ---- pattern lookups --------------------------------------------------------------------

let patBuf: usize = 0;
let patCap: usize = 0;
/** The value found by lookupByPattern (bytes, valid until the next lookup). */
let foundPtr: usize = 0;
let foundLen: usize = 0;

/**
 * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first
 * '*' takes the element, and "->field" after it reads a hash field. False
 * when there is no value (no '*', missing key, wrong type, missing field).
 */
function lookupByPattern(db: Db, patArg: i32, subPtr: usize, subLen: usize): bool {
  const spat = argPtr(patArg);
  const plen = cStrLen(spat, argLen(patArg));
  if (plen == 1 && load<u8>(spat) == HASH_SIGN) {
    foundPtr = subPtr;
    foundLen = subLen;
    return true;
  }
  let star: isize = -1;
  for (let i: usize = 0; i < plen; i++) if (load<u8>(spat + i) == STAR) { star = <isize>i; break; }
  if (star < 0) return false;
  // "->" after the '*', followed by at least one byte, names a hash field.
  let arrow: isize = -1;
  for (let i = <usize>star + 1; i + 1 < plen; i++) {
    if (load<u8>(spat + i) == 45 && load<u8>(spat + i + 1) == 62) { arrow = <isize>i; break; }
  }
  if (arrow >= 0 && <usize>arrow + 2 >= plen) arrow = -1;
  const prefixLen = <usize>star;
  const postEnd = arrow >= 0 ? <usize>arrow : plen;
  const postLen = postEnd - prefixLen - 1;
  const keyLen = prefixLen + subLen + postLen;
  if (keyLen > patCap) {
    patCap = keyLen < 64 ? 64 : keyLen * 2;
    patBuf = memRealloc(patBuf, patCap);
  }
  memory.copy(patBuf, spat, prefixLen);
  memory.copy(patBuf + prefixLen, subPtr, subLen);
  memory.copy(patBuf + prefixLen + subLen, spat + prefixLen + 1, postLen);
  const e = dbLookupRead(db, patBuf, keyLen);
  if (e == 0) return false;
  if (arrow >= 0) {
    if (typeOf(e) != TYPE_HASH) return false;
    if (!hashGet(e, spat + <usize>arrow + 2, plen - <usize>arrow - 2)) return false;
    foundPtr = hvPtr;
    foundLen = hvLen;
    return true;
  }
  if (typeOf(e) != TYPE_STRING) return false;
  loadString(e);
  foundPtr = valPtr;
  foundLen = valLen;
  return true;
}

// ---- comparison and the sort ----------------------------------------------------------------

let sortDesc = false;
let sortAlpha = false;
let sortByPattern = false;

function bytesCmp(aOff: usize, aLen: usize, bOff: usize, bLen: usize): i32 {
  const n = aLen < bLen ? aLen : bLen;
  const c = memory.compare(arena + aOff, arena + bOff, n);
  if (c != 0) return c;
  return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
}

/** strcoll in the C locale: bytes up to the first NUL. */
function collCmp(aOff: usize, aLen: usize, bOff: usize, bLen: usize): i32 {
  return bytesCmp(aOff, cStrLen(arena + aOff, aLen), bOff, cStrLen(arena + bOff, bLen));
}

function compare(a: usize, b: usize): i32 {
  const ra = rec(a), rb = rec(b);
  let cmp: i32;
  if (!sortAlpha) {
    const sa = load<f64>(ra, 8), sb = load<f64>(rb, 8);
    if (sa > sb) cmp = 1;
    else if (sa < sb) cmp = -1;
    else cmp = bytesCmp(<usize>load<u32>(ra), <usize>load<u32>(ra, 4), <usize>load<u32>(rb), <usize>load<u32>(rb, 4));
  } else if (sortByPattern) {
    const ha = load<u32>(ra, 24) != 0, hb = load<u32>(rb, 24) != 0;
    if (!ha || !hb) cmp = ha == hb ? 0 : !ha ? -1 : 1;
    else cmp = collCmp(<usize>load<u32>(ra, 16), <usize>load<u32>(ra, 20), <usize>load<u32>(rb, 16), <usize>load<u32>(rb, 20));
  } else {
    cmp = collCmp(<usize>load<u32>(ra), <usize>load<u32>(ra, 4), <usize>load<u32>(rb), <usize>load<u32>(rb, 4));
  }
  return sortDesc ? -cmp : cmp;
}

/** Stable merge sort of the u32 record indexes at `idx` (n of them), using `tmp`. */
function mergeSort(idx: usize, tmp: usize, n: usize): void {
  for (let width: usize = 1; width < n; width *= 2) {
    for (let lo: usize = 0; lo < n; lo += 2 * width) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + 2 * width < n ? lo + 2 * width : n;
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const a = load<u32>(idx + (i << 2)), b = load<u32>(idx + (j << 2));
        if (compare(<usize>b, <usize>a) < 0) { store<u32>(tmp + (k++ << 2), b); j++; }
        else { store<u32>(tmp + (k++ << 2), a); i++; }
      }
      while (i < mid) store<u32>(tmp + (k++ << 2), load<u32>(idx + (i++ << 2)));
      while (j < hi) store<u32>(tmp + (k++ << 2), load<u32>(idx + (j++ << 2)));
    }
    memory.copy(idx, tmp, n << 2);
  }
}

// ---- loading the elements ---------------------------------------------------------------------

function loadListRange(e: usize, start: i64, count: i64, desc: bool): void {
  const ql = objPtrOf(e);
  if (count <= 0) return;
  const len = <i64>qlCount(ql);
  if (!qlSeek(ql, desc ? len - start - 1 : start)) return;
  for (let n: i64 = 0; n < count; n++) {
    lpGetBytes(qlPosLp(), qlPosOff);
    addRec(lpPtr, lpLen);
    if (!(desc ? qlPrevPos() : qlNextPos())) break;
  }
}

function loadZsetRange(e: usize, start: i64, count: i64, desc: bool): void {
  const len = <i64>zsetLength(e);
  let p = zAtRank(e, desc ? len - start - 1 : start);
  for (let n: i64 = 0; n < count && p != 0; n++) {
    zMemberAt(e, p);
    addRec(zmPtr, zmLen);
    p = desc ? zPrev(e, p) : zNext(e, p);
  }
}

// ---- the command -----------------------------------------------------------------------------

/** Redis's sortCommandGeneric. */
function sortGeneric(readonly: bool): void {
  const db = curDb();
  let desc = false, alpha = false, dontsort = false;
  let limitStart: i64 = 0, limitCount: i64 = -1;
  let storeArg = -1, byArg = -1;
  // GET patterns: argument indexes (at most one per two arguments).
  const gets = memAlloc(<usize>(curArgc + 1) << 2);
  let getN = 0;
  for (let j = 2; j < curArgc; j++) {
    const left = curArgc - j - 1;
    if (argIs(j, "ASC")) desc = false;
    else if (argIs(j, "DESC")) desc = true;
    else if (argIs(j, "ALPHA")) alpha = true;
    else if (argIs(j, "LIMIT") && left >= 2) {
      if (!parseLongOrReply(j + 1)) { memFree(gets); return; }
      limitStart = argInt;
      if (!parseLongOrReply(j + 2)) { memFree(gets); return; }
      limitCount = argInt;
      j += 2;
    } else if (!readonly && argIs(j, "STORE") && left >= 1) {
      storeArg = j + 1;
      j++;
    } else if (argIs(j, "BY") && left >= 1) {
      byArg = j + 1;
      // A pattern without '*' cannot name per-element keys: do not sort.
      const p = argPtr(byArg);
      const n = cStrLen(p, argLen(byArg));
      let star = false;
      for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) == STAR) { star = true; break; }
      dontsort = !star;
      j++;
    } else if (argIs(j, "GET") && left >= 1) {
      store<i32>(gets + (<usize>getN << 2), j + 1);
      getN++;
      j++;
    } else {
      replyError(E_SYNTAX);
      memFree(gets);
      return;
    }
  }
  // The options first, then the key (a bad option wins over a wrong type).
  const sortval = dbLookupRead(db, argPtr(1), argLen(1));
  if (sortval != 0) {
    const t = typeOf(sortval);
    if (t != TYPE_SET && t != TYPE_LIST && t != TYPE_ZSET) {
      replyError(E_WRONGTYPE);
      memFree(gets);
      return;
    }
  }
  const type = sortval == 0 ? TYPE_LIST : typeOf(sortval);
  // Redis converts a small sorted set to a skiplist before sorting it (and
  // it stays one): OBJECT ENCODING must agree afterwards.
  if (type == TYPE_ZSET && encOf(sortval) == ENC_LISTPACK) zsetConvertToSkiplist(sortval);
  // A set has no order of its own: sorted ALPHA when stored, so the stored
  // list does not depend on the hash table.
  if (dontsort && type == TYPE_SET && storeArg >= 0) {
    dontsort = false;
    alpha = true;
    byArg = -1;
  }
  let vectorLen: i64 = sortval == 0 ? 0
    : type == TYPE_LIST ? <i64>qlCount(objPtrOf(sortval))
    : type == TYPE_SET ? <i64>setSize(sortval)
    : <i64>zsetLength(sortval);
  let start: i64 = limitStart < 0 ? 0 : limitStart;
  let end: i64 = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  arenaLen = 0;
  recN = 0;
  if (sortval != 0) {
    if ((type == TYPE_LIST || type == TYPE_ZSET) && dontsort) {
      // Unsorted: the list's or sorted set's own order, from the end DESC
      // names, and only the LIMIT range.
      const count = end - start + 1;
      if (type == TYPE_LIST) loadListRange(sortval, start, count, desc);
      else loadZsetRange(sortval, start, count, desc);
      end -= start;
      start = 0;
    } else if (type == TYPE_LIST) {
      loadListRange(sortval, 0, vectorLen, false);
    } else if (type == TYPE_SET) {
      const n = setSize(sortval);
      for (let i: u32 = 0; i < n; i++) {
        setLoad(sortval, i);
        addRec(elemPtr, elemLen);
      }
    } else {
      let p = zFirst(sortval);
      while (p != 0) {
        zMemberAt(sortval, p);
        addRec(zmPtr, zmLen);
        p = zNext(sortval, p);
      }
    }
  }

  let conversionError = false;
  const n = recN;
  const idx = memAlloc((n + 1) << 2);
  for (let i: usize = 0; i < n; i++) store<u32>(idx + (i << 2), <u32>i);
  if (!dontsort) {
    for (let i: usize = 0; i < n; i++) {
      const r = rec(i);
      let bPtr: usize, bLen: usize;
      if (byArg >= 0) {
        if (!lookupByPattern(db, byArg, arena + <usize>load<u32>(r), <usize>load<u32>(r, 4))) continue;
        bPtr = foundPtr;
        bLen = foundLen;
      } else {
        bPtr = arena + <usize>load<u32>(r);
        bLen = <usize>load<u32>(r, 4);
      }
      if (alpha) {
        if (byArg >= 0) {
          const off = keep(bPtr, bLen);
          const rr = rec(i);
          store<u32>(rr, <u32>off, 16);
          store<u32>(rr, <u32>bLen, 20);
          store<u32>(rr, 1, 24);
        }
      } else {
        // strtod over the C string: all of it must be a number, in range.
        const cl = cStrLen(bPtr, bLen);
        const used = strtodPrefix(bPtr, cl);
        if (used != cl || dblRange || isNaN(dblValue)) conversionError = true;
        store<f64>(rec(i), dblValue, 8);
      }
    }
    sortDesc = desc;
    sortAlpha = alpha;
    sortByPattern = byArg >= 0;
    const tmp = memAlloc((n + 1) << 2);
    mergeSort(idx, tmp, n);
    memFree(tmp);
  }

  const perElem: i64 = getN > 0 ? <i64>getN : 1;
  const outputLen: i64 = perElem * (end - start + 1);
  if (conversionError) {
    replyError("ERR One or more scores can't be converted into double");
  } else if (storeArg < 0) {
    replyArray(outputLen);
    for (let j = start; j <= end; j++) {
      const r = rec(<usize>load<u32>(idx + (<usize>j << 2)));
      const oPtr = arena + <usize>load<u32>(r), oLen = <usize>load<u32>(r, 4);
      if (getN == 0) replyBulk(oPtr, oLen);
      for (let g = 0; g < getN; g++) {
        // The arena does not move during lookups: they copy nothing into it.
        if (lookupByPattern(db, load<i32>(gets + (<usize>g << 2)), oPtr, oLen)) replyBulk(foundPtr, foundLen);
        else replyNull();
      }
    }
  } else {
    const dPtr = argPtr(storeArg), dLen = argLen(storeArg);
    if (outputLen > 0) {
      const ql = qlNew(listMaxListpackSize, listCompressDepth);
      for (let j = start; j <= end; j++) {
        const r = rec(<usize>load<u32>(idx + (<usize>j << 2)));
        const oPtr = arena + <usize>load<u32>(r), oLen = <usize>load<u32>(r, 4);
        if (getN == 0) qlPush(ql, oPtr, oLen, false);
        for (let g = 0; g < getN; g++) {
          if (lookupByPattern(db, load<i32>(gets + (<usize>g << 2)), oPtr, oLen)) qlPush(ql, foundPtr, foundLen, false);
          else qlPush(ql, 0, 0, false);
        }
      }
      storeList(db, dPtr, dLen, ql);
      keyChanged(db.index, dPtr, dLen, NOTIFY_LIST, "sortstore");
      addDirty(<u64>outputLen);
    } else if (dbDelete(db, dPtr, dLen)) {
      keyChanged(db.index, dPtr, dLen, NOTIFY_GENERIC, "del");
      addDirty(1);
    }
    replyInt(outputLen);
  }
  memFree(idx);
  memFree(gets);
}

/** Redis's setKey with a new list: replaces any value and its TTL. */
function storeList(db: Db, keyPtr: usize, keyLen: usize, ql: usize): void {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_LIST, E_TYPE);
  setObj(e, ql, ENC_QUICKLIST);
  const old = dbLookup(db, keyPtr, keyLen);
  if (old != 0) {
    // dbOverwrite hands the old value's LFU counter to the new one.
    if (lfuMode) store<u32>(e, load<u32>(old, E_LRU), E_LRU);
    freeValue(old);
    dbReplaceEntry(db, old, e);
  } else {
    dbAdd(db, e);
  }
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
// [ALPHA] [STORE destination] — array of elements (or GET values), or with
// STORE the number of elements stored. O(N + M log M).
function cmdSort(): void { sortGeneric(false); }

// SORT_RO key ... — SORT without STORE. O(N + M log M).
function cmdSortRo(): void { sortGeneric(true); }

export function register(): void {
  reg(CMD_SORT, cmdSort);
  reg(CMD_SORT_RO, cmdSortRo);
}
