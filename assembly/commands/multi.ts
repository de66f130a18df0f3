// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
//
// While a client is in MULTI, dispatch.ts queues each command that passes
// its checks (the request bytes are copied into the client's queue and
// +QUEUED is replied) and marks the transaction dirty when one is refused.
// EXEC swaps the client's input for the queue: the engine's loop then runs
// the queued commands exactly as if they had arrived from the socket, host
// commands included (they hand off and resume as usual), and swaps the
// real input back when the queue is exhausted (index.ts). Nothing else
// runs in between — the host serves one client at a time and serves
// blocked clients only after EXEC — so the transaction is atomic.

import { register as reg } from "./dispatch";
import { propFlush } from "../db/propagate";
import { CMD_MULTI, CMD_EXEC, CMD_DISCARD, CMD_WATCH, CMD_UNWATCH, CMD_FLAGS } from "./table.gen";
import { cur } from "./context";
import { Client, argPtr, argLen, curArgc, CF_MULTI, CF_DIRTY_EXEC, CF_DIRTY_CAS, CF_IN_EXEC } from "../client";
import { replyOk, replyError, replyArray, replyNullArray } from "../resp/writer";
import { memFree, memRealloc } from "../ds/mem";
import { getDb, dbFindRaw, isExpired } from "../db/db";
import { prefetchReset } from "../db/prefetch";
import { watchKey, unwatchAllKeys, watchedKeyExpired } from "../db/watch";
import {
  E_MULTI_NESTED, E_EXEC_WITHOUT_MULTI, E_DISCARD_WITHOUT_MULTI, E_WATCH_IN_MULTI, E_EXECABORT,
} from "../resp/errors";

/**
 * Appends a queued command's request bytes (dispatch.ts, while in MULTI).
 * Once EXEC is bound to fail (a refused command, a touched watched key)
 * nothing more is kept, as Redis 7.0 does: the command is still answered
 * QUEUED, but MULTI's count and memory stop growing.
 */
export function queueCommand(c: Client, ptr: usize, len: usize, id: i32): void {
  if ((c.flags & (CF_DIRTY_EXEC | CF_DIRTY_CAS)) != 0) return;
  const need = <usize>c.multiLen + len;
  if (need > <usize>c.multiCap) {
    let cap = c.multiCap < 256 ? <usize>256 : <usize>c.multiCap * 2;
    while (cap < need) cap *= 2;
    c.multiPtr = <u32>memRealloc(<usize>c.multiPtr, cap);
    c.multiCap = <u32>cap;
  }
  memory.copy(<usize>c.multiPtr + c.multiLen, ptr, len);
  c.multiLen = <u32>need;
  c.multiCount++;
  c.multiFlags |= CMD_FLAGS[id];
}

/** Leaves MULTI without running anything (DISCARD, EXEC's refusals, RESET). */
export function discardTransaction(c: Client): void {
  memFree(<usize>c.multiPtr);
  c.multiPtr = 0;
  c.multiLen = 0;
  c.multiCap = 0;
  c.multiCount = 0;
  c.multiFlags = 0;
  c.flags &= ~(CF_MULTI | CF_DIRTY_EXEC | CF_DIRTY_CAS);
  unwatchAllKeys(c);
}

// MULTI — +OK. Simple string reply; O(1).
function cmdMulti(): void {
  if ((cur.flags & CF_MULTI) != 0) {
    replyError(E_MULTI_NESTED);
    return;
  }
  cur.flags |= CF_MULTI;
  replyOk();
}

// DISCARD — +OK. O(N) in the queued commands.
function cmdDiscard(): void {
  if ((cur.flags & CF_MULTI) == 0) {
    replyError(E_DISCARD_WITHOUT_MULTI);
    return;
  }
  discardTransaction(cur);
  replyOk();
}

// EXEC — array of the queued commands' replies; null array when a watched
// key changed; EXECABORT when a command was refused while queuing.
function cmdExec(): void {
  const c = cur;
  if ((c.flags & CF_MULTI) == 0) {
    replyError(E_EXEC_WITHOUT_MULTI);
    return;
  }
  if (watchedKeyExpired(c)) c.flags |= CF_DIRTY_CAS;
  if ((c.flags & (CF_DIRTY_CAS | CF_DIRTY_EXEC)) != 0) {
    if ((c.flags & CF_DIRTY_EXEC) != 0) replyError(E_EXECABORT);
    else replyNullArray();
    discardTransaction(c);
    return;
  }
  unwatchAllKeys(c);
  replyArray(<i64>c.multiCount);
  // Hand the queue to the input: the engine loop runs it next (index.ts
  // endExec restores the real input when the queue is exhausted).
  c.savedInPtr = c.inPtr;
  c.savedInLen = c.inLen;
  c.savedInCap = c.inCap;
  c.savedCmdStart = c.cmdStart;
  c.savedPos = c.pos;
  c.inPtr = c.multiPtr;
  c.inLen = c.multiLen;
  c.inCap = c.multiCap;
  c.cmdStart = 0;
  c.pos = 0;
  c.execCount = c.multiCount;
  c.multiOld = c.multiPtr;
  c.multiPtr = 0;
  c.multiLen = 0;
  c.multiCap = 0;
  c.multiCount = 0;
  c.multiFlags = 0;
  c.flags = (c.flags & ~(CF_MULTI | CF_DIRTY_CAS | CF_DIRTY_EXEC)) | CF_IN_EXEC;
  prefetchReset();
}

/** The queue has run: back to the bytes that came after EXEC. */
export function endExec(c: Client): void {
  c.inPtr = c.savedInPtr;
  c.inLen = c.savedInLen;
  c.inCap = c.savedInCap;
  c.cmdStart = c.savedCmdStart;
  c.pos = c.savedPos;
  c.flags &= ~CF_IN_EXEC;
  prefetchReset();
  // The transaction's ops go to the stream as one (MULTI/EXEC when more than one).
  propFlush();
}

/**
 * A finished EXEC's queue is released at the start of the next execute.
 * While the EXEC still runs (resumed after one of its host commands) the
 * queue is the input being read: freeing it then let the next allocation
 * overwrite the commands still to run.
 */
export function freeOldQueue(c: Client): void {
  if (c.multiOld != 0 && (c.flags & CF_IN_EXEC) == 0) {
    memFree(<usize>c.multiOld);
    c.multiOld = 0;
  }
}

// WATCH key [key ...] — +OK. O(1) per key.
function cmdWatch(): void {
  if ((cur.flags & CF_MULTI) != 0) {
    replyError(E_WATCH_IN_MULTI);
    return;
  }
  const dbIndex = cur.db;
  const db = getDb(dbIndex);
  for (let i = 1; i < curArgc; i++) {
    // Whether the key had already expired (but was not yet deleted): such a
    // key changing into "missing" is not a modification.
    const e = dbFindRaw(db, argPtr(i), argLen(i));
    watchKey(cur, dbIndex, argPtr(i), argLen(i), e != 0 && isExpired(e));
  }
  replyOk();
}

// UNWATCH — +OK.
function cmdUnwatch(): void {
  unwatchAllKeys(cur);
  cur.flags &= ~CF_DIRTY_CAS;
  replyOk();
}

export function register(): void {
  reg(CMD_MULTI, cmdMulti);
  reg(CMD_EXEC, cmdExec);
  reg(CMD_DISCARD, cmdDiscard);
  reg(CMD_WATCH, cmdWatch);
  reg(CMD_UNWATCH, cmdUnwatch);
}
