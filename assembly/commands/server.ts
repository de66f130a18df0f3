// Connection and server commands the engine runs itself:
// PING ECHO SELECT DBSIZE FLUSHDB FLUSHALL SWAPDB.
// (CLIENT, CONFIG, INFO, HELLO, AUTH and the rest are host commands.)

import { register as reg } from "./dispatch";
import { CMD_PING, CMD_ECHO, CMD_SELECT, CMD_DBSIZE, CMD_FLUSHDB, CMD_FLUSHALL, CMD_SWAPDB } from "./table.gen";
import { cur, curDb, argIs, parseLongOrReply, argInt, parseLongOrReplyMsg } from "./context";
import { argPtr, argLen, curArgc, CF_PUBSUB } from "../client";
import { replySimple, replyBulk, replyInt, replyOk, replyError, replyArray, replyBulkAscii } from "../resp/writer";
import { E_SYNTAX, E_DB_INDEX, E_INT_RANGE, E_SWAPDB_FIRST, E_SWAPDB_SECOND } from "../resp/errors";
import { Db, numDbs, dbSize, dbEmpty, getDb, swapDbs, addDirty } from "../db/db";
import { snapshotKill } from "../persist/snapshot";
import { touchAllWatchedKeysInDb, touchAllWatchedKeys } from "../db/watch";
import { signalDbAsReady } from "../db/ready";

// PING [message] — simple "PONG" or the message as a bulk string; a RESP2
// subscriber gets ["pong", message or ""], a reply its message reader can
// tell apart from the simple string. O(1).
function cmdPing(): void {
  if (curArgc > 2) {
    replyError("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if ((cur.flags & CF_PUBSUB) != 0 && cur.proto == 2) {
    replyArray(2);
    replyBulkAscii("pong");
    if (curArgc == 1) replyBulkAscii("");
    else replyBulk(argPtr(1), argLen(1));
    return;
  }
  if (curArgc == 1) replySimple("PONG");
  else replyBulk(argPtr(1), argLen(1));
}

// ECHO message — bulk string. O(1).
function cmdEcho(): void {
  replyBulk(argPtr(1), argLen(1));
}

const INT_MIN: i64 = -2147483648;
const INT_MAX: i64 = 2147483647;

// SELECT index — OK. O(1).
function cmdSelect(): void {
  if (!parseLongOrReply(1)) return;
  if (argInt < INT_MIN || argInt > INT_MAX) {
    replyError(E_INT_RANGE);
    return;
  }
  if (argInt < 0 || argInt >= <i64>numDbs) {
    replyError(E_DB_INDEX);
    return;
  }
  cur.db = <i32>argInt;
  replyOk();
}

// DBSIZE — integer. O(1).
function cmdDbsize(): void {
  replyInt(<i64>dbSize(curDb()));
}

/** Parses the optional ASYNC|SYNC of FLUSHDB/FLUSHALL; replies on error. */
function flushModeOk(): bool {
  if (curArgc == 1) return true;
  if (curArgc == 2 && (argIs(1, "ASYNC") || argIs(1, "SYNC"))) return true;
  replyError(E_SYNTAX);
  return false;
}

// FLUSHDB [ASYNC|SYNC] — OK. O(N). Freeing is immediate either way: the
// engine's free is cheap enough that a lazy-free thread buys nothing.
function cmdFlushdb(): void {
  if (!flushModeOk()) return;
  touchAllWatchedKeysInDb(cur.db, curDb(), changetype<Db>(0));
  const n = dbEmpty(curDb());
  addDirty(<u64>n);
  replyOk();
}

// FLUSHALL [ASYNC|SYNC] — OK. O(N).
function cmdFlushall(): void {
  if (!flushModeOk()) return;
  let n: u64 = 0;
  touchAllWatchedKeys();
  // Redis kills a saving child here (flushAllDataAndResetRDB): the running
  // background snapshot stops, and the host reports it as killed.
  snapshotKill();
  for (let i = 0; i < numDbs; i++) n += <u64>dbEmpty(getDb(i));
  // Redis counts a FLUSHALL as one more change than the keys it removed.
  addDirty(n + 1);
  replyOk();
}

// SWAPDB index1 index2 — OK. O(N) in clients, O(1) in data.
function cmdSwapdb(): void {
  // Redis's getIntFromObjectOrReply: the caller's text covers both a bad
  // integer and one outside the int range.
  if (!parseLongOrReplyMsg(1, E_SWAPDB_FIRST)) return;
  const a = argInt;
  if (a < INT_MIN || a > INT_MAX) { replyError(E_SWAPDB_FIRST); return; }
  if (!parseLongOrReplyMsg(2, E_SWAPDB_SECOND)) return;
  const b = argInt;
  if (b < INT_MIN || b > INT_MAX) { replyError(E_SWAPDB_SECOND); return; }
  if (a < 0 || a >= <i64>numDbs || b < 0 || b >= <i64>numDbs) {
    replyError(E_DB_INDEX);
    return;
  }
  if (a != b) {
    // Watchers of either number see the other's keys from now on.
    touchAllWatchedKeysInDb(<i32>a, getDb(<i32>a), getDb(<i32>b));
    touchAllWatchedKeysInDb(<i32>b, getDb(<i32>b), getDb(<i32>a));
    swapDbs(<i32>a, <i32>b);
    signalDbAsReady(<i32>a);
    signalDbAsReady(<i32>b);
    addDirty(1);
  }
  replyOk();
}

export function register(): void {
  reg(CMD_PING, cmdPing);
  reg(CMD_ECHO, cmdEcho);
  reg(CMD_SELECT, cmdSelect);
  reg(CMD_DBSIZE, cmdDbsize);
  reg(CMD_FLUSHDB, cmdFlushdb);
  reg(CMD_FLUSHALL, cmdFlushall);
  reg(CMD_SWAPDB, cmdSwapdb);
}
