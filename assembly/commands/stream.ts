// Stream commands: XADD XDEL XLEN XRANGE XREVRANGE XTRIM.
//
// Values live in db/streamval.ts (nodes of entries in Redis's stream
// listpack layout, indexed by master ID). The handlers here parse
// arguments in Redis's order (t_stream.c: IDs and options before the key
// lookup, so a bad ID wins over WRONGTYPE), write replies and report the
// keyspace events Redis 7.0 reports (xadd, xtrim, xdel).

import { register as reg, replyWrongArity } from "./dispatch";
import { CMD_XADD, CMD_XDEL, CMD_XLEN, CMD_XRANGE, CMD_XREAD, CMD_XREVRANGE, CMD_XSETID, CMD_XTRIM } from "./table.gen";
import { parseTimeoutMsOrReply, blockForKeys, setBlockRewrite, blockRequested } from "./blocking";
import { curDb, argIs, roomFor, cur } from "./context";
import { replyBlockInScript, argIsWokenMark } from "./xgroup";
import { replyOk, proto, outInsertMapHeader } from "../resp/writer";
import { argPtr, argLen, curArgc, CF_SCRIPT } from "../client";
import {
  replyBulk, replyError, replyInt, replyArray, replyNullArray, replyNull, formatU64,
  outMark, outInsertArrayHeader,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_INTEGER, E_STREAM_ID_INVALID, E_XADD_ID_ZERO, E_XADD_ID_SMALL,
  E_XADD_EXHAUSTED, E_STREAM_MAXLEN_NEG, E_STREAM_LIMIT_NEG, E_STREAM_MAXLEN_MINID,
  E_STREAM_LIMIT_NO_STRATEGY, E_STREAM_LIMIT_NO_APPROX, E_XTRIM_NO_STRATEGY,
  E_STREAM_START_INTERVAL, E_STREAM_END_INTERVAL, E_XADD_TOO_LARGE, E_XREAD_UNBALANCED, E_XREAD_GT_ID,
  E_XSETID_ENTRIES_NEG, E_XSETID_SMALLER_MAXDEL_ARG, E_XSETID_SMALLER_TOP,
  E_XSETID_ENTRIES_SMALL, E_NO_SUCH_KEY, E_XREAD_GROUP_OPT, E_XREAD_NOACK_OPT,
} from "../resp/errors";
import { Db, addDirty, dbLookup, dbLookupRead, nowMs } from "../db/db";
import { signalKeyAsReady } from "../db/ready";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_STREAM } from "../db/notify";
import { typeOf, objPtrOf, TYPE_STREAM } from "../db/entry";
import {
  streamCreate, streamLength, streamAppend, streamDeleteId, streamUpdateFirstId, streamTrim,
  nodeCount, nodeLp, nodeSeek, firstEntryOff, entryRead, masterFieldsOff, idCompare,
  entrySeek, entryReadId, lastEntryOff, prevEntryOff, entMs, entSeq, entFlags, entFields, entDataOff, FLAG_DELETED, FLAG_SAMEFIELDS,
  S_LAST_MS, S_LAST_SEQ, S_MAXDEL_MS, S_MAXDEL_SEQ, U64_MAX, TRIM_MAXLEN, TRIM_MINID,
  registerStreamValue, streamLastLiveId, S_ADDED,
} from "../db/streamval";
import { lpNext, lpGetBytes, lpPtr, lpLen, lpBytes } from "../ds/listpack";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";
import { streamNodeMaxEntries } from "../db/limits";

const MINUS: u8 = 45;
const PLUS: u8 = 43;
const STAR: u8 = 42;
const LPAREN: u8 = 40;
const TILDE: u8 = 126;
const EQUALS: u8 = 61;
const NUL: u8 = 0;

// Redis copies an ID argument into a 128-byte C buffer.
const ID_BUF_MAX: usize = 127;

// Default LIMIT of an approximate trim when none is given (100 nodes' worth).
const TRIM_LIMIT_FALLBACK: i64 = 10000;
const STREAM_LISTPACK_MAX_SIZE: u64 = 1 << 30;

// ---- IDs ---------------------------------------------------------------------------

/** The ID parsed by the last parseIdOrReply. */
export let idMs: u64 = 0;
export let idSeq: u64 = 0;
/** False when the argument was `ms-*` (XADD picks the sequence). */
let idSeqGiven: bool = true;

let parsedU: u64 = 0;

// @ts-ignore: decorator
@inline function isSpace(b: u8): bool { return b == 32 || (b >= 9 && b <= 13); }

/**
 * Redis's string2ull: string2ll when that accepts (negatives refused),
 * else strtoull over the whole text (leading space, a sign, leading zeros;
 * '-' wraps), refusing overflow and trailing bytes.
 */
function parseU64(ptr: usize, len: usize): bool {
  if (parseI64Strict(ptr, len) == PARSE_OK) {
    if (parsedI64 < 0) return false;
    parsedU = <u64>parsedI64;
    return true;
  }
  let p: usize = 0;
  while (p < len && isSpace(load<u8>(ptr + p))) p++;
  let neg = false;
  if (p < len && (load<u8>(ptr + p) == PLUS || load<u8>(ptr + p) == MINUS)) {
    neg = load<u8>(ptr + p) == MINUS;
    p++;
  }
  if (p == len) return false;
  let v: u64 = 0;
  while (p < len) {
    const c = load<u8>(ptr + p);
    if (c < 48 || c > 57) return false;
    const d = <u64>(c - 48);
    if (v > (U64_MAX - d) / 10) return false;
    v = v * 10 + d;
    p++;
  }
  parsedU = neg ? <u64>0 - v : v;
  return true;
}

/**
 * Redis's streamGenericParseIDOrReply on bytes: `-`/`+` (refused when
 * strict), `ms`, `ms-seq`, and `ms-*` when `seqStar`; the sequence defaults
 * to `missingSeq`. Replies the error itself.
 */
/** When set, parseIdBytes only answers (XCLAIM telling its IDs from its options). */
export let idQuiet: bool = false;
export function setIdQuiet(on: bool): void { idQuiet = on; }
function idInvalid(): void { if (!idQuiet) replyError(E_STREAM_ID_INVALID); }

export function parseIdBytes(ptr: usize, len: usize, strict: bool, missingSeq: u64, seqStar: bool): bool {
  // The argument is read as a C string: it ends at its first NUL.
  let n: usize = 0;
  while (n < len && load<u8>(ptr + n) != NUL) n++;
  if (len > ID_BUF_MAX) { idInvalid(); return false; }
  idSeqGiven = true;
  if (n == 1 && (load<u8>(ptr) == MINUS || load<u8>(ptr) == PLUS)) {
    if (strict) { idInvalid(); return false; }
    if (load<u8>(ptr) == MINUS) { idMs = 0; idSeq = 0; } else { idMs = U64_MAX; idSeq = U64_MAX; }
    return true;
  }
  let dash: usize = 0;
  while (dash < n && load<u8>(ptr + dash) != MINUS) dash++;
  if (!parseU64(ptr, dash)) { idInvalid(); return false; }
  const ms = parsedU;
  let seq = missingSeq;
  if (dash < n) {
    const sp = ptr + dash + 1;
    const sl = n - dash - 1;
    if (seqStar && sl == 1 && load<u8>(sp) == STAR) {
      seq = 0;
      idSeqGiven = false;
    } else if (!parseU64(sp, sl)) {
      idInvalid();
      return false;
    } else {
      seq = parsedU;
    }
  }
  idMs = ms;
  idSeq = seq;
  return true;
}

export function parseIdOrReply(i: i32, strict: bool, missingSeq: u64, seqStar: bool): bool {
  return parseIdBytes(argPtr(i), argLen(i), strict, missingSeq, seqStar);
}

/**
 * An XRANGE bound: `(id` is exclusive (the ID moved one step inward; an
 * ID with nowhere to go is Redis's "invalid start/end ID" error).
 */
export function parseIntervalOrReply(i: i32, missingSeq: u64, isStart: bool): bool {
  const p = argPtr(i);
  const n = argLen(i);
  if (n > 1 && load<u8>(p) == LPAREN) {
    if (!parseIdBytes(p + 1, n - 1, true, missingSeq, false)) return false;
    if (isStart) {
      if (idSeq == U64_MAX) {
        if (idMs == U64_MAX) { replyError(E_STREAM_START_INTERVAL); return false; }
        idMs++;
        idSeq = 0;
      } else idSeq++;
    } else {
      if (idSeq == 0) {
        if (idMs == 0) { replyError(E_STREAM_END_INTERVAL); return false; }
        idMs--;
        idSeq = U64_MAX;
      } else idSeq--;
    }
    return true;
  }
  return parseIdOrReply(i, false, missingSeq, false);
}

// "ms-seq": at most 20 + 1 + 20 bytes.
const ID_TEXT = memory.data(48);

export function replyId(ms: u64, seq: u64): void {
  let n = formatU64(ID_TEXT, ms);
  store<u8>(ID_TEXT + n, MINUS);
  n++;
  n += formatU64(ID_TEXT + n, seq);
  replyBulk(ID_TEXT, n);
}

// ---- shared helpers ------------------------------------------------------------------

/** The key found by the last lookup helper (0: missing). */
export let found: usize = 0;

function readOrReply(db: Db): bool {
  found = dbLookupRead(db, argPtr(1), argLen(1));
  if (found != 0 && typeOf(found) != TYPE_STREAM) {
    replyError(E_WRONGTYPE);
    return false;
  }
  return true;
}

function writeOrReply(db: Db): bool {
  found = dbLookup(db, argPtr(1), argLen(1));
  if (found != 0 && typeOf(found) != TYPE_STREAM) {
    replyError(E_WRONGTYPE);
    return false;
  }
  return true;
}

/** Replies the entry entryRead just decoded from node `i`: [id, [field, value, ...]]. */
export function replyEntry(lp: usize): void {
  replyArray(2);
  replyId(entMs, entSeq);
  replyArray(<i64>entFields * 2);
  let off = entDataOff;
  if ((entFlags & FLAG_SAMEFIELDS) != 0) {
    let f = masterFieldsOff(lp);
    for (let k = 0; k < entFields; k++) {
      lpGetBytes(lp, f);
      replyBulk(lpPtr, lpLen);
      lpGetBytes(lp, off);
      replyBulk(lpPtr, lpLen);
      f = lpNext(lp, f);
      off = lpNext(lp, off);
    }
  } else {
    for (let k = 0; k < entFields * 2; k++) {
      lpGetBytes(lp, off);
      replyBulk(lpPtr, lpLen);
      off = lpNext(lp, off);
    }
  }
}

/**
 * Whether the reply can take one more entry of this node (its listpack's
 * size bounds the entry's bytes; integers print at most 3x their encoding).
 * A reply past the engine's largest block closes the client instead.
 */
export function roomForEntry(lp: usize): bool {
  return roomFor(<u64>lpBytes(lp) * 3 + 128);
}

/**
 * Replies the live entries between the bounds (inclusive), forwards or
 * backwards, at most `count` (negative: all). Returns how many.
 */
export function replyRange(s: usize, sMs: u64, sSeq: u64, eMs: u64, eSeq: u64, count: i64, rev: bool): i64 {
  let emitted: i64 = 0;
  const nodes = <i32>nodeCount(s);
  if (!rev) {
    let i = nodeSeek(s, sMs, sSeq);
    // Only the node the start falls in needs a seek; the next ones start at their first entry.
    let seek = i >= 0;
    if (i < 0) i = 0;
    for (; i < nodes; i++) {
      const lp = nodeLp(s, i);
      let off = seek ? entrySeek(s, i, lp, sMs, sSeq) : firstEntryOff(lp);
      seek = false;
      while (off != 0) {
        off = entryRead(s, i, lp, off);
        if ((entFlags & FLAG_DELETED) != 0) continue;
        if (idCompare(entMs, entSeq, sMs, sSeq) < 0) continue;
        if (idCompare(entMs, entSeq, eMs, eSeq) > 0) return emitted;
        if (count >= 0 && emitted >= count) return emitted;
        if (!roomForEntry(lp)) return emitted;
        replyEntry(lp);
        emitted++;
      }
    }
    return emitted;
  }
  let i = nodeSeek(s, eMs, eSeq);
  for (; i >= 0; i--) {
    const lp = nodeLp(s, i);
    for (let off = lastEntryOff(lp); off != 0; off = prevEntryOff(lp, off)) {
      entryReadId(s, i, lp, off);
      if ((entFlags & FLAG_DELETED) != 0) continue;
      if (idCompare(entMs, entSeq, eMs, eSeq) > 0) continue;
      if (idCompare(entMs, entSeq, sMs, sSeq) < 0) return emitted;
      if (count >= 0 && emitted >= count) return emitted;
      if (!roomForEntry(lp)) return emitted;
      entryRead(s, i, lp, off);
      replyEntry(lp);
      emitted++;
    }
  }
  return emitted;
}

// ---- trimming arguments (XADD and XTRIM) ------------------------------------------------

let trStrategy: i32 = 0;
let trApprox: bool = false;
let trMaxlen: i64 = 0;
let trMinMs: u64 = 0;
let trMinSeq: u64 = 0;
let trLimit: i64 = 0;
let addNoMk: bool = false;
let addIdGiven: bool = false;
let addMs: u64 = 0;
let addSeq: u64 = 0;
let addSeqGiven: bool = true;

/** `~`/`=` before a MAXLEN/MINID value; returns the value's index. */
function trimValueIndex(i: i32, more: i32): i32 {
  if (more >= 2) {
    const p = argPtr(i + 1);
    if (argLen(i + 1) >= 1 && (load<u8>(p) == TILDE || load<u8>(p) == EQUALS) && (argLen(i + 1) == 1 || load<u8>(p + 1) == NUL)) {
      trApprox = load<u8>(p) == TILDE;
      return i + 2;
    }
  }
  return i + 1;
}

/**
 * Redis's streamParseAddOrTrimArgsOrReply: the options from argument 2;
 * for XADD stops at the ID (returned), for XTRIM runs to the end. -1 when
 * an error was replied.
 */
function parseAddOrTrimArgs(xadd: bool): i32 {
  trStrategy = 0;
  trApprox = false;
  trLimit = 0;
  addNoMk = false;
  addIdGiven = false;
  addSeqGiven = true;
  let limitGiven = false;
  let i = 2;
  for (; i < curArgc; i++) {
    const more = curArgc - 1 - i;
    const p = argPtr(i);
    if (xadd && argLen(i) >= 1 && load<u8>(p) == STAR && (argLen(i) == 1 || load<u8>(p + 1) == NUL)) break;
    if (argIs(i, "MAXLEN") && more > 0) {
      if (trStrategy != 0) { replyError(E_STREAM_MAXLEN_MINID); return -1; }
      trApprox = false;
      i = trimValueIndex(i, more);
      if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) { replyError(E_NOT_INTEGER); return -1; }
      if (parsedI64 < 0) { replyError(E_STREAM_MAXLEN_NEG); return -1; }
      trMaxlen = parsedI64;
      trStrategy = TRIM_MAXLEN;
    } else if (argIs(i, "MINID") && more > 0) {
      if (trStrategy != 0) { replyError(E_STREAM_MAXLEN_MINID); return -1; }
      trApprox = false;
      i = trimValueIndex(i, more);
      if (!parseIdOrReply(i, true, 0, false)) return -1;
      trMinMs = idMs;
      trMinSeq = idSeq;
      trStrategy = TRIM_MINID;
    } else if (argIs(i, "LIMIT") && more > 0) {
      if (parseI64Strict(argPtr(i + 1), argLen(i + 1)) != PARSE_OK) { replyError(E_NOT_INTEGER); return -1; }
      if (parsedI64 < 0) { replyError(E_STREAM_LIMIT_NEG); return -1; }
      trLimit = parsedI64;
      limitGiven = true;
      i++;
    } else if (xadd && argIs(i, "NOMKSTREAM")) {
      addNoMk = true;
    } else if (xadd) {
      if (!parseIdOrReply(i, true, 0, true)) return -1;
      addIdGiven = true;
      addMs = idMs;
      addSeq = idSeq;
      addSeqGiven = idSeqGiven;
      break;
    } else {
      replyError(E_SYNTAX);
      return -1;
    }
  }
  if (trLimit != 0 && trStrategy == 0) { replyError(E_STREAM_LIMIT_NO_STRATEGY); return -1; }
  if (!xadd && trStrategy == 0) { replyError(E_XTRIM_NO_STRATEGY); return -1; }
  if (limitGiven) {
    if (!trApprox) { replyError(E_STREAM_LIMIT_NO_APPROX); return -1; }
  } else if (trApprox) {
    trLimit = 100 * streamNodeMaxEntries;
    if (trLimit <= 0 || trLimit > TRIM_LIMIT_FALLBACK) trLimit = TRIM_LIMIT_FALLBACK;
  } else {
    trLimit = 0;
  }
  return i;
}


function doTrim(s: usize): i64 {
  return streamTrim(s, trStrategy, trMaxlen, trMinMs, trMinSeq, trApprox, trLimit);
}

// ---- commands --------------------------------------------------------------------------

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value
// [field value ...] — bulk: the new entry's ID, or null (NOMKSTREAM, no key). O(1) plus
// the trimmed entries.
function cmdXadd(): void {
  const idPos = parseAddOrTrimArgs(true);
  if (idPos < 0) return;
  const fieldPos = idPos + 1;
  const pairs = curArgc - fieldPos;
  if (pairs < 2 || (pairs & 1) != 0) { replyWrongArity(CMD_XADD); return; }
  if (addIdGiven && addSeqGiven && addMs == 0 && addSeq == 0) { replyError(E_XADD_ID_ZERO); return; }
  const db = curDb();
  if (!writeOrReply(db)) return;
  if (found == 0) {
    if (addNoMk) { replyNull(); return; }
    found = streamCreate(db, argPtr(1), argLen(1));
  }
  const s = objPtrOf(found);
  const lastMs = load<u64>(s, S_LAST_MS);
  const lastSeq = load<u64>(s, S_LAST_SEQ);
  if (lastMs == U64_MAX && lastSeq == U64_MAX) { replyError(E_XADD_EXHAUSTED); return; }
  let ms: u64;
  let seq: u64;
  if (!addIdGiven) {
    // streamNextID: the clock, but never behind the last ID.
    const now = <u64>nowMs;
    if (now > lastMs) { ms = now; seq = 0; }
    else if (lastSeq == U64_MAX) { ms = lastMs + 1; seq = 0; }
    else { ms = lastMs; seq = lastSeq + 1; }
  } else if (!addSeqGiven) {
    ms = addMs;
    if (ms == lastMs) {
      if (lastSeq == U64_MAX) { replyError(E_XADD_TOO_LARGE); return; }
      seq = lastSeq + 1;
    } else if (ms > lastMs) {
      seq = 0;
    } else { replyError(E_XADD_ID_SMALL); return; }
  } else {
    ms = addMs;
    seq = addSeq;
    if (idCompare(ms, seq, lastMs, lastSeq) <= 0) { replyError(E_XADD_ID_SMALL); return; }
  }
  // A listpack holds at most 2^32 bytes; Redis refuses entries past 1 GiB.
  let total: u64 = 0;
  for (let k = fieldPos; k < curArgc; k++) total += <u64>argLen(k);
  if (total > STREAM_LISTPACK_MAX_SIZE) { replyError(E_XADD_TOO_LARGE); return; }
  streamAppend(s, ms, seq, fieldPos, pairs >> 1);
  replyId(ms, seq);
  // A new key was signalled by dbAdd; an existing one may serve XREAD waiters now.
  signalKeyAsReady(db.index, argPtr(1), argLen(1));
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_STREAM, "xadd");
  addDirty(1);
  if (trStrategy != 0 && doTrim(s) > 0) {
    notifyKeyspaceEvent(NOTIFY_STREAM, "xtrim", argPtr(1), argLen(1), db.index);
  }
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] — integer: entries removed.
// O(removed).
function cmdXtrim(): void {
  if (parseAddOrTrimArgs(false) < 0) return;
  const db = curDb();
  if (!writeOrReply(db)) return;
  if (found == 0) { replyInt(0); return; }
  const deleted = doTrim(objPtrOf(found));
  if (deleted > 0) {
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_STREAM, "xtrim");
    addDirty(<u64>deleted);
  }
  replyInt(deleted);
}

// XDEL key id [id ...] — integer: entries deleted. O(log n) per ID (plus the node walk).
function cmdXdel(): void {
  const db = curDb();
  if (!writeOrReply(db)) return;
  if (found == 0) { replyInt(0); return; }
  // Every ID is checked before any is deleted.
  for (let i = 2; i < curArgc; i++) {
    if (!parseIdOrReply(i, true, 0, false)) return;
  }
  const s = objPtrOf(found);
  let deleted: i64 = 0;
  for (let i = 2; i < curArgc; i++) {
    parseIdBytes(argPtr(i), argLen(i), true, 0, false);
    if (streamDeleteId(s, idMs, idSeq)) {
      deleted++;
      if (idCompare(idMs, idSeq, load<u64>(s, S_MAXDEL_MS), load<u64>(s, S_MAXDEL_SEQ)) > 0) {
        store<u64>(s, idMs, S_MAXDEL_MS);
        store<u64>(s, idSeq, S_MAXDEL_SEQ);
      }
    }
  }
  if (deleted > 0) {
    streamUpdateFirstId(s);
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_STREAM, "xdel");
    addDirty(<u64>deleted);
  }
  replyInt(deleted);
}

// XLEN key — integer: live entries. O(1).
function cmdXlen(): void {
  const db = curDb();
  if (!readOrReply(db)) return;
  replyInt(found == 0 ? 0 : <i64>streamLength(objPtrOf(found)));
}

// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count] — array of
// [id, [field, value ...]]. O(log n + returned).
function rangeGeneric(rev: bool): void {
  const startArg = rev ? 3 : 2;
  const endArg = rev ? 2 : 3;
  if (!parseIntervalOrReply(startArg, 0, true)) return;
  const sMs = idMs;
  const sSeq = idSeq;
  if (!parseIntervalOrReply(endArg, U64_MAX, false)) return;
  const eMs = idMs;
  const eSeq = idSeq;
  let count: i64 = -1;
  for (let j = 4; j < curArgc; j++) {
    if (argIs(j, "COUNT") && curArgc - j - 1 >= 1) {
      if (parseI64Strict(argPtr(j + 1), argLen(j + 1)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
      count = parsedI64 < 0 ? 0 : parsedI64;
      j++;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  const db = curDb();
  if (!readOrReply(db)) return;
  if (found == 0) { replyArray(0); return; }
  if (count == 0) { replyNullArray(); return; }
  if (idCompare(sMs, sSeq, eMs, eSeq) > 0) { replyArray(0); return; }
  const mark = outMark();
  const n = replyRange(objPtrOf(found), sMs, sSeq, eMs, eSeq, count, rev);
  outInsertArrayHeader(mark, n);
}

function cmdXrange(): void { rangeGeneric(false); }
function cmdXrevrange(): void { rangeGeneric(true); }

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] — OK.
// O(1) (plus the walk of the last node for its last live entry).
function cmdXsetid(): void {
  if (!parseIdOrReply(2, true, 0, false)) return;
  const ms = idMs;
  const seq = idSeq;
  let entriesAdded: i64 = -1;
  let delMs: u64 = 0;
  let delSeq: u64 = 0;
  for (let i = 3; i < curArgc; i += 2) {
    const more = curArgc - 1 - i;
    if (argIs(i, "ENTRIESADDED") && more > 0) {
      if (parseI64Strict(argPtr(i + 1), argLen(i + 1)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
      if (parsedI64 < 0) { replyError(E_XSETID_ENTRIES_NEG); return; }
      entriesAdded = parsedI64;
    } else if (argIs(i, "MAXDELETEDID") && more > 0) {
      if (!parseIdOrReply(i + 1, true, 0, false)) return;
      delMs = idMs;
      delSeq = idSeq;
      if (idCompare(ms, seq, delMs, delSeq) < 0) { replyError(E_XSETID_SMALLER_MAXDEL_ARG); return; }
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  const db = curDb();
  if (!writeOrReply(db)) return;
  if (found == 0) { replyError(E_NO_SUCH_KEY); return; }
  const s = objPtrOf(found);
  if (streamLength(s) > 0) {
    streamLastLiveId(s);
    if (idCompare(ms, seq, entMs, entSeq) < 0) { replyError(E_XSETID_SMALLER_TOP); return; }
    if (entriesAdded != -1 && streamLength(s) > <u64>entriesAdded) { replyError(E_XSETID_ENTRIES_SMALL); return; }
  }
  store<u64>(s, ms, S_LAST_MS);
  store<u64>(s, seq, S_LAST_SEQ);
  if (entriesAdded != -1) store<u64>(s, <u64>entriesAdded, S_ADDED);
  if (delMs != 0 || delSeq != 0) {
    store<u64>(s, delMs, S_MAXDEL_MS);
    store<u64>(s, delSeq, S_MAXDEL_SEQ);
  }
  keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_STREAM, "xsetid");
  addDirty(1);
  replyOk();
}

// Per stream of an XREAD: the ID to read after (ms, seq) and whether it was `$`.
let readIds: usize = 0;
let readIdsCap: i32 = 0;
const READ_ID_SIZE: usize = 24;

// The RESP text a waiting XREAD re-runs as (its `$` resolved).
let rewriteBuf: usize = 0;
let rewriteCap: usize = 0;

function rewriteReserve(n: usize): void {
  if (n <= rewriteCap) return;
  rewriteCap = n;
  rewriteBuf = rewriteBuf == 0 ? heap.alloc(n) : heap.realloc(rewriteBuf, n);
}

function putDecimal(at: usize, v: u64): usize { return formatU64(rewriteBuf + at, v); }

/**
 * Encodes the current command as RESP with each `$` ID replaced by the
 * last ID its stream had, so that the re-run after a wake reads what
 * arrived after the block, as Redis resolves `$` once.
 */
function buildDollarRewrite(streamsArg: i32, count: i32): void {
  let size: usize = 24;
  for (let i = 0; i < curArgc; i++) size += argLen(i) + 48;
  rewriteReserve(size);
  let o: usize = 0;
  store<u8>(rewriteBuf + o++, STAR);
  o += putDecimal(o, <u64>curArgc);
  store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
  for (let i = 0; i < curArgc; i++) {
    const k = i - streamsArg - count;
    const dollar = k >= 0 && load<u8>(readIds + <usize>k * READ_ID_SIZE, 16) != 0;
    let p = argPtr(i);
    let n = argLen(i);
    if (dollar) {
      const r = readIds + <usize>k * READ_ID_SIZE;
      n = formatU64(ID_TEXT, load<u64>(r));
      store<u8>(ID_TEXT + n++, MINUS);
      n += formatU64(ID_TEXT + n, load<u64>(r, 8));
      p = ID_TEXT;
    }
    store<u8>(rewriteBuf + o++, 36);
    o += putDecimal(o, <u64>n);
    store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
    memory.copy(rewriteBuf + o, p, n); o += n;
    store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
  }
  setBlockRewrite(rewriteBuf, <u32>o);
}

// The options of XREAD and XREADGROUP, parsed by one loop as Redis's
// xreadCommand does for both (GROUP and NOACK are errors without `group`).
export let xrCount: i64 = 0;
export let xrBlocking = false;
export let xrNoack = false;
/** XREADGROUP re-run after a wake (the hidden mark as first argument). */
export let xrWoken = false;
/** The first key after STREAMS, and how many streams. */
export let xrStreamsArg = 0;
export let xrStreams = 0;
/** XREADGROUP's group name argument (the consumer follows it); 0 when absent. */
export let xrGroupArg = 0;

/** [GROUP group consumer] [COUNT n] [BLOCK ms] [NOACK] STREAMS ...; false after replying an error. */
export function parseXreadOptions(group: bool): bool {
  xrCount = 0;
  xrBlocking = false;
  xrNoack = false;
  xrWoken = false;
  xrStreamsArg = 0;
  xrStreams = 0;
  xrGroupArg = 0;
  for (let i = 1; i < curArgc; i++) {
    const more = curArgc - i - 1;
    if (group && i == 1 && argIsWokenMark(i)) {
      xrWoken = true;
    } else if (argIs(i, "BLOCK") && more > 0) {
      if ((cur.flags & CF_SCRIPT) != 0) { replyBlockInScript(); return false; }
      i++;
      if (!parseTimeoutMsOrReply(i)) return false;
      xrBlocking = true;
    } else if (argIs(i, "COUNT") && more > 0) {
      i++;
      if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) { replyError(E_NOT_INTEGER); return false; }
      xrCount = parsedI64 < 0 ? 0 : parsedI64;
    } else if (argIs(i, "STREAMS") && more > 0) {
      xrStreamsArg = i + 1;
      const n = curArgc - xrStreamsArg;
      if ((n & 1) != 0) { replyError(E_XREAD_UNBALANCED); return false; }
      xrStreams = n >> 1;
      break;
    } else if (argIs(i, "GROUP") && more >= 2) {
      if (!group) { replyError(E_XREAD_GROUP_OPT); return false; }
      xrGroupArg = i + 1;
      i += 2;
    } else if (argIs(i, "NOACK")) {
      if (!group) { replyError(E_XREAD_NOACK_OPT); return false; }
      xrNoack = true;
    } else {
      replyError(E_SYNTAX);
      return false;
    }
  }
  if (xrStreamsArg == 0) { replyError(E_SYNTAX); return false; }
  return true;
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] — per stream
// with new entries [key, entries] (a map in RESP3), or null. O(log n + returned) per stream.
function cmdXread(): void {
  if (!parseXreadOptions(false)) return;
  const count = xrCount;
  const blocking = xrBlocking;
  const streamsArg = xrStreamsArg;
  const n = xrStreams;
  if (n > readIdsCap) {
    readIdsCap = n;
    readIds = readIds == 0 ? heap.alloc(<usize>n * READ_ID_SIZE) : heap.realloc(readIds, <usize>n * READ_ID_SIZE);
  }
  const db = curDb();
  let anyDollar = false;
  for (let k = 0; k < n; k++) {
    const idArg = streamsArg + n + k;
    if (!readOrReplyAt(db, streamsArg + k)) return;
    const r = readIds + <usize>k * READ_ID_SIZE;
    const p = argPtr(idArg);
    if (argLen(idArg) == 1 && load<u8>(p) == 36) {
      store<u64>(r, found != 0 ? load<u64>(objPtrOf(found), S_LAST_MS) : 0);
      store<u64>(r, found != 0 ? load<u64>(objPtrOf(found), S_LAST_SEQ) : 0, 8);
      store<u8>(r, 1, 16);
      anyDollar = true;
      continue;
    }
    if (argLen(idArg) == 1 && load<u8>(p) == 62) { replyError(E_XREAD_GT_ID); return; }
    if (!parseIdOrReply(idArg, true, 0, false)) return;
    store<u64>(r, idMs);
    store<u64>(r, idSeq, 8);
    store<u8>(r, 0, 16);
  }
  let served: i64 = 0;
  let mark: usize = 0;
  for (let k = 0; k < n; k++) {
    const e = dbLookupRead(db, argPtr(streamsArg + k), argLen(streamsArg + k));
    if (e == 0) continue;
    const s = objPtrOf(e);
    const r = readIds + <usize>k * READ_ID_SIZE;
    let ms = load<u64>(r);
    let seq = load<u64>(r, 8);
    // Served now only if a live entry is past the ID (the last live one, not
    // the last generated ID, which XDEL or XSETID may have left ahead).
    if (streamLength(s) == 0 || !streamLastLiveId(s) || idCompare(entMs, entSeq, ms, seq) <= 0) continue;
    if (served == 0) mark = outMark();
    served++;
    // The range is inclusive: start one past the given ID.
    if (seq == U64_MAX) { ms++; seq = 0; } else seq++;
    if (proto == 2) replyArray(2);
    replyBulk(argPtr(streamsArg + k), argLen(streamsArg + k));
    const m = outMark();
    const got = replyRange(s, ms, seq, U64_MAX, U64_MAX, count == 0 ? -1 : count, false);
    outInsertArrayHeader(m, got);
  }
  if (served > 0) {
    if (proto == 2) outInsertArrayHeader(mark, served);
    else outInsertMapHeader(mark, served);
    return;
  }
  if (blocking) {
    if (anyDollar) buildDollarRewrite(streamsArg, n);
    if (blockForKeys(streamsArg, n)) replyNullArray();
    // Only a command that really waits is rewritten.
    if (!blockRequested) setBlockRewrite(0, 0);
    return;
  }
  replyNullArray();
}

export function readOrReplyAt(db: Db, i: i32): bool {
  found = dbLookupRead(db, argPtr(i), argLen(i));
  if (found != 0 && typeOf(found) != TYPE_STREAM) {
    replyError(E_WRONGTYPE);
    return false;
  }
  return true;
}

export function register(): void {
  registerStreamValue();
  reg(CMD_XADD, cmdXadd);
  reg(CMD_XDEL, cmdXdel);
  reg(CMD_XLEN, cmdXlen);
  reg(CMD_XRANGE, cmdXrange);
  reg(CMD_XREVRANGE, cmdXrevrange);
  reg(CMD_XTRIM, cmdXtrim);
  reg(CMD_XREAD, cmdXread);
  reg(CMD_XSETID, cmdXsetid);
}
