// The stream value: entries packed into nodes in Redis's exact stream
// listpack layout (t_stream.c), so the RDB stream type can carry the node
// listpacks raw, and the per-entry cost is Redis's.
//
// Stream header (one block):
//   0         8        16        24         32         40        48        56             64
//   | length | lastMs | lastSeq | firstMs | firstSeq | maxDelMs | maxDelSeq | entriesAdded |
//   64          68     72     76    80
//   | nodesPtr | head | tail | cap | cgroups (0: none; db/cgroup.ts name array) |
//
// Node index: an array of NODE_SLOT-byte slots | masterMs u64 | masterSeq u64 |
// lp u32 | pad |, sorted by master ID, live slots in [head, tail). Seek is a
// binary search (O(log n)); append at the tail is amortized O(1); removing
// the head node advances `head` and the array is compacted once the dead
// prefix outweighs the live part, so trimming from the head is amortized
// O(1) per node. Removing a middle node (XDEL emptied it) moves the slots
// after it.
//
// Node listpack (Redis's layout):
//   master entry: | count | deleted | num-fields | field ... | 0 |
//   each entry:   | flags | ms-diff | seq-diff | value ... | lp-count |          (SAMEFIELDS)
//                 | flags | ms-diff | seq-diff | num-fields | field value ... | lp-count |
//   flags: DELETED 1, SAMEFIELDS 2 (the entry's fields are the master's);
//   diffs from the node's master ID; lp-count counts the entry's elements
//   before it, so the node can be walked backwards.

import { memAlloc, memCalloc, memFree, memRealloc, blockFootprint, blockSize } from "../ds/mem";
import {
  lpNew, lpFree, lpFirst, lpNext, lpPrev, lpLast, lpGet, lpInt, lpAppend, lpAppendInt, lpReplaceInt, lpBytes,
  lpEquals, lpDup,
} from "../ds/listpack";
import { registerValueType } from "./object";
import { objPtrOf, setObj, TYPE_STREAM, ENC_STREAM, E_TYPE } from "./entry";
import { Db, newEntry, hashKey, dbAdd } from "./db";
import { argPtr, argLen } from "../client";
import { streamNodeMaxBytes, streamNodeMaxEntries } from "./limits";
import { groupsFree, groupsFootprint, groupsDup } from "./cgroup";

export const S_LENGTH: usize = 0;
export const S_LAST_MS: usize = 8;
export const S_LAST_SEQ: usize = 16;
export const S_FIRST_MS: usize = 24;
export const S_FIRST_SEQ: usize = 32;
export const S_MAXDEL_MS: usize = 40;
export const S_MAXDEL_SEQ: usize = 48;
export const S_ADDED: usize = 56;
const S_NODES: usize = 64;
const S_HEAD: usize = 68;
const S_TAIL: usize = 72;
const S_CAP: usize = 76;
export const S_CGROUPS: usize = 80;
const S_SIZE: usize = 84;

const NODE_SLOT: usize = 24;
const SLOT_LP: usize = 16;

export const FLAG_DELETED: i64 = 1;
export const FLAG_SAMEFIELDS: i64 = 2;

// Redis caps a node at 1 GiB whatever stream-node-max-bytes says.
const LISTPACK_MAX_SIZE: u64 = 1 << 30;

export const U64_MAX: u64 = 0xffffffffffffffff;

// ---- the value ---------------------------------------------------------------------

export function streamNew(): usize {
  return memCalloc(S_SIZE);
}

/** Creates the key holding an empty stream. */
export function streamCreate(db: Db, keyPtr: usize, keyLen: usize): usize {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_STREAM, E_TYPE);
  setObj(e, streamNew(), ENC_STREAM);
  dbAdd(db, e);
  return e;
}

// @ts-ignore: decorator
@inline export function streamLength(s: usize): u64 { return load<u64>(s, S_LENGTH); }
// @ts-ignore: decorator
@inline export function nodeCount(s: usize): u32 { return load<u32>(s, S_TAIL) - load<u32>(s, S_HEAD); }
// @ts-ignore: decorator
@inline function slotAt(s: usize, i: u32): usize {
  return <usize>load<u32>(s, S_NODES) + <usize>(load<u32>(s, S_HEAD) + i) * NODE_SLOT;
}
/** The i-th node (0 = oldest): its master ID and listpack. */
// @ts-ignore: decorator
@inline export function nodeMasterMs(s: usize, i: u32): u64 { return load<u64>(slotAt(s, i)); }
// @ts-ignore: decorator
@inline export function nodeMasterSeq(s: usize, i: u32): u64 { return load<u64>(slotAt(s, i), 8); }
// @ts-ignore: decorator
@inline export function nodeLp(s: usize, i: u32): usize { return <usize>load<u32>(slotAt(s, i), SLOT_LP); }
// @ts-ignore: decorator
@inline function setNodeLp(s: usize, i: u32, lp: usize): void { store<u32>(slotAt(s, i), <u32>lp, SLOT_LP); }

export function idCompare(aMs: u64, aSeq: u64, bMs: u64, bSeq: u64): i32 {
  if (aMs != bMs) return aMs < bMs ? -1 : 1;
  if (aSeq != bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** Index of the last node whose master ID is <= the ID, or -1 (O(log n)). */
export function nodeSeek(s: usize, ms: u64, seq: u64): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>nodeCount(s) - 1;
  let best: i32 = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (idCompare(nodeMasterMs(s, mid), nodeMasterSeq(s, mid), ms, seq) <= 0) { best = mid; lo = mid + 1; }
    else hi = mid - 1;
  }
  return best;
}

/** Appends a node (RDB load: nodes arrive in master-ID order). */
export function pushNode(s: usize, ms: u64, seq: u64, lp: usize): void {
  let head = load<u32>(s, S_HEAD);
  let tail = load<u32>(s, S_TAIL);
  let cap = load<u32>(s, S_CAP);
  let arr = <usize>load<u32>(s, S_NODES);
  if (tail == cap) {
    if (head > 0 && head >= (tail - head)) {
      memory.copy(arr, arr + <usize>head * NODE_SLOT, <usize>(tail - head) * NODE_SLOT);
      tail -= head;
      head = 0;
    } else {
      cap = cap == 0 ? 4 : cap * 2;
      arr = arr == 0 ? memAlloc(<usize>cap * NODE_SLOT) : memRealloc(arr, <usize>cap * NODE_SLOT);
      store<u32>(s, <u32>arr, S_NODES);
      store<u32>(s, cap, S_CAP);
    }
  }
  const p = arr + <usize>tail * NODE_SLOT;
  store<u64>(p, ms);
  store<u64>(p, seq, 8);
  store<u32>(p, <u32>lp, SLOT_LP);
  store<u32>(p, 0, 20);
  store<u32>(s, head, S_HEAD);
  store<u32>(s, tail + 1, S_TAIL);
}

/** Frees the i-th node and drops its slot. */
export function removeNode(s: usize, i: u32): void {
  lpFree(nodeLp(s, i));
  const head = load<u32>(s, S_HEAD);
  const tail = load<u32>(s, S_TAIL);
  if (i == 0) {
    store<u32>(s, head + 1, S_HEAD);
  } else {
    const p = slotAt(s, i);
    memory.copy(p, p + NODE_SLOT, <usize>(tail - head - i - 1) * NODE_SLOT);
    store<u32>(s, tail - 1, S_TAIL);
  }
  if (load<u32>(s, S_HEAD) == load<u32>(s, S_TAIL)) {
    store<u32>(s, 0, S_HEAD);
    store<u32>(s, 0, S_TAIL);
  }
}

// ---- reading entries ---------------------------------------------------------------

/** The entry decoded by entryRead. */
export let entMs: u64 = 0;
export let entSeq: u64 = 0;
export let entFlags: i64 = 0;
export let entFields: i32 = 0;
/** Offset of the entry's first field/value element (SAMEFIELDS: first value). */
export let entDataOff: u32 = 0;
/** Offset of the entry's lp-count element. */
export let entCountOff: u32 = 0;

// @ts-ignore: decorator
@inline function lpIntAt(lp: usize, off: u32): i64 { lpGet(lp, off); return lpInt; }

/** Offset of the master entry's first field (after count, deleted, num-fields). */
export function masterFieldsOff(lp: usize): u32 {
  return lpNext(lp, lpNext(lp, lpNext(lp, lpFirst(lp))));
}

/** Offset of the node's first entry (past the master entry). */
export function firstEntryOff(lp: usize): u32 {
  const nf = <i32>lpIntAt(lp, lpNext(lp, lpNext(lp, lpFirst(lp))));
  let off = lpNext(lp, lpNext(lp, lpNext(lp, lpFirst(lp))));
  for (let k = 0; k < nf; k++) off = lpNext(lp, off);
  return lpNext(lp, off); // past the master terminator
}

/** Decodes the entry at `off` of node `i`; returns the next entry's offset (0: none). */
export function entryRead(s: usize, i: u32, lp: usize, off: u32): u32 {
  entFlags = lpIntAt(lp, off);
  let p = lpNext(lp, off);
  entMs = nodeMasterMs(s, i) + <u64>lpIntAt(lp, p);
  p = lpNext(lp, p);
  entSeq = nodeMasterSeq(s, i) + <u64>lpIntAt(lp, p);
  p = lpNext(lp, p);
  let n: i32;
  if ((entFlags & FLAG_SAMEFIELDS) != 0) {
    n = <i32>lpIntAt(lp, lpNext(lp, lpNext(lp, lpFirst(lp))));
    entDataOff = p;
    for (let k = 0; k < n; k++) p = lpNext(lp, p);
  } else {
    n = <i32>lpIntAt(lp, p);
    p = lpNext(lp, p);
    entDataOff = p;
    for (let k = 0; k < n * 2; k++) p = lpNext(lp, p);
  }
  entFields = n;
  entCountOff = p;
  return lpNext(lp, p);
}

// Walking a node backwards: each entry ends with its lp-count (the number of
// its elements before it), so the entry before a given one starts lp-count
// elements back from the element in front of it. RDB/RESTORE nodes were
// checked by streamValidateNode, so the counts are trusted. Reads of new
// entries (XREADGROUP >, XREAD, XREVRANGE) look at the end of the last node:
// walking back costs what is read there, where a forward walk costs the node.

/** Offset of the node's last entry (its flags element); 0 when the node has no entry. */
export function lastEntryOff(lp: usize): u32 {
  if (nodeLive(lp) + nodeDeleted(lp) == 0) return 0;
  return entryStartBack(lp, lpLast(lp));
}

/** Offset of the entry before the one at `off` (flags elements); 0 at the node's first entry. */
export function prevEntryOff(lp: usize, off: u32): u32 {
  const countOff = lpPrev(lp, off);
  // The master entry ends with its 0 terminator, whose lp-count would read 0.
  if (countOff == 0 || lpIntAt(lp, countOff) == 0) return 0;
  return entryStartBack(lp, countOff);
}

/** Offset of the flags element of the entry whose lp-count is at `countOff`. */
function entryStartBack(lp: usize, countOff: u32): u32 {
  let p = countOff;
  for (let c = lpIntAt(lp, countOff); c > 0; c--) p = lpPrev(lp, p);
  return p;
}

/** Decodes only the flags and ID of the entry at `off` into entFlags/entMs/entSeq. */
export function entryReadId(s: usize, i: u32, lp: usize, off: u32): void {
  entFlags = lpIntAt(lp, off);
  const p = lpNext(lp, off);
  entMs = nodeMasterMs(s, i) + <u64>lpIntAt(lp, p);
  entSeq = nodeMasterSeq(s, i) + <u64>lpIntAt(lp, lpNext(lp, p));
}

/**
 * Offset of node i's first entry (deleted or not) whose ID is >= the ID, or
 * 0 when every entry is below it; searched from the node's end.
 */
export function entrySeek(s: usize, i: u32, lp: usize, ms: u64, seq: u64): u32 {
  let at: u32 = 0;
  let off = lastEntryOff(lp);
  while (off != 0) {
    entryReadId(s, i, lp, off);
    if (idCompare(entMs, entSeq, ms, seq) < 0) break;
    at = off;
    off = prevEntryOff(lp, off);
  }
  return at;
}

/** Live entries of the node (master count). */
export function nodeLive(lp: usize): i64 { return lpIntAt(lp, lpFirst(lp)); }
export function nodeDeleted(lp: usize): i64 { return lpIntAt(lp, lpNext(lp, lpFirst(lp))); }

// ---- appending ---------------------------------------------------------------------

/**
 * Appends an entry whose n field/value pairs are the command's arguments
 * from `first` on. The ID must be above the stream's last ID (the caller
 * checked).
 */
export function streamAppend(s: usize, ms: u64, seq: u64, first: i32, n: i32): void {
  let totLen: u64 = 0;
  for (let k = 0; k < n * 2; k++) totLen += <u64>argLen(first + k);
  let i = <i32>nodeCount(s) - 1;
  let lp: usize = 0;
  if (i >= 0) {
    lp = nodeLp(s, i);
    let maxBytes = streamNodeMaxBytes;
    if (maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
    if (<u64>lpBytes(lp) + totLen >= maxBytes) lp = 0;
    else if (streamNodeMaxEntries != 0 && nodeLive(lp) + nodeDeleted(lp) >= streamNodeMaxEntries) lp = 0;
  }
  if (lp == 0) {
    // The node being closed gives back the room reserved for appends.
    if (i >= 0) setNodeLp(s, i, memRealloc(nodeLp(s, i), lpBytes(nodeLp(s, i))));
    lp = lpNew();
    lp = lpAppendInt(lp, 1);
    lp = lpAppendInt(lp, 0);
    lp = lpAppendInt(lp, n);
    for (let k = 0; k < n; k++) {
      lp = lpAppend(lp, argPtr(first + 2 * k), argLen(first + 2 * k));
    }
    lp = lpAppendInt(lp, 0);
    pushNode(s, ms, seq, lp);
    i = <i32>nodeCount(s) - 1;
  } else {
    lp = lpReplaceInt(lp, lpFirst(lp), nodeLive(lp) + 1);
  }
  // Room for the whole entry at once, growing the tail node by half again
  // (at most 16 KiB more): appending element by element would otherwise move
  // the node to a new block every few entries once its neighbours are taken
  // (streams written in turn). An element costs at most 9 header and 5
  // backlen bytes besides its data.
  const need = <usize>lpBytes(lp) + <usize>totLen + <usize>(2 * n + 5) * 14;
  if (blockSize(lp) < need) {
    const half = <usize>lpBytes(lp) >> 1;
    const grown = <usize>lpBytes(lp) + (half < 16384 ? half : 16384);
    lp = memRealloc(lp, grown > need ? grown : need);
  }
  // SAMEFIELDS when the fields are the master's, in order.
  let same = false;
  const mf = <i32>lpIntAt(lp, lpNext(lp, lpNext(lp, lpFirst(lp))));
  if (mf == n) {
    same = true;
    let off = masterFieldsOff(lp);
    for (let k = 0; k < n; k++) {
      if (!lpEquals(lp, off, argPtr(first + 2 * k), argLen(first + 2 * k))) {
        same = false;
        break;
      }
      off = lpNext(lp, off);
    }
  }
  lp = lpAppendInt(lp, same ? FLAG_SAMEFIELDS : 0);
  lp = lpAppendInt(lp, <i64>(ms - nodeMasterMs(s, i)));
  lp = lpAppendInt(lp, <i64>(seq - nodeMasterSeq(s, i)));
  if (!same) lp = lpAppendInt(lp, n);
  for (let k = 0; k < n * 2; k++) {
    if (same && (k & 1) == 0) continue;
    lp = lpAppend(lp, argPtr(first + k), argLen(first + k));
  }
  lp = lpAppendInt(lp, same ? <i64>n + 3 : <i64>n * 2 + 4);
  setNodeLp(s, i, lp);
  store<u64>(s, streamLength(s) + 1, S_LENGTH);
  store<u64>(s, ms, S_LAST_MS);
  store<u64>(s, seq, S_LAST_SEQ);
  store<u64>(s, load<u64>(s, S_ADDED) + 1, S_ADDED);
  if (streamLength(s) == 1) {
    store<u64>(s, ms, S_FIRST_MS);
    store<u64>(s, seq, S_FIRST_SEQ);
  }
}

// ---- deleting ----------------------------------------------------------------------

/**
 * Marks the entry at `off` of node `i` deleted (flags rewrite in place:
 * both values are one-byte integers), updates the master counts, and
 * drops the node when its last live entry goes. Returns true when the
 * node was removed.
 */
export function entryMarkDeleted(s: usize, i: u32, off: u32, dropEmpty: bool = true): bool {
  let lp = nodeLp(s, i);
  const flags = lpIntAt(lp, off);
  lp = lpReplaceInt(lp, off, flags | FLAG_DELETED);
  const live = nodeLive(lp) - 1;
  const del = nodeDeleted(lp) + 1;
  lp = lpReplaceInt(lp, lpNext(lp, lpFirst(lp)), del);
  lp = lpReplaceInt(lp, lpFirst(lp), live);
  setNodeLp(s, i, lp);
  store<u64>(s, streamLength(s) - 1, S_LENGTH);
  if (live == 0 && dropEmpty) {
    removeNode(s, i);
    return true;
  }
  return false;
}

/** Deletes the entry with this ID if it exists and is live. */
export function streamDeleteId(s: usize, ms: u64, seq: u64): bool {
  const i = nodeSeek(s, ms, seq);
  if (i < 0) return false;
  const lp = nodeLp(s, i);
  let off = firstEntryOff(lp);
  while (off != 0) {
    const at = off;
    off = entryRead(s, i, lp, at);
    const c = idCompare(entMs, entSeq, ms, seq);
    if (c > 0) return false;
    if (c == 0) {
      if ((entFlags & FLAG_DELETED) != 0) return false;
      entryMarkDeleted(s, i, at);
      return true;
    }
  }
  return false;
}

/** Recomputes the first live entry's ID (0-0 when empty), as streamGetEdgeID. */
export function streamUpdateFirstId(s: usize): void {
  let ms: u64 = 0;
  let seq: u64 = 0;
  const n = nodeCount(s);
  let found = false;
  for (let i: u32 = 0; i < n && !found; i++) {
    const lp = nodeLp(s, i);
    let off = firstEntryOff(lp);
    while (off != 0) {
      off = entryRead(s, i, lp, off);
      if ((entFlags & FLAG_DELETED) == 0) { ms = entMs; seq = entSeq; found = true; break; }
    }
  }
  store<u64>(s, ms, S_FIRST_MS);
  store<u64>(s, seq, S_FIRST_SEQ);
}

export const TRIM_MAXLEN: i32 = 1;
export const TRIM_MINID: i32 = 2;

/**
 * Redis's streamTrim: whole nodes go from the head while they can (and
 * while `limit`, 0 = none, allows); an approximate trim stops at the first
 * node it cannot drop whole, an exact one then marks entries deleted inside
 * that node. Returns the number of entries removed.
 */
export function streamTrim(s: usize, strategy: i32, maxlen: i64, minMs: u64, minSeq: u64, approx: bool, limit: i64): i64 {
  let deleted: i64 = 0;
  while (nodeCount(s) > 0) {
    if (strategy == TRIM_MAXLEN && <i64>streamLength(s) <= maxlen) break;
    const lp = nodeLp(s, 0);
    const entries = nodeLive(lp);
    if (limit != 0 && deleted + entries > limit) break;
    let removeWhole: bool;
    if (strategy == TRIM_MAXLEN) {
      removeWhole = <i64>streamLength(s) - entries >= maxlen;
    } else {
      // The node's last ID: the last entry, deleted or not, as lpGetEdgeStreamID.
      let off = firstEntryOff(lp);
      while (off != 0) off = entryRead(s, 0, lp, off);
      removeWhole = idCompare(entMs, entSeq, minMs, minSeq) < 0;
    }
    if (removeWhole) {
      store<u64>(s, streamLength(s) - <u64>entries, S_LENGTH);
      removeNode(s, 0);
      deleted += entries;
      continue;
    }
    if (approx) break;
    let off = firstEntryOff(lp);
    while (off != 0) {
      if (strategy == TRIM_MAXLEN && <i64>streamLength(s) <= maxlen) break;
      const at = off;
      const curLp = nodeLp(s, 0);
      off = entryRead(s, 0, curLp, at);
      if ((entFlags & FLAG_DELETED) != 0) continue;
      if (strategy == TRIM_MINID && idCompare(entMs, entSeq, minMs, minSeq) >= 0) break;
      // Marking only rewrites the counts in front of `off` with values of
      // the same encoded size class as before, except when a count crosses
      // an encoding boundary; re-derive `off` from the entry's position.
      const before = lpBytes(curLp);
      deleted++;
      // Redis's trim marks entries without ever freeing the node it stops
      // in, even when (MINID past every live entry, the last one deleted)
      // none is left live: the node stays, as in its RDB files.
      entryMarkDeleted(s, 0, at, false);
      const after = lpBytes(nodeLp(s, 0));
      if (off != 0) off = <u32>(<i64>off + <i64>after - <i64>before);
    }
    break;
  }
  if (deleted > 0) streamUpdateFirstId(s);
  return deleted;
}

// ---- value hooks (db/object.ts) ------------------------------------------------------

function streamFree(e: usize): void {
  const s = objPtrOf(e);
  const n = nodeCount(s);
  for (let i: u32 = 0; i < n; i++) lpFree(nodeLp(s, i));
  const arr = <usize>load<u32>(s, S_NODES);
  if (arr != 0) memFree(arr);
  groupsFree(<usize>load<u32>(s, S_CGROUPS));
  memFree(s);
}

function streamFootprint(e: usize): usize {
  const s = objPtrOf(e);
  let total = blockFootprint(s);
  const arr = <usize>load<u32>(s, S_NODES);
  if (arr != 0) total += blockFootprint(arr);
  const n = nodeCount(s);
  for (let i: u32 = 0; i < n; i++) total += blockFootprint(nodeLp(s, i));
  return total + groupsFootprint(<usize>load<u32>(s, S_CGROUPS));
}

function streamDup(e: usize): void {
  const s = objPtrOf(e);
  const c = memAlloc(S_SIZE);
  memory.copy(c, s, S_SIZE);
  const n = nodeCount(s);
  store<u32>(c, 0, S_NODES);
  store<u32>(c, 0, S_HEAD);
  store<u32>(c, 0, S_TAIL);
  store<u32>(c, 0, S_CAP);
  store<u32>(c, <u32>groupsDup(<usize>load<u32>(s, S_CGROUPS)), S_CGROUPS);
  for (let i: u32 = 0; i < n; i++) pushNode(c, nodeMasterMs(s, i), nodeMasterSeq(s, i), lpDup(nodeLp(s, i)));
  setObj(e, c, ENC_STREAM);
}

export function registerStreamValue(): void {
  registerValueType(TYPE_STREAM, streamFree, streamFootprint, streamDup);
}

/** The last live entry's ID into entMs/entSeq (streamLastValidID); false when empty. */
export function streamLastLiveId(s: usize): bool {
  for (let i = <i32>nodeCount(s) - 1; i >= 0; i--) {
    const lp = nodeLp(s, i);
    if (nodeLive(lp) == 0) continue;
    let off = lastEntryOff(lp);
    while (off != 0) {
      entryReadId(s, i, lp, off);
      if ((entFlags & FLAG_DELETED) == 0) return true;
      off = prevEntryOff(lp, off);
    }
  }
  return false;
}

/**
 * Whether a listpack loaded from an RDB file or RESTORE payload (already
 * lpValidate'd) is a well-formed stream node: the master entry, then
 * entries whose element counts match their lp-count and whose flags are
 * known, and a live count equal to the master's. The readers above trust
 * this layout, so a payload that breaks it is refused here.
 */
export function streamValidateNode(lp: usize): bool {
  let p = lpFirst(lp);
  if (p == 0 || !lpGet(lp, p)) return false;
  const live = lpInt;
  p = lpNext(lp, p);
  if (p == 0 || !lpGet(lp, p)) return false;
  const deleted = lpInt;
  p = lpNext(lp, p);
  if (p == 0 || !lpGet(lp, p)) return false;
  const mf = lpInt;
  if (mf < 0 || live < 0 || deleted < 0) return false;
  for (let k: i64 = 0; k < mf; k++) {
    p = lpNext(lp, p);
    if (p == 0) return false;
  }
  p = lpNext(lp, p);
  if (p == 0 || !lpGet(lp, p) || lpInt != 0) return false;
  p = lpNext(lp, p);
  let seenLive: i64 = 0;
  let seenDeleted: i64 = 0;
  while (p != 0) {
    if (!lpGet(lp, p)) return false;
    const flags = lpInt;
    if (flags < 0 || flags > 3) return false;
    let elems: i64 = 3;
    for (let k = 0; k < 2; k++) {
      p = lpNext(lp, p);
      if (p == 0 || !lpGet(lp, p)) return false;
    }
    let n: i64;
    if ((flags & FLAG_SAMEFIELDS) != 0) {
      n = mf;
    } else {
      p = lpNext(lp, p);
      if (p == 0 || !lpGet(lp, p)) return false;
      n = lpInt * 2;
      if (lpInt < 0) return false;
      elems++;
    }
    for (let k: i64 = 0; k < n; k++) {
      p = lpNext(lp, p);
      if (p == 0) return false;
    }
    elems += n;
    p = lpNext(lp, p);
    if (p == 0 || !lpGet(lp, p) || lpInt != elems) return false;
    if ((flags & FLAG_DELETED) != 0) seenDeleted++; else seenLive++;
    p = lpNext(lp, p);
  }
  return seenLive == live && seenDeleted == deleted;
}
