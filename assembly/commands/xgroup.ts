// Stream consumer groups: XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM
// and XINFO.
//
// Groups, consumers and pending entries live in db/cgroup.ts (hung off the
// stream header). The handlers follow t_stream.c of Redis 7.0 in the order
// they check things (syntax, then the key, then the group), their replies,
// their keyspace events (xgroup-create, xgroup-createconsumer,
// xgroup-delconsumer, xgroup-destroy, xgroup-setid: XREADGROUP, XACK, XCLAIM
// and XAUTOCLAIM report none but the consumer creation) and their
// propagation: XREADGROUP, XCLAIM and XAUTOCLAIM never propagate as
// themselves but as the idempotent XCLAIM ... FORCE JUSTID LASTID of each
// entry whose ownership they changed; XGROUP SETID ... ENTRIESREAD carries
// the group's position when no XCLAIM does (NOACK reads, XCLAIM's LASTID
// alone), and XGROUP CREATECONSUMER a consumer a NOACK read created: the
// incr file redis-server 7.0.15 writes, op for op (test/tcp/xgroup-aof).

import { register as reg } from "./dispatch";
import {
  CMD_XGROUP_CREATE, CMD_XGROUP_CREATECONSUMER, CMD_XGROUP_DELCONSUMER, CMD_XGROUP_DESTROY,
  CMD_XGROUP_SETID, CMD_XGROUP_HELP, CMD_XREADGROUP, CMD_XACK, CMD_XPENDING, CMD_XCLAIM, CMD_XAUTOCLAIM,
  CMD_XINFO_STREAM, CMD_XINFO_GROUPS, CMD_XINFO_CONSUMERS, CMD_XINFO_HELP,
} from "./table.gen";
import { blockForKeys, setBlockRewrite, blockRequested } from "./blocking";
import { curDb, argIs } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyOk, replyBulk, replyBulkAscii, replyBulkI64, replyError, replyErrorBytes, replyInt, replyArray, replyMap,
  replyNull, replyNullArray, replySimple, proto, formatU64, outMark, outInsertArrayHeader,
  outInsertMapHeader, outBufferPtr,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_INTEGER, E_NO_SUCH_KEY,
  E_XGROUP_NO_KEY, E_BUSYGROUP, E_ENTRIESREAD_NEG, E_XREADGROUP_DOLLAR,
  E_XREADGROUP_NO_GROUP, E_XCLAIM_MINIDLE, E_XCLAIM_IDLE, E_XCLAIM_TIME, E_XCLAIM_RETRYCOUNT,
  E_XAUTOCLAIM_MINIDLE, E_XAUTOCLAIM_COUNT, E_XAUTOCLAIM_MEMORY, E_XREADGROUP_KEY_GONE, E_XREADGROUP_GROUP_GONE,
} from "../resp/errors";
import { Db, addDirty, dbLookup, dbLookupRead, nowMs } from "../db/db";
import { signalKeyAsReady } from "../db/ready";
import { notifyKeyspaceEvent, NOTIFY_STREAM } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import { typeOf, objPtrOf, TYPE_STREAM } from "../db/entry";
import { opBegin, opArg, opArgAscii, opArgInt, opEnd, propReplace, propEnabled } from "../db/propagate";
import {
  streamCreate, streamLength, nodeCount, nodeLp, nodeSeek, firstEntryOff, entryRead, entrySeek, idCompare, streamLastLiveId,
  entMs, entSeq, entFlags, FLAG_DELETED, S_LAST_MS, S_LAST_SEQ, S_FIRST_MS, S_FIRST_SEQ, S_MAXDEL_MS,
  S_MAXDEL_SEQ, S_ADDED, S_CGROUPS, U64_MAX, nodeMasterMs, nodeMasterSeq,
} from "../db/streamval";
import {
  groupLookup, groupCreate, groupDestroy, created, groupPel, groupConsumers, groupNamePtr, groupNameLen,
  consumerLookup, consumerCreate, consumerDelete, consumerPel, consumerNamePtr, consumerNameLen, arrCount, arrAt,
  nackFind, nackCreate, nackSetOwner, nackDelete, nackTime, nackCount, nackOwner, setNackTime, setNackCount,
  G_LAST_MS, G_LAST_SEQ, G_ENTRIES_READ, C_SEEN, ENTRIES_READ_INVALID,
} from "../db/cgroup";
import { idlFirst, idlNext, idlSeek, idlLast, idlLength, idlMs, idlSeq, idlData } from "../ds/idlist";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";
import {
  parseIdOrReply, parseIdBytes, parseIntervalOrReply, idMs, idSeq, replyId, replyEntry, roomForEntry, replyRange, setIdQuiet,
  parseXreadOptions, xrCount, xrBlocking, xrNoack, xrWoken, xrStreamsArg, xrStreams, xrGroupArg,
} from "./stream";

const DOLLAR: u8 = 36;
const GT: u8 = 62;
const MINUS: u8 = 45;
const NUL: u8 = 0;

// Redis's XREAD_BLOCKED_DEFAULT_COUNT: a woken XREADGROUP without COUNT.
const BLOCKED_DEFAULT_COUNT: i64 = 1000;
// XAUTOCLAIM scans at most COUNT * this many PEL entries per call.
const ATTEMPTS_FACTOR: i64 = 10;
const LONG_MAX: i64 = 9223372036854775807;
const TRANSIENT_COUNT_MAX: i64 = (<i64>1 << 36) / 16;

// ---- small helpers -------------------------------------------------------------------

/** The key found by the last lookup (0: missing). */
let found: usize = 0;

function lookupOrReply(db: Db, i: i32, write: bool): bool {
  found = write ? dbLookup(db, argPtr(i), argLen(i)) : dbLookupRead(db, argPtr(i), argLen(i));
  if (found != 0 && typeOf(found) != TYPE_STREAM) {
    replyError(E_WRONGTYPE);
    return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function groupsOf(s: usize): usize { return <usize>load<u32>(s, S_CGROUPS); }

/** The group named by argument `i` in stream `s`, or 0. */
function groupAt(s: usize, i: i32): usize { return groupLookup(groupsOf(s), argPtr(i), argLen(i)); }

// Error texts that quote arguments, built here (Redis formats them with %s,
// which stops at a NUL byte).
let eBuf: usize = 0;
let eCap: usize = 0;
let eLen: usize = 0;

function eRoom(n: usize): void {
  if (eLen + n <= eCap) return;
  let cap = eCap == 0 ? <usize>256 : eCap;
  while (cap < eLen + n) cap <<= 1;
  eBuf = eBuf == 0 ? heap.alloc(cap) : heap.realloc(eBuf, cap);
  eCap = cap;
}

function eAscii(s: string): void {
  eRoom(<usize>s.length);
  for (let i = 0; i < s.length; i++) store<u8>(eBuf + eLen + <usize>i, <u8>s.charCodeAt(i));
  eLen += <usize>s.length;
}

function eBytes(ptr: usize, len: usize, max: usize = 0xffffffff): void {
  let n: usize = 0;
  while (n < len && n < max && load<u8>(ptr + n) != NUL) n++;
  eRoom(n);
  memory.copy(eBuf + eLen, ptr, n);
  eLen += n;
}

function eArg(i: i32): void { eBytes(argPtr(i), argLen(i)); }

function eSend(): void {
  replyErrorBytes(eBuf, eLen);
  eLen = 0;
}

/** "NOGROUP No such consumer group '<g>' for key name '<k>'". */
function replyNoGroupForKey(groupArg: i32, keyArg: i32): void {
  eAscii("NOGROUP No such consumer group '");
  eArg(groupArg);
  eAscii("' for key name '");
  eArg(keyArg);
  eAscii("'");
  eSend();
}

/** "NOGROUP No such key '<k>' or consumer group '<g>'" (+ the XREADGROUP tail). */
function replyNoKeyOrGroup(keyArg: i32, groupArg: i32, readgroup: bool): void {
  eAscii("NOGROUP No such key '");
  eArg(keyArg);
  eAscii("' or consumer group '");
  eArg(groupArg);
  eAscii(readgroup ? "' in XREADGROUP with GROUP option" : "'");
  eSend();
}

/** "ERR <command as typed> command is not allowed with BLOCK option from scripts". */
export function replyBlockInScript(): void {
  eAscii("ERR ");
  eArg(0);
  eAscii(" command is not allowed with BLOCK option from scripts");
  eSend();
}

/** Redis's addReplySubcommandSyntaxError. */
function replySubcommandSyntax(container: string): void {
  eAscii("ERR unknown subcommand or wrong number of arguments for '");
  eBytes(argPtr(1), argLen(1), 128);
  eAscii("'. Try ");
  eAscii(container);
  eAscii(" HELP.");
  eSend();
}

// "ms-seq" of an ID, for propagated arguments.
const ID_TEXT = memory.data(48);
function idText(ms: u64, seq: u64): usize {
  let n = formatU64(ID_TEXT, ms);
  store<u8>(ID_TEXT + n, MINUS);
  n++;
  return n + formatU64(ID_TEXT + n, seq);
}

// ---- Redis 7.0's lag bookkeeping -------------------------------------------------------

/** streamRangeHasTombstones(s, start, NULL): a deleted entry at or past `start`. */
function rangeHasTombstones(s: usize, ms: u64, seq: u64): bool {
  const dMs = load<u64>(s, S_MAXDEL_MS);
  const dSeq = load<u64>(s, S_MAXDEL_SEQ);
  if (streamLength(s) == 0 || (dMs == 0 && dSeq == 0)) return false;
  if (idCompare(load<u64>(s, S_FIRST_MS), load<u64>(s, S_FIRST_SEQ), dMs, dSeq) > 0) return false;
  return idCompare(ms, seq, dMs, dSeq) <= 0;
}

/**
 * streamEstimateDistanceFromFirstEverEntry: the entries-read counter an ID
 * stands for, when it can be known without walking (-1 when not).
 */
function estimateDistance(s: usize, ms: u64, seq: u64): i64 {
  const added = <i64>load<u64>(s, S_ADDED);
  if (added == 0) return 0;
  const lastMs = load<u64>(s, S_LAST_MS);
  const lastSeq = load<u64>(s, S_LAST_SEQ);
  const len = <i64>streamLength(s);
  if (len == 0 && idCompare(ms, seq, lastMs, lastSeq) < 1) return added;
  const cmpLast = idCompare(ms, seq, lastMs, lastSeq);
  if (cmpLast == 0) return added;
  if (cmpLast > 0) return ENTRIES_READ_INVALID;
  const fMs = load<u64>(s, S_FIRST_MS);
  const fSeq = load<u64>(s, S_FIRST_SEQ);
  const dMs = load<u64>(s, S_MAXDEL_MS);
  const dSeq = load<u64>(s, S_MAXDEL_SEQ);
  const cmpFirst = idCompare(ms, seq, fMs, fSeq);
  if ((dMs == 0 && dSeq == 0) || idCompare(dMs, dSeq, fMs, fSeq) < 0) {
    if (cmpFirst < 0) return added - len;
    if (cmpFirst == 0) return added - len + 1;
  }
  return ENTRIES_READ_INVALID;
}

/** streamReplyWithCGLag: entries not yet delivered to the group, or null when unknown. */
function replyLag(s: usize, g: usize): void {
  const added = <i64>load<u64>(s, S_ADDED);
  const er = load<i64>(g, G_ENTRIES_READ);
  if (added == 0) { replyInt(0); return; }
  if (er != ENTRIES_READ_INVALID && !rangeHasTombstones(s, load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ))) {
    replyInt(added - er);
    return;
  }
  const est = estimateDistance(s, load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ));
  if (est != ENTRIES_READ_INVALID) replyInt(added - est); else replyNull();
}

function replyEntriesRead(g: usize): void {
  const er = load<i64>(g, G_ENTRIES_READ);
  if (er != ENTRIES_READ_INVALID) replyInt(er); else replyNull();
}

/** Whether the stream holds a live entry with this ID. */
function entryExists(s: usize, ms: u64, seq: u64): bool {
  const i = nodeSeek(s, ms, seq);
  if (i < 0) return false;
  const lp = nodeLp(s, i);
  let off = firstEntryOff(lp);
  while (off != 0) {
    off = entryRead(s, i, lp, off);
    const c = idCompare(entMs, entSeq, ms, seq);
    if (c > 0) return false;
    if (c == 0) return (entFlags & FLAG_DELETED) == 0;
  }
  return false;
}

/** Replies the entry [id, [field, value ...]] if it exists (true), else writes nothing. */
function replyEntryById(s: usize, ms: u64, seq: u64): bool {
  return replyRange(s, ms, seq, ms, seq, 1, false) > 0;
}

// ---- propagation ------------------------------------------------------------------------

/** XCLAIM key group owner 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID group-last-id. */
function propagateXclaim(db: i32, keyArg: i32, groupArg: i32, g: usize, n: usize): void {
  // Without a consumer of the stream, skip formatting the IDs (opBegin would drop the op anyway).
  if (!propEnabled) return;
  const owner = nackOwner(n);
  opBegin(db, 14);
  opArgAscii("XCLAIM");
  opArg(argPtr(keyArg), argLen(keyArg));
  opArg(argPtr(groupArg), argLen(groupArg));
  if (owner != 0) opArg(consumerNamePtr(owner), consumerNameLen(owner)); else opArgAscii("");
  opArgAscii("0");
  opArg(ID_TEXT, idText(idlMs(n), idlSeq(n)));
  opArgAscii("TIME");
  opArgInt(nackTime(n));
  opArgAscii("RETRYCOUNT");
  opArgInt(<i64>nackCount(n));
  opArgAscii("FORCE");
  opArgAscii("JUSTID");
  opArgAscii("LASTID");
  opArg(ID_TEXT, idText(load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)));
  opEnd();
}

/** XGROUP SETID key group last-id ENTRIESREAD n. */
function propagateGroupId(db: i32, keyArg: i32, groupArg: i32, g: usize): void {
  if (!propEnabled) return;
  opBegin(db, 7);
  opArgAscii("XGROUP");
  opArgAscii("SETID");
  opArg(argPtr(keyArg), argLen(keyArg));
  opArg(argPtr(groupArg), argLen(groupArg));
  opArg(ID_TEXT, idText(load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)));
  opArgAscii("ENTRIESREAD");
  opArgInt(load<i64>(g, G_ENTRIES_READ));
  opEnd();
}

/** XGROUP CREATECONSUMER key group consumer. */
function propagateConsumerCreation(db: i32, keyArg: i32, groupArg: i32, consumerArg: i32): void {
  opBegin(db, 5);
  opArgAscii("XGROUP");
  opArgAscii("CREATECONSUMER");
  opArg(argPtr(keyArg), argLen(keyArg));
  opArg(argPtr(groupArg), argLen(groupArg));
  opArg(argPtr(consumerArg), argLen(consumerArg));
  opEnd();
}

/**
 * Redis's streamLookupConsumer(SLC_DEFAULT) or streamCreateConsumer: the
 * consumer named by argument `i`, its seen-time refreshed; a new one is
 * announced (xgroup-createconsumer). Redis 7.0 propagates the creation
 * only for XREADGROUP NOACK (`propagate`): otherwise the XCLAIMs that
 * follow create the consumer on replay.
 */
function consumerFor(db: Db, g: usize, i: i32, keyArg: i32, groupArg: i32, propagate: bool): usize {
  let c = consumerLookup(g, argPtr(i), argLen(i));
  if (c != 0) {
    store<i64>(c, nowMs, C_SEEN);
    return c;
  }
  c = consumerCreate(g, argPtr(i), argLen(i), nowMs);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", argPtr(keyArg), argLen(keyArg), db.index);
  addDirty(1);
  if (propagate) propagateConsumerCreation(db.index, keyArg, groupArg, i);
  return c;
}

// ---- XGROUP -----------------------------------------------------------------------------

const XGROUP_HELP: string[] = [
  "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
  "HELP",
  "    Prints this help.",
];

const XINFO_HELP: string[] = [
  "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
  "HELP",
  "    Prints this help.",
];

function replyHelp(lines: string[]): void {
  replyArray(lines.length);
  for (let i = 0; i < lines.length; i++) replySimple(lines[i]);
}

// XGROUP HELP — array of help lines.
function cmdXgroupHelp(): void {
  if (curArgc != 2) { replySubcommandSyntax("XGROUP"); return; }
  replyHelp(XGROUP_HELP);
}

/** ENTRIESREAD's value at argument `i` into `parsedEntriesRead`; replies the error itself. */
let parsedEntriesRead: i64 = ENTRIES_READ_INVALID;
function parseEntriesReadOrReply(i: i32): bool {
  if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) { replyError(E_NOT_INTEGER); return false; }
  if (parsedI64 < 0 && parsedI64 != ENTRIES_READ_INVALID) { replyError(E_ENTRIESREAD_NEG); return false; }
  parsedEntriesRead = parsedI64;
  return true;
}

/** The XGROUP key (argument 2) after the option parse: false when an error was replied. */
function xgroupKeyOrReply(db: Db, mkstream: bool): bool {
  if (!lookupOrReply(db, 2, true)) return false;
  if (found == 0 && !mkstream) { replyError(E_XGROUP_NO_KEY); return false; }
  return true;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read] — OK, or BUSYGROUP.
// O(1) (plus the group name's insertion among the groups).
function cmdXgroupCreate(): void {
  let mkstream = false;
  parsedEntriesRead = ENTRIES_READ_INVALID;
  let i = 5;
  while (i < curArgc) {
    if (argIs(i, "MKSTREAM")) {
      mkstream = true;
      i++;
    } else if (argIs(i, "ENTRIESREAD") && i + 1 < curArgc) {
      if (!parseEntriesReadOrReply(i + 1)) return;
      i += 2;
    } else {
      replySubcommandSyntax("XGROUP");
      return;
    }
  }
  const db = curDb();
  if (!xgroupKeyOrReply(db, mkstream)) return;
  if (curArgc > 8) { replySubcommandSyntax("XGROUP"); return; }
  let ms: u64 = 0;
  let seq: u64 = 0;
  if (argLen(4) == 1 && load<u8>(argPtr(4)) == DOLLAR) {
    if (found != 0) {
      ms = load<u64>(objPtrOf(found), S_LAST_MS);
      seq = load<u64>(objPtrOf(found), S_LAST_SEQ);
    }
  } else {
    if (!parseIdOrReply(4, true, 0, false)) return;
    ms = idMs;
    seq = idSeq;
  }
  // Only a stream MKSTREAM creates touches WATCH: Redis's group commands
  // never signal the key as modified.
  if (found == 0) {
    found = streamCreate(db, argPtr(2), argLen(2));
    signalModifiedKey(db.index, argPtr(2), argLen(2));
  }
  const s = objPtrOf(found);
  const a = groupCreate(groupsOf(s), argPtr(3), argLen(3), ms, seq, parsedEntriesRead);
  store<u32>(s, <u32>a, S_CGROUPS);
  if (created == 0) { replyError(E_BUSYGROUP); return; }
  replyOk();
  addDirty(1);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-create", argPtr(2), argLen(2), db.index);
}

/** The group of XGROUP SETID/CREATECONSUMER/DELCONSUMER, or 0 with the error replied. */
function xgroupGroupOrReply(db: Db): usize {
  if (!xgroupKeyOrReply(db, false)) return 0;
  const g = groupAt(objPtrOf(found), 3);
  if (g == 0) replyNoGroupForKey(3, 2);
  return g;
}

// XGROUP SETID key group id|$ [ENTRIESREAD entries-read] — OK. O(1).
function cmdXgroupSetid(): void {
  parsedEntriesRead = ENTRIES_READ_INVALID;
  if (curArgc == 7) {
    if (!argIs(5, "ENTRIESREAD")) { replySubcommandSyntax("XGROUP"); return; }
    if (!parseEntriesReadOrReply(6)) return;
  } else if (curArgc != 5) {
    replySubcommandSyntax("XGROUP");
    return;
  }
  const db = curDb();
  const g = xgroupGroupOrReply(db);
  if (g == 0) return;
  const s = objPtrOf(found);
  let ms: u64;
  let seq: u64;
  if (argLen(4) == 1 && load<u8>(argPtr(4)) == DOLLAR) {
    ms = load<u64>(s, S_LAST_MS);
    seq = load<u64>(s, S_LAST_SEQ);
  } else {
    if (!parseIdOrReply(4, false, 0, false)) return;
    ms = idMs;
    seq = idSeq;
  }
  store<u64>(g, ms, G_LAST_MS);
  store<u64>(g, seq, G_LAST_SEQ);
  store<i64>(g, parsedEntriesRead, G_ENTRIES_READ);
  replyOk();
  addDirty(1);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-setid", argPtr(2), argLen(2), db.index);
}

// XGROUP DESTROY key group — integer: 1 destroyed, 0 no such group. O(N) in the
// group's pending entries and consumers.
function cmdXgroupDestroy(): void {
  const db = curDb();
  if (!xgroupKeyOrReply(db, false)) return;
  if (curArgc != 4) { replySubcommandSyntax("XGROUP"); return; }
  const s = objPtrOf(found);
  if (!groupDestroy(groupsOf(s), argPtr(3), argLen(3))) { replyInt(0); return; }
  replyInt(1);
  addDirty(1);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-destroy", argPtr(2), argLen(2), db.index);
  // XREADGROUP clients waiting on the group get their NOGROUP error.
  signalKeyAsReady(db.index, argPtr(2), argLen(2));
}

// XGROUP CREATECONSUMER key group consumer — integer: 1 created, 0 existed. O(1).
function cmdXgroupCreateconsumer(): void {
  const db = curDb();
  const g = xgroupGroupOrReply(db);
  if (g == 0) return;
  if (consumerLookup(g, argPtr(4), argLen(4)) != 0) { replyInt(0); return; }
  consumerCreate(g, argPtr(4), argLen(4), nowMs);
  replyInt(1);
  addDirty(1);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", argPtr(2), argLen(2), db.index);
}

// XGROUP DELCONSUMER key group consumer — integer: the consumer's pending entries
// (dropped with it). O(N) in those entries.
function cmdXgroupDelconsumer(): void {
  const db = curDb();
  const g = xgroupGroupOrReply(db);
  if (g == 0) return;
  const c = consumerLookup(g, argPtr(4), argLen(4));
  if (c == 0) { replyInt(0); return; }
  replyInt(consumerDelete(g, c));
  addDirty(1);
  notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-delconsumer", argPtr(2), argLen(2), db.index);
}

// ---- XREADGROUP ---------------------------------------------------------------------

// A blocked XREADGROUP is re-run with this argument inserted after the
// command name: the re-run then knows it was woken (Redis answers a woken
// client whose key or group went away with its own errors, and serves it
// at most 1000 entries when it gave no COUNT).
const WOKEN_MARK = "\x00woken";

export function argIsWokenMark(i: i32): bool {
  if (argLen(i) != <usize>WOKEN_MARK.length) return false;
  const p = argPtr(i);
  for (let k = 0; k < WOKEN_MARK.length; k++) {
    if (<i32>load<u8>(p + <usize>k) != WOKEN_MARK.charCodeAt(k)) return false;
  }
  return true;
}

let rewriteBuf: usize = 0;
let rewriteCap: usize = 0;

/** The current command as RESP with the woken mark after its name. */
function buildWokenRewrite(): void {
  let size: usize = 64;
  for (let i = 0; i < curArgc; i++) size += argLen(i) + 24;
  if (size > rewriteCap) {
    rewriteCap = size;
    rewriteBuf = rewriteBuf == 0 ? heap.alloc(size) : heap.realloc(rewriteBuf, size);
  }
  let o: usize = 0;
  store<u8>(rewriteBuf + o++, 42);
  o += formatU64(rewriteBuf + o, <u64>(curArgc + 1));
  store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
  for (let i = -1; i < curArgc; i++) {
    const j = i < 0 ? 0 : i;
    const mark = i == 0;
    const n: usize = mark ? <usize>WOKEN_MARK.length : argLen(j);
    store<u8>(rewriteBuf + o++, 36);
    o += formatU64(rewriteBuf + o, <u64>n);
    store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
    if (mark) {
      for (let k = 0; k < WOKEN_MARK.length; k++) store<u8>(rewriteBuf + o + <usize>k, <u8>WOKEN_MARK.charCodeAt(k));
    } else {
      memory.copy(rewriteBuf + o, argPtr(j), n);
    }
    o += n;
    store<u16>(rewriteBuf + o, 0x0a0d); o += 2;
  }
  setBlockRewrite(rewriteBuf, <u32>o);
}

// Per stream: the ID to read after; U64_MAX-U64_MAX stands for `>`.
let readIds: usize = 0;
let readIdsCap: i32 = 0;

/**
 * Delivers the entries after (ms, seq) to the consumer (Redis's
 * streamReplyWithRange with a group): each entry moves the group's
 * last-delivered ID and entries-read; without NOACK it joins the PEL (taken
 * from another consumer if the group's ID was set back) and propagates as
 * XCLAIM. Returns how many.
 */
function deliverNew(db: Db, s: usize, g: usize, c: usize, ms: u64, seq: u64, count: i64, noack: bool,
  keyArg: i32, groupArg: i32): i64 {
  let emitted: i64 = 0;
  const nodes = <i32>nodeCount(s);
  let i = nodeSeek(s, ms, seq);
  let seek = i >= 0;
  if (i < 0) i = 0;
  for (; i < nodes; i++) {
    const lp = nodeLp(s, i);
    let off = seek ? entrySeek(s, i, lp, ms, seq) : firstEntryOff(lp);
    seek = false;
    while (off != 0) {
      off = entryRead(s, i, lp, off);
      if ((entFlags & FLAG_DELETED) != 0) continue;
      if (idCompare(entMs, entSeq, ms, seq) < 0) continue;
      if (!roomForEntry(lp)) return emitted;
      const eMs = entMs;
      const eSeq = entSeq;
      if (idCompare(eMs, eSeq, load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)) > 0) {
        const er = load<i64>(g, G_ENTRIES_READ);
        if (er != ENTRIES_READ_INVALID && !rangeHasTombstones(s, eMs, eSeq)) {
          store<i64>(g, er + 1, G_ENTRIES_READ);
        } else if (load<u64>(s, S_ADDED) != 0) {
          store<i64>(g, estimateDistance(s, eMs, eSeq), G_ENTRIES_READ);
        }
        store<u64>(g, eMs, G_LAST_MS);
        store<u64>(g, eSeq, G_LAST_SEQ);
      }
      replyEntry(lp);
      if (!noack) {
        let n = nackFind(g, eMs, eSeq);
        if (n == 0) {
          n = nackCreate(g, eMs, eSeq, nowMs, 1);
        } else {
          setNackTime(n, nowMs);
          setNackCount(n, 1);
        }
        nackSetOwner(n, c);
        propagateXclaim(db.index, keyArg, groupArg, g, n);
      }
      emitted++;
      if (count > 0 && emitted == count) return emitted;
    }
  }
  return emitted;
}

/**
 * The consumer's own pending entries from (ms, seq) (Redis's
 * streamReplyWithRangeFromConsumerPEL): each served again counts a
 * delivery; one whose entry was deleted is [id, null].
 */
function deliverHistory(s: usize, c: usize, ms: u64, seq: u64, count: i64): i64 {
  const pel = consumerPel(c);
  let x = idlSeek(pel, ms, seq);
  let emitted: i64 = 0;
  while (x != 0 && (count == 0 || emitted < count)) {
    const n = <usize>load<u32>(idlData(x));
    if (replyEntryById(s, idlMs(x), idlSeq(x))) {
      setNackTime(n, nowMs);
      setNackCount(n, nackCount(n) + 1);
    } else {
      replyArray(2);
      replyId(idlMs(x), idlSeq(x));
      replyNullArray();
    }
    emitted++;
    x = idlNext(pel, x);
  }
  return emitted;
}

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key
// [key ...] id [id ...] — per stream served [key, entries] (a map in RESP3), or null.
// O(log n + returned) per stream (plus O(log p) per entry for the PEL).
function cmdXreadgroup(): void {
  if (!parseXreadOptions(true)) return;
  let count = xrCount;
  const blocking = xrBlocking;
  const noack = xrNoack;
  const woken = xrWoken;
  const streamsArg = xrStreamsArg;
  const n = xrStreams;
  const groupArg = xrGroupArg;
  if (groupArg == 0) { replyError(E_XREADGROUP_NO_GROUP); return; }
  const consumerArg = groupArg + 1;
  if (woken && count == 0) count = BLOCKED_DEFAULT_COUNT;
  if (n > readIdsCap) {
    readIdsCap = n;
    readIds = readIds == 0 ? heap.alloc(<usize>n * 16) : heap.realloc(readIds, <usize>n * 16);
  }
  const db = curDb();
  for (let k = 0; k < n; k++) {
    const keyArg = streamsArg + k;
    const idArg = streamsArg + n + k;
    found = dbLookupRead(db, argPtr(keyArg), argLen(keyArg));
    if (woken && (found == 0 || typeOf(found) != TYPE_STREAM)) { replyError(E_XREADGROUP_KEY_GONE); return; }
    if (found != 0 && typeOf(found) != TYPE_STREAM) { replyError(E_WRONGTYPE); return; }
    if (found == 0 || groupAt(objPtrOf(found), groupArg) == 0) {
      if (woken) replyError(E_XREADGROUP_GROUP_GONE);
      else replyNoKeyOrGroup(keyArg, groupArg, true);
      return;
    }
    const r = readIds + <usize>k * 16;
    const p = argPtr(idArg);
    if (argLen(idArg) == 1 && load<u8>(p) == DOLLAR) { replyError(E_XREADGROUP_DOLLAR); return; }
    if (argLen(idArg) == 1 && load<u8>(p) == GT) {
      store<u64>(r, U64_MAX);
      store<u64>(r, U64_MAX, 8);
      continue;
    }
    if (!parseIdOrReply(idArg, true, 0, false)) return;
    store<u64>(r, idMs);
    store<u64>(r, idSeq, 8);
  }
  // Whatever it serves propagates as XCLAIM / XGROUP SETID, never as itself.
  propReplace();
  let served: i64 = 0;
  let mark: usize = 0;
  for (let k = 0; k < n; k++) {
    const keyArg = streamsArg + k;
    const e = dbLookupRead(db, argPtr(keyArg), argLen(keyArg));
    const s = objPtrOf(e);
    const g = groupAt(s, groupArg);
    const r = readIds + <usize>k * 16;
    let ms = load<u64>(r);
    let seq = load<u64>(r, 8);
    const history = ms != U64_MAX || seq != U64_MAX;
    if (!history) {
      if (streamLength(s) == 0) continue;
      // The last generated ID bounds the last live one: most idle polls stop here
      // without walking the last node.
      if (idCompare(load<u64>(s, S_LAST_MS), load<u64>(s, S_LAST_SEQ), load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)) <= 0) continue;
      streamLastLiveId(s);
      if (idCompare(entMs, entSeq, load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)) <= 0) continue;
      ms = load<u64>(g, G_LAST_MS);
      seq = load<u64>(g, G_LAST_SEQ);
    }
    if (served == 0) mark = outMark();
    served++;
    if (seq == U64_MAX) { ms++; seq = 0; } else seq++;
    if (proto == 2) replyArray(2);
    replyBulk(argPtr(keyArg), argLen(keyArg));
    const c = consumerFor(db, g, consumerArg, keyArg, groupArg, noack);
    const m = outMark();
    let got: i64;
    if (history) {
      got = deliverHistory(s, c, ms, seq, count);
    } else {
      got = deliverNew(db, s, g, c, ms, seq, count, noack, keyArg, groupArg);
      // Without NOACK the XCLAIMs carry the group's last ID (LASTID).
      if (got > 0 && noack) propagateGroupId(db.index, keyArg, groupArg, g);
    }
    outInsertArrayHeader(m, got);
    addDirty(1);
  }
  if (served > 0) {
    if (proto == 2) outInsertArrayHeader(mark, served);
    else outInsertMapHeader(mark, served);
    return;
  }
  if (blocking) {
    // The host finds the keys in the rewritten arguments, one further on.
    if (!woken) buildWokenRewrite();
    if (blockForKeys(woken ? streamsArg : streamsArg + 1, n)) replyNullArray();
    if (!blockRequested) setBlockRewrite(0, 0);
    return;
  }
  replyNullArray();
}

// ---- XACK ------------------------------------------------------------------------------

// XACK key group id [id ...] — integer: entries acknowledged. O(log n) per ID.
function cmdXack(): void {
  const db = curDb();
  if (!lookupOrReply(db, 1, false)) return;
  const g: usize = found == 0 ? <usize>0 : groupAt(objPtrOf(found), 2);
  if (g == 0) { replyInt(0); return; }
  // Every ID is checked before any is acknowledged: all or nothing.
  for (let i = 3; i < curArgc; i++) {
    if (!parseIdOrReply(i, true, 0, false)) return;
  }
  let acked: i64 = 0;
  for (let i = 3; i < curArgc; i++) {
    parseIdBytes(argPtr(i), argLen(i), true, 0, false);
    const nack = nackFind(g, idMs, idSeq);
    if (nack == 0) continue;
    nackDelete(g, nack);
    acked++;
  }
  if (acked > 0) addDirty(<u64>acked);
  replyInt(acked);
}

// ---- XPENDING -----------------------------------------------------------------------

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]] — the summary
// [count, first id, last id, [[consumer, count] ...]] or the entries
// [[id, consumer, idle ms, deliveries] ...]. O(log p + returned) (the summary O(consumers)).
function cmdXpending(): void {
  const justInfo = curArgc == 3;
  if (curArgc != 3 && (curArgc < 6 || curArgc > 9)) { replyError(E_SYNTAX); return; }
  let minIdle: i64 = 0;
  let count: i64 = 0;
  let sMs: u64 = 0, sSeq: u64 = 0, eMs: u64 = 0, eSeq: u64 = 0;
  let consumerArg = 0;
  if (curArgc >= 6) {
    let start = 3;
    if (argIs(3, "IDLE")) {
      if (parseI64Strict(argPtr(4), argLen(4)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
      minIdle = parsedI64;
      if (curArgc < 8) { replyError(E_SYNTAX); return; }
      start += 2;
    }
    if (parseI64Strict(argPtr(start + 2), argLen(start + 2)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
    count = parsedI64 < 0 ? 0 : parsedI64;
    if (!parseIntervalOrReply(start, 0, true)) return;
    sMs = idMs; sSeq = idSeq;
    if (!parseIntervalOrReply(start + 1, U64_MAX, false)) return;
    eMs = idMs; eSeq = idSeq;
    if (start + 3 < curArgc) consumerArg = start + 3;
  }
  const db = curDb();
  if (!lookupOrReply(db, 1, false)) return;
  const g: usize = found == 0 ? <usize>0 : groupAt(objPtrOf(found), 2);
  if (g == 0) { replyNoKeyOrGroup(1, 2, false); return; }
  const gpel = groupPel(g);
  if (justInfo) {
    replyArray(4);
    replyInt(<i64>idlLength(gpel));
    if (idlLength(gpel) == 0) {
      replyNull();
      replyNull();
      replyNullArray();
      return;
    }
    const first = idlFirst(gpel);
    replyId(idlMs(first), idlSeq(first));
    const last = idlLast(gpel);
    replyId(idlMs(last), idlSeq(last));
    const cons = groupConsumers(g);
    const m = outMark();
    let k: i64 = 0;
    const nc = arrCount(cons);
    for (let j: u32 = 0; j < nc; j++) {
      const c = arrAt(cons, j);
      const pending = idlLength(consumerPel(c));
      if (pending == 0) continue;
      replyArray(2);
      replyBulk(consumerNamePtr(c), consumerNameLen(c));
      replyBulkI64(<i64>pending);
      k++;
    }
    outInsertArrayHeader(m, k);
    return;
  }
  let c: usize = 0;
  if (consumerArg != 0) {
    c = consumerLookup(g, argPtr(consumerArg), argLen(consumerArg));
    if (c == 0) { replyArray(0); return; }
  }
  const pel = c != 0 ? consumerPel(c) : gpel;
  let x = idlSeek(pel, sMs, sSeq);
  const m = outMark();
  let k: i64 = 0;
  while (count > 0 && x != 0 && idCompare(idlMs(x), idlSeq(x), eMs, eSeq) <= 0) {
    const nack = c != 0 ? <usize>load<u32>(idlData(x)) : x;
    x = idlNext(pel, x);
    let idle = nowMs - nackTime(nack);
    if (minIdle != 0 && idle < minIdle) continue;
    k++;
    count--;
    replyArray(4);
    replyId(idlMs(nack), idlSeq(nack));
    const owner = nackOwner(nack);
    replyBulk(consumerNamePtr(owner), consumerNameLen(owner));
    if (idle < 0) idle = 0;
    replyInt(idle);
    replyInt(<i64>nackCount(nack));
  }
  outInsertArrayHeader(m, k);
}

// ---- XCLAIM -------------------------------------------------------------------------

/** Whether argument `i` parses as a strict stream ID (no reply). */
function isStrictId(i: i32): bool {
  setIdQuiet(true);
  const ok = parseIdBytes(argPtr(i), argLen(i), true, 0, false);
  setIdQuiet(false);
  return ok;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid] — array of the claimed entries
// (or IDs with JUSTID). O(log n) per ID.
function cmdXclaim(): void {
  const db = curDb();
  if (!lookupOrReply(db, 1, false)) return;
  const g: usize = found == 0 ? <usize>0 : groupAt(objPtrOf(found), 2);
  if (g == 0) { replyNoKeyOrGroup(1, 2, false); return; }
  const s = objPtrOf(found);
  if (parseI64Strict(argPtr(4), argLen(4)) != PARSE_OK) { replyError(E_XCLAIM_MINIDLE); return; }
  let minIdle = parsedI64;
  if (minIdle < 0) minIdle = 0;
  let j = 5;
  while (j < curArgc && isStrictId(j)) j++;
  const lastIdArg = j - 1;
  let retry: i64 = -1;
  let deliveryTime: i64 = -1;
  let force = false;
  let justId = false;
  let lastMs: u64 = 0;
  let lastSeq: u64 = 0;
  const now = nowMs;
  for (; j < curArgc; j++) {
    const more = curArgc - 1 - j;
    if (argIs(j, "FORCE")) {
      force = true;
    } else if (argIs(j, "JUSTID")) {
      justId = true;
    } else if (argIs(j, "IDLE") && more > 0) {
      j++;
      if (parseI64Strict(argPtr(j), argLen(j)) != PARSE_OK) { replyError(E_XCLAIM_IDLE); return; }
      deliveryTime = now - parsedI64;
    } else if (argIs(j, "TIME") && more > 0) {
      j++;
      if (parseI64Strict(argPtr(j), argLen(j)) != PARSE_OK) { replyError(E_XCLAIM_TIME); return; }
      deliveryTime = parsedI64;
    } else if (argIs(j, "RETRYCOUNT") && more > 0) {
      j++;
      if (parseI64Strict(argPtr(j), argLen(j)) != PARSE_OK) { replyError(E_XCLAIM_RETRYCOUNT); return; }
      retry = parsedI64;
    } else if (argIs(j, "LASTID") && more > 0) {
      j++;
      if (!parseIdOrReply(j, true, 0, false)) return;
      lastMs = idMs;
      lastSeq = idSeq;
    } else {
      eAscii("ERR Unrecognized XCLAIM option '");
      eArg(j);
      eAscii("'");
      eSend();
      return;
    }
  }
  propReplace();
  let propagateLastId = false;
  if (idCompare(lastMs, lastSeq, load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ)) > 0) {
    store<u64>(g, lastMs, G_LAST_MS);
    store<u64>(g, lastSeq, G_LAST_SEQ);
    propagateLastId = true;
  }
  // A bogus time (clients compute it from their own clock) becomes now.
  if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  let c: usize = 0;
  const m = outMark();
  let k: i64 = 0;
  for (let i = 5; i <= lastIdArg; i++) {
    parseIdBytes(argPtr(i), argLen(i), true, 0, false);
    const ms = idMs;
    const seq = idSeq;
    let nack = nackFind(g, ms, seq);
    if (!entryExists(s, ms, seq)) {
      // The entry is gone: its NACK goes too.
      if (nack != 0) {
        propagateXclaim(db.index, 1, 2, g, nack);
        propagateLastId = false;
        addDirty(1);
        nackDelete(g, nack);
      }
      continue;
    }
    if (force && nack == 0) nack = nackCreate(g, ms, seq, now, 1);
    if (nack == 0) continue;
    if (nackOwner(nack) != 0 && minIdle != 0 && now - nackTime(nack) < minIdle) continue;
    if (c == 0) c = consumerFor(db, g, 3, 1, 2, false);
    setNackTime(nack, deliveryTime);
    if (retry >= 0) setNackCount(nack, <u64>retry);
    else if (!justId) setNackCount(nack, nackCount(nack) + 1);
    nackSetOwner(nack, c);
    if (justId) replyId(ms, seq);
    else if (!replyEntryById(s, ms, seq)) replyNull();
    k++;
    propagateXclaim(db.index, 1, 2, g, nack);
    propagateLastId = false;
    addDirty(1);
  }
  if (propagateLastId) {
    propagateGroupId(db.index, 1, 2, g);
    addDirty(1);
  }
  outInsertArrayHeader(m, k);
}

// ---- XAUTOCLAIM ---------------------------------------------------------------------

// The IDs XAUTOCLAIM found deleted from the stream (its third reply element).
let deletedIds: usize = 0;
let deletedCap: i64 = 0;

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] — [next start,
// claimed entries (or IDs), deleted IDs]. O(log p + scanned), at most COUNT*10 scanned.
function cmdXautoclaim(): void {
  if (parseI64Strict(argPtr(4), argLen(4)) != PARSE_OK) { replyError(E_XAUTOCLAIM_MINIDLE); return; }
  let minIdle = parsedI64;
  if (minIdle < 0) minIdle = 0;
  if (!parseIntervalOrReply(5, 0, true)) return;
  const sMs = idMs;
  const sSeq = idSeq;
  let count: i64 = 100;
  let justId = false;
  let j = 6;
  while (j < curArgc) {
    const more = curArgc - 1 - j;
    if (argIs(j, "COUNT") && more > 0) {
      const maxCount = LONG_MAX / 16;
      if (parseI64Strict(argPtr(j + 1), argLen(j + 1)) != PARSE_OK || parsedI64 < 1 || parsedI64 > maxCount) {
        replyError(E_XAUTOCLAIM_COUNT);
        return;
      }
      count = parsedI64;
      j++;
    } else if (argIs(j, "JUSTID")) {
      justId = true;
    } else {
      replyError(E_SYNTAX);
      return;
    }
    j++;
  }
  const db = curDb();
  if (!lookupOrReply(db, 1, false)) return;
  const g: usize = found == 0 ? <usize>0 : groupAt(objPtrOf(found), 2);
  if (g == 0) { replyNoKeyOrGroup(1, 2, false); return; }
  const s = objPtrOf(found);
  // Redis allocates COUNT deleted-ID slots up front and refuses when it
  // cannot; we allocate as we go, and refuse past the same 64 GiB a
  // typical server cannot give.
  if (count > TRANSIENT_COUNT_MAX) { replyError(E_XAUTOCLAIM_MEMORY); return; }
  propReplace();
  let attempts = count * ATTEMPTS_FACTOR;
  const now = nowMs;
  const pel = groupPel(g);
  let c: usize = 0;
  let deleted: i64 = 0;
  replyArray(3);
  const endMark = outMark();
  const m = outMark();
  let k: i64 = 0;
  let x = idlSeek(pel, sMs, sSeq);
  while (attempts > 0 && count > 0 && x != 0) {
    attempts--;
    const next = idlNext(pel, x);
    const ms = idlMs(x);
    const seq = idlSeq(x);
    if (!entryExists(s, ms, seq)) {
      propagateXclaim(db.index, 1, 2, g, x);
      addDirty(1);
      nackDelete(g, x);
      if (deleted == deletedCap) {
        deletedCap = deletedCap == 0 ? 16 : deletedCap * 2;
        deletedIds = deletedIds == 0 ? heap.alloc(<usize>deletedCap * 16) : heap.realloc(deletedIds, <usize>deletedCap * 16);
      }
      store<u64>(deletedIds + <usize>deleted * 16, ms);
      store<u64>(deletedIds + <usize>deleted * 16, seq, 8);
      deleted++;
      count--;
      x = next;
      continue;
    }
    if (minIdle != 0 && now - nackTime(x) < minIdle) { x = next; continue; }
    if (c == 0) c = consumerFor(db, g, 3, 1, 2, false);
    setNackTime(x, now);
    if (!justId) setNackCount(x, nackCount(x) + 1);
    nackSetOwner(x, c);
    if (justId) replyId(ms, seq);
    else if (!replyEntryById(s, ms, seq)) replyNull();
    k++;
    count--;
    propagateXclaim(db.index, 1, 2, g, x);
    addDirty(1);
    x = next;
  }
  outInsertArrayHeader(m, k);
  // The cursor: the next PEL entry to look at, 0-0 when the scan reached the end.
  const endPtr = outMark();
  if (x != 0) replyId(idlMs(x), idlSeq(x)); else replyId(0, 0);
  moveToMark(endMark, endPtr);
  replyArray(deleted);
  for (let i: i64 = 0; i < deleted; i++) {
    replyId(load<u64>(deletedIds + <usize>i * 16), load<u64>(deletedIds + <usize>i * 16, 8));
  }
}

/** Moves the output bytes written since `from` to position `to` (< from). */
function moveToMark(to: usize, from: usize): void {
  const base = outBufferPtr();
  const tail = outMark() - from;
  const mid = from - to;
  const tmp = heap.alloc(tail);
  memory.copy(tmp, base + from, tail);
  memory.copy(base + to + tail, base + to, mid);
  memory.copy(base + to, tmp, tail);
  heap.free(tmp);
}

// ---- XINFO --------------------------------------------------------------------------

// XINFO HELP — array of help lines.
function cmdXinfoHelp(): void {
  if (curArgc != 2) { replySubcommandSyntax("XINFO"); return; }
  replyHelp(XINFO_HELP);
}

/** The XINFO key (argument 2), or false with "no such key" / WRONGTYPE replied. */
function xinfoKeyOrReply(db: Db): bool {
  if (!lookupOrReply(db, 2, false)) return false;
  if (found == 0) { replyError(E_NO_SUCH_KEY); return false; }
  return true;
}

// XINFO CONSUMERS key group — per consumer {name, pending, idle}. O(consumers).
function cmdXinfoConsumers(): void {
  const db = curDb();
  if (!xinfoKeyOrReply(db)) return;
  const g = groupAt(objPtrOf(found), 3);
  if (g == 0) { replyNoGroupForKey(3, 2); return; }
  const cons = groupConsumers(g);
  const nc = arrCount(cons);
  replyArray(nc);
  for (let j: u32 = 0; j < nc; j++) {
    const c = arrAt(cons, j);
    let idle = nowMs - load<i64>(c, C_SEEN);
    if (idle < 0) idle = 0;
    replyMap(3);
    replyBulkAscii("name");
    replyBulk(consumerNamePtr(c), consumerNameLen(c));
    replyBulkAscii("pending");
    replyInt(<i64>idlLength(consumerPel(c)));
    replyBulkAscii("idle");
    replyInt(idle);
  }
}

// XINFO GROUPS key — per group {name, consumers, pending, last-delivered-id,
// entries-read, lag}. O(groups).
function cmdXinfoGroups(): void {
  const db = curDb();
  if (!xinfoKeyOrReply(db)) return;
  const s = objPtrOf(found);
  const a = groupsOf(s);
  const ng = arrCount(a);
  replyArray(ng);
  for (let i: u32 = 0; i < ng; i++) {
    const g = arrAt(a, i);
    replyMap(6);
    replyBulkAscii("name");
    replyBulk(groupNamePtr(g), groupNameLen(g));
    replyBulkAscii("consumers");
    replyInt(arrCount(groupConsumers(g)));
    replyBulkAscii("pending");
    replyInt(<i64>idlLength(groupPel(g)));
    replyBulkAscii("last-delivered-id");
    replyId(load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ));
    replyBulkAscii("entries-read");
    replyEntriesRead(g);
    replyBulkAscii("lag");
    replyLag(s, g);
  }
}

// Node keys of the stream's rax, big-endian master IDs, for its node count.
let raxKeys: usize = 0;
let raxKeysCap: u32 = 0;

/** Nodes of a rax holding the 16-byte keys [lo, hi) from depth `d` on (Redis's numnodes). */
function raxNodesFrom(lo: u32, hi: u32, d: u32): i64 {
  if (d == 16) return 1;
  if (hi - lo == 1) return 2; // one compressed node of the rest, then the key's leaf
  const a = raxKeys + <usize>lo * 16;
  const b = raxKeys + <usize>(hi - 1) * 16;
  // Sorted keys: the common prefix of the range is the first and last keys' one.
  let l = d;
  while (l < 16 && load<u8>(a + l) == load<u8>(b + l)) l++;
  if (l > d) return 1 + raxNodesFrom(lo, hi, l);
  let total: i64 = 1;
  let i = lo;
  while (i < hi) {
    const byte = load<u8>(raxKeys + <usize>i * 16 + d);
    let j = i + 1;
    while (j < hi && load<u8>(raxKeys + <usize>j * 16 + d) == byte) j++;
    total += raxNodesFrom(i, j, d + 1);
    i = j;
  }
  return total;
}

function raxNodeCount(s: usize): i64 {
  const n = nodeCount(s);
  if (n == 0) return 1;
  if (n > raxKeysCap) {
    raxKeysCap = n;
    raxKeys = raxKeys == 0 ? heap.alloc(<usize>n * 16) : heap.realloc(raxKeys, <usize>n * 16);
  }
  for (let i: u32 = 0; i < n; i++) {
    store<u64>(raxKeys + <usize>i * 16, bswap<u64>(nodeMasterMs(s, i)));
    store<u64>(raxKeys + <usize>i * 16, bswap<u64>(nodeMasterSeq(s, i)), 8);
  }
  return raxNodesFrom(0, n, 0);
}

// XINFO STREAM key [FULL [COUNT count]] — the stream's summary map, or with FULL its
// entries (at most COUNT, default 10, 0 = all) and every group's PEL and consumers.
// O(nodes) (the rax node count), FULL O(returned).
function cmdXinfoStream(): void {
  const db = curDb();
  if (!xinfoKeyOrReply(db)) return;
  let full = true;
  let count: i64 = 10;
  const argc = curArgc - 2;
  if (argc == 1) {
    full = false;
  } else if (argc == 2 || argc == 4) {
    if (!argIs(3, "FULL")) { replySubcommandSyntax("XINFO"); return; }
    if (argc == 4) {
      if (!argIs(4, "COUNT")) { replySubcommandSyntax("XINFO"); return; }
      if (parseI64Strict(argPtr(5), argLen(5)) != PARSE_OK) { replyError(E_NOT_INTEGER); return; }
      count = parsedI64 < 0 ? 10 : parsedI64;
    }
  } else {
    replySubcommandSyntax("XINFO");
    return;
  }
  const s = objPtrOf(found);
  replyMap(full ? 9 : 10);
  replyBulkAscii("length");
  replyInt(<i64>streamLength(s));
  replyBulkAscii("radix-tree-keys");
  replyInt(nodeCount(s));
  replyBulkAscii("radix-tree-nodes");
  replyInt(raxNodeCount(s));
  replyBulkAscii("last-generated-id");
  replyId(load<u64>(s, S_LAST_MS), load<u64>(s, S_LAST_SEQ));
  replyBulkAscii("max-deleted-entry-id");
  replyId(load<u64>(s, S_MAXDEL_MS), load<u64>(s, S_MAXDEL_SEQ));
  replyBulkAscii("entries-added");
  replyInt(<i64>load<u64>(s, S_ADDED));
  replyBulkAscii("recorded-first-entry-id");
  replyId(load<u64>(s, S_FIRST_MS), load<u64>(s, S_FIRST_SEQ));
  const a = groupsOf(s);
  if (!full) {
    replyBulkAscii("groups");
    replyInt(arrCount(a));
    replyBulkAscii("first-entry");
    if (replyRange(s, 0, 0, U64_MAX, U64_MAX, 1, false) == 0) replyNull();
    replyBulkAscii("last-entry");
    if (replyRange(s, 0, 0, U64_MAX, U64_MAX, 1, true) == 0) replyNull();
    return;
  }
  replyBulkAscii("entries");
  let m = outMark();
  outInsertArrayHeader(m, replyRange(s, 0, 0, U64_MAX, U64_MAX, count == 0 ? -1 : count, false));
  replyBulkAscii("groups");
  const ng = arrCount(a);
  replyArray(ng);
  for (let i: u32 = 0; i < ng; i++) {
    const g = arrAt(a, i);
    replyMap(7);
    replyBulkAscii("name");
    replyBulk(groupNamePtr(g), groupNameLen(g));
    replyBulkAscii("last-delivered-id");
    replyId(load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ));
    replyBulkAscii("entries-read");
    replyEntriesRead(g);
    replyBulkAscii("lag");
    replyLag(s, g);
    const pel = groupPel(g);
    replyBulkAscii("pel-count");
    replyInt(<i64>idlLength(pel));
    replyBulkAscii("pending");
    m = outMark();
    let k: i64 = 0;
    let x = idlFirst(pel);
    while (x != 0 && (count == 0 || k < count)) {
      replyArray(4);
      replyId(idlMs(x), idlSeq(x));
      const owner = nackOwner(x);
      replyBulk(consumerNamePtr(owner), consumerNameLen(owner));
      replyInt(nackTime(x));
      replyInt(<i64>nackCount(x));
      k++;
      x = idlNext(pel, x);
    }
    outInsertArrayHeader(m, k);
    replyBulkAscii("consumers");
    const cons = groupConsumers(g);
    const nc = arrCount(cons);
    replyArray(nc);
    for (let j: u32 = 0; j < nc; j++) {
      const c = arrAt(cons, j);
      const cpel = consumerPel(c);
      replyMap(4);
      replyBulkAscii("name");
      replyBulk(consumerNamePtr(c), consumerNameLen(c));
      replyBulkAscii("seen-time");
      replyInt(load<i64>(c, C_SEEN));
      replyBulkAscii("pel-count");
      replyInt(<i64>idlLength(cpel));
      replyBulkAscii("pending");
      m = outMark();
      k = 0;
      let y = idlFirst(cpel);
      while (y != 0 && (count == 0 || k < count)) {
        const nack = <usize>load<u32>(idlData(y));
        replyArray(3);
        replyId(idlMs(y), idlSeq(y));
        replyInt(nackTime(nack));
        replyInt(<i64>nackCount(nack));
        k++;
        y = idlNext(cpel, y);
      }
      outInsertArrayHeader(m, k);
    }
  }
}

export function register(): void {
  reg(CMD_XGROUP_CREATE, cmdXgroupCreate);
  reg(CMD_XGROUP_CREATECONSUMER, cmdXgroupCreateconsumer);
  reg(CMD_XGROUP_DELCONSUMER, cmdXgroupDelconsumer);
  reg(CMD_XGROUP_DESTROY, cmdXgroupDestroy);
  reg(CMD_XGROUP_SETID, cmdXgroupSetid);
  reg(CMD_XGROUP_HELP, cmdXgroupHelp);
  reg(CMD_XREADGROUP, cmdXreadgroup);
  reg(CMD_XACK, cmdXack);
  reg(CMD_XPENDING, cmdXpending);
  reg(CMD_XCLAIM, cmdXclaim);
  reg(CMD_XAUTOCLAIM, cmdXautoclaim);
  reg(CMD_XINFO_STREAM, cmdXinfoStream);
  reg(CMD_XINFO_GROUPS, cmdXinfoGroups);
  reg(CMD_XINFO_CONSUMERS, cmdXinfoConsumers);
  reg(CMD_XINFO_HELP, cmdXinfoHelp);
}
