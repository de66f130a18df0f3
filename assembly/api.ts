// Engine exports the host uses outside the command loop: statistics for
// INFO, settings pushed from CONFIG, and the cron's periodic work.

import { getDb, numDbs, dbSize, dbExpires, statExpiredKeys, statKeyspaceHits,
  statKeyspaceMisses, dirty, activeExpireCycle, rehashSome, resetStats, setActiveExpire,
  activeExpireEnabled, statExpiredStalePerc, dbEmpty } from "./db/db";
import { memUsed } from "./ds/mem";
import { qlNodes, qlCount, qlFill, qlCompress, qlListpackBytes } from "./ds/quicklist";
import { setProtoMaxBulkLen, setAuthRequired } from "./resp/reader";
import { setLfu } from "./db/lru";
import { statCalls, statFailed, statRejected, statCommands, resetCommandStats } from "./commands/dispatch";
import { errorCodeCount, errorCodeName, errorCodeTotal, resetErrorStats, totalErrorReplies } from "./resp/stats";
import { setNow } from "./db/db";

export function keyCount(db: i32): u32 { return dbSize(getDb(db)); }
export function expiresCount(db: i32): u32 { return dbExpires(getDb(db)); }
export function avgTtl(db: i32): f64 { return getDb(db).avgTtl; }
export function databases(): i32 { return numDbs; }
export function usedMemory(): f64 { return <f64>memUsed(); }
export function expiredKeys(): f64 { return <f64>statExpiredKeys; }
export function expiredStalePerc(): f64 { return statExpiredStalePerc; }
export function keyspaceHits(): f64 { return <f64>statKeyspaceHits; }
export function keyspaceMisses(): f64 { return <f64>statKeyspaceMisses; }
export function dirtyCount(): f64 { return <f64>dirty; }
export function commandsProcessed(): f64 { return <f64>statCommands; }
export function errorReplies(): f64 { return <f64>totalErrorReplies; }
export function cmdCalls(id: i32): f64 { return <f64>statCalls[id]; }
export function cmdFailed(id: i32): f64 { return <f64>statFailed[id]; }
export function cmdRejected(id: i32): f64 { return <f64>statRejected[id]; }

// Error codes cross as bytes in a scratch area: (len u32, bytes).
const ERRNAME = memory.data(80);
export function errorStatCount(): i32 { return errorCodeCount(); }
export function errorStatTotal(i: i32): f64 { return <f64>errorCodeTotal(i); }
export function errorStatName(i: i32): usize {
  const s = errorCodeName(i);
  const n = s.length < 64 ? s.length : 64;
  store<u32>(ERRNAME, n);
  for (let k = 0; k < n; k++) store<u8>(ERRNAME + 4 + k, <u8>s.charCodeAt(k));
  return ERRNAME;
}

/** CONFIG RESETSTAT. */
export function resetAllStats(): void {
  resetStats();
  resetEvicted();
  resetCommandStats();
  resetErrorStats();
}

export function setMaxBulkLen(v: f64): void { setProtoMaxBulkLen(<i64>v); }
export function setRequirePass(on: bool): void { setAuthRequired(on); }
export function setEvictionBits(lfu: bool, logFactor: u32, decayTime: u32): void { setLfu(lfu, logFactor, decayTime); }
export function setActiveExpireEnabled(on: bool): void { setActiveExpire(on); }
export function activeExpireIsEnabled(): bool { return activeExpireEnabled; }

/** One slice of active expiry; true if more work remains. */
export function cronExpire(nowMs: f64, budget: i32): bool {
  setNow(<i64>nowMs);
  return activeExpireCycle(budget);
}

/** One slice of incremental rehashing (100 buckets per db); true if more remains. */
export function cronRehash(): bool { return rehashSome(100); }

export function flushAllDbs(): void {
  for (let i = 0; i < numDbs; i++) dbEmpty(getDb(i));
}

// ---- introspection for engine tests -----------------------------------------------
// Lets in-process tests reach a key's entry (to exercise WRONGTYPE paths
// before other types exist). The test writes the key at peekKeyBuf().
import { dbFindRaw } from "./db/db";
const PEEK_KEY = memory.data(256);
export function peekKeyBuf(): usize { return PEEK_KEY; }
/** The key's entry address (0 if absent), for tests that need a raw look. */
export function peekEntry(db: i32, keyLen: u32): usize {
  return dbFindRaw(getDb(db), PEEK_KEY, keyLen);
}

import { setSharedIntegers as setSharedInts } from "./db/object";
/**
 * Whether new small integers are Redis's shared objects (OBJECT REFCOUNT
 * reports INT_MAX): true unless maxmemory is set with an LRU/LFU policy.
 */
export function setSharedIntegers(on: bool): void { setSharedInts(on); }

// ---- CLIENT PAUSE and DEBUG OBJECT ------------------------------------------------

import { setPauseMode } from "./commands/dispatch";
import { E_LRU, E_VAL, typeOf, encOf, strPtrOf, strLenOf, objPtrOf, ENC_INT, TYPE_STRING, TYPE_LIST } from "./db/entry";
import { dbLookupNoTouch } from "./db/db";
import { idleSeconds } from "./db/lru";

/** CLIENT PAUSE: 0 none, 1 write commands, 2 all commands (dispatch.ts). */
export function setClientPause(mode: i32): void { setPauseMode(mode); }

// Bytes the host hands in outside a client's input (a key for DEBUG OBJECT).
// Host scratch, not dataset memory, so it stays out of used_memory.
let hostArgPtr: usize = 0;
let hostArgCap: usize = 0;
export function hostArg(n: u32): usize {
  if (<usize>n > hostArgCap) {
    if (hostArgPtr != 0) heap.free(hostArgPtr);
    hostArgCap = <usize>n < 64 ? 64 : <usize>n;
    hostArgPtr = heap.alloc(hostArgCap);
  }
  return hostArgPtr;
}

// DEBUG OBJECT's view of a key, filled by debugObject():
//   0 entry address u32 | 4 type u8 | 5 encoding u8 | 8 lru bits u32 |
//   12 idle seconds u32 | 16 int value i64 | 24 value ptr u32 | 28 value len u32
const DEBUG_OBJ = memory.data(32);

/**
 * Looks up the `keyLen` key bytes at hostArg() in `db` (lazy expiry, no
 * LRU touch, as Redis's OBJECT lookups) and fills the record above; returns
 * its address, or 0 when the key does not exist.
 */
export function debugObject(db: i32, keyLen: u32): usize {
  const e = dbLookupNoTouch(getDb(db), hostArgPtr, <usize>keyLen);
  if (e == 0) return 0;
  store<u32>(DEBUG_OBJ, <u32>e);
  store<u8>(DEBUG_OBJ, typeOf(e), 4);
  store<u8>(DEBUG_OBJ, encOf(e), 5);
  store<u32>(DEBUG_OBJ, load<u32>(e, E_LRU), 8);
  store<u32>(DEBUG_OBJ, <u32>idleSeconds(e), 12);
  // Only strings expose their bytes here; other types' families add theirs.
  const isInt = encOf(e) == ENC_INT;
  const isBytes = typeOf(e) == TYPE_STRING && !isInt;
  store<i64>(DEBUG_OBJ, isInt ? load<i64>(e, E_VAL) : 0, 16);
  store<u32>(DEBUG_OBJ, isBytes ? <u32>strPtrOf(e) : 0, 24);
  store<u32>(DEBUG_OBJ, isBytes ? <u32>strLenOf(e) : 0, 28);
  return DEBUG_OBJ;
}

// DEBUG OBJECT's quicklist fields of a list (Redis prints ql_nodes,
// ql_avg_node, ql_listpack_max, ql_compressed, ql_uncompressed_size),
// filled by debugQuicklist():
//   0 nodes u32 | 4 elements u32 | 8 fill i32 | 12 compress depth i32 |
//   16 bytes of all node listpacks f64
const DEBUG_QL = memory.data(24);

/** As debugObject, for a list's quicklist; 0 if the key is not a list. */
export function debugQuicklist(db: i32, keyLen: u32): usize {
  const e = dbLookupNoTouch(getDb(db), hostArgPtr, <usize>keyLen);
  if (e == 0 || typeOf(e) != TYPE_LIST) return 0;
  const ql = objPtrOf(e);
  store<u32>(DEBUG_QL, qlNodes(ql));
  store<u32>(DEBUG_QL, qlCount(ql), 4);
  store<i32>(DEBUG_QL, qlFill(ql), 8);
  store<i32>(DEBUG_QL, qlCompress(ql), 12);
  store<f64>(DEBUG_QL, <f64>qlListpackBytes(ql), 16);
  return DEBUG_QL;
}

export { setEncodingLimits, setHllSparseMaxBytes, setStreamNodeLimits } from "./db/limits";

// ---- maxmemory -------------------------------------------------------------------------
import { setMaxmemory as setMaxmem, setHostBytes as setHostMem, performEvictions, statEvictedKeys,
  memoryForEviction, resetEvictionStats } from "./db/evict";
/** maxmemory in bytes (0 = none), the policy (db/evict.ts POLICY_*), maxmemory-samples. */
export function setMaxmemory(bytes: f64, policy: i32, samples: i32): void { setMaxmem(bytes, policy, samples); }
/** Bytes the host holds for clients (replies waiting in sockets), counted against maxmemory. */
export function setHostBytes(bytes: f64): void { setHostMem(bytes); }
/** Evicts now (CONFIG SET maxmemory lower); false if still over the limit. */
export function evictNow(): bool { return performEvictions(); }
export function evictedKeys(): f64 { return <f64>statEvictedKeys; }
export function memoryForMaxmemory(): f64 { return <f64>memoryForEviction(); }
export function resetEvicted(): void { resetEvictionStats(); }

// ---- the propagation stream (db/propagate.ts) ------------------------------------------
export { setPropEnabled, propStreamPtr, propStreamLen, propStreamClear, propFlush, setLazyfree, propResetDb, propRaw, setPropSuppressed } from "./db/propagate";

// ---- DEBUG POPULATE ------------------------------------------------------------------------

import { dbLookup, dbAdd, hashKey } from "./db/db";
import { makeStringEntry, ENCODE_EMBSTR } from "./db/strval";
import { signalModifiedKey } from "./db/watch";
import { formatU64 } from "./resp/writer";

/**
 * DEBUG POPULATE count [prefix] [size] in db `db`: keys "<prefix>:<j>"
 * holding "value:<j>" (cut or zero-padded to `size` when size > 0); keys
 * that exist are left alone, as Redis does. The prefix is at p (n bytes).
 * Not propagated, not counted as dirty (debug.c). Returns keys added.
 */
export function debugPopulate(db: i32, count: f64, p: usize, n: usize, size: f64): f64 {
  const d = getDb(db);
  const keyBuf = heap.alloc(n + 24);
  memory.copy(keyBuf, p, n);
  store<u8>(keyBuf + n, 58); // ':'
  const valCap: usize = size > 0 ? <usize>size : 32;
  const valBuf = heap.alloc(valCap > 32 ? valCap : 32);
  let added: f64 = 0;
  for (let j: u64 = 0; <f64>j < count; j++) {
    const keyLen = n + 1 + formatU64(keyBuf + n + 1, j);
    if (dbLookup(d, keyBuf, keyLen) != 0) continue;
    // "value:<j>"
    store<u8>(valBuf, 118); store<u8>(valBuf + 1, 97); store<u8>(valBuf + 2, 108);
    store<u8>(valBuf + 3, 117); store<u8>(valBuf + 4, 101); store<u8>(valBuf + 5, 58);
    let valLen: usize = 6 + formatU64(valBuf + 6, j);
    if (size > 0) {
      if (valCap > valLen) memory.fill(valBuf + valLen, 0, valCap - valLen);
      valLen = valCap;
    }
    const e = makeStringEntry(keyBuf, keyLen, hashKey(keyBuf, keyLen), valBuf, valLen, ENCODE_EMBSTR, -1);
    dbAdd(d, e);
    signalModifiedKey(db, keyBuf, keyLen);
    added++;
  }
  heap.free(keyBuf);
  heap.free(valBuf);
  return added;
}
