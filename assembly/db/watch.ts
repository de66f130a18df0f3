// WATCH: which clients watch which keys, and the signal every write sends
// (signalModifiedKey) that makes their next EXEC fail. The registry is a
// dict (ds/dict.ts) of watch records keyed by (db number, key): watches
// follow the database number, not its contents, so SWAPDB and FLUSHDB
// touch them as Redis's per-db watched_keys do.
//
// Watch record (one block):
//   0 next | 4 hash | 8 keyLen (4 + key length) | 12 clientsPtr u32 | 16 nClients u32 |
//   20 cap u32 | 24 db i32 (the first 4 key bytes) | 28 key bytes ...
//   clientsPtr: u32 client slots, in watch order.
//
// Each client keeps (record, expired-when-watched) pairs (client.ts watchPtr)
// so UNWATCH, EXEC and disconnect release exactly its own records.
// Costs: signalModifiedKey is one branch while nobody watches, otherwise a
// dict lookup; FLUSHDB/SWAPDB walk the watched keys of the db.

import { Dict, dictNew, dictFind, dictInsert, dictUnlink, dictForEach, dictSize, dictTableBytes } from "../ds/dict";
import { memAlloc, memFree, memRealloc, blockFootprint } from "../ds/mem";
import { hashBytes } from "../ds/hash";
import { Client, clientGet, CF_DIRTY_CAS, setUnwatchHook } from "../client";
import { Db, getDb, dbFindRaw, isExpired, numDbs } from "./db";

const W_CLIENTS: usize = 12;
const W_COUNT: usize = 16;
const W_CAP: usize = 20;
const W_DB: usize = 24;
const W_KEY: usize = 28;

let registry: Dict = changetype<Dict>(0);
/** Keys watched by at least one client: zero keeps signalModifiedKey a single branch. */
let watchedKeys: u32 = 0;

// (db, key) as the dict sees it: 4 bytes of db number, then the key.
let probePtr: usize = 0;
let probeCap: usize = 0;

function probe(db: i32, keyPtr: usize, keyLen: usize): usize {
  const need = keyLen + 4;
  if (need > probeCap) {
    probeCap = need < 64 ? 64 : need * 2;
    probePtr = memRealloc(probePtr, probeCap);
  }
  store<i32>(probePtr, db);
  memory.copy(probePtr + 4, keyPtr, keyLen);
  return need;
}

function find(db: i32, keyPtr: usize, keyLen: usize): usize {
  if (watchedKeys == 0) return 0;
  const n = probe(db, keyPtr, keyLen);
  return dictFind(registry, probePtr, n, hashBytes(probePtr, n));
}

export function initWatch(): void {
  registry = dictNew(<u32>W_DB);
  setUnwatchHook(unwatchAllKeys);
}

function dirtyClients(rec: usize): void {
  const p = <usize>load<u32>(rec, W_CLIENTS);
  const n = load<u32>(rec, W_COUNT);
  for (let i: u32 = 0; i < n; i++) {
    const c = clientGet(load<u32>(p + (<usize>i << 2)));
    c.flags |= CF_DIRTY_CAS;
  }
}

/** A write changed (or deleted) the key: every client watching it fails its EXEC. */
export function signalModifiedKey(db: i32, keyPtr: usize, keyLen: usize): void {
  if (watchedKeys == 0) return;
  const rec = find(db, keyPtr, keyLen);
  if (rec != 0) dirtyClients(rec);
}

/** WATCH key: records it for the client (once). `expired` is whether it was logically expired then. */
export function watchKey(c: Client, db: i32, keyPtr: usize, keyLen: usize, expired: bool): void {
  let rec = find(db, keyPtr, keyLen);
  if (rec != 0) {
    // Already watched by this client: nothing to do.
    const p = <usize>load<u32>(rec, W_CLIENTS);
    const n = load<u32>(rec, W_COUNT);
    for (let i: u32 = 0; i < n; i++) if (load<u32>(p + (<usize>i << 2)) == c.id) return;
  } else {
    const n = probe(db, keyPtr, keyLen);
    rec = memAlloc(W_DB + n);
    store<u32>(rec, 0);
    store<u32>(rec, hashBytes(probePtr, n), 4);
    store<u32>(rec, <u32>n, 8);
    store<u32>(rec, 0, W_CLIENTS);
    store<u32>(rec, 0, W_COUNT);
    store<u32>(rec, 0, W_CAP);
    memory.copy(rec + W_DB, probePtr, n);
    dictInsert(registry, rec);
    watchedKeys++;
  }
  // The record's client list.
  let n = load<u32>(rec, W_COUNT);
  let cap = load<u32>(rec, W_CAP);
  if (n == cap) {
    cap = cap == 0 ? 2 : cap * 2;
    store<u32>(rec, <u32>memRealloc(<usize>load<u32>(rec, W_CLIENTS), <usize>cap << 2), W_CLIENTS);
    store<u32>(rec, cap, W_CAP);
  }
  store<u32>(<usize>load<u32>(rec, W_CLIENTS) + (<usize>n << 2), c.id);
  store<u32>(rec, n + 1, W_COUNT);
  // The client's list.
  if (c.watchLen == c.watchCap) {
    c.watchCap = c.watchCap == 0 ? 4 : c.watchCap * 2;
    c.watchPtr = <u32>memRealloc(<usize>c.watchPtr, <usize>c.watchCap << 3);
  }
  const at = <usize>c.watchPtr + (<usize>c.watchLen << 3);
  store<u32>(at, <u32>rec);
  store<u32>(at, expired ? 1 : 0, 4);
  c.watchLen++;
}

/** UNWATCH, EXEC, DISCARD, RESET and disconnect: drops all of the client's watches. */
export function unwatchAllKeys(c: Client): void {
  for (let i: u32 = 0; i < c.watchLen; i++) {
    const rec = <usize>load<u32>(<usize>c.watchPtr + (<usize>i << 3));
    const p = <usize>load<u32>(rec, W_CLIENTS);
    const n = load<u32>(rec, W_COUNT);
    for (let j: u32 = 0; j < n; j++) {
      if (load<u32>(p + (<usize>j << 2)) == c.id) {
        memory.copy(p + (<usize>j << 2), p + (<usize>(j + 1) << 2), <usize>(n - j - 1) << 2);
        break;
      }
    }
    if (n == 1) {
      dictUnlink(registry, rec);
      memFree(p);
      memFree(rec);
      watchedKeys--;
    } else {
      store<u32>(rec, n - 1, W_COUNT);
    }
  }
  c.watchLen = 0;
}

/**
 * EXEC's check for watched keys whose TTL has passed since WATCH without
 * anything deleting them yet: Redis 7.0 counts them as modified (a key
 * already expired when watched does not count).
 */
export function watchedKeyExpired(c: Client): bool {
  for (let i: u32 = 0; i < c.watchLen; i++) {
    const at = <usize>c.watchPtr + (<usize>i << 3);
    if (load<u32>(at, 4) != 0) continue;
    const rec = <usize>load<u32>(at);
    const keyLen = <usize>load<u32>(rec, 8) - 4;
    const e = dbFindRaw(getDb(load<i32>(rec, W_DB)), rec + W_KEY, keyLen);
    if (e != 0 && isExpired(e)) return true;
  }
  return false;
}

// ---- whole databases -----------------------------------------------------------------

let touchDb: i32 = 0;
let touchEmptied: Db = changetype<Db>(0);
let touchReplacement: Db = changetype<Db>(0);

function touchIfPresent(rec: usize, _ctx: usize): void {
  if (load<i32>(rec, W_DB) != touchDb) return;
  const keyPtr = rec + W_KEY;
  const keyLen = <usize>load<u32>(rec, 8) - 4;
  if (dbFindRaw(touchEmptied, keyPtr, keyLen) != 0 ||
      (changetype<usize>(touchReplacement) != 0 && dbFindRaw(touchReplacement, keyPtr, keyLen) != 0)) {
    dirtyClients(rec);
  }
}

/**
 * FLUSHDB/FLUSHALL (replacement null) and SWAPDB: clients watching a key of
 * db number `dbIndex` that exists in `emptied` (its contents before the
 * change) or in `replacement` (what takes its place) fail their EXEC.
 * Call before the change.
 */
export function touchAllWatchedKeysInDb(dbIndex: i32, emptied: Db, replacement: Db): void {
  if (watchedKeys == 0) return;
  touchDb = dbIndex;
  touchEmptied = emptied;
  touchReplacement = replacement;
  dictForEach(registry, touchIfPresent, 0);
}

/** FLUSHALL: every database. */
export function touchAllWatchedKeys(): void {
  if (watchedKeys == 0) return;
  for (let i = 0; i < numDbs; i++) touchAllWatchedKeysInDb(i, getDb(i), changetype<Db>(0));
}

export function watchedKeyCount(): u32 { return dictSize(registry); }

// ---- memory (MEMORY STATS, INFO mem_clients_normal) -------------------------------------

function addRecordBytes(rec: usize, _ctx: usize): void {
  const p = <usize>load<u32>(rec, W_CLIENTS);
  watchBytes += <u64>blockFootprint(rec) + (p != 0 ? <u64>blockFootprint(p) : 0);
}
let watchBytes: u64 = 0;

/** Bytes of the WATCH registry: its table, every record and record's client list, the probe buffer. */
export function watchMemory(): u64 {
  watchBytes = 0;
  if (watchedKeys > 0) dictForEach(registry, addRecordBytes, 0);
  return watchBytes + dictTableBytes(registry) + (probePtr != 0 ? <u64>blockFootprint(probePtr) : 0);
}
