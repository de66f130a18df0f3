// A chained hash table with incremental rehashing, after Redis's dict.c.
//
// The dict does not own its entries: callers allocate them and hand them in.
// Every entry starts with the same three fields, and its key bytes sit at
// `keyOff`, a per-dict constant:
//
//   entry:  0       4       8         12 .. keyOff .. keyOff+keyLen
//           | next  | hash  | keyLen  | (caller's fields) | key bytes |
//
// Two bucket arrays (t0, t1) of u32 entry pointers. While rehashing, entries
// move from t0 to t1 a bucket at a time: one step per lookup/insert/delete,
// plus `rehashFor` steps driven by the host's cron. No operation ever pays for
// a whole resize.
//
// Invariants: table sizes are powers of two; rehashIdx < 0 iff t1 == 0; an
// entry is in exactly one chain; t0 holds no entries in buckets < rehashIdx.
// Costs: find/insert/remove O(1) expected; scan O(1) amortized per entry.
//
// Dict header layout (a separate allocation, 40 bytes):
//   0 t0 u32 | 4 mask0 u32 | 8 used0 u32 | 12 t1 u32 | 16 mask1 u32 |
//   20 used1 u32 | 24 rehashIdx i32 | 28 keyOff u32 | 32 pauseResize u32 |
//   36 pauseShrink u32

import { memCalloc, memFree, bytesEqual, blockFootprint } from "./mem";
import { randomBelow, randomU64 } from "./hash";

export const ENTRY_NEXT: usize = 0;
export const ENTRY_HASH: usize = 4;
export const ENTRY_KEYLEN: usize = 8;

const INITIAL_SIZE: u32 = 4;

@unmanaged export class Dict {
  t0: u32;
  mask0: u32;
  used0: u32;
  t1: u32;
  mask1: u32;
  used1: u32;
  rehashIdx: i32;
  keyOff: u32;
  pauseResize: u32;
  /**
   * Non-zero while a long walk (MEMORY PREFIXES) holds a scan cursor over
   * several calls: a shrink in between could make it see some keys twice, while
   * growing never does.
   */
  pauseShrink: u32;
}

// @ts-ignore: decorator
@inline export function entryNext(e: usize): usize { return <usize>load<u32>(e, ENTRY_NEXT); }
// @ts-ignore: decorator
@inline function setNext(e: usize, n: usize): void { store<u32>(e, <u32>n, ENTRY_NEXT); }
// @ts-ignore: decorator
@inline export function entryHash(e: usize): u32 { return load<u32>(e, ENTRY_HASH); }
// @ts-ignore: decorator
@inline export function entryKeyLen(e: usize): usize { return <usize>load<u32>(e, ENTRY_KEYLEN); }

export function dictNew(keyOff: u32): Dict {
  const d = changetype<Dict>(memCalloc(offsetof<Dict>()));
  d.keyOff = keyOff;
  d.rehashIdx = -1;
  return d;
}

/** Frees the bucket arrays and header; entries must be freed by the caller first. */
export function dictFree(d: Dict): void {
  memFree(<usize>d.t0);
  memFree(<usize>d.t1);
  memFree(changetype<usize>(d));
}

export function dictSize(d: Dict): u32 {
  return d.used0 + d.used1;
}

export function dictIsRehashing(d: Dict): bool {
  return d.rehashIdx >= 0;
}

/** Number of buckets over both tables (for INFO/DEBUG). */
export function dictBuckets(d: Dict): u32 {
  return (d.t0 != 0 ? d.mask0 + 1 : 0) + (d.t1 != 0 ? d.mask1 + 1 : 0);
}

/** Bytes of the header and bucket arrays (both tables while rehashing); entries are the caller's. */
export function dictTableBytes(d: Dict): u64 {
  return <u64>blockFootprint(changetype<usize>(d)) +
    (d.t0 != 0 ? <u64>blockFootprint(<usize>d.t0) : 0) + (d.t1 != 0 ? <u64>blockFootprint(<usize>d.t1) : 0);
}

function keyMatches(d: Dict, e: usize, hash: u32, keyPtr: usize, keyLen: usize): bool {
  return entryHash(e) == hash && entryKeyLen(e) == keyLen &&
    bytesEqual(e + <usize>d.keyOff, keyPtr, keyLen);
}

/** Moves up to `n` buckets from t0 to t1; visits at most 10*n empty buckets. */
export function dictRehash(d: Dict, n: i32): bool {
  if (d.rehashIdx < 0) return false;
  let emptyVisits = n * 10;
  while (n-- > 0 && d.used0 != 0) {
    while (load<u32>(<usize>d.t0 + (<usize>d.rehashIdx << 2)) == 0) {
      d.rehashIdx++;
      if (--emptyVisits == 0) return true;
    }
    const slot = <usize>d.t0 + (<usize>d.rehashIdx << 2);
    let e = <usize>load<u32>(slot);
    while (e != 0) {
      const next = entryNext(e);
      const b = <usize>d.t1 + (<usize>(entryHash(e) & d.mask1) << 2);
      setNext(e, <usize>load<u32>(b));
      store<u32>(b, <u32>e);
      d.used0--;
      d.used1++;
      e = next;
    }
    store<u32>(slot, 0);
    d.rehashIdx++;
  }
  if (d.used0 == 0) {
    memFree(<usize>d.t0);
    d.t0 = d.t1;
    d.mask0 = d.mask1;
    d.used0 = d.used1;
    d.t1 = 0;
    d.mask1 = 0;
    d.used1 = 0;
    d.rehashIdx = -1;
    return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function step(d: Dict): void {
  if (d.rehashIdx >= 0 && d.pauseResize == 0) dictRehash(d, 1);
}

function startResize(d: Dict, wanted: u32): void {
  let size = INITIAL_SIZE;
  while (size < wanted) size <<= 1;
  if (d.t0 == 0) {
    d.t0 = <u32>memCalloc(<usize>size << 2);
    d.mask0 = size - 1;
    return;
  }
  if (size == d.mask0 + 1) return;
  d.t1 = <u32>memCalloc(<usize>size << 2);
  d.mask1 = size - 1;
  d.used1 = 0;
  d.rehashIdx = 0;
}

function expandIfNeeded(d: Dict): void {
  if (d.rehashIdx >= 0) return;
  if (d.t0 == 0) { startResize(d, INITIAL_SIZE); return; }
  if (d.used0 >= d.mask0 + 1 && d.pauseResize == 0) startResize(d, d.used0 + 1);
}

/**
 * Starts shrinking when fewer than 10% of the buckets are used, as Redis's
 * cron does; called after deletions.
 */
export function dictShrinkIfNeeded(d: Dict): void {
  if (d.rehashIdx >= 0 || d.t0 == 0 || d.pauseResize != 0 || d.pauseShrink != 0) return;
  const size = d.mask0 + 1;
  if (size > INITIAL_SIZE && <u64>d.used0 * 10 < <u64>size) {
    startResize(d, d.used0 < INITIAL_SIZE ? INITIAL_SIZE : d.used0);
  }
}

export function dictFind(d: Dict, keyPtr: usize, keyLen: usize, hash: u32): usize {
  if (d.used0 + d.used1 == 0) return 0;
  step(d);
  let e = <usize>load<u32>(<usize>d.t0 + (<usize>(hash & d.mask0) << 2));
  while (e != 0) {
    if (keyMatches(d, e, hash, keyPtr, keyLen)) return e;
    e = entryNext(e);
  }
  if (d.rehashIdx >= 0) {
    e = <usize>load<u32>(<usize>d.t1 + (<usize>(hash & d.mask1) << 2));
    while (e != 0) {
      if (keyMatches(d, e, hash, keyPtr, keyLen)) return e;
      e = entryNext(e);
    }
  }
  return 0;
}

/**
 * Reads the bucket heads of `n` hashes (u32s at `hashes`, overwritten with
 * those heads), then the first entry of each, and does nothing with them:
 * a caller about to look up several keys touches them first, so that their
 * cache misses overlap (each stage's loads are independent of one another)
 * instead of coming one after another. Moves nothing, so it may run on any
 * dict at any time. Reads t0 only: while the dict rehashes, keys already
 * moved to t1 are not read ahead.
 */
export function dictTouch(d: Dict, hashes: usize, n: i32): void {
  if (d.t0 == 0) return;
  const t0 = <usize>d.t0;
  const mask = d.mask0;
  for (let i = 0; i < n; i++) {
    const at = hashes + (<usize>i << 2);
    store<u32>(at, load<u32>(t0 + (<usize>(load<u32>(at) & mask) << 2)));
  }
  let acc: u32 = 0;
  for (let i = 0; i < n; i++) {
    const e = <usize>load<u32>(hashes + (<usize>i << 2));
    if (e != 0) acc ^= load<u32>(e, ENTRY_HASH);
  }
  touched = acc;
}

/**
 * Where dictTouch leaves its loads' sum: the loads' values are used, so no
 * optimizer may drop them as dead (they would stay anyway as loads that may
 * trap, but that is Binaryen's choice to make).
 */
let touched: u32 = 0;

/** Links a new entry (its hash field already set); the key must be absent. */
export function dictInsert(d: Dict, e: usize): void {
  step(d);
  expandIfNeeded(d);
  const hash = entryHash(e);
  let slot: usize;
  if (d.rehashIdx >= 0) {
    slot = <usize>d.t1 + (<usize>(hash & d.mask1) << 2);
    d.used1++;
  } else {
    slot = <usize>d.t0 + (<usize>(hash & d.mask0) << 2);
    d.used0++;
  }
  setNext(e, <usize>load<u32>(slot));
  store<u32>(slot, <u32>e);
}

// Finds the u32 cell that points at `e` (a bucket head or a `next` field) and
// reports which table holds it through `lastTable`.
let lastTable: i32 = 0;
function findLink(d: Dict, e: usize): usize {
  const hash = entryHash(e);
  for (let t = 0; t < 2; t++) {
    const tab = t == 0 ? d.t0 : d.t1;
    if (tab == 0) continue;
    const mask = t == 0 ? d.mask0 : d.mask1;
    let link = <usize>tab + (<usize>(hash & mask) << 2);
    let cur = <usize>load<u32>(link);
    while (cur != 0) {
      if (cur == e) { lastTable = t; return link; }
      link = cur + ENTRY_NEXT;
      cur = <usize>load<u32>(link);
    }
  }
  return 0;
}

/** Unlinks `e` (which must be in the dict); the caller frees it. */
export function dictUnlink(d: Dict, e: usize): void {
  const link = findLink(d, e);
  assert(link != 0, "dictUnlink: entry not found");
  store<u32>(link, load<u32>(e, ENTRY_NEXT));
  if (lastTable == 0) d.used0--; else d.used1--;
  step(d);
}

/** Puts `fresh` where `old` was (same key, same hash), e.g. after a realloc. */
export function dictReplace(d: Dict, old: usize, fresh: usize): void {
  const link = findLink(d, old);
  assert(link != 0, "dictReplace: entry not found");
  store<u32>(fresh, load<u32>(old, ENTRY_NEXT), ENTRY_NEXT);
  store<u32>(link, <u32>fresh);
}

/**
 * A uniformly chosen bucket's random entry (Redis's dictGetRandomKey: not
 * perfectly fair across chain lengths, but chains are short).
 */
export function dictRandom(d: Dict): usize {
  if (d.used0 + d.used1 == 0) return 0;
  step(d);
  let e: usize = 0;
  if (d.rehashIdx >= 0) {
    const span = <u32>(d.mask0 + 1 - <u32>d.rehashIdx) + d.mask1 + 1;
    do {
      const i = <u32>d.rehashIdx + randomBelow(span);
      e = i > d.mask0
        ? <usize>load<u32>(<usize>d.t1 + (<usize>(i - (d.mask0 + 1)) << 2))
        : <usize>load<u32>(<usize>d.t0 + (<usize>i << 2));
    } while (e == 0);
  } else {
    do {
      e = <usize>load<u32>(<usize>d.t0 + (<usize>randomBelow(d.mask0 + 1) << 2));
    } while (e == 0);
  }
  let len: u32 = 0;
  let c = e;
  while (c != 0) { len++; c = entryNext(c); }
  let pick = randomBelow(len);
  while (pick-- > 0) e = entryNext(e);
  return e;
}

/**
 * Up to `count` entries from neighbouring buckets, starting at a random one
 * (Redis's dictGetSomeKeys, which eviction samples with): the entry
 * pointers are stored as u32 at `out`; returns how many. Walking on from one
 * random bucket costs a cache miss or two for the lot where `count` separate
 * random picks cost one each; a run of more than max(count, 4) empty buckets
 * jumps to another random place, and at most 10 * count buckets are visited.
 * While rehashing, buckets of the old table below the rehash index are empty
 * and skipped; the walk covers the larger table's range.
 */
export function dictSampleKeys(d: Dict, out: usize, count: u32): u32 {
  const size = d.used0 + d.used1;
  if (size == 0 || count == 0) return 0;
  if (count > size) count = size;
  // Rehash work in proportion to the sample, as Redis does.
  for (let j: u32 = 0; j < count && d.rehashIdx >= 0; j++) step(d);
  const rehashing = d.rehashIdx >= 0;
  const mask = rehashing && d.mask1 > d.mask0 ? d.mask1 : d.mask0;
  let i = <u32>randomU64() & mask;
  let stored: u32 = 0;
  let emptyRun: u32 = 0;
  const tables = rehashing ? 2 : 1;
  for (let steps = <u64>count * 10; steps > 0 && stored < count; steps--) {
    for (let t = 0; t < tables; t++) {
      let tab = d.t0, tmask = d.mask0;
      if (t == 1) { tab = d.t1; tmask = d.mask1; }
      if (rehashing && t == 0 && i < <u32>d.rehashIdx) {
        // Old-table buckets below the rehash index have moved. Past the end
        // of the new (smaller) table nothing lies below the index at all.
        if (i > d.mask1) i = <u32>d.rehashIdx; else continue;
      }
      if (i > tmask) continue;
      let e = <usize>load<u32>(<usize>tab + (<usize>i << 2));
      if (e == 0) {
        emptyRun++;
        if (emptyRun >= 5 && emptyRun > count) {
          i = <u32>randomU64() & mask;
          emptyRun = 0;
        }
        continue;
      }
      emptyRun = 0;
      while (e != 0) {
        store<u32>(out + (<usize>stored << 2), <u32>e);
        if (++stored == count) return stored;
        e = entryNext(e);
      }
    }
    i = (i + 1) & mask;
  }
  return stored;
}

// @ts-ignore: decorator
@inline function rev64(v: u64): u64 {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4);
  return bswap<u64>(v);
}

function emitChain(head: usize, fn: (e: usize, ctx: usize) => void, ctx: usize): void {
  let e = head;
  while (e != 0) {
    const next = entryNext(e);
    fn(e, ctx);
    e = next;
  }
}

/**
 * One step of Redis's reverse-binary cursor scan: calls `fn` for every entry
 * of the bucket(s) the cursor names and returns the next cursor (0 = done).
 * Every entry present for the whole iteration is reported at least once, even
 * if the table grows or shrinks in between. `fn` must not modify the dict.
 */
export function dictScan(d: Dict, cursor: u64, fn: (e: usize, ctx: usize) => void, ctx: usize): u64 {
  if (d.used0 + d.used1 == 0) return 0;
  let v = cursor;
  d.pauseResize++;
  if (d.rehashIdx < 0) {
    const m0 = <u64>d.mask0;
    emitChain(<usize>load<u32>(<usize>d.t0 + (<usize>(v & m0) << 2)), fn, ctx);
    v |= ~m0;
    v = rev64(v);
    v++;
    v = rev64(v);
  } else {
    let ta = d.t0, ma = <u64>d.mask0, tb = d.t1, mb = <u64>d.mask1;
    if (ma > mb) {
      ta = d.t1; ma = <u64>d.mask1; tb = d.t0; mb = <u64>d.mask0;
    }
    emitChain(<usize>load<u32>(<usize>ta + (<usize>(v & ma) << 2)), fn, ctx);
    do {
      emitChain(<usize>load<u32>(<usize>tb + (<usize>(v & mb) << 2)), fn, ctx);
      v |= ~mb;
      v = rev64(v);
      v++;
      v = rev64(v);
    } while ((v & (ma ^ mb)) != 0);
  }
  d.pauseResize--;
  return v;
}

/** Calls `fn` on every entry; `fn` may free the entry it is given. */
export function dictForEach(d: Dict, fn: (e: usize, ctx: usize) => void, ctx: usize): void {
  for (let t = 0; t < 2; t++) {
    const tab = t == 0 ? d.t0 : d.t1;
    if (tab == 0) continue;
    const n = (t == 0 ? d.mask0 : d.mask1) + 1;
    for (let i: u32 = 0; i < n; i++) emitChain(<usize>load<u32>(<usize>tab + (<usize>i << 2)), fn, ctx);
  }
}

/** Empties the dict without touching entries (call after freeing them). */
export function dictClear(d: Dict): void {
  memFree(<usize>d.t0);
  memFree(<usize>d.t1);
  d.t0 = 0; d.mask0 = 0; d.used0 = 0;
  d.t1 = 0; d.mask1 = 0; d.used1 = 0;
  d.rehashIdx = -1;
}
