// The RDB boundary (persist/rdb.ts) as the host calls it: saving in steps
// into an output buffer the host drains, loading from chunks of the file,
// and the counters the host logs. Times cross as f64 (no BigInt in JS).

import {
  rdbSaveBegin as saveBegin, rdbSaveRaw as saveRaw, rdbSaveStep as saveStep, rdbOutPtr as outPtr,
  rdbOutLen as outLen, rdbOutTaken as outTaken, rdbOutRelease as outRelease, savedKeys, skippedKeys,
  rdbLoadBegin as loadBegin, rdbLoadFeed as loadFeed, rdbLoadDone as loadDone, rdbErrorText,
  rdbFunctionsPtr as functionsPtr, rdbFunctionsLen as functionsLen, loadedKeys, expiredOnLoad, emptyOnLoad,
  setRdbCompression as setCompression,
} from "./persist/rdb";
import { memAlloc } from "./ds/mem";
import { getDb, dbFindRaw } from "./db/db";
import { dumpPayload, dumpOutLen, rdbCanSave, rdbCompression } from "./persist/rdb";

/**
 * DEBUG OBJECT's serializedlength: the bytes the value takes in an RDB file
 * (Redis's rdbSavedObjectLen), LZF included when rdbcompression is on; -1
 * for a missing key.
 */
export function rdbSerializedLength(db: i32, keyPtr: usize, keyLen: usize): f64 {
  const e = dbFindRaw(getDb(db), keyPtr, keyLen);
  if (e == 0 || !rdbCanSave(e)) return -1;
  dumpPayload(e, rdbCompression);
  // Less the type byte and the DUMP footer (version and CRC-64).
  return <f64>(dumpOutLen() - 11);
}
import { setLoadingMode, setDiskError as setDiskErrorMode, setAofError } from "./commands/dispatch";

/** stop-writes-on-bgsave-error after a failed save: writes answer MISCONF. */
export function setDiskError(on: bool): void { setDiskErrorMode(on); }

/**
 * A failed AOF write or fsync: writes answer "MISCONF Errors writing to the
 * AOF file: <reason>" (the reason's bytes at p, latin1); n == 0 clears it.
 */
export function setAofWriteError(p: usize, n: usize): void {
  setAofError(n == 0 ? null : "MISCONF Errors writing to the AOF file: " + String.UTF8.decodeUnsafe(p, n));
}

/** Startup loading: commands without the `loading` flag answer LOADING. */
export function setLoading(on: bool): void { setLoadingMode(on); }

export function rdbSaveBegin(ctimeSec: f64, usedMem: f64, flags: u32): void { saveBegin(<i64>ctimeSec, <u64>usedMem, flags); }
export function rdbSaveRaw(p: usize, n: usize): void { saveRaw(p, n); }
export function rdbSaveStep(limit: u32): i32 { return saveStep(limit); }
export function rdbOutPtr(): usize { return outPtr(); }
export function rdbOutLen(): usize { return outLen(); }
export function rdbOutTaken(): void { outTaken(); }
export function rdbOutRelease(): void { outRelease(); }
export function rdbSavedKeys(): f64 { return <f64>savedKeys; }
export function rdbSkippedKeys(): f64 { return <f64>skippedKeys; }

export function rdbLoadBegin(nowMs: f64, flags: u32): void { loadBegin(<i64>nowMs, flags); }
export function rdbLoadFeed(p: usize, n: usize, final: bool): i32 { return loadFeed(p, n, final); }
export function rdbLoadDone(): bool { return loadDone(); }
export function rdbLoadedKeys(): f64 { return <f64>loadedKeys; }
export function rdbExpiredOnLoad(): f64 { return <f64>expiredOnLoad; }
export function rdbEmptyOnLoad(): f64 { return <f64>emptyOnLoad; }
export function rdbFunctionsPtr(): usize { return functionsPtr(); }
export function rdbFunctionsLen(): usize { return functionsLen(); }
export function setRdbCompression(on: bool): void { setCompression(on); }

// The error text as latin1 bytes in a scratch block (ptr, then length at rdbErrorLen).
let errBuf: usize = 0;
let errLen: usize = 0;
export function rdbErrorPtr(): usize {
  const s = rdbErrorText;
  errLen = <usize>s.length;
  errBuf = memAlloc(errLen + 1);
  for (let i = 0; i < s.length; i++) store<u8>(errBuf + i, <u8>s.charCodeAt(i));
  return errBuf;
}
export function rdbErrorLen(): usize { return errLen; }

/** A host-owned scratch block in engine memory (the loader's input window). */
export function rdbAlloc(n: usize): usize { return memAlloc(n); }
export { memFree as rdbFree } from "./ds/mem";

// ---- the AOF base as commands (aof-use-rdb-preamble no) --------------------------------

export {
  aofRewriteBegin, aofRewriteStep, aofRewriteOutPtr, aofRewriteOutLen, aofRewriteOutTaken, aofRewriteRelease,
} from "./persist/aofrewrite";
import { rewrittenKeys } from "./persist/aofrewrite";
export function aofRewrittenKeys(): f64 { return <f64>rewrittenKeys; }

// Background snapshots (persist/snapshot.ts): the output is drained with the
// rdbOut* functions above, as for SAVE.
import {
  snapshotBegin as snapBegin, snapshotStep as snapStep, snapshotStop as snapStop, snapshotRunning,
  snapHookKeys, snapHookBytes,
} from "./persist/snapshot";
export function snapshotBegin(ctimeSec: f64, usedMem: f64, flags: u32): void { snapBegin(<i64>ctimeSec, <u64>usedMem, flags); }
export function snapshotStep(limit: u32): i32 { return snapStep(limit); }
export function snapshotStop(): void { snapStop(); }
export function snapshotActive(): bool { return snapshotRunning(); }
export function snapshotHookKeys(): f64 { return <f64>snapHookKeys; }
export function snapshotHookBytes(): f64 { return <f64>snapHookBytes; }
