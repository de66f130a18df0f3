// Redis's quicklist (quicklist.c): a doubly linked list of listpack nodes,
// the structure behind every list value. Pushing and popping at either end
// touches one small listpack, so both are O(1) at any length; a position is
// found by skipping whole nodes from the nearer end, then walking inside one
// node.
//
// Header (one block):
//   0       4       8        12       16       20         24
//   | head  | tail  | count  | len    | fill   | compress |
//   count: elements in the whole list; len: nodes.
//   fill/compress: list-max-listpack-size and list-compress-depth as they
//   were when the list was created (Redis keeps them per list too).
//
// Node (one block), its elements in a listpack of their own:
//   0       4       8       12       16
//   | prev  | next  | lp    | count  |
//
// Fill rules, as Redis 7.0: a positive fill caps a node's entries, and its
// bytes at 8 KiB (so a big element ends up alone in its node); fill -1..-5
// caps a node's bytes at 4/8/16/32/64 KiB. Whether an element fits is decided
// from an overestimate of its encoded size, as Redis does. A full node met by
// an insert in its middle is split and the pieces merged with their
// neighbours when the merged node fits. Deletes never merge (neither does
// Redis); a node that becomes empty is freed.
//
// Redis stores elements of 1 GiB or more in "plain" nodes of their own; the
// engine's strings stop at 512 MiB, so every node here is a listpack.
// list-compress-depth is kept but nodes are never LZF-compressed.
//
// Invariants: count == sum of node counts; no node is empty; len == nodes.
// Costs: push/pop O(1); seek O(nodes + node size); insert/delete at a
// position O(node size); range delete O(nodes touched + node size).

import { memAlloc, memFree, memRealloc, blockFootprint } from "./mem";
import {
  lpNew, lpFree, lpBytes, lpLength, lpFirst, lpLast, lpNext, lpPrev, lpSeek, lpPrepend, lpAppend,
  lpInsertBefore, lpDelete, lpDeleteRangeAt, lpDeleteRange, lpReplace, lpDup, lpLastOff,
} from "./listpack";

const QL_HEAD: usize = 0;
const QL_TAIL: usize = 4;
const QL_COUNT: usize = 8;
const QL_LEN: usize = 12;
const QL_FILL: usize = 16;
const QL_COMPRESS: usize = 20;
const QL_SIZE: usize = 24;

const N_PREV: usize = 0;
const N_NEXT: usize = 4;
const N_LP: usize = 8;
const N_COUNT: usize = 12;
const N_SIZE: usize = 16;

// Listpack header (bytes u32, count u16) and end marker, for merging two.
const LP_HDR: u32 = 6;
const LP_EOF: u8 = 0xff;
const LP_COUNT_UNKNOWN: u32 = 65535;

// Node byte limits for fill -1..-5, and the cap when fill counts entries.
const OPT_LEVEL: StaticArray<u32> = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT: u64 = 8192;
// Fill is clamped as Redis's quicklistSetFill does (its node count is 16 bits).
const FILL_MAX: i32 = 32767;
const COMPRESS_MAX: i32 = 65535;

// ---- accessors -------------------------------------------------------------------------

// @ts-ignore: decorator
@inline export function qlHead(ql: usize): usize { return <usize>load<u32>(ql, QL_HEAD); }
// @ts-ignore: decorator
@inline export function qlTail(ql: usize): usize { return <usize>load<u32>(ql, QL_TAIL); }
// @ts-ignore: decorator
@inline export function qlCount(ql: usize): u32 { return load<u32>(ql, QL_COUNT); }
// @ts-ignore: decorator
@inline export function qlNodes(ql: usize): u32 { return load<u32>(ql, QL_LEN); }
// @ts-ignore: decorator
@inline export function qlFill(ql: usize): i32 { return load<i32>(ql, QL_FILL); }
// @ts-ignore: decorator
@inline export function qlCompress(ql: usize): i32 { return load<i32>(ql, QL_COMPRESS); }
// @ts-ignore: decorator
@inline export function nodeNext(n: usize): usize { return <usize>load<u32>(n, N_NEXT); }
// @ts-ignore: decorator
@inline export function nodePrev(n: usize): usize { return <usize>load<u32>(n, N_PREV); }
// @ts-ignore: decorator
@inline export function nodeLp(n: usize): usize { return <usize>load<u32>(n, N_LP); }
// @ts-ignore: decorator
@inline export function nodeCount(n: usize): u32 { return load<u32>(n, N_COUNT); }

// @ts-ignore: decorator
@inline function setLp(n: usize, lp: usize): void { store<u32>(n, <u32>lp, N_LP); }
// @ts-ignore: decorator
@inline function setNodeCount(n: usize, c: u32): void { store<u32>(n, c, N_COUNT); }
// @ts-ignore: decorator
@inline function addCount(ql: usize, d: i32): void { store<u32>(ql, <u32>(<i32>load<u32>(ql, QL_COUNT) + d), QL_COUNT); }

// ---- creation and release ----------------------------------------------------------------

export function qlNew(fill: i32, compress: i32): usize {
  const ql = memAlloc(QL_SIZE);
  memory.fill(ql, 0, QL_SIZE);
  store<i32>(ql, fill > FILL_MAX ? FILL_MAX : fill < -5 ? -5 : fill, QL_FILL);
  store<i32>(ql, compress > COMPRESS_MAX ? COMPRESS_MAX : compress < 0 ? 0 : compress, QL_COMPRESS);
  return ql;
}

export function qlRelease(ql: usize): void {
  let n = qlHead(ql);
  while (n != 0) {
    const next = nodeNext(n);
    lpFree(nodeLp(n));
    memFree(n);
    n = next;
  }
  memFree(ql);
}

/** Bytes of every block the list owns. */
export function qlFootprint(ql: usize): usize {
  let total = blockFootprint(ql);
  for (let n = qlHead(ql); n != 0; n = nodeNext(n)) total += blockFootprint(n) + blockFootprint(nodeLp(n));
  return total;
}

/** Bytes of the node listpacks (DEBUG OBJECT's ql_uncompressed_size). */
export function qlListpackBytes(ql: usize): u64 {
  let total: u64 = 0;
  for (let n = qlHead(ql); n != 0; n = nodeNext(n)) total += <u64>lpBytes(nodeLp(n));
  return total;
}

/** A deep copy (COPY). */
export function qlDup(ql: usize): usize {
  const c = qlNew(qlFill(ql), qlCompress(ql));
  for (let n = qlHead(ql); n != 0; n = nodeNext(n)) {
    const fresh = nodeNew(lpDup(nodeLp(n)), nodeCount(n));
    insertNode(c, qlTail(c), fresh, true);
  }
  store<u32>(c, qlCount(ql), QL_COUNT);
  return c;
}

// ---- nodes ---------------------------------------------------------------------------------

function nodeNew(lp: usize, count: u32): usize {
  const n = memAlloc(N_SIZE);
  store<u32>(n, 0, N_PREV);
  store<u32>(n, 0, N_NEXT);
  setLp(n, lp);
  setNodeCount(n, count);
  return n;
}

/** Links `fresh` after (or before) `old`; `old` 0 makes it the only node. Counts are the caller's. */
function insertNode(ql: usize, old: usize, fresh: usize, after: bool): void {
  if (old == 0) {
    store<u32>(ql, <u32>fresh, QL_HEAD);
    store<u32>(ql, <u32>fresh, QL_TAIL);
  } else if (after) {
    const next = nodeNext(old);
    store<u32>(fresh, <u32>old, N_PREV);
    store<u32>(fresh, <u32>next, N_NEXT);
    if (next != 0) store<u32>(next, <u32>fresh, N_PREV);
    else store<u32>(ql, <u32>fresh, QL_TAIL);
    store<u32>(old, <u32>fresh, N_NEXT);
  } else {
    const prev = nodePrev(old);
    store<u32>(fresh, <u32>old, N_NEXT);
    store<u32>(fresh, <u32>prev, N_PREV);
    if (prev != 0) store<u32>(prev, <u32>fresh, N_NEXT);
    else store<u32>(ql, <u32>fresh, QL_HEAD);
    store<u32>(old, <u32>fresh, N_PREV);
  }
  store<u32>(ql, load<u32>(ql, QL_LEN) + 1, QL_LEN);
}

/** Unlinks and frees a node and its listpack, taking its elements off the count. */
function delNode(ql: usize, n: usize): void {
  const prev = nodePrev(n);
  const next = nodeNext(n);
  if (prev != 0) store<u32>(prev, <u32>next, N_NEXT);
  else store<u32>(ql, <u32>next, QL_HEAD);
  if (next != 0) store<u32>(next, <u32>prev, N_PREV);
  else store<u32>(ql, <u32>prev, QL_TAIL);
  store<u32>(ql, load<u32>(ql, QL_LEN) - 1, QL_LEN);
  addCount(ql, -<i32>nodeCount(n));
  lpFree(nodeLp(n));
  memFree(n);
}

// ---- fill rules ------------------------------------------------------------------------------

function sizeMeetsLevel(sz: u64, fill: i32): bool {
  if (fill >= 0) return false;
  const i = -fill - 1;
  return i < 5 && sz <= <u64>OPT_LEVEL[i];
}

/** Whether an element of `len` bytes may join node `n` (Redis's _quicklistNodeAllowInsert). */
function allowInsert(n: usize, fill: i32, len: usize): bool {
  if (n == 0) return false;
  // Redis 7.0's estimate of what the entry adds (SIZE_ESTIMATE_OVERHEAD):
  // it overestimates, so a node stays under its limit.
  const newSz = <u64>lpBytes(nodeLp(n)) + <u64>len + 8;
  if (sizeMeetsLevel(newSz, fill)) return true;
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return <i32>nodeCount(n) < fill;
}

function allowMerge(a: usize, b: usize, fill: i32): bool {
  if (a == 0 || b == 0) return false;
  // Merged size less one header and end marker, estimated as Redis does.
  const sz = <u64>lpBytes(nodeLp(a)) + <u64>lpBytes(nodeLp(b)) - 11;
  if (sizeMeetsLevel(sz, fill)) return true;
  if (sz > SIZE_SAFETY_LIMIT) return false;
  return <i32>(nodeCount(a) + nodeCount(b)) <= fill;
}

// ---- push and pop ------------------------------------------------------------------------------

export function qlPushHead(ql: usize, ptr: usize, len: usize): void {
  const head = qlHead(ql);
  if (allowInsert(head, qlFill(ql), len)) {
    setLp(head, lpPrepend(nodeLp(head), ptr, len));
    setNodeCount(head, nodeCount(head) + 1);
  } else {
    insertNode(ql, head, nodeNew(lpPrepend(lpNew(), ptr, len), 1), false);
  }
  addCount(ql, 1);
}

export function qlPushTail(ql: usize, ptr: usize, len: usize): void {
  const tail = qlTail(ql);
  if (allowInsert(tail, qlFill(ql), len)) {
    setLp(tail, lpAppend(nodeLp(tail), ptr, len));
    setNodeCount(tail, nodeCount(tail) + 1);
  } else {
    insertNode(ql, tail, nodeNew(lpAppend(lpNew(), ptr, len), 1), true);
  }
  addCount(ql, 1);
}

export function qlPush(ql: usize, ptr: usize, len: usize, head: bool): void {
  if (head) qlPushHead(ql, ptr, len); else qlPushTail(ql, ptr, len);
}

/** Removes the first (head) or last element; the list must not be empty. */
export function qlPopDiscard(ql: usize, head: bool): void {
  const n = head ? qlHead(ql) : qlTail(ql);
  if (nodeCount(n) == 1) {
    delNode(ql, n);
    return;
  }
  const lp = nodeLp(n);
  setLp(n, lpDelete(lp, head ? lpFirst(lp) : lpLast(lp)));
  setNodeCount(n, nodeCount(n) - 1);
  addCount(ql, -1);
}

// ---- positions -----------------------------------------------------------------------------------
// A position is (node, offset in its listpack, index in its node), kept in
// these globals by qlSeek and moved by qlNextPos / qlPrevPos. Any write
// other than the qlDelAtPos / qlReplaceAtPos that keeps it invalidates it.

export let qlPosNode: usize = 0;
export let qlPosOff: u32 = 0;
export let qlPosIdx: u32 = 0;

/** Moves to element `index` (negative counts from the tail); false if out of range. */
export function qlSeek(ql: usize, index: i64): bool {
  const count = <i64>qlCount(ql);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return false;
  let n: usize;
  let local: i64;
  if (index <= (count - 1) / 2) {
    n = qlHead(ql);
    let acc: i64 = 0;
    while (acc + <i64>nodeCount(n) <= index) {
      acc += <i64>nodeCount(n);
      n = nodeNext(n);
    }
    local = index - acc;
  } else {
    const back = count - 1 - index;
    n = qlTail(ql);
    let acc: i64 = 0;
    while (acc + <i64>nodeCount(n) <= back) {
      acc += <i64>nodeCount(n);
      n = nodePrev(n);
    }
    local = <i64>nodeCount(n) - 1 - (back - acc);
  }
  qlPosNode = n;
  qlPosIdx = <u32>local;
  qlPosOff = lpSeek(nodeLp(n), local);
  return true;
}

/** Moves to the first (head) or last element; false if the list is empty. */
export function qlSeekEnd(ql: usize, head: bool): bool {
  const n = head ? qlHead(ql) : qlTail(ql);
  qlPosNode = n;
  if (n == 0) return false;
  const lp = nodeLp(n);
  qlPosOff = head ? lpFirst(lp) : lpLast(lp);
  qlPosIdx = head ? 0 : nodeCount(n) - 1;
  return true;
}

/** Moves towards the tail; false (and no position) past the last element. */
export function qlNextPos(): bool {
  const off = lpNext(nodeLp(qlPosNode), qlPosOff);
  if (off != 0) {
    qlPosOff = off;
    qlPosIdx++;
    return true;
  }
  const n = nodeNext(qlPosNode);
  qlPosNode = n;
  if (n == 0) return false;
  qlPosOff = lpFirst(nodeLp(n));
  qlPosIdx = 0;
  return true;
}

/** Moves towards the head; false (and no position) before the first element. */
export function qlPrevPos(): bool {
  const off = lpPrev(nodeLp(qlPosNode), qlPosOff);
  if (off != 0) {
    qlPosOff = off;
    qlPosIdx--;
    return true;
  }
  const n = nodePrev(qlPosNode);
  qlPosNode = n;
  if (n == 0) return false;
  qlPosOff = lpLast(nodeLp(n));
  qlPosIdx = nodeCount(n) - 1;
  return true;
}

/** The listpack holding the element at the position (read it with lpGet / lpGetBytes). */
export function qlPosLp(): usize { return nodeLp(qlPosNode); }

/**
 * Deletes the element at the position, which then holds the element that
 * followed it (forward) or preceded it (backward), or no element
 * (qlPosNode 0) at that end of the list.
 */
export function qlDelAtPos(ql: usize, forward: bool): void {
  const n = qlPosNode;
  if (nodeCount(n) == 1) {
    const to = forward ? nodeNext(n) : nodePrev(n);
    delNode(ql, n);
    qlPosNode = to;
    if (to != 0) {
      qlPosOff = forward ? lpFirst(nodeLp(to)) : lpLast(nodeLp(to));
      qlPosIdx = forward ? 0 : nodeCount(to) - 1;
    }
    return;
  }
  const off = qlPosOff;
  const lp = lpDelete(nodeLp(n), off);
  const after = lpLastOff;
  setLp(n, lp);
  setNodeCount(n, nodeCount(n) - 1);
  addCount(ql, -1);
  if (forward) {
    if (after != 0) {
      qlPosOff = after;
    } else {
      const to = nodeNext(n);
      qlPosNode = to;
      if (to != 0) { qlPosOff = lpFirst(nodeLp(to)); qlPosIdx = 0; }
    }
  } else {
    // The preceding element did not move: its backlen ends just before `off`.
    const before = lpPrev(lp, off);
    if (before != 0) {
      qlPosOff = before;
      qlPosIdx--;
    } else {
      const to = nodePrev(n);
      qlPosNode = to;
      if (to != 0) { qlPosOff = lpLast(nodeLp(to)); qlPosIdx = nodeCount(to) - 1; }
    }
  }
}

/** Replaces the element at the position in place (Redis 7.0 never splits for LSET). */
export function qlReplaceAtPos(ptr: usize, len: usize): void {
  const n = qlPosNode;
  setLp(n, lpReplace(nodeLp(n), qlPosOff, ptr, len));
}

// ---- insert in the middle -------------------------------------------------------------------------

/**
 * Splits `n` at its element `idx`. With `after`, `n` keeps [0, idx] and the
 * returned node gets the rest; otherwise the returned node gets [0, idx) and
 * `n` keeps the rest. The returned node is not linked yet.
 */
function splitNode(n: usize, idx: u32, after: bool): usize {
  const ALL: u32 = 0xffffffff;
  const copy = lpDup(nodeLp(n));
  const keepLp = after ? lpDeleteRange(nodeLp(n), <i64>idx + 1, ALL) : lpDeleteRange(nodeLp(n), 0, idx);
  setLp(n, keepLp);
  setNodeCount(n, lpLength(keepLp));
  const newLp = after ? lpDeleteRange(copy, 0, idx + 1) : lpDeleteRange(copy, <i64>idx, ALL);
  return nodeNew(newLp, lpLength(newLp));
}

/** Appends b's entries to a's listpack; frees b; returns a's (moved) block. */
function lpConcat(a: usize, b: usize): usize {
  const aBytes = lpBytes(a);
  const bBytes = lpBytes(b);
  const total = aBytes + bBytes - LP_HDR - 1;
  const ca = <u32>load<u16>(a, 4);
  const cb = <u32>load<u16>(b, 4);
  a = memRealloc(a, total);
  memory.copy(a + aBytes - 1, b + LP_HDR, bBytes - LP_HDR - 1);
  store<u8>(a + total - 1, LP_EOF);
  store<u32>(a, total);
  const c = ca == LP_COUNT_UNKNOWN || cb == LP_COUNT_UNKNOWN || ca + cb >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : ca + cb;
  store<u16>(a, <u16>c, 4);
  lpFree(b);
  return a;
}

/** Merges node b into its left neighbour a; returns a. */
function mergeInto(ql: usize, a: usize, b: usize): usize {
  setLp(a, lpConcat(nodeLp(a), nodeLp(b)));
  const moved = nodeCount(b);
  setNodeCount(a, nodeCount(a) + moved);
  // b's elements now live in a: delNode must neither free the listpack
  // lpConcat already freed nor take them off the list's count.
  setLp(b, 0);
  setNodeCount(b, 0);
  delNode(ql, b);
  return a;
}

/** Redis's _quicklistMergeNodes: tries the pairs around `center`, outer ones first. */
function mergeAround(ql: usize, center: usize): void {
  const fill = qlFill(ql);
  const prev = nodePrev(center);
  const prevPrev = prev != 0 ? nodePrev(prev) : 0;
  const next = nodeNext(center);
  const nextNext = next != 0 ? nodeNext(next) : 0;
  if (allowMerge(prev, prevPrev, fill)) mergeInto(ql, prevPrev, prev);
  if (allowMerge(next, nextNext, fill)) mergeInto(ql, next, nextNext);
  let target = center;
  if (allowMerge(center, nodePrev(center), fill)) target = mergeInto(ql, nodePrev(center), center);
  if (allowMerge(target, nodeNext(target), fill)) mergeInto(ql, target, nodeNext(target));
}

/** Inserts the bytes before or after the element at the position (Redis's _quicklistInsert). */
export function qlInsertAtPos(ql: usize, ptr: usize, len: usize, after: bool): void {
  const fill = qlFill(ql);
  const n = qlPosNode;
  const lp = nodeLp(n);
  const off = qlPosOff;
  const full = !allowInsert(n, fill, len);
  let atTail = false, atHead = false, availNext = false, availPrev = false;
  if (after && lpNext(lp, off) == 0) {
    atTail = true;
    availNext = allowInsert(nodeNext(n), fill, len);
  }
  if (!after && off == lpFirst(lp)) {
    atHead = true;
    availPrev = allowInsert(nodePrev(n), fill, len);
  }
  if (!full) {
    let at = off;
    if (after) {
      at = lpNext(lp, off);
      if (at == 0) at = lpBytes(lp) - 1;
    }
    setLp(n, lpInsertBefore(lp, at, ptr, len));
    setNodeCount(n, nodeCount(n) + 1);
  } else if (atTail && availNext) {
    const next = nodeNext(n);
    setLp(next, lpPrepend(nodeLp(next), ptr, len));
    setNodeCount(next, nodeCount(next) + 1);
  } else if (atHead && availPrev) {
    const prev = nodePrev(n);
    setLp(prev, lpAppend(nodeLp(prev), ptr, len));
    setNodeCount(prev, nodeCount(prev) + 1);
  } else if (atTail || atHead) {
    insertNode(ql, n, nodeNew(lpPrepend(lpNew(), ptr, len), 1), after);
  } else {
    const fresh = splitNode(n, qlPosIdx, after);
    if (after) setLp(fresh, lpPrepend(nodeLp(fresh), ptr, len));
    else setLp(fresh, lpAppend(nodeLp(fresh), ptr, len));
    setNodeCount(fresh, nodeCount(fresh) + 1);
    insertNode(ql, n, fresh, after);
    mergeAround(ql, n);
  }
  addCount(ql, 1);
}

// ---- range delete ----------------------------------------------------------------------------------

/**
 * Deletes `count` elements from index `start` (negative from the tail),
 * clipped to the list (Redis's quicklistDelRange). Whole nodes in the range
 * are unlinked without touching their listpacks.
 */
export function qlDelRange(ql: usize, start: i64, count: i64): void {
  if (count <= 0) return;
  const total = <i64>qlCount(ql);
  if (!qlSeek(ql, start)) return;
  let extent = count;
  if (start >= 0 && extent > total - start) extent = total - start;
  else if (start < 0 && extent > -start) extent = -start;
  let n = qlPosNode;
  let idx = <i64>qlPosIdx;
  let off = qlPosOff;
  while (extent > 0) {
    const next = nodeNext(n);
    const nc = <i64>nodeCount(n);
    let del = nc - idx;
    if (del > extent) del = extent;
    if (del == nc) {
      delNode(ql, n);
    } else {
      setLp(n, lpDeleteRangeAt(nodeLp(n), off, <u32>del));
      setNodeCount(n, <u32>(nc - del));
      addCount(ql, -<i32>del);
    }
    extent -= del;
    n = next;
    if (n == 0) break;
    idx = 0;
    off = lpFirst(nodeLp(n));
  }
}

// ---- validation (tests) ------------------------------------------------------------------------------

/**
 * Checks the invariants: links agree both ways, no node is empty, each
 * node's count is its listpack's, counts and node totals match the header,
 * and a positive fill caps every node. Returns the number of nodes, or -1.
 */
export function qlValidate(ql: usize): i32 {
  const fill = qlFill(ql);
  let nodes: u32 = 0;
  let total: u64 = 0;
  let prev: usize = 0;
  for (let n = qlHead(ql); n != 0; n = nodeNext(n)) {
    if (nodePrev(n) != prev) return -1;
    const c = nodeCount(n);
    if (c == 0 || c != lpLength(nodeLp(n))) return -1;
    if (fill > 0 && <i32>c > fill) return -1;
    total += <u64>c;
    nodes++;
    prev = n;
  }
  if (prev != qlTail(ql) || nodes != qlNodes(ql) || total != <u64>qlCount(ql)) return -1;
  return <i32>nodes;
}
