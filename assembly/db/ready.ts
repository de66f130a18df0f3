// Keys that may now serve a client blocked on them (BLPOP, BZPOPMIN, XREAD
// ...): the host parks blocked clients and tells the engine whether any are
// waiting (`readyWatch`); while some are, every write that adds to a list,
// sorted set or stream records its key here. After the command the engine
// returns ST_READY and the host retries the clients parked on those keys in
// arrival order (ARCHITECTURE.md, "Ready keys").
//
// Record layout in the buffer, each record 4-aligned:
//   | db i32 | keyLen u32 | key bytes ... (padded to 4) |
// A record with db = -1 - index and no key bytes stands for every key of
// that database (SWAPDB). Duplicates are allowed: the host deduplicates
// when it drains.

import { memRealloc, memFree } from "../ds/mem";

export let readyWatch: bool = false;
/** Set when a key was recorded since the host last drained the buffer. */
export let readySignaled: bool = false;

let bufPtr: usize = 0;
let bufCap: usize = 0;
let bufLen: usize = 0;

export function setReadyWatch(on: bool): void { readyWatch = on; }

export function signalKeyAsReady(db: i32, keyPtr: usize, keyLen: usize): void {
  if (!readyWatch) return;
  const need = bufLen + 8 + ((keyLen + 3) & ~(<usize>3));
  if (need > bufCap) {
    let cap: usize = bufCap < 256 ? 256 : bufCap * 2;
    while (cap < need) cap *= 2;
    bufPtr = memRealloc(bufPtr, cap);
    bufCap = cap;
  }
  store<i32>(bufPtr + bufLen, db);
  store<u32>(bufPtr + bufLen, <u32>keyLen, 4);
  memory.copy(bufPtr + bufLen + 8, keyPtr, keyLen);
  bufLen = need;
  readySignaled = true;
}

/**
 * Every key of database `db` may now serve its waiters: SWAPDB brought in
 * another database's keys, and Redis then serves the clients blocked on the
 * keys that exist in their new database (scanDatabaseForReadyKeys).
 */
export function signalDbAsReady(db: i32): void {
  if (!readyWatch) return;
  signalKeyAsReady(-1 - db, 0, 0);
}

export function readyBufPtr(): usize { return bufPtr; }
export function readyBufLen(): usize { return bufLen; }
/** MEMORY PURGE: frees the buffer while it holds nothing (it grows back on demand). */
export function readyShrink(): void {
  if (bufLen == 0 && bufPtr != 0) {
    memFree(bufPtr);
    bufPtr = 0;
    bufCap = 0;
  }
}
export function readyReset(): void {
  bufLen = 0;
  readySignaled = false;
}
