// The engine's exports: the whole boundary with the host (ARCHITECTURE.md).
// The host copies a socket read into the client's input buffer
// (`reserveInput`), calls `execute` once, then drains the output buffer.
// Commands the host runs stop the loop with ST_HANDOFF; the host answers them
// and calls `execute(id, 0, now)` to go on.

import { Client, clientNew, clientFree, clientGet, clientReserve, clientReplaceInput, bindArgs, curArgv, curArgc,
  CF_CLOSE, CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT, CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR, CF_IN_EXEC, CF_MULTI,
  clientQueryBufLen, clientQueryBufCap, clientQueryBufHeld } from "./client";
import { blockRequested, clearBlockRequest, blockKeyFirst, blockKeyCount, blockDeadline, blockRewritePtr, blockRewriteLen } from "./commands/blocking";
import { readySignaled, readyBufPtr, readyBufLen, readyReset, setReadyWatch } from "./db/ready";
import { readCommand, READ_NEED_MORE, READ_ERROR, readError } from "./resp/reader";
import { outInit, outReset, outBufferPtr, outBufferLen, outMark, outTruncate, setProto, replyError, OUT_YIELD } from "./resp/writer";
import { initDbs, setNow } from "./db/db";
import { dispatch, lastRejected, DISPATCH_HANDOFF, DISPATCH_PAUSED, DISPATCH_QUEUED, initCommandLookup, lastCmd, undoCallStats, setBusyMode } from "./commands/dispatch";
import { queueCommand, endExec, freeOldQueue, discardTransaction } from "./commands/multi";
import { initWatch, unwatchAllKeys } from "./db/watch";
import { prefetchPipeline, prefetchReset } from "./db/prefetch";
import { setCurrent } from "./commands/context";
import { setSeeds } from "./ds/hash";
import { registerAll } from "./commands/registry";
import { markStartup } from "./db/memstats";

export const ST_OK: i32 = 0;
export const ST_HANDOFF: i32 = 1;
export const ST_CLOSE: i32 = 2;
/** A CLIENT PAUSE holds back the next command; it stays unread in the input. */
export const ST_PAUSED: i32 = 3;
/** Output is large: take it, then call execute(id, 0, now) to go on. */
export const ST_YIELD: i32 = 4;
/** The next command must wait for keys (blockKey*); it stays unread. */
export const ST_BLOCKED: i32 = 5;
/** A command made keys ready for blocked clients: serve them, then go on. */
export const ST_READY: i32 = 6;

/** Called once by the host before anything else. */
export function init(numDatabases: i32, hashSeed: u32, randomSeed: u64): void {
  setSeeds(hashSeed, randomSeed);
  outInit();
  initDbs(numDatabases);
  initCommandLookup();
  initWatch();
  registerAll();
  markStartup();
}

export function newClient(): u32 { return clientNew(); }
export function freeClient(id: u32): void { clientFree(id); }

/** Where to copy `n` bytes of a socket read for client `id`. */
export function reserveInput(id: u32, n: u32): usize {
  return clientReserve(clientGet(id), n);
}

/** Adds `n` reserved bytes to a blocked client's input without running anything. */
export function appendInput(id: u32, n: u32): void {
  clientGet(id).inLen += n;
}

// Commands run by the current `execute` call, for the host's commandstats,
// MONITOR and SLOWLOG: (command id, db, start, end) per command, the
// addresses of its request bytes (in the client's input, or in an EXEC's
// queue, which lives until the next execute).
let batchPtr: usize = 0;
let batchCap: u32 = 0;
let batchLen: u32 = 0;

function batchPush(id: i32, db: i32, startPtr: usize, endPtr: usize): void {
  if (batchLen == batchCap) {
    batchCap = batchCap == 0 ? 64 : batchCap * 2;
    const p = heap.alloc(<usize>batchCap * 16);
    if (batchPtr != 0) {
      memory.copy(p, batchPtr, <usize>batchLen * 16);
      heap.free(batchPtr);
    }
    batchPtr = p;
  }
  const at = batchPtr + (<usize>batchLen << 4);
  store<i32>(at, id);
  store<i32>(at, db, 4);
  store<u32>(at, <u32>startPtr, 8);
  store<u32>(at, <u32>endPtr, 12);
  batchLen++;
}

export function batchRecords(): usize { return batchPtr; }
export function batchCount(): u32 { return batchLen; }

/**
 * Runs every complete command in client `id`'s buffer after appending `n`
 * new bytes. Returns ST_OK (all complete commands done), ST_HANDOFF (the
 * last recorded command is for the host; its args are in handoffArgv) or
 * ST_CLOSE (protocol error replied; close after writing the output) or
 * ST_PAUSED (the next command must wait for CLIENT UNPAUSE: the reader is
 * back at its first byte, so `execute(id, 0, now)` later runs it) or
 * ST_YIELD (more commands may be waiting but the replies so far are large:
 * drain them and call `execute(id, 0, now)`).
 */
export function execute(id: u32, n: u32, nowMs: f64): i32 {
  const c = clientGet(id);
  c.inLen += n;
  freeOldQueue(c);
  setNow(<i64>nowMs);
  outReset();
  batchLen = 0;
  prefetchReset();
  setProto(c.proto);
  setCurrent(c);
  while (true) {
    const r = readCommand(c);
    if (r == READ_NEED_MORE) {
      if ((c.flags & CF_IN_EXEC) == 0) return ST_OK;
      // EXEC has run its queue: back to what followed it, and serve the
      // clients its pushes made ready before anything else of this client.
      endExec(c);
      if ((c.flags & CF_CLOSE) != 0) return ST_CLOSE;
      if (readySignaled) return ST_READY;
      continue;
    }
    if (r == READ_ERROR) {
      replyError(readError);
      c.flags |= CF_CLOSE;
      return ST_CLOSE;
    }
    const start = c.cmdStart;
    if (c.argc == 0) {
      c.cmdStart = c.pos;
      continue;
    }
    bindArgs(c);
    // A pipeline (or an EXEC's queue): its keys are read ahead, their cache misses overlapped.
    if (c.pos < c.inLen) prefetchPipeline(c);
    c.cmdStart = c.pos;
    if ((c.flags & CF_REPLY_SKIP_NEXT) != 0) {
      c.flags = (c.flags & ~CF_REPLY_SKIP_NEXT) | CF_REPLY_SKIP;
    }
    const mark = outMark();
    const inExec = (c.flags & CF_IN_EXEC) != 0;
    const st = dispatch(c);
    if (!inExec) c.lastCmdId = lastCmd;
    if (blockRequested) {
      // Nothing was written or changed; run it again when woken.
      if (blockRewriteLen != 0 && clientReplaceInput(c, start, c.pos, blockRewritePtr, blockRewriteLen)) {
        // The host reads the keys to wait on from the arguments: parse the
        // rewritten bytes so they point into the (possibly moved) buffer.
        c.cmdStart = start;
        c.pos = start;
        readCommand(c);
        bindArgs(c);
      }
      clearBlockRequest();
      undoCallStats(lastCmd);
      blockedCmdLen = c.pos - start;
      c.cmdStart = start;
      c.pos = start;
      return ST_BLOCKED;
    }
    c.flags &= ~(CF_UNBLOCK_TIMEOUT | CF_UNBLOCK_ERROR);
    if (st == DISPATCH_PAUSED) {
      // Unread: a complete command leaves the reader between commands
      // (mbLeft -1), so rewinding both offsets re-reads it from scratch.
      // Its length is kept as a blocked command's is: Redis has read it, so
      // its bytes are argv-mem in CLIENT LIST, no longer qbuf.
      blockedCmdLen = c.pos - start;
      c.cmdStart = start;
      c.pos = start;
      return ST_PAUSED;
    }
    // A command refused before running is recorded as -2 - id: the host
    // neither times it nor shows it to MONITOR, as Redis does.
    if (st == DISPATCH_QUEUED) {
      queueCommand(c, <usize>c.inPtr + start, c.pos - start, lastCmd);
      // Neither timed nor shown to MONITOR now: at EXEC, as Redis.
      batchPush(-2 - lastCmd, c.db, <usize>c.inPtr + start, <usize>c.inPtr + c.pos);
      continue;
    }
    batchPush(lastRejected ? -2 - lastCmd : lastCmd, c.db, <usize>c.inPtr + start, <usize>c.inPtr + c.pos);
    if (st == DISPATCH_HANDOFF) return ST_HANDOFF;
    if ((c.flags & CF_CLOSE) != 0) {
      // A command whose reply no output buffer could hold (HRANDFIELD with
      // a huge negative count) asked to close the client, as Redis closes
      // one past its output buffer limit: the replies not yet handed to
      // the host go with it, and a transaction still runs to its end.
      outTruncate(0);
      if ((c.flags & CF_IN_EXEC) == 0) return ST_CLOSE;
    }
    if ((c.flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) != 0) {
      outTruncate(mark);
      c.flags &= ~CF_REPLY_SKIP;
    }
    // A long pipeline of big replies: let the host take what is written
    // before going on, so the output buffer stays bounded.
    if (outBufferLen() > OUT_YIELD && c.pos < c.inLen) return ST_YIELD;
    if (readySignaled && (c.flags & CF_IN_EXEC) == 0) return ST_READY;
  }
  return ST_OK;
}

/**
 * What an execute() call left, in one place for the host (the server's
 * command loop and the embedded API's synchronous path), which would
 * otherwise make a call across the boundary per figure: status, output
 * address and length, batch records' address and count, keyspace-event
 * bytes, and the client's unread input (i32 each; the host names the
 * slots INFO_* in src/engine/engine.ts).
 */
const callInfo = memory.data(28);

export function callInfoPtr(): usize { return callInfo; }

/** execute(), then its results into callInfo (see callInfoPtr). */
export function executeInfo(id: u32, n: u32, nowMs: f64): i32 {
  const st = execute(id, n, nowMs);
  store<i32>(callInfo, st);
  store<u32>(callInfo, <u32>outBufferPtr(), 4);
  store<u32>(callInfo, <u32>outBufferLen(), 8);
  store<u32>(callInfo, <u32>batchPtr, 12);
  store<u32>(callInfo, batchLen, 16);
  store<u32>(callInfo, <u32>notifyBufLen(), 20);
  store<u32>(callInfo, clientQueryBufLen(clientGet(id)), 24);
  return st;
}

export function outputPtr(): usize { return outBufferPtr(); }
export function outputLen(): usize { return outBufferLen(); }

/** The arguments of the command handed off: argc pairs of (offset from handoffBase, len) u32. */
export function handoffArgv(): usize { return curArgv; }
export function handoffArgc(): i32 { return curArgc; }
export function handoffCmd(): i32 { return lastCmd; }

/** A script is running past busy-reply-threshold (BUSY_EVAL/BUSY_FUNCTION), or not (0). */
export function setBusyScript(mode: i32): void { setBusyMode(mode); }

/** RESET: leaves MULTI and drops the watches. */
export function clientResetTx(id: u32): void { discardTransaction(clientGet(id)); }
/** Commands queued in MULTI, or -1 outside MULTI (CLIENT LIST multi=). */
export function clientMultiCount(id: u32): i32 {
  const c = clientGet(id);
  // Redis keeps the transaction's state until EXEC has run it all.
  if ((c.flags & CF_IN_EXEC) != 0) return <i32>c.execCount;
  return (c.flags & CF_MULTI) != 0 ? <i32>c.multiCount : -1;
}
/**
 * CLIENT LIST multi-mem: the queued commands' request bytes (the queue EXEC
 * is reading while it runs). Redis counts each queued command's argument
 * bytes plus a pointer per argument; both grow with every queued command.
 */
export function clientMultiMem(id: u32): u32 {
  const c = clientGet(id);
  if ((c.flags & CF_IN_EXEC) != 0) return c.inLen;
  return c.multiLen;
}
/** CLIENT LIST cmd=: the last command id read (-1: none, or unknown). */
export function clientLastCmd(id: u32): i32 { return clientGet(id).lastCmdId; }
/** Keys WATCHed by client `id` (CLIENT LIST watch= is 7.2; INFO uses the total). */
export function clientWatchCount(id: u32): u32 { return clientGet(id).watchLen; }

// ---- client state the host reads and sets ----------------------------------------

export function clientDb(id: u32): i32 { return clientGet(id).db; }
export function setClientDb(id: u32, db: i32): void { clientGet(id).db = db; }
export function clientProto(id: u32): i32 { return clientGet(id).proto; }
export function setClientProto(id: u32, p: i32): void { clientGet(id).proto = p; setProto(p); }
export function clientFlags(id: u32): u32 { return clientGet(id).flags; }
export function setClientFlags(id: u32, f: u32): void { clientGet(id).flags = f; }
export function clientQbuf(id: u32): u32 { return clientQueryBufLen(clientGet(id)); }
export function clientQbufCap(id: u32): u32 { return clientQueryBufCap(clientGet(id)); }
export function clientQbufHeld(id: u32): u32 { return clientQueryBufHeld(clientGet(id)); }

export * from "./api";
export * from "./memapi";
export * from "./persistapi";

import { argBaseNow } from "./client";
/** Base address the handoffArgv offsets are relative to. */
export function handoffBase(): usize { return argBaseNow(); }

// ---- blocking -----------------------------------------------------------------------

/** After ST_BLOCKED: the keys to wait on are handoffArgv[first .. first+count). */
export function blockFirst(): i32 { return blockKeyFirst; }
export function blockCount(): i32 { return blockKeyCount; }
/** After ST_BLOCKED: bytes of the waiting command, left unread in the client's input. */
export function blockCmdLen(): u32 { return blockedCmdLen; }
let blockedCmdLen: u32 = 0;
/** After ST_BLOCKED: unix ms when the wait times out, 0 for never. */
export function blockTimeout(): f64 { return <f64>blockDeadline; }

/** Whether writes must record ready keys (some client is blocked on keys). */
export function setBlockedWatch(on: bool): void { setReadyWatch(on); }
/** The ready-key records (db/ready.ts) and their total length; then readyClear. */
export function readyPtr(): usize { return readyBufPtr(); }
export function readyLen(): usize { return readyBufLen(); }
export function readyClear(): void { readyReset(); }
export * from "./dstest";

// ---- keyspace notifications --------------------------------------------------------

import { setNotifyFlags, notifyBufPtr, notifyBufLen, notifyReset } from "./db/notify";
/** notify-keyspace-events as Redis's NOTIFY_* bits. */
export function setKeyspaceEvents(flags: u32): void { setNotifyFlags(flags); }
/** Recorded events (db/notify.ts layout) and their total length; then notifyClear. */
export function notifyPtr(): usize { return notifyBufPtr(); }
export function notifyLen(): usize { return notifyBufLen(); }
export function notifyClear(): void { notifyReset(); }
export * from "./dstest-list";
