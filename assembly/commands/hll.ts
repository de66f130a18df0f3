// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// A HyperLogLog is a plain string value in Redis's exact byte layout, so an
// HLL written by real Redis (GET/SET, DUMP/RESTORE) counts the same here and
// back, and every string command works on it:
//
//   16-byte header: "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes,
//   8-byte cached cardinality, little-endian, whose top bit (MSB of byte 15)
//   marks the cache invalid.
//   dense:  16384 6-bit registers packed LSB first (register i starts at
//           bit 6*i), 12288 bytes.
//   sparse: run-length opcodes, ZERO 00xxxxxx (1..64 zero registers),
//           XZERO 01xxxxxx yyyyyyyy (1..16384), VAL 1vvvvvxx (value 1..32,
//           run 1..4). A sparse HLL turns dense when a value above 32 comes
//           or when it would grow past hll-sparse-max-bytes.
//
// Elements hash with MurmurHash64A (seed 0xadc83b19, little-endian reads);
// the low 14 bits pick the register, the run of zeros above them (+1) is the
// value. Cardinality is Ertl's improved estimator, as Redis 7.0 computes it.

import { register as reg } from "./dispatch";
import { CMD_PFADD, CMD_PFCOUNT, CMD_PFMERGE, CMD_PFDEBUG, CMD_PFSELFTEST } from "./table.gen";
import { curDb, argIs } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import { replyError, replyErrorBytes, replyInt, replyArray, replyOk, replySimple, replyBulk } from "../resp/writer";
import { E_WRONGTYPE, E_HLL_INVALID, E_HLL_CORRUPT, E_HLL_NO_KEY, E_HLL_NOT_SPARSE } from "../resp/errors";
import { Db, dbLookup, dbLookupRead, addDirty } from "../db/db";
import { keyChanged, NOTIFY_STRING } from "../db/notify";
import { signalModifiedKey } from "../db/watch";
import { typeOf, encOf, TYPE_STRING, ENC_INT, E_VAL_PTR, E_VAL_LEN, strPtrOf, strLenOf } from "../db/entry";
import { makeRawWritable, storeRawOwned } from "../db/strval";
import { memAlloc, memCalloc, memFree, memRealloc, blockSize } from "../ds/mem";
import { hllSparseMaxBytes } from "../db/limits";
import { randomU64 } from "../ds/hash";

const HLL_P: i32 = 14;
const HLL_Q: i32 = 64 - HLL_P;
const HLL_REGISTERS: i32 = 1 << HLL_P;
const HLL_P_MASK: u64 = <u64>(HLL_REGISTERS - 1);
const HLL_REGISTER_MAX: i32 = 63;
const HLL_HDR_SIZE: usize = 16;
const HLL_DENSE_SIZE: usize = HLL_HDR_SIZE + <usize>((HLL_REGISTERS * 6 + 7) / 8);
const HLL_DENSE: u8 = 0;
const HLL_SPARSE: u8 = 1;
const HLL_SPARSE_VAL_MAX_VALUE: i32 = 32;
const HLL_SPARSE_VAL_MAX_LEN: i32 = 4;
const HLL_SPARSE_ZERO_MAX_LEN: i32 = 64;
const HLL_SPARSE_XZERO_MAX_LEN: i32 = 16384;
const HLL_ALPHA_INF: f64 = 0.721347520444481703680;

// ---- hashing -----------------------------------------------------------------------

/** MurmurHash64A as Redis has it (reads are little-endian on every host). */
export function murmurHash64A(p: usize, len: usize, seed: u64): u64 {
  const m: u64 = 0xc6a4a7935bd1e995;
  const r: u64 = 47;
  let h: u64 = seed ^ (<u64>len * m);
  const end = p + (len & ~<usize>7);
  while (p < end) {
    let k = load<u64>(p);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    p += 8;
  }
  const rest = len & 7;
  if (rest != 0) {
    // The tail bytes as one little-endian word: a masked 8-byte load when it
    // stays inside memory (the bytes past the element are read, not used).
    if (p + 8 <= (<usize>memory.size() << 16)) {
      h ^= load<u64>(p) & ((<u64>1 << (<u64>rest << 3)) - 1);
    } else {
      for (let i = <i32>rest - 1; i >= 0; i--) h ^= <u64>load<u8>(p + <usize>i) << (<u64>i * 8);
    }
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

/** Register index of the last hllPatLen. */
let patIndex: i32 = 0;

/** The value (run of zeros + 1) an element gives; its register goes to patIndex. */
function hllPatLen(p: usize, len: usize): i32 {
  let hash = murmurHash64A(p, len, 0xadc83b19);
  patIndex = <i32>(hash & HLL_P_MASK);
  hash >>= <u64>HLL_P;
  hash |= <u64>1 << <u64>HLL_Q; // bounds the count to Q+1
  return <i32>ctz<u64>(hash) + 1;
}

// ---- dense registers ---------------------------------------------------------------

// @ts-ignore: decorator
@inline function denseGet(regs: usize, i: i32): i32 {
  const bit = i * 6;
  const byte = <usize>(bit >> 3);
  const fb = <u32>(bit & 7);
  const b0 = <u32>load<u8>(regs + byte);
  // The last register never reaches its second byte (fb <= 2 there).
  const b1: u32 = fb > 2 ? <u32>load<u8>(regs + byte + 1) : 0;
  return <i32>(((b0 >> fb) | (b1 << (8 - fb))) & 63);
}

// @ts-ignore: decorator
@inline function denseSetReg(regs: usize, i: i32, val: i32): void {
  const bit = i * 6;
  const byte = <usize>(bit >> 3);
  const fb = <u32>(bit & 7);
  const v = <u32>val;
  store<u8>(regs + byte, <u8>((<u32>load<u8>(regs + byte) & ~(<u32>63 << fb)) | (v << fb)));
  if (fb > 2) {
    const fb8 = 8 - fb;
    store<u8>(regs + byte + 1, <u8>((<u32>load<u8>(regs + byte + 1) & ~(<u32>63 >> fb8)) | (v >> fb8)));
  }
}

/** Raises register `i` to `count`; 1 if it changed. */
// @ts-ignore: decorator
@inline function denseSet(regs: usize, i: i32, count: i32): i32 {
  if (count > denseGet(regs, i)) {
    denseSetReg(regs, i, count);
    return 1;
  }
  return 0;
}

// ---- header helpers ----------------------------------------------------------------

// @ts-ignore: decorator
@inline function invalidateCache(hdr: usize): void {
  store<u8>(hdr + 15, load<u8>(hdr + 15) | 0x80);
}

// @ts-ignore: decorator
@inline function cacheValid(hdr: usize): bool {
  return (load<u8>(hdr + 15) & 0x80) == 0;
}

/** Redis's isHLLObjectOrReply: a string long enough, with the magic and a known encoding. */
function isHLLOrReply(e: usize): bool {
  if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return false; }
  if (encOf(e) == ENC_INT) { replyError(E_HLL_INVALID); return false; }
  const p = strPtrOf(e);
  const len = strLenOf(e);
  if (len < HLL_HDR_SIZE || load<u32>(p) != 0x4C4C5948 /* "HYLL" */ || load<u8>(p, 4) > HLL_SPARSE ||
      (load<u8>(p, 4) == HLL_DENSE && len != HLL_DENSE_SIZE)) {
    replyError(E_HLL_INVALID);
    return false;
  }
  return true;
}

/** A new empty sparse HLL: the header and one XZERO covering all registers. */
function newSparse(): usize {
  const p = memCalloc(HLL_HDR_SIZE + 2);
  store<u32>(p, 0x4C4C5948);
  store<u8>(p, HLL_SPARSE, 4);
  const n = HLL_REGISTERS - 1;
  store<u8>(p, <u8>(0x40 | (n >> 8)), 16);
  store<u8>(p, <u8>(n & 0xff), 17);
  return p;
}

// ---- sparse ------------------------------------------------------------------------

/** Entry being edited by sparseSet/sparseToDense (its value may be moved). */
let curEntry: usize = 0;

/** Sets the entry's value bytes to a new block (freeing the old one). */
function replaceValue(e: usize, p: usize, len: usize): void {
  const old = <usize>load<u32>(e, E_VAL_PTR);
  if (old != p) memFree(old);
  store<u32>(e, <u32>p, E_VAL_PTR);
  store<u32>(e, <u32>len, E_VAL_LEN);
}

/** Promotes the raw entry's sparse HLL to dense; false if corrupt (value untouched). */
function sparseToDense(e: usize): bool {
  const src = strPtrOf(e);
  if (load<u8>(src, 4) == HLL_DENSE) return true;
  const len = strLenOf(e);
  const dst = memCalloc(HLL_DENSE_SIZE);
  memory.copy(dst, src, HLL_HDR_SIZE);
  store<u8>(dst, HLL_DENSE, 4);
  const regs = dst + HLL_HDR_SIZE;
  let p = src + HLL_HDR_SIZE;
  const end = src + len;
  let idx: i32 = 0;
  while (p < end) {
    const b = <i32>load<u8>(p);
    if ((b & 0xc0) == 0) {
      idx += (b & 0x3f) + 1;
      p++;
    } else if ((b & 0xc0) == 0x40) {
      if (p + 1 >= end) { idx = -1; break; }
      idx += (((b & 0x3f) << 8) | <i32>load<u8>(p, 1)) + 1;
      p += 2;
    } else {
      const runlen = (b & 3) + 1;
      const val = ((b >> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) break;
      for (let k = 0; k < runlen; k++) denseSetReg(regs, idx + k, val);
      idx += runlen;
      p++;
    }
  }
  if (idx != HLL_REGISTERS) {
    memFree(dst);
    return false;
  }
  replaceValue(e, dst, HLL_DENSE_SIZE);
  return true;
}

// @ts-ignore: decorator
@inline function valOp(value: i32, len: i32): u8 {
  return <u8>(0x80 | ((value - 1) << 2) | (len - 1));
}

const SEQ = memory.data(8);

/**
 * Redis's hllSparseSet on the raw entry curEntry: 1 if a register rose, 0 if
 * not, -1 if the HLL is corrupt. May promote the value to dense.
 */
function sparseSet(index: i32, count: i32): i32 {
  const e = curEntry;
  if (count > HLL_SPARSE_VAL_MAX_VALUE) return promote(index, count);
  // Room for the longest rewrite (one opcode becomes up to 5 bytes).
  let len = strLenOf(e);
  let base = strPtrOf(e);
  if (blockSize(base) < len + 4) {
    base = memRealloc(base, (len + 4) * 2 > HLL_DENSE_SIZE ? len + 4 : (len + 4) * 2);
    store<u32>(e, <u32>base, E_VAL_PTR);
  }
  const sparse = base + HLL_HDR_SIZE;
  let end = base + len;
  let p = sparse;
  let first: i32 = 0;
  let prev: usize = 0;
  let span: i32 = 0;
  let oplen: usize = 1;
  while (p < end) {
    const b = <i32>load<u8>(p);
    oplen = 1;
    if ((b & 0xc0) == 0) span = (b & 0x3f) + 1;
    else if ((b & 0x80) != 0) span = (b & 3) + 1;
    else {
      if (p + 1 >= end) return -1;
      span = (((b & 0x3f) << 8) | <i32>load<u8>(p, 1)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;
  let next = p + oplen;
  if (next >= end) next = 0;
  const b = <i32>load<u8>(p);
  const isZero = (b & 0xc0) == 0;
  const isXzero = (b & 0xc0) == 0x40;
  const isVal = (b & 0x80) != 0;
  const runlen = span;
  let updated = false;
  if (isVal) {
    const old = ((b >> 2) & 0x1f) + 1;
    if (old >= count) return 0;
    if (runlen == 1) {
      store<u8>(p, valOp(count, 1));
      updated = true;
    }
  }
  if (!updated && isZero && runlen == 1) {
    store<u8>(p, valOp(count, 1));
    updated = true;
  }
  if (!updated) {
    // Split the opcode into up to three: before, the new value, after.
    let n = SEQ;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index != first) n = putZeros(n, index - first);
      store<u8>(n++, valOp(count, 1));
      if (index != last) n = putZeros(n, last - index);
    } else {
      const cur = ((b >> 2) & 0x1f) + 1;
      if (index != first) store<u8>(n++, valOp(cur, index - first));
      store<u8>(n++, valOp(count, 1));
      if (index != last) store<u8>(n++, valOp(cur, last - index));
    }
    const seqlen = <i32>(n - SEQ);
    const oldlen = isXzero ? 2 : 1;
    const delta = seqlen - oldlen;
    if (delta > 0 && <u64>len + <u64>delta > hllSparseMaxBytes) return promote(index, count);
    if (delta != 0 && next != 0) memory.copy(next + <usize>delta, next, end - next);
    len += delta;
    memory.copy(p, SEQ, <usize>seqlen);
    end += delta;
  }
  // Merge adjacent VALs of one value around the change.
  p = prev != 0 ? prev : sparse;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const c = <i32>load<u8>(p);
    if ((c & 0xc0) == 0x40) { p += 2; continue; }
    if ((c & 0xc0) == 0) { p++; continue; }
    if (p + 1 < end && (load<u8>(p, 1) & 0x80) != 0) {
      const d = <i32>load<u8>(p, 1);
      const v1 = ((c >> 2) & 0x1f) + 1;
      const v2 = ((d >> 2) & 0x1f) + 1;
      if (v1 == v2) {
        const l = (c & 3) + 1 + (d & 3) + 1;
        if (l <= HLL_SPARSE_VAL_MAX_LEN) {
          store<u8>(p + 1, valOp(v1, l));
          memory.copy(p, p + 1, end - p - 1);
          len--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  store<u32>(e, <u32>len, E_VAL_LEN);
  invalidateCache(base);
  return 1;
}

function putZeros(n: usize, len: i32): usize {
  if (len > HLL_SPARSE_ZERO_MAX_LEN) {
    store<u8>(n, <u8>(0x40 | ((len - 1) >> 8)));
    store<u8>(n, <u8>((len - 1) & 0xff), 1);
    return n + 2;
  }
  store<u8>(n, <u8>(len - 1));
  return n + 1;
}

function promote(index: i32, count: i32): i32 {
  if (!sparseToDense(curEntry)) return -1;
  denseSet(strPtrOf(curEntry) + HLL_HDR_SIZE, index, count);
  return 1;
}

/** Adds one element to the raw HLL entry curEntry (Redis's hllAdd). */
function hllAdd(p: usize, len: usize): i32 {
  const count = hllPatLen(p, len);
  const base = strPtrOf(curEntry);
  if (load<u8>(base, 4) == HLL_DENSE) return denseSet(base + HLL_HDR_SIZE, patIndex, count);
  return sparseSet(patIndex, count);
}

// ---- counting ----------------------------------------------------------------------

const HISTO = memory.data(64 * 4);

// @ts-ignore: decorator
@inline function histoAdd(v: u32): void {
  const a = HISTO + (<usize>v << 2);
  store<i32>(a, load<i32>(a) + 1);
}

// @ts-ignore: decorator
@inline function maxAt(m: usize, v: u32): void {
  if (<u8>v > load<u8>(m)) store<u8>(m, <u8>v);
}

/** Fills HISTO from an HLL's bytes; false if a sparse one is corrupt. */
function regHisto(p: usize, len: usize): bool {
  memory.fill(HISTO, 0, 64 * 4);
  const regs = p + HLL_HDR_SIZE;
  if (load<u8>(p, 4) == HLL_DENSE) {
    // Every 3 bytes hold 4 whole registers (LSB first), so read them 24 bits at a time.
    for (let g: usize = 0; g < <usize>HLL_REGISTERS / 4; g++) {
      const q = regs + g * 3;
      const w = <u32>load<u16>(q) | (<u32>load<u8>(q, 2) << 16);
      histoAdd(w & 63);
      histoAdd((w >> 6) & 63);
      histoAdd((w >> 12) & 63);
      histoAdd(w >> 18);
    }
    return true;
  }
  const end = p + len;
  let q = regs;
  let idx: i32 = 0;
  while (q < end) {
    const b = <i32>load<u8>(q);
    let runlen: i32, val: i32 = 0;
    if ((b & 0xc0) == 0) { runlen = (b & 0x3f) + 1; q++; }
    else if ((b & 0xc0) == 0x40) {
      if (q + 1 >= end) return false;
      runlen = (((b & 0x3f) << 8) | <i32>load<u8>(q, 1)) + 1;
      q += 2;
    } else { runlen = (b & 3) + 1; val = ((b >> 2) & 0x1f) + 1; q++; }
    idx += runlen;
    const a = HISTO + (<usize>val << 2);
    store<i32>(a, load<i32>(a) + runlen);
  }
  return idx == HLL_REGISTERS;
}

/** Histogram of a raw 16384-byte register array. */
function rawHisto(regs: usize): void {
  memory.fill(HISTO, 0, 64 * 4);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const a = HISTO + (<usize>load<u8>(regs + <usize>i) << 2);
    store<i32>(a, load<i32>(a) + 1);
  }
}

function hllSigma(x: f64): f64 {
  if (x == 1.0) return Infinity;
  let zPrime: f64;
  let y: f64 = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime != z);
  return z;
}

function hllTau(x: f64): f64 {
  if (x == 0.0 || x == 1.0) return 0.0;
  let zPrime: f64;
  let y: f64 = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime != z);
  return z / 3;
}

/** Ertl's estimator over HISTO (Redis 7.0's hllCount). */
function countFromHisto(): u64 {
  const m = <f64>HLL_REGISTERS;
  let z = m * hllTau((m - <f64>load<i32>(HISTO + <usize>((HLL_Q + 1) << 2))) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += <f64>load<i32>(HISTO + (<usize>j << 2));
    z *= 0.5;
  }
  z += m * hllSigma(<f64>load<i32>(HISTO) / m);
  // llroundl: halves round away from zero (the value is never negative).
  return <u64>Math.floor(HLL_ALPHA_INF * m * m / z + 0.5);
}

/** Max-merges an HLL's registers into the raw array `max`; false if corrupt. */
function hllMerge(max: usize, p: usize, len: usize): bool {
  const regs = p + HLL_HDR_SIZE;
  if (load<u8>(p, 4) == HLL_DENSE) {
    for (let g: usize = 0; g < <usize>HLL_REGISTERS / 4; g++) {
      const q = regs + g * 3;
      const w = <u32>load<u16>(q) | (<u32>load<u8>(q, 2) << 16);
      const m = max + g * 4;
      maxAt(m, w & 63);
      maxAt(m + 1, (w >> 6) & 63);
      maxAt(m + 2, (w >> 12) & 63);
      maxAt(m + 3, w >> 18);
    }
    return true;
  }
  const end = p + len;
  let q = regs;
  let i: i32 = 0;
  while (q < end) {
    const b = <i32>load<u8>(q);
    if ((b & 0xc0) == 0) { i += (b & 0x3f) + 1; q++; }
    else if ((b & 0xc0) == 0x40) {
      if (q + 1 >= end) return false;
      i += (((b & 0x3f) << 8) | <i32>load<u8>(q, 1)) + 1;
      q += 2;
    } else {
      const runlen = (b & 3) + 1;
      const val = <u8>(((b >> 2) & 0x1f) + 1);
      if (runlen + i > HLL_REGISTERS) break;
      for (let k = 0; k < runlen; k++) {
        if (val > load<u8>(max + <usize>(i + k))) store<u8>(max + <usize>(i + k), val);
      }
      i += runlen;
      q++;
    }
  }
  return i == HLL_REGISTERS;
}

const MAX_REGS = memory.data(HLL_REGISTERS);

// ---- commands ------------------------------------------------------------------------

/** The entry made raw and writable in place (Redis's dbUnshareStringValue). */
function unshare(db: Db, e: usize): usize {
  return makeRawWritable(db, e, 0);
}

// PFADD key [element ...] — integer 1 if any register changed (or the key
// was created), else 0. O(1) per element.
function cmdPfadd(): void {
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  let updated: u64 = 0;
  if (e == 0) {
    e = storeRawOwned(db, 0, keyPtr, keyLen, newSparse(), HLL_HDR_SIZE + 2);
    updated++;
  } else {
    if (!isHLLOrReply(e)) return;
    e = unshare(db, e);
  }
  curEntry = e;
  const argc = curArgc;
  let j = 2;
  for (; j < argc && load<u8>(strPtrOf(e), 4) != HLL_DENSE; j++) {
    const r = hllAdd(argPtr(j), argLen(j));
    if (r == 1) updated++;
    else if (r < 0) { replyError(E_HLL_CORRUPT); return; }
  }
  // Dense (from the start, or promoted on the way): the registers stay put.
  if (j < argc) {
    const regs = strPtrOf(e) + HLL_HDR_SIZE;
    for (; j < argc; j++) {
      const count = hllPatLen(argPtr(j), argLen(j));
      updated += <u64>denseSet(regs, patIndex, count);
    }
  }
  if (updated != 0) {
    invalidateCache(strPtrOf(e));
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "pfadd");
    addDirty(updated);
  }
  replyInt(updated != 0 ? 1 : 0);
}

// PFCOUNT key [key ...] — integer, the estimated cardinality. One key uses
// (and refreshes) the cached value; several keys merge into a scratch array
// and change nothing. O(1) cached, O(N) otherwise.
function cmdPfcount(): void {
  const db = curDb();
  const argc = curArgc;
  if (argc > 2) {
    memory.fill(MAX_REGS, 0, <usize>HLL_REGISTERS);
    for (let j = 1; j < argc; j++) {
      const e = dbLookupRead(db, argPtr(j), argLen(j));
      if (e == 0) continue;
      if (!isHLLOrReply(e)) return;
      if (!hllMerge(MAX_REGS, strPtrOf(e), strLenOf(e))) { replyError(E_HLL_CORRUPT); return; }
    }
    rawHisto(MAX_REGS);
    replyInt(<i64>countFromHisto());
    return;
  }
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookupRead(db, keyPtr, keyLen);
  if (e == 0) { replyInt(0); return; }
  if (!isHLLOrReply(e)) return;
  e = unshare(db, e);
  const p = strPtrOf(e);
  if (cacheValid(p)) { replyInt(load<i64>(p, 8)); return; }
  if (!regHisto(p, strLenOf(e))) { replyError(E_HLL_CORRUPT); return; }
  const card = countFromHisto();
  store<u64>(p, card, 8);
  // The cached value is part of the string: a write as far as WATCH and
  // propagation are concerned, though no keyspace event fires.
  signalModifiedKey(db.index, keyPtr, keyLen);
  addDirty(1);
  replyInt(<i64>card);
}

// PFMERGE destkey [sourcekey ...] — OK. The destination (itself a source)
// is dense if any source is. O(N) in the number of keys.
function cmdPfmerge(): void {
  const db = curDb();
  const argc = curArgc;
  memory.fill(MAX_REGS, 0, <usize>HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argc; j++) {
    const e = dbLookupRead(db, argPtr(j), argLen(j));
    if (e == 0) continue;
    if (!isHLLOrReply(e)) return;
    if (load<u8>(strPtrOf(e), 4) == HLL_DENSE) useDense = true;
    if (!hllMerge(MAX_REGS, strPtrOf(e), strLenOf(e))) { replyError(E_HLL_CORRUPT); return; }
  }
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) e = storeRawOwned(db, 0, keyPtr, keyLen, newSparse(), HLL_HDR_SIZE + 2);
  else e = unshare(db, e);
  curEntry = e;
  if (useDense && !sparseToDense(e)) { replyError(E_HLL_CORRUPT); return; }
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = <i32>load<u8>(MAX_REGS + <usize>j);
    if (v == 0) continue;
    const p = strPtrOf(e);
    if (load<u8>(p, 4) == HLL_DENSE) denseSet(p + HLL_HDR_SIZE, j, v);
    else sparseSet(j, v);
  }
  invalidateCache(strPtrOf(e));
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "pfadd");
  addDirty(1);
  replyOk();
}

const DECODE_MAX: usize = 16 * 1024 * 8;

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key — internal inspection, as Redis.
function cmdPfdebug(): void {
  const db = curDb();
  const keyPtr = argPtr(2), keyLen = argLen(2);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e == 0) { replyError(E_HLL_NO_KEY); return; }
  if (!isHLLOrReply(e)) return;
  e = unshare(db, e);
  curEntry = e;
  const argc = curArgc;
  const sub = argIs(1, "GETREG") ? 1 : argIs(1, "DECODE") ? 2 : argIs(1, "ENCODING") ? 3 : argIs(1, "TODENSE") ? 4 : 0;
  if (sub == 0) { subError("Unknown PFDEBUG subcommand '", "'"); return; }
  if (argc != 3) { subError("Wrong number of arguments for the '", "' subcommand"); return; }
  const enc = load<u8>(strPtrOf(e), 4);
  if (sub == 1) {
    if (enc == HLL_SPARSE) {
      if (!sparseToDense(e)) { replyError(E_HLL_CORRUPT); return; }
      addDirty(1);
    }
    const regs = strPtrOf(e) + HLL_HDR_SIZE;
    replyArray(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) replyInt(denseGet(regs, j));
  } else if (sub == 2) {
    if (enc != HLL_SPARSE) { replyError(E_HLL_NOT_SPARSE); return; }
    const base = strPtrOf(e);
    const end = base + strLenOf(e);
    const out = memAlloc(DECODE_MAX);
    let o: usize = 0;
    let q = base + HLL_HDR_SIZE;
    while (q < end && o + 32 < DECODE_MAX) {
      const b = <i32>load<u8>(q);
      if ((b & 0xc0) == 0) { o = putText(out, o, "z:"); o = putNum(out, o, (b & 0x3f) + 1); q++; }
      else if ((b & 0xc0) == 0x40) {
        o = putText(out, o, "Z:");
        o = putNum(out, o, (((b & 0x3f) << 8) | (q + 1 < end ? <i32>load<u8>(q, 1) : 0)) + 1);
        q += 2;
      } else {
        o = putText(out, o, "v:");
        o = putNum(out, o, ((b >> 2) & 0x1f) + 1);
        o = putText(out, o, ",");
        o = putNum(out, o, (b & 3) + 1);
        q++;
      }
      store<u8>(out + o++, 32);
    }
    while (o > 0 && load<u8>(out + o - 1) == 32) o--;
    replyBulk(out, o);
    memFree(out);
  } else if (sub == 3) {
    replySimple(enc == HLL_DENSE ? "dense" : "sparse");
  } else {
    let conv = 0;
    if (enc == HLL_SPARSE) {
      if (!sparseToDense(e)) { replyError(E_HLL_CORRUPT); return; }
      conv = 1;
      addDirty(1);
    }
    replyInt(conv);
  }
}

const ERRBUF_MAX: usize = 256;

/** "ERR <pre><subcommand as typed><post>" */
function subError(pre: string, post: string): void {
  const len = argLen(1);
  const buf = memAlloc(len + ERRBUF_MAX);
  let o = putText(buf, 0, "ERR ");
  o = putText(buf, o, pre);
  memory.copy(buf + o, argPtr(1), len);
  o += len;
  o = putText(buf, o, post);
  replyErrorBytes(buf, o);
  memFree(buf);
}

function putText(dst: usize, o: usize, s: string): usize {
  for (let i = 0; i < s.length; i++) store<u8>(dst + o + <usize>i, <u8>s.charCodeAt(i));
  return o + <usize>s.length;
}

function putNum(dst: usize, o: usize, v: i32): usize {
  const s = v.toString();
  return putText(dst, o, s);
}

// PFSELFTEST — OK, or an error naming the failed check. Checks the dense
// register packing against random values and that a sparse HLL promoted
// to dense keeps every register. O(N).
function cmdPfselftest(): void {
  const regs = memCalloc(HLL_DENSE_SIZE - HLL_HDR_SIZE);
  const ref = memAlloc(<usize>HLL_REGISTERS);
  for (let round = 0; round < 1000; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = <i32>(randomU64() & <u64>HLL_REGISTER_MAX);
      store<u8>(ref + <usize>i, <u8>v);
      denseSetReg(regs, i, v);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (denseGet(regs, i) != <i32>load<u8>(ref + <usize>i)) {
        memFree(regs);
        memFree(ref);
        replyError("TESTFAILED Register error at " + i.toString());
        return;
      }
    }
  }
  memFree(regs);
  memFree(ref);
  replyOk();
}

export function register(): void {
  reg(CMD_PFADD, cmdPfadd);
  reg(CMD_PFCOUNT, cmdPfcount);
  reg(CMD_PFMERGE, cmdPfmerge);
  reg(CMD_PFDEBUG, cmdPfdebug);
  reg(CMD_PFSELFTEST, cmdPfselftest);
}
