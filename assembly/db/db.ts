// The keyspace: `numDbs` databases, each a dict of entries (db/entry.ts)
// plus a dense array of the entries that carry a TTL ("volatile"), which is
// the expiry index: active expiry samples it uniformly in O(1).
//
// Db header layout (a separate allocation):
//   0 dict u32 | 4 volPtr u32 | 8 volLen u32 | 12 volCap u32 | 16 avgTtl f64 | 24 index i32
//
// Invariants: an entry has FLAG_EXPIRE iff it sits in its db's volatile
// array, at index volIdxOf(entry). Every function that frees or reallocates
// an entry goes through this file, so both structures stay in step. Every
// function here that finds, changes, relinks or frees an existing entry
// calls snapGuard first, so a running background snapshot has saved the
// entry's value before anyone can change it (persist/snapshot.ts): commands
// get entries only from these functions.
// Costs: lookup/insert/delete O(1) expected; setExpire O(1), and O(key size)
// when it must reallocate the entry to make room for the TTL.

import { propagateDeletion, lazyfreeExpire } from "./propagate";
import { Dict, dictNew, dictFind, dictInsert, dictUnlink, dictReplace, dictSize,
  dictShrinkIfNeeded, dictForEach, dictClear, dictRandom, dictRehash, ENTRY_HASH } from "../ds/dict";
import { memAlloc, memFree, memRealloc, blockFootprint, blockSize } from "../ds/mem";
import { hashBytes, randomBelow } from "../ds/hash";
import {
  E_KEY, E_FLAGS, E_TYPE, E_ENC, E_LRU, E_VAL, E_VAL_PTR, FLAG_EXPIRE, FLAG_INT_PRIVATE,
  keyLenOf, hasExpire, expireSlot, entrySizeFor, embLenOf, volIdxOf, setVolIdx,
  typeOf, encOf, expireAtOf,
} from "./entry";
import { freeValue, valueFootprint, sharedIntegers } from "./object";
import { lruTouch, lruInit } from "./lru";
import { readyWatch, signalKeyAsReady, signalDbAsReady } from "./ready";
import { notifyKeyspaceEvent, NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_NEW } from "./notify";
import { signalModifiedKey } from "./watch";
import { TYPE_LIST, TYPE_ZSET, TYPE_STREAM, E_SNAP } from "./entry";
import { snapActive, snapEpoch, snapshotSaveOld, snapshotRetire } from "../persist/snapshot";

@unmanaged export class Db {
  dict: Dict;
  volPtr: u32;
  volLen: u32;
  volCap: u32;
  avgTtl: f64;
  /** Its number as clients SELECT it (changes with SWAPDB). */
  index: i32;
}

export let numDbs: i32 = 16;
let dbs: usize = 0; // u32 array of Db pointers

/** The clock for this call, in unix ms, set by the host on every entry. */
export let nowMs: i64 = 0;
export function setNow(ms: i64): void { nowMs = ms; }

// Stats for INFO, read by the host.
export let statExpiredKeys: u64 = 0;
export let statExpiredStalePerc: f64 = 0;
export let statKeyspaceHits: u64 = 0;
export let statKeyspaceMisses: u64 = 0;
export let dirty: u64 = 0;
/** When false (DEBUG SET-ACTIVE-EXPIRE 0) the cron does not expire keys. */
export let activeExpireEnabled: bool = true;
export function setActiveExpire(on: bool): void { activeExpireEnabled = on; }
export function addDirty(n: u64): void { dirty += n; }
export function resetStats(): void {
  statExpiredKeys = 0; statKeyspaceHits = 0; statKeyspaceMisses = 0; statExpiredStalePerc = 0;
}

export function initDbs(n: i32): void {
  numDbs = n;
  dbs = memAlloc(<usize>n << 2);
  for (let i = 0; i < n; i++) {
    const db = changetype<Db>(memAlloc(offsetof<Db>()));
    db.dict = dictNew(<u32>E_KEY);
    db.volPtr = 0; db.volLen = 0; db.volCap = 0; db.avgTtl = 0;
    db.index = i;
    store<u32>(dbs + (<usize>i << 2), changetype<u32>(db));
  }
}

// @ts-ignore: decorator
@inline export function getDb(i: i32): Db {
  return changetype<Db>(<usize>load<u32>(dbs + (<usize>i << 2)));
}

export function dbSize(db: Db): u32 { return dictSize(db.dict); }
export function dbExpires(db: Db): u32 { return db.volLen; }

// ---- the background snapshot's pre-write hook ----------------------------------

/**
 * Before anything may change, replace, move or delete `e`, or a command gets
 * it in hand: a running background snapshot saves the key's value first if
 * it has not yet (persist/snapshot.ts). One flag test when none runs.
 */
// @ts-ignore: decorator
@inline export function snapGuard(db: Db, e: usize): void {
  if (snapActive && load<u8>(e, E_SNAP) != snapEpoch) snapshotSaveOld(db, e);
}

// ---- volatile array -------------------------------------------------------

function volAdd(db: Db, e: usize): void {
  if (db.volLen == db.volCap) {
    const cap = db.volCap < 8 ? 8 : db.volCap * 2;
    db.volPtr = <u32>memRealloc(<usize>db.volPtr, <usize>cap << 2);
    db.volCap = cap;
  }
  store<u32>(<usize>db.volPtr + (<usize>db.volLen << 2), <u32>e);
  setVolIdx(e, db.volLen);
  db.volLen++;
}

function volRemove(db: Db, e: usize): void {
  const i = volIdxOf(e);
  const last = db.volLen - 1;
  if (i != last) {
    const moved = <usize>load<u32>(<usize>db.volPtr + (<usize>last << 2));
    store<u32>(<usize>db.volPtr + (<usize>i << 2), <u32>moved);
    setVolIdx(moved, i);
  }
  db.volLen = last;
  if (db.volCap > 64 && db.volLen * 4 < db.volCap) {
    db.volCap = db.volCap / 2;
    db.volPtr = <u32>memRealloc(<usize>db.volPtr, <usize>db.volCap << 2);
  }
}

// ---- entries ---------------------------------------------------------------

/**
 * Allocates an entry for `key` with room for `embLen` inline value bytes;
 * the caller fills type, encoding and value, then calls dbAdd.
 */
export function newEntry(keyPtr: usize, keyLen: usize, hash: u32, embLen: usize, withExpire: bool): usize {
  const e = memAlloc(entrySizeFor(keyLen, embLen, withExpire));
  store<u32>(e, 0, 0);
  store<u32>(e, hash, ENTRY_HASH);
  store<u32>(e, <u32>keyLen, 8);
  store<u64>(e, 0, E_VAL_PTR);
  store<u32>(e, 0, E_TYPE); // type, enc, flags, snap
  // Born marked: a key created while a snapshot runs is not in its image.
  store<u8>(e, snapEpoch, E_SNAP);
  store<u8>(e, (withExpire ? FLAG_EXPIRE : 0) | (sharedIntegers ? 0 : FLAG_INT_PRIVATE), E_FLAGS);
  lruInit(e);
  memory.copy(e + E_KEY, keyPtr, keyLen);
  return e;
}

/**
 * Makes `e` (a key without a TTL) as a new entry for its key would be, for
 * a writer about to replace its value in the same block (strval.ts,
 * storeString): the old value goes to a running snapshot first, then the
 * header is newEntry's (fresh LRU/LFU bits, born-in-this-epoch mark, no
 * TTL). What dbReplaceEntry would do, minus the free and the relink.
 */
export function dbRenewEntry(db: Db, e: usize): void {
  snapGuard(db, e);
  store<u8>(e, snapEpoch, E_SNAP);
  store<u8>(e, sharedIntegers ? 0 : FLAG_INT_PRIVATE, E_FLAGS);
  lruInit(e);
}

export function hashKey(keyPtr: usize, keyLen: usize): u32 {
  return hashBytes(keyPtr, keyLen);
}

/** True if the entry's TTL has passed (Redis: now > when). */
// @ts-ignore: decorator
@inline export function isExpired(e: usize): bool {
  return hasExpire(e) && nowMs > load<i64>(expireSlot(e));
}

/** Finds a key without expiring it or touching its LRU bits. */
export function dbFindRaw(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = dictFind(db.dict, keyPtr, keyLen, hashBytes(keyPtr, keyLen));
  if (e != 0) snapGuard(db, e);
  return e;
}

/**
 * Finds a live key: an expired one is deleted on the spot (lazy expiry) and
 * reported missing. Touches the LRU/LFU bits.
 */
export function dbLookup(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = dictFind(db.dict, keyPtr, keyLen, hashBytes(keyPtr, keyLen));
  if (e == 0) return 0;
  snapGuard(db, e);
  if (isExpired(e)) {
    expireEntry(db, e);
    return 0;
  }
  lruTouch(e);
  return e;
}

/** dbLookup for read commands: counts keyspace hits and misses. */
export function dbLookupRead(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) {
    statKeyspaceMisses++;
    notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", keyPtr, keyLen, db.index);
  } else {
    statKeyspaceHits++;
  }
  return e;
}

/** Lookup that expires lazily but neither touches the LRU/LFU bits nor counts stats. */
export function dbLookupNoTouch(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = dbFindRaw(db, keyPtr, keyLen);
  if (e == 0) return 0;
  if (isExpired(e)) {
    expireEntry(db, e);
    return 0;
  }
  return e;
}

/**
 * Lookup for reads that must not count as an access (TTL, TYPE, EXISTS,
 * OBJECT): expires lazily and counts keyspace hits/misses, but leaves the
 * LRU/LFU bits alone (Redis's LOOKUP_NOTOUCH).
 */
export function dbLookupReadNoTouch(db: Db, keyPtr: usize, keyLen: usize, notifyMiss: bool = true): usize {
  const e = dbLookupNoTouch(db, keyPtr, keyLen);
  if (e == 0) {
    statKeyspaceMisses++;
    if (notifyMiss) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", keyPtr, keyLen, db.index);
  } else {
    statKeyspaceHits++;
  }
  return e;
}

/** Counts a keyspace hit or miss for a read that found its entry another way (SCAN TYPE). */
export function noteKeyspaceRead(hit: bool): void {
  if (hit) statKeyspaceHits++; else statKeyspaceMisses++;
}

/** Lazy expiry of an entry already in hand: deletes it if its TTL passed. */
export function dbExpireIfNeeded(db: Db, e: usize): bool {
  snapGuard(db, e);
  if (!isExpired(e)) return false;
  expireEntry(db, e);
  return true;
}

/**
 * A new, unlinked entry for `key` holding `src`'s value, TTL, flags and
 * LRU/LFU bits. Shallow: an out-of-line value is shared with `src`, so the
 * caller either retires `src` without freeing its value (RENAME) or gives
 * the copy its own value with dupValue (COPY).
 */
export function entryRekey(src: usize, keyPtr: usize, keyLen: usize): usize {
  const emb = embLenOf(src);
  const withExpire = hasExpire(src);
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), emb, withExpire);
  store<u64>(e, load<u64>(src, E_VAL), E_VAL);
  store<u8>(e, typeOf(src), E_TYPE);
  store<u8>(e, encOf(src), E_ENC);
  store<u8>(e, load<u8>(src, E_FLAGS), E_FLAGS);
  store<u32>(e, load<u32>(src, E_LRU), E_LRU);
  memory.copy(e + E_KEY + keyLen, src + E_KEY + keyLenOf(src), emb);
  if (withExpire) store<i64>(expireSlot(e), expireAtOf(src));
  return e;
}

export function dbAdd(db: Db, e: usize): void {
  dictInsert(db.dict, e);
  if (hasExpire(e)) volAdd(db, e);
  notifyKeyspaceEvent(NOTIFY_NEW, "new", e + E_KEY, keyLenOf(e), db.index);
  // A new list, sorted set or stream (a push, RENAME, COPY, MOVE, a STORE
  // variant...) may serve clients blocked on its key, as Redis's dbAdd signals.
  if (readyWatch) {
    const t = typeOf(e);
    if (t == TYPE_LIST || t == TYPE_ZSET || t == TYPE_STREAM) signalKeyAsReady(db.index, e + E_KEY, keyLenOf(e));
  }
}

/**
 * A stream key deleted, replaced by another type or moved away: XREADGROUP
 * clients blocked on it get Redis's "UNBLOCKED the stream key no longer
 * exists" when they re-run (Redis 7.0's signalDeletedKeyAsReady).
 */
function signalDeletedStream(db: Db, e: usize): void {
  if (readyWatch && typeOf(e) == TYPE_STREAM) signalKeyAsReady(db.index, e + E_KEY, keyLenOf(e));
}

/** Swaps `fresh` in for `old` (same key) and frees `old` but not its value. */
export function dbReplaceEntry(db: Db, old: usize, fresh: usize): void {
  if (typeOf(old) == TYPE_STREAM && typeOf(fresh) != TYPE_STREAM) signalDeletedStream(db, old);
  snapGuard(db, old);
  dictReplace(db.dict, old, fresh);
  if (hasExpire(old)) volRemove(db, old);
  if (hasExpire(fresh)) volAdd(db, fresh);
  memFree(old);
}

/** Unlinks and frees an entry and its value. */
export function dbDeleteEntry(db: Db, e: usize): void {
  signalDeletedStream(db, e);
  snapGuard(db, e);
  dictUnlink(db.dict, e);
  if (hasExpire(e)) volRemove(db, e);
  freeValue(e);
  memFree(e);
  dictShrinkIfNeeded(db.dict);
}

/** Unlinks an entry without freeing it (for MOVE / RENAME, which relink it). */
export function dbDetachEntry(db: Db, e: usize): void {
  signalDeletedStream(db, e);
  snapGuard(db, e);
  dictUnlink(db.dict, e);
  if (hasExpire(e)) volRemove(db, e);
  dictShrinkIfNeeded(db.dict);
}

export function dbDelete(db: Db, keyPtr: usize, keyLen: usize): bool {
  const e = dbFindRaw(db, keyPtr, keyLen);
  if (e == 0) return false;
  const expired = isExpired(e);
  if (expired) {
    expireEntry(db, e);
    return false;
  }
  dbDeleteEntry(db, e);
  return true;
}

// Not counted in `dirty`: Redis 7.0 counts an expiry as a change only when a
// command asked for it (EXPIRE with a past time), not when it is lazy or active.
function expireEntry(db: Db, e: usize): void {
  const keyPtr = e + E_KEY, keyLen = keyLenOf(e);
  notifyKeyspaceEvent(NOTIFY_EXPIRED, "expired", keyPtr, keyLen, db.index);
  signalModifiedKey(db.index, keyPtr, keyLen);
  propagateDeletion(db.index, keyPtr, keyLen, lazyfreeExpire);
  dbDeleteEntry(db, e);
  statExpiredKeys++;
}

/**
 * Gives `e` the TTL `whenMs`; returns the entry to use from now on (a new
 * one if the old had no room for the TTL).
 */
export function dbSetExpire(db: Db, e: usize, whenMs: i64): usize {
  snapGuard(db, e);
  if (hasExpire(e)) {
    store<i64>(expireSlot(e), whenMs);
    return e;
  }
  const keyLen = keyLenOf(e);
  const emb = embLenOf(e);
  const size = entrySizeFor(keyLen, emb, true);
  let fresh: usize;
  if (size <= blockSize(e)) {
    fresh = e;
  } else {
    fresh = memAlloc(size);
    memory.copy(fresh, e, E_KEY + keyLen + emb);
  }
  store<u8>(fresh, load<u8>(fresh, E_FLAGS) | FLAG_EXPIRE, E_FLAGS);
  store<i64>(expireSlot(fresh), whenMs);
  if (fresh != e) {
    dictReplace(db.dict, e, fresh);
    memFree(e);
  }
  volAdd(db, fresh);
  return fresh;
}

/** Drops the TTL; returns false if there was none. The entry stays put. */
export function dbRemoveExpire(db: Db, e: usize): bool {
  snapGuard(db, e);
  if (!hasExpire(e)) return false;
  volRemove(db, e);
  store<u8>(e, load<u8>(e, E_FLAGS) & ~FLAG_EXPIRE, E_FLAGS);
  return true;
}

/** Bytes a key owns: its entry plus its value's structures. */
export function entryMemory(e: usize): usize {
  return blockFootprint(e) + valueFootprint(e);
}

// ---- whole-db operations ---------------------------------------------------

function freeOne(e: usize, _ctx: usize): void {
  freeValue(e);
  memFree(e);
}

/** Empties a database; returns how many keys it had. */
export function dbEmpty(db: Db): u32 {
  const n = dictSize(db.dict);
  // XREADGROUP clients blocked on its streams get their UNBLOCKED error
  // (Redis 7.0 scans a flushed db for them); other waiters wait on.
  if (n > 0) signalDbAsReady(db.index);
  if (snapActive && snapshotRetire(db.dict)) {
    // The running snapshot still needs these keys: it takes the dict and
    // frees it as its walk goes, so FLUSHDB stays O(1) here.
    const old = db.dict;
    db.dict = dictNew(<u32>E_KEY);
    db.dict.pauseShrink = old.pauseShrink;
  } else {
    dictForEach(db.dict, freeOne, 0);
    dictClear(db.dict);
  }
  memFree(<usize>db.volPtr);
  db.volPtr = 0; db.volLen = 0; db.volCap = 0; db.avgTtl = 0;
  return n;
}

export function swapDbs(a: i32, b: i32): void {
  const pa = load<u32>(dbs + (<usize>a << 2));
  store<u32>(dbs + (<usize>a << 2), load<u32>(dbs + (<usize>b << 2)));
  store<u32>(dbs + (<usize>b << 2), pa);
  getDb(a).index = a;
  getDb(b).index = b;
}

/** A random live key (expired ones met on the way are deleted), or 0. */
export function dbRandomKey(db: Db): usize {
  const d = db.dict;
  let tries: i32 = 0;
  while (dictSize(d) > 0) {
    const e = dictRandom(d);
    snapGuard(db, e);
    if (!isExpired(e)) return e;
    // When every key is volatile and expired, stop after a while and return
    // the last one seen, as Redis does, rather than spinning.
    if (dictSize(d) == db.volLen && ++tries > 100) return e;
    expireEntry(db, e);
  }
  return 0;
}

// ---- active expiry -----------------------------------------------------------

// Redis's activeExpireCycle with effort 1: sample 20 volatile keys, delete the
// expired ones, repeat while more than 10% of a sample was stale.
const KEYS_PER_LOOP: u32 = 20;
const ACCEPTABLE_STALE_PERC: u32 = 10;
let expireDbCursor: i32 = 0;

/**
 * Runs up to `budget` sampling loops across databases; returns true when
 * some database still had a high share of stale keys (call again if time
 * allows). The host measures the time budget; the engine has no clock.
 */
export function activeExpireCycle(budget: i32): bool {
  if (!activeExpireEnabled) return false;
  let loops = 0;
  let visited = 0;
  let sampled: u64 = 0, expired: u64 = 0;
  while (visited < numDbs && loops < budget) {
    const db = getDb(expireDbCursor);
    let again = true;
    while (again && loops < budget && db.volLen > 0) {
      loops++;
      let n = db.volLen < KEYS_PER_LOOP ? db.volLen : KEYS_PER_LOOP;
      let got: u32 = 0;
      let ttlSum: f64 = 0;
      let ttlSamples: u32 = 0;
      for (let i: u32 = 0; i < n && db.volLen > 0; i++) {
        const e = <usize>load<u32>(<usize>db.volPtr + (<usize>randomBelow(db.volLen) << 2));
        if (isExpired(e)) {
          expireEntry(db, e);
          got++;
        } else {
          ttlSum += <f64>(load<i64>(expireSlot(e)) - nowMs);
          ttlSamples++;
        }
      }
      if (ttlSamples > 0) {
        const avg = ttlSum / <f64>ttlSamples;
        db.avgTtl = db.avgTtl == 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
      }
      sampled += n;
      expired += got;
      again = got * 100 > n * ACCEPTABLE_STALE_PERC;
    }
    if (again && db.volLen > 0) {
      // Budget ran out in this db: resume here next call.
      statExpiredStalePerc = sampled > 0 ? <f64>expired / <f64>sampled : 0;
      return true;
    }
    expireDbCursor = (expireDbCursor + 1) % numDbs;
    visited++;
  }
  statExpiredStalePerc = sampled > 0 ? (<f64>expired / <f64>sampled) * 0.05 + statExpiredStalePerc * 0.95 : statExpiredStalePerc * 0.95;
  return false;
}

/** Incremental rehashing from the cron (Redis's activerehashing). */
export function rehashSome(steps: i32): bool {
  let busy = false;
  for (let i = 0; i < numDbs; i++) {
    if (dictRehash(getDb(i).dict, steps)) busy = true;
  }
  return busy;
}

