// A skiplist of (score, bytes) pairs ordered by score, then by the bytes
// (memcmp, shorter prefix first), after Redis's zskiplist (t_zset.c): each
// forward link carries its span, the number of level-0 steps it skips, so
// rank lookups and rank ranges cost O(log N).
//
// A node is also an entry of ds/dict.ts (its first 12 bytes are the dict's
// fields and its bytes sit at NODE_KEY), so a caller can index the same
// nodes by their bytes without storing them twice. One allocation per node:
//
//   0      4      8       12         16        24      28          align4
//   | next | hash | len   | backward | score   | level | bytes ... | (forward u32, span u32) x level |
//
//   next/hash: the dict's chain and hash (unused by the skiplist itself)
//   backward:  the previous node at level 0, 0 for the first node
//
// The header is a node of MAX_LEVEL levels and no bytes; forward 0 ends a
// level. Levels are drawn with probability 1/4 per extra level, as Redis.
//
// Skiplist layout (a separate block, 20 bytes):
//   0 header u32 | 4 tail u32 | 8 length u32 | 12 level u32 | 16 bytes u32
// `bytes` is the footprint of every node block, the header's included.
//
// Invariants: level-0 links visit every node once in order; the span of a
// link is the number of nodes it passes over plus one (from the header:
// rank of the target); for each level above the list's `level`, the
// header's forward is 0. A node keeps its level for its whole life (an
// update that moves it relinks it at the same height).
// Costs: insert/delete/update/rank O(log N) expected; range walks O(log N + M).

import { memAlloc, memFree, blockFootprint, bytesCompare } from "./mem";
import { randomU64 } from "./hash";

export const MAX_LEVEL: i32 = 32;
export const NODE_BACKWARD: usize = 12;
export const NODE_SCORE: usize = 16;
export const NODE_LEVEL: usize = 24;
/** Where a node's bytes start (the dict's keyOff for these nodes). */
export const NODE_KEY: usize = 28;

@unmanaged export class Skiplist {
  header: u32;
  tail: u32;
  length: u32;
  level: u32;
  bytes: u32;
}

// @ts-ignore: decorator
@inline export function nodeLen(x: usize): usize { return <usize>load<u32>(x, 8); }
// @ts-ignore: decorator
@inline export function nodeKey(x: usize): usize { return x + NODE_KEY; }
// @ts-ignore: decorator
@inline export function nodeScore(x: usize): f64 { return load<f64>(x, NODE_SCORE); }
// @ts-ignore: decorator
@inline export function nodeBackward(x: usize): usize { return <usize>load<u32>(x, NODE_BACKWARD); }
// @ts-ignore: decorator
@inline function levelsOf(x: usize): usize { return x + ((NODE_KEY + nodeLen(x) + 3) & ~(<usize>3)); }
// @ts-ignore: decorator
@inline export function fwd(x: usize, i: i32): usize { return <usize>load<u32>(levelsOf(x) + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setFwd(x: usize, i: i32, n: usize): void { store<u32>(levelsOf(x) + (<usize>i << 3), <u32>n); }
// @ts-ignore: decorator
@inline function span(x: usize, i: i32): u32 { return load<u32>(levelsOf(x) + (<usize>i << 3), 4); }
/** The span of node `x`'s link at level `i` (for invariant checks). */
export function nodeSpan(x: usize, i: i32): u32 { return span(x, i); }
// @ts-ignore: decorator
@inline function setSpan(x: usize, i: i32, s: u32): void { store<u32>(levelsOf(x) + (<usize>i << 3), s, 4); }
// @ts-ignore: decorator
@inline function nodeLevel(x: usize): i32 { return <i32>load<u32>(x, NODE_LEVEL); }

/** The node after `x` at level 0 (0 at the end). */
export function nodeNext(x: usize): usize { return fwd(x, 0); }

function newNode(level: i32, score: f64, ptr: usize, len: usize, hash: u32): usize {
  const size = ((NODE_KEY + len + 3) & ~(<usize>3)) + (<usize>level << 3);
  const x = memAlloc(size);
  store<u32>(x, 0);
  store<u32>(x, hash, 4);
  store<u32>(x, <u32>len, 8);
  store<u32>(x, 0, NODE_BACKWARD);
  store<f64>(x, score, NODE_SCORE);
  store<u32>(x, <u32>level, NODE_LEVEL);
  memory.copy(x + NODE_KEY, ptr, len);
  memory.fill(levelsOf(x), 0, <usize>level << 3);
  return x;
}

export function zslCreate(): Skiplist {
  const zsl = changetype<Skiplist>(memAlloc(offsetof<Skiplist>()));
  const h = newNode(MAX_LEVEL, 0, 0, 0, 0);
  zsl.header = <u32>h;
  zsl.tail = 0;
  zsl.length = 0;
  zsl.level = 1;
  zsl.bytes = <u32>blockFootprint(h);
  return zsl;
}

/** Frees every node, the header and the list itself. */
export function zslFree(zsl: Skiplist): void {
  let x = <usize>zsl.header;
  while (x != 0) {
    const next = fwd(x, 0);
    memFree(x);
    x = next;
  }
  memFree(changetype<usize>(zsl));
}

/** Bytes the list owns: its block and every node's. */
export function zslFootprint(zsl: Skiplist): usize {
  return blockFootprint(changetype<usize>(zsl)) + <usize>zsl.bytes;
}

/** Frees a node already unlinked by one of the delete functions. */
export function zslFreeNode(zsl: Skiplist, x: usize): void {
  zsl.bytes -= <u32>blockFootprint(x);
  memFree(x);
}

function randomLevel(): i32 {
  let level = 1;
  let r = randomU64();
  // Each extra level with probability 1/4: two random bits both zero.
  while ((r & 3) == 0 && level < MAX_LEVEL) {
    level++;
    r >>= 2;
    if (r == 0) r = randomU64();
  }
  return level;
}

/** Orders (score, bytes) pairs: negative when node `x` sorts before the pair. */
// @ts-ignore: decorator
@inline function cmpNode(x: usize, score: f64, ptr: usize, len: usize): i32 {
  const s = nodeScore(x);
  if (s < score) return -1;
  if (s > score) return 1;
  return bytesCompare(x + NODE_KEY, nodeLen(x), ptr, len);
}

// Search paths: update[i] is the last node at level i before the position.
const UPDATE = memory.data(MAX_LEVEL * 4);
const RANK = memory.data(MAX_LEVEL * 8);
// @ts-ignore: decorator
@inline function upd(i: i32): usize { return <usize>load<u32>(UPDATE + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setUpd(i: i32, x: usize): void { store<u32>(UPDATE + (<usize>i << 2), <u32>x); }
// @ts-ignore: decorator
@inline function rankAt(i: i32): u64 { return load<u64>(RANK + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setRankAt(i: i32, r: u64): void { store<u64>(RANK + (<usize>i << 3), r); }

/** Links node `x` (its level, score and bytes set) at its place in order. */
function linkNode(zsl: Skiplist, x: usize): void {
  const score = nodeScore(x);
  const ptr = x + NODE_KEY, len = nodeLen(x);
  let h = <usize>zsl.header;
  let cur = h;
  const top = <i32>zsl.level;
  for (let i = top - 1; i >= 0; i--) {
    setRankAt(i, i == top - 1 ? 0 : rankAt(i + 1));
    let f = fwd(cur, i);
    while (f != 0 && cmpNode(f, score, ptr, len) < 0) {
      setRankAt(i, rankAt(i) + <u64>span(cur, i));
      cur = f;
      f = fwd(cur, i);
    }
    setUpd(i, cur);
  }
  const level = nodeLevel(x);
  if (level > top) {
    for (let i = top; i < level; i++) {
      setRankAt(i, 0);
      setUpd(i, h);
      setSpan(h, i, zsl.length);
    }
    zsl.level = <u32>level;
  }
  const r0 = rankAt(0);
  for (let i = 0; i < level; i++) {
    const u = upd(i);
    setFwd(x, i, fwd(u, i));
    setFwd(u, i, x);
    const ri = rankAt(i);
    setSpan(x, i, span(u, i) - <u32>(r0 - ri));
    setSpan(u, i, <u32>(r0 - ri) + 1);
  }
  for (let i = level; i < <i32>zsl.level; i++) {
    const u = upd(i);
    setSpan(u, i, span(u, i) + 1);
  }
  const prev = upd(0);
  store<u32>(x, prev == h ? 0 : <u32>prev, NODE_BACKWARD);
  const next = fwd(x, 0);
  if (next != 0) store<u32>(next, <u32>x, NODE_BACKWARD);
  else zsl.tail = <u32>x;
  zsl.length++;
}

/** Inserts a new node (the pair must be absent); returns it. */
export function zslInsert(zsl: Skiplist, score: f64, ptr: usize, len: usize, hash: u32): usize {
  const x = zslNewNode(zsl, score, ptr, len, hash);
  linkNode(zsl, x);
  return x;
}

/**
 * A node owned by the list but not linked yet (its score may still change,
 * as while ZUNIONSTORE aggregates); link it with zslLink.
 */
export function zslNewNode(zsl: Skiplist, score: f64, ptr: usize, len: usize, hash: u32): usize {
  const x = newNode(randomLevel(), score, ptr, len, hash);
  zsl.bytes += <u32>blockFootprint(x);
  return x;
}

/** Links a node made by zslNewNode (the pair must be absent). */
export function zslLink(zsl: Skiplist, x: usize): void {
  linkNode(zsl, x);
}

/** Sets the score of a node that is not linked (see zslNewNode). */
export function zslSetUnlinkedScore(x: usize, score: f64): void {
  store<f64>(x, score, NODE_SCORE);
}

/** Unlinks `x` given the search path to it in UPDATE. */
function unlinkNode(zsl: Skiplist, x: usize): void {
  const top = <i32>zsl.level;
  for (let i = 0; i < top; i++) {
    const u = upd(i);
    if (fwd(u, i) == x) {
      setSpan(u, i, span(u, i) + span(x, i) - 1);
      setFwd(u, i, fwd(x, i));
    } else {
      setSpan(u, i, span(u, i) - 1);
    }
  }
  const next = fwd(x, 0);
  if (next != 0) store<u32>(next, load<u32>(x, NODE_BACKWARD), NODE_BACKWARD);
  else zsl.tail = load<u32>(x, NODE_BACKWARD);
  const h = <usize>zsl.header;
  while (zsl.level > 1 && fwd(h, <i32>zsl.level - 1) == 0) zsl.level--;
  zsl.length--;
}

/** Fills UPDATE with the path to the first node not before (score, bytes). */
function findPath(zsl: Skiplist, score: f64, ptr: usize, len: usize): usize {
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && cmpNode(f, score, ptr, len) < 0) {
      cur = f;
      f = fwd(cur, i);
    }
    setUpd(i, cur);
  }
  return fwd(cur, 0);
}

/** Unlinks the node holding exactly (score, bytes); returns it (to free), or 0. */
export function zslDelete(zsl: Skiplist, score: f64, ptr: usize, len: usize): usize {
  const x = findPath(zsl, score, ptr, len);
  if (x == 0 || nodeScore(x) != score || bytesCompare(x + NODE_KEY, nodeLen(x), ptr, len) != 0) return 0;
  unlinkNode(zsl, x);
  return x;
}

/**
 * Gives node `x` a new score, moving it if its order changes. The node
 * stays the same block (so a dict indexing it needs no update).
 */
export function zslUpdateScore(zsl: Skiplist, x: usize, newScore: f64): void {
  const back = nodeBackward(x);
  const next = fwd(x, 0);
  if ((back == 0 || nodeScore(back) < newScore) && (next == 0 || nodeScore(next) > newScore)) {
    store<f64>(x, newScore, NODE_SCORE);
    return;
  }
  findPath(zsl, nodeScore(x), x + NODE_KEY, nodeLen(x));
  unlinkNode(zsl, x);
  store<f64>(x, newScore, NODE_SCORE);
  linkNode(zsl, x);
}

/** 1-based rank of the node holding (score, bytes), 0 if absent. */
export function zslGetRank(zsl: Skiplist, score: f64, ptr: usize, len: usize): u64 {
  let cur = <usize>zsl.header;
  let rank: u64 = 0;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && cmpNode(f, score, ptr, len) <= 0) {
      rank += <u64>span(cur, i);
      cur = f;
      f = fwd(cur, i);
    }
    if (cur != <usize>zsl.header && cmpNode(cur, score, ptr, len) == 0) return rank;
  }
  return 0;
}

/** The node of 1-based rank `rank`, or 0. */
export function zslByRank(zsl: Skiplist, rank: u64): usize {
  let cur = <usize>zsl.header;
  let traversed: u64 = 0;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && traversed + <u64>span(cur, i) <= rank) {
      traversed += <u64>span(cur, i);
      cur = f;
      f = fwd(cur, i);
    }
    if (traversed == rank) return cur == <usize>zsl.header ? 0 : cur;
  }
  return 0;
}

export function zslFirst(zsl: Skiplist): usize { return fwd(<usize>zsl.header, 0); }
export function zslLast(zsl: Skiplist): usize { return <usize>zsl.tail; }

// ---- score ranges -------------------------------------------------------------------
// A range is (min, minEx, max, maxEx): exclusive ends when the flags are set.

export let rangeMin: f64 = 0;
export let rangeMax: f64 = 0;
export let rangeMinEx: bool = false;
export let rangeMaxEx: bool = false;

export function setScoreRange(min: f64, minEx: bool, max: f64, maxEx: bool): void {
  rangeMin = min; rangeMinEx = minEx; rangeMax = max; rangeMaxEx = maxEx;
}

// @ts-ignore: decorator
@inline export function gteMin(v: f64): bool { return rangeMinEx ? v > rangeMin : v >= rangeMin; }
// @ts-ignore: decorator
@inline export function lteMax(v: f64): bool { return rangeMaxEx ? v < rangeMax : v <= rangeMax; }

/** True when no score can be in the range. */
export function scoreRangeEmpty(): bool {
  return rangeMin > rangeMax || (rangeMin == rangeMax && (rangeMinEx || rangeMaxEx));
}

function inScoreRange(zsl: Skiplist): bool {
  if (scoreRangeEmpty()) return false;
  const t = <usize>zsl.tail;
  if (t == 0 || !gteMin(nodeScore(t))) return false;
  const f = zslFirst(zsl);
  return f != 0 && lteMax(nodeScore(f));
}

/** First node inside the score range, or 0. */
export function zslFirstInRange(zsl: Skiplist): usize {
  if (!inScoreRange(zsl)) return 0;
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && !gteMin(nodeScore(f))) { cur = f; f = fwd(cur, i); }
  }
  const x = fwd(cur, 0);
  return x != 0 && lteMax(nodeScore(x)) ? x : 0;
}

/** Last node inside the score range, or 0. */
export function zslLastInRange(zsl: Skiplist): usize {
  if (!inScoreRange(zsl)) return 0;
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && lteMax(nodeScore(f))) { cur = f; f = fwd(cur, i); }
  }
  return cur != <usize>zsl.header && gteMin(nodeScore(cur)) ? cur : 0;
}

// ---- lexicographic ranges -------------------------------------------------------------
// Ends are byte strings, or the infinities "-" (LEX_MIN) and "+" (LEX_MAX).

export const LEX_BYTES: i32 = 0;
export const LEX_MIN: i32 = 1;
export const LEX_MAX: i32 = 2;

export let lexMinKind: i32 = LEX_MIN;
export let lexMinPtr: usize = 0;
export let lexMinLen: usize = 0;
export let lexMinEx: bool = true;
export let lexMaxKind: i32 = LEX_MAX;
export let lexMaxPtr: usize = 0;
export let lexMaxLen: usize = 0;
export let lexMaxEx: bool = true;

export function setLexMin(kind: i32, ptr: usize, len: usize, ex: bool): void {
  lexMinKind = kind; lexMinPtr = ptr; lexMinLen = len; lexMinEx = ex;
}
export function setLexMax(kind: i32, ptr: usize, len: usize, ex: bool): void {
  lexMaxKind = kind; lexMaxPtr = ptr; lexMaxLen = len; lexMaxEx = ex;
}

/** Redis's sdscmplex: the infinities sort before and after every string. */
function cmpLex(aKind: i32, aPtr: usize, aLen: usize, bKind: i32, bPtr: usize, bLen: usize): i32 {
  if (aKind == bKind && aKind != LEX_BYTES) return 0;
  if (aKind == LEX_MIN || bKind == LEX_MAX) return -1;
  if (aKind == LEX_MAX || bKind == LEX_MIN) return 1;
  return bytesCompare(aPtr, aLen, bPtr, bLen);
}

export function lexGteMin(ptr: usize, len: usize): bool {
  const c = cmpLex(LEX_BYTES, ptr, len, lexMinKind, lexMinPtr, lexMinLen);
  return lexMinEx ? c > 0 : c >= 0;
}
export function lexLteMax(ptr: usize, len: usize): bool {
  const c = cmpLex(LEX_BYTES, ptr, len, lexMaxKind, lexMaxPtr, lexMaxLen);
  return lexMaxEx ? c < 0 : c <= 0;
}

/** True when no string can be in the lex range. */
export function lexRangeEmpty(): bool {
  const c = cmpLex(lexMinKind, lexMinPtr, lexMinLen, lexMaxKind, lexMaxPtr, lexMaxLen);
  return c > 0 || (c == 0 && (lexMinEx || lexMaxEx));
}

function inLexRange(zsl: Skiplist): bool {
  if (lexRangeEmpty()) return false;
  const t = <usize>zsl.tail;
  if (t == 0 || !lexGteMin(t + NODE_KEY, nodeLen(t))) return false;
  const f = zslFirst(zsl);
  return f != 0 && lexLteMax(f + NODE_KEY, nodeLen(f));
}

/** First node inside the lex range, or 0. */
export function zslFirstInLexRange(zsl: Skiplist): usize {
  if (!inLexRange(zsl)) return 0;
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && !lexGteMin(f + NODE_KEY, nodeLen(f))) { cur = f; f = fwd(cur, i); }
  }
  const x = fwd(cur, 0);
  return x != 0 && lexLteMax(x + NODE_KEY, nodeLen(x)) ? x : 0;
}

/** Last node inside the lex range, or 0. */
export function zslLastInLexRange(zsl: Skiplist): usize {
  if (!inLexRange(zsl)) return 0;
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && lexLteMax(f + NODE_KEY, nodeLen(f))) { cur = f; f = fwd(cur, i); }
  }
  return cur != <usize>zsl.header && lexGteMin(cur + NODE_KEY, nodeLen(cur)) ? cur : 0;
}

// ---- range deletion -------------------------------------------------------------------
// Each removed node is unlinked, then handed to `removed` (which must free
// it with zslFreeNode after dropping any other index of it).

export type NodeFn = (x: usize) => void;

/** Deletes every node in the score range; returns how many. */
export function zslDeleteRangeByScore(zsl: Skiplist, removed: NodeFn): u64 {
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && !gteMin(nodeScore(f))) { cur = f; f = fwd(cur, i); }
    setUpd(i, cur);
  }
  let x = fwd(cur, 0);
  let n: u64 = 0;
  while (x != 0 && lteMax(nodeScore(x))) {
    const next = fwd(x, 0);
    unlinkNode(zsl, x);
    removed(x);
    n++;
    x = next;
  }
  return n;
}

/** Deletes every node in the lex range; returns how many. */
export function zslDeleteRangeByLex(zsl: Skiplist, removed: NodeFn): u64 {
  let cur = <usize>zsl.header;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && !lexGteMin(f + NODE_KEY, nodeLen(f))) { cur = f; f = fwd(cur, i); }
    setUpd(i, cur);
  }
  let x = fwd(cur, 0);
  let n: u64 = 0;
  while (x != 0 && lexLteMax(x + NODE_KEY, nodeLen(x))) {
    const next = fwd(x, 0);
    unlinkNode(zsl, x);
    removed(x);
    n++;
    x = next;
  }
  return n;
}

/** Deletes the nodes of 1-based ranks start..end; returns how many. */
export function zslDeleteRangeByRank(zsl: Skiplist, start: u64, end: u64, removed: NodeFn): u64 {
  let cur = <usize>zsl.header;
  let traversed: u64 = 0;
  for (let i = <i32>zsl.level - 1; i >= 0; i--) {
    let f = fwd(cur, i);
    while (f != 0 && traversed + <u64>span(cur, i) < start) {
      traversed += <u64>span(cur, i);
      cur = f;
      f = fwd(cur, i);
    }
    setUpd(i, cur);
  }
  traversed++;
  let x = fwd(cur, 0);
  let n: u64 = 0;
  while (x != 0 && traversed <= end) {
    const next = fwd(x, 0);
    unlinkNode(zsl, x);
    removed(x);
    n++;
    traversed++;
    x = next;
  }
  return n;
}
