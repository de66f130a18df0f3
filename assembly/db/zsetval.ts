// Sorted set values in their two encodings, as Redis 7.0 keeps them
// (t_zset.c), and the operations the commands share:
//
//   listpack  small sets: one ds/listpack.ts block of (member, score) pairs
//             ordered by score, then member bytes. A score is stored as
//             Redis 7.0's zzlInsertAt writes it: integral values within
//             ±2^62 as listpack integers (-0 included, read back as 0),
//             others as the "%.17g" text ("inf", "-inf"), so the block is
//             byte for byte Redis's (ZSCAN shows this text).
//   skiplist  a ZSet block: a ds/skiplist.ts list whose nodes are also the
//             entries of a ds/dict.ts dict from member to node, so each
//             member is stored once and found in O(1).
//
//   ZSet layout (one 8-byte block):  0 zsl u32 | 4 dict u32
//
// The entry's value pointer is the listpack itself (it moves when the
// listpack grows: every write re-stores it with setObj) or the ZSet block.
// A set leaves the listpack when an insert would pass zset-max-listpack-
// entries or a member is longer than zset-max-listpack-value (read from
// db/limits.ts at each write); it never converts back, except that the
// store commands (ZUNIONSTORE...) choose their destination's encoding.
//
// Positions: the range code walks either encoding through a u32 position,
// the member's byte offset in the listpack or the skiplist node address
// (0 = none), with zFirst/zNext/zPrev/... below. A listpack position is
// invalidated by any write to that listpack.
//
// Costs: listpack operations O(N) (N <= the entries limit); skiplist
// find O(1), insert/delete/rank O(log N).

import { memAlloc, memFree, blockFootprint, bytesCompare } from "../ds/mem";
import { hashBytes } from "../ds/hash";
import {
  Dict, dictNew, dictFree, dictFind, dictInsert, dictUnlink, dictShrinkIfNeeded,
} from "../ds/dict";
import {
  Skiplist, zslCreate, zslFree, zslFootprint, zslFreeNode, zslInsert, zslDelete, zslUpdateScore,
  zslGetRank, zslByRank, zslFirst, zslLast, nodeNext, nodeBackward, nodeScore, nodeLen, nodeKey,
  zslFirstInRange, zslLastInRange, zslFirstInLexRange, zslLastInLexRange, zslDeleteRangeByScore,
  zslDeleteRangeByLex, zslDeleteRangeByRank, gteMin, lteMax, lexGteMin, lexLteMax, scoreRangeEmpty,
  lexRangeEmpty, NODE_KEY,
} from "../ds/skiplist";
import {
  lpNew, lpFree, lpBytes, lpLength, lpFirst, lpNext, lpPrev, lpLast, lpSeek, lpGet, lpGetBytes,
  lpFind, lpInsertBefore, lpInsertIntBefore, lpDeleteRangeAt, lpDup, lpInt, lpPtr, lpLen,
} from "../ds/listpack";
import {
  E_TYPE, TYPE_ZSET, ENC_LISTPACK, ENC_SKIPLIST, E_LRU, encOf, objPtrOf, setObj,
} from "./entry";
import { registerValueType, freeValue } from "./object";
import { Db, newEntry, hashKey, dbAdd, dbLookup, dbReplaceEntry } from "./db";
import { lfuMode } from "./lru";
import { zsetMaxListpackEntries, zsetMaxListpackValue } from "./limits";
import { strtodPrefix, dblValue, formatDouble, DOUBLE_FMT_MAX } from "../util/double";

@unmanaged export class ZSet {
  zsl: Skiplist;
  dict: Dict;
}

// Redis refuses to grow a listpack past 1 GiB (LISTPACK_MAX_SAFETY_SIZE).
const LISTPACK_MAX_SAFETY_SIZE: u64 = 1 << 30;

// ---- the value type ---------------------------------------------------------------

function zsetFree(e: usize): void {
  const p = objPtrOf(e);
  if (encOf(e) == ENC_LISTPACK) { lpFree(p); return; }
  const z = changetype<ZSet>(p);
  dictFree(z.dict);
  zslFree(z.zsl);
  memFree(p);
}

function dictFootprint(d: Dict): usize {
  let n = blockFootprint(changetype<usize>(d));
  if (d.t0 != 0) n += blockFootprint(<usize>d.t0);
  if (d.t1 != 0) n += blockFootprint(<usize>d.t1);
  return n;
}

function zsetFootprint(e: usize): usize {
  const p = objPtrOf(e);
  if (encOf(e) == ENC_LISTPACK) return blockFootprint(p);
  const z = changetype<ZSet>(p);
  return blockFootprint(p) + zslFootprint(z.zsl) + dictFootprint(z.dict);
}

function zsetDupValue(e: usize): void {
  const p = objPtrOf(e);
  if (encOf(e) == ENC_LISTPACK) { setObj(e, lpDup(p), ENC_LISTPACK); return; }
  const src = changetype<ZSet>(p);
  const z = newZSet();
  // From the tail: each insert lands at the head, so every search is short.
  let x = zslLast(src.zsl);
  while (x != 0) {
    skiplistInsert(z, nodeScore(x), nodeKey(x), nodeLen(x), load<u32>(x, 4));
    x = nodeBackward(x);
  }
  setObj(e, changetype<usize>(z), ENC_SKIPLIST);
}

export function registerZsetType(): void {
  registerValueType(TYPE_ZSET, zsetFree, zsetFootprint, zsetDupValue);
}

// ---- scores in listpacks ---------------------------------------------------------------

const SCORE_BUF = memory.data(<i32>DOUBLE_FMT_MAX);

/** A listpack score element's value (zzlGetScore). */
function lpScoreAt(lp: usize, off: u32): f64 {
  if (lpGet(lp, off)) return <f64>lpInt;
  strtodPrefix(lpPtr, lpLen);
  return dblValue;
}

// Redis's double2ll bound: integral scores within ±LLONG_MAX/2 (as a double)
// are stored as listpack integers (so -0 becomes 0 there).
const LL_HALF: f64 = 4611686018427387904.0;

/** Inserts `score` before `off` as zzlInsertAt writes it; returns the listpack. */
function lpInsertScore(lp: usize, off: u32, score: f64): usize {
  if (score >= -LL_HALF && score <= LL_HALF && score == <f64><i64>score) {
    return lpInsertIntBefore(lp, off, <i64>score);
  }
  const n = formatDouble(SCORE_BUF, score);
  return lpInsertBefore(lp, off, SCORE_BUF, n);
}

// ---- listpack encoding (Redis's zzl* functions) --------------------------------------

/** Compares the member at `off` with the bytes (memcmp order). */
function lpCompareMember(lp: usize, off: u32, ptr: usize, len: usize): i32 {
  lpGetBytes(lp, off);
  return bytesCompare(lpPtr, lpLen, ptr, len);
}

/** Inserts (member, score) at its place in order; returns the listpack. */
function zzlInsert(lp: usize, ptr: usize, len: usize, score: f64): usize {
  let off = lpFirst(lp);
  while (off != 0) {
    const sOff = lpNext(lp, off);
    const s = lpScoreAt(lp, sOff);
    if (s > score || (s == score && lpCompareMember(lp, off, ptr, len) > 0)) break;
    off = lpNext(lp, sOff);
  }
  const at = off != 0 ? off : lpBytes(lp) - 1;
  lp = lpInsertBefore(lp, at, ptr, len);
  return lpInsertScore(lp, lpNext(lp, at) != 0 ? lpNext(lp, at) : lpBytes(lp) - 1, score);
}

/** Deletes the pair whose member is at `off`; returns the listpack. */
function zzlDelete(lp: usize, off: u32): usize {
  return lpDeleteRangeAt(lp, off, 2);
}

/** The member's offset in the listpack, 0 if absent; its score in zScoreFound. */
function zzlFind(lp: usize, ptr: usize, len: usize): u32 {
  const first = lpFirst(lp);
  if (first == 0) return 0;
  const off = lpFind(lp, first, ptr, len, 1);
  if (off != 0) zScoreFound = lpScoreAt(lp, lpNext(lp, off));
  return off;
}

// ---- skiplist encoding ---------------------------------------------------------------

function newZSet(): ZSet {
  const z = changetype<ZSet>(memAlloc(offsetof<ZSet>()));
  z.zsl = zslCreate();
  z.dict = dictNew(<u32>NODE_KEY);
  return z;
}

function skiplistInsert(z: ZSet, score: f64, ptr: usize, len: usize, hash: u32): usize {
  const x = zslInsert(z.zsl, score, ptr, len, hash);
  dictInsert(z.dict, x);
  return x;
}

/** Builds a ZSet from a listpack (zsetConvert to skiplist). */
function zsetFromListpack(lp: usize): ZSet {
  const z = newZSet();
  let off = lpFirst(lp);
  while (off != 0) {
    const sOff = lpNext(lp, off);
    const score = lpScoreAt(lp, sOff);
    lpGetBytes(lp, off);
    skiplistInsert(z, score, lpPtr, lpLen, hashBytes(lpPtr, lpLen));
    off = lpNext(lp, sOff);
  }
  return z;
}

/** Turns a listpack-encoded value into a skiplist one. */
export function zsetConvertToSkiplist(e: usize): void {
  if (encOf(e) != ENC_LISTPACK) return;
  const lp = objPtrOf(e);
  const z = zsetFromListpack(lp);
  lpFree(lp);
  setObj(e, changetype<usize>(z), ENC_SKIPLIST);
}

// Node currently being removed by a range delete: drop it from the dict too.
let rangeOwner: ZSet = changetype<ZSet>(0);
function dropRemovedNode(x: usize): void {
  dictUnlink(rangeOwner.dict, x);
  zslFreeNode(rangeOwner.zsl, x);
}

// ---- whole-value queries ------------------------------------------------------------------

// @ts-ignore: decorator
@inline export function zsetZ(e: usize): ZSet { return changetype<ZSet>(objPtrOf(e)); }

export function zsetLength(e: usize): u32 {
  if (encOf(e) == ENC_LISTPACK) return lpLength(objPtrOf(e)) >> 1;
  return zsetZ(e).zsl.length;
}

/** The score found by the last successful zsetScore / zzlFind. */
export let zScoreFound: f64 = 0;

/** Looks a member up; its score in zScoreFound. */
export function zsetScore(e: usize, ptr: usize, len: usize): bool {
  if (encOf(e) == ENC_LISTPACK) return zzlFind(objPtrOf(e), ptr, len) != 0;
  const x = dictFind(zsetZ(e).dict, ptr, len, hashBytes(ptr, len));
  if (x == 0) return false;
  zScoreFound = nodeScore(x);
  return true;
}

/**
 * 0-based rank of a member (from the highest score when `reverse`), or -1.
 * Its score is left in zScoreFound.
 */
export function zsetRank(e: usize, ptr: usize, len: usize, reverse: bool): i64 {
  const n = <i64>zsetLength(e);
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    let off = lpFirst(lp);
    let rank: i64 = 0;
    while (off != 0) {
      const sOff = lpNext(lp, off);
      lpGetBytes(lp, off);
      if (lpLen == len && bytesCompare(lpPtr, lpLen, ptr, len) == 0) {
        zScoreFound = lpScoreAt(lp, sOff);
        return reverse ? n - 1 - rank : rank;
      }
      rank++;
      off = lpNext(lp, sOff);
    }
    return -1;
  }
  const z = zsetZ(e);
  const x = dictFind(z.dict, ptr, len, hashBytes(ptr, len));
  if (x == 0) return -1;
  zScoreFound = nodeScore(x);
  const r = <i64>zslGetRank(z.zsl, nodeScore(x), ptr, len);
  return reverse ? n - r : r - 1;
}

// ---- creating and storing ----------------------------------------------------------------

/** A new empty value: its pointer, in the encoding asked for. */
function zsetNewValue(skiplist: bool): usize {
  return skiplist ? changetype<usize>(newZSet()) : lpNew();
}

/** Creates the key holding an empty sorted set and adds it to the db (ZADD's creation). */
export function zsetCreateKey(db: Db, keyPtr: usize, keyLen: usize, skiplist: bool): usize {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_ZSET, E_TYPE);
  setObj(e, zsetNewValue(skiplist), skiplist ? ENC_SKIPLIST : ENC_LISTPACK);
  dbAdd(db, e);
  return e;
}

/**
 * Redis's setKey for a sorted set built aside (the STORE commands): the key
 * takes the value whatever it held, loses its TTL, and a new key is added
 * with dbAdd (which wakes blocked clients). An existing key is overwritten
 * in place: like Redis's dbOverwrite this wakes nobody.
 */
export function zsetStoreKey(db: Db, keyPtr: usize, keyLen: usize, valPtr: usize, enc: u8): void {
  const old = dbLookup(db, keyPtr, keyLen);
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_ZSET, E_TYPE);
  setObj(e, valPtr, enc);
  if (old == 0) {
    dbAdd(db, e);
    return;
  }
  // Under an LFU policy the new value inherits the old one's counter.
  if (lfuMode) store<u32>(e, load<u32>(old, E_LRU), E_LRU);
  freeValue(old);
  dbReplaceEntry(db, old, e);
}

// ---- ZADD's core (zsetAdd) -----------------------------------------------------------------

export const ZADD_IN_INCR: i32 = 1;
export const ZADD_IN_NX: i32 = 2;
export const ZADD_IN_XX: i32 = 4;
export const ZADD_IN_GT: i32 = 8;
export const ZADD_IN_LT: i32 = 16;

export const ZADD_OUT_NOP: i32 = 1;
export const ZADD_OUT_NAN: i32 = 2;
export const ZADD_OUT_ADDED: i32 = 4;
export const ZADD_OUT_UPDATED: i32 = 8;

/** The score the member ended with (zsetAdd's newscore). */
export let zNewScore: f64 = 0;

/**
 * Redis's zsetAdd: adds or updates one member under the NX/XX/GT/LT/INCR
 * rules and returns the ZADD_OUT_* flags. ZADD_OUT_NAN: INCR made a NaN and
 * nothing changed. May convert the value to a skiplist first.
 */
export function zsetAdd(e: usize, score: f64, ptr: usize, len: usize, flags: i32): i32 {
  const incr = (flags & ZADD_IN_INCR) != 0;
  const nx = (flags & ZADD_IN_NX) != 0;
  const xx = (flags & ZADD_IN_XX) != 0;
  const gt = (flags & ZADD_IN_GT) != 0;
  const lt = (flags & ZADD_IN_LT) != 0;
  if (encOf(e) == ENC_LISTPACK) {
    let lp = objPtrOf(e);
    const off = zzlFind(lp, ptr, len);
    if (off != 0) {
      if (nx) return ZADD_OUT_NOP;
      const cur = zScoreFound;
      if (incr) {
        score += cur;
        if (isNaN(score)) return ZADD_OUT_NAN;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
      zNewScore = score;
      if (score != cur) {
        lp = zzlDelete(lp, off);
        lp = zzlInsert(lp, ptr, len, score);
        setObj(e, lp, ENC_LISTPACK);
        return ZADD_OUT_UPDATED;
      }
      return 0;
    }
    if (xx) return ZADD_OUT_NOP;
    if (<u64>lpLength(lp) / 2 + 1 > zsetMaxListpackEntries || <u64>len > zsetMaxListpackValue ||
        <u64>lpBytes(lp) + <u64>len > LISTPACK_MAX_SAFETY_SIZE) {
      zsetConvertToSkiplist(e);
    } else {
      setObj(e, zzlInsert(lp, ptr, len, score), ENC_LISTPACK);
      zNewScore = score;
      return ZADD_OUT_ADDED;
    }
  }
  const z = zsetZ(e);
  const hash = hashBytes(ptr, len);
  const x = dictFind(z.dict, ptr, len, hash);
  if (x != 0) {
    if (nx) return ZADD_OUT_NOP;
    const cur = nodeScore(x);
    if (incr) {
      score += cur;
      if (isNaN(score)) return ZADD_OUT_NAN;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
    zNewScore = score;
    if (score != cur) {
      zslUpdateScore(z.zsl, x, score);
      return ZADD_OUT_UPDATED;
    }
    return 0;
  }
  if (xx) return ZADD_OUT_NOP;
  skiplistInsert(z, score, ptr, len, hash);
  zNewScore = score;
  return ZADD_OUT_ADDED;
}

/** Removes a member; false if it was not there. The caller deletes an emptied key. */
export function zsetDel(e: usize, ptr: usize, len: usize): bool {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const off = zzlFind(lp, ptr, len);
    if (off == 0) return false;
    setObj(e, zzlDelete(lp, off), ENC_LISTPACK);
    return true;
  }
  const z = zsetZ(e);
  const x = dictFind(z.dict, ptr, len, hashBytes(ptr, len));
  if (x == 0) return false;
  dictUnlink(z.dict, x);
  zslDelete(z.zsl, nodeScore(x), ptr, len);
  zslFreeNode(z.zsl, x);
  dictShrinkIfNeeded(z.dict);
  return true;
}

// ---- positions ---------------------------------------------------------------------------

/** The member at a position: bytes in zmPtr/zmLen (listpack integers formatted to scratch). */
export let zmPtr: usize = 0;
export let zmLen: usize = 0;

export function zFirst(e: usize): u32 {
  if (encOf(e) == ENC_LISTPACK) return lpFirst(objPtrOf(e));
  return <u32>zslFirst(zsetZ(e).zsl);
}

export function zLast(e: usize): u32 {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const s = lpLast(lp);
    return s == 0 ? 0 : lpPrev(lp, s);
  }
  return <u32>zslLast(zsetZ(e).zsl);
}

export function zNext(e: usize, p: u32): u32 {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const s = lpNext(lp, p);
    return s == 0 ? 0 : lpNext(lp, s);
  }
  return <u32>nodeNext(<usize>p);
}

export function zPrev(e: usize, p: u32): u32 {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const m = lpPrev(lp, p);
    return m == 0 ? 0 : lpPrev(lp, m);
  }
  return <u32>nodeBackward(<usize>p);
}

/** The position of 0-based rank `rank` (from the lowest score), 0 if out of range. */
export function zAtRank(e: usize, rank: i64): u32 {
  if (rank < 0 || rank >= <i64>zsetLength(e)) return 0;
  if (encOf(e) == ENC_LISTPACK) return lpSeek(objPtrOf(e), rank * 2);
  return <u32>zslByRank(zsetZ(e).zsl, <u64>rank + 1);
}

export function zMemberAt(e: usize, p: u32): void {
  if (encOf(e) == ENC_LISTPACK) {
    lpGetBytes(objPtrOf(e), p);
    zmPtr = lpPtr;
    zmLen = lpLen;
    return;
  }
  zmPtr = nodeKey(<usize>p);
  zmLen = nodeLen(<usize>p);
}

export function zScoreAt(e: usize, p: u32): f64 {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    return lpScoreAt(lp, lpNext(lp, p));
  }
  return nodeScore(<usize>p);
}

// ---- ranges (bounds set with ds/skiplist.ts setScoreRange / setLexMin / setLexMax) -------

/** First position whose score is in the range, or 0. */
export function zFirstInRange(e: usize): u32 {
  if (encOf(e) != ENC_LISTPACK) return <u32>zslFirstInRange(zsetZ(e).zsl);
  if (!lpInRange(e)) return 0;
  let p = zFirst(e);
  while (p != 0) {
    const s = zScoreAt(e, p);
    if (gteMin(s)) return lteMax(s) ? p : 0;
    p = zNext(e, p);
  }
  return 0;
}

/** Last position whose score is in the range, or 0. */
export function zLastInRange(e: usize): u32 {
  if (encOf(e) != ENC_LISTPACK) return <u32>zslLastInRange(zsetZ(e).zsl);
  if (!lpInRange(e)) return 0;
  let p = zLast(e);
  while (p != 0) {
    const s = zScoreAt(e, p);
    if (lteMax(s)) return gteMin(s) ? p : 0;
    p = zPrev(e, p);
  }
  return 0;
}

/**
 * zzlIsInLexRange: the range is not empty, the last member is not below it
 * and the first not above it. Only these two ends are checked, so with mixed
 * scores (not lex-ordered) Redis can answer "nothing" here: so must we.
 */
function lpInLexRange(e: usize): bool {
  if (lexRangeEmpty()) return false;
  const last = zLast(e);
  if (last == 0) return false;
  zMemberAt(e, last);
  if (!lexGteMin(zmPtr, zmLen)) return false;
  zMemberAt(e, zFirst(e));
  return lexLteMax(zmPtr, zmLen);
}

/** zzlIsInRange: the score range is not empty and overlaps first..last. */
function lpInRange(e: usize): bool {
  if (scoreRangeEmpty()) return false;
  const last = zLast(e);
  if (last == 0 || !gteMin(zScoreAt(e, last))) return false;
  return lteMax(zScoreAt(e, zFirst(e)));
}

/** First position whose member is in the lex range, or 0. */
export function zFirstInLex(e: usize): u32 {
  if (encOf(e) != ENC_LISTPACK) return <u32>zslFirstInLexRange(zsetZ(e).zsl);
  if (!lpInLexRange(e)) return 0;
  let p = zFirst(e);
  while (p != 0) {
    zMemberAt(e, p);
    if (lexGteMin(zmPtr, zmLen)) return lexLteMax(zmPtr, zmLen) ? p : 0;
    p = zNext(e, p);
  }
  return 0;
}

/** Last position whose member is in the lex range, or 0. */
export function zLastInLex(e: usize): u32 {
  if (encOf(e) != ENC_LISTPACK) return <u32>zslLastInLexRange(zsetZ(e).zsl);
  if (!lpInLexRange(e)) return 0;
  let p = zLast(e);
  while (p != 0) {
    zMemberAt(e, p);
    if (lexLteMax(zmPtr, zmLen)) return lexGteMin(zmPtr, zmLen) ? p : 0;
    p = zPrev(e, p);
  }
  return 0;
}

// ---- range removal -------------------------------------------------------------------------

/** Removes the members of 0-based ranks start..end (valid, start <= end); returns how many. */
export function zsetRemoveRangeByRank(e: usize, start: i64, end: i64): u64 {
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    const off = lpSeek(lp, start * 2);
    setObj(e, lpDeleteRangeAt(lp, off, <u32>(2 * (end - start + 1))), ENC_LISTPACK);
    return <u64>(end - start + 1);
  }
  const z = zsetZ(e);
  rangeOwner = z;
  const n = zslDeleteRangeByRank(z.zsl, <u64>start + 1, <u64>end + 1, dropRemovedNode);
  dictShrinkIfNeeded(z.dict);
  return n;
}

/** Removes the members in the score range; returns how many. */
export function zsetRemoveRangeByScore(e: usize): u64 {
  if (encOf(e) == ENC_LISTPACK) {
    const first = zFirstInRange(e);
    if (first == 0) return 0;
    let n: u32 = 0;
    let p = first;
    while (p != 0 && lteMax(zScoreAt(e, p))) { n++; p = zNext(e, p); }
    setObj(e, lpDeleteRangeAt(objPtrOf(e), first, n * 2), ENC_LISTPACK);
    return <u64>n;
  }
  const z = zsetZ(e);
  rangeOwner = z;
  const n = zslDeleteRangeByScore(z.zsl, dropRemovedNode);
  dictShrinkIfNeeded(z.dict);
  return n;
}

/** Removes the members in the lex range; returns how many. */
export function zsetRemoveRangeByLex(e: usize): u64 {
  if (encOf(e) == ENC_LISTPACK) {
    const first = zFirstInLex(e);
    if (first == 0) return 0;
    let n: u32 = 0;
    let p = first;
    while (p != 0) {
      zMemberAt(e, p);
      if (!lexLteMax(zmPtr, zmLen)) break;
      n++;
      p = zNext(e, p);
    }
    setObj(e, lpDeleteRangeAt(objPtrOf(e), first, n * 2), ENC_LISTPACK);
    return <u64>n;
  }
  const z = zsetZ(e);
  rangeOwner = z;
  const n = zslDeleteRangeByLex(z.zsl, dropRemovedNode);
  dictShrinkIfNeeded(z.dict);
  return n;
}

// ---- building values aside (store commands, ZRANGESTORE) ----------------------------------

/** A skiplist value being built; add members in any order. */
export function zbuildNew(): ZSet { return newZSet(); }

/** Adds a member known to be absent (the union/inter/diff builders check first). */
export function zbuildInsert(z: ZSet, score: f64, ptr: usize, len: usize): void {
  skiplistInsert(z, score, ptr, len, hashBytes(ptr, len));
}

/** The node holding a member of a value being built, or 0. */
export function zbuildFind(z: ZSet, ptr: usize, len: usize): usize {
  return dictFind(z.dict, ptr, len, hashBytes(ptr, len));
}

/** Removes a member's node from a value being built. */
export function zbuildRemove(z: ZSet, x: usize): void {
  dictUnlink(z.dict, x);
  zslDelete(z.zsl, nodeScore(x), nodeKey(x), nodeLen(x));
  zslFreeNode(z.zsl, x);
}

export function zbuildLength(z: ZSet): u32 { return z.zsl.length; }

export function zbuildFree(z: ZSet): void {
  dictFree(z.dict);
  zslFree(z.zsl);
  memFree(changetype<usize>(z));
}

/**
 * Redis's zsetConvertToListpackIfNeeded for a value built aside: returns
 * the value to store and sets zbuildEnc. Small enough (entries, longest
 * member, total bytes) becomes a listpack; otherwise the ZSet stays.
 */
export let zbuildEnc: u8 = ENC_SKIPLIST;
export function zbuildFinish(z: ZSet, maxLen: u64, totLen: u64): usize {
  if (<u64>z.zsl.length <= zsetMaxListpackEntries && maxLen <= zsetMaxListpackValue &&
      totLen <= LISTPACK_MAX_SAFETY_SIZE) {
    let lp = lpNew();
    let x = zslFirst(z.zsl);
    while (x != 0) {
      lp = lpInsertBefore(lp, lpBytes(lp) - 1, nodeKey(x), nodeLen(x));
      lp = lpInsertScore(lp, lpBytes(lp) - 1, nodeScore(x));
      x = nodeNext(x);
    }
    zbuildFree(z);
    zbuildEnc = ENC_LISTPACK;
    return lp;
  }
  zbuildEnc = ENC_SKIPLIST;
  return changetype<usize>(z);
}
