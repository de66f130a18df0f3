// String commands: APPEND DECR DECRBY GET GETDEL GETEX GETRANGE GETSET INCR
// INCRBY INCRBYFLOAT LCS MGET MSET MSETNX PSETEX SET SETEX SETNX SETRANGE
// STRLEN SUBSTR.
//
// Values are stored through db/strval.ts, which picks the encoding OBJECT
// ENCODING reports: SET-like commands store `int`/`embstr`/`raw` by Redis's
// tryObjectEncoding rule, the INCR family stores `int`, INCRBYFLOAT stores
// its formatted result as `embstr`/`raw`, and APPEND/SETRANGE turn the value
// `raw` because they modify it in place.
//
// Redis checks things in a fixed order (options, then the key's type, then
// the expire value, ...); the handlers keep that order because it decides
// which error a client sees when several things are wrong.

import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd, lazyfreeExpire, lazyfreeUserDel } from "../db/propagate";
import { register as reg, replyWrongArity } from "./dispatch";
import {
  CMD_APPEND, CMD_DECR, CMD_DECRBY, CMD_GET, CMD_GETDEL, CMD_GETEX, CMD_GETRANGE, CMD_GETSET,
  CMD_INCR, CMD_INCRBY, CMD_INCRBYFLOAT, CMD_LCS, CMD_MGET, CMD_MSET, CMD_MSETNX, CMD_PSETEX,
  CMD_SET, CMD_SETEX, CMD_SETNX, CMD_SETRANGE, CMD_STRLEN, CMD_SUBSTR,
} from "./table.gen";
import { curDb, parseLongOrReply, argInt, wrongType, argIs } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyBulk, replyNull, replyError, replyOk, replyInt, replyArray, replyMap, replyBulkAscii,
  outMark, outInsertArrayHeader,
} from "../resp/writer";
import {
  E_SYNTAX, E_NOT_INTEGER, E_NOT_FLOAT, E_OVERFLOW, E_INCR_NAN, E_STRING_TOO_LONG,
  E_LCS_LEN_IDX, E_INVALID_EXPIRE_SET, E_INVALID_EXPIRE_SETEX, E_INVALID_EXPIRE_PSETEX,
  E_INVALID_EXPIRE_GETEX, E_OFFSET_RANGE, E_DECR_OVERFLOW, E_LCS_NOT_STRINGS, E_LCS_TOO_LONG,
  E_LCS_OVER_BULK_LEN, E_LCS_ALLOC,
} from "../resp/errors";
import { protoMaxBulkLen } from "../resp/reader";
import { MAX_STRING } from "../ds/mem";
import {
  Db, nowMs, addDirty, dbLookup, dbLookupRead, dbDeleteEntry, dbSetExpire, dbRemoveExpire,
} from "../db/db";
import { typeOf, encOf, strPtrOf, TYPE_STRING, ENC_INT, E_VAL } from "../db/entry";
import {
  loadString, valPtr, valLen, stringLength, storeString, storeInt, makeRawWritable,
  ENCODE_AUTO, ENCODE_RAW, ENCODE_EMBSTR,
} from "../db/strval";
import { memAlloc, memFree } from "../ds/mem";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_STRING, NOTIFY_GENERIC } from "../db/notify";
import { parseI64Strict, PARSE_OK, parsedI64, addOverflows } from "../util/num";
import {
  ldParse, ldFromI64, ldAdd, ldFormatHuman, ldNeg, ldMant, ldExp, ldInf, ldNan, LD_FORMAT_MAX,
} from "../util/ldouble";

const I64_MAX: i64 = 9223372036854775807;
const I64_MIN: i64 = -9223372036854775808;

// ---- shared helpers ------------------------------------------------------------

/** Redis's getGenericCommand: replies nil or the value; false on WRONGTYPE. */
function getGeneric(db: Db): bool {
  const e = dbLookupRead(db, argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return true; }
  if (wrongType(e, TYPE_STRING)) return false;
  loadString(e);
  replyBulk(valPtr, valLen);
  return true;
}

// ---- SET and its options -----------------------------------------------------------

const OPT_NX: i32 = 1 << 0;
const OPT_XX: i32 = 1 << 1;
const OPT_EX: i32 = 1 << 2;
const OPT_PX: i32 = 1 << 3;
const OPT_KEEPTTL: i32 = 1 << 4;
const OPT_GET: i32 = 1 << 5;
const OPT_EXAT: i32 = 1 << 6;
const OPT_PXAT: i32 = 1 << 7;
const OPT_PERSIST: i32 = 1 << 8;
const ANY_EXPIRE: i32 = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT;

let optFlags: i32 = 0;
let optExpireArg: i32 = -1; // argument index of the expire value, -1 if none
let optUnitSeconds: bool = true;

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (forSet) and GETEX.
 * Repeating an option is allowed (the last value wins); combining
 * conflicting ones is a syntax error, decided by the options seen so far.
 */
function parseExtendedOrReply(forSet: bool): bool {
  optFlags = 0;
  optExpireArg = -1;
  optUnitSeconds = true;
  const f = ANY_EXPIRE | OPT_KEEPTTL | OPT_PERSIST;
  for (let j = forSet ? 3 : 2; j < curArgc; j++) {
    const hasNext = j < curArgc - 1;
    if (forSet && argIs(j, "NX") && (optFlags & OPT_XX) == 0) {
      optFlags |= OPT_NX;
    } else if (forSet && argIs(j, "XX") && (optFlags & OPT_NX) == 0) {
      optFlags |= OPT_XX;
    } else if (forSet && argIs(j, "GET")) {
      optFlags |= OPT_GET;
    } else if (forSet && argIs(j, "KEEPTTL") && (optFlags & (OPT_PERSIST | ANY_EXPIRE)) == 0) {
      optFlags |= OPT_KEEPTTL;
    } else if (!forSet && argIs(j, "PERSIST") && (optFlags & (OPT_KEEPTTL | ANY_EXPIRE)) == 0) {
      optFlags |= OPT_PERSIST;
    } else if (argIs(j, "EX") && (optFlags & (f & ~OPT_EX)) == 0 && hasNext) {
      optFlags |= OPT_EX; optUnitSeconds = true; optExpireArg = ++j;
    } else if (argIs(j, "PX") && (optFlags & (f & ~OPT_PX)) == 0 && hasNext) {
      optFlags |= OPT_PX; optUnitSeconds = false; optExpireArg = ++j;
    } else if (argIs(j, "EXAT") && (optFlags & (f & ~OPT_EXAT)) == 0 && hasNext) {
      optFlags |= OPT_EXAT; optUnitSeconds = true; optExpireArg = ++j;
    } else if (argIs(j, "PXAT") && (optFlags & (f & ~OPT_PXAT)) == 0 && hasNext) {
      optFlags |= OPT_PXAT; optUnitSeconds = false; optExpireArg = ++j;
    } else {
      replyError(E_SYNTAX);
      return false;
    }
  }
  return true;
}

let expireMs: i64 = 0;

/**
 * Turns the expire argument into an absolute unix-ms time (relative units
 * when `relative`), with Redis's checks: a value <= 0, seconds that would
 * overflow as ms, or a sum that wraps, is "invalid expire time".
 */
function expireMsOrReply(i: i32, unitSeconds: bool, relative: bool, err: string): bool {
  if (!parseLongOrReply(i)) return false;
  let ms = argInt;
  if (ms <= 0 || (unitSeconds && ms > I64_MAX / 1000)) {
    replyError(err);
    return false;
  }
  if (unitSeconds) ms *= 1000;
  if (relative) ms += nowMs; // wraps like Redis's signed add; caught below
  if (ms <= 0) {
    replyError(err);
    return false;
  }
  expireMs = ms;
  return true;
}

const REPLY_OK: i32 = 0;     // OK / nil when NX or XX stops the write
const REPLY_BOOL: i32 = 1;   // :1 / :0 (SETNX)

/** Redis's setGenericCommand. `expireArg` < 0: no TTL given. */
function setGeneric(flags: i32, valArg: i32, expireArg: i32, unitSeconds: bool, err: string, replyKind: i32): void {
  if (expireArg >= 0 &&
      !expireMsOrReply(expireArg, unitSeconds, (flags & (OPT_EX | OPT_PX)) != 0, err)) return;
  const db = curDb();
  if ((flags & OPT_GET) != 0 && !getGeneric(db)) return;
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const old = dbLookup(db, keyPtr, keyLen);
  const found = old != 0;
  if (((flags & OPT_NX) != 0 && found) || ((flags & OPT_XX) != 0 && !found)) {
    if ((flags & OPT_GET) == 0) {
      if (replyKind == REPLY_BOOL) replyInt(0); else replyNull();
    }
    return;
  }
  storeString(db, old, keyPtr, keyLen, argPtr(valArg), argLen(valArg), ENCODE_AUTO,
    expireArg >= 0 ? expireMs : -1, (flags & OPT_KEEPTTL) != 0);
  addDirty(1);
  propagateSet(db.index, flags, valArg, expireArg >= 0);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "set");
  if (expireArg >= 0) notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", keyPtr, keyLen, db.index);
  if ((flags & OPT_GET) == 0) {
    if (replyKind == REPLY_BOOL) replyInt(1); else replyOk();
  }
}

/**
 * As Redis 7.0's setGenericCommand: any TTL propagates as SET key value
 * PXAT ms (dropping the other options); without one, GET is dropped.
 */
function propagateSet(db: i32, flags: i32, valArg: i32, hasExpire: bool): void {
  if (!propEnabled) return;
  if (hasExpire) {
    rewriteBegin(db, 5);
    opArgAscii("SET");
    opArg(argPtr(1), argLen(1));
    opArg(argPtr(valArg), argLen(valArg));
    opArgAscii("PXAT");
    opArgInt(expireMs);
    opEnd();
  } else if ((flags & OPT_GET) != 0) {
    let n = 0;
    for (let j = 0; j < curArgc; j++) if (j < 3 || !isGetWord(j)) n++;
    rewriteBegin(db, n);
    for (let j = 0; j < curArgc; j++) if (j < 3 || !isGetWord(j)) opArg(argPtr(j), argLen(j));
    opEnd();
  }
}

function isGetWord(j: i32): bool {
  return argIs(j, "GET");
}

/** The running command propagates as `word key` (DEL, PERSIST...). */
function propagateKeyOnly(db: i32, word: string): void {
  if (!propEnabled) return;
  rewriteBegin(db, 2);
  opArgAscii(word);
  opArg(argPtr(1), argLen(1));
  opEnd();
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]
// — OK, nil if NX/XX stopped it, or the old value with GET. O(1).
function cmdSet(): void {
  if (!parseExtendedOrReply(true)) return;
  setGeneric(optFlags, 2, optExpireArg, optUnitSeconds, E_INVALID_EXPIRE_SET, REPLY_OK);
}

// SETNX key value — integer 1 if set, 0 if the key existed. O(1).
function cmdSetnx(): void {
  setGeneric(OPT_NX, 2, -1, true, E_INVALID_EXPIRE_SET, REPLY_BOOL);
}

// SETEX key seconds value — OK. O(1).
function cmdSetex(): void {
  setGeneric(OPT_EX, 3, 2, true, E_INVALID_EXPIRE_SETEX, REPLY_OK);
}

// PSETEX key milliseconds value — OK. O(1).
function cmdPsetex(): void {
  setGeneric(OPT_PX, 3, 2, false, E_INVALID_EXPIRE_PSETEX, REPLY_OK);
}

// ---- reads ---------------------------------------------------------------------------

// GET key — bulk string or nil. O(1).
function cmdGet(): void {
  getGeneric(curDb());
}

// GETDEL key — the value (then deleted) or nil. O(1).
function cmdGetdel(): void {
  const db = curDb();
  const e = dbLookupRead(db, argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_STRING)) return;
  loadString(e);
  replyBulk(valPtr, valLen);
  opDelete(db, e);
}

function opDelete(db: Db, e: usize): void {
  const keyPtr = argPtr(1), keyLen = argLen(1);
  dbDeleteEntry(db, e);
  addDirty(1);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_GENERIC, "del");
  // GETDEL, and GETEX with a past absolute time, propagate as DEL.
  const lazy = curCmdIsGetex ? lazyfreeExpire : lazyfreeUserDel;
  propagateKeyOnly(db.index, lazy ? "UNLINK" : "DEL");
}
let curCmdIsGetex = false;

// GETEX key [EX s|PX ms|EXAT unix-s|PXAT unix-ms|PERSIST] — the value or nil,
// then sets or removes the TTL. O(1).
function cmdGetex(): void {
  if (!parseExtendedOrReply(false)) return;
  const db = curDb();
  const e = dbLookupRead(db, argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (wrongType(e, TYPE_STRING)) return;
  const flags = optFlags;
  if (optExpireArg >= 0 &&
      !expireMsOrReply(optExpireArg, optUnitSeconds, (flags & (OPT_EX | OPT_PX)) != 0, E_INVALID_EXPIRE_GETEX)) return;
  loadString(e);
  replyBulk(valPtr, valLen);
  if ((flags & (OPT_EXAT | OPT_PXAT)) != 0 && expireMs <= nowMs) {
    // An absolute time already past deletes the key now.
    curCmdIsGetex = true;
    opDelete(db, e);
    curCmdIsGetex = false;
  } else if (optExpireArg >= 0) {
    dbSetExpire(db, e, expireMs);
    addDirty(1);
    if (propEnabled) {
      rewriteBegin(db.index, 3);
      opArgAscii("PEXPIREAT");
      opArg(argPtr(1), argLen(1));
      opArgInt(expireMs);
      opEnd();
    }
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "expire");
  } else if ((flags & OPT_PERSIST) != 0) {
    if (dbRemoveExpire(db, e)) {
      addDirty(1);
      propagateKeyOnly(db.index, "PERSIST");
      keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "persist");
    }
  }
}

// GETSET key value — the old value or nil; the key gets the new value and
// loses its TTL. O(1).
function cmdGetset(): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  if (!getGeneric(db)) return;
  const old = dbLookup(db, keyPtr, keyLen);
  storeString(db, old, keyPtr, keyLen, argPtr(2), argLen(2), ENCODE_AUTO, -1, false);
  addDirty(1);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "set");
}

// GETRANGE key start end (and its old name SUBSTR) — bulk string, empty for
// a missing key. O(N) in the returned length.
function cmdGetrange(): void {
  if (!parseLongOrReply(2)) return;
  let start = argInt;
  if (!parseLongOrReply(3)) return;
  let end = argInt;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyBulk(0, 0); return; }
  if (wrongType(e, TYPE_STRING)) return;
  loadString(e);
  const len = <i64>valLen;
  if (start < 0 && end < 0 && start > end) { replyBulk(0, 0); return; }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) { replyBulk(0, 0); return; }
  replyBulk(valPtr + <usize>start, <usize>(end - start + 1));
}

// STRLEN key — integer, 0 for a missing key. O(1).
function cmdStrlen(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (wrongType(e, TYPE_STRING)) return;
  replyInt(<i64>stringLength(e));
}

// MGET key [key ...] — array of values, nil for missing or non-string keys. O(N).
function cmdMget(): void {
  const db = curDb();
  replyArray(curArgc - 1);
  for (let i = 1; i < curArgc; i++) {
    const e = dbLookupRead(db, argPtr(i), argLen(i));
    if (e == 0 || typeOf(e) != TYPE_STRING) { replyNull(); continue; }
    loadString(e);
    replyBulk(valPtr, valLen);
  }
}

// ---- multi-key writes --------------------------------------------------------------

function opMset(db: Db): void {
  for (let i = 1; i < curArgc; i += 2) {
    const old = dbLookup(db, argPtr(i), argLen(i));
    storeString(db, old, argPtr(i), argLen(i), argPtr(i + 1), argLen(i + 1), ENCODE_AUTO, -1, false);
    keyChanged(db.index, argPtr(i), argLen(i), NOTIFY_STRING, "set");
  }
  addDirty(<u64>((curArgc - 1) / 2));
}

// MSET key value [key value ...] — OK. O(N).
function cmdMset(): void {
  if ((curArgc & 1) == 0) { replyWrongArity(CMD_MSET); return; }
  opMset(curDb());
  replyOk();
}

// MSETNX key value [key value ...] — 1 if all were set, 0 (nothing set) if
// any key existed. O(N).
function cmdMsetnx(): void {
  if ((curArgc & 1) == 0) { replyWrongArity(CMD_MSETNX); return; }
  const db = curDb();
  for (let i = 1; i < curArgc; i += 2) {
    if (dbLookup(db, argPtr(i), argLen(i)) != 0) { replyInt(0); return; }
  }
  opMset(db);
  replyInt(1);
}

// ---- in-place modification ---------------------------------------------------------

/** Redis's checkStringLength: would `size + append` bytes exceed proto-max-bulk-len? */
function tooLongOrReply(size: u64, append: u64): bool {
  if (size + append > <u64>protoMaxBulkLen || size + append > MAX_STRING) {
    replyError(E_STRING_TOO_LONG);
    return true;
  }
  return false;
}

// APPEND key value — integer, the new length. Amortized O(1).
function cmdAppend(): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const addPtr = argPtr(2), addLen = argLen(2);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) {
    e = storeString(db, 0, keyPtr, keyLen, addPtr, addLen, ENCODE_AUTO, -1, false);
    addDirty(1);
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "append");
    replyInt(<i64>addLen);
    return;
  }
  if (wrongType(e, TYPE_STRING)) return;
  const curLen = stringLength(e);
  if (tooLongOrReply(<u64>curLen, <u64>addLen)) return;
  e = makeRawWritable(db, e, curLen + addLen);
  memory.copy(strPtrOf(e) + curLen, addPtr, addLen);
  addDirty(1);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "append");
  replyInt(<i64>(curLen + addLen));
}

// SETRANGE key offset value — integer, the new length (zero-padded up to
// offset). O(1) plus the bytes copied.
function cmdSetrange(): void {
  if (!parseLongOrReply(2)) return;
  const offset = argInt;
  if (offset < 0) { replyError(E_OFFSET_RANGE); return; }
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const srcPtr = argPtr(3), srcLen = argLen(3);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) {
    // Writing nothing to a missing key creates nothing.
    if (srcLen == 0) { replyInt(0); return; }
    if (tooLongOrReply(<u64>offset, <u64>srcLen)) return;
    e = storeString(db, 0, keyPtr, keyLen, 0, 0, ENCODE_RAW, -1, false);
  } else {
    if (wrongType(e, TYPE_STRING)) return;
    const curLen = stringLength(e);
    if (srcLen == 0) { replyInt(<i64>curLen); return; }
    if (tooLongOrReply(<u64>offset, <u64>srcLen)) return;
  }
  e = makeRawWritable(db, e, <usize>offset + srcLen);
  memory.copy(strPtrOf(e) + <usize>offset, srcPtr, srcLen);
  addDirty(1);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "setrange");
  replyInt(<i64>stringLength(e));
}

// ---- counters ----------------------------------------------------------------------

/** Redis's incrDecrCommand: adds `incr` to the key's integer value. */
function opIncrBy(incr: i64): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const e = dbLookup(db, keyPtr, keyLen);
  if (wrongType(e, TYPE_STRING)) return;
  let value: i64 = 0;
  if (e != 0) {
    if (encOf(e) == ENC_INT) {
      value = load<i64>(e, E_VAL);
    } else {
      loadString(e);
      if (parseI64Strict(valPtr, valLen) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
      value = parsedI64;
    }
  }
  if (addOverflows(value, incr)) {
    replyError(E_OVERFLOW);
    return;
  }
  value += incr;
  storeInt(db, e, keyPtr, keyLen, value);
  addDirty(1);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "incrby");
  replyInt(value);
}

// INCR key — integer, the new value. O(1).
function cmdIncr(): void { opIncrBy(1); }

// DECR key — integer, the new value. O(1).
function cmdDecr(): void { opIncrBy(-1); }

// INCRBY key increment — integer, the new value. O(1).
function cmdIncrby(): void {
  if (!parseLongOrReply(2)) return;
  opIncrBy(argInt);
}

// DECRBY key decrement — integer, the new value. O(1).
function cmdDecrby(): void {
  if (!parseLongOrReply(2)) return;
  // Negating LLONG_MIN would overflow before the usual check could see it.
  if (argInt == I64_MIN) { replyError(E_DECR_OVERFLOW); return; }
  opIncrBy(-argInt);
}

const FLOAT_BUF = memory.data(<i32>LD_FORMAT_MAX);

// INCRBYFLOAT key increment — bulk string, the new value as Redis prints a
// long double ("%.17Lf", trailing zeros removed). The key keeps its TTL.
// O(1) for ordinary values (exact arithmetic over the operands' digits).
function cmdIncrbyfloat(): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const e = dbLookup(db, keyPtr, keyLen);
  if (wrongType(e, TYPE_STRING)) return;
  if (e == 0) {
    ldFromI64(0);
  } else if (encOf(e) == ENC_INT) {
    ldFromI64(load<i64>(e, E_VAL));
  } else {
    loadString(e);
    if (!ldParse(valPtr, valLen)) { replyError(E_NOT_FLOAT); return; }
  }
  const aNeg = ldNeg, aMant = ldMant, aExp = ldExp, aInf = ldInf;
  if (!ldParse(argPtr(2), argLen(2))) { replyError(E_NOT_FLOAT); return; }
  ldAdd(aNeg, aMant, aExp, aInf);
  if (ldNan || ldInf) { replyError(E_INCR_NAN); return; }
  const len = ldFormatHuman(FLOAT_BUF);
  storeString(db, e, keyPtr, keyLen, FLOAT_BUF, len, ENCODE_EMBSTR, -1, true);
  addDirty(1);
  // Float formatting may differ between machines: propagate the result.
  if (propEnabled) {
    rewriteBegin(db.index, 4);
    opArgAscii("SET");
    opArg(keyPtr, keyLen);
    opArg(FLOAT_BUF, len);
    opArgAscii("KEEPTTL");
    opEnd();
  }
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "incrbyfloat");
  replyBulk(FLOAT_BUF, len);
}

// ---- LCS ---------------------------------------------------------------------------------

// Digits of an int-encoded first operand (the second uses strval's scratch).
const LCS_INT_A = memory.data(24);
// wasm32 cannot hand out a block this large (TLSF's limit is 1 GiB).
const LCS_ALLOC_MAX: u64 = (1 << 30) - 64;
const WASM_MEMORY_MAX: u64 = 4294967296;

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] — the longest
// common subsequence as a bulk string, its length (LEN), or a map of
// "matches" and "len" (IDX). O(N*M) time and memory, like Redis.
function cmdLcs(): void {
  const db = curDb();
  const ea = dbLookupRead(db, argPtr(1), argLen(1));
  const eb = dbLookupRead(db, argPtr(2), argLen(2));
  if ((ea != 0 && typeOf(ea) != TYPE_STRING) || (eb != 0 && typeOf(eb) != TYPE_STRING)) {
    replyError(E_LCS_NOT_STRINGS);
    return;
  }
  let getIdx = false, getLen = false, withMatchLen = false;
  let minMatchLen: i64 = 0;
  for (let j = 3; j < curArgc; j++) {
    const moreArgs = curArgc - 1 - j;
    if (argIs(j, "IDX")) {
      getIdx = true;
    } else if (argIs(j, "LEN")) {
      getLen = true;
    } else if (argIs(j, "WITHMATCHLEN")) {
      withMatchLen = true;
    } else if (argIs(j, "MINMATCHLEN") && moreArgs > 0) {
      if (!parseLongOrReply(j + 1)) return;
      minMatchLen = argInt < 0 ? 0 : argInt;
      j++;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) { replyError(E_LCS_LEN_IDX); return; }

  let aPtr: usize = 0, aLen: usize = 0;
  if (ea != 0) {
    loadString(ea);
    aLen = valLen;
    if (encOf(ea) == ENC_INT) { memory.copy(LCS_INT_A, valPtr, valLen); aPtr = LCS_INT_A; } else aPtr = valPtr;
  }
  let bPtr: usize = 0, bLen: usize = 0;
  if (eb != 0) { loadString(eb); bPtr = valPtr; bLen = valLen; }
  if (<u64>aLen >= 0xFFFFFFFE || <u64>bLen >= 0xFFFFFFFE) { replyError(E_LCS_TOO_LONG); return; }

  const cells = (<u64>aLen + 1) * (<u64>bLen + 1);
  const bytes = cells * 4;
  if (bytes > <u64>protoMaxBulkLen) { replyError(E_LCS_OVER_BULK_LEN); return; }
  if (bytes > LCS_ALLOC_MAX || (<u64>memory.size() << 16) + bytes > WASM_MEMORY_MAX) {
    replyError(E_LCS_ALLOC);
    return;
  }
  const table = memAlloc(<usize>bytes);
  opLcsTable(table, aPtr, aLen, bPtr, bLen);
  replyLcs(table, aPtr, aLen, bPtr, bLen, getIdx, getLen, withMatchLen, minMatchLen);
  memFree(table);
}

// @ts-ignore: decorator
@inline function lcsAt(t: usize, bLen: usize, i: usize, j: usize): u32 {
  return load<u32>(t + ((j + i * (bLen + 1)) << 2));
}

/** Fills the DP table: cell (i, j) = LCS length of a[0..i) and b[0..j). */
function opLcsTable(t: usize, a: usize, aLen: usize, b: usize, bLen: usize): void {
  const row = bLen + 1;
  for (let i: usize = 0; i <= aLen; i++) {
    for (let j: usize = 0; j <= bLen; j++) {
      let v: u32 = 0;
      if (i != 0 && j != 0) {
        if (load<u8>(a + i - 1) == load<u8>(b + j - 1)) {
          v = load<u32>(t + (((i - 1) * row + j - 1) << 2)) + 1;
        } else {
          const up = load<u32>(t + (((i - 1) * row + j) << 2));
          const left = load<u32>(t + ((i * row + j - 1) << 2));
          v = up > left ? up : left;
        }
      }
      store<u32>(t + ((i * row + j) << 2), v);
    }
  }
}

/**
 * Walks the table back from the end as Redis does, building the LCS string
 * and the matching ranges (reported from the end of the strings backwards).
 */
function replyLcs(t: usize, a: usize, aLen: usize, b: usize, bLen: usize,
    getIdx: bool, getLen: bool, withMatchLen: bool, minMatchLen: i64): void {
  let idx = lcsAt(t, bLen, aLen, bLen);
  const total = idx;
  const computeLcs = getIdx || !getLen;
  const result: usize = computeLcs ? memAlloc(<usize>idx) : 0;
  let arrayAt: usize = 0;
  let ranges: i64 = 0;
  if (getIdx) {
    replyMap(2);
    replyBulkAscii("matches");
    arrayAt = outMark();
  }
  // aStart == aLen means "no range open".
  let aStart = aLen, aEnd: usize = 0, bStart: usize = 0, bEnd: usize = 0;
  let i = aLen, j = bLen;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (load<u8>(a + i - 1) == load<u8>(b + j - 1)) {
      store<u8>(result + <usize>idx - 1, load<u8>(a + i - 1));
      if (aStart == aLen) {
        aStart = i - 1; aEnd = i - 1; bStart = j - 1; bEnd = j - 1;
      } else if (aStart == i && bStart == j) {
        aStart--; bStart--;
      } else {
        emit = true;
      }
      if (aStart == 0 || bStart == 0) emit = true;
      idx--; i--; j--;
    } else {
      const up = lcsAt(t, bLen, i - 1, j);
      const left = lcsAt(t, bLen, i, j - 1);
      if (up > left) i--; else j--;
      if (aStart != aLen) emit = true;
    }
    if (emit) {
      const matchLen = <i64>(aEnd - aStart + 1);
      if (getIdx && (minMatchLen == 0 || matchLen >= minMatchLen)) {
        replyArray(withMatchLen ? 3 : 2);
        replyArray(2);
        replyInt(<i64>aStart);
        replyInt(<i64>aEnd);
        replyArray(2);
        replyInt(<i64>bStart);
        replyInt(<i64>bEnd);
        if (withMatchLen) replyInt(matchLen);
        ranges++;
      }
      aStart = aLen;
    }
  }
  if (getIdx) {
    outInsertArrayHeader(arrayAt, ranges);
    replyBulkAscii("len");
    replyInt(<i64>total);
  } else if (getLen) {
    replyInt(<i64>total);
  } else {
    replyBulk(result, <usize>total);
  }
  if (result != 0) memFree(result);
}

export function register(): void {
  reg(CMD_APPEND, cmdAppend);
  reg(CMD_DECR, cmdDecr);
  reg(CMD_DECRBY, cmdDecrby);
  reg(CMD_GET, cmdGet);
  reg(CMD_GETDEL, cmdGetdel);
  reg(CMD_GETEX, cmdGetex);
  reg(CMD_GETRANGE, cmdGetrange);
  reg(CMD_GETSET, cmdGetset);
  reg(CMD_INCR, cmdIncr);
  reg(CMD_INCRBY, cmdIncrby);
  reg(CMD_INCRBYFLOAT, cmdIncrbyfloat);
  reg(CMD_LCS, cmdLcs);
  reg(CMD_MGET, cmdMget);
  reg(CMD_MSET, cmdMset);
  reg(CMD_MSETNX, cmdMsetnx);
  reg(CMD_PSETEX, cmdPsetex);
  reg(CMD_SET, cmdSet);
  reg(CMD_SETEX, cmdSetex);
  reg(CMD_SETNX, cmdSetnx);
  reg(CMD_SETRANGE, cmdSetrange);
  reg(CMD_STRLEN, cmdStrlen);
  reg(CMD_SUBSTR, cmdGetrange);
}
