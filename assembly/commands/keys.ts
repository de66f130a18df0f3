// Generic keyspace commands: commands that work on keys of any type.
//
//   deleting   DEL UNLINK
//   peeking    EXISTS TYPE TOUCH OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP
//   TTLs       EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
//              PEXPIRETIME PERSIST
//   naming     RENAME RENAMENX MOVE COPY
//   listing    KEYS SCAN RANDOMKEY
//
// Lookups go through db/db.ts so expired keys read as missing everywhere.
// Which lookup each command uses mirrors Redis, because clients can see the
// difference: read lookups count keyspace hits/misses (INFO), "no touch"
// ones leave the LRU/LFU bits as they were (OBJECT IDLETIME/FREQ), write
// lookups touch but do not count.
//
// UNLINK frees immediately like DEL: the engine's free is cheap and there is
// no background thread to hand values to.

import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd, lazyfreeExpire } from "../db/propagate";
import { register as reg } from "./dispatch";
import {
  CMD_COPY, CMD_DEL, CMD_EXISTS, CMD_EXPIRE, CMD_EXPIREAT, CMD_PEXPIRE, CMD_PEXPIREAT,
  CMD_EXPIRETIME, CMD_PEXPIRETIME, CMD_TTL, CMD_PTTL, CMD_PERSIST, CMD_KEYS, CMD_MOVE,
  CMD_RANDOMKEY, CMD_RENAME, CMD_RENAMENX, CMD_SCAN, CMD_TOUCH, CMD_TYPE, CMD_UNLINK,
  CMD_OBJECT_ENCODING, CMD_OBJECT_FREQ, CMD_OBJECT_HELP, CMD_OBJECT_IDLETIME, CMD_OBJECT_REFCOUNT,
} from "./table.gen";
import { curDb, cur, argIs, parseLongOrReply, argInt } from "./context";
import { cursorOrReply, scanCursor, scanGather, scanLen, scanAt, scanDone } from "./scan";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyInt, replyOk, replyError, replyErrorBytes, replyNull, replyBulk, replyBulkAscii, replyBulkU64,
  replySimple, replyArray, outMark, outTruncate, outInsertArrayHeader,
} from "../resp/writer";
import {
  E_SYNTAX, E_NO_SUCH_KEY, E_DB_INDEX, E_SAME_OBJECT, E_INVALID_EXPIRE,
  E_EXPIRE_NX_XX_GT_LT, E_EXPIRE_GT_LT, E_LFU_NOT_SELECTED, E_LFU_SELECTED, E_INT_RANGE,
  E_UNSUPPORTED_OPTION,
} from "../resp/errors";
import { keyChanged, notifyKeyspaceEvent, NOTIFY_GENERIC } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import {
  Db, getDb, numDbs, nowMs, addDirty, dbLookup, dbLookupRead, dbLookupReadNoTouch, dbDelete,
  dbDeleteEntry, dbDetachEntry, dbAdd, dbSetExpire, dbRemoveExpire, dbRandomKey, isExpired,
  dbExpireIfNeeded, noteKeyspaceRead, entryRekey,
} from "../db/db";
import { keyPtrOf, keyLenOf, expireAtOf } from "../db/entry";
import { dupValue, typeName, encodingName, refCount } from "../db/object";
import { lruInit, lfuMode, lfuDecayed, idleSeconds } from "../db/lru";
import { dictForEach } from "../ds/dict";
import { memAlloc, memFree, bytesEqual } from "../ds/mem";
import { globMatch } from "../util/glob";

const INT_MIN: i64 = -2147483648;
const INT_MAX: i64 = 2147483647;

/** The int parsed by the last successful dbIndexOrReply. */
let argDb: i32 = 0;

/**
 * Parses a DB index the way MOVE and COPY do (Redis's getIntFromObjectOrReply
 * then selectDb); replies with the error and returns false if it is bad.
 */
function dbIndexOrReply(i: i32): bool {
  if (!parseLongOrReply(i)) return false;
  if (argInt < INT_MIN || argInt > INT_MAX) {
    replyError(E_INT_RANGE);
    return false;
  }
  if (argInt < 0 || argInt >= <i64>numDbs) {
    replyError(E_DB_INDEX);
    return false;
  }
  argDb = <i32>argInt;
  return true;
}

/** True if arguments `a` and `b` are the same bytes. */
function argsEqual(a: i32, b: i32): bool {
  return argLen(a) == argLen(b) && bytesEqual(argPtr(a), argPtr(b), argLen(a));
}

// ---- deleting ------------------------------------------------------------------

/** Deletes every key named in args 1.. ; returns how many existed. */
function opDelKeys(db: Db): i64 {
  let n: i64 = 0;
  for (let i = 1; i < curArgc; i++) {
    if (dbDelete(db, argPtr(i), argLen(i))) {
      keyChanged(db.index, argPtr(i), argLen(i), NOTIFY_GENERIC, "del");
      n++;
    }
  }
  return n;
}

// DEL key [key ...] — integer: keys removed. O(N) in keys (plus value sizes).
function cmdDel(): void {
  const n = opDelKeys(curDb());
  addDirty(<u64>n);
  replyInt(n);
}

// UNLINK key [key ...] — integer: keys removed. O(N) in keys.
function cmdUnlink(): void {
  cmdDel();
}

// ---- peeking -------------------------------------------------------------------

// EXISTS key [key ...] — integer: how many of the keys exist, a key named
// twice counting twice. O(N).
function cmdExists(): void {
  const db = curDb();
  let n: i64 = 0;
  for (let i = 1; i < curArgc; i++) {
    if (dbLookupReadNoTouch(db, argPtr(i), argLen(i)) != 0) n++;
  }
  replyInt(n);
}

// TOUCH key [key ...] — integer: how many exist; updates their access time. O(N).
function cmdTouch(): void {
  const db = curDb();
  let n: i64 = 0;
  for (let i = 1; i < curArgc; i++) {
    if (dbLookupRead(db, argPtr(i), argLen(i)) != 0) n++;
  }
  replyInt(n);
}

// TYPE key — simple string: string|list|set|zset|hash|stream, or none. O(1).
function cmdType(): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(1), argLen(1));
  replySimple(e == 0 ? "none" : typeName(e));
}

// OBJECT ENCODING key — bulk string, or nil if the key is missing. O(1).
function cmdObjectEncoding(): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(2), argLen(2), false);
  if (e == 0) { replyNull(); return; }
  replyBulkAscii(encodingName(e));
}

// OBJECT REFCOUNT key — integer, or nil. O(1).
function cmdObjectRefcount(): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(2), argLen(2), false);
  if (e == 0) { replyNull(); return; }
  replyInt(refCount(e));
}

// OBJECT IDLETIME key — integer seconds since last access, or nil; an
// error under an LFU policy (no access time is kept then). O(1).
function cmdObjectIdletime(): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(2), argLen(2), false);
  if (e == 0) { replyNull(); return; }
  if (lfuMode) { replyError(E_LFU_SELECTED); return; }
  replyInt(<i64>idleSeconds(e));
}

// OBJECT FREQ key — integer: the decayed LFU counter, or nil; an error
// unless an LFU policy is selected. O(1).
function cmdObjectFreq(): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(2), argLen(2), false);
  if (e == 0) { replyNull(); return; }
  if (!lfuMode) { replyError(E_LFU_NOT_SELECTED); return; }
  replyInt(<i64>lfuDecayed(e));
}

const OBJECT_HELP: StaticArray<string> = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

// OBJECT HELP — array of simple strings.
function cmdObjectHelp(): void {
  replyArray(OBJECT_HELP.length);
  for (let i = 0; i < OBJECT_HELP.length; i++) replySimple(OBJECT_HELP[i]);
}

// ---- TTLs ----------------------------------------------------------------------

const EXPIRE_NX: i32 = 1;
const EXPIRE_XX: i32 = 2;
const EXPIRE_GT: i32 = 4;
const EXPIRE_LT: i32 = 8;

/** Flags parsed by the last successful expireFlagsOrReply. */
let expireFlags: i32 = 0;

/** Writes "ERR Unsupported option <arg>", the arg cut at a NUL as Redis's %s cuts it. */
function replyUnsupportedOption(i: i32): void {
  const p = argPtr(i);
  let n: usize = 0;
  while (n < argLen(i) && load<u8>(p + n) != 0) n++;
  const prefixLen = <usize>E_UNSUPPORTED_OPTION.length;
  const buf = memAlloc(prefixLen + n);
  for (let k: usize = 0; k < prefixLen; k++) store<u8>(buf + k, <u8>E_UNSUPPORTED_OPTION.charCodeAt(<i32>k));
  memory.copy(buf + prefixLen, p, n);
  replyErrorBytes(buf, prefixLen + n);
  memFree(buf);
}

/** Parses [NX|XX] [GT|LT] from argument 3 on; replies and returns false on error. */
function expireFlagsOrReply(): bool {
  let flags = 0;
  for (let i = 3; i < curArgc; i++) {
    if (argIs(i, "NX")) flags |= EXPIRE_NX;
    else if (argIs(i, "XX")) flags |= EXPIRE_XX;
    else if (argIs(i, "GT")) flags |= EXPIRE_GT;
    else if (argIs(i, "LT")) flags |= EXPIRE_LT;
    else {
      replyUnsupportedOption(i);
      return false;
    }
  }
  if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
    replyError(E_EXPIRE_NX_XX_GT_LT);
    return false;
  }
  if ((flags & (EXPIRE_GT | EXPIRE_LT)) == (EXPIRE_GT | EXPIRE_LT)) {
    replyError(E_EXPIRE_GT_LT);
    return false;
  }
  expireFlags = flags;
  return true;
}

/**
 * Whether the NX/XX/GT/LT conditions let a key whose TTL is `current`
 * (-1: none, which counts as infinite) take the TTL `when`.
 */
function expireAllowed(flags: i32, current: i64, when: i64): bool {
  if ((flags & EXPIRE_NX) != 0 && current != -1) return false;
  if ((flags & EXPIRE_XX) != 0 && current == -1) return false;
  if ((flags & EXPIRE_GT) != 0 && (current == -1 || when <= current)) return false;
  if ((flags & EXPIRE_LT) != 0 && current != -1 && when >= current) return false;
  return true;
}

/**
 * Gives key `e` the absolute TTL `when` (unix ms), or deletes it when that
 * is not in the future, as Redis does. Returns 1 if the TTL applied.
 */
function opExpire(db: Db, e: usize, flags: i32, when: i64): i64 {
  if (flags != 0 && !expireAllowed(flags, expireAtOf(e), when)) return 0;
  if (when <= nowMs) {
    dbDeleteEntry(db, e);
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "del");
    // Replicas and the AOF get an explicit delete.
    if (propEnabled) {
      rewriteBegin(db.index, 2);
      opArgAscii(lazyfreeExpire ? "UNLINK" : "DEL");
      opArg(argPtr(1), argLen(1));
      opEnd();
    }
  } else {
    dbSetExpire(db, e, when);
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "expire");
    // As PEXPIREAT with the absolute time; the NX|XX|GT|LT flags stay.
    if (propEnabled) {
      rewriteBegin(db.index, curArgc);
      if (expireWhenRewritten) opArgAscii("PEXPIREAT"); else opArg(argPtr(0), argLen(0));
      opArg(argPtr(1), argLen(1));
      if (expireWhenRewritten) opArgInt(when); else opArg(argPtr(2), argLen(2));
      for (let j = 3; j < curArgc; j++) opArg(argPtr(j), argLen(j));
      opEnd();
    }
  }
  addDirty(1);
  return 1;
}

let expireWhenRewritten = true;

/**
 * The EXPIRE family: `baseMs` is added to the argument (now for relative
 * forms, 0 for the AT forms), `seconds` scales it by 1000. Overflow of
 * either step is an error naming the command.
 */
function expireGeneric(baseMs: i64, seconds: bool, name: string): void {
  if (!expireFlagsOrReply()) return;
  if (!parseLongOrReply(2)) return;
  let when = argInt;
  if (seconds) {
    if (when > i64.MAX_VALUE / 1000 || when < i64.MIN_VALUE / 1000) {
      replyError(E_INVALID_EXPIRE.replace("%s", name));
      return;
    }
    when *= 1000;
  }
  if (when > i64.MAX_VALUE - baseMs) {
    replyError(E_INVALID_EXPIRE.replace("%s", name));
    return;
  }
  when += baseMs;
  // Redis keeps PEXPIREAT's own time argument as the client wrote it.
  expireWhenRewritten = baseMs != 0 || seconds;
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  replyInt(opExpire(db, e, expireFlags, when));
}

// EXPIRE key seconds [NX|XX|GT|LT] — integer: 1 if the TTL was set (or the
// key deleted because the time is not in the future), 0 otherwise. O(1).
function cmdExpire(): void { expireGeneric(nowMs, true, "expire"); }

// PEXPIRE key milliseconds [NX|XX|GT|LT] — integer, as EXPIRE. O(1).
function cmdPexpire(): void { expireGeneric(nowMs, false, "pexpire"); }

// EXPIREAT key unix-time-seconds [NX|XX|GT|LT] — integer, as EXPIRE. O(1).
function cmdExpireat(): void { expireGeneric(0, true, "expireat"); }

// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] — integer, as EXPIRE. O(1).
function cmdPexpireat(): void { expireGeneric(0, false, "pexpireat"); }

/**
 * The TTL family: -2 for a missing key, -1 for no TTL, otherwise the time
 * left (or the absolute time with `absolute`), in ms or rounded seconds.
 */
function ttlGeneric(ms: bool, absolute: bool): void {
  const e = dbLookupReadNoTouch(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(-2); return; }
  const at = expireAtOf(e);
  if (at == -1) { replyInt(-1); return; }
  let ttl = absolute ? at : at - nowMs;
  if (ttl < 0) ttl = 0;
  // Rounded in unsigned arithmetic: near i64 max, ttl + 500 wraps in C and
  // redis-server (gcc) still reports the mathematically rounded value.
  replyInt(ms ? ttl : <i64>((<u64>ttl + 500) / 1000));
}

// TTL key — integer seconds left (rounded), -1 no TTL, -2 no key. O(1).
function cmdTtl(): void { ttlGeneric(false, false); }

// PTTL key — integer milliseconds left, -1, -2. O(1).
function cmdPttl(): void { ttlGeneric(true, false); }

// EXPIRETIME key — integer unix seconds of expiry, -1, -2. O(1).
function cmdExpiretime(): void { ttlGeneric(false, true); }

// PEXPIRETIME key — integer unix milliseconds of expiry, -1, -2. O(1).
function cmdPexpiretime(): void { ttlGeneric(true, true); }

// PERSIST key — integer: 1 if a TTL was removed, else 0. O(1).
function cmdPersist(): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e != 0 && dbRemoveExpire(db, e)) {
    addDirty(1);
    keyChanged(db.index, argPtr(1), argLen(1), NOTIFY_GENERIC, "persist");
    replyInt(1);
  } else {
    replyInt(0);
  }
}

// ---- naming --------------------------------------------------------------------

/**
 * Renames key `e` to argument `dst`, carrying its value, TTL and access
 * bits. With `nx`, an existing destination wins: returns false and changes
 * nothing.
 */
function opRename(db: Db, e: usize, dst: i32, nx: bool): bool {
  const old = dbLookup(db, argPtr(dst), argLen(dst));
  if (old != 0) {
    if (nx) return false;
    dbDeleteEntry(db, old);
  }
  const fresh = entryRekey(e, argPtr(dst), argLen(dst));
  // The value now belongs to `fresh`: free only the old entry's block.
  dbDetachEntry(db, e);
  memFree(e);
  dbAdd(db, fresh);
  addDirty(1);
  signalModifiedKey(db.index, argPtr(1), argLen(1));
  signalModifiedKey(db.index, argPtr(dst), argLen(dst));
  notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_from", argPtr(1), argLen(1), db.index);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_to", argPtr(dst), argLen(dst), db.index);
  return true;
}

function renameGeneric(nx: bool): void {
  const db = curDb();
  const e = dbLookup(db, argPtr(1), argLen(1));
  if (e == 0) { replyError(E_NO_SUCH_KEY); return; }
  // Renaming a key to itself changes nothing, but the key must exist.
  if (argsEqual(1, 2)) {
    if (nx) replyInt(0); else replyOk();
    return;
  }
  const done = opRename(db, e, 2, nx);
  if (nx) replyInt(done ? 1 : 0); else replyOk();
}

// RENAME key newkey — OK; error "no such key". Overwrites newkey. O(1)
// (plus freeing an overwritten value).
function cmdRename(): void { renameGeneric(false); }

// RENAMENX key newkey — integer: 1 renamed, 0 newkey exists. O(1).
function cmdRenamenx(): void { renameGeneric(true); }

// MOVE key db — integer: 1 moved, 0 if the key is missing here or exists
// there. The TTL moves with the key. O(1).
function cmdMove(): void {
  if (!dbIndexOrReply(2)) return;
  if (argDb == cur.db) { replyError(E_SAME_OBJECT); return; }
  replyInt(opMove(curDb(), getDb(argDb), argPtr(1), argLen(1)));
}

/** Moves a key between dbs; 0 if it is missing in `src` or present in `dst`. */
function opMove(src: Db, dst: Db, keyPtr: usize, keyLen: usize): i64 {
  const e = dbLookup(src, keyPtr, keyLen);
  if (e == 0 || dbLookup(dst, keyPtr, keyLen) != 0) return 0;
  // The entry itself moves: same object, so encoding, refcount and access
  // bits are unchanged, as in Redis.
  dbDetachEntry(src, e);
  dbAdd(dst, e);
  addDirty(1);
  signalModifiedKey(src.index, keyPtr, keyLen);
  signalModifiedKey(dst.index, keyPtr, keyLen);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "move_from", keyPtr, keyLen, src.index);
  notifyKeyspaceEvent(NOTIFY_GENERIC, "move_to", keyPtr, keyLen, dst.index);
  return 1;
}

/**
 * Copies key `e` (value and TTL) to the key named by argument 2 in `dst`.
 * Returns 0 when that key exists and `replace` is off.
 */
function opCopy(dst: Db, e: usize, replace: bool): i64 {
  const old = dbLookup(dst, argPtr(2), argLen(2));
  if (old != 0 && !replace) return 0;
  const fresh = entryRekey(e, argPtr(2), argLen(2));
  dupValue(fresh);
  // A new object: its access bits start afresh, as for any new key.
  lruInit(fresh);
  if (old != 0) dbDeleteEntry(dst, old);
  dbAdd(dst, fresh);
  addDirty(1);
  keyChanged(dst.index, argPtr(2), argLen(2), NOTIFY_GENERIC, "copy_to");
  return 1;
}

// COPY source destination [DB destination-db] [REPLACE] — integer: 1 copied,
// 0 if the source is missing or the destination exists (without REPLACE).
// The TTL is copied too. O(N) in the value's size.
function cmdCopy(): void {
  let dstIndex = cur.db;
  let replace = false;
  for (let i = 3; i < curArgc; i++) {
    if (argIs(i, "REPLACE")) {
      replace = true;
    } else if (argIs(i, "DB") && i + 1 < curArgc) {
      if (!dbIndexOrReply(i + 1)) return;
      dstIndex = argDb;
      i++;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  if (dstIndex == cur.db && argsEqual(1, 2)) { replyError(E_SAME_OBJECT); return; }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  replyInt(opCopy(getDb(dstIndex), e, replace));
}

// ---- listing -------------------------------------------------------------------

// KEYS's callback state (dictForEach takes no closure).
let keysPatPtr: usize = 0;
let keysPatLen: usize = 0;
let keysAll: bool = false;
let keysCount: i64 = 0;

function keysVisit(e: usize, _ctx: usize): void {
  const kp = keyPtrOf(e);
  const kl = keyLenOf(e);
  if (!keysAll && !globMatch(keysPatPtr, keysPatLen, kp, kl)) return;
  // Expired keys are skipped but not deleted: deleting while iterating
  // would reshape the table under us (Redis only checks, too).
  if (isExpired(e)) return;
  replyBulk(kp, kl);
  keysCount++;
}

// KEYS pattern — array of matching key names. O(N) in the keyspace.
function cmdKeys(): void {
  keysPatPtr = argPtr(1);
  keysPatLen = argLen(1);
  keysAll = keysPatLen == 1 && load<u8>(keysPatPtr) == 42; // "*"
  keysCount = 0;
  const mark = outMark();
  dictForEach(curDb().dict, keysVisit, 0);
  outInsertArrayHeader(mark, keysCount);
}

/** ASCII case-insensitive comparison of argument `i` with a lowercase name. */
function argIsLower(i: i32, name: string): bool {
  const len = argLen(i);
  if (len != <usize>name.length) return false;
  const p = argPtr(i);
  for (let k: usize = 0; k < len; k++) {
    let b = load<u8>(p + k);
    if (b >= 65 && b <= 90) b += 32;
    if (<i32>b != name.charCodeAt(<i32>k)) return false;
  }
  return true;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — array of
// [next cursor, [keys]]. O(1) per call, O(N) per full iteration. A key
// present from start to end of an iteration is returned at least once,
// however the table grows or shrinks between calls (ds/dict.ts dictScan).
function cmdScan(): void {
  if (!cursorOrReply(1)) return;
  let count: i64 = 10;
  let patArg = -1;
  let typeArg = -1;
  for (let i = 2; i < curArgc; i += 2) {
    const more = i + 1 < curArgc;
    if (argIs(i, "COUNT") && more) {
      if (!parseLongOrReply(i + 1)) return;
      if (argInt < 1) { replyError(E_SYNTAX); return; }
      count = argInt;
    } else if (argIs(i, "MATCH") && more) {
      patArg = i + 1;
    } else if (argIs(i, "TYPE") && more) {
      typeArg = i + 1;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  const usePattern = patArg >= 0 && !(argLen(patArg) == 1 && load<u8>(argPtr(patArg)) == 42);
  const db = curDb();

  // Visit buckets until COUNT keys are gathered, giving up after 10*COUNT
  // buckets so a sparse table cannot stall the server.
  const cursor = scanGather(db.dict, scanCursor, count * 10, count, 1);

  replyArray(2);
  replyBulkU64(cursor);
  const mark = outMark();
  let n: i64 = 0;
  for (let k: u32 = 0; k < scanLen; k++) {
    const e = scanAt(k);
    if (usePattern && !globMatch(argPtr(patArg), argLen(patArg), keyPtrOf(e), keyLenOf(e))) continue;
    // Written first, taken back if filtered: an expired key is freed below
    // and Redis still lists it for TYPE none (its type lookup deletes it
    // and names the missing key's type "none").
    const keyMark = outMark();
    replyBulk(keyPtrOf(e), keyLenOf(e));
    let keep = true;
    if (typeArg >= 0) {
      if (dbExpireIfNeeded(db, e)) {
        noteKeyspaceRead(false);
        if (!argIsLower(typeArg, "none")) outTruncate(keyMark); else n++;
        continue;
      }
      noteKeyspaceRead(true);
      keep = argIsLower(typeArg, typeName(e));
    }
    if (keep && dbExpireIfNeeded(db, e)) keep = false;
    if (keep) n++; else outTruncate(keyMark);
  }
  outInsertArrayHeader(mark, n);
  scanDone();
}

// RANDOMKEY — bulk string: a random key, or nil when the db is empty. O(1).
function cmdRandomkey(): void {
  const e = dbRandomKey(curDb());
  if (e == 0) { replyNull(); return; }
  replyBulk(keyPtrOf(e), keyLenOf(e));
}

export function register(): void {
  reg(CMD_DEL, cmdDel);
  reg(CMD_UNLINK, cmdUnlink);
  reg(CMD_EXISTS, cmdExists);
  reg(CMD_TOUCH, cmdTouch);
  reg(CMD_TYPE, cmdType);
  reg(CMD_OBJECT_ENCODING, cmdObjectEncoding);
  reg(CMD_OBJECT_REFCOUNT, cmdObjectRefcount);
  reg(CMD_OBJECT_IDLETIME, cmdObjectIdletime);
  reg(CMD_OBJECT_FREQ, cmdObjectFreq);
  reg(CMD_OBJECT_HELP, cmdObjectHelp);
  reg(CMD_EXPIRE, cmdExpire);
  reg(CMD_PEXPIRE, cmdPexpire);
  reg(CMD_EXPIREAT, cmdExpireat);
  reg(CMD_PEXPIREAT, cmdPexpireat);
  reg(CMD_TTL, cmdTtl);
  reg(CMD_PTTL, cmdPttl);
  reg(CMD_EXPIRETIME, cmdExpiretime);
  reg(CMD_PEXPIRETIME, cmdPexpiretime);
  reg(CMD_PERSIST, cmdPersist);
  reg(CMD_RENAME, cmdRename);
  reg(CMD_RENAMENX, cmdRenamenx);
  reg(CMD_MOVE, cmdMove);
  reg(CMD_COPY, cmdCopy);
  reg(CMD_KEYS, cmdKeys);
  reg(CMD_SCAN, cmdScan);
  reg(CMD_RANDOMKEY, cmdRandomkey);
}
