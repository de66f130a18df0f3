// Thin exports of the pure structures in ds/ for their unit tests
// (test/engine/ds-*.test.ts): the host writes argument bytes at hostArg()
// and reads results at dsOut(). Not used by the server.

import { hostArg } from "./api";
import {
  lpNew, lpFree, lpBytes, lpLength, lpSeek, lpGetBytes, lpPtr, lpLen, lpInsertBefore, lpDelete,
  lpReplace, lpFind, lpFirst, lpValidate, lpDeleteRange, lpNext, lpPrev, lpLast,
} from "./ds/listpack";

let outPtr: usize = 0;
let outCap: usize = 0;
export function dsOut(): usize { return outPtr; }

function out(ptr: usize, len: usize): i32 {
  if (len > outCap) {
    if (outPtr != 0) heap.free(outPtr);
    outCap = len < 64 ? 64 : len;
    outPtr = heap.alloc(outCap);
  }
  memory.copy(outPtr, ptr, len);
  return <i32>len;
}

export function dsLpNew(): usize { return lpNew(); }
export function dsLpFree(lp: usize): void { lpFree(lp); }
export function dsLpBytes(lp: usize): u32 { return lpBytes(lp); }
export function dsLpLength(lp: usize): u32 { return lpLength(lp); }
/** Inserts the `len` bytes at hostArg() before element `index` (index == length appends). */
export function dsLpInsert(lp: usize, index: i32, len: u32): usize {
  const n = <i32>lpLength(lp);
  const off = index >= n ? lpBytes(lp) - 1 : lpSeek(lp, index);
  return lpInsertBefore(lp, off, hostArg(len), len);
}
export function dsLpReplace(lp: usize, index: i32, len: u32): usize {
  return lpReplace(lp, lpSeek(lp, index), hostArg(len), len);
}
export function dsLpDelete(lp: usize, index: i32): usize { return lpDelete(lp, lpSeek(lp, index)); }
export function dsLpDeleteRange(lp: usize, index: i32, count: u32): usize { return lpDeleteRange(lp, index, count); }
/** Element `index` as bytes at dsOut(); returns the length, -1 if out of range. */
export function dsLpGet(lp: usize, index: i32): i32 {
  const off = lpSeek(lp, index);
  if (off == 0) return -1;
  lpGetBytes(lp, off);
  return out(lpPtr, lpLen);
}
/** Index of the first element equal to the `len` bytes at hostArg() (every skip+1th), or -1. */
export function dsLpFind(lp: usize, len: u32, skip: u32): i32 {
  const hit = lpFind(lp, lpFirst(lp), hostArg(len), len, skip);
  if (hit == 0) return -1;
  let i = 0;
  for (let off = lpFirst(lp); off != hit; off = lpNext(lp, off)) i++;
  return i;
}
/** Walks back from the last element: the count seen (checks backlens). */
export function dsLpCountBackward(lp: usize): i32 {
  let n = 0;
  for (let off = lpLast(lp); off != 0; off = lpPrev(lp, off)) n++;
  return n;
}
export function dsLpValidate(lp: usize): bool { return lpValidate(lp, lpBytes(lp)); }
/** The raw listpack bytes at dsOut(). */
export function dsLpRaw(lp: usize): i32 { return out(lp, lpBytes(lp)); }
/** Copies `len` raw bytes from hostArg() into a new block and validates them. */
export function dsLpValidateRaw(len: u32): bool {
  const p = heap.alloc(len < 8 ? 8 : len);
  memory.copy(p, hostArg(len), len);
  const ok = len >= 4 && lpValidate(p, len);
  heap.free(p);
  return ok;
}

// ---- skiplist (ds/skiplist.ts) ---------------------------------------------------

import {
  Skiplist, zslCreate, zslFree, zslInsert, zslDelete, zslFreeNode, zslUpdateScore, zslGetRank,
  zslByRank, nodeKey, nodeLen, nodeScore, nodeBackward, nodeSpan, fwd, MAX_LEVEL, NODE_LEVEL,
  setScoreRange, zslFirstInRange, zslLastInRange, zslDeleteRangeByRank,
} from "./ds/skiplist";
import { bytesCompare } from "./ds/mem";

export function dsZslNew(): usize { return changetype<usize>(zslCreate()); }
export function dsZslFree(zsl: usize): void { zslFree(changetype<Skiplist>(zsl)); }
export function dsZslLength(zsl: usize): u32 { return changetype<Skiplist>(zsl).length; }
/** Inserts (score, the `len` bytes at hostArg()); returns the node. */
export function dsZslInsert(zsl: usize, score: f64, len: u32): usize {
  return zslInsert(changetype<Skiplist>(zsl), score, hostArg(len), len, 0);
}
/** Deletes (score, bytes at hostArg()); false if absent. */
export function dsZslDelete(zsl: usize, score: f64, len: u32): bool {
  const z = changetype<Skiplist>(zsl);
  const x = zslDelete(z, score, hostArg(len), len);
  if (x == 0) return false;
  zslFreeNode(z, x);
  return true;
}
export function dsZslUpdate(zsl: usize, node: usize, score: f64): void { zslUpdateScore(changetype<Skiplist>(zsl), node, score); }
/** 1-based rank of (score, bytes at hostArg()), 0 if absent. */
export function dsZslRank(zsl: usize, score: f64, len: u32): f64 {
  return <f64>zslGetRank(changetype<Skiplist>(zsl), score, hostArg(len), len);
}
/** The node of 1-based `rank`: its bytes at dsOut(), length returned (-1 if none). */
export function dsZslByRank(zsl: usize, rank: u32): i32 {
  const x = zslByRank(changetype<Skiplist>(zsl), <u64>rank);
  if (x == 0) return -1;
  return out(nodeKey(x), nodeLen(x));
}
export function dsZslNodeScore(node: usize): f64 { return nodeScore(node); }
/** 1-based ranks of the first and last nodes with min <= score <= max (0 if none), as first * 2^32 + last. */
export function dsZslScoreRange(zsl: usize, min: f64, max: f64): f64 {
  const z = changetype<Skiplist>(zsl);
  setScoreRange(min, false, max, false);
  const a = zslFirstInRange(z), b = zslLastInRange(z);
  const ra = a == 0 ? 0 : zslGetRank(z, nodeScore(a), nodeKey(a), nodeLen(a));
  const rb = b == 0 ? 0 : zslGetRank(z, nodeScore(b), nodeKey(b), nodeLen(b));
  return <f64>ra * 4294967296.0 + <f64>rb;
}
function freeRemoved(x: usize): void { zslFreeNode(dsZslCur, x); }
let dsZslCur: Skiplist = changetype<Skiplist>(0);
export function dsZslDeleteRanks(zsl: usize, start: u32, end: u32): f64 {
  dsZslCur = changetype<Skiplist>(zsl);
  return <f64>zslDeleteRangeByRank(dsZslCur, <u64>start, <u64>end, freeRemoved);
}

/**
 * Checks every invariant of ds/skiplist.ts; returns 0 when all hold, else
 * a code naming the first that fails: 1 order, 2 backward links, 3 tail,
 * 4 length, 5 spans, 6 levels above the list's level not empty, 7 a node
 * level out of 1..32.
 */
export function dsZslCheck(zsl: usize): i32 {
  const z = changetype<Skiplist>(zsl);
  const h = <usize>z.header;
  let n: u32 = 0;
  let prev: usize = 0;
  let x = fwd(h, 0);
  while (x != 0) {
    n++;
    const lv = <i32>load<u32>(x, NODE_LEVEL);
    if (lv < 1 || lv > MAX_LEVEL) return 7;
    if (nodeBackward(x) != prev) return 2;
    if (prev != 0) {
      const sp = nodeScore(prev), sx = nodeScore(x);
      if (sp > sx || (sp == sx && bytesCompare(nodeKey(prev), nodeLen(prev), nodeKey(x), nodeLen(x)) >= 0)) return 1;
    }
    prev = x;
    x = fwd(x, 0);
  }
  if (<usize>z.tail != prev) return 3;
  if (z.length != n) return 4;
  for (let i = 0; i < MAX_LEVEL; i++) {
    if (i >= <i32>z.level) {
      if (fwd(h, i) != 0) return 6;
      continue;
    }
    // A link's span is the number of level-0 steps it covers.
    let cur = h;
    let f = fwd(cur, i);
    while (f != 0) {
      let steps: u32 = 0;
      let y = cur;
      while (y != f) { y = fwd(y, 0); steps++; }
      if (nodeSpan(cur, i) != steps) return 5;
      cur = f;
      f = fwd(cur, i);
    }
  }
  return 0;
}
