// Sorted set commands: BZMPOP BZPOPMAX BZPOPMIN ZADD ZCARD ZCOUNT ZDIFF
// ZDIFFSTORE ZINCRBY ZINTER ZINTERCARD ZINTERSTORE ZLEXCOUNT ZMPOP ZMSCORE
// ZPOPMAX ZPOPMIN ZRANDMEMBER ZRANGE ZRANGEBYLEX ZRANGEBYSCORE ZRANGESTORE
// ZRANK ZREM ZREMRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREVRANGE
// ZREVRANGEBYLEX ZREVRANGEBYSCORE ZREVRANK ZSCAN ZSCORE ZUNION ZUNIONSTORE.
//
// Values live in db/zsetval.ts (listpack or skiplist+dict, Redis's rules
// for choosing); this file parses, checks in Redis's order (which decides
// the error a client sees when several things are wrong) and replies.
// Scores are parsed and printed by util/double.ts exactly as glibc does for
// Redis ("%.17g"); RESP3 clients get them as doubles.

import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd } from "../db/propagate";
import { register as reg } from "./dispatch";
import {
  CMD_BZMPOP, CMD_BZPOPMAX, CMD_BZPOPMIN, CMD_ZADD, CMD_ZCARD, CMD_ZCOUNT, CMD_ZDIFF, CMD_ZDIFFSTORE,
  CMD_ZINCRBY, CMD_ZINTER, CMD_ZINTERCARD, CMD_ZINTERSTORE, CMD_ZLEXCOUNT, CMD_ZMPOP, CMD_ZMSCORE,
  CMD_ZPOPMAX, CMD_ZPOPMIN, CMD_ZRANDMEMBER, CMD_ZRANGE, CMD_ZRANGEBYLEX, CMD_ZRANGEBYSCORE,
  CMD_ZRANGESTORE, CMD_ZRANK, CMD_ZREM, CMD_ZREMRANGEBYLEX, CMD_ZREMRANGEBYRANK, CMD_ZREMRANGEBYSCORE,
  CMD_ZREVRANGE, CMD_ZREVRANGEBYLEX, CMD_ZREVRANGEBYSCORE, CMD_ZREVRANK, CMD_ZSCAN, CMD_ZSCORE,
  CMD_ZUNION, CMD_ZUNIONSTORE,
} from "./table.gen";
import { curDb, cur, parseLongOrReply, parseLongOrReplyMsg, argInt, closeForReplySize, roomFor, wrongType, argIs } from "./context";
import { cLen } from "./args";
import {
  cursorOrReply, scanCursor, scanOptionsOrReply, scanCount, scanUsePattern, scanPatPtr, scanPatLen,
  scanGather, scanLen, scanAt, scanDone, replyEmptyScan,
} from "./scan";
import { parseTimeoutOrReply, blockForKeys } from "./blocking";
import { argPtr, argLen, curArgc, CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR } from "../client";
import {
  replyBulk, replyNull, replyNullArray, replyError, replyInt, replyArray,
  replyDoubleText, replyBulkU64, outMark, outInsertArrayHeader, proto,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_FLOAT, E_ZSET_MINMAX_FLOAT, E_ZSET_MINMAX_LEX,
  E_ZSET_NAN, E_ZADD_XX_NX, E_ZADD_GT_LT_NX, E_ZADD_INCR_PAIR, E_ZSET_WEIGHT, E_ZSET_LIMIT_NEGATIVE,
  E_ZSET_NUMKEYS, E_ZSET_COUNT, E_ZSET_LIMIT_RANK, E_ZSET_WITHSCORES_BYLEX, E_ZSET_POSITIVE,
  E_ZSET_RANDMEMBER_RANGE, E_ZSET_RANDMEMBER_LONG, E_ZSET_NEED_KEY,
} from "../resp/errors";
import {
  Db, addDirty, dbLookup, dbLookupRead, dbDeleteEntry, dbDelete,
} from "../db/db";
import { typeOf, keyPtrOf, keyLenOf, encOf, objPtrOf, TYPE_ZSET, TYPE_SET, ENC_LISTPACK } from "../db/entry";
import { signalKeyAsReady } from "../db/ready";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_ZSET, NOTIFY_GENERIC } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import { zsetMaxListpackEntries, zsetMaxListpackValue } from "../db/limits";
import { setSize, setIsMember, setLoad, elemPtr, elemLen } from "../db/setval";
import {
  ZSet, registerZsetType, zsetLength, zsetScore, zScoreFound, zsetRank, zsetCreateKey, zsetStoreKey,
  zsetAdd, zNewScore, zsetDel, zFirst, zLast, zNext, zPrev, zAtRank, zMemberAt, zmPtr, zmLen, zScoreAt,
  zFirstInRange, zLastInRange, zFirstInLex, zLastInLex, zsetRemoveRangeByRank, zsetRemoveRangeByScore,
  zsetRemoveRangeByLex, zbuildNew, zbuildInsert, zbuildFind, zbuildRemove, zbuildLength, zbuildFree,
  zbuildFinish, zbuildEnc, zsetZ, ZADD_IN_INCR, ZADD_IN_NX, ZADD_IN_XX, ZADD_IN_GT, ZADD_IN_LT,
  ZADD_OUT_NOP, ZADD_OUT_NAN, ZADD_OUT_ADDED, ZADD_OUT_UPDATED,
} from "../db/zsetval";
import {
  setScoreRange, gteMin, lteMax, setLexMin, setLexMax,
  lexGteMin, lexLteMax, LEX_BYTES, LEX_MIN, LEX_MAX, nodeKey, nodeLen, nodeScore, nodeNext,
  zslNewNode, zslLink, zslSetUnlinkedScore, zslFirst,
} from "../ds/skiplist";
import { dictFind, dictInsert, dictForEach } from "../ds/dict";
import { hashBytes, randomBelow } from "../ds/hash";
import { memAlloc, memFree, memRealloc, MAX_BLOCK } from "../ds/mem";
import { lpFirst, lpNext, lpGetBytes, lpPtr, lpLen } from "../ds/listpack";
import { parseDouble, dblValue, strtodPrefix, formatDouble, DOUBLE_FMT_MAX } from "../util/double";
import { globMatch } from "../util/glob";

const I64_MAX: i64 = 9223372036854775807;
const I64_MIN: i64 = -9223372036854775808;
const NUL: u8 = 0;
const PAREN: u8 = 40;   // '('
const BRACKET: u8 = 91; // '['
const PLUS: u8 = 43;
const MINUS: u8 = 45;

// ---- shared helpers ------------------------------------------------------------

const SCORE_TXT = memory.data(<i32>DOUBLE_FMT_MAX);

/** addReplyDouble: a bulk string in RESP2, a double in RESP3; "%.17g". */
function replyScore(v: f64): void {
  replyDoubleText(SCORE_TXT, formatDouble(SCORE_TXT, v));
}

/**
 * getPositiveLongFromObjectOrReply: a non-integer and a negative number both
 * get `msg` (by default "value is out of range, must be positive").
 */
function parsePositiveOrReply(i: i32, msg: string): bool {
  if (!parseLongOrReplyMsg(i, msg)) return false;
  if (argInt < 0) { replyError(msg); return false; }
  return true;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg): both failures reply `msg`. */
function parseAtLeastOneOrReply(i: i32, msg: string): bool {
  if (!parseLongOrReplyMsg(i, msg)) return false;
  if (argInt < 1) { replyError(msg); return false; }
  return true;
}

/** Deletes a key its command emptied (Redis never keeps an empty sorted set). */
function deleteIfEmpty(db: Db, e: usize): bool {
  if (zsetLength(e) != 0) return false;
  dbDeleteEntry(db, e);
  return true;
}

// ---- range arguments ------------------------------------------------------------

/**
 * One end of a score range as zslParseRange reads it: the argument as a C
 * string, "(" for exclusive, then glibc's strtod (leading space allowed,
 * overflow to ±inf and underflow to 0 accepted, "(" alone is 0) that must
 * reach the end; NaN is refused.
 */
function parseScoreItem(i: i32): bool {
  const p = argPtr(i);
  const n = cLen(i);
  let ex = false;
  let start: usize = 0;
  if (n > 0 && load<u8>(p) == PAREN) { ex = true; start = 1; }
  const used = strtodPrefix(p + start, n - start);
  if (used != n - start || isNaN(dblValue)) return false;
  itemValue = dblValue;
  itemEx = ex;
  return true;
}
let itemValue: f64 = 0;
let itemEx: bool = false;

/** zslParseRange on arguments `minArg`/`maxArg`; sets ds/skiplist.ts's range. */
function parseScoreRangeOrReply(minArg: i32, maxArg: i32): bool {
  if (!parseScoreItem(minArg)) { replyError(E_ZSET_MINMAX_FLOAT); return false; }
  const min = itemValue, minEx = itemEx;
  if (!parseScoreItem(maxArg)) { replyError(E_ZSET_MINMAX_FLOAT); return false; }
  setScoreRange(min, minEx, itemValue, itemEx);
  return true;
}

let lexKind: i32 = 0;
let lexPtr: usize = 0;
let lexLen: usize = 0;
let lexEx: bool = false;

/** zslParseLexRangeItem: "+", "-" (alone as C strings), "(bytes" or "[bytes". */
function parseLexItem(i: i32): bool {
  const p = argPtr(i);
  const n = argLen(i);
  if (n == 0) return false;
  const b = load<u8>(p);
  if (b == PLUS || b == MINUS) {
    if (n > 1 && load<u8>(p + 1) != NUL) return false;
    lexKind = b == PLUS ? LEX_MAX : LEX_MIN;
    lexPtr = 0; lexLen = 0; lexEx = true;
    return true;
  }
  if (b == PAREN || b == BRACKET) {
    lexKind = LEX_BYTES;
    lexPtr = p + 1;
    lexLen = n - 1;
    lexEx = b == PAREN;
    return true;
  }
  return false;
}

/** zslParseLexRange on arguments `minArg`/`maxArg`; sets ds/skiplist.ts's range. */
function parseLexRangeOrReply(minArg: i32, maxArg: i32): bool {
  if (!parseLexItem(minArg)) { replyError(E_ZSET_MINMAX_LEX); return false; }
  setLexMin(lexKind, lexPtr, lexLen, lexEx);
  if (!parseLexItem(maxArg)) { replyError(E_ZSET_MINMAX_LEX); return false; }
  setLexMax(lexKind, lexPtr, lexLen, lexEx);
  return true;
}

// ---- ZADD / ZINCRBY ----------------------------------------------------------------

// Scores parsed before anything is touched (the command runs fully or not at all).
let scoresPtr: usize = 0;
let scoresCap: usize = 0;

// Scratch buffers keep what a typical command needs; a huge one (the scores
// of a million-member ZADD, a long popped member) is given back when its
// command ends, so it does not stay in used_memory.
const SCRATCH_KEEP: usize = 4096;

function trimScratch(): void {
  if ((scoresCap << 3) > SCRATCH_KEEP) { memFree(scoresPtr); scoresPtr = 0; scoresCap = 0; }
  if (popCap > SCRATCH_KEEP) { memFree(popBuf); popBuf = 0; popCap = 0; }
  if (memCap > SCRATCH_KEEP) { memFree(memBuf); memBuf = 0; memCap = 0; }
  if ((<usize>srcCap << 3) > SCRATCH_KEEP) {
    memFree(srcEntry); memFree(srcWeight);
    srcEntry = 0; srcWeight = 0; srcCap = 0;
  }
}

function scoresFor(n: usize): usize {
  if (n > scoresCap) {
    scoresPtr = memRealloc(scoresPtr, n << 3);
    scoresCap = n;
  }
  return scoresPtr;
}

/** Redis's zaddGenericCommand (ZINCRBY is ZADD with INCR). */
function zaddGeneric(inFlags: i32): void {
  let flags = inFlags;
  let ch = false;
  let scoreIdx = 2;
  while (scoreIdx < curArgc) {
    if (argIs(scoreIdx, "NX")) flags |= ZADD_IN_NX;
    else if (argIs(scoreIdx, "XX")) flags |= ZADD_IN_XX;
    else if (argIs(scoreIdx, "CH")) ch = true;
    else if (argIs(scoreIdx, "INCR")) flags |= ZADD_IN_INCR;
    else if (argIs(scoreIdx, "GT")) flags |= ZADD_IN_GT;
    else if (argIs(scoreIdx, "LT")) flags |= ZADD_IN_LT;
    else break;
    scoreIdx++;
  }
  const incr = (flags & ZADD_IN_INCR) != 0;
  const nx = (flags & ZADD_IN_NX) != 0;
  const xx = (flags & ZADD_IN_XX) != 0;
  const gt = (flags & ZADD_IN_GT) != 0;
  const lt = (flags & ZADD_IN_LT) != 0;
  let elements = curArgc - scoreIdx;
  if (elements % 2 != 0 || elements == 0) { replyError(E_SYNTAX); return; }
  elements /= 2;
  if (nx && xx) { replyError(E_ZADD_XX_NX); return; }
  if ((gt && nx) || (lt && nx) || (gt && lt)) { replyError(E_ZADD_GT_LT_NX); return; }
  if (incr && elements > 1) { replyError(E_ZADD_INCR_PAIR); return; }
  const scores = scoresFor(<usize>elements);
  for (let j = 0; j < elements; j++) {
    const a = scoreIdx + j * 2;
    if (!parseDouble(argPtr(a), argLen(a))) { replyError(E_NOT_FLOAT); return; }
    store<f64>(scores + (<usize>j << 3), dblValue);
  }
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  if (wrongType(e, TYPE_ZSET)) return;
  let added: i64 = 0, updated: i64 = 0, processed: i64 = 0;
  let score: f64 = 0;
  let created = false;
  if (e == 0) {
    if (xx) {
      replyAddResult(incr, ch, processed, score, added, updated);
      return;
    }
    const firstLen = <u64>argLen(scoreIdx + 1);
    e = zsetCreateKey(db, keyPtr, keyLen, zsetMaxListpackEntries == 0 || zsetMaxListpackValue < firstLen);
    created = true;
  }
  for (let j = 0; j < elements; j++) {
    const m = scoreIdx + 1 + j * 2;
    const out = zsetAdd(e, load<f64>(scores + (<usize>j << 3)), argPtr(m), argLen(m), flags);
    if ((out & ZADD_OUT_NAN) != 0) {
      replyError(E_ZSET_NAN);
      finishAdd(db, e, created, added, updated);
      return;
    }
    if ((out & ZADD_OUT_ADDED) != 0) added++;
    if ((out & ZADD_OUT_UPDATED) != 0) updated++;
    if ((out & ZADD_OUT_NOP) == 0) processed++;
    score = zNewScore;
  }
  finishAdd(db, e, created, added, updated);
  replyAddResult(incr, ch, processed, score, added, updated);
  if (added + updated > 0) keyChanged(db.index, keyPtr, keyLen, NOTIFY_ZSET, incr ? "zincr" : "zadd");
}

function finishAdd(db: Db, e: usize, created: bool, added: i64, updated: i64): void {
  addDirty(<u64>(added + updated));
  // A new key woke its waiters in dbAdd; new members of an existing key may too.
  if (!created && added > 0) signalKeyAsReady(db.index, keyPtrOf(e), keyLenOf(e));
}

function replyAddResult(incr: bool, ch: bool, processed: i64, score: f64, added: i64, updated: i64): void {
  if (incr) {
    if (processed != 0) replyScore(score); else replyNull();
  } else {
    replyInt(ch ? added + updated : added);
  }
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] —
// integer: members added (CH: added or updated); with INCR the new score,
// or nil when NX/XX/GT/LT stopped it. O(log N) per member.
function cmdZadd(): void { zaddGeneric(0); trimScratch(); }

// ZINCRBY key increment member — the new score (double). O(log N).
function cmdZincrby(): void { zaddGeneric(ZADD_IN_INCR); trimScratch(); }

// ---- removal ----------------------------------------------------------------------

// ZREM key member [member ...] — integer: members removed. O(M log N).
function cmdZrem(): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  let deleted: i64 = 0;
  let keyRemoved = false;
  for (let j = 2; j < curArgc; j++) {
    if (zsetDel(e, argPtr(j), argLen(j))) deleted++;
    if (deleteIfEmpty(db, e)) { keyRemoved = true; break; }
  }
  if (deleted > 0) {
    notifyKeyspaceEvent(NOTIFY_ZSET, "zrem", argPtr(1), argLen(1), db.index);
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
    signalModifiedKey(db.index, argPtr(1), argLen(1));
  }
  addDirty(<u64>deleted);
  replyInt(deleted);
}

const RANGE_RANK: i32 = 0;
const RANGE_SCORE: i32 = 1;
const RANGE_LEX: i32 = 2;

/** Redis's zremrangeGenericCommand. */
function zremrangeGeneric(kind: i32): void {
  let start: i64 = 0, end: i64 = 0;
  if (kind == RANGE_RANK) {
    if (!parseLongOrReply(2)) return;
    start = argInt;
    if (!parseLongOrReply(3)) return;
    end = argInt;
  } else if (kind == RANGE_SCORE) {
    if (!parseScoreRangeOrReply(2, 3)) return;
  } else {
    if (!parseLexRangeOrReply(2, 3)) return;
  }
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  let deleted: u64 = 0;
  if (kind == RANGE_RANK) {
    const llen = <i64>zsetLength(e);
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) { replyInt(0); return; }
    if (end >= llen) end = llen - 1;
    deleted = zsetRemoveRangeByRank(e, start, end);
  } else if (kind == RANGE_SCORE) {
    deleted = zsetRemoveRangeByScore(e);
  } else {
    deleted = zsetRemoveRangeByLex(e);
  }
  const keyRemoved = deleteIfEmpty(db, e);
  if (deleted > 0) {
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_ZSET,
      kind == RANGE_RANK ? "zremrangebyrank" : kind == RANGE_SCORE ? "zremrangebyscore" : "zremrangebylex");
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
  }
  addDirty(deleted);
  replyInt(<i64>deleted);
}

// ZREMRANGEBYRANK key start stop — integer: members removed. O(log N + M).
function cmdZremrangebyrank(): void { zremrangeGeneric(RANGE_RANK); }

// ZREMRANGEBYSCORE key min max — integer: members removed. O(log N + M).
function cmdZremrangebyscore(): void { zremrangeGeneric(RANGE_SCORE); }

// ZREMRANGEBYLEX key min max — integer: members removed. O(log N + M).
function cmdZremrangebylex(): void { zremrangeGeneric(RANGE_LEX); }

// ---- point reads ---------------------------------------------------------------------

// ZCARD key — integer: members, 0 for a missing key. O(1).
function cmdZcard(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  replyInt(<i64>zsetLength(e));
}

// ZSCORE key member — the score (double) or nil. O(1).
function cmdZscore(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  if (zsetScore(e, argPtr(2), argLen(2))) replyScore(zScoreFound); else replyNull();
}

// ZMSCORE key member [member ...] — array of scores or nils. O(M).
function cmdZmscore(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (wrongType(e, TYPE_ZSET)) return;
  replyArray(curArgc - 2);
  for (let j = 2; j < curArgc; j++) {
    if (e != 0 && zsetScore(e, argPtr(j), argLen(j))) replyScore(zScoreFound); else replyNull();
  }
}

function rankGeneric(reverse: bool): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  const r = zsetRank(e, argPtr(2), argLen(2), reverse);
  if (r >= 0) replyInt(r); else replyNull();
}

// ZRANK key member — integer rank from the lowest score, or nil. O(log N).
function cmdZrank(): void { rankGeneric(false); }

// ZREVRANK key member — integer rank from the highest score, or nil. O(log N).
function cmdZrevrank(): void { rankGeneric(true); }

/** Members from the first position in range while the range's far end holds. */
function countInScoreRange(e: usize): i64 {
  let p = zFirstInRange(e);
  let n: i64 = 0;
  if (p == 0) return 0;
  if (encOf(e) != ENC_LISTPACK) return countByRanks(e, p, zLastInRange(e));
  while (p != 0 && lteMax(zScoreAt(e, p))) { n++; p = zNext(e, p); }
  return n;
}

function countInLexRange(e: usize): i64 {
  let p = zFirstInLex(e);
  if (p == 0) return 0;
  if (encOf(e) != ENC_LISTPACK) return countByRanks(e, p, zLastInLex(e));
  let n: i64 = 0;
  while (p != 0) {
    zMemberAt(e, p);
    if (!lexLteMax(zmPtr, zmLen)) break;
    n++;
    p = zNext(e, p);
  }
  return n;
}

/** 0-based rank of a skiplist node. */
function zsetRankOfPos(e: usize, p: u32): i64 {
  return zsetRank(e, nodeKey(<usize>p), nodeLen(<usize>p), false);
}

/**
 * ZCOUNT/ZLEXCOUNT on a skiplist, as Redis counts: from the first node in
 * range to the end, minus what follows the last node in range (when a last
 * one is found: with mixed scores a lex range may have none).
 */
function countByRanks(e: usize, first: u32, last: u32): i64 {
  const len = <i64>zsetLength(e);
  let count = len - zsetRankOfPos(e, first);
  if (last != 0) count -= len - 1 - zsetRankOfPos(e, last);
  return count;
}

// ZCOUNT key min max — integer: members with scores in the range. O(log N).
function cmdZcount(): void {
  if (!parseScoreRangeOrReply(2, 3)) return;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  replyInt(countInScoreRange(e));
}

// ZLEXCOUNT key min max — integer: members in the lex range. O(log N).
function cmdZlexcount(): void {
  if (!parseLexRangeOrReply(2, 3)) return;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  replyInt(countInLexRange(e));
}

// ---- ranges -------------------------------------------------------------------------------
// One emitter for Redis's zrange_result_handler: to the client (with or
// without scores, RESP3 pairs as nested arrays) or into a value being built
// for ZRANGESTORE.

let emitStore: bool = false;
let emitScores: bool = false;
let emitBuild: ZSet = changetype<ZSet>(0);
let emitMaxLen: u64 = 0;
let emitTotLen: u64 = 0;
let emitCount: i64 = 0;
let emitMark: usize = 0;
let emitKnown: bool = false;

function emitBegin(length: i64): void {
  emitCount = 0;
  if (emitStore) {
    emitBuild = zbuildNew();
    emitMaxLen = 0;
    emitTotLen = 0;
    return;
  }
  if (length > 0) {
    replyArray(emitScores && proto == 2 ? length * 2 : length);
    emitKnown = true;
  } else {
    emitMark = outMark();
    emitKnown = false;
  }
}

function emit(ptr: usize, len: usize, score: f64): void {
  emitCount++;
  if (emitStore) {
    zbuildInsert(emitBuild, score, ptr, len);
    if (<u64>len > emitMaxLen) emitMaxLen = <u64>len;
    emitTotLen += <u64>len;
    return;
  }
  if (emitScores && proto == 3) replyArray(2);
  replyBulk(ptr, len);
  if (emitScores) replyScore(score);
}

/** Emits the member at a position. */
function emitAt(e: usize, p: u32): void {
  const score = emitScores || emitStore ? zScoreAt(e, p) : 0;
  zMemberAt(e, p);
  emit(zmPtr, zmLen, score);
}

let storeDst: i32 = 0;

function emitEnd(): void {
  if (emitStore) {
    const db = curDb();
    storeBuilt(db, storeDst, emitBuild, emitMaxLen, emitTotLen, "zrangestore");
    return;
  }
  if (!emitKnown) outInsertArrayHeader(emitMark, emitScores && proto == 2 ? emitCount * 2 : emitCount);
}

/**
 * Stores a value built aside under the key in argument `dstArg` (replying
 * its size), or, when it is empty, deletes that key (replying 0), with the
 * events Redis sends: `event` for a store, "del" for a deletion.
 */
function storeBuilt(db: Db, dstArg: i32, z: ZSet, maxLen: u64, totLen: u64, event: string): void {
  const keyPtr = argPtr(dstArg), keyLen = argLen(dstArg);
  const len = <i64>zbuildLength(z);
  if (len > 0) {
    const v = zbuildFinish(z, maxLen, totLen);
    zsetStoreKey(db, keyPtr, keyLen, v, zbuildEnc);
    replyInt(len);
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_ZSET, event);
    addDirty(1);
    return;
  }
  zbuildFree(z);
  replyInt(0);
  if (dbDelete(db, keyPtr, keyLen)) {
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_GENERIC, "del");
    addDirty(1);
  }
}

/** genericZrangebyrankCommand. */
function rangeByRank(e: usize, startIn: i64, endIn: i64, reverse: bool): void {
  let start = startIn, end = endIn;
  const llen = <i64>zsetLength(e);
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    emitBegin(0);
    emitEnd();
    return;
  }
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  emitBegin(n);
  let p = zAtRank(e, reverse ? llen - 1 - start : start);
  for (let i: i64 = 0; i < n && p != 0; i++) {
    emitAt(e, p);
    p = reverse ? zPrev(e, p) : zNext(e, p);
  }
  emitEnd();
}

/**
 * genericZrangebyscoreCommand and genericZrangebylexCommand (`lex`): the same
 * walk from the range's first element (its last when `reverse`), skipping
 * `offset` elements and stopping after `limit` or past the range's far end.
 * The range is in ds/skiplist.ts's globals.
 */
function rangeByBounds(e: usize, offsetIn: i64, limitIn: i64, reverse: bool, lex: bool): void {
  let offset = offsetIn, limit = limitIn;
  if (offset > 0 && offset >= <i64>zsetLength(e)) {
    emitBegin(0);
    emitEnd();
    return;
  }
  emitBegin(-1);
  let p = lex ? (reverse ? zLastInLex(e) : zFirstInLex(e)) : (reverse ? zLastInRange(e) : zFirstInRange(e));
  // A negative offset skips everything, as Redis's `while (offset--)` does.
  while (p != 0 && offset != 0) {
    offset--;
    p = reverse ? zPrev(e, p) : zNext(e, p);
  }
  while (p != 0 && limit != 0) {
    limit--;
    if (lex) {
      zMemberAt(e, p);
      if (reverse ? !lexGteMin(zmPtr, zmLen) : !lexLteMax(zmPtr, zmLen)) break;
      emitAt(e, p);
    } else {
      const score = zScoreAt(e, p);
      if (reverse ? !gteMin(score) : !lteMax(score)) break;
      zMemberAt(e, p);
      emit(zmPtr, zmLen, score);
    }
    p = reverse ? zPrev(e, p) : zNext(e, p);
  }
  emitEnd();
}

const DIR_AUTO: i32 = 0;
const DIR_FORWARD: i32 = 1;
const DIR_REVERSE: i32 = 2;
const KIND_AUTO: i32 = -1;

/**
 * Redis's zrangeGenericCommand: `first` is the source key's argument, then
 * min and max; options after them. `store` is ZRANGESTORE (destination in
 * argument 1).
 */
function zrangeGeneric(first: i32, store: bool, kindIn: i32, dirIn: i32): void {
  let kind = kindIn, dir = dirIn;
  let minIdx = first + 1, maxIdx = first + 2;
  let withScores = false;
  let offset: i64 = 0;
  let limit: i64 = -1;
  for (let j = first + 3; j < curArgc; j++) {
    const left = curArgc - j - 1;
    if (!store && argIs(j, "WITHSCORES")) {
      withScores = true;
    } else if (argIs(j, "LIMIT") && left >= 2) {
      if (!parseLongOrReply(j + 1)) return;
      offset = argInt;
      if (!parseLongOrReply(j + 2)) return;
      limit = argInt;
      j += 2;
    } else if (dir == DIR_AUTO && argIs(j, "REV")) {
      dir = DIR_REVERSE;
    } else if (kind == KIND_AUTO && argIs(j, "BYLEX")) {
      kind = RANGE_LEX;
    } else if (kind == KIND_AUTO && argIs(j, "BYSCORE")) {
      kind = RANGE_SCORE;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (dir == DIR_AUTO) dir = DIR_FORWARD;
  if (kind == KIND_AUTO) kind = RANGE_RANK;
  if (limit != -1 && kind == RANGE_RANK) { replyError(E_ZSET_LIMIT_RANK); return; }
  if (withScores && kind == RANGE_LEX) { replyError(E_ZSET_WITHSCORES_BYLEX); return; }
  const reverse = dir == DIR_REVERSE;
  if (reverse && kind != RANGE_RANK) {
    // Reverse score and lex ranges are written max first.
    const t = maxIdx; maxIdx = minIdx; minIdx = t;
  }
  let start: i64 = 0, end: i64 = 0;
  if (kind == RANGE_RANK) {
    if (!parseLongOrReply(minIdx)) return;
    start = argInt;
    if (!parseLongOrReply(maxIdx)) return;
    end = argInt;
  } else if (kind == RANGE_SCORE) {
    if (!parseScoreRangeOrReply(minIdx, maxIdx)) return;
  } else {
    if (!parseLexRangeOrReply(minIdx, maxIdx)) return;
  }
  emitStore = store;
  emitScores = withScores;
  storeDst = 1;
  const e = dbLookupRead(curDb(), argPtr(first), argLen(first));
  if (e == 0) {
    if (store) {
      emitBegin(-1);
      emitEnd();
    } else {
      replyArray(0);
    }
    return;
  }
  if (wrongType(e, TYPE_ZSET)) return;
  if (kind == RANGE_RANK) rangeByRank(e, start, end, reverse);
  else rangeByBounds(e, offset, limit, reverse, kind == RANGE_LEX);
}

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
// — array of members (with scores: RESP2 flat, RESP3 [member, score] pairs).
// O(log N + M).
function cmdZrange(): void { zrangeGeneric(1, false, KIND_AUTO, DIR_AUTO); }

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] —
// integer: members stored; an empty result deletes dst. O(log N + M).
function cmdZrangestore(): void { zrangeGeneric(2, true, KIND_AUTO, DIR_AUTO); }

// ZREVRANGE key start stop [WITHSCORES] — array, highest score first. O(log N + M).
function cmdZrevrange(): void { zrangeGeneric(1, false, RANGE_RANK, DIR_REVERSE); }

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] — array. O(log N + M).
function cmdZrangebyscore(): void { zrangeGeneric(1, false, RANGE_SCORE, DIR_FORWARD); }

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] — array. O(log N + M).
function cmdZrevrangebyscore(): void { zrangeGeneric(1, false, RANGE_SCORE, DIR_REVERSE); }

// ZRANGEBYLEX key min max [LIMIT offset count] — array. O(log N + M).
function cmdZrangebylex(): void { zrangeGeneric(1, false, RANGE_LEX, DIR_FORWARD); }

// ZREVRANGEBYLEX key max min [LIMIT offset count] — array. O(log N + M).
function cmdZrevrangebylex(): void { zrangeGeneric(1, false, RANGE_LEX, DIR_REVERSE); }

// ---- pops ------------------------------------------------------------------------------

const ZSET_MIN: i32 = 0;
const ZSET_MAX: i32 = 1;

// Member bytes of the element being popped (a listpack integer's text lives
// in a scratch buffer the next read overwrites).
let popBuf: usize = 0;
let popCap: usize = 0;

/**
 * Redis's genericZpopCommand over the keys in arguments keyFirst ..
 * keyFirst+keyCount-1: pops from the first that exists. `count` -1 is the
 * plain single pop.
 */
function zpopGeneric(keyFirst: i32, keyCount: i32, where: i32, emitKey: bool, count: i64,
    nested: bool, nilWhenEmpty: bool): void {
  const db = curDb();
  let e: usize = 0;
  let keyArg = 0;
  for (let i = 0; i < keyCount; i++) {
    keyArg = keyFirst + i;
    e = dbLookup(db, argPtr(keyArg), argLen(keyArg));
    if (e == 0) continue;
    if (wrongType(e, TYPE_ZSET)) return;
    break;
  }
  if (e == 0) {
    if (nilWhenEmpty) replyNullArray(); else replyArray(0);
    return;
  }
  if (count == 0) { replyArray(0); return; }
  let n: i64 = count == -1 ? 1 : count;
  const llen = <i64>zsetLength(e);
  if (n > llen) n = llen;
  if (!nested && !emitKey) {
    replyArray(n * 2);
  } else if (nested && !emitKey) {
    replyArray(n);
  } else if (!nested && emitKey) {
    replyArray(n * 2 + 1);
    replyBulk(argPtr(keyArg), argLen(keyArg));
  } else {
    replyArray(2);
    replyBulk(argPtr(keyArg), argLen(keyArg));
    replyArray(n);
  }
  for (let i: i64 = 0; i < n; i++) {
    const p = where == ZSET_MAX ? zLast(e) : zFirst(e);
    const score = zScoreAt(e, p);
    zMemberAt(e, p);
    if (zmLen > popCap) {
      popBuf = memRealloc(popBuf, zmLen);
      popCap = zmLen;
    }
    memory.copy(popBuf, zmPtr, zmLen);
    const len = zmLen;
    if (nested) replyArray(2);
    replyBulk(popBuf, len);
    replyScore(score);
    zsetDel(e, popBuf, len);
    addDirty(1);
    if (i == 0) {
      notifyKeyspaceEvent(NOTIFY_ZSET, where == ZSET_MAX ? "zpopmax" : "zpopmin", argPtr(keyArg), argLen(keyArg), db.index);
      signalModifiedKey(db.index, argPtr(keyArg), argLen(keyArg));
    }
  }
  if (deleteIfEmpty(db, e)) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(keyArg), argLen(keyArg), db.index);
  // BZPOPMIN/BZPOPMAX/ZMPOP/BZMPOP propagate as ZPOPMIN/ZPOPMAX of the key
  // they took from (with the count popped for the MPOP forms).
  if (emitKey && propEnabled && n > 0) {
    rewriteBegin(db.index, count == -1 ? 2 : 3);
    opArgAscii(where == ZSET_MAX ? "ZPOPMAX" : "ZPOPMIN");
    opArg(argPtr(keyArg), argLen(keyArg));
    if (count != -1) opArgInt(n);
    opEnd();
  }
}

function zpopMinMax(where: i32): void {
  if (curArgc > 3) { replyError(E_SYNTAX); return; }
  let count: i64 = -1;
  if (curArgc == 3) {
    if (!parsePositiveOrReply(2, E_ZSET_POSITIVE)) return;
    count = argInt;
  }
  zpopGeneric(1, 1, where, false, count, proto == 3 && count != -1, false);
}

// ZPOPMIN key [count] — array: member, score, ... (RESP3 with a count:
// [member, score] pairs). O(M log N).
function cmdZpopmin(): void { zpopMinMax(ZSET_MIN); trimScratch(); }

// ZPOPMAX key [count] — as ZPOPMIN from the highest scores. O(M log N).
function cmdZpopmax(): void { zpopMinMax(ZSET_MAX); trimScratch(); }

/**
 * Redis's blockingGenericZpopCommand: pops from the first non-empty key, or
 * blocks (its timeout reply is a null array).
 */
function blockingZpop(keyFirst: i32, keyCount: i32, where: i32, timeoutIdx: i32, count: i64,
    nested: bool, nilWhenEmpty: bool): void {
  if (!parseTimeoutOrReply(timeoutIdx)) return;
  // A wait ended by its timeout or CLIENT UNBLOCK gets that reply even if a
  // key was filled meanwhile without waking it (a STORE over a key of
  // another type does not wake waiters in Redis 7.0).
  if ((cur.flags & (CF_UNBLOCK_TIMEOUT | CF_UNBLOCK_ERROR)) != 0) {
    if (blockForKeys(keyFirst, keyCount)) replyNullArray();
    return;
  }
  const db = curDb();
  for (let i = 0; i < keyCount; i++) {
    const k = keyFirst + i;
    const e = dbLookup(db, argPtr(k), argLen(k));
    if (e == 0) continue;
    if (wrongType(e, TYPE_ZSET)) return;
    zpopGeneric(k, 1, where, true, count, nested, nilWhenEmpty);
    return;
  }
  if (blockForKeys(keyFirst, keyCount)) replyNullArray();
}

// BZPOPMIN key [key ...] timeout — [key, member, score], or a null array on
// timeout; blocks while every key is missing. O(log N).
function cmdBzpopmin(): void { blockingZpop(1, curArgc - 2, ZSET_MIN, curArgc - 1, -1, false, false); trimScratch(); }

// BZPOPMAX key [key ...] timeout — as BZPOPMIN from the highest score. O(log N).
function cmdBzpopmax(): void { blockingZpop(1, curArgc - 2, ZSET_MAX, curArgc - 1, -1, false, false); trimScratch(); }

/** Redis's zmpopGenericCommand; `numkeysIdx` 1 for ZMPOP, 2 for BZMPOP. */
function zmpopGeneric(numkeysIdx: i32, block: bool): void {
  if (!parseAtLeastOneOrReply(numkeysIdx, E_ZSET_NUMKEYS)) return;
  const numkeys = argInt;
  if (numkeys > <i64>curArgc) { replyError(E_SYNTAX); return; }
  const whereIdx = numkeysIdx + <i32>numkeys + 1;
  if (whereIdx >= curArgc) { replyError(E_SYNTAX); return; }
  let where = ZSET_MIN;
  if (argIs(whereIdx, "MIN")) where = ZSET_MIN;
  else if (argIs(whereIdx, "MAX")) where = ZSET_MAX;
  else { replyError(E_SYNTAX); return; }
  let count: i64 = -1;
  for (let j = whereIdx + 1; j < curArgc; j++) {
    const more = curArgc - 1 - j;
    if (count == -1 && argIs(j, "COUNT") && more > 0) {
      j++;
      if (!parseAtLeastOneOrReply(j, E_ZSET_COUNT)) return;
      count = argInt;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (count == -1) count = 1;
  if (block) blockingZpop(numkeysIdx + 1, <i32>numkeys, where, 1, count, true, true);
  else zpopGeneric(numkeysIdx + 1, <i32>numkeys, where, true, count, true, true);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] — [key, [[member, score],
// ...]] from the first non-empty key, or a null array. O(K + M log N).
function cmdZmpop(): void { zmpopGeneric(1, false); trimScratch(); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] — as ZMPOP,
// blocking while every key is missing. O(K + M log N).
function cmdBzmpop(): void { zmpopGeneric(2, true); trimScratch(); }

// ---- ZRANDMEMBER ---------------------------------------------------------------------------

/** Positions of every member, in order (scratch, freed by the caller). */
function allPositions(e: usize, n: u32): usize {
  const a = memAlloc(<usize>n << 2);
  let p = zFirst(e);
  for (let i: u32 = 0; i < n; i++) {
    store<u32>(a + (<usize>i << 2), p);
    p = zNext(e, p);
  }
  return a;
}

/** Writes one pick; false (and the client closing) when the reply has no room left for it. */
function emitRandomPos(e: usize, p: u32, withScores: bool): bool {
  zMemberAt(e, p);
  if (!roomFor(<u64>zmLen + 64)) return false;
  if (withScores && proto == 3) replyArray(2);
  const score = withScores ? zScoreAt(e, p) : 0;
  zMemberAt(e, p);
  replyBulk(zmPtr, zmLen);
  if (withScores) replyScore(score);
  return true;
}

/** A uniform random index below n (n may exceed 32 bits in principle). */
function randomIndex(n: u32): u32 { return randomBelow(n); }

function zrandmemberWithCount(l: i64, withScores: bool): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyArray(0); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  const size = zsetLength(e);
  const uniq = l >= 0;
  const count: u64 = l >= 0 ? <u64>l : <u64>(-l);
  if (count == 0) { replyArray(0); return; }
  // Repeats allowed (or a single pick): each pick uniform over the set.
  if (!uniq || count == 1) {
    // Redis would go on writing 2^63 members; no reply block can hold even
    // the smallest ones ("$0\r\n\r\n"), so the client is closed before
    // writing, as Redis closes one past its output buffer limit; bigger
    // members are checked as they are written.
    if (count > (<u64>MAX_BLOCK - <u64>outMark()) / 6) { closeForReplySize(); return; }
    replyArray(withScores && proto == 2 ? <i64>(count * 2) : <i64>count);
    if (encOf(e) == ENC_LISTPACK || count > <u64>size) {
      const a = allPositions(e, size);
      for (let i: u64 = 0; i < count; i++) {
        if (!emitRandomPos(e, load<u32>(a + (<usize>randomIndex(size) << 2)), withScores)) break;
      }
      memFree(a);
    } else {
      for (let i: u64 = 0; i < count; i++) {
        if (!emitRandomPos(e, zAtRank(e, <i64>randomIndex(size)), withScores)) break;
      }
    }
    return;
  }
  const replySize: u64 = count < <u64>size ? count : <u64>size;
  replyArray(withScores && proto == 2 ? <i64>(replySize * 2) : <i64>replySize);
  // Asking for the whole set or more: all of it, from the highest score
  // down (Redis's zuiNext walks sorted sets from their tail).
  if (count >= <u64>size) {
    let p = zLast(e);
    while (p != 0) { emitRandomPos(e, p, withScores); p = zPrev(e, p); }
    return;
  }
  const k = <u32>count;
  if (encOf(e) == ENC_LISTPACK) {
    // Selection sampling (Knuth's algorithm S): a uniform subset, in order,
    // as Redis's lpRandomPairsUnique returns it.
    let p = zFirst(e);
    let need = k;
    let left = size;
    while (need > 0 && p != 0) {
      if (randomIndex(left) < need) { emitRandomPos(e, p, withScores); need--; }
      left--;
      p = zNext(e, p);
    }
    return;
  }
  if (<u64>k * 3 > <u64>size) {
    // Many of them: a partial Fisher-Yates shuffle of every position.
    const a = allPositions(e, size);
    for (let i: u32 = 0; i < k; i++) {
      const j = i + randomIndex(size - i);
      const t = load<u32>(a + (<usize>j << 2));
      store<u32>(a + (<usize>j << 2), load<u32>(a + (<usize>i << 2)));
      store<u32>(a + (<usize>i << 2), t);
      emitRandomPos(e, t, withScores);
    }
    memFree(a);
    return;
  }
  // Few of them: Floyd's sampling of distinct ranks, then a random order.
  const picked = memAlloc(<usize>k << 2);
  const seenCap = nextPow2(k * 2);
  const seen = memAlloc(<usize>seenCap << 2);
  memory.fill(seen, 0xFF, <usize>seenCap << 2);
  let got: u32 = 0;
  for (let j = size - k; j < size; j++) {
    let t = randomIndex(j + 1);
    if (!seenAdd(seen, seenCap, t)) { t = j; seenAdd(seen, seenCap, t); }
    store<u32>(picked + (<usize>got << 2), t);
    got++;
  }
  for (let i: u32 = 0; i < k; i++) {
    const j = i + randomIndex(k - i);
    const t = load<u32>(picked + (<usize>j << 2));
    store<u32>(picked + (<usize>j << 2), load<u32>(picked + (<usize>i << 2)));
    store<u32>(picked + (<usize>i << 2), t);
    emitRandomPos(e, zAtRank(e, <i64>t), withScores);
  }
  memFree(seen);
  memFree(picked);
}

function nextPow2(n: u32): u32 {
  let c: u32 = 4;
  while (c < n) c <<= 1;
  return c;
}

/** Open-addressing set of u32 (0xFFFFFFFF empty); false if `v` was already in. */
function seenAdd(tab: usize, cap: u32, v: u32): bool {
  let i = (v * 2654435761) & (cap - 1);
  while (true) {
    const cur = load<u32>(tab + (<usize>i << 2));
    if (cur == 0xFFFFFFFF) { store<u32>(tab + (<usize>i << 2), v); return true; }
    if (cur == v) return false;
    i = (i + 1) & (cap - 1);
  }
  return false;
}

// ZRANDMEMBER key [count [WITHSCORES]] — a random member (or nil); with a
// count, distinct members (count > 0) or independent picks (count < 0).
// O(N) at most.
function cmdZrandmember(): void {
  if (curArgc >= 3) {
    if (!parseLongOrReply(2)) return;
    const l = argInt;
    if (l == I64_MIN) { replyError(E_ZSET_RANDMEMBER_LONG); return; }
    let withScores = false;
    if (curArgc > 4 || (curArgc == 4 && !argIs(3, "WITHSCORES"))) { replyError(E_SYNTAX); return; }
    if (curArgc == 4) {
      withScores = true;
      if (l < I64_MIN / 2 || l > I64_MAX / 2) { replyError(E_ZSET_RANDMEMBER_RANGE); return; }
    }
    zrandmemberWithCount(l, withScores);
    return;
  }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_ZSET)) return;
  zMemberAt(e, zAtRank(e, <i64>randomIndex(zsetLength(e))));
  replyBulk(zmPtr, zmLen);
}

// ---- ZSCAN -------------------------------------------------------------------------------

// ZSCAN key cursor [MATCH pattern] [COUNT count] — [next cursor, [member,
// score, ...]]. A listpack is returned whole in one call; a skiplist is
// walked by its dict's reverse-binary cursor (every member present for the
// whole iteration is returned at least once). O(1) per call.
function cmdZscan(): void {
  if (!cursorOrReply(2)) return;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) {
    replyEmptyScan();
    return;
  }
  if (wrongType(e, TYPE_ZSET)) return;
  if (!scanOptionsOrReply(3)) return;
  replyArray(2);
  if (encOf(e) == ENC_LISTPACK) {
    replyBulkU64(0);
    const mark = outMark();
    let n: i64 = 0;
    const lp = objPtrOf(e);
    let off = lpFirst(lp);
    while (off != 0) {
      const sOff = lpNext(lp, off);
      lpGetBytes(lp, off);
      if (!scanUsePattern || globMatch(scanPatPtr, scanPatLen, lpPtr, lpLen)) {
        replyBulk(lpPtr, lpLen);
        // The score as the listpack holds it (d2string's text).
        lpGetBytes(lp, sOff);
        replyBulk(lpPtr, lpLen);
        n += 2;
      }
      off = lpNext(lp, sOff);
    }
    outInsertArrayHeader(mark, n);
    return;
  }
  replyBulkU64(scanGather(zsetZ(e).dict, scanCursor, scanCount * 10, scanCount, 1));
  const mark = outMark();
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanLen; k++) {
    const x = scanAt(k);
    if (scanUsePattern && !globMatch(scanPatPtr, scanPatLen, nodeKey(x), nodeLen(x))) continue;
    replyBulk(nodeKey(x), nodeLen(x));
    const sl = formatDouble(SCORE_TXT, nodeScore(x));
    replyBulk(SCORE_TXT, sl);
    n += 2;
  }
  outInsertArrayHeader(mark, n);
  scanDone();
}

// ---- ZUNION / ZINTER / ZDIFF ------------------------------------------------------------
// Redis's zunionInterDiffGenericCommand. Inputs are sorted sets or plain
// sets (every member scoring 1, read through db/setval.ts) or missing
// keys (empty). Results are built in a skiplist value, then replied or
// stored (choosing the destination's encoding by its size).

const OP_UNION: i32 = 0;
const OP_INTER: i32 = 1;
const OP_DIFF: i32 = 2;

const AGG_SUM: i32 = 0;
const AGG_MIN: i32 = 1;
const AGG_MAX: i32 = 2;

// The inputs: entry (0 = missing) and weight per source, in sort order.
let srcEntry: usize = 0; // u32 per source
let srcWeight: usize = 0; // f64 per source
let srcCap: i32 = 0;

// @ts-ignore: decorator
@inline function srcE(i: i32): usize { return <usize>load<u32>(srcEntry + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function srcW(i: i32): f64 { return load<f64>(srcWeight + (<usize>i << 3)); }

function srcLen(i: i32): u64 {
  const e = srcE(i);
  if (e == 0) return 0;
  return typeOf(e) == TYPE_ZSET ? <u64>zsetLength(e) : <u64>setSize(e);
}

/** zuiFind: the member's score in source `i` (1 for a set member). */
let foundScore: f64 = 0;
function srcFind(i: i32, ptr: usize, len: usize): bool {
  const e = srcE(i);
  if (e == 0) return false;
  if (typeOf(e) == TYPE_ZSET) {
    if (!zsetScore(e, ptr, len)) return false;
    foundScore = zScoreFound;
    return true;
  }
  if (!setIsMember(e, ptr, len)) return false;
  foundScore = 1.0;
  return true;
}

function aggregate(target: f64, val: f64, agg: i32): f64 {
  if (agg == AGG_SUM) {
    const r = target + val;
    // inf + -inf: Redis keeps the convention of 0.
    return isNaN(r) ? 0.0 : r;
  }
  if (agg == AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

// State of the element visitors (sources are walked through callbacks so
// sorted sets and plain sets share one path).
let opAgg: i32 = AGG_SUM;
let opSetnum: i32 = 0;
let opCur: i32 = 0; // the source being walked
let opBuild: ZSet = changetype<ZSet>(0);
let opMaxLen: u64 = 0;
let opTotLen: u64 = 0;
let opCardOnly: bool = false;
let opLimit: i64 = 0;
let opCard: i64 = 0;
let opStop: bool = false;

/** Walks source `i`, calling `visit(ptr, len, score)` until opStop. */
function walkSource(i: i32, visit: (ptr: usize, len: usize, score: f64) => void): void {
  const e = srcE(i);
  if (e == 0) return;
  opCur = i;
  if (typeOf(e) == TYPE_ZSET) {
    let p = zFirst(e);
    while (p != 0 && !opStop) {
      const score = zScoreAt(e, p);
      zMemberAt(e, p);
      visit(zmPtr, zmLen, score);
      p = zNext(e, p);
    }
    return;
  }
  // A plain set: every member scores 1.
  const n = setSize(e);
  for (let i: u32 = 0; i < n && !opStop; i++) {
    setLoad(e, i);
    visit(elemPtr, elemLen, 1.0);
  }
}

// Scratch for a member whose bytes a lookup could overwrite (a listpack
// integer's text).
let memBuf: usize = 0;
let memCap: usize = 0;
function stableMember(ptr: usize, len: usize): usize {
  if (len > memCap) {
    memBuf = memRealloc(memBuf, len);
    memCap = len;
  }
  memory.copy(memBuf, ptr, len);
  return memBuf;
}

function noteLen(len: usize): void {
  opTotLen += <u64>len;
  if (<u64>len > opMaxLen) opMaxLen = <u64>len;
}

function interVisit(ptrIn: usize, lenIn: usize, score0: f64): void {
  const len = lenIn;
  const ptr = stableMember(ptrIn, lenIn);
  let score = srcW(0) * score0;
  if (isNaN(score)) score = 0;
  let j = 1;
  for (; j < opSetnum; j++) {
    let value: f64 = 0;
    if (srcE(j) == srcE(0)) {
      value = score0 * srcW(j);
    } else if (srcFind(j, ptr, len)) {
      value = foundScore * srcW(j);
    } else {
      break;
    }
    score = aggregate(score, value, opAgg);
  }
  if (j != opSetnum) return;
  if (opCardOnly) {
    opCard++;
    if (opLimit != 0 && opCard >= opLimit) opStop = true;
    return;
  }
  zbuildInsert(opBuild, score, ptr, len);
  noteLen(len);
}

// Union: nodes are made unlinked and kept in the dict while their scores
// aggregate, then linked into the skiplist once at the end.
function unionVisit(ptr: usize, len: usize, score0: f64): void {
  let score = srcW(opCur) * score0;
  if (isNaN(score)) score = 0;
  const hash = hashBytes(ptr, len);
  const x = dictFind(opBuild.dict, ptr, len, hash);
  if (x == 0) {
    const n = zslNewNode(opBuild.zsl, score, ptr, len, hash);
    dictInsert(opBuild.dict, n);
    noteLen(len);
  } else {
    zslSetUnlinkedScore(x, aggregate(nodeScore(x), score, opAgg));
  }
}

function linkUnionNode(x: usize, _ctx: usize): void {
  zslLink(opBuild.zsl, x);
}

// Diff, algorithm 1: each member of the first source not found elsewhere.
function diff1Visit(ptrIn: usize, lenIn: usize, score0: f64): void {
  const len = lenIn;
  const ptr = stableMember(ptrIn, lenIn);
  for (let j = 1; j < opSetnum; j++) {
    if (srcE(j) == srcE(0) || srcFind(j, ptr, len)) return;
  }
  zbuildInsert(opBuild, score0, ptr, len);
  noteLen(len);
}

// Diff, algorithm 2: everything from the first source, minus the others.
function diff2AddVisit(ptr: usize, len: usize, score0: f64): void {
  zbuildInsert(opBuild, score0, ptr, len);
}
function diff2RemoveVisit(ptr: usize, len: usize, _score: f64): void {
  const x = zbuildFind(opBuild, ptr, len);
  if (x != 0) {
    zbuildRemove(opBuild, x);
    if (zbuildLength(opBuild) == 0) opStop = true;
  }
}

function opDiff(): void {
  if (srcLen(0) == 0) return;
  // Redis's zsetChooseDiffAlgorithm: the same key twice empties the result.
  let work1: u64 = 0, work2: u64 = 0;
  for (let j = 0; j < opSetnum; j++) {
    if (j > 0 && srcE(j) == srcE(0)) return;
    work1 += srcLen(0);
    work2 += srcLen(j);
  }
  work1 /= 2;
  if (work1 <= work2) {
    walkSource(0, diff1Visit);
    return;
  }
  walkSource(0, diff2AddVisit);
  for (let j = 1; j < opSetnum && !opStop; j++) {
    if (srcLen(j) == 0) continue;
    walkSource(j, diff2RemoveVisit);
  }
  let x = zslFirst(opBuild.zsl);
  while (x != 0) { noteLen(nodeLen(x)); x = nodeNext(x); }
}

/** Stable sort of the sources by cardinality (glibc's qsort is a merge sort here). */
function sortSources(n: i32): void {
  for (let i = 1; i < n; i++) {
    const e = srcE(i);
    const w = srcW(i);
    const len = srcLen(i);
    let j = i - 1;
    while (j >= 0 && srcLen(j) > len) {
      store<u32>(srcEntry + (<usize>(j + 1) << 2), load<u32>(srcEntry + (<usize>j << 2)));
      store<f64>(srcWeight + (<usize>(j + 1) << 3), srcW(j));
      j--;
    }
    store<u32>(srcEntry + (<usize>(j + 1) << 2), <u32>e);
    store<f64>(srcWeight + (<usize>(j + 1) << 3), w);
  }
}

/** "ERR at least 1 input key is needed for '<command>' command". */
function replyNeedKey(name: string): void {
  replyError(E_ZSET_NEED_KEY.replace("%s", name));
}

function zsetOpGeneric(dstArg: i32, numkeysIdx: i32, op: i32, cardOnly: bool, name: string): void {
  if (!parseLongOrReply(numkeysIdx)) return;
  const setnum = argInt;
  if (setnum < 1) { replyNeedKey(name); return; }
  if (setnum > <i64>(curArgc - (numkeysIdx + 1))) { replyError(E_SYNTAX); return; }
  const n = <i32>setnum;
  if (n > srcCap) {
    srcEntry = memRealloc(srcEntry, <usize>n << 2);
    srcWeight = memRealloc(srcWeight, <usize>n << 3);
    srcCap = n;
  }
  const db = curDb();
  let j = numkeysIdx + 1;
  for (let i = 0; i < n; i++, j++) {
    const e = dbLookupRead(db, argPtr(j), argLen(j));
    if (e != 0 && typeOf(e) != TYPE_ZSET && typeOf(e) != TYPE_SET) { replyError(E_WRONGTYPE); return; }
    store<u32>(srcEntry + (<usize>i << 2), <u32>e);
    store<f64>(srcWeight + (<usize>i << 3), 1.0);
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit: i64 = 0;
  let remaining = curArgc - j;
  while (remaining > 0) {
    if (op != OP_DIFF && !cardOnly && remaining >= n + 1 && argIs(j, "WEIGHTS")) {
      j++; remaining--;
      for (let i = 0; i < n; i++, j++, remaining--) {
        if (!parseDouble(argPtr(j), argLen(j))) { replyError(E_ZSET_WEIGHT); return; }
        store<f64>(srcWeight + (<usize>i << 3), dblValue);
      }
    } else if (op != OP_DIFF && !cardOnly && remaining >= 2 && argIs(j, "AGGREGATE")) {
      j++; remaining--;
      if (argIs(j, "SUM")) agg = AGG_SUM;
      else if (argIs(j, "MIN")) agg = AGG_MIN;
      else if (argIs(j, "MAX")) agg = AGG_MAX;
      else { replyError(E_SYNTAX); return; }
      j++; remaining--;
    } else if (remaining >= 1 && dstArg < 0 && !cardOnly && argIs(j, "WITHSCORES")) {
      j++; remaining--;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && argIs(j, "LIMIT")) {
      j++; remaining--;
      if (!parsePositiveOrReply(j, E_ZSET_LIMIT_NEGATIVE)) return;
      limit = argInt;
      j++; remaining--;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (op != OP_DIFF) sortSources(n);
  opAgg = agg;
  opSetnum = n;
  opBuild = zbuildNew();
  opMaxLen = 0;
  opTotLen = 0;
  opCardOnly = cardOnly;
  opLimit = limit;
  opCard = 0;
  opStop = false;
  if (op == OP_INTER) {
    if (srcLen(0) > 0) walkSource(0, interVisit);
  } else if (op == OP_UNION) {
    for (let i = 0; i < n; i++) {
      if (srcLen(i) == 0) continue;
      walkSource(i, unionVisit);
    }
    dictForEach(opBuild.dict, linkUnionNode, 0);
  } else {
    opDiff();
  }
  opStop = false;
  const z = opBuild;
  if (dstArg >= 0) {
    storeBuilt(db, dstArg, z, opMaxLen, opTotLen, op == OP_UNION ? "zunionstore" : op == OP_INTER ? "zinterstore" : "zdiffstore");
    return;
  }
  if (cardOnly) {
    zbuildFree(z);
    replyInt(opCard);
    return;
  }
  const len = <i64>zbuildLength(z);
  replyArray(withScores && proto == 2 ? len * 2 : len);
  let x = zslFirst(z.zsl);
  while (x != 0) {
    if (withScores && proto == 3) replyArray(2);
    replyBulk(nodeKey(x), nodeLen(x));
    if (withScores) replyScore(nodeScore(x));
    x = nodeNext(x);
  }
  zbuildFree(z);
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...]
// [AGGREGATE SUM|MIN|MAX] — integer: members stored. O(N) + O(M log M).
function cmdZunionstore(): void { zsetOpGeneric(1, 2, OP_UNION, false, "zunionstore"); trimScratch(); }

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...]
// [AGGREGATE SUM|MIN|MAX] — integer: members stored. O(N*K) + O(M log M).
function cmdZinterstore(): void { zsetOpGeneric(1, 2, OP_INTER, false, "zinterstore"); trimScratch(); }

// ZDIFFSTORE destination numkeys key [key ...] — integer: members stored.
// O(L + (N-K) log N).
function cmdZdiffstore(): void { zsetOpGeneric(1, 2, OP_DIFF, false, "zdiffstore"); trimScratch(); }

// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
// [WITHSCORES] — array (RESP3 with scores: [member, score] pairs).
function cmdZunion(): void { zsetOpGeneric(-1, 1, OP_UNION, false, "zunion"); trimScratch(); }

// ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
// [WITHSCORES] — array.
function cmdZinter(): void { zsetOpGeneric(-1, 1, OP_INTER, false, "zinter"); trimScratch(); }

// ZDIFF numkeys key [key ...] [WITHSCORES] — array.
function cmdZdiff(): void { zsetOpGeneric(-1, 1, OP_DIFF, false, "zdiff"); trimScratch(); }

// ZINTERCARD numkeys key [key ...] [LIMIT limit] — integer: size of the
// intersection, counting stops at LIMIT (0: no limit). O(N*K).
function cmdZintercard(): void { zsetOpGeneric(-1, 1, OP_INTER, true, "zintercard"); trimScratch(); }

export function register(): void {
  registerZsetType();
  reg(CMD_BZMPOP, cmdBzmpop);
  reg(CMD_BZPOPMAX, cmdBzpopmax);
  reg(CMD_BZPOPMIN, cmdBzpopmin);
  reg(CMD_ZADD, cmdZadd);
  reg(CMD_ZCARD, cmdZcard);
  reg(CMD_ZCOUNT, cmdZcount);
  reg(CMD_ZDIFF, cmdZdiff);
  reg(CMD_ZDIFFSTORE, cmdZdiffstore);
  reg(CMD_ZINCRBY, cmdZincrby);
  reg(CMD_ZINTER, cmdZinter);
  reg(CMD_ZINTERCARD, cmdZintercard);
  reg(CMD_ZINTERSTORE, cmdZinterstore);
  reg(CMD_ZLEXCOUNT, cmdZlexcount);
  reg(CMD_ZMPOP, cmdZmpop);
  reg(CMD_ZMSCORE, cmdZmscore);
  reg(CMD_ZPOPMAX, cmdZpopmax);
  reg(CMD_ZPOPMIN, cmdZpopmin);
  reg(CMD_ZRANDMEMBER, cmdZrandmember);
  reg(CMD_ZRANGE, cmdZrange);
  reg(CMD_ZRANGEBYLEX, cmdZrangebylex);
  reg(CMD_ZRANGEBYSCORE, cmdZrangebyscore);
  reg(CMD_ZRANGESTORE, cmdZrangestore);
  reg(CMD_ZRANK, cmdZrank);
  reg(CMD_ZREM, cmdZrem);
  reg(CMD_ZREMRANGEBYLEX, cmdZremrangebylex);
  reg(CMD_ZREMRANGEBYRANK, cmdZremrangebyrank);
  reg(CMD_ZREMRANGEBYSCORE, cmdZremrangebyscore);
  reg(CMD_ZREVRANGE, cmdZrevrange);
  reg(CMD_ZREVRANGEBYLEX, cmdZrevrangebylex);
  reg(CMD_ZREVRANGEBYSCORE, cmdZrevrangebyscore);
  reg(CMD_ZREVRANK, cmdZrevrank);
  reg(CMD_ZSCAN, cmdZscan);
  reg(CMD_ZSCORE, cmdZscore);
  reg(CMD_ZUNION, cmdZunion);
  reg(CMD_ZUNIONSTORE, cmdZunionstore);
}
