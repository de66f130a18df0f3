// DUMP and RESTORE: a value as an RDB payload and back (persist/rdb.ts
// writes and reads it, so the bytes are those of an RDB file's value).

import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd } from "../db/propagate";
import { register as reg } from "./dispatch";
import { curDb, argIs, parseLongOrReply, argInt } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import { replyBulk, replyNull, replyError, replySimple } from "../resp/writer";
import { E_SYNTAX } from "../resp/errors";
import {
  E_BUSYKEY, E_RESTORE_TTL, E_RESTORE_IDLETIME, E_RESTORE_FREQ, E_DUMP_PAYLOAD, E_BAD_DATA_FORMAT,
} from "../resp/errors";
import { CMD_DUMP, CMD_RESTORE } from "./table.gen";
import { dbLookup, dbLookupRead, dbDelete, dbAdd, dbSetExpire, addDirty, nowMs } from "../db/db";
import { keyChanged, NOTIFY_GENERIC } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import { lruInit } from "../db/lru";
import { freeValue } from "../db/object";
import { memFree } from "../ds/mem";
import {
  dumpPayload, verifyDumpPayload, restoreValue, dumpOutPtr, dumpOutLen, rdbCanSave, setLruOrLfu, rdbCompression,
} from "../persist/rdb";

// DUMP key — the value serialized as Redis does (RDB value, RDB version,
// CRC-64), or nil. O(N) in the value's size.
function cmdDump(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (!rdbCanSave(e)) { replyError("ERR this build cannot serialize keys of this type yet"); return; }
  dumpPayload(e, rdbCompression);
  replyBulk(dumpOutPtr(), dumpOutLen());
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
// [FREQ frequency] — OK. Refuses an existing key without REPLACE, a payload
// whose version or checksum is wrong, and one that does not parse.
function cmdRestore(): void {
  let replace = false;
  let absttl = false;
  let idle: i64 = -1;
  let freq: i64 = -1;
  for (let j = 4; j < curArgc; j++) {
    const more = curArgc - j - 1;
    if (argIs(j, "REPLACE")) {
      replace = true;
    } else if (argIs(j, "ABSTTL")) {
      absttl = true;
    } else if (argIs(j, "IDLETIME") && more >= 1 && freq == -1) {
      if (!parseLongOrReply(j + 1)) return;
      if (argInt < 0) { replyError(E_RESTORE_IDLETIME); return; }
      idle = argInt;
      j++;
    } else if (argIs(j, "FREQ") && more >= 1 && idle == -1) {
      if (!parseLongOrReply(j + 1)) return;
      if (argInt < 0 || argInt > 255) { replyError(E_RESTORE_FREQ); return; }
      freq = argInt;
      j++;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  const db = curDb();
  const keyPtr = argPtr(1);
  const keyLen = argLen(1);
  if (!replace && dbLookup(db, keyPtr, keyLen) != 0) { replyError(E_BUSYKEY); return; }
  if (!parseLongOrReply(2)) return;
  let ttl = argInt;
  if (ttl < 0) { replyError(E_RESTORE_TTL); return; }
  const p = argPtr(3);
  const n = argLen(3);
  if (!verifyDumpPayload(p, n)) { replyError(E_DUMP_PAYLOAD); return; }
  let e = restoreValue(p, n, keyPtr, keyLen);
  if (e == 0) { replyError(E_BAD_DATA_FORMAT); return; }
  const deleted = replace && dbDelete(db, keyPtr, keyLen);
  if (ttl != 0 && !absttl) ttl += nowMs;
  if (ttl != 0 && ttl <= nowMs) {
    // Already expired: nothing is created (a replaced key is just deleted).
    if (deleted) {
      keyChanged(db.index, keyPtr, keyLen, NOTIFY_GENERIC, "del");
      addDirty(1);
      // Propagated as the delete it amounted to.
      if (propEnabled) {
        rewriteBegin(db.index, 2);
        opArgAscii("DEL");
        opArg(keyPtr, keyLen);
        opEnd();
      }
    }
    freeValue(e);
    memFree(e);
    replySimple("OK");
    return;
  }
  lruInit(e);
  dbAdd(db, e);
  if (ttl != 0) e = dbSetExpire(db, e, ttl);
  setLruOrLfu(e, idle, <i32>freq);
  signalModifiedKey(db.index, keyPtr, keyLen);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_GENERIC, "restore");
  replySimple("OK");
  addDirty(1);
  // A relative TTL propagates as the absolute time, with ABSTTL appended.
  if (ttl != 0 && !absttl && propEnabled) {
    rewriteBegin(db.index, curArgc + 1);
    for (let j = 0; j < curArgc; j++) {
      if (j == 2) opArgInt(ttl); else opArg(argPtr(j), argLen(j));
    }
    opArgAscii("ABSTTL");
    opEnd();
  }
}

export function register(): void {
  reg(CMD_DUMP, cmdDump);
  reg(CMD_RESTORE, cmdRestore);
}
