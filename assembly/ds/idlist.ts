// An ordered set of 128-bit IDs (ms, seq), each with a fixed-size payload:
// a skiplist without spans (nobody asks for ranks), after Redis's zskiplist.
// Stream consumer groups keep their pending entries lists here (the group's
// PEL and each consumer's), where Redis keeps a rax keyed by the big-endian
// ID: lookup, insert and delete O(log n) expected, ordered walks from any ID
// O(log n + walked).
//
// List block (24 bytes):
//   0 header u32 | 4 length u32 | 8 level u32 | 12 payload u32 |
//   16 bytes u64 (footprint of every node, the header's included) |
//
// Node (one block):
//   0       8        16       20                   20+payload
//   | ms u64 | seq u64 | level | payload bytes ... | forward u32 x level |
//
// The header is a node of MAX_LEVEL levels; forward 0 ends a level. A node's
// level comes from a mix of its ID (deterministic: no random state is drawn,
// so other commands' random picks are untouched), 1/4 per extra level.

import { memAlloc, memFree, blockFootprint } from "./mem";

const MAX_LEVEL: i32 = 24;
const N_LEVEL: usize = 16;
export const IDL_PAYLOAD: usize = 20;

const L_HEADER: usize = 0;
const L_LENGTH: usize = 4;
const L_LEVEL: usize = 8;
const L_PAYLOAD: usize = 12;
const L_BYTES: usize = 16;
const L_SIZE: usize = 24;

// @ts-ignore: decorator
@inline export function idlMs(x: usize): u64 { return load<u64>(x); }
// @ts-ignore: decorator
@inline export function idlSeq(x: usize): u64 { return load<u64>(x, 8); }
// @ts-ignore: decorator
@inline export function idlLength(l: usize): u32 { return load<u32>(l, L_LENGTH); }
// @ts-ignore: decorator
@inline function payloadOf(l: usize): usize { return <usize>load<u32>(l, L_PAYLOAD); }
// @ts-ignore: decorator
@inline function fwdAt(x: usize, payload: usize, i: i32): usize {
  return <usize>load<u32>(x + IDL_PAYLOAD + payload + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function setFwd(x: usize, payload: usize, i: i32, n: usize): void {
  store<u32>(x + IDL_PAYLOAD + payload + (<usize>i << 2), <u32>n);
}

function cmp(aMs: u64, aSeq: u64, bMs: u64, bSeq: u64): i32 {
  if (aMs != bMs) return aMs < bMs ? -1 : 1;
  if (aSeq != bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

function newNode(level: i32, payload: usize, ms: u64, seq: u64): usize {
  const x = memAlloc(IDL_PAYLOAD + payload + (<usize>level << 2));
  store<u64>(x, ms);
  store<u64>(x, seq, 8);
  store<u32>(x, <u32>level, N_LEVEL);
  memory.fill(x + IDL_PAYLOAD, 0, payload + (<usize>level << 2));
  return x;
}

/** A new empty list whose nodes carry `payload` bytes (a multiple of 4). */
export function idlNew(payload: usize): usize {
  const l = memAlloc(L_SIZE);
  const h = newNode(MAX_LEVEL, payload, 0, 0);
  store<u32>(l, <u32>h, L_HEADER);
  store<u32>(l, 0, L_LENGTH);
  store<u32>(l, 1, L_LEVEL);
  store<u32>(l, <u32>payload, L_PAYLOAD);
  store<u64>(l, <u64>blockFootprint(h), L_BYTES);
  return l;
}

export function idlFree(l: usize): void {
  const p = payloadOf(l);
  let x = <usize>load<u32>(l, L_HEADER);
  while (x != 0) {
    const next = fwdAt(x, p, 0);
    memFree(x);
    x = next;
  }
  memFree(l);
}

/** Bytes the list owns: its block and every node's. */
export function idlFootprint(l: usize): usize {
  return blockFootprint(l) + <usize>load<u64>(l, L_BYTES);
}

/** The node's payload bytes. */
// @ts-ignore: decorator
@inline export function idlData(x: usize): usize { return x + IDL_PAYLOAD; }

function levelFor(ms: u64, seq: u64): i32 {
  // splitmix64 of the ID: well spread whatever the IDs' pattern.
  let z = ms * 0x9e3779b97f4a7c15 + seq + 0x632be59bd9b4e019;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z ^= z >> 31;
  let level = 1;
  while ((z & 3) == 0 && level < MAX_LEVEL) {
    level++;
    z >>= 2;
  }
  return level;
}

/** The first node, or 0. */
export function idlFirst(l: usize): usize {
  return fwdAt(<usize>load<u32>(l, L_HEADER), payloadOf(l), 0);
}

export function idlNext(l: usize, x: usize): usize { return fwdAt(x, payloadOf(l), 0); }

/** The first node whose ID is >= (ms, seq), or 0. */
export function idlSeek(l: usize, ms: u64, seq: u64): usize {
  const p = payloadOf(l);
  let x = <usize>load<u32>(l, L_HEADER);
  for (let i = <i32>load<u32>(l, L_LEVEL) - 1; i >= 0; i--) {
    let n = fwdAt(x, p, i);
    while (n != 0 && cmp(idlMs(n), idlSeq(n), ms, seq) < 0) {
      x = n;
      n = fwdAt(x, p, i);
    }
  }
  return fwdAt(x, p, 0);
}

/** The node with this ID, or 0. */
export function idlFind(l: usize, ms: u64, seq: u64): usize {
  const x = idlSeek(l, ms, seq);
  return x != 0 && idlMs(x) == ms && idlSeq(x) == seq ? x : 0;
}

/** The last node, or 0. */
export function idlLast(l: usize): usize {
  const p = payloadOf(l);
  let x = <usize>load<u32>(l, L_HEADER);
  for (let i = <i32>load<u32>(l, L_LEVEL) - 1; i >= 0; i--) {
    let n = fwdAt(x, p, i);
    while (n != 0) {
      x = n;
      n = fwdAt(x, p, i);
    }
  }
  return x == <usize>load<u32>(l, L_HEADER) ? 0 : x;
}

const UPDATE = memory.data(<i32>MAX_LEVEL * 4);

/** Inserts the ID (absent: the caller checked); returns its node, payload zeroed. */
export function idlInsert(l: usize, ms: u64, seq: u64): usize {
  const p = payloadOf(l);
  const h = <usize>load<u32>(l, L_HEADER);
  let x = h;
  let lvl = <i32>load<u32>(l, L_LEVEL);
  for (let i = lvl - 1; i >= 0; i--) {
    let n = fwdAt(x, p, i);
    while (n != 0 && cmp(idlMs(n), idlSeq(n), ms, seq) < 0) {
      x = n;
      n = fwdAt(x, p, i);
    }
    store<u32>(UPDATE + (<usize>i << 2), <u32>x);
  }
  const level = levelFor(ms, seq);
  if (level > lvl) {
    for (let i = lvl; i < level; i++) store<u32>(UPDATE + (<usize>i << 2), <u32>h);
    store<u32>(l, <u32>level, L_LEVEL);
  }
  const node = newNode(level, p, ms, seq);
  for (let i = 0; i < level; i++) {
    const u = <usize>load<u32>(UPDATE + (<usize>i << 2));
    setFwd(node, p, i, fwdAt(u, p, i));
    setFwd(u, p, i, node);
  }
  store<u32>(l, load<u32>(l, L_LENGTH) + 1, L_LENGTH);
  store<u64>(l, load<u64>(l, L_BYTES) + <u64>blockFootprint(node), L_BYTES);
  return node;
}

/** Removes and frees the ID's node; false when absent. */
export function idlDelete(l: usize, ms: u64, seq: u64): bool {
  const p = payloadOf(l);
  const h = <usize>load<u32>(l, L_HEADER);
  let x = h;
  let lvl = <i32>load<u32>(l, L_LEVEL);
  for (let i = lvl - 1; i >= 0; i--) {
    let n = fwdAt(x, p, i);
    while (n != 0 && cmp(idlMs(n), idlSeq(n), ms, seq) < 0) {
      x = n;
      n = fwdAt(x, p, i);
    }
    store<u32>(UPDATE + (<usize>i << 2), <u32>x);
  }
  const node = fwdAt(x, p, 0);
  if (node == 0 || idlMs(node) != ms || idlSeq(node) != seq) return false;
  for (let i = 0; i < lvl; i++) {
    const u = <usize>load<u32>(UPDATE + (<usize>i << 2));
    if (fwdAt(u, p, i) == node) setFwd(u, p, i, fwdAt(node, p, i));
  }
  while (lvl > 1 && fwdAt(h, p, lvl - 1) == 0) lvl--;
  store<u32>(l, <u32>lvl, L_LEVEL);
  store<u32>(l, load<u32>(l, L_LENGTH) - 1, L_LENGTH);
  store<u64>(l, load<u64>(l, L_BYTES) - <u64>blockFootprint(node), L_BYTES);
  memFree(node);
  return true;
}
