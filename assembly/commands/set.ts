// Set commands: SADD SCARD SDIFF SDIFFSTORE SINTER SINTERCARD SINTERSTORE
// SISMEMBER SMEMBERS SMISMEMBER SMOVE SPOP SRANDMEMBER SREM SSCAN SUNION
// SUNIONSTORE, as Redis 7.0's t_set.c.
//
// Values live in db/setval.ts (intset or hashtable). What clients can see
// beyond the members, and so what the handlers copy from Redis on purpose:
// - which error wins: argument errors before the key's type, and every
//   source key of SINTER/SUNION/SDIFF is type-checked even after a missing
//   one;
// - OBJECT ENCODING of computed sets: the STORE commands, SPOP's
//   "keep the rest" strategy and SPOP's whole-set answer build their result
//   in a fresh set that starts as an intset, member by member, so the result
//   is an intset exactly when Redis's would be (and an intset replies in
//   ascending order, which clients see too);
// - reply shapes: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count
//   reply a set (RESP3 `~`), SRANDMEMBER with a count an array (it may
//   repeat members).
// Which lookup each command uses (read lookups count keyspace hits/misses)
// also follows Redis: the STORE variants read their sources as reads.

import { propEnabled, propReplace, rewriteBegin, opBegin, opArg, opArgAscii, opEnd } from "../db/propagate";
import { register as reg } from "./dispatch";
import {
  CMD_SADD, CMD_SCARD, CMD_SDIFF, CMD_SDIFFSTORE, CMD_SINTER, CMD_SINTERCARD, CMD_SINTERSTORE,
  CMD_SISMEMBER, CMD_SMEMBERS, CMD_SMISMEMBER, CMD_SMOVE, CMD_SPOP, CMD_SRANDMEMBER, CMD_SREM,
  CMD_SSCAN, CMD_SUNION, CMD_SUNIONSTORE,
} from "./table.gen";
import { curDb, closeForReplySize, roomFor, wrongType, argIs } from "./context";
import {
  cursorOrReply, scanCursor, scanOptionsOrReply, scanCount, scanUsePattern, scanPatPtr, scanPatLen,
  scanGather, scanLen, scanAt, scanPut, scanDone, replyEmptyScan,
} from "./scan";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyInt, replyError, replyNull, replyBulk, replyBulkU64, replyArray, replySet, outMark,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_INTEGER, E_SET_COUNT_POSITIVE, E_SET_RANDMEMBER_RANGE,
  E_SET_NUMKEYS, E_SET_NUMKEYS_ARGS, E_SET_LIMIT_NEGATIVE,
} from "../resp/errors";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_SET, NOTIFY_GENERIC } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import {
  Db, addDirty, dbLookup, dbLookupRead, dbAdd, dbDelete, dbDeleteEntry, dbReplaceEntry, hashKey, newEntry,
  noteKeyspaceRead,
} from "../db/db";
import { typeOf, encOf, TYPE_SET, ENC_INTSET, E_LRU } from "../db/entry";
import { lfuMode } from "../db/lru";
import { freeValue } from "../db/object";
import {
  setSize, setAdd, setRemove, setRemoveAt, setIsMember, setHasElem, setLoad, setRandomPos, setNewEntry,
  setNewTemp, setFreeEntry, setMoveValue, setInitValue, setDict, memberPtr, memberLen, registerSetType,
  elemPtr, elemLen,
} from "../db/setval";
import { memAlloc, memCalloc, memFree, memRealloc, MAX_BLOCK } from "../ds/mem";
import { randomBelow } from "../ds/hash";
import { globMatch } from "../util/glob";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";

const I64_MIN: i64 = -9223372036854775808;

// ---- shared helpers ------------------------------------------------------------

/** Writes every member of `e`, in position order, after a set header. */
function replyMembers(e: usize): void {
  const n = setSize(e);
  replySet(<i64>n);
  for (let i: u32 = 0; i < n; i++) {
    setLoad(e, i);
    replyBulk(elemPtr, elemLen);
  }
}

/** Adds every member of `src` to `dst`; returns how many were new. */
function addAll(dst: usize, src: usize): u32 {
  const n = setSize(src);
  let added: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    setLoad(src, i);
    if (setAdd(dst, elemPtr, elemLen)) added++;
  }
  return added;
}

/**
 * Sorts `n` u64 keys in place (heapsort: O(n log n), no extra memory).
 * Callers put a set's size in the high half and its argument index in the
 * low half, so keys are distinct and ties keep argument order, as the
 * stable qsort Redis gets from glibc does.
 */
function sortKeys(p: usize, n: u32): void {
  if (n < 2) return;
  let start = n >> 1;
  let end = n;
  while (end > 1) {
    if (start > 0) {
      start--;
    } else {
      end--;
      const t = load<u64>(p + (<usize>end << 3));
      store<u64>(p + (<usize>end << 3), load<u64>(p));
      store<u64>(p, t);
    }
    let root = start;
    while (true) {
      let child = root * 2 + 1;
      if (child >= end) break;
      if (child + 1 < end && load<u64>(p + (<usize>(child + 1) << 3)) > load<u64>(p + (<usize>child << 3))) child++;
      const a = p + (<usize>root << 3);
      const b = p + (<usize>child << 3);
      if (load<u64>(a) >= load<u64>(b)) break;
      const t = load<u64>(a);
      store<u64>(a, load<u64>(b));
      store<u64>(b, t);
      root = child;
    }
  }
}

/**
 * Stores the computed set `tmp` (an unlinked entry made for the destination
 * key) under that key, replacing any value of any type and its TTL, as
 * Redis's setKey; an empty result deletes the destination instead. Replies
 * the result's size. Consumes `tmp`.
 */
function storeResult(db: Db, dstArg: i32, tmp: usize, event: string): void {
  const n = setSize(tmp);
  if (n > 0) {
    const old = dbLookup(db, argPtr(dstArg), argLen(dstArg));
    if (old != 0) {
      // Redis's dbOverwrite hands the old value's LFU counter to the new one.
      if (lfuMode) store<u32>(tmp, load<u32>(old, E_LRU), E_LRU);
      freeValue(old);
      dbReplaceEntry(db, old, tmp);
    } else {
      dbAdd(db, tmp);
    }
    keyChanged(db.index, argPtr(dstArg), argLen(dstArg), NOTIFY_SET, event);
    addDirty(1);
    replyInt(<i64>n);
  } else {
    setFreeEntry(tmp);
    deleteDest(db, dstArg);
    replyInt(0);
  }
}

/** An empty STORE result deletes the destination (a "del" event if it existed). */
function deleteDest(db: Db, dstArg: i32): void {
  if (dbDelete(db, argPtr(dstArg), argLen(dstArg))) {
    addDirty(1);
    keyChanged(db.index, argPtr(dstArg), argLen(dstArg), NOTIFY_GENERIC, "del");
  }
}

/** An empty set entry for the destination argument, unlinked. */
function newDestEntry(dstArg: i32): usize {
  const e = newEntry(argPtr(dstArg), argLen(dstArg), hashKey(argPtr(dstArg), argLen(dstArg)), 0, false);
  setInitValue(e, true);
  return e;
}

// ---- adding and removing ----------------------------------------------------------

// SADD key member [member ...] — integer: members added. O(1) per member
// (O(N) per member while an intset, as Redis).
function cmdSadd(): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) {
    e = setNewEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), argPtr(2), argLen(2));
    dbAdd(db, e);
  } else if (wrongType(e, TYPE_SET)) {
    return;
  }
  let added: i64 = 0;
  for (let i = 2; i < curArgc; i++) {
    if (setAdd(e, argPtr(i), argLen(i))) added++;
  }
  if (added > 0) keyChanged(db.index, keyPtr, keyLen, NOTIFY_SET, "sadd");
  addDirty(<u64>added);
  replyInt(added);
}

// SREM key member [member ...] — integer: members removed; the key goes
// when it empties. O(N) in members given.
function cmdSrem(): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_SET)) return;
  let deleted: i64 = 0;
  let keyRemoved = false;
  for (let i = 2; i < curArgc; i++) {
    if (setRemove(e, argPtr(i), argLen(i))) {
      deleted++;
      if (setSize(e) == 0) {
        dbDeleteEntry(db, e);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_SET, "srem");
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
  }
  addDirty(<u64>deleted);
  replyInt(deleted);
}

// SMOVE source destination member — integer: 1 if moved, 0 if the member
// (or the source) was missing. A missing source wins over a destination of
// the wrong type; moving within one key only tests membership. O(1).
function cmdSmove(): void {
  const db = curDb();
  const src = dbLookup(db, argPtr(1), argLen(1));
  let dst = dbLookup(db, argPtr(2), argLen(2));
  if (src == 0) { replyInt(0); return; }
  if (wrongType(src, TYPE_SET) || wrongType(dst, TYPE_SET)) return;
  const mPtr = argPtr(3), mLen = argLen(3);
  if (src == dst) {
    replyInt(setIsMember(src, mPtr, mLen) ? 1 : 0);
    return;
  }
  if (!setRemove(src, mPtr, mLen)) { replyInt(0); return; }
  notifyKeyspaceEvent(NOTIFY_SET, "srem", argPtr(1), argLen(1), db.index);
  if (setSize(src) == 0) {
    dbDeleteEntry(db, src);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
  }
  if (dst == 0) {
    dst = setNewEntry(argPtr(2), argLen(2), hashKey(argPtr(2), argLen(2)), mPtr, mLen);
    dbAdd(db, dst);
  }
  signalModifiedKey(db.index, argPtr(1), argLen(1));
  addDirty(1);
  if (setAdd(dst, mPtr, mLen)) {
    addDirty(1);
    keyChanged(db.index, argPtr(2), argLen(2), NOTIFY_SET, "sadd");
  }
  replyInt(1);
}

// ---- membership -----------------------------------------------------------------

// SISMEMBER key member — integer 1/0. O(1).
function cmdSismember(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_SET)) return;
  replyInt(setIsMember(e, argPtr(2), argLen(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...] — array of integers 1/0, one per
// member (all 0 for a missing key). O(N) in members given.
function cmdSmismember(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (wrongType(e, TYPE_SET)) return;
  replyArray(<i64>(curArgc - 2));
  for (let i = 2; i < curArgc; i++) {
    replyInt(e != 0 && setIsMember(e, argPtr(i), argLen(i)) ? 1 : 0);
  }
}

// SCARD key — integer: number of members, 0 for a missing key. O(1).
function cmdScard(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_SET)) return;
  replyInt(<i64>setSize(e));
}

// ---- random members ---------------------------------------------------------------

// SPOP's strategy switch (Redis's SPOP_MOVE_STRATEGY_MUL): when at most
// count/5 members would stay, build the survivors into a new set instead of
// removing `count` members one by one.
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;
// SRANDMEMBER's (SRANDMEMBER_SUB_STRATEGY_MUL): when count is over a third
// of the set, shuffle all positions instead of drawing and rejecting repeats.
const SRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;

/**
 * SPOP key count: `count` distinct random members, removed. All of them
 * (and the key) when count >= size; otherwise removes random members one at
 * a time, or, when few would remain, moves random survivors into a new set
 * (which starts as an intset, as Redis's does) and replies the rest.
 * Counts one change per member popped, as Redis 7.0 does.
 */
/** SREM key <the member loaded in elemPtr>, as an op of the running command. */
function propagateSrem(db: i32): void {
  if (!propEnabled) return;
  opBegin(db, 3);
  opArgAscii("SREM");
  opArg(argPtr(1), argLen(1));
  opArg(elemPtr, elemLen);
  opEnd();
}

function spopWithCount(): void {
  if (parseI64Strict(argPtr(2), argLen(2)) != PARSE_OK || parsedI64 < 0) {
    replyError(E_SET_COUNT_POSITIVE);
    return;
  }
  const count = <u64>parsedI64;
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replySet(0); return; }
  if (wrongType(e, TYPE_SET)) return;
  if (count == 0) { replySet(0); return; }
  const size = <u64>setSize(e);

  if (count >= size) {
    // Redis answers this case through SUNION of the one key, which copies
    // the members into a fresh set first: the order clients see is that
    // set's (ascending when it is an intset). SUNION's read lookup counts
    // a keyspace hit too.
    noteKeyspaceRead(true);
    const tmp = setNewTemp();
    addAll(tmp, e);
    replyMembers(tmp);
    setFreeEntry(tmp);
    notifyKeyspaceEvent(NOTIFY_SET, "spop", argPtr(1), argLen(1), db.index);
    dbDeleteEntry(db, e);
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "del");
    addDirty(size);
    // Everything went: propagated as a DEL of the key.
    rewriteBegin(db.index, 2);
    opArgAscii("DEL");
    opArg(argPtr(1), argLen(1));
    opEnd();
    return;
  }

  let remaining = size - count;
  replySet(<i64>count);
  // Each popped member propagates as its own SREM (Redis 7.0), the request not at all.
  propReplace();
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let k: u64 = 0; k < count; k++) {
      const i = setRandomPos(e);
      setLoad(e, i);
      replyBulk(elemPtr, elemLen);
      propagateSrem(db.index);
      setRemoveAt(e, i);
    }
  } else {
    let kept: usize = 0;
    while (remaining-- > 0) {
      const i = setRandomPos(e);
      setLoad(e, i);
      if (kept == 0) kept = setNewEntry(0, 0, 0, elemPtr, elemLen);
      setAdd(kept, elemPtr, elemLen);
      setRemoveAt(e, i);
    }
    const n = setSize(e);
    for (let i: u32 = 0; i < n; i++) {
      setLoad(e, i);
      replyBulk(elemPtr, elemLen);
      propagateSrem(db.index);
    }
    // The key keeps its entry (and TTL); only its value is replaced.
    setMoveValue(e, kept);
    setFreeEntry(kept);
  }
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_SET, "spop");
  addDirty(count);
}

// SPOP key [count] — bulk string (nil for a missing key), or with count a
// set of up to count members (empty for a missing key). Removes them; the
// key goes when it empties. O(1), or O(count).
function cmdSpop(): void {
  if (curArgc == 3) { spopWithCount(); return; }
  if (curArgc > 3) { replyError(E_SYNTAX); return; }
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_SET)) return;
  const i = setRandomPos(e);
  setLoad(e, i);
  replyBulk(elemPtr, elemLen);
  // The random pick propagates as SREM of the member.
  propReplace();
  propagateSrem(db.index);
  setRemoveAt(e, i);
  notifyKeyspaceEvent(NOTIFY_SET, "spop", argPtr(1), argLen(1), db.index);
  if (setSize(e) == 0) {
    dbDeleteEntry(db, e);
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
  }
  signalModifiedKey(db.index, argPtr(1), argLen(1));
  addDirty(1);
}

/**
 * `count` distinct positions out of [0, size), uniformly, in random order,
 * in a fresh u32 array the caller frees. count < size.
 */
function sampleDistinct(size: u32, count: u32): usize {
  if (<u64>count * SRANDMEMBER_SUB_STRATEGY_MUL > <u64>size) {
    // A partial Fisher-Yates shuffle of all positions: O(size), which is
    // O(count) here.
    const all = memAlloc(<usize>size << 2);
    for (let i: u32 = 0; i < size; i++) store<u32>(all + (<usize>i << 2), i);
    for (let i: u32 = 0; i < count; i++) {
      const j = i + randomBelow(size - i);
      const a = all + (<usize>i << 2);
      const b = all + (<usize>j << 2);
      const t = load<u32>(a);
      store<u32>(a, load<u32>(b));
      store<u32>(b, t);
    }
    return all;
  }
  // Few positions out of many: draw and reject repeats, remembered in an
  // open-addressing table at most half full (slots hold position + 1).
  let cap: u32 = 8;
  while (cap < count * 2) cap <<= 1;
  const seen = memCalloc(<usize>cap << 2);
  const out = memAlloc(<usize>count << 2);
  let got: u32 = 0;
  while (got < count) {
    const r = randomBelow(size);
    let slot = (r * 0x9E3779B1) & (cap - 1);
    let dup = false;
    while (true) {
      const v = load<u32>(seen + (<usize>slot << 2));
      if (v == 0) break;
      if (v == r + 1) { dup = true; break; }
      slot = (slot + 1) & (cap - 1);
    }
    if (dup) continue;
    store<u32>(seen + (<usize>slot << 2), r + 1);
    store<u32>(out + (<usize>got << 2), r);
    got++;
  }
  memFree(seen);
  return out;
}

/**
 * SRANDMEMBER key count: a negative count draws |count| members with
 * repeats; a positive one min(count, size) distinct members.
 */
function srandmemberWithCount(): void {
  if (parseI64Strict(argPtr(2), argLen(2)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
  const l = parsedI64;
  if (l == I64_MIN) { replyError(E_SET_RANDMEMBER_RANGE); return; }
  const uniq = l >= 0;
  const count = <u64>(uniq ? l : -l);
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyArray(0); return; }
  if (wrongType(e, TYPE_SET)) return;
  if (count == 0) { replyArray(0); return; }
  const size = setSize(e);

  if (!uniq) {
    // Every member's reply takes at least 6 bytes ("$0\r\n\r\n"): a count
    // past what the engine's largest output block can hold closes the
    // client now rather than after writing a gigabyte; bigger members are
    // checked as they are written.
    if (count > (<u64>MAX_BLOCK - <u64>outMark()) / 6) { closeForReplySize(); return; }
    replyArray(<i64>count);
    for (let k: u64 = 0; k < count; k++) {
      setLoad(e, setRandomPos(e));
      if (!roomFor(<u64>elemLen + 32)) return;
      replyBulk(elemPtr, elemLen);
    }
    return;
  }
  if (count >= <u64>size) {
    replyArray(<i64>size);
    for (let i: u32 = 0; i < size; i++) {
      setLoad(e, i);
      replyBulk(elemPtr, elemLen);
    }
    return;
  }
  const n = <u32>count;
  const pos = sampleDistinct(size, n);
  replyArray(<i64>n);
  for (let k: u32 = 0; k < n; k++) {
    setLoad(e, load<u32>(pos + (<usize>k << 2)));
    replyBulk(elemPtr, elemLen);
  }
  memFree(pos);
}

// SRANDMEMBER key [count] — bulk string (nil for a missing key), or with
// count an array (empty for a missing key). O(1), or O(|count|).
function cmdSrandmember(): void {
  if (curArgc == 3) { srandmemberWithCount(); return; }
  if (curArgc > 3) { replyError(E_SYNTAX); return; }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_SET)) return;
  setLoad(e, setRandomPos(e));
  replyBulk(elemPtr, elemLen);
}

// ---- intersection -------------------------------------------------------------------

/**
 * Looks up `num` source keys from argument `first` into a fresh u32 array
 * (0 for a missing key). Returns 0 after replying WRONGTYPE if any key
 * holds another type; `lookupMissing` counts the missing ones.
 */
let lookupMissing: u32 = 0;
let lookupSameAsFirst: bool = false;
function lookupSources(first: i32, num: i32): usize {
  const db = curDb();
  const sets = memAlloc(<usize>num << 2);
  lookupMissing = 0;
  lookupSameAsFirst = false;
  for (let j = 0; j < num; j++) {
    const e = dbLookupRead(db, argPtr(first + j), argLen(first + j));
    if (e != 0 && typeOf(e) != TYPE_SET) {
      memFree(sets);
      replyError(E_WRONGTYPE);
      return 0;
    }
    if (e == 0) lookupMissing++;
    if (j > 0 && e != 0 && e == <usize>load<u32>(sets)) lookupSameAsFirst = true;
    store<u32>(sets + (<usize>j << 2), <u32>e);
  }
  return sets;
}

// @ts-ignore: decorator
@inline function setAt(sets: usize, j: i32): usize { return <usize>load<u32>(sets + (<usize>j << 2)); }

/** Orders sets[from..num) by size, ascending or descending (missing = 0), ties in argument order. */
function sortBySize(sets: usize, from: i32, num: i32, descending: bool): void {
  const n = num - from;
  if (n < 2) return;
  const keys = memAlloc(<usize>n << 3);
  for (let j = 0; j < n; j++) {
    const e = setAt(sets, from + j);
    const size = e != 0 ? <u64>setSize(e) : 0;
    store<u64>(keys + (<usize>j << 3), ((descending ? 0xFFFFFFFF - size : size) << 32) | <u64>j);
  }
  sortKeys(keys, <u32>n);
  const copy = memAlloc(<usize>n << 2);
  memory.copy(copy, sets + (<usize>from << 2), <usize>n << 2);
  for (let j = 0; j < n; j++) {
    const idx = <usize>(load<u64>(keys + (<usize>j << 3)) & 0xFFFFFFFF);
    store<u32>(sets + (<usize>(from + j) << 2), load<u32>(copy + (idx << 2)));
  }
  memFree(copy);
  memFree(keys);
}

/** True if the member setLoad loaded from sets[0] is in every other set. */
function inAllOthers(sets: usize, num: i32): bool {
  const s0 = setAt(sets, 0);
  for (let j = 1; j < num; j++) {
    const s = setAt(sets, j);
    if (s == s0) continue;
    if (!setHasElem(s)) return false;
  }
  return true;
}

const INTER_REPLY: i32 = 0;
const INTER_CARD: i32 = 1;
const INTER_STORE: i32 = 2;

/**
 * Redis's sinterGenericCommand: walks the smallest set and keeps members
 * found in all the others. A missing key makes the result empty (after
 * every key was type-checked). `limit` > 0 stops SINTERCARD early.
 */
function sinterGeneric(first: i32, num: i32, mode: i32, dstArg: i32, limit: u64): void {
  const db = curDb();
  const sets = lookupSources(first, num);
  if (sets == 0) return;
  if (lookupMissing > 0) {
    memFree(sets);
    if (mode == INTER_STORE) {
      deleteDest(db, dstArg);
      replyInt(0);
    } else if (mode == INTER_CARD) {
      replyInt(0);
    } else {
      replySet(0);
    }
    return;
  }
  sortBySize(sets, 0, num, false);
  const s0 = setAt(sets, 0);
  const n0 = setSize(s0);

  if (mode == INTER_CARD) {
    let card: u64 = 0;
    for (let i: u32 = 0; i < n0; i++) {
      setLoad(s0, i);
      if (!inAllOthers(sets, num)) continue;
      card++;
      if (limit != 0 && card >= limit) break;
    }
    replyInt(<i64>card);
  } else if (mode == INTER_STORE) {
    const tmp = newDestEntry(dstArg);
    for (let i: u32 = 0; i < n0; i++) {
      setLoad(s0, i);
      if (inAllOthers(sets, num)) setAdd(tmp, elemPtr, elemLen);
    }
    storeResult(db, dstArg, tmp, "sinterstore");
  } else if (num == 1) {
    replyMembers(s0);
  } else {
    // The count goes before the members: collect the positions first.
    let hits = memAlloc(64);
    let cap: u32 = 16;
    let n: u32 = 0;
    for (let i: u32 = 0; i < n0; i++) {
      setLoad(s0, i);
      if (!inAllOthers(sets, num)) continue;
      if (n == cap) {
        cap <<= 1;
        hits = memRealloc(hits, <usize>cap << 2);
      }
      store<u32>(hits + (<usize>n << 2), i);
      n++;
    }
    replySet(<i64>n);
    for (let k: u32 = 0; k < n; k++) {
      setLoad(s0, load<u32>(hits + (<usize>k << 2)));
      replyBulk(elemPtr, elemLen);
    }
    memFree(hits);
  }
  memFree(sets);
}

// SINTER key [key ...] — set of the members in every key (empty if any is
// missing). O(N*M): N the smallest set's size, M the number of keys.
function cmdSinter(): void { sinterGeneric(1, curArgc - 1, INTER_REPLY, -1, 0); }

// SMEMBERS key — set of all members (empty for a missing key). O(N).
// Redis 7.0 runs it as SINTER of one key.
function cmdSmembers(): void { sinterGeneric(1, 1, INTER_REPLY, -1, 0); }

// SINTERSTORE destination key [key ...] — integer: size of the stored
// intersection; an empty one deletes destination. O(N*M).
function cmdSinterstore(): void { sinterGeneric(2, curArgc - 2, INTER_STORE, 1, 0); }

// SINTERCARD numkeys key [key ...] [LIMIT limit] — integer: size of the
// intersection, stopping at limit (0: no limit). O(N*M).
function cmdSintercard(): void {
  if (parseI64Strict(argPtr(1), argLen(1)) != PARSE_OK || parsedI64 < 1) {
    replyError(E_SET_NUMKEYS);
    return;
  }
  const numkeys = parsedI64;
  if (numkeys > <i64>(curArgc - 2)) { replyError(E_SET_NUMKEYS_ARGS); return; }
  let limit: u64 = 0;
  for (let j = 2 + <i32>numkeys; j < curArgc; j++) {
    if (argIs(j, "LIMIT") && j + 1 < curArgc) {
      j++;
      if (parseI64Strict(argPtr(j), argLen(j)) != PARSE_OK || parsedI64 < 0) {
        replyError(E_SET_LIMIT_NEGATIVE);
        return;
      }
      limit = <u64>parsedI64;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  sinterGeneric(2, <i32>numkeys, INTER_CARD, -1, limit);
}

// ---- union and difference ---------------------------------------------------------------

const OP_UNION: i32 = 0;
const OP_DIFF: i32 = 1;

/**
 * Redis's sunionDiffGenericCommand. The result is built in a fresh set
 * (intset until a member or the size says otherwise). SDIFF picks Redis's
 * algorithm by the same estimate, because it decides the result's
 * encoding: algorithm 1 adds only the surviving members of the first set,
 * algorithm 2 adds all of them and then removes the others' members.
 */
function sunionDiffGeneric(first: i32, num: i32, dstArg: i32, op: i32): void {
  const db = curDb();
  const sets = lookupSources(first, num);
  if (sets == 0) return;
  const s0 = setAt(sets, 0);
  let algo = 1;
  if (op == OP_DIFF && s0 != 0 && !lookupSameAsFirst) {
    let one: u64 = 0, two: u64 = 0;
    for (let j = 0; j < num; j++) {
      const s = setAt(sets, j);
      if (s == 0) continue;
      one += <u64>setSize(s0);
      two += <u64>setSize(s);
    }
    // Algorithm 1 has better constant times and stops early on shared
    // members: Redis gives it this advantage.
    one /= 2;
    algo = one <= two ? 1 : 2;
    // Largest sets first finds a shared member sooner (speed only).
    if (algo == 1) sortBySize(sets, 1, num, true);
  }

  const tmp = dstArg >= 0 ? newDestEntry(dstArg) : setNewTemp();
  let card: i64 = 0;
  if (op == OP_UNION) {
    for (let j = 0; j < num; j++) {
      const s = setAt(sets, j);
      if (s != 0) card += <i64>addAll(tmp, s);
    }
  } else if (s0 != 0 && !lookupSameAsFirst) {
    if (algo == 1) {
      const n0 = setSize(s0);
      for (let i: u32 = 0; i < n0; i++) {
        setLoad(s0, i);
        let keep = true;
        for (let j = 1; j < num; j++) {
          const s = setAt(sets, j);
          if (s != 0 && setHasElem(s)) { keep = false; break; }
        }
        if (keep && setAdd(tmp, elemPtr, elemLen)) card++;
      }
    } else {
      for (let j = 0; j < num; j++) {
        const s = setAt(sets, j);
        if (s == 0) continue;
        const n = setSize(s);
        for (let i: u32 = 0; i < n; i++) {
          setLoad(s, i);
          if (j == 0) {
            if (setAdd(tmp, elemPtr, elemLen)) card++;
          } else if (setRemove(tmp, elemPtr, elemLen)) {
            card--;
          }
        }
        // Nothing left to remove from.
        if (card == 0) break;
      }
    }
  }
  memFree(sets);

  if (dstArg >= 0) {
    storeResult(db, dstArg, tmp, op == OP_UNION ? "sunionstore" : "sdiffstore");
  } else {
    replyMembers(tmp);
    setFreeEntry(tmp);
  }
}

// SUNION key [key ...] — set of the members of any key. O(N) in all members.
function cmdSunion(): void { sunionDiffGeneric(1, curArgc - 1, -1, OP_UNION); }

// SUNIONSTORE destination key [key ...] — integer: size of the stored
// union; an empty one deletes destination. O(N).
function cmdSunionstore(): void { sunionDiffGeneric(2, curArgc - 2, 1, OP_UNION); }

// SDIFF key [key ...] — set of the first key's members in none of the
// others. O(N) in all members.
function cmdSdiff(): void { sunionDiffGeneric(1, curArgc - 1, -1, OP_DIFF); }

// SDIFFSTORE destination key [key ...] — integer: size of the stored
// difference; an empty one deletes destination. O(N).
function cmdSdiffstore(): void { sunionDiffGeneric(2, curArgc - 2, 1, OP_DIFF); }

// ---- SSCAN -----------------------------------------------------------------------------

// SSCAN key cursor [MATCH pattern] [COUNT count] — array of [next cursor,
// [members]]. An intset answers whole in one call with cursor 0, as Redis
// does; a hashtable is walked with the dict's reverse-binary cursor, so a
// member present for a whole iteration is returned at least once. The
// cursor is checked before the key, the options after it. O(1) per call.
function cmdSscan(): void {
  if (!cursorOrReply(2)) return;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) {
    replyEmptyScan();
    return;
  }
  if (wrongType(e, TYPE_SET)) return;
  if (!scanOptionsOrReply(3)) return;

  replyArray(2);
  if (encOf(e) == ENC_INTSET) {
    replyBulkU64(0);
    const n = setSize(e);
    const hits = memAlloc(<usize>(n > 0 ? n : <u32>1) << 2);
    let k: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      setLoad(e, i);
      if (scanUsePattern && !globMatch(scanPatPtr, scanPatLen, elemPtr, elemLen)) continue;
      store<u32>(hits + (<usize>k << 2), i);
      k++;
    }
    replyArray(<i64>k);
    for (let j: u32 = 0; j < k; j++) {
      setLoad(e, load<u32>(hits + (<usize>j << 2)));
      replyBulk(elemPtr, elemLen);
    }
    memFree(hits);
    return;
  }

  // Visit buckets until COUNT members are gathered, giving up after
  // 10*COUNT buckets so a sparse table cannot stall the server.
  replyBulkU64(scanGather(setDict(e), scanCursor, scanCount * 10, scanCount, 1));
  let k: u32 = 0;
  for (let j: u32 = 0; j < scanLen; j++) {
    const m = scanAt(j);
    if (scanUsePattern && !globMatch(scanPatPtr, scanPatLen, memberPtr(m), memberLen(m))) continue;
    scanPut(k, m);
    k++;
  }
  replyArray(<i64>k);
  for (let j: u32 = 0; j < k; j++) {
    const m = scanAt(j);
    replyBulk(memberPtr(m), memberLen(m));
  }
  scanDone();
}

export function register(): void {
  registerSetType();
  reg(CMD_SADD, cmdSadd);
  reg(CMD_SREM, cmdSrem);
  reg(CMD_SMOVE, cmdSmove);
  reg(CMD_SISMEMBER, cmdSismember);
  reg(CMD_SMISMEMBER, cmdSmismember);
  reg(CMD_SCARD, cmdScard);
  reg(CMD_SPOP, cmdSpop);
  reg(CMD_SRANDMEMBER, cmdSrandmember);
  reg(CMD_SINTER, cmdSinter);
  reg(CMD_SMEMBERS, cmdSmembers);
  reg(CMD_SINTERSTORE, cmdSinterstore);
  reg(CMD_SINTERCARD, cmdSintercard);
  reg(CMD_SUNION, cmdSunion);
  reg(CMD_SUNIONSTORE, cmdSunionstore);
  reg(CMD_SDIFF, cmdSdiff);
  reg(CMD_SDIFFSTORE, cmdSdiffstore);
  reg(CMD_SSCAN, cmdSscan);
}
