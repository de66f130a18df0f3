// Hash commands: HDEL HEXISTS HGET HGETALL HINCRBY HINCRBYFLOAT HKEYS HLEN
// HMGET HMSET HRANDFIELD HSCAN HSET HSETNX HSTRLEN HVALS.
//
// Values live in db/hashval.ts, which owns the two encodings (listpack and
// hashtable) and the rules that convert one into the other; the handlers
// here parse arguments, check things in Redis's order (it decides which
// error a client sees when several things are wrong) and write replies.
//
// Write commands create a missing key before looking at the field, as
// Redis's hashTypeLookupWriteOrCreate does; none of them can fail after
// that on a fresh key, so no empty hash is ever left behind. A write that
// changed something signals the key (WATCH) and reports its event (hset,
// hdel, hincrby, hincrbyfloat; del when the last field goes), as Redis 7.0.

import { propEnabled, rewriteBegin, opArg, opArgAscii, opEnd } from "../db/propagate";
import { register as reg, replyWrongArity } from "./dispatch";
import {
  CMD_HDEL, CMD_HEXISTS, CMD_HGET, CMD_HGETALL, CMD_HINCRBY, CMD_HINCRBYFLOAT, CMD_HKEYS, CMD_HLEN,
  CMD_HMGET, CMD_HMSET, CMD_HRANDFIELD, CMD_HSCAN, CMD_HSET, CMD_HSETNX, CMD_HSTRLEN, CMD_HVALS,
} from "./table.gen";
import { curDb, cur, parseLongOrReply, argInt, closeForReplySize, roomFor, argIs } from "./context";
import {
  cursorOrReply, scanCursor, scanOptionsOrReply, scanCount, scanUsePattern, scanPatPtr, scanPatLen,
  scanGather, scanLen, scanAt, scanDone, replyEmptyScan,
} from "./scan";
import { argPtr, argLen, curArgc, CF_CLOSE } from "../client";
import {
  replyBulk, replyNull, replyError, replyOk, replyInt, replyArray, replyMap, replyBulkU64,
  outMark, outInsertArrayHeader, formatI64, proto,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_FLOAT, E_OVERFLOW, E_INCR_NAN,
  E_HASH_NOT_INTEGER, E_HASH_NOT_FLOAT, E_HASH_INCR_NAN_INF, E_HRANDFIELD_COUNT_RANGE,
  E_HRANDFIELD_WITHVALUES_RANGE,
} from "../resp/errors";
import { Db, addDirty, dbLookup, dbLookupRead, dbDeleteEntry } from "../db/db";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_HASH, NOTIFY_GENERIC } from "../db/notify";
import { typeOf, encOf, objPtrOf, TYPE_HASH, ENC_LISTPACK } from "../db/entry";
import {
  hashCreate, hashLength, hashGet, hashExists, hashSet, hashDelete, hashTryConversion,
  hvPtr, hvLen, hvIsInt, hvInt, fieldPtrOf, fieldLenOf, valuePtrOf, valueLenOf, registerHashValue,
} from "../db/hashval";
import { Dict, dictForEach } from "../ds/dict";
import { dictFairRandom } from "../ds/dictfair";
import { lpFirst, lpNext, lpSeek, lpGet, lpGetBytes, lpPtr, lpLen } from "../ds/listpack";
import { memAlloc, memCalloc, memFree, MAX_BLOCK } from "../ds/mem";
import { randomBelow } from "../ds/hash";
import { globMatch } from "../util/glob";
import { parseI64Strict, PARSE_OK, parsedI64, addOverflows } from "../util/num";
import { ldParse, ldFromI64, ldAdd, ldFormatHuman, ldNeg, ldMant, ldExp, ldInf, ldNan, LD_FORMAT_MAX } from "../util/ldouble";

const I64_MAX: i64 = 9223372036854775807;
const I64_MIN: i64 = -9223372036854775808;

// ---- shared helpers ------------------------------------------------------------

/** The key found by the last readOrReply (0: missing). */
let found: usize = 0;

/** Read lookup of argument 1; false (WRONGTYPE replied) if it holds another type. */
function readOrReply(db: Db): bool {
  found = dbLookupRead(db, argPtr(1), argLen(1));
  if (found != 0 && typeOf(found) != TYPE_HASH) {
    replyError(E_WRONGTYPE);
    return false;
  }
  return true;
}

/**
 * Redis's hashTypeLookupWriteOrCreate on argument 1: the hash, created
 * empty if missing; 0 (WRONGTYPE replied) if the key holds another type.
 */
function writeOrCreate(db: Db): usize {
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) return hashCreate(db, argPtr(1), argLen(1));
  if (typeOf(e) != TYPE_HASH) {
    replyError(E_WRONGTYPE);
    return 0;
  }
  return e;
}

/** hashTryConversion over arguments first..last (inclusive). */
function tryConversionArgs(e: usize, first: i32, last: i32): void {
  let maxLen: usize = 0;
  let sum: u64 = 0;
  for (let i = first; i <= last; i++) {
    const n = argLen(i);
    if (n > maxLen) maxLen = n;
    sum += <u64>n;
  }
  hashTryConversion(e, maxLen, sum);
}

// @ts-ignore: decorator
@inline function htOf(e: usize): Dict { return changetype<Dict>(objPtrOf(e)); }

/** Replies the listpack element at `off` as a bulk string (integers as their text). */
function replyLp(lp: usize, off: u32): void {
  lpGetBytes(lp, off);
  replyBulk(lpPtr, lpLen);
}

// ---- writes --------------------------------------------------------------------

/** HSET and HMSET: every field/value pair is set; returns how many were new. */
function opHset(db: Db, e: usize): i64 {
  tryConversionArgs(e, 2, curArgc - 1);
  let created: i64 = 0;
  for (let i = 2; i < curArgc; i += 2) {
    if (hashSet(e, argPtr(i), argLen(i), argPtr(i + 1), argLen(i + 1))) created++;
  }
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_HASH, "hset");
  addDirty(<u64>((curArgc - 2) / 2));
  return created;
}

// HSET key field value [field value ...] — integer: fields added. O(1) per pair.
function cmdHset(): void {
  if ((curArgc & 1) != 0) { replyWrongArity(CMD_HSET); return; }
  const db = curDb();
  const e = writeOrCreate(db);
  if (e == 0) return;
  replyInt(opHset(db, e));
}

// HMSET key field value [field value ...] — OK (HSET's old form). O(1) per pair.
function cmdHmset(): void {
  if ((curArgc & 1) != 0) { replyWrongArity(CMD_HMSET); return; }
  const db = curDb();
  const e = writeOrCreate(db);
  if (e == 0) return;
  opHset(db, e);
  replyOk();
}

// HSETNX key field value — integer: 1 if set, 0 if the field existed. O(1).
// Only a write that happens may convert the encoding (Redis checks the
// lengths after the existence test).
function cmdHsetnx(): void {
  const db = curDb();
  const e = writeOrCreate(db);
  if (e == 0) return;
  if (hashExists(e, argPtr(2), argLen(2))) { replyInt(0); return; }
  tryConversionArgs(e, 2, 3);
  hashSet(e, argPtr(2), argLen(2), argPtr(3), argLen(3));
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_HASH, "hset");
  addDirty(1);
  replyInt(1);
}

// HDEL key field [field ...] — integer: fields removed; the key goes with
// its last field. O(1) per field.
function cmdHdel(): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (typeOf(e) != TYPE_HASH) { replyError(E_WRONGTYPE); return; }
  let deleted: i64 = 0;
  let keyRemoved = false;
  for (let i = 2; i < curArgc; i++) {
    if (!hashDelete(e, argPtr(i), argLen(i))) continue;
    deleted++;
    if (hashLength(e) == 0) {
      dbDeleteEntry(db, e);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_HASH, "hdel");
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", argPtr(1), argLen(1), db.index);
  }
  addDirty(<u64>deleted);
  replyInt(deleted);
}

// Scratch for a counter's new value (digits of an i64, or a long double).
const NUM_BUF = memory.data(<i32>LD_FORMAT_MAX);

// HINCRBY key field increment — integer: the new value. O(1).
function cmdHincrby(): void {
  if (!parseLongOrReply(3)) return;
  const incr = argInt;
  const db = curDb();
  const e = writeOrCreate(db);
  if (e == 0) return;
  let value: i64 = 0;
  if (hashGet(e, argPtr(2), argLen(2))) {
    if (hvIsInt) {
      value = hvInt;
    } else {
      if (parseI64Strict(hvPtr, hvLen) != PARSE_OK) { replyError(E_HASH_NOT_INTEGER); return; }
      value = parsedI64;
    }
  }
  if (addOverflows(value, incr)) {
    replyError(E_OVERFLOW);
    return;
  }
  value += incr;
  const len = formatI64(NUM_BUF, value);
  hashSet(e, argPtr(2), argLen(2), NUM_BUF, len);
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_HASH, "hincrby");
  addDirty(1);
  replyInt(value);
}

// HINCRBYFLOAT key field increment — bulk string: the new value as Redis
// prints a long double (the same arithmetic as INCRBYFLOAT). O(1).
function cmdHincrbyfloat(): void {
  if (!ldParse(argPtr(3), argLen(3))) { replyError(E_NOT_FLOAT); return; }
  if (ldInf) { replyError(E_HASH_INCR_NAN_INF); return; }
  const iNeg = ldNeg, iMant = ldMant, iExp = ldExp, iInf = ldInf;
  const db = curDb();
  const e = writeOrCreate(db);
  if (e == 0) return;
  if (hashGet(e, argPtr(2), argLen(2))) {
    if (hvIsInt) {
      ldFromI64(hvInt);
    } else if (!ldParse(hvPtr, hvLen)) {
      replyError(E_HASH_NOT_FLOAT);
      return;
    }
  } else {
    ldFromI64(0);
  }
  ldAdd(iNeg, iMant, iExp, iInf);
  if (ldNan || ldInf) { replyError(E_INCR_NAN); return; }
  const len = ldFormatHuman(NUM_BUF);
  hashSet(e, argPtr(2), argLen(2), NUM_BUF, len);
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_HASH, "hincrbyfloat");
  addDirty(1);
  replyBulk(NUM_BUF, len);
  // Float formatting may differ between machines: propagate the result.
  if (propEnabled) {
    rewriteBegin(db.index, 4);
    opArgAscii("HSET");
    opArg(argPtr(1), argLen(1));
    opArg(argPtr(2), argLen(2));
    opArg(NUM_BUF, len);
    opEnd();
  }
}

// ---- reads ---------------------------------------------------------------------

// HGET key field — bulk string, or nil. O(1).
function cmdHget(): void {
  if (!readOrReply(curDb())) return;
  if (found == 0 || !hashGet(found, argPtr(2), argLen(2))) { replyNull(); return; }
  replyBulk(hvPtr, hvLen);
}

// HMGET key field [field ...] — array of values, nil for missing fields
// (all nil for a missing key). O(1) per field.
function cmdHmget(): void {
  if (!readOrReply(curDb())) return;
  const e = found;
  replyArray(curArgc - 2);
  for (let i = 2; i < curArgc; i++) {
    if (e != 0 && hashGet(e, argPtr(i), argLen(i))) replyBulk(hvPtr, hvLen);
    else replyNull();
  }
}

// HEXISTS key field — integer: 1 if the field exists, else 0. O(1).
function cmdHexists(): void {
  if (!readOrReply(curDb())) return;
  replyInt(found != 0 && hashExists(found, argPtr(2), argLen(2)) ? 1 : 0);
}

// HLEN key — integer: number of fields, 0 for a missing key. O(1).
function cmdHlen(): void {
  if (!readOrReply(curDb())) return;
  replyInt(found == 0 ? 0 : <i64>hashLength(found));
}

// HSTRLEN key field — integer: the value's length, 0 if missing. O(1).
function cmdHstrlen(): void {
  if (!readOrReply(curDb())) return;
  replyInt(found != 0 && hashGet(found, argPtr(2), argLen(2)) ? <i64>hvLen : 0);
}

const WANT_FIELDS: i32 = 1;
const WANT_VALUES: i32 = 2;
let want: i32 = 0;

function replyPair(f: usize, _ctx: usize): void {
  if ((want & WANT_FIELDS) != 0) replyBulk(fieldPtrOf(f), fieldLenOf(f));
  if ((want & WANT_VALUES) != 0) replyBulk(valuePtrOf(f), valueLenOf(f));
}

/** HGETALL, HKEYS, HVALS: every field and/or value. */
function getAllGeneric(flags: i32): void {
  if (!readOrReply(curDb())) return;
  const both = flags == (WANT_FIELDS | WANT_VALUES);
  const e = found;
  const n: i64 = e == 0 ? 0 : <i64>hashLength(e);
  if (both) replyMap(n); else replyArray(n);
  if (e == 0) return;
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    let off = lpFirst(lp);
    while (off != 0) {
      const voff = lpNext(lp, off);
      if ((flags & WANT_FIELDS) != 0) replyLp(lp, off);
      if ((flags & WANT_VALUES) != 0) replyLp(lp, voff);
      off = lpNext(lp, voff);
    }
  } else {
    want = flags;
    dictForEach(htOf(e), replyPair, 0);
  }
}

// HGETALL key — map of field => value (an array of pairs in RESP2). O(N).
function cmdHgetall(): void { getAllGeneric(WANT_FIELDS | WANT_VALUES); }

// HKEYS key — array of fields. O(N).
function cmdHkeys(): void { getAllGeneric(WANT_FIELDS); }

// HVALS key — array of values. O(N).
function cmdHvals(): void { getAllGeneric(WANT_VALUES); }

// ---- HRANDFIELD ------------------------------------------------------------------


/** One field (and value) of an HRANDFIELD reply, in the protocol's shape. */
function replyRandPair(fPtr: usize, fLen: usize, vPtr: usize, vLen: usize, withValues: bool): void {
  if (withValues && proto == 3) replyArray(2);
  replyBulk(fPtr, fLen);
  if (withValues) replyBulk(vPtr, vLen);
}

/** The listpack pair at field offset `off`. */
function replyRandLp(lp: usize, off: u32, withValues: bool): void {
  if (withValues && proto == 3) replyArray(2);
  replyLp(lp, off);
  if (withValues) replyLp(lp, lpNext(lp, off));
}

/** Length of the listpack element at `off` as a reply carries it (an integer as its digits). */
function lpTextLen(lp: usize, off: u32): usize {
  return lpGet(lp, off) ? 20 : lpLen;
}

/** Field offsets of a listpack hash, for O(1) random access (caller frees). */
function lpFieldOffsets(lp: usize, n: u32): usize {
  const offs = memAlloc(<usize>n << 2);
  let off = lpFirst(lp);
  for (let i: u32 = 0; i < n; i++) {
    store<u32>(offs + (<usize>i << 2), off);
    off = lpNext(lp, lpNext(lp, off));
  }
  return offs;
}

// Algorithm S's state for the hashtable walk (dictForEach takes no closure).
let pickNeed: u64 = 0;
let pickLeft: u64 = 0;
let pickValues: bool = false;

function selectVisit(f: usize, _ctx: usize): void {
  // Each entry is taken with probability need/left: every subset of the
  // wanted size is equally likely.
  if (pickNeed > 0 && <u64>randomBelow(<u32>pickLeft) < pickNeed) {
    replyRandPair(fieldPtrOf(f), fieldLenOf(f), valuePtrOf(f), valueLenOf(f), pickValues);
    pickNeed--;
  }
  pickLeft--;
}

/** Random distinct entries by repeated uniform picks, duplicates skipped. */
function opRandUniqueSparse(d: Dict, count: u32, withValues: bool): void {
  // An open-addressing set of the entries already replied (u32 pointers).
  let cap: u32 = 16;
  while (cap < count * 2) cap <<= 1;
  const seen = memCalloc(<usize>cap << 2);
  const mask = cap - 1;
  // Fibonacci hashing: the product's top bits, since block addresses share their low ones.
  const shift = 32 - ctz(cap);
  let got: u32 = 0;
  while (got < count) {
    const f = dictFairRandom(d);
    let slot = (<u32>f * 2654435761) >> shift;
    let dup = false;
    while (true) {
      const v = <usize>load<u32>(seen + (<usize>slot << 2));
      if (v == 0) break;
      if (v == f) { dup = true; break; }
      slot = (slot + 1) & mask;
    }
    if (dup) continue;
    store<u32>(seen + (<usize>slot << 2), <u32>f);
    replyRandPair(fieldPtrOf(f), fieldLenOf(f), valuePtrOf(f), valueLenOf(f), withValues);
    got++;
  }
  memFree(seen);
}

// Redis's HRANDFIELD_SUB_STRATEGY_MUL: when count*3 > size one pass over the
// whole hash is cheaper than picking at random and skipping repeats.
const SUB_STRATEGY_MUL: u64 = 3;

/** HRANDFIELD key count [WITHVALUES], after the arguments were checked. */
function opHrandfieldWithCount(l: i64, withValues: bool): void {
  if (!readOrReply(curDb())) return;
  const e = found;
  if (e == 0) { replyArray(0); return; }
  const size = <u64>hashLength(e);
  const uniq = l >= 0;
  const count: u64 = uniq ? <u64>l : <u64>(-l);
  if (count == 0) { replyArray(0); return; }
  const isLp = encOf(e) == ENC_LISTPACK;

  // A negative count: `count` independent uniform picks, in random order.
  // A count of 1 is the same thing.
  if (!uniq || count == 1) {
    // Smallest possible element: "$0\r\n\r\n", twice with values, "*2\r\n" in RESP3.
    const minEach: u64 = withValues ? (proto == 3 ? 16 : 12) : 6;
    if (count > (<u64>MAX_BLOCK - <u64>outMark()) / minEach) { closeForReplySize(); return; }
    replyArray(<i64>(withValues && proto == 2 ? count * 2 : count));
    if (isLp) {
      const lp = objPtrOf(e);
      const offs = lpFieldOffsets(lp, <u32>size);
      for (let i: u64 = 0; i < count; i++) {
        const off = load<u32>(offs + (<usize>randomBelow(<u32>size) << 2));
        if (!roomFor(<u64>(lpTextLen(lp, off) + lpTextLen(lp, lpNext(lp, off))) + 64)) break;
        replyRandLp(lp, off, withValues);
      }
      memFree(offs);
    } else {
      const d = htOf(e);
      for (let i: u64 = 0; i < count; i++) {
        const f = dictFairRandom(d);
        if (!roomFor(<u64>(fieldLenOf(f) + valueLenOf(f)) + 64)) break;
        replyRandPair(fieldPtrOf(f), fieldLenOf(f), valuePtrOf(f), valueLenOf(f), withValues);
      }
    }
    return;
  }

  // Distinct fields: at most the whole hash.
  const n = count < size ? count : size;
  replyArray(<i64>(withValues && proto == 2 ? n * 2 : n));
  if (count >= size) {
    if (isLp) {
      const lp = objPtrOf(e);
      let off = lpFirst(lp);
      while (off != 0) {
        replyRandLp(lp, off, withValues);
        off = lpNext(lp, lpNext(lp, off));
      }
    } else {
      pickNeed = size; pickLeft = size; pickValues = withValues;
      dictForEach(htOf(e), selectVisit, 0);
    }
    return;
  }
  if (isLp) {
    // Algorithm S over the listpack: a uniform subset, in listpack order.
    const lp = objPtrOf(e);
    let need = count, left = size;
    let off = lpFirst(lp);
    while (need > 0) {
      if (<u64>randomBelow(<u32>left) < need) {
        replyRandLp(lp, off, withValues);
        need--;
      }
      left--;
      off = lpNext(lp, lpNext(lp, off));
    }
  } else if (count * SUB_STRATEGY_MUL > size) {
    pickNeed = count; pickLeft = size; pickValues = withValues;
    dictForEach(htOf(e), selectVisit, 0);
  } else {
    opRandUniqueSparse(htOf(e), <u32>count, withValues);
  }
}

// HRANDFIELD key [count [WITHVALUES]] — without count a bulk string (nil
// for a missing key); with count an array of distinct fields (count > 0,
// at most the hash's size) or of -count independent picks (count < 0);
// WITHVALUES adds each value (RESP3: an array of [field, value] pairs).
// O(N) in the fields returned (O(size) when count approaches the size).
function cmdHrandfield(): void {
  if (curArgc >= 3) {
    if (!parseLongOrReply(2)) return;
    const l = argInt;
    if (l == I64_MIN) { replyError(E_HRANDFIELD_COUNT_RANGE); return; }
    if (curArgc > 4 || (curArgc == 4 && !argIs(3, "WITHVALUES"))) { replyError(E_SYNTAX); return; }
    const withValues = curArgc == 4;
    // Redis refuses counts whose doubled reply length would overflow.
    if (withValues && (l < -(I64_MAX / 2) || l > I64_MAX / 2)) {
      replyError(E_HRANDFIELD_WITHVALUES_RANGE);
      return;
    }
    opHrandfieldWithCount(l, withValues);
    return;
  }
  if (!readOrReply(curDb())) return;
  const e = found;
  if (e == 0) { replyNull(); return; }
  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    replyLp(lp, lpSeek(lp, <i64>randomBelow(hashLength(e)) * 2));
  } else {
    const f = dictFairRandom(htOf(e));
    replyBulk(fieldPtrOf(f), fieldLenOf(f));
  }
}

// ---- HSCAN -------------------------------------------------------------------------

// HSCAN key cursor [MATCH pattern] [COUNT count] — array of [next cursor,
// [field, value, ...]]. A listpack hash is returned whole with cursor 0 (COUNT
// is a hint Redis ignores there); a hashtable is walked with the dict's
// reverse-binary cursor, so a field present for the whole iteration is
// returned at least once however the table resizes. O(1) per call, O(N) per
// full iteration.
function cmdHscan(): void {
  if (!cursorOrReply(2)) return;
  if (!readOrReply(curDb())) return;
  const e = found;
  if (e == 0) {
    replyEmptyScan();
    return;
  }
  if (!scanOptionsOrReply(3)) return;

  if (encOf(e) == ENC_LISTPACK) {
    const lp = objPtrOf(e);
    replyArray(2);
    replyBulkU64(0);
    const mark = outMark();
    let n: i64 = 0;
    let off = lpFirst(lp);
    while (off != 0) {
      const voff = lpNext(lp, off);
      lpGetBytes(lp, off);
      if (!scanUsePattern || globMatch(scanPatPtr, scanPatLen, lpPtr, lpLen)) {
        replyBulk(lpPtr, lpLen);
        replyLp(lp, voff);
        n += 2;
      }
      off = lpNext(lp, voff);
    }
    outInsertArrayHeader(mark, n);
    return;
  }

  // Visit buckets until COUNT elements (fields and values both count, as
  // in Redis) are gathered, giving up after 10*COUNT buckets so a sparse
  // table cannot stall the server.
  const maxIterations: i64 = scanCount > I64_MAX / 10 ? I64_MAX : scanCount * 10;
  const cursor = scanGather(htOf(e), scanCursor, maxIterations, scanCount, 2);

  replyArray(2);
  replyBulkU64(cursor);
  const mark = outMark();
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanLen; k++) {
    const f = scanAt(k);
    if (scanUsePattern && !globMatch(scanPatPtr, scanPatLen, fieldPtrOf(f), fieldLenOf(f))) continue;
    replyBulk(fieldPtrOf(f), fieldLenOf(f));
    replyBulk(valuePtrOf(f), valueLenOf(f));
    n += 2;
  }
  outInsertArrayHeader(mark, n);
  scanDone();
}

export function register(): void {
  registerHashValue();
  reg(CMD_HDEL, cmdHdel);
  reg(CMD_HEXISTS, cmdHexists);
  reg(CMD_HGET, cmdHget);
  reg(CMD_HGETALL, cmdHgetall);
  reg(CMD_HINCRBY, cmdHincrby);
  reg(CMD_HINCRBYFLOAT, cmdHincrbyfloat);
  reg(CMD_HKEYS, cmdHkeys);
  reg(CMD_HLEN, cmdHlen);
  reg(CMD_HMGET, cmdHmget);
  reg(CMD_HMSET, cmdHmset);
  reg(CMD_HRANDFIELD, cmdHrandfield);
  reg(CMD_HSCAN, cmdHscan);
  reg(CMD_HSET, cmdHset);
  reg(CMD_HSETNX, cmdHsetnx);
  reg(CMD_HSTRLEN, cmdHstrlen);
  reg(CMD_HVALS, cmdHvals);
}
