// Background snapshots without a fork: a point-in-time RDB image serialized
// in slices between client commands (Dragonfly's versioned snapshot, with
// the version on one byte of each entry).
//
//   snapshotBegin(ctime, usedMem, flags)  a new epoch; header and aux fields
//   snapshotStep(limit)                    more keys, until `limit` output bytes
//                                          or as much work; 1 more, 0 done (EOF and
//                                          CRC written), -1 killed (FLUSHALL)
//   snapshotStop()                         abandons it (the host's write failed)
// The host drains the output (persist/rdb.ts rdbOutPtr/rdbOutLen/rdbOutTaken)
// between steps; commands run in between.
//
// The image is the keyspace at snapshotBegin. Each entry's snap byte
// (db/entry.ts E_SNAP) says whether the running epoch has saved it:
//   - the walk visits every db's dict with the SCAN cursor, which reports
//     every entry present throughout the walk at least once whatever the
//     rehashing does; a visit saves the entry unless it is marked, and marks it;
//   - every path that changes, replaces, moves, expires or deletes an entry,
//     or hands one to a command, first calls the pre-write hook (db/db.ts
//     snapGuard), which saves the entry's current (= begin-time) value the
//     same way: so the walk never sees a value newer than the image;
//   - entries created meanwhile are born marked (db.ts newEntry): they are
//     not in the image.
// The image of database i is the dict that was database i's at begin, so
// SWAPDB (which swaps Db records) changes nothing here, and FLUSHDB hands
// its dict to the snapshot (snapshotRetire) instead of freeing it: the next
// steps save what is left of it and free it before going on with the walk,
// so the flushed keys' memory comes back at serialization speed.
//
// A key the hook saves may belong to a database the walk has not reached: the
// output then switches database with SELECTDB and back (Redis's loader and
// redis-check-rdb take a database's keys in several runs; RESIZEDB is only a
// size hint). A database the walk has finished has every key marked, so the
// hook never writes for it.
//
// Epochs run 1..255 and wrap. An entry can keep an old epoch only when a
// snapshot stopped before visiting it; if that ever happened since the last
// wrap, the wrap clears every mark first (once per 255 snapshots, O(keys)),
// so an old mark is never mistaken for the new epoch's.

import { memAlloc, memFree } from "../ds/mem";
import { Dict, dictScan, dictSize, dictFree, dictForEach, entryNext } from "../ds/dict";
import { Db, getDb, numDbs, dbExpires } from "../db/db";
import { E_SNAP } from "../db/entry";
import { freeValue } from "../db/object";
import {
  writeHeader, writeEof, writeSelectDb, writeResizeDb, saveKey, outFull, rdbOutLen,
} from "./rdb";

/** True while a background snapshot runs: the one flag the write paths test. */
export let snapActive = false;
/** The running snapshot's epoch, or the last one's; new entries are born with it. */
export let snapEpoch: u8 = 0;
/** Keys and bytes the pre-write hook saved in the running (or last) snapshot. */
export let snapHookKeys: u64 = 0;
export let snapHookBytes: u64 = 0;

let marksStale = false;
let killed = false;
let imgCount: i32 = 0;
// Per image database: the dict (u32), its size and expires at begin (u32
// each), its state (u8: IMG_LIVE, IMG_RETIRED by FLUSHDB, IMG_FREED once
// saved and freed).
let img: usize = 0;
let walkDb: i32 = 0;
let walkCursor: u64 = 0;
let walkHeader = false;
const IMG_LIVE: u8 = 0;
const IMG_RETIRED: u8 = 1;
const IMG_FREED: u8 = 2;
// Position of the bucket walk over a retired dict (which, table, bucket).
let linDb: i32 = -1;
let linTable: i32 = 0;
let linIdx: u32 = 0;
/** The database the last SELECTDB in the output named (-1: none yet). */
let outDb: i32 = -1;
let work: u32 = 0;

// @ts-ignore: decorator
@inline function imgDict(i: i32): usize { return <usize>load<u32>(img + (<usize>i << 4)); }
// @ts-ignore: decorator
@inline function imgKeys(i: i32): u32 { return load<u32>(img + (<usize>i << 4), 4); }
// @ts-ignore: decorator
@inline function imgExpires(i: i32): u32 { return load<u32>(img + (<usize>i << 4), 8); }
// @ts-ignore: decorator
@inline function imgState(i: i32): u8 { return load<u8>(img + (<usize>i << 4), 12); }
// @ts-ignore: decorator
@inline function setImgState(i: i32, st: u8): void { store<u8>(img + (<usize>i << 4), st, 12); }

function clearMark(e: usize, _ctx: usize): void { store<u8>(e, 0, E_SNAP); }

/** Starts a snapshot of the keyspace as it is now: O(databases), no key is touched. */
export function snapshotBegin(ctimeSec: i64, usedMem: u64, flags: u32): void {
  if (snapActive) snapshotStop();
  if (snapEpoch == 255) {
    if (marksStale) {
      for (let i = 0; i < numDbs; i++) dictForEach(getDb(i).dict, clearMark, 0);
      marksStale = false;
    }
    snapEpoch = 1;
  } else {
    snapEpoch++;
  }
  imgCount = numDbs;
  img = memAlloc(<usize>imgCount << 4);
  for (let i = 0; i < imgCount; i++) {
    const db = getDb(i);
    const p = img + (<usize>i << 4);
    store<u32>(p, changetype<u32>(db.dict));
    store<u32>(p, dictSize(db.dict), 4);
    store<u32>(p, dbExpires(db), 8);
    store<u32>(p, 0, 12);
  }
  walkDb = 0;
  walkCursor = 0;
  walkHeader = false;
  linDb = -1;
  outDb = -1;
  killed = false;
  snapHookKeys = 0;
  snapHookBytes = 0;
  writeHeader(ctimeSec, usedMem, flags);
  snapActive = true;
}

/** Saves `e` into image database `i` (SELECTDB first if the output is elsewhere). */
function emit(i: i32, e: usize): void {
  if (outDb != i) {
    writeSelectDb(i);
    outDb = i;
  }
  saveKey(e, 0);
}

function visit(e: usize, i: usize): void {
  work++;
  if (load<u8>(e, E_SNAP) == snapEpoch) return;
  store<u8>(e, snapEpoch, E_SNAP);
  emit(<i32>i, e);
}

/**
 * The pre-write hook (only called while snapActive, for an unmarked entry of
 * `db`): the entry's value is still the image's, so save it now.
 */
export function snapshotSaveOld(db: Db, e: usize): void {
  store<u8>(e, snapEpoch, E_SNAP);
  const d = changetype<u32>(db.dict);
  for (let i = 0; i < imgCount; i++) {
    if (load<u32>(img + (<usize>i << 4)) == d) {
      const before = rdbOutLen();
      emit(i, e);
      snapHookKeys++;
      snapHookBytes += <u64>(rdbOutLen() - before);
      return;
    }
  }
  // Unmarked entries live only in the dicts of the image: not reached.
}

/**
 * FLUSHDB of `db` while a snapshot runs: if the walk still needs its dict,
 * the snapshot takes it (the caller gives the db a new one) and returns true.
 */
export function snapshotRetire(d: Dict): bool {
  const p = changetype<u32>(d);
  // Databases before walkDb are walked: every key is marked, nothing to keep.
  for (let i = walkDb; i < imgCount; i++) {
    if (load<u32>(img + (<usize>i << 4)) != p || imgState(i) != IMG_LIVE || imgKeys(i) == 0) continue;
    setImgState(i, IMG_RETIRED);
    return true;
  }
  return false;
}

/**
 * Walks a retired dict bucket by bucket (nothing else touches it any more):
 * saves the unmarked entries and frees every one. True once it is gone.
 */
function walkRetired(i: i32, limit: usize, workLimit: u32): bool {
  const d = changetype<Dict>(imgDict(i));
  if (linDb != i) {
    linDb = i;
    linTable = 0;
    linIdx = 0;
  }
  while (linTable < 2) {
    const tab = linTable == 0 ? <usize>d.t0 : <usize>d.t1;
    const n: u32 = tab == 0 ? 0 : (linTable == 0 ? d.mask0 : d.mask1) + 1;
    while (linIdx < n) {
      const slot = tab + (<usize>linIdx << 2);
      let e = <usize>load<u32>(slot);
      store<u32>(slot, 0);
      while (e != 0) {
        const next = entryNext(e);
        visit(e, <usize>i);
        freeValue(e);
        memFree(e);
        e = next;
      }
      linIdx++;
      if (outFull(limit) || work >= workLimit) return false;
    }
    linTable++;
    linIdx = 0;
  }
  dictFree(d);
  setImgState(i, IMG_FREED);
  linDb = -1;
  return true;
}

/** Frees a retired dict the walk will not finish (the snapshot stopped). */
function dropRetired(i: i32): void {
  const d = changetype<Dict>(imgDict(i));
  for (let t = 0; t < 2; t++) {
    const tab = t == 0 ? <usize>d.t0 : <usize>d.t1;
    if (tab == 0) continue;
    const n = (t == 0 ? d.mask0 : d.mask1) + 1;
    for (let b: u32 = 0; b < n; b++) {
      let e = <usize>load<u32>(tab + (<usize>b << 2));
      while (e != 0) {
        const next = entryNext(e);
        freeValue(e);
        memFree(e);
        e = next;
      }
    }
  }
  dictFree(d);
}

/**
 * Serializes until the output holds `limit` bytes or about limit/8 entries
 * were visited; 1 while more remains, 0 once the file is complete, -1 if
 * FLUSHALL killed the snapshot since the last step.
 */
export function snapshotStep(limit: u32): i32 {
  if (killed) {
    killed = false;
    return -1;
  }
  if (!snapActive) return 0;
  const lim = <usize>limit;
  const workLimit = (limit >> 3) + 1;
  work = 0;
  // Flushed databases first: their memory is held until they are saved.
  for (let r = 0; r < imgCount; r++) {
    if (imgState(r) == IMG_RETIRED && !walkRetired(r, lim, workLimit)) return 1;
  }
  while (walkDb < imgCount) {
    const i = walkDb;
    // Empty at begin, or flushed and saved above (what the walk had reached
    // before the flush went out under this database's header).
    if (imgKeys(i) == 0 || imgState(i) != IMG_LIVE) {
      walkDb++;
      walkHeader = false;
      continue;
    }
    if (!walkHeader) {
      if (outDb != i) {
        writeSelectDb(i);
        outDb = i;
      }
      writeResizeDb(imgKeys(i), imgExpires(i));
      walkHeader = true;
      walkCursor = 0;
    }
    const d = changetype<Dict>(imgDict(i));
    do {
      walkCursor = dictScan(d, walkCursor, visit, <usize>i);
      if (walkCursor != 0 && (outFull(lim) || work >= workLimit)) return 1;
    } while (walkCursor != 0);
    walkDb++;
    walkHeader = false;
    if (outFull(lim) || work >= workLimit) return 1;
  }
  writeEof();
  finish();
  return 0;
}

function finish(): void {
  snapActive = false;
  memFree(img);
  img = 0;
  imgCount = 0;
}

/** Abandons the running snapshot; its output is garbage from here on. */
export function snapshotStop(): void {
  if (!snapActive) return;
  for (let i = 0; i < imgCount; i++) {
    if (imgState(i) == IMG_RETIRED) dropRetired(i);
  }
  // Keys the walk did not reach keep an older epoch (see the wrap above).
  marksStale = true;
  finish();
}

/** FLUSHALL while a snapshot runs stops it, as Redis kills its saving child. */
export function snapshotKill(): void {
  if (!snapActive) return;
  snapshotStop();
  killed = true;
}

/** Whether a snapshot runs (for the host). */
export function snapshotRunning(): bool { return snapActive; }
