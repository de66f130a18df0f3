// List commands: BLMOVE BLMPOP BLPOP BRPOP BRPOPLPUSH LINDEX LINSERT LLEN
// LMOVE LMPOP LPOP LPOS LPUSH LPUSHX LRANGE LREM LSET LTRIM RPOP RPOPLPUSH
// RPUSH RPUSHX.
//
// Every list is a quicklist (ds/quicklist.ts), as in Redis 7.0, whose
// OBJECT ENCODING is always "quicklist"; list-max-listpack-size and
// list-compress-depth are taken when a list is created. A list that becomes
// empty is deleted.
//
// Redis checks arguments in a fixed order (some before the key, some after
// its type), which decides the error a client sees when several things are
// wrong; each handler keeps Redis's order.
//
// Blocking commands (commands/blocking.ts) look at their keys and, finding
// every one missing, ask to block; the host runs them again when a key is
// pushed to. Pushes into an existing list signal the key here; a new list
// is signalled by dbAdd.

import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd } from "../db/propagate";
import { register as reg, replyWrongArity } from "./dispatch";
import {
  CMD_BLMOVE, CMD_BLMPOP, CMD_BLPOP, CMD_BRPOP, CMD_BRPOPLPUSH, CMD_LINDEX, CMD_LINSERT, CMD_LLEN,
  CMD_LMOVE, CMD_LMPOP, CMD_LPOP, CMD_LPOS, CMD_LPUSH, CMD_LPUSHX, CMD_LRANGE, CMD_LREM, CMD_LSET,
  CMD_LTRIM, CMD_RPOP, CMD_RPOPLPUSH, CMD_RPUSH, CMD_RPUSHX,
} from "./table.gen";
import { cur, curDb, parseLongOrReply, argInt, wrongType, argIs } from "./context";
import { parseTimeoutOrReply, blockForKeys } from "./blocking";
import { argPtr, argLen, curArgc, CF_UNBLOCK_TIMEOUT } from "../client";
import {
  replyBulk, replyNull, replyNullArray, replyError, replyOk, replyInt, replyArray, outMark,
  outInsertArrayHeader,
} from "../resp/writer";
import {
  E_SYNTAX, E_NO_SUCH_KEY, E_OUT_OF_RANGE, E_LIST_POSITIVE, E_LIST_RANK_ZERO,
  E_LIST_COUNT_NEGATIVE, E_LIST_MAXLEN_NEGATIVE, E_LIST_NUMKEYS, E_LIST_MPOP_COUNT,
} from "../resp/errors";
import { Db, addDirty, dbLookup, dbLookupRead, dbAdd, dbDeleteEntry, dbFindRaw, newEntry, hashKey } from "../db/db";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_LIST, NOTIFY_GENERIC } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import { objPtrOf, setObj, TYPE_LIST, ENC_QUICKLIST, E_TYPE } from "../db/entry";
import { signalKeyAsReady } from "../db/ready";
import { listMaxListpackSize, listCompressDepth } from "../db/limits";
import { registerListValue } from "../db/listval";
import { memAlloc, memFree } from "../ds/mem";
import { lpGetBytes, lpEquals, lpPtr, lpLen } from "../ds/listpack";
import {
  qlNew, qlCount, qlPush, qlPopDiscard, qlSeek, qlSeekEnd, qlNextPos, qlPrevPos, qlPosLp, qlPosOff,
  qlPosNode, qlDelAtPos, qlReplaceAtPos, qlInsertAtPos, qlDelRange,
} from "../ds/quicklist";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";

const I64_MAX: i64 = 9223372036854775807;

// ---- shared helpers ------------------------------------------------------------

/** The side parsed by the last successful whereOrReply: true for LEFT (the head). */
let argHead: bool = false;

/** Redis's getListPositionFromObjectOrReply: LEFT or RIGHT, else a syntax error. */
function whereOrReply(i: i32): bool {
  if (argIs(i, "LEFT")) argHead = true;
  else if (argIs(i, "RIGHT")) argHead = false;
  else {
    replyError(E_SYNTAX);
    return false;
  }
  return true;
}

/** The value parsed by the last successful longAtLeastOrReply. */
let argLong: i64 = 0;

/**
 * Redis's getRangeLongFromObjectOrReply with its own message: `msg` for a
 * non-integer as well as for a value below `min`.
 */
function longAtLeastOrReply(i: i32, min: i64, msg: string): bool {
  if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK || parsedI64 < min) {
    replyError(msg);
    return false;
  }
  argLong = parsedI64;
  return true;
}

/** A new, empty list under `key`, linked into the db (dbAdd signals waiters). */
function createList(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_LIST, E_TYPE);
  setObj(e, qlNew(listMaxListpackSize, listCompressDepth), ENC_QUICKLIST);
  dbAdd(db, e);
  return e;
}

/** Deletes the key if its list became empty, as Redis never keeps an empty list. */
function deleteIfEmpty(db: Db, e: usize): void {
  if (qlCount(objPtrOf(e)) == 0) dbDeleteEntry(db, e);
}

/**
 * After a write to the list at argument `k`: the list event, then "del" if
 * the key is gone, then the WATCH signal, in Redis's order.
 */
function listChanged(db: Db, k: i32, event: string): void {
  const keyPtr = argPtr(k), keyLen = argLen(k);
  notifyKeyspaceEvent(NOTIFY_LIST, event, keyPtr, keyLen, db.index);
  if (dbFindRaw(db, keyPtr, keyLen) == 0) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", keyPtr, keyLen, db.index);
  signalModifiedKey(db.index, keyPtr, keyLen);
}

/** Replies with the element at the quicklist position. */
function replyAtPos(): void {
  lpGetBytes(qlPosLp(), qlPosOff);
  replyBulk(lpPtr, lpLen);
}

/** Whether the element at the position equals argument `i` (integers by their text). */
// @ts-ignore: decorator
@inline function posEquals(i: i32): bool {
  return lpEquals(qlPosLp(), qlPosOff, argPtr(i), argLen(i));
}

/**
 * Replies with up to `count` elements popped from one end, in pop order,
 * and removes them; returns how many. The list must not be empty.
 */
function popRangeReply(ql: usize, head: bool, count: i64): i64 {
  const llen = <i64>qlCount(ql);
  const n = count > llen ? llen : count;
  replyArray(n);
  qlSeekEnd(ql, head);
  for (let i: i64 = 0; i < n; i++) {
    replyAtPos();
    if (head) qlNextPos(); else qlPrevPos();
  }
  qlDelRange(ql, head ? 0 : -n, n);
  return n;
}

// ---- push ---------------------------------------------------------------------------

/** Redis's pushGenericCommand; `onlyExisting` for LPUSHX / RPUSHX. */
function pushGeneric(head: bool, onlyExisting: bool): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  if (wrongType(e, TYPE_LIST)) return;
  if (e == 0) {
    if (onlyExisting) {
      replyInt(0);
      return;
    }
    e = createList(db, keyPtr, keyLen);
  } else {
    signalKeyAsReady(db.index, keyPtr, keyLen);
  }
  const ql = objPtrOf(e);
  for (let j = 2; j < curArgc; j++) qlPush(ql, argPtr(j), argLen(j), head);
  addDirty(<u64>(curArgc - 2));
  listChanged(db, 1, head ? "lpush" : "rpush");
  replyInt(<i64>qlCount(ql));
}

// LPUSH key element [element ...] — integer: the length after. O(1) per element.
function cmdLpush(): void { pushGeneric(true, false); }

// RPUSH key element [element ...] — integer: the length after. O(1) per element.
function cmdRpush(): void { pushGeneric(false, false); }

// LPUSHX key element [element ...] — integer: the length after, 0 if no such
// key. O(1) per element.
function cmdLpushx(): void { pushGeneric(true, true); }

// RPUSHX key element [element ...] — integer: the length after, 0 if no such
// key. O(1) per element.
function cmdRpushx(): void { pushGeneric(false, true); }

// LINSERT key BEFORE|AFTER pivot element — integer: the length after, -1 if
// the pivot is not there, 0 if no such key. O(N) to find the pivot.
function cmdLinsert(): void {
  let after: bool;
  if (argIs(2, "AFTER")) after = true;
  else if (argIs(2, "BEFORE")) after = false;
  else {
    replyError(E_SYNTAX);
    return;
  }
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_LIST)) return;
  const ql = objPtrOf(e);
  let found = qlSeekEnd(ql, true);
  while (found && !posEquals(3)) found = qlNextPos();
  if (!found) {
    replyInt(-1);
    return;
  }
  qlInsertAtPos(ql, argPtr(4), argLen(4), after);
  signalKeyAsReady(db.index, argPtr(1), argLen(1));
  addDirty(1);
  listChanged(db, 1, "linsert");
  replyInt(<i64>qlCount(ql));
}

// ---- reads ------------------------------------------------------------------------------

// LLEN key — integer. O(1).
function cmdLlen(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_LIST)) return;
  replyInt(<i64>qlCount(objPtrOf(e)));
}

// LINDEX key index — the element or nil. O(N) from the nearer end.
function cmdLindex(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_LIST)) return;
  if (!parseLongOrReply(2)) return;
  if (qlSeek(objPtrOf(e), argInt)) replyAtPos();
  else replyNull();
}

// LRANGE key start stop — array of elements. O(S+N): S to reach start.
function cmdLrange(): void {
  if (!parseLongOrReply(2)) return;
  let start = argInt;
  if (!parseLongOrReply(3)) return;
  let end = argInt;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyArray(0); return; }
  if (wrongType(e, TYPE_LIST)) return;
  const ql = objPtrOf(e);
  const llen = <i64>qlCount(ql);
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) { replyArray(0); return; }
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  replyArray(n);
  qlSeek(ql, start);
  for (let i: i64 = 0; i < n; i++) {
    replyAtPos();
    qlNextPos();
  }
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] — the index
// of a match or nil; with COUNT an array of indexes. O(N).
function cmdLpos(): void {
  let rank: i64 = 1;
  let count: i64 = -1; // -1: no COUNT option
  let maxlen: i64 = 0;
  for (let j = 3; j < curArgc; j++) {
    const more = j < curArgc - 1;
    if (argIs(j, "RANK") && more) {
      j++;
      if (!parseLongOrReply(j)) return;
      rank = argInt;
      if (rank == 0) {
        replyError(E_LIST_RANK_ZERO);
        return;
      }
    } else if (argIs(j, "COUNT") && more) {
      j++;
      if (!longAtLeastOrReply(j, 0, E_LIST_COUNT_NEGATIVE)) return;
      count = argLong;
    } else if (argIs(j, "MAXLEN") && more) {
      j++;
      if (!longAtLeastOrReply(j, 0, E_LIST_MAXLEN_NEGATIVE)) return;
      maxlen = argLong;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  // A negative rank searches from the tail. Redis negates it as a C long:
  // RANK -9223372036854775808 stays negative, so every match qualifies.
  let fromTail = false;
  if (rank < 0) {
    rank = -rank;
    fromTail = true;
  }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) {
    if (count != -1) replyArray(0); else replyNull();
    return;
  }
  if (wrongType(e, TYPE_LIST)) return;
  const ql = objPtrOf(e);
  const llen = <i64>qlCount(ql);
  const mark = outMark();
  let index: i64 = 0, matches: i64 = 0, matchIndex: i64 = -1, found: i64 = 0;
  let ok = qlSeekEnd(ql, !fromTail);
  while (ok && (maxlen == 0 || index < maxlen)) {
    if (posEquals(2)) {
      matches++;
      matchIndex = fromTail ? llen - index - 1 : index;
      if (matches >= rank) {
        if (count == -1) break;
        found++;
        replyInt(matchIndex);
        if (count != 0 && matches - rank + 1 >= count) break;
      }
    }
    index++;
    matchIndex = -1;
    ok = fromTail ? qlPrevPos() : qlNextPos();
  }
  if (count != -1) outInsertArrayHeader(mark, found);
  else if (matchIndex != -1) replyInt(matchIndex);
  else replyNull();
}

// ---- writes by index ---------------------------------------------------------------------

// LSET key index element — OK. O(N) from the nearer end.
function cmdLset(): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyError(E_NO_SUCH_KEY); return; }
  if (wrongType(e, TYPE_LIST)) return;
  if (!parseLongOrReply(2)) return;
  if (!qlSeek(objPtrOf(e), argInt)) {
    replyError(E_OUT_OF_RANGE);
    return;
  }
  qlReplaceAtPos(argPtr(3), argLen(3));
  addDirty(1);
  listChanged(db, 1, "lset");
  replyOk();
}

// LTRIM key start stop — OK. O(N) in the elements removed (whole nodes O(1)).
function cmdLtrim(): void {
  if (!parseLongOrReply(2)) return;
  let start = argInt;
  if (!parseLongOrReply(3)) return;
  let end = argInt;
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyOk(); return; }
  if (wrongType(e, TYPE_LIST)) return;
  const ql = objPtrOf(e);
  const llen = <i64>qlCount(ql);
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let ltrim: i64, rtrim: i64;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  qlDelRange(ql, 0, ltrim);
  qlDelRange(ql, -rtrim, rtrim);
  deleteIfEmpty(db, e);
  addDirty(<u64>(ltrim + rtrim));
  listChanged(db, 1, "ltrim");
  replyOk();
}

// LREM key count element — integer: how many were removed. count > 0 from
// the head, < 0 from the tail, 0 all. O(N).
function cmdLrem(): void {
  if (!parseLongOrReply(2)) return;
  let toRemove = argInt;
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_LIST)) return;
  const ql = objPtrOf(e);
  // Negated as a C long: -(-2^63) stays negative and never equals the
  // number removed, so every match goes, as in Redis.
  const forward = toRemove >= 0;
  if (!forward) toRemove = -toRemove;
  let removed: i64 = 0;
  let ok = qlSeekEnd(ql, forward);
  while (ok) {
    if (posEquals(3)) {
      qlDelAtPos(ql, forward);
      removed++;
      if (toRemove != 0 && removed == toRemove) break;
      ok = qlPosNode != 0;
    } else {
      ok = forward ? qlNextPos() : qlPrevPos();
    }
  }
  deleteIfEmpty(db, e);
  addDirty(<u64>removed);
  if (removed > 0) listChanged(db, 1, "lrem");
  replyInt(removed);
}

// ---- pop ------------------------------------------------------------------------------------

/** Redis's popGenericCommand (LPOP / RPOP with an optional count). */
function popGeneric(head: bool, id: i32): void {
  const hasCount = curArgc == 3;
  if (curArgc > 3) {
    replyWrongArity(id);
    return;
  }
  let count: i64 = 0;
  if (hasCount) {
    if (!longAtLeastOrReply(2, 0, E_LIST_POSITIVE)) return;
    count = argLong;
  }
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) {
    if (hasCount) replyNullArray(); else replyNull();
    return;
  }
  if (wrongType(e, TYPE_LIST)) return;
  if (hasCount && count == 0) {
    replyArray(0);
    return;
  }
  const ql = objPtrOf(e);
  let n: i64 = 1;
  if (hasCount) {
    n = popRangeReply(ql, head, count);
  } else {
    qlSeekEnd(ql, head);
    replyAtPos();
    qlPopDiscard(ql, head);
  }
  deleteIfEmpty(db, e);
  addDirty(<u64>n);
  listChanged(db, 1, head ? "lpop" : "rpop");
}

// LPOP key [count] — the first element or nil; with count an array (nil
// if no such key, empty for count 0). O(N) in the count.
function cmdLpop(): void { popGeneric(true, CMD_LPOP); }

// RPOP key [count] — as LPOP, from the tail.
function cmdRpop(): void { popGeneric(false, CMD_RPOP); }

// ---- move -------------------------------------------------------------------------------------

/**
 * Redis's lmoveGenericCommand: pops from argument 1, pushes onto argument 2
 * (possibly the same list: a rotation), replies with the element. The
 * source is checked first: a missing source is nil whatever the destination.
 */
function lmoveGeneric(fromHead: bool, toHead: bool): void {
  const db = curDb();
  const src = dbLookup(db, argPtr(1), argLen(1));
  if (src == 0) { replyNull(); return; }
  if (wrongType(src, TYPE_LIST)) return;
  const dstKeyPtr = argPtr(2), dstKeyLen = argLen(2);
  let dst = dbLookup(db, dstKeyPtr, dstKeyLen);
  if (wrongType(dst, TYPE_LIST)) return;
  const sql = objPtrOf(src);
  // The element leaves its listpack before it is pushed (maybe into the
  // same one): keep a copy.
  qlSeekEnd(sql, fromHead);
  lpGetBytes(qlPosLp(), qlPosOff);
  const len = lpLen;
  const tmp = memAlloc(len > 0 ? len : 1);
  memory.copy(tmp, lpPtr, len);
  qlPopDiscard(sql, fromHead);
  if (dst == 0) {
    dst = createList(db, dstKeyPtr, dstKeyLen);
  } else {
    signalKeyAsReady(db.index, dstKeyPtr, dstKeyLen);
  }
  qlPush(objPtrOf(dst), tmp, len, toHead);
  keyChanged(db.index, dstKeyPtr, dstKeyLen, NOTIFY_LIST, toHead ? "lpush" : "rpush");
  // Only a distinct source can be empty now.
  deleteIfEmpty(db, src);
  addDirty(1);
  listChanged(db, 1, fromHead ? "lpop" : "rpop");
  replyBulk(tmp, len);
  memFree(tmp);
  if (moveBlocking != MOVE_PLAIN) propagateMove(db.index);
}

// Which blocking form runs lmoveGeneric: it propagates as the plain one.
const MOVE_PLAIN: i32 = 0;
const MOVE_BLMOVE: i32 = 1;
const MOVE_BRPOPLPUSH: i32 = 2;
let moveBlocking: i32 = MOVE_PLAIN;

/** BLMOVE → LMOVE with the same arguments but the timeout; BRPOPLPUSH → RPOPLPUSH. */
function propagateMove(db: i32): void {
  if (!propEnabled) return;
  const lm = moveBlocking == MOVE_BLMOVE;
  const argc: i32 = lm ? 5 : 3;
  rewriteBegin(db, argc);
  opArgAscii(lm ? "LMOVE" : "RPOPLPUSH");
  for (let j = 1; j < argc; j++) opArg(argPtr(j), argLen(j));
  opEnd();
}

/** A blocking or multi-key pop propagates as LPOP/RPOP of the key it took from (and the count). */
function propagatePop(db: i32, head: bool, keyArg: i32, count: i64): void {
  if (!propEnabled) return;
  rewriteBegin(db, count < 0 ? 2 : 3);
  opArgAscii(head ? "LPOP" : "RPOP");
  opArg(argPtr(keyArg), argLen(keyArg));
  if (count >= 0) opArgInt(count);
  opEnd();
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT — the element moved, or
// nil. O(1).
function cmdLmove(): void {
  if (!whereOrReply(3)) return;
  const from = argHead;
  if (!whereOrReply(4)) return;
  lmoveGeneric(from, argHead);
}

// RPOPLPUSH source destination — LMOVE source destination RIGHT LEFT. O(1).
function cmdRpoplpush(): void {
  lmoveGeneric(false, true);
}

/**
 * Redis's blmoveGenericCommand: a missing source blocks. Its timeout reply
 * is a null array (Redis's reply for every timed-out list wait), but inside
 * MULTI/EXEC, where it cannot block, a null bulk.
 */
function blmoveGeneric(fromHead: bool, toHead: bool): void {
  const src = dbLookup(curDb(), argPtr(1), argLen(1));
  if (wrongType(src, TYPE_LIST)) return;
  if (src != 0) {
    moveBlocking = curArgc == 6 ? MOVE_BLMOVE : MOVE_BRPOPLPUSH;
    lmoveGeneric(fromHead, toHead);
    moveBlocking = MOVE_PLAIN;
    return;
  }
  const timedOut = (cur.flags & CF_UNBLOCK_TIMEOUT) != 0;
  if (blockForKeys(1, 1)) {
    if (timedOut) replyNullArray(); else replyNull();
  }
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout — the element
// moved; nil on timeout. O(1).
function cmdBlmove(): void {
  if (!whereOrReply(3)) return;
  const from = argHead;
  if (!whereOrReply(4)) return;
  const to = argHead;
  if (!parseTimeoutOrReply(5)) return;
  blmoveGeneric(from, to);
}

// BRPOPLPUSH source destination timeout — BLMOVE ... RIGHT LEFT. O(1).
function cmdBrpoplpush(): void {
  if (!parseTimeoutOrReply(3)) return;
  blmoveGeneric(false, true);
}

// ---- blocking pop -------------------------------------------------------------------------------

const POP_DONE: i32 = 1;
const POP_NONE: i32 = 0;
const POP_WRONGTYPE: i32 = -1;

/**
 * Pops from the first non-empty list among arguments first..end-1, in
 * argument order, and replies [key, element] (count < 0: one element, as
 * BLPOP) or [key, [elements]] (up to count, as LMPOP). POP_NONE when every
 * key is missing or empty; POP_WRONGTYPE (replied) at the first key of
 * another type met before a non-empty list.
 */
function popFirstNonEmpty(first: i32, end: i32, head: bool, count: i64): i32 {
  const db = curDb();
  for (let j = first; j < end; j++) {
    const e = dbLookup(db, argPtr(j), argLen(j));
    if (e == 0) continue;
    if (wrongType(e, TYPE_LIST)) return POP_WRONGTYPE;
    const ql = objPtrOf(e);
    if (qlCount(ql) == 0) continue;
    replyArray(2);
    replyBulk(argPtr(j), argLen(j));
    let n: i64 = 1;
    if (count < 0) {
      qlSeekEnd(ql, head);
      replyAtPos();
      qlPopDiscard(ql, head);
    } else {
      n = popRangeReply(ql, head, count);
    }
    deleteIfEmpty(db, e);
    addDirty(<u64>n);
    listChanged(db, j, head ? "lpop" : "rpop");
    propagatePop(db.index, head, j, count < 0 ? -1 : n);
    return POP_DONE;
  }
  return POP_NONE;
}

/**
 * BLPOP / BRPOP: pops from the first non-empty key in argument order and
 * replies [key, element]; blocks when every key is missing.
 */
function bpopGeneric(head: bool): void {
  const last = curArgc - 1;
  if (!parseTimeoutOrReply(last)) return;
  if (popFirstNonEmpty(1, last, head, -1) != POP_NONE) return;
  if (blockForKeys(1, last - 1)) replyNullArray();
}

// BLPOP key [key ...] timeout — [key, element], or nil on timeout. O(N) in
// the keys.
function cmdBlpop(): void { bpopGeneric(true); }

// BRPOP key [key ...] timeout — as BLPOP, from the tail.
function cmdBrpop(): void { bpopGeneric(false); }

/**
 * Redis's lmpopGenericCommand: numkeys, the keys, LEFT|RIGHT and COUNT are
 * parsed first, then (BLMPOP) the timeout. Pops up to count elements from
 * the first non-empty key: [key, [elements]].
 */
function mpopGeneric(numkeysIdx: i32, block: bool): void {
  if (!longAtLeastOrReply(numkeysIdx, 1, E_LIST_NUMKEYS)) return;
  const numkeys = argLong;
  // where = numkeysIdx + numkeys + 1 must be an argument (no overflow).
  if (numkeys >= <i64>(curArgc - numkeysIdx - 1)) {
    replyError(E_SYNTAX);
    return;
  }
  const whereIdx = numkeysIdx + <i32>numkeys + 1;
  if (!whereOrReply(whereIdx)) return;
  const head = argHead;
  let count: i64 = -1;
  for (let j = whereIdx + 1; j < curArgc; j++) {
    if (count == -1 && argIs(j, "COUNT") && j < curArgc - 1) {
      j++;
      if (!longAtLeastOrReply(j, 1, E_LIST_MPOP_COUNT)) return;
      count = argLong;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (count == -1) count = 1;
  if (block && !parseTimeoutOrReply(1)) return;
  const first = numkeysIdx + 1;
  if (popFirstNonEmpty(first, whereIdx, head, count) != POP_NONE) return;
  if (!block || blockForKeys(first, <i32>numkeys)) replyNullArray();
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] — [key, [elements]]
// or nil. O(N) in the keys plus the count.
function cmdLmpop(): void { mpopGeneric(1, false); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] — as LMPOP;
// blocks while every key is missing; nil on timeout.
function cmdBlmpop(): void { mpopGeneric(2, true); }

export function register(): void {
  registerListValue();
  reg(CMD_LPUSH, cmdLpush);
  reg(CMD_RPUSH, cmdRpush);
  reg(CMD_LPUSHX, cmdLpushx);
  reg(CMD_RPUSHX, cmdRpushx);
  reg(CMD_LINSERT, cmdLinsert);
  reg(CMD_LLEN, cmdLlen);
  reg(CMD_LINDEX, cmdLindex);
  reg(CMD_LRANGE, cmdLrange);
  reg(CMD_LPOS, cmdLpos);
  reg(CMD_LSET, cmdLset);
  reg(CMD_LTRIM, cmdLtrim);
  reg(CMD_LREM, cmdLrem);
  reg(CMD_LPOP, cmdLpop);
  reg(CMD_RPOP, cmdRpop);
  reg(CMD_LMOVE, cmdLmove);
  reg(CMD_RPOPLPUSH, cmdRpoplpush);
  reg(CMD_BLMOVE, cmdBlmove);
  reg(CMD_BRPOPLPUSH, cmdBrpoplpush);
  reg(CMD_BLPOP, cmdBlpop);
  reg(CMD_BRPOP, cmdBrpop);
  reg(CMD_LMPOP, cmdLmpop);
  reg(CMD_BLMPOP, cmdBlmpop);
}
