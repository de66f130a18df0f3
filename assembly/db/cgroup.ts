// Stream consumer groups (Redis's streamCG / streamConsumer / streamNACK,
// t_stream.c), hung off the stream header's S_CGROUPS slot.
//
// Groups and consumers are kept in arrays of pointers sorted by name (memcmp,
// shorter prefix first: the order of Redis's rax, which XINFO GROUPS/CONSUMERS
// and XPENDING's summary show). Lookup O(log n); creating or deleting one
// moves the pointers after it (few groups and consumers; Redis's rax insert is
// O(name) but its node splits are no cheaper in practice).
//
// Name array (one block):  | count u32 | cap u32 | ptr u32 x cap |
//
// Group (one block):
//   0        8         16            24    28         32
//   | lastMs | lastSeq | entriesRead | pel | consumers | nameLen u32 | name ... |
//   entriesRead is i64, -1 when unknown (SCG_INVALID_ENTRIES_READ).
//   pel: ds/idlist.ts of NACKs, payload | deliveryTime i64 | deliveryCount u64 | consumer u32 | pad |
//
// Consumer (one block):
//   0          8     12          16
//   | seenTime | pel | nameLen u32 | name ... |
//   pel: ds/idlist.ts whose payload is the group PEL node of the same ID
//   (the NACK); a NACK is in exactly one consumer's PEL, its owner's.

import { memAlloc, memRealloc, memFree, blockFootprint, bytesCompare } from "../ds/mem";
import {
  idlNew, idlFree, idlFootprint, idlInsert, idlDelete, idlFind, idlFirst, idlNext, idlData,
  idlMs, idlSeq, idlLength,
} from "../ds/idlist";

export const G_LAST_MS: usize = 0;
export const G_LAST_SEQ: usize = 8;
export const G_ENTRIES_READ: usize = 16;
export const G_PEL: usize = 24;
export const G_CONSUMERS: usize = 28;
const G_NAME: usize = 36;

export const C_SEEN: usize = 0;
export const C_PEL: usize = 8;
const C_NAME: usize = 16;

/** NACK payload offsets (from idlData of a group PEL node). */
export const N_TIME: usize = 0;
export const N_COUNT: usize = 8;
export const N_OWNER: usize = 16;
const NACK_PAYLOAD: usize = 20;
const CPEL_PAYLOAD: usize = 4;

export const ENTRIES_READ_INVALID: i64 = -1;

// ---- name arrays -------------------------------------------------------------------

// @ts-ignore: decorator
@inline export function arrCount(a: usize): u32 { return a == 0 ? 0 : load<u32>(a); }
// @ts-ignore: decorator
@inline export function arrAt(a: usize, i: u32): usize { return <usize>load<u32>(a + 8 + (<usize>i << 2)); }

/** Name of a group or consumer: its bytes start right after the length word. */
// @ts-ignore: decorator
@inline export function groupNamePtr(g: usize): usize { return g + G_NAME + 4; }
// @ts-ignore: decorator
@inline export function groupNameLen(g: usize): usize { return <usize>load<u32>(g, G_NAME); }
// @ts-ignore: decorator
@inline export function consumerNamePtr(c: usize): usize { return c + C_NAME + 4; }
// @ts-ignore: decorator
@inline export function consumerNameLen(c: usize): usize { return <usize>load<u32>(c, C_NAME); }

/** Index of the name in the array, or -(insertion point) - 1. */
function arrSearch(a: usize, nameOff: usize, ptr: usize, len: usize): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>arrCount(a) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const it = arrAt(a, <u32>mid);
    const c = bytesCompare(it + nameOff + 4, <usize>load<u32>(it + nameOff), ptr, len);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

function arrInsertAt(a: usize, at: u32, item: usize): usize {
  const n = arrCount(a);
  let cap: u32 = a == 0 ? 0 : load<u32>(a, 4);
  if (n == cap) {
    cap = cap == 0 ? 4 : cap * 2;
    a = a == 0 ? memAlloc(8 + (<usize>cap << 2)) : memRealloc(a, 8 + (<usize>cap << 2));
    if (n == 0) store<u32>(a, 0);
    store<u32>(a, cap, 4);
  }
  const p = a + 8 + (<usize>at << 2);
  memory.copy(p + 4, p, <usize>(n - at) << 2);
  store<u32>(p, <u32>item);
  store<u32>(a, n + 1);
  return a;
}

function arrRemoveAt(a: usize, at: u32): void {
  const n = arrCount(a);
  const p = a + 8 + (<usize>at << 2);
  memory.copy(p, p + 4, <usize>(n - at - 1) << 2);
  store<u32>(a, n - 1);
}

// ---- groups ------------------------------------------------------------------------

/** The group named so in the groups array `a`, or 0. */
export function groupLookup(a: usize, ptr: usize, len: usize): usize {
  if (a == 0) return 0;
  const i = arrSearch(a, G_NAME, ptr, len);
  return i < 0 ? 0 : arrAt(a, <u32>i);
}

/** The groups array with a new group added; 0 in `created` when the name is taken. */
export let created: usize = 0;
export function groupCreate(a: usize, ptr: usize, len: usize, ms: u64, seq: u64, entriesRead: i64): usize {
  const i = a == 0 ? -1 : arrSearch(a, G_NAME, ptr, len);
  if (i >= 0) { created = 0; return a; }
  const g = memAlloc(G_NAME + 4 + len);
  store<u64>(g, ms, G_LAST_MS);
  store<u64>(g, seq, G_LAST_SEQ);
  store<i64>(g, entriesRead, G_ENTRIES_READ);
  store<u32>(g, <u32>idlNew(NACK_PAYLOAD), G_PEL);
  store<u32>(g, 0, G_CONSUMERS);
  store<u32>(g, <u32>len, G_NAME);
  memory.copy(g + G_NAME + 4, ptr, len);
  created = g;
  return arrInsertAt(a, <u32>(-i - 1), g);
}

function groupFree(g: usize): void {
  const cons = <usize>load<u32>(g, G_CONSUMERS);
  const n = arrCount(cons);
  for (let i: u32 = 0; i < n; i++) consumerFree(arrAt(cons, i));
  if (cons != 0) memFree(cons);
  idlFree(<usize>load<u32>(g, G_PEL));
  memFree(g);
}

/** Removes and frees the named group; false when absent. */
export function groupDestroy(a: usize, ptr: usize, len: usize): bool {
  if (a == 0) return false;
  const i = arrSearch(a, G_NAME, ptr, len);
  if (i < 0) return false;
  const g = arrAt(a, <u32>i);
  arrRemoveAt(a, <u32>i);
  groupFree(g);
  return true;
}

// @ts-ignore: decorator
@inline export function groupPel(g: usize): usize { return <usize>load<u32>(g, G_PEL); }
// @ts-ignore: decorator
@inline export function groupConsumers(g: usize): usize { return <usize>load<u32>(g, G_CONSUMERS); }

// ---- consumers ---------------------------------------------------------------------

export function consumerLookup(g: usize, ptr: usize, len: usize): usize {
  const a = groupConsumers(g);
  if (a == 0) return 0;
  const i = arrSearch(a, C_NAME, ptr, len);
  return i < 0 ? 0 : arrAt(a, <u32>i);
}

/** Creates the consumer (absent: the caller looked it up). */
export function consumerCreate(g: usize, ptr: usize, len: usize, now: i64): usize {
  const a = groupConsumers(g);
  const i = a == 0 ? -1 : arrSearch(a, C_NAME, ptr, len);
  const c = memAlloc(C_NAME + 4 + len);
  store<i64>(c, now, C_SEEN);
  store<u32>(c, <u32>idlNew(CPEL_PAYLOAD), C_PEL);
  store<u32>(c, <u32>len, C_NAME);
  memory.copy(c + C_NAME + 4, ptr, len);
  store<u32>(g, <u32>arrInsertAt(a, <u32>(-i - 1), c), G_CONSUMERS);
  return c;
}

function consumerFree(c: usize): void {
  idlFree(<usize>load<u32>(c, C_PEL));
  memFree(c);
}

// @ts-ignore: decorator
@inline export function consumerPel(c: usize): usize { return <usize>load<u32>(c, C_PEL); }

/**
 * Deletes the consumer: its pending entries leave the group PEL too
 * (Redis's streamDelConsumer). Returns how many it had.
 */
export function consumerDelete(g: usize, c: usize): i64 {
  const cpel = consumerPel(c);
  const pending = <i64>idlLength(cpel);
  const gpel = groupPel(g);
  let x = idlFirst(cpel);
  while (x != 0) {
    idlDelete(gpel, idlMs(x), idlSeq(x));
    x = idlNext(cpel, x);
  }
  const a = groupConsumers(g);
  const i = arrSearch(a, C_NAME, consumerNamePtr(c), consumerNameLen(c));
  arrRemoveAt(a, <u32>i);
  consumerFree(c);
  return pending;
}

// ---- NACKs -------------------------------------------------------------------------

/** The group PEL node of the ID, or 0. */
export function nackFind(g: usize, ms: u64, seq: u64): usize { return idlFind(groupPel(g), ms, seq); }

// @ts-ignore: decorator
@inline export function nackTime(n: usize): i64 { return load<i64>(idlData(n), N_TIME); }
// @ts-ignore: decorator
@inline export function nackCount(n: usize): u64 { return load<u64>(idlData(n), N_COUNT); }
// @ts-ignore: decorator
@inline export function nackOwner(n: usize): usize { return <usize>load<u32>(idlData(n), N_OWNER); }
// @ts-ignore: decorator
@inline export function setNackTime(n: usize, t: i64): void { store<i64>(idlData(n), t, N_TIME); }
// @ts-ignore: decorator
@inline export function setNackCount(n: usize, v: u64): void { store<u64>(idlData(n), v, N_COUNT); }

/** A new NACK of the ID (absent from the group PEL), owned by nobody yet. */
export function nackCreate(g: usize, ms: u64, seq: u64, time: i64, count: u64): usize {
  const n = idlInsert(groupPel(g), ms, seq);
  setNackTime(n, time);
  setNackCount(n, count);
  store<u32>(idlData(n), 0, N_OWNER);
  return n;
}

/** Gives the NACK to consumer `c` (moving it out of its owner's PEL). */
export function nackSetOwner(n: usize, c: usize): void {
  const old = nackOwner(n);
  if (old == c) return;
  if (old != 0) idlDelete(consumerPel(old), idlMs(n), idlSeq(n));
  const x = idlInsert(consumerPel(c), idlMs(n), idlSeq(n));
  store<u32>(idlData(x), <u32>n);
  store<u32>(idlData(n), <u32>c, N_OWNER);
}

/** Removes the NACK from its owner's PEL and the group PEL. */
export function nackDelete(g: usize, n: usize): void {
  const ms = idlMs(n);
  const seq = idlSeq(n);
  const owner = nackOwner(n);
  if (owner != 0) idlDelete(consumerPel(owner), ms, seq);
  idlDelete(groupPel(g), ms, seq);
}

// ---- the whole set (the stream value's hooks) ------------------------------------------

export function groupsFree(a: usize): void {
  if (a == 0) return;
  const n = arrCount(a);
  for (let i: u32 = 0; i < n; i++) groupFree(arrAt(a, i));
  memFree(a);
}

export function groupsFootprint(a: usize): usize {
  if (a == 0) return 0;
  let total = blockFootprint(a);
  const n = arrCount(a);
  for (let i: u32 = 0; i < n; i++) {
    const g = arrAt(a, i);
    total += blockFootprint(g) + idlFootprint(groupPel(g));
    const cons = groupConsumers(g);
    if (cons == 0) continue;
    total += blockFootprint(cons);
    const m = arrCount(cons);
    for (let j: u32 = 0; j < m; j++) {
      const c = arrAt(cons, j);
      total += blockFootprint(c) + idlFootprint(consumerPel(c));
    }
  }
  return total;
}

/** A deep copy of every group (COPY). */
export function groupsDup(a: usize): usize {
  if (a == 0) return 0;
  let out: usize = 0;
  const n = arrCount(a);
  for (let i: u32 = 0; i < n; i++) {
    const g = arrAt(a, i);
    out = groupCreate(out, groupNamePtr(g), groupNameLen(g), load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ),
      load<i64>(g, G_ENTRIES_READ));
    const ng = created;
    const cons = groupConsumers(g);
    const m = arrCount(cons);
    for (let j: u32 = 0; j < m; j++) {
      const c = arrAt(cons, j);
      consumerCreate(ng, consumerNamePtr(c), consumerNameLen(c), load<i64>(c, C_SEEN));
    }
    const pel = groupPel(g);
    let x = idlFirst(pel);
    while (x != 0) {
      const nn = nackCreate(ng, idlMs(x), idlSeq(x), nackTime(x), nackCount(x));
      const owner = nackOwner(x);
      if (owner != 0) nackSetOwner(nn, consumerLookup(ng, consumerNamePtr(owner), consumerNameLen(owner)));
      x = idlNext(pel, x);
    }
  }
  return out;
}
