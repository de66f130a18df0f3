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
