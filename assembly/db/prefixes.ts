// MEMORY PREFIXES: the keys of one database grouped by prefix, with how many
// keys and how many bytes each group holds, largest first. The work is done
// in slices (prefixWalkStep with a budget) so that the host can serve other
// clients between them; several walks may be in progress at once.
//
// A key's group is the key cut after its `depth`-th separator, or after its
// last separator when it has fewer, or "" when it has none: with ":" and
// depth 2, "user:1:cart" is in "user:1:", "user:1" in "user:", "hits" in "".
//
// While the keyspace changes under a walk, the SCAN cursor's guarantee holds:
// every key present from the first slice to the last is counted, exactly
// once because the walk keeps its dict from shrinking (ds/dict.ts
// pauseShrink); keys added or deleted meanwhile may or may not be counted;
// a key's bytes are read when its bucket is visited. Keys past their TTL but
// not yet removed are counted: their bytes are in use. The walk follows the
// dataset it started on (the Db object), so SWAPDB does not switch it to
// another one half-way.
//
// Walk (one allocation):
//   0 db u32 | 4 groups Dict u32 | 8 cursor u64 | 16 keys u64 | 24 bytes u64 |
//   32 depth u32 | 36 sepPtr u32 | 40 sepLen u32 | 44 phase u32 | 48 order u32 |
//   52 orderLen u32 | 56 want u32 | 60 shrinkHeld u32 | 64 memory u64 | 72 prev u32 | 76 next u32
// Group (an entry of the walk's dict, keyed by the prefix):
//   0 next | 4 hash | 8 prefixLen u32 | 12 pad | 16 keys u64 | 24 bytes u64 | 32 prefix bytes
// Phases: SCAN the keyspace into groups, GATHER the `want` largest groups
// into a bounded min-heap (`order`), SORT it in place (heapsort: the array
// ends largest first), DONE.
// Costs: O(keys) to scan, O(groups log want) to gather, O(want log want) to sort.

import { Dict, dictNew, dictFind, dictInsert, dictScan, dictSize, dictForEach, dictFree, dictTableBytes,
  dictShrinkIfNeeded } from "../ds/dict";
import { memAlloc, memCalloc, memFree, memDup, memHasRoom, blockFootprint, bytesEqual, bytesCompare } from "../ds/mem";
import { hashBytes } from "../ds/hash";
import { Db, entryMemory } from "./db";
import { E_KEY, keyLenOf } from "./entry";

@unmanaged class Walk {
  db: u32;
  groups: u32;
  cursor: u64;
  keys: u64;
  bytes: u64;
  depth: u32;
  sepPtr: u32;
  sepLen: u32;
  phase: u32;
  order: u32;
  orderLen: u32;
  want: u32;
  shrinkHeld: u32;
  memory: u64;
  prev: u32;
  next: u32;
}

const G_LEN: usize = 8;
const G_KEYS: usize = 16;
const G_BYTES: usize = 24;
const G_PREFIX: usize = 32;

const PHASE_SCAN: u32 = 0;
const PHASE_GATHER: u32 = 1;
const PHASE_SORT: u32 = 2;
const PHASE_DONE: u32 = 3;
/** No room was left for the walk's own table; the result is an error. */
const PHASE_FAILED: u32 = 4;

export const WALK_MORE: i32 = 0;
export const WALK_DONE: i32 = 1;
export const WALK_NO_ROOM: i32 = 2;

let walks: usize = 0; // linked list of live walks

/**
 * Starts a walk over `db` grouping by the first `depth` occurrences of the
 * `sepLen` separator bytes at `sepPtr` (copied); `want` groups are kept,
 * 0 for all. Returns the walk's handle.
 */
export function prefixWalkStart(db: Db, depth: u32, sepPtr: usize, sepLen: usize, want: u32): usize {
  const w = changetype<Walk>(memCalloc(offsetof<Walk>()));
  w.db = changetype<u32>(db);
  w.groups = changetype<u32>(dictNew(<u32>G_PREFIX));
  w.depth = depth;
  w.sepPtr = <u32>memDup(sepPtr, sepLen > 0 ? sepLen : 1);
  w.sepLen = <u32>sepLen;
  w.want = want;
  w.phase = PHASE_SCAN;
  db.dict.pauseShrink++;
  w.shrinkHeld = 1;
  const p = changetype<usize>(w);
  w.next = <u32>walks;
  if (walks != 0) changetype<Walk>(walks).prev = <u32>p;
  walks = p;
  return p;
}

/** Where `key` is cut to form its group (see the top of the file). */
function prefixLen(keyPtr: usize, keyLen: usize, sepPtr: usize, sepLen: usize, depth: u32): usize {
  let found: u32 = 0;
  let end: usize = 0;
  let i: usize = 0;
  if (sepLen == 1) {
    const s = load<u8>(sepPtr);
    while (i < keyLen && found < depth) {
      if (load<u8>(keyPtr + i) == s) { found++; end = i + 1; }
      i++;
    }
    return end;
  }
  while (i + sepLen <= keyLen && found < depth) {
    if (bytesEqual(keyPtr + i, sepPtr, sepLen)) {
      found++;
      i += sepLen;
      end = i;
    } else {
      i++;
    }
  }
  return end;
}

let visited: u32 = 0;

function visitKey(e: usize, ctx: usize): void {
  const w = changetype<Walk>(ctx);
  if (w.phase == PHASE_FAILED) return;
  const keyPtr = e + E_KEY;
  const len = prefixLen(keyPtr, keyLenOf(e), <usize>w.sepPtr, <usize>w.sepLen, w.depth);
  const bytes = <u64>entryMemory(e);
  const groups = changetype<Dict>(<usize>w.groups);
  const hash = hashBytes(keyPtr, len);
  let g = dictFind(groups, keyPtr, len, hash);
  if (g == 0) {
    // Near the end of the address space the walk stops rather than abort
    // inside dictScan (which would leave the keyspace's table paused): the
    // group and a doubled bucket array must fit.
    if (!memHasRoom(G_PREFIX + len) || !memHasRoom(<usize>(dictSize(groups) + 4) << 3)) {
      w.phase = PHASE_FAILED;
      return;
    }
    g = memCalloc(G_PREFIX + len);
    store<u32>(g, hash, 4);
    store<u32>(g, <u32>len, G_LEN);
    memory.copy(g + G_PREFIX, keyPtr, len);
    dictInsert(groups, g);
    w.memory += <u64>blockFootprint(g);
  }
  store<u64>(g, load<u64>(g, G_KEYS) + 1, G_KEYS);
  store<u64>(g, load<u64>(g, G_BYTES) + bytes, G_BYTES);
  w.keys++;
  w.bytes += bytes;
  visited++;
}

function releaseShrink(w: Walk): void {
  if (w.shrinkHeld == 0) return;
  w.shrinkHeld = 0;
  const d = changetype<Db>(<usize>w.db).dict;
  d.pauseShrink--;
  dictShrinkIfNeeded(d);
}

// ---- the bounded min-heap of groups ---------------------------------------------------

/** a ranks below b: fewer bytes, or as many and a later prefix (so ties list in byte order). */
function below(a: usize, b: usize): bool {
  const ba = load<u64>(a, G_BYTES), bb = load<u64>(b, G_BYTES);
  if (ba != bb) return ba < bb;
  return bytesCompare(a + G_PREFIX, <usize>load<u32>(a, G_LEN), b + G_PREFIX, <usize>load<u32>(b, G_LEN)) > 0;
}

// @ts-ignore: decorator
@inline function at(w: Walk, i: u32): usize { return <usize>load<u32>(<usize>w.order + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function put(w: Walk, i: u32, g: usize): void { store<u32>(<usize>w.order + (<usize>i << 2), <u32>g); }

function siftDown(w: Walk, i: u32, n: u32): void {
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= n) return;
    let m = l;
    if (l + 1 < n && below(at(w, l + 1), at(w, l))) m = l + 1;
    if (!below(at(w, m), at(w, i))) return;
    const t = at(w, i);
    put(w, i, at(w, m));
    put(w, m, t);
    i = m;
  }
}

function siftUp(w: Walk, i: u32): void {
  while (i > 0) {
    const p = (i - 1) / 2;
    if (!below(at(w, i), at(w, p))) return;
    const t = at(w, i);
    put(w, i, at(w, p));
    put(w, p, t);
    i = p;
  }
}

function gatherGroup(g: usize, ctx: usize): void {
  const w = changetype<Walk>(ctx);
  const cap = w.want;
  if (w.orderLen < cap) {
    put(w, w.orderLen, g);
    w.orderLen++;
    siftUp(w, w.orderLen - 1);
  } else if (below(at(w, 0), g)) {
    put(w, 0, g);
    siftDown(w, 0, w.orderLen);
  }
  visited++;
}

/**
 * Runs the walk for about `budget` units of work (keys, then groups);
 * returns WALK_DONE once the result is ready, WALK_NO_ROOM if the engine
 * had no room left for the walk's table, WALK_MORE otherwise.
 */
export function prefixWalkStep(p: usize, budget: u32): i32 {
  const w = changetype<Walk>(p);
  visited = 0;
  while (visited < budget) {
    if (w.phase == PHASE_FAILED) {
      releaseShrink(w);
      return WALK_NO_ROOM;
    }
    if (w.phase == PHASE_SCAN) {
      const d = changetype<Db>(<usize>w.db).dict;
      w.cursor = dictScan(d, w.cursor, visitKey, p);
      // Empty buckets count as work too, so a sparse table cannot stretch a slice.
      visited++;
      if (w.phase == PHASE_FAILED) continue;
      if (w.cursor == 0) {
        releaseShrink(w);
        const n = dictSize(changetype<Dict>(<usize>w.groups));
        if (w.want == 0 || w.want > n) w.want = n;
        const orderBytes = <usize>(w.want > 0 ? w.want : <u32>1) << 2;
        if (!memHasRoom(orderBytes)) {
          w.phase = PHASE_FAILED;
          continue;
        }
        w.order = <u32>memAlloc(orderBytes);
        w.memory += <u64>blockFootprint(<usize>w.order);
        w.phase = w.want > 0 ? PHASE_GATHER : PHASE_DONE;
      }
    } else if (w.phase == PHASE_GATHER) {
      w.cursor = dictScan(changetype<Dict>(<usize>w.groups), w.cursor, gatherGroup, p);
      visited++;
      if (w.cursor == 0) w.phase = PHASE_SORT;
    } else if (w.phase == PHASE_SORT) {
      // Heapsort with a min-heap: each step moves the smallest left to the
      // end, so the array ends sorted largest first. w.cursor counts the
      // groups already placed.
      const n = w.orderLen - <u32>w.cursor;
      if (n <= 1) {
        w.phase = PHASE_DONE;
        w.cursor = 0;
        continue;
      }
      const t = at(w, 0);
      put(w, 0, at(w, n - 1));
      put(w, n - 1, t);
      siftDown(w, 0, n - 1);
      w.cursor++;
      visited++;
    } else {
      return WALK_DONE;
    }
  }
  return w.phase == PHASE_DONE ? WALK_DONE : w.phase == PHASE_FAILED ? WALK_NO_ROOM : WALK_MORE;
}

/** The result: orderLen group pointers (largest first) at prefixWalkOrder. */
export function prefixWalkOrder(p: usize): usize { return <usize>changetype<Walk>(p).order; }
export function prefixWalkOrderLen(p: usize): u32 { return changetype<Walk>(p).orderLen; }
export function prefixWalkKeys(p: usize): u64 { return changetype<Walk>(p).keys; }
export function prefixWalkBytes(p: usize): u64 { return changetype<Walk>(p).bytes; }

function freeGroup(g: usize, _ctx: usize): void { memFree(g); }

/** Ends a walk, finished or not (the client went away), and frees everything it holds. */
export function prefixWalkFree(p: usize): void {
  const w = changetype<Walk>(p);
  releaseShrink(w);
  const groups = changetype<Dict>(<usize>w.groups);
  dictForEach(groups, freeGroup, 0);
  dictFree(groups);
  memFree(<usize>w.order);
  memFree(<usize>w.sepPtr);
  if (w.prev != 0) changetype<Walk>(<usize>w.prev).next = w.next; else walks = <usize>w.next;
  if (w.next != 0) changetype<Walk>(<usize>w.next).prev = w.prev;
  memFree(p);
}

/** Bytes held by every walk in progress (counted with the clients in MEMORY STATS). */
export function prefixWalksMemory(): u64 {
  let n: u64 = 0;
  let p = walks;
  while (p != 0) {
    const w = changetype<Walk>(p);
    n += w.memory + <u64>blockFootprint(p) + <u64>blockFootprint(<usize>w.sepPtr) +
      dictTableBytes(changetype<Dict>(<usize>w.groups));
    p = <usize>w.next;
  }
  return n;
}
