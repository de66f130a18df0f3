// What SCAN, HSCAN, SSCAN and ZSCAN share (Redis's scanGenericCommand):
// the cursor as parseScanCursorOrReply reads it, and the scratch array of
// dict entries one call gathers before filtering and replying.
//
// The array holds entry pointers (u32 each), grows by doubling, and is freed
// by scanDone() after every call so a huge COUNT does not pin memory. Only
// one scan runs at a time (commands do not nest), so one array serves all.

import { argPtr, argLen, curArgc } from "../client";
import { replyError, replyArray, replyBulkU64 } from "../resp/writer";
import { E_INVALID_CURSOR, E_SYNTAX } from "../resp/errors";
import { parseLongOrReply, argInt, argIs } from "./context";
import { Dict, dictScan } from "../ds/dict";
import { memRealloc, memFree } from "../ds/mem";
import { parseCursor, PARSE_OK, parsedU64 } from "../util/num";
import { cLen } from "./args";

const STAR: u8 = 42;

/** The cursor parsed by the last successful cursorOrReply. */
export let scanCursor: u64 = 0;

/**
 * Parses a SCAN cursor as Redis does (strtoul on a C string): the bytes up
 * to the first NUL, no leading space, "" reads as 0, '-' wraps around.
 */
export function cursorOrReply(i: i32): bool {
  const n = cLen(i);
  if (n == 0) {
    scanCursor = 0;
    return true;
  }
  if (parseCursor(argPtr(i), n) != PARSE_OK) {
    replyError(E_INVALID_CURSOR);
    return false;
  }
  scanCursor = parsedU64;
  return true;
}

/** The reply to a scan of a missing key: cursor 0 and no elements. */
export function replyEmptyScan(): void {
  replyArray(2);
  replyBulkU64(0);
  replyArray(0);
}

/** COUNT parsed by the last successful scanOptionsOrReply (10 if absent). */
export let scanCount: i64 = 10;
/** Whether MATCH was given with a pattern other than "*" (which matches all). */
export let scanUsePattern: bool = false;
export let scanPatPtr: usize = 0;
export let scanPatLen: usize = 0;

/**
 * [MATCH pattern] [COUNT count] pairs from argument `first` on, as the key
 * scans (HSCAN, SSCAN, ZSCAN) read them: COUNT must be an integer (else
 * "not an integer") of at least 1 (else a syntax error); anything else, or
 * an option without its value, is a syntax error.
 */
export function scanOptionsOrReply(first: i32): bool {
  let count: i64 = 10;
  let patArg = -1;
  for (let i = first; i < curArgc; i += 2) {
    const more = i + 1 < curArgc;
    if (argIs(i, "COUNT") && more) {
      if (!parseLongOrReply(i + 1)) return false;
      if (argInt < 1) { replyError(E_SYNTAX); return false; }
      count = argInt;
    } else if (argIs(i, "MATCH") && more) {
      patArg = i + 1;
    } else {
      replyError(E_SYNTAX);
      return false;
    }
  }
  scanCount = count;
  scanUsePattern = patArg >= 0 && !(argLen(patArg) == 1 && load<u8>(argPtr(patArg)) == STAR);
  scanPatPtr = scanUsePattern ? argPtr(patArg) : 0;
  scanPatLen = scanUsePattern ? argLen(patArg) : 0;
  return true;
}

let scanPtr: usize = 0;
/** How many entries the current call gathered. */
export let scanLen: u32 = 0;
let scanCap: u32 = 0;

function scanCollect(x: usize, _ctx: usize): void {
  if (scanLen == scanCap) {
    scanCap = scanCap == 0 ? 32 : scanCap * 2;
    scanPtr = memRealloc(scanPtr, <usize>scanCap << 2);
  }
  store<u32>(scanPtr + (<usize>scanLen << 2), <u32>x);
  scanLen++;
}

/**
 * Visits buckets of `d` from `cursor` until `count` elements are gathered
 * (`perEntry` elements an entry: HSCAN counts a field and its value), giving
 * up after `maxIterations` more buckets so a sparse table cannot stall the
 * server. Returns the next cursor; the entries are scanAt(0..scanLen-1).
 */
export function scanGather(d: Dict, cursor: u64, maxIterations: i64, count: i64, perEntry: i64): u64 {
  scanLen = 0;
  do {
    cursor = dictScan(d, cursor, scanCollect, 0);
  } while (cursor != 0 && maxIterations-- != 0 && <i64>scanLen * perEntry < count);
  return cursor;
}

/** The `k`th gathered entry. */
// @ts-ignore: decorator
@inline export function scanAt(k: u32): usize {
  return <usize>load<u32>(scanPtr + (<usize>k << 2));
}

/** Overwrites the `k`th gathered entry (to compact the array in place). */
// @ts-ignore: decorator
@inline export function scanPut(k: u32, x: usize): void {
  store<u32>(scanPtr + (<usize>k << 2), <u32>x);
}

/** Frees the gathered entries; every scan calls it before returning. */
export function scanDone(): void {
  memFree(scanPtr);
  scanPtr = 0;
  scanCap = 0;
  scanLen = 0;
}
