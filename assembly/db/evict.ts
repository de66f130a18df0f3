// maxmemory: Redis's approximated eviction (evict.c). Before each command
// the engine checks the memory figure against `maxmemory`; while it is
// over, it evicts the best key of a pool of candidates refilled by sampling
// `maxmemory-samples` keys per database: the longest idle (LRU), the least
// frequently used (LFU), the nearest expiry (volatile-ttl), or a random key.
//
// The memory figure is the engine's exact byte count (every block in linear
// memory: keys, values, client input and reply buffers, the engine's own
// structures) plus what the host reports it holds for clients (replies
// waiting in sockets), which Redis counts too because its buffers live in
// the same heap.
//
// Pool slot layout (POOL_SIZE slots of 24 bytes, sorted by idle ascending,
// filled from the left):
//   | idle u64 | keyPtr u32 (0 = empty) | keyLen u32 | db i32 | cached u32 |
// A slot's key is copied into its `cached` buffer (KEY_CACHE bytes, made
// once, as Redis's pool keeps an sds of 255 bytes per slot), or into a block
// of its own when longer: an insertion allocates nothing for usual keys.
// Slots move as the pool shifts; each cached buffer moves with them, and
// the slot a shift overwrites hands its buffer to the slot it frees.

import { propagateDeletion, lazyfreeEviction } from "./propagate";
import { memAlloc, memFree, memUsed, blockFootprint } from "../ds/mem";
import { randomBelow } from "../ds/hash";
import { dictRandom, dictSampleKeys, dictSize } from "../ds/dict";
import { Db, getDb, numDbs, dbFindRaw, dbDeleteEntry, dbExpireIfNeeded } from "./db";
import { E_KEY, keyLenOf, hasExpire, expireAtOf } from "./entry";
import { idleSeconds, lfuDecayed } from "./lru";
import { notifyKeyspaceEvent, NOTIFY_EVICTED } from "./notify";
import { signalModifiedKey } from "./watch";

export const POLICY_NOEVICTION: i32 = 0;
export const POLICY_ALLKEYS_LRU: i32 = 1;
export const POLICY_VOLATILE_LRU: i32 = 2;
export const POLICY_ALLKEYS_LFU: i32 = 3;
export const POLICY_VOLATILE_LFU: i32 = 4;
export const POLICY_ALLKEYS_RANDOM: i32 = 5;
export const POLICY_VOLATILE_RANDOM: i32 = 6;
export const POLICY_VOLATILE_TTL: i32 = 7;

/** 0: no limit. */
export let maxmemory: u64 = 0;
let policy: i32 = POLICY_NOEVICTION;

/** Whether the policy evicts by LRU (RDB files then record each key's idle time). */
export function evictPolicyIsLru(): bool {
  return policy == POLICY_ALLKEYS_LRU || policy == POLICY_VOLATILE_LRU;
}
let samples: i32 = 5;
/** Bytes the host holds on the engine's behalf (client output not yet sent). */
let hostBytes: u64 = 0;

export let statEvictedKeys: u64 = 0;

export function setMaxmemory(bytes: f64, pol: i32, nSamples: i32): void {
  maxmemory = <u64>bytes;
  policy = pol;
  samples = nSamples < 1 ? 1 : nSamples;
}

export function setHostBytes(bytes: f64): void { hostBytes = <u64>bytes; }
export function resetEvictionStats(): void { statEvictedKeys = 0; }

/** The figure compared with maxmemory (used_memory as Redis counts it for eviction). */
export function memoryForEviction(): u64 {
  return memUsed() + hostBytes;
}

// @ts-ignore: decorator
@inline function volatileOnly(): bool {
  return policy == POLICY_VOLATILE_LRU || policy == POLICY_VOLATILE_LFU ||
    policy == POLICY_VOLATILE_RANDOM || policy == POLICY_VOLATILE_TTL;
}

// ---- the candidate pool ---------------------------------------------------------------

const POOL_SIZE: i32 = 16;
const SLOT: usize = 24;
const KEY_CACHE: usize = 255;
let pool: usize = 0;
/** dictSampleKeys' output: room for `sampledCap` entry pointers. */
let sampled: usize = 0;
let sampledCap: i32 = 0;

// @ts-ignore: decorator
@inline function slot(i: i32): usize { return pool + <usize>i * SLOT; }
// @ts-ignore: decorator
@inline function keyOf(p: usize): usize { return <usize>load<u32>(p, 8); }
// @ts-ignore: decorator
@inline function cachedOf(p: usize): usize { return <usize>load<u32>(p, 20); }

function poolInit(): void {
  pool = memAlloc(<usize>POOL_SIZE * SLOT);
  memory.fill(pool, 0, <usize>POOL_SIZE * SLOT);
  for (let k = 0; k < POOL_SIZE; k++) store<u32>(slot(k), <u32>memAlloc(KEY_CACHE), 20);
}

/** Room for `want` sampled entries (maxmemory-samples may be raised at any time). */
function sampleRoom(want: i32): usize {
  if (sampledCap < want) {
    if (sampled != 0) memFree(sampled);
    sampled = memAlloc(<usize>want << 2);
    sampledCap = want;
  }
  return sampled;
}

/** Empties slot i, freeing its key unless it sits in the slot's cached buffer. */
function slotClear(i: i32): void {
  const p = slot(i);
  const key = keyOf(p);
  if (key != 0 && key != cachedOf(p)) memFree(key);
  store<u32>(p, 0, 8);
}

/** Redis's idle score: higher is a better candidate. */
function score(e: usize): u64 {
  if (policy == POLICY_VOLATILE_TTL) return <u64>(-1) - <u64>expireAtOf(e);
  if (policy == POLICY_ALLKEYS_LFU || policy == POLICY_VOLATILE_LFU) return <u64>(255 - lfuDecayed(e));
  return idleSeconds(e) * 1000;
}

/** Inserts a sampled key in the sorted pool, if it beats the worst kept one. */
function poolInsert(e: usize, db: i32): void {
  const idle = score(e);
  // First slot whose idle is not below ours (slots fill from the left).
  let k = 0;
  while (k < POOL_SIZE && keyOf(slot(k)) != 0 && load<u64>(slot(k)) < idle) k++;
  if (k == 0 && keyOf(slot(POOL_SIZE - 1)) != 0) return; // worse than everything, pool full
  if (k < POOL_SIZE && keyOf(slot(k)) == 0) {
    // Empty slot: take it.
  } else if (keyOf(slot(POOL_SIZE - 1)) == 0) {
    // Room on the right: shift k.. one step right; the empty last slot's
    // buffer comes round to k.
    const cached = cachedOf(slot(POOL_SIZE - 1));
    memory.copy(slot(k + 1), slot(k), <usize>(POOL_SIZE - k - 1) * SLOT);
    store<u32>(slot(k), 0, 8);
    store<u32>(slot(k), <u32>cached, 20);
  } else {
    // Full: drop the leftmost (worst) and shift left up to k-1; its buffer
    // comes round to k-1.
    k--;
    slotClear(0);
    const cached = cachedOf(slot(0));
    memory.copy(slot(0), slot(1), <usize>k * SLOT);
    store<u32>(slot(k), 0, 8);
    store<u32>(slot(k), <u32>cached, 20);
  }
  const p = slot(k);
  const keyLen = keyLenOf(e);
  const copy = keyLen <= KEY_CACHE ? cachedOf(p) : memAlloc(keyLen);
  memory.copy(copy, e + E_KEY, keyLen);
  store<u64>(p, idle);
  store<u32>(p, <u32>copy, 8);
  store<u32>(p, <u32>keyLen, 12);
  store<i32>(p, db, 16);
}

/**
 * Offers `maxmemory-samples` keys of `db` to the pool: neighbours from one
 * random place in the key table as Redis samples them (dictSampleKeys), or
 * random keys of the volatile index. Returns the keys the policy may evict.
 */
function samplePool(db: Db): u32 {
  if (volatileOnly()) {
    const n = db.volLen;
    if (n == 0) return 0;
    for (let i = 0; i < samples; i++) {
      poolInsert(<usize>load<u32>(<usize>db.volPtr + (<usize>randomBelow(n) << 2)), db.index);
    }
    return n;
  }
  const n = dictSize(db.dict);
  if (n == 0) return 0;
  // No more than the keys there are: a huge maxmemory-samples costs no more.
  const want = <u32>samples < n ? <u32>samples : n;
  const out = sampleRoom(<i32>want);
  const got = dictSampleKeys(db.dict, out, want);
  for (let i: u32 = 0; i < got; i++) poolInsert(<usize>load<u32>(out + (<usize>i << 2)), db.index);
  return n;
}

/** The best candidate still present (and still volatile if it must be), removed from the pool. */
function poolBest(): usize {
  for (let k = POOL_SIZE - 1; k >= 0; k--) {
    const p = slot(k);
    const keyPtr = <usize>load<u32>(p, 8);
    if (keyPtr == 0) continue;
    const db = getDb(load<i32>(p, 16));
    const e = dbFindRaw(db, keyPtr, <usize>load<u32>(p, 12));
    slotClear(k);
    // Close the gap so the pool stays packed to the left; the emptied
    // slot's buffer goes to the last slot.
    const cached = cachedOf(p);
    memory.copy(p, p + SLOT, <usize>(POOL_SIZE - k - 1) * SLOT);
    store<u32>(slot(POOL_SIZE - 1), 0, 8);
    store<u32>(slot(POOL_SIZE - 1), <u32>cached, 20);
    if (e != 0 && (!volatileOnly() || hasExpire(e))) {
      bestDb = db;
      return e;
    }
  }
  return 0;
}

let bestDb: Db = changetype<Db>(0);
let nextRandomDb: i32 = 0;

function randomCandidate(): usize {
  for (let i = 0; i < numDbs; i++) {
    const db = getDb(nextRandomDb);
    nextRandomDb = (nextRandomDb + 1) % numDbs;
    if (volatileOnly()) {
      if (db.volLen > 0) {
        bestDb = db;
        return <usize>load<u32>(<usize>db.volPtr + (<usize>randomBelow(db.volLen) << 2));
      }
    } else if (dictSize(db.dict) > 0) {
      bestDb = db;
      return dictRandom(db.dict);
    }
  }
  return 0;
}

/**
 * Evicts until the memory figure is at or under maxmemory. Returns false if
 * it is still over (nothing left that the policy may evict): denyoom
 * commands are then refused with -OOM.
 */
export function performEvictions(): bool {
  if (maxmemory == 0 || memoryForEviction() <= maxmemory) return true;
  if (policy == POLICY_NOEVICTION) return false;
  if (pool == 0) poolInit();
  while (memoryForEviction() > maxmemory) {
    let e: usize = 0;
    if (policy == POLICY_ALLKEYS_RANDOM || policy == POLICY_VOLATILE_RANDOM) {
      e = randomCandidate();
    } else {
      while (e == 0) {
        let total: u32 = 0;
        for (let i = 0; i < numDbs; i++) total += samplePool(getDb(i));
        if (total == 0) break;
        e = poolBest();
      }
    }
    if (e == 0) return false;
    const db = bestDb;
    // A key already past its TTL goes as expired, not evicted (Redis
    // deletes it on the lookup it makes).
    if (dbExpireIfNeeded(db, e)) continue;
    const keyLen = keyLenOf(e);
    notifyKeyspaceEvent(NOTIFY_EVICTED, "evicted", e + E_KEY, keyLen, db.index);
    signalModifiedKey(db.index, e + E_KEY, keyLen);
    propagateDeletion(db.index, e + E_KEY, keyLen, lazyfreeEviction);
    dbDeleteEntry(db, e);
    statEvictedKeys++;
  }
  return true;
}

/** Bytes of the candidate pool and the key copies it holds (MEMORY STATS). */
export function evictPoolMemory(): u64 {
  if (pool == 0) return 0;
  let n = <u64>blockFootprint(pool) + (sampled != 0 ? <u64>blockFootprint(sampled) : 0);
  for (let k = 0; k < POOL_SIZE; k++) {
    const p = slot(k);
    n += <u64>blockFootprint(cachedOf(p));
    const keyPtr = keyOf(p);
    if (keyPtr != 0 && keyPtr != cachedOf(p)) n += <u64>blockFootprint(keyPtr);
  }
  return n;
}

/** MEMORY PURGE: drops the pool's candidates (the next eviction samples afresh). */
export function evictPoolClear(): void {
  if (pool == 0) return;
  for (let k = 0; k < POOL_SIZE; k++) slotClear(k);
}
