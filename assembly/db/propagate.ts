// The propagation stream: every change to the dataset, as the deterministic
// command that replays it (relative TTLs made absolute, random picks named,
// expiries and evictions as DEL), in RESP, for the AOF (and later replicas).
//
// As in Redis 7.0's call()/alsoPropagate()/propagatePendingCommands(): a
// command collects its ops (the lazy-expiry DELs it caused, then itself or
// what it rewrote itself into) in a pending list; when the outermost call
// ends (a plain command, an EXEC, a script) the list goes to the stream,
// wrapped in MULTI/EXEC when it holds more than one op, each op preceded by
// SELECT when its db differs from the last one propagated. The host drains
// the stream after execute(): no boundary crossing per command.
//
// The buffers are host scratch (heap.alloc), not dataset memory: they stay
// out of used_memory as Redis leaves the AOF buffer out of eviction.

import { argPtr, argLen, curArgc } from "../client";

/** Whether anything consumes the stream (appendonly); off, nothing is collected. */
export let propEnabled: bool = false;
export function setPropEnabled(on: bool): void {
  propEnabled = on;
  if (!on) {
    pendLen = 0;
    pendOps = 0;
    outLen = 0;
  }
  lastDb = -1;
}

// Growable byte buffers.
let pendPtr: usize = 0;
let pendCap: usize = 0;
let pendLen: usize = 0;
let pendOps: u32 = 0;
let outPtr: usize = 0;
let outCap: usize = 0;
let outLen: usize = 0;

/** The db of the last op written to the stream; -1 forces a SELECT first. */
let lastDb: i32 = -1;
export function propResetDb(): void { lastDb = -1; }

/** The current command wrote its own ops in place of its request (propReplace). */
let replaced: bool = false;
/** Start of the op being built (its 8-byte header: db i32, length u32). */
let opStart: usize = 0;

function newCap(cap: usize, need: usize): usize {
  let n = cap == 0 ? <usize>4096 : cap;
  while (n < need) n <<= 1;
  return n;
}

function moved(ptr: usize, len: usize, cap: usize): usize {
  const p = heap.alloc(cap);
  if (ptr != 0) {
    memory.copy(p, ptr, len);
    heap.free(ptr);
  }
  return p;
}

function pendRoom(need: usize): void {
  if (pendLen + need <= pendCap) return;
  pendCap = newCap(pendCap, pendLen + need);
  pendPtr = moved(pendPtr, pendLen, pendCap);
}

function outRoom(need: usize): void {
  if (outLen + need <= outCap) return;
  outCap = newCap(outCap, outLen + need);
  outPtr = moved(outPtr, outLen, outCap);
}

/** Decimal digits of `v` written at `p`; returns the count. */
function putInt(p: usize, v: i64): usize {
  let n: usize = 0;
  let u: u64;
  if (v < 0) {
    store<u8>(p, 45);
    n = 1;
    u = <u64>(-(v + 1)) + 1;
  } else {
    u = <u64>v;
  }
  let digits: usize = 1;
  for (let t = u; t >= 10; t /= 10) digits++;
  for (let i = digits; i > 0; i--) {
    store<u8>(p + n + i - 1, <u8>(48 + u % 10));
    u /= 10;
  }
  return n + digits;
}

// ---- building ops ---------------------------------------------------------------

/** Starts an op of `argc` arguments in db `db`; add them with opArg*, close with opEnd. */
export function opBegin(db: i32, argc: i32): void {
  if (!propEnabled) return;
  pendRoom(8 + 24);
  opStart = pendLen;
  store<i32>(pendPtr + pendLen, db);
  pendLen += 8;
  store<u8>(pendPtr + pendLen, 42); // '*'
  pendLen += 1;
  pendLen += putInt(pendPtr + pendLen, argc);
  store<u16>(pendPtr + pendLen, 0x0a0d);
  pendLen += 2;
}

export function opArg(ptr: usize, len: usize): void {
  if (!propEnabled) return;
  pendRoom(len + 32);
  store<u8>(pendPtr + pendLen, 36); // '$'
  pendLen += 1;
  pendLen += putInt(pendPtr + pendLen, <i64>len);
  store<u16>(pendPtr + pendLen, 0x0a0d);
  pendLen += 2;
  memory.copy(pendPtr + pendLen, ptr, len);
  pendLen += len;
  store<u16>(pendPtr + pendLen, 0x0a0d);
  pendLen += 2;
}

const NUMBUF = memory.data(24);
export function opArgInt(v: i64): void {
  opArg(NUMBUF, putInt(NUMBUF, v));
}

export function opArgAscii(s: string): void {
  if (!propEnabled) return;
  const n = s.length;
  pendRoom(<usize>n + 32);
  store<u8>(pendPtr + pendLen, 36);
  pendLen += 1;
  pendLen += putInt(pendPtr + pendLen, n);
  store<u16>(pendPtr + pendLen, 0x0a0d);
  pendLen += 2;
  for (let i = 0; i < n; i++) store<u8>(pendPtr + pendLen + <usize>i, <u8>s.charCodeAt(i));
  pendLen += <usize>n;
  store<u16>(pendPtr + pendLen, 0x0a0d);
  pendLen += 2;
}

export function opEnd(): void {
  if (!propEnabled) return;
  store<u32>(pendPtr + opStart, <u32>(pendLen - opStart - 8), 4);
  pendOps++;
}

// ---- what commands and the keyspace call ---------------------------------------

/** Call state: set by dispatch around each handler. */
let depth: i32 = 0;

/**
 * The running command replaces its own propagation with the ops it writes
 * (a rewrite such as SET EX → SET PXAT, or several ops such as SPOP's
 * SREMs), or with nothing (Redis's preventCommandPropagation).
 */
export function propReplace(): void { replaced = true; }

/** propReplace, then starts the replacing op (Redis's rewriteClientCommandVector). */
export function rewriteBegin(db: i32, argc: i32): void {
  replaced = true;
  opBegin(db, argc);
}

/** The running command propagates as its request with argument `i` replaced by `word`. */
export function rewriteArgAscii(db: i32, i: i32, word: string): void {
  rewriteBegin(db, curArgc);
  for (let j = 0; j < curArgc; j++) {
    if (j == i) opArgAscii(word); else opArg(argPtr(j), argLen(j));
  }
  opEnd();
}

/**
 * A key deleted by lazy or active expiry or by eviction, as Redis's
 * propagateDeletion: DEL (UNLINK when the lazyfree option for that kind of
 * deletion is on). Inside a command it joins that command's ops (before
 * them); outside (the cron) it goes to the stream at once.
 */
export let lazyfreeExpire: bool = false;
export let lazyfreeEviction: bool = false;
/** lazyfree-lazy-user-del: GETDEL propagates as UNLINK. */
export let lazyfreeUserDel: bool = false;
export function setLazyfree(expire: bool, eviction: bool, userDel: bool): void {
  lazyfreeExpire = expire;
  lazyfreeEviction = eviction;
  lazyfreeUserDel = userDel;
}

export function propagateDeletion(db: i32, keyPtr: usize, keyLen: usize, lazy: bool): void {
  if (!propEnabled) return;
  opBegin(db, 2);
  opArgAscii(lazy ? "UNLINK" : "DEL");
  opArg(keyPtr, keyLen);
  opEnd();
  if (depth == 0) propFlush();
}

/**
 * A host command's own RESP (FUNCTION LOAD/DELETE/FLUSH/RESTORE...), `len`
 * bytes at `ptr`, as an op in db `db`: flushed at once outside a
 * transaction or script, else with their ops.
 */
export function propRaw(db: i32, ptr: usize, len: usize, flushNow: bool): void {
  if (!propEnabled) return;
  pendRoom(len + 8);
  opStart = pendLen;
  store<i32>(pendPtr + pendLen, db);
  pendLen += 8;
  memory.copy(pendPtr + pendLen, ptr, len);
  pendLen += len;
  opEnd();
  if (flushNow && depth == 0) propFlush();
}

/**
 * redis.set_repl without AOF: the script's next commands change the data
 * but are not propagated (the ops they add are dropped at their end).
 */
let suppressed: bool = false;
export function setPropSuppressed(on: bool): void { suppressed = on; }
let markLen: usize = 0;
let markOps: u32 = 0;

/** dispatch.ts, before a handler runs. */
export function callBegin(): void {
  depth++;
  replaced = false;
  markLen = pendLen;
  markOps = pendOps;
}

/**
 * dispatch.ts, after a handler ran: the request itself is an op when the
 * dataset changed (the dirty counter moved) and the command did not write
 * its own (`verbatim`: not EXEC). `outer` says the call is
 * not nested in an EXEC or a script, whose ops are flushed as one.
 */
export function callEnd(db: i32, changed: bool, verbatim: bool, outer: bool): void {
  depth--;
  if (!propEnabled) return;
  if (suppressed) {
    pendLen = markLen;
    pendOps = markOps;
    replaced = false;
    return;
  }
  if (changed && verbatim && !replaced) {
    const argc = curArgc;
    opBegin(db, argc);
    for (let i = 0; i < argc; i++) opArg(argPtr(i), argLen(i));
    opEnd();
  }
  replaced = false;
  if (outer && depth == 0) propFlush();
}

function emitSelect(db: i32): void {
  if (db == lastDb) return;
  const NUM = NUMBUF;
  const n = putInt(NUM, db);
  outRoom(40);
  const head = "*2\r\n$6\r\nSELECT\r\n$";
  for (let i = 0; i < head.length; i++) store<u8>(outPtr + outLen + <usize>i, <u8>head.charCodeAt(i));
  outLen += <usize>head.length;
  outLen += putInt(outPtr + outLen, <i64>n);
  store<u16>(outPtr + outLen, 0x0a0d);
  outLen += 2;
  memory.copy(outPtr + outLen, NUM, n);
  outLen += n;
  store<u16>(outPtr + outLen, 0x0a0d);
  outLen += 2;
  lastDb = db;
}

function emitAscii(s: string): void {
  outRoom(<usize>s.length);
  for (let i = 0; i < s.length; i++) store<u8>(outPtr + outLen + <usize>i, <u8>s.charCodeAt(i));
  outLen += <usize>s.length;
}

/**
 * Moves the pending ops to the stream (Redis's propagatePendingCommands):
 * MULTI/EXEC around them when there is more than one, MULTI in the first
 * op's db so that its SELECT comes before it.
 */
export function propFlush(): void {
  if (pendOps == 0) {
    pendLen = 0;
    return;
  }
  const wrap = pendOps > 1;
  if (wrap) {
    emitSelect(load<i32>(pendPtr));
    emitAscii("*1\r\n$5\r\nMULTI\r\n");
  }
  let p: usize = 0;
  while (p < pendLen) {
    const db = load<i32>(pendPtr + p);
    const len = <usize>load<u32>(pendPtr + p, 4);
    emitSelect(db);
    outRoom(len);
    memory.copy(outPtr + outLen, pendPtr + p + 8, len);
    outLen += len;
    p += 8 + len;
  }
  if (wrap) emitAscii("*1\r\n$4\r\nEXEC\r\n");
  pendLen = 0;
  pendOps = 0;
}

/** Whether a command is running (its ops wait for its end). */
export function propInCall(): bool { return depth > 0; }

// ---- the host's side ----------------------------------------------------------

export function propStreamPtr(): usize { return outPtr; }
export function propStreamLen(): usize { return outLen; }
/** The host took the stream's bytes. */
export function propStreamClear(): void { outLen = 0; }
