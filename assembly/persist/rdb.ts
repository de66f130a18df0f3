// RDB, Redis's snapshot format (version 10, as Redis 7.0 writes it), and the
// DUMP payload built from the same value serializer.
//
// Saving (host: src/persistence/rdb.ts):
//   rdbSaveBegin(ctime, usedMem, flags)  header and aux fields
//   rdbSaveRaw(ptr, len)                 bytes the host serialized (function libraries)
//   rdbSaveStep(limit)                   keys, db by db, until `limit` output bytes; 0 when done
//   rdbOutPtr/rdbOutLen, rdbOutTaken()   the host drains the output between steps
// The CRC-64 runs over every byte as it is handed out; the last step writes
// EOF and the checksum. Keys are visited with the dict's SCAN cursor, so a
// save may be split into steps as long as nothing writes in between.
//
// Loading: rdbLoadBegin(now, flags), then rdbLoadFeed(ptr, len, final) with
// the file's bytes in order. Each call consumes whole top-level records and
// returns how many bytes it consumed (the host keeps the rest and appends
// more), or RDB_LOAD_ERROR with the reason in rdbErrorText. Values are read
// into our own encodings under the configured thresholds, whatever encoding
// the file used (listpack, ziplist, intset, plain), and every blob is
// validated before it is read: a corrupt file is an error, never an abort.

import { memAlloc, memFree, memRealloc } from "../ds/mem";
import { crc64 } from "../util/crc64";
import { formatI64 } from "../resp/writer";
import { lzfCompress, lzfDecompress } from "../util/lzf";
import { parseDouble, dblValue } from "../util/double";
import {
  Db, getDb, numDbs, nowMs, newEntry, hashKey, dbAdd, dbFindRaw, dbSetExpire, dbSize, dbExpires,
} from "../db/db";
import {
  typeOf, encOf, keyPtrOf, keyLenOf, hasExpire, expireSlot, objPtrOf, setObj, strPtrOf, strLenOf,
  TYPE_STRING, TYPE_LIST, TYPE_SET, TYPE_ZSET, TYPE_HASH, TYPE_STREAM, ENC_STREAM,
  ENC_INT, ENC_LISTPACK, ENC_INTSET, ENC_QUICKLIST, E_TYPE, E_LRU, E_VAL,
} from "../db/entry";
import { makeStringEntry, ENCODE_AUTO } from "../db/strval";
import { freeValue } from "../db/object";
import { Dict, dictScan, dictSize, dictForEach } from "../ds/dict";
import { qlNew, qlHead, qlNodes, nodeNext, nodeLp, qlPushTail, qlCount } from "../ds/quicklist";
import { lpNew, lpFirst, lpNext, lpGetBytes, lpPtr, lpLen, lpValidate, lpLength } from "../ds/listpack";
import { intsetLen, intsetGet, intsetBlobLen, intsetValidate } from "../ds/intset";
import { setNewEntry, setAdd, setSize, setDict, memberPtr } from "../db/setval";
import { hashSet, hashLength, fieldPtrOf, fieldLenOf, valuePtrOf, valueLenOf } from "../db/hashval";
import { zsetAdd, zsetLength, zLast, zPrev, zScoreAt } from "../db/zsetval";
import { nodeKey, nodeLen } from "../ds/skiplist";
import { listMaxListpackSize, listCompressDepth } from "../db/limits";
import { lfuMode, lfuDecayed, lruClock, lfuStamp, LRU_CLOCK_MAX } from "../db/lru";
import { evictPolicyIsLru } from "../db/evict";
import {
  streamNew, pushNode as streamPushNode, nodeCount as streamNodeCount, nodeLp as streamNodeLp,
  nodeMasterMs, nodeMasterSeq, streamValidateNode, streamUpdateFirstId,
  S_LENGTH, S_LAST_MS, S_LAST_SEQ, S_FIRST_MS, S_FIRST_SEQ, S_MAXDEL_MS, S_MAXDEL_SEQ, S_ADDED, S_CGROUPS,
} from "../db/streamval";
import {
  arrCount, arrAt, groupCreate, created, groupPel, groupConsumers, groupNamePtr, groupNameLen, consumerLookup,
  consumerCreate, consumerPel, consumerNamePtr, consumerNameLen, nackFind, nackCreate, nackSetOwner, nackTime,
  nackCount, nackOwner, G_LAST_MS, G_LAST_SEQ, G_ENTRIES_READ, C_SEEN, ENTRIES_READ_INVALID,
} from "../db/cgroup";
import { idlFirst, idlNext, idlMs, idlSeq, idlLength } from "../ds/idlist";

export const RDB_VERSION: u32 = 10;

/** `rdbcompression` (set by the host): DUMP payloads follow it as RDB files do. */
export let rdbCompression = true;
export function setRdbCompression(on: bool): void { rdbCompression = on; }

// Value types and opcodes (rdb.h).
const T_STRING: u8 = 0;
const T_LIST: u8 = 1;
const T_SET: u8 = 2;
const T_ZSET: u8 = 3;
const T_HASH: u8 = 4;
const T_ZSET_2: u8 = 5;
const T_MODULE: u8 = 6;
const T_MODULE_2: u8 = 7;
const T_HASH_ZIPMAP: u8 = 9;
const T_LIST_ZIPLIST: u8 = 10;
const T_SET_INTSET: u8 = 11;
const T_ZSET_ZIPLIST: u8 = 12;
const T_HASH_ZIPLIST: u8 = 13;
const T_LIST_QUICKLIST: u8 = 14;
const T_STREAM_LISTPACKS: u8 = 15;
const T_HASH_LISTPACK: u8 = 16;
const T_ZSET_LISTPACK: u8 = 17;
const T_LIST_QUICKLIST_2: u8 = 18;
const T_STREAM_LISTPACKS_2: u8 = 19;

const OP_FUNCTION2: u8 = 245;
const OP_MODULE_AUX: u8 = 246;
const OP_FUNCTION: u8 = 247;
const OP_IDLE: u8 = 248;
const OP_FREQ: u8 = 249;
const OP_AUX: u8 = 250;
const OP_RESIZEDB: u8 = 251;
const OP_EXPIRETIME_MS: u8 = 252;
const OP_EXPIRETIME: u8 = 253;
const OP_SELECTDB: u8 = 254;
const OP_EOF: u8 = 255;

const ENC_INT8: u32 = 0;
const ENC_INT16: u32 = 1;
const ENC_INT32: u32 = 2;
const ENC_LZF: u32 = 3;

const QL_NODE_PLAIN: u64 = 1;
const QL_NODE_PACKED: u64 = 2;

/** rdbSaveBegin flags. */
export const RDB_COMPRESS: u32 = 1;
export const RDB_CHECKSUM: u32 = 2;
export const RDB_AOF_BASE: u32 = 4;

// ==== output ==========================================================================

let out: usize = 0;
let outCap: usize = 0;
let outLen: usize = 0;
/** Bytes of the output already folded into the checksum. */
let crcPos: usize = 0;
let crc: u64 = 0;
let compress = true;
let checksum = true;

function reserve(n: usize): void {
  if (outLen + n <= outCap) return;
  let cap: usize = outCap == 0 ? 65536 : outCap;
  while (cap < outLen + n) cap *= 2;
  out = out == 0 ? memAlloc(cap) : memRealloc(out, cap);
  outCap = cap;
}

function w8(b: u32): void {
  reserve(1);
  store<u8>(out + outLen, <u8>b);
  outLen++;
}

function wBytes(p: usize, n: usize): void {
  reserve(n);
  memory.copy(out + outLen, p, n);
  outLen += n;
}

function wU64LE(v: u64): void {
  reserve(8);
  store<u64>(out + outLen, v);
  outLen += 8;
}

function wBE32(v: u32): void {
  reserve(4);
  store<u32>(out + outLen, bswap<u32>(v));
  outLen += 4;
}

/** rdbSaveLen: 6, 14, 32 or 64 bits, big-endian. */
function wLen(n: u64): void {
  if (n < 64) {
    w8(<u32>n);
  } else if (n < 16384) {
    w8(0x40 | <u32>(n >> 8));
    w8(<u32>(n & 0xff));
  } else if (n <= 0xffffffff) {
    w8(0x80);
    wBE32(<u32>n);
  } else {
    w8(0x81);
    reserve(8);
    store<u64>(out + outLen, bswap<u64>(n));
    outLen += 8;
  }
}

/** rdbEncodeInteger: 8, 16 or 32 bits; false if v needs more. */
function wEncodedInt(v: i64): bool {
  if (v >= -128 && v <= 127) {
    w8(0xc0 | ENC_INT8);
    w8(<u32>(<u8>v));
  } else if (v >= -32768 && v <= 32767) {
    w8(0xc0 | ENC_INT16);
    reserve(2);
    store<i16>(out + outLen, <i16>v);
    outLen += 2;
  } else if (v >= -2147483648 && v <= 2147483647) {
    w8(0xc0 | ENC_INT32);
    reserve(4);
    store<i32>(out + outLen, <i32>v);
    outLen += 4;
  } else {
    return false;
  }
  return true;
}

// The writer runs inside commands too (a snapshot's pre-write hook, see
// persist/snapshot.ts), between a command's own steps: it must leave every
// scratch global other modules share (parsedI64, valPtr, elemPtr, zmPtr,
// lpPtr...) alone, so it reads values through pure accessors and parses
// integers with its own parser.
let textInt: i64 = 0;

/** Whether `p[0..n)` (n <= 11) is an integer's canonical text; the value in textInt. */
function isIntText(p: usize, n: usize): bool {
  if (n == 0 || n > 11) return false;
  let i: usize = 0;
  let neg = false;
  if (load<u8>(p) == 45) {
    neg = true;
    i = 1;
    if (n == 1) return false;
  }
  const first = load<u8>(p + i);
  // No leading zeros, and "-0" is not canonical.
  if (first == 48) { if (n != 1) return false; textInt = 0; return true; }
  let v: i64 = 0;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return false;
    v = v * 10 + <i64>(c - 48);
  }
  textInt = neg ? -v : v;
  return true;
}

/** rdbSaveRawString: as an integer when it is one's canonical text, LZF-compressed when long, else plain. */
function wString(p: usize, n: usize): void {
  if (isIntText(p, n) && wEncodedInt(textInt)) return;
  if (compress && n > 20) {
    // rdbSaveLzfStringObject: worth it only if it saves more than 4 bytes.
    const room = <u32>n - 4;
    reserve(1 + 9 + 9 + <usize>room + 1);
    // Compress into the tail of the output, past the largest header.
    const at = out + outLen + 19;
    const clen = lzfCompress(p, <u32>n, at, room);
    if (clen != 0) {
      const body = memAlloc(<usize>clen);
      memory.copy(body, at, clen);
      w8(0xc0 | ENC_LZF);
      wLen(<u64>clen);
      wLen(<u64>n);
      wBytes(body, clen);
      memFree(body);
      return;
    }
  }
  wLen(<u64>n);
  wBytes(p, n);
}

/** rdbSaveLongLongAsStringObject. */
function wInt(v: i64): void {
  if (wEncodedInt(v)) return;
  const tmp = memAlloc(24);
  const n = formatI64(tmp, v);
  wLen(<u64>n);
  wBytes(tmp, n);
  memFree(tmp);
}


function wAux(name: string, value: string): void {
  w8(OP_AUX);
  wAscii(name);
  wAscii(value);
}

function wAscii(s: string): void {
  const n = s.length;
  const tmp = memAlloc(<usize>n + 1);
  for (let i = 0; i < n; i++) store<u8>(tmp + i, <u8>s.charCodeAt(i));
  wString(tmp, n);
  memFree(tmp);
}

function wAuxInt(name: string, v: i64): void {
  w8(OP_AUX);
  wAscii(name);
  wInt(v);
}

// ==== values ============================================================================

/** The RDB type byte Redis 7.0 writes for this entry's type and encoding. */
function rdbTypeOf(e: usize): u8 {
  const t = typeOf(e);
  const enc = encOf(e);
  if (t == TYPE_STRING) return T_STRING;
  if (t == TYPE_LIST) return T_LIST_QUICKLIST_2;
  if (t == TYPE_SET) return enc == ENC_INTSET ? T_SET_INTSET : T_SET;
  if (t == TYPE_ZSET) return enc == ENC_LISTPACK ? T_ZSET_LISTPACK : T_ZSET_2;
  if (t == TYPE_STREAM) return T_STREAM_LISTPACKS_2;
  return enc == ENC_LISTPACK ? T_HASH_LISTPACK : T_HASH;
}

/** Whether this engine can serialize the entry's type (every type it holds). */
export function rdbCanSave(e: usize): bool {
  const t = typeOf(e);
  return t == TYPE_STRING || t == TYPE_LIST || t == TYPE_SET || t == TYPE_ZSET || t == TYPE_HASH || t == TYPE_STREAM;
}

// A stream node's key in Redis's rax: the master ID, big-endian.
const STREAM_KEY = memory.data(16);

/**
 * RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0 writes it: the nodes (16-byte
 * big-endian master ID, listpack raw), length, last ID, first ID, max
 * deleted ID, entries added, then the consumer groups (none yet).
 */
function saveStream(e: usize): void {
  const s = objPtrOf(e);
  const n = streamNodeCount(s);
  wLen(<u64>n);
  for (let i: u32 = 0; i < n; i++) {
    store<u64>(STREAM_KEY, bswap<u64>(nodeMasterMs(s, i)));
    store<u64>(STREAM_KEY, bswap<u64>(nodeMasterSeq(s, i)), 8);
    wString(STREAM_KEY, 16);
    const lp = streamNodeLp(s, i);
    wString(lp, <usize>load<u32>(lp));
  }
  wLen(load<u64>(s, S_LENGTH));
  wLen(load<u64>(s, S_LAST_MS));
  wLen(load<u64>(s, S_LAST_SEQ));
  wLen(load<u64>(s, S_FIRST_MS));
  wLen(load<u64>(s, S_FIRST_SEQ));
  wLen(load<u64>(s, S_MAXDEL_MS));
  wLen(load<u64>(s, S_MAXDEL_SEQ));
  wLen(load<u64>(s, S_ADDED));
  saveGroups(<usize>load<u32>(s, S_CGROUPS));
}

/** A PEL: its size, then each 16-byte big-endian ID (with delivery time and count for a group's). */
function savePel(pel: usize, nacks: bool): void {
  wLen(<u64>idlLength(pel));
  let x = idlFirst(pel);
  while (x != 0) {
    store<u64>(STREAM_KEY, bswap<u64>(idlMs(x)));
    store<u64>(STREAM_KEY, bswap<u64>(idlSeq(x)), 8);
    wBytes(STREAM_KEY, 16);
    if (nacks) {
      wU64LE(<u64>nackTime(x));
      wLen(nackCount(x));
    }
    x = idlNext(pel, x);
  }
}

/**
 * The consumer groups as Redis 7.0 writes them (rdbSaveObject): per group
 * its name, last ID, entries-read (-1 as the 64-bit length), the global
 * PEL with delivery time and count, then per consumer its name, seen-time
 * and the IDs of its PEL (whose NACKs are the global PEL's).
 */
function saveGroups(a: usize): void {
  const n = arrCount(a);
  wLen(<u64>n);
  for (let i: u32 = 0; i < n; i++) {
    const g = arrAt(a, i);
    wString(groupNamePtr(g), groupNameLen(g));
    wLen(load<u64>(g, G_LAST_MS));
    wLen(load<u64>(g, G_LAST_SEQ));
    wLen(<u64>load<i64>(g, G_ENTRIES_READ));
    savePel(groupPel(g), true);
    const cons = groupConsumers(g);
    const m = arrCount(cons);
    wLen(<u64>m);
    for (let j: u32 = 0; j < m; j++) {
      const c = arrAt(cons, j);
      wString(consumerNamePtr(c), consumerNameLen(c));
      wU64LE(<u64>load<i64>(c, C_SEEN));
      savePel(consumerPel(c), false);
    }
  }
}

function rU64LE(): u64 {
  if (!need(8)) return 0;
  const v = load<u64>(rp);
  rp += 8;
  return v;
}

/** A 16-byte big-endian stream ID into rdMs/rdSeq. */
let rdMs: u64 = 0;
let rdSeq: u64 = 0;
function rRawId(): bool {
  if (!need(16)) return false;
  rdMs = bswap<u64>(load<u64>(rp));
  rdSeq = bswap<u64>(load<u64>(rp, 8));
  rp += 16;
  return true;
}

/**
 * Reads the consumer groups into stream `s` (type 15 has no entries-read:
 * Redis estimates it from the last ID). False on a corrupt or short
 * payload (the caller drops the stream, freeing what was read).
 */
function loadGroups(s: usize, t: u8): bool {
  const groups = rCount();
  if (short || bad) return false;
  for (let i: u64 = 0; i < groups; i++) {
    if (!rString(1)) return false;
    const gMs = rLen();
    const gSeq = rLen();
    let er: i64 = ENTRIES_READ_INVALID;
    if (t == T_STREAM_LISTPACKS_2) er = <i64>rLen();
    if (short || bad) return false;
    const a = groupCreate(<usize>load<u32>(s, S_CGROUPS), sPtr, sLen, gMs, gSeq, er);
    store<u32>(s, <u32>a, S_CGROUPS);
    const g = created;
    if (g == 0) { fail("Duplicated consumer group name"); return false; }
    if (t != T_STREAM_LISTPACKS_2) store<i64>(g, streamEstimateReads(s, gMs, gSeq), G_ENTRIES_READ);
    const pelSize = rCount();
    if (short || bad) return false;
    for (let k: u64 = 0; k < pelSize; k++) {
      if (!rRawId()) return false;
      const ms = rdMs;
      const seq = rdSeq;
      const time = <i64>rU64LE();
      const count = rLen();
      if (short || bad) return false;
      if (nackFind(g, ms, seq) != 0) { fail("Duplicated global PEL entry loading stream consumer group"); return false; }
      nackCreate(g, ms, seq, time, count);
    }
    const consumers = rCount();
    if (short || bad) return false;
    for (let k: u64 = 0; k < consumers; k++) {
      if (!rString(1)) return false;
      if (consumerLookup(g, sPtr, sLen) != 0) { fail("Duplicated consumer name"); return false; }
      const c = consumerCreate(g, sPtr, sLen, 0);
      const seen = <i64>rU64LE();
      store<i64>(c, seen, C_SEEN);
      const n = rCount();
      if (short || bad) return false;
      for (let q: u64 = 0; q < n; q++) {
        if (!rRawId()) return false;
        const nack = nackFind(g, rdMs, rdSeq);
        if (nack == 0) { fail("Consumer entry not found in group global PEL"); return false; }
        if (nackOwner(nack) != 0) { fail("Duplicated consumer PEL entry loading a stream consumer group"); return false; }
        nackSetOwner(nack, c);
      }
    }
    // Every pending entry must have an owner: the commands rely on it.
    let x = idlFirst(groupPel(g));
    while (x != 0) {
      if (nackOwner(x) == 0) { fail("Stream CG PEL entry without consumer"); return false; }
      x = idlNext(groupPel(g), x);
    }
  }
  return true;
}

/**
 * Redis's streamEstimateDistanceFromFirstEverEntry at load time (type 15
 * groups), from the header fields already set.
 */
function streamEstimateReads(s: usize, ms: u64, seq: u64): i64 {
  const added = <i64>load<u64>(s, S_ADDED);
  if (added == 0) return 0;
  const lastMs = load<u64>(s, S_LAST_MS);
  const lastSeq = load<u64>(s, S_LAST_SEQ);
  const len = <i64>load<u64>(s, S_LENGTH);
  const cl = ms != lastMs ? (ms < lastMs ? -1 : 1) : seq != lastSeq ? (seq < lastSeq ? -1 : 1) : 0;
  if (len == 0 && cl < 1) return added;
  if (cl == 0) return added;
  if (cl > 0) return ENTRIES_READ_INVALID;
  const fMs = load<u64>(s, S_FIRST_MS);
  const fSeq = load<u64>(s, S_FIRST_SEQ);
  const dMs = load<u64>(s, S_MAXDEL_MS);
  const dSeq = load<u64>(s, S_MAXDEL_SEQ);
  const cf = ms != fMs ? (ms < fMs ? -1 : 1) : seq != fSeq ? (seq < fSeq ? -1 : 1) : 0;
  const df = dMs != fMs ? (dMs < fMs ? -1 : 1) : dSeq != fSeq ? (dSeq < fSeq ? -1 : 1) : 0;
  if ((dMs == 0 && dSeq == 0) || df < 0) {
    if (cf < 0) return added - len;
    if (cf == 0) return added - len + 1;
  }
  return ENTRIES_READ_INVALID;
}

/** Reads a stream (types 15 and 19); 0 with `bad`/`short` set on failure. */
function loadStream(t: u8, keyPtr: usize, keyLen: usize): usize {
  const nodes = rCount();
  if (short || bad) return 0;
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, TYPE_STREAM, E_TYPE);
  setObj(e, streamNew(), ENC_STREAM);
  const s = objPtrOf(e);
  let lastMs: u64 = 0;
  let lastSeq: u64 = 0;
  for (let i: u64 = 0; i < nodes; i++) {
    if (!rString(1)) { dropEntry(e); return 0; }
    if (sLen != 16) { dropEntry(e); fail("Stream node key entry is not the size of a stream ID"); return 0; }
    const ms = bswap<u64>(load<u64>(sPtr));
    const seq = bswap<u64>(load<u64>(sPtr, 8));
    const lp = rBlob();
    if (lp == 0) { dropEntry(e); return 0; }
    if (!lpValidate(lp, blobLen) || !streamValidateNode(lp)) {
      memFree(lp);
      dropEntry(e);
      fail("Stream listpack integrity check failed");
      return 0;
    }
    if (lpFirst(lp) == 0) { memFree(lp); dropEntry(e); fail("Empty listpack inside stream"); return 0; }
    if (i > 0 && (ms < lastMs || (ms == lastMs && seq <= lastSeq))) {
      memFree(lp);
      dropEntry(e);
      fail("Stream nodes out of order");
      return 0;
    }
    lastMs = ms;
    lastSeq = seq;
    streamPushNode(s, ms, seq, lp);
  }
  const length = rLen();
  const lMs = rLen();
  const lSeq = rLen();
  let fMs: u64 = 0, fSeq: u64 = 0, dMs: u64 = 0, dSeq: u64 = 0, added: u64 = length;
  if (t == T_STREAM_LISTPACKS_2) {
    fMs = rLen(); fSeq = rLen(); dMs = rLen(); dSeq = rLen(); added = rLen();
  }
  if (short || bad) { dropEntry(e); return 0; }
  store<u64>(s, length, S_LENGTH);
  store<u64>(s, lMs, S_LAST_MS);
  store<u64>(s, lSeq, S_LAST_SEQ);
  store<u64>(s, dMs, S_MAXDEL_MS);
  store<u64>(s, dSeq, S_MAXDEL_SEQ);
  store<u64>(s, added, S_ADDED);
  if (t == T_STREAM_LISTPACKS_2) {
    store<u64>(s, fMs, S_FIRST_MS);
    store<u64>(s, fSeq, S_FIRST_SEQ);
  } else {
    streamUpdateFirstId(s);
  }
  if (!loadGroups(s, t)) { dropEntry(e); return 0; }
  // Redis keeps an empty stream (XDEL/XTRIM of every entry) across a save.
  return e;
}

function hashFieldCb(f: usize, _ctx: usize): void {
  wString(fieldPtrOf(f), fieldLenOf(f));
  wString(valuePtrOf(f), valueLenOf(f));
}

function setMemberCb(m: usize, _ctx: usize): void {
  wString(memberPtr(m), <usize>load<u32>(m, 8));
}

/** rdbSaveObject: the value's payload (after its type byte). */
function saveValue(e: usize): void {
  const t = typeOf(e);
  const enc = encOf(e);
  if (t == TYPE_STRING) {
    if (enc == ENC_INT) {
      wInt(load<i64>(e, E_VAL));
    } else {
      wString(strPtrOf(e), strLenOf(e));
    }
  } else if (t == TYPE_LIST) {
    const ql = objPtrOf(e);
    wLen(<u64>qlNodes(ql));
    for (let n = qlHead(ql); n != 0; n = nodeNext(n)) {
      const lp = nodeLp(n);
      wLen(QL_NODE_PACKED);
      wString(lp, <usize>load<u32>(lp));
    }
  } else if (t == TYPE_SET) {
    if (enc == ENC_INTSET) {
      const is = objPtrOf(e);
      wString(is, intsetBlobLen(is));
    } else {
      wLen(<u64>setSize(e));
      dictForEach(setDict(e), setMemberCb, 0);
    }
  } else if (t == TYPE_ZSET) {
    if (enc == ENC_LISTPACK) {
      const lp = objPtrOf(e);
      wString(lp, <usize>load<u32>(lp));
    } else {
      // From the tail: loading then inserts each member at the head.
      wLen(<u64>zsetLength(e));
      for (let p = zLast(e); p != 0; p = zPrev(e, p)) {
        wString(nodeKey(<usize>p), nodeLen(<usize>p));
        const s = zScoreAt(e, p);
        wU64LE(reinterpret<u64>(s));
      }
    }
  } else if (t == TYPE_STREAM) {
    saveStream(e);
  } else {
    if (enc == ENC_LISTPACK) {
      const lp = objPtrOf(e);
      wString(lp, <usize>load<u32>(lp));
    } else {
      wLen(<u64>hashLength(e));
      dictForEach(changetype<Dict>(objPtrOf(e)), hashFieldCb, 0);
    }
  }
}

/** A key with its expire time and LRU/LFU information (rdbSaveKeyValuePair). */
export function saveKey(e: usize, _ctx: usize): void {
  if (!rdbCanSave(e)) {
    skippedKeys++;
    return;
  }
  if (hasExpire(e)) {
    w8(OP_EXPIRETIME_MS);
    wU64LE(<u64>load<i64>(expireSlot(e)));
  }
  if (lfuMode) {
    w8(OP_FREQ);
    w8(lfuDecayed(e));
  } else if (evictPolicyIsLru()) {
    const clock = lruClock();
    const at = load<u32>(e, E_LRU) & LRU_CLOCK_MAX;
    const idle = clock >= at ? clock - at : LRU_CLOCK_MAX - at + clock;
    w8(OP_IDLE);
    wLen(<u64>idle);
  }
  w8(rdbTypeOf(e));
  wString(keyPtrOf(e), keyLenOf(e));
  saveValue(e);
  savedKeys++;
}

// ==== saving a file ======================================================================

let saveDb: i32 = 0;
let saveCursor: u64 = 0;
let saveStarted = false;
let saveDone = false;
export let savedKeys: u64 = 0;
/** Keys of types this build cannot write yet (streams), left out of the file. */
export let skippedKeys: u64 = 0;

export function rdbSaveBegin(ctimeSec: i64, usedMem: u64, flags: u32): void {
  saveDb = 0;
  saveCursor = 0;
  saveStarted = false;
  saveDone = false;
  writeHeader(ctimeSec, usedMem, flags);
}

/** A fresh output holding the file's header and aux fields (both kinds of save). */
export function writeHeader(ctimeSec: i64, usedMem: u64, flags: u32): void {
  outLen = 0;
  crcPos = 0;
  crc = 0;
  compress = (flags & RDB_COMPRESS) != 0;
  checksum = (flags & RDB_CHECKSUM) != 0;
  savedKeys = 0;
  skippedKeys = 0;
  wAsciiRaw("REDIS0010");
  wAux("redis-ver", "7.0.15");
  wAuxInt("redis-bits", 64);
  wAuxInt("ctime", ctimeSec);
  wAuxInt("used-mem", <i64>usedMem);
  wAuxInt("aof-base", (flags & RDB_AOF_BASE) != 0 ? 1 : 0);
}

function wAsciiRaw(s: string): void {
  for (let i = 0; i < s.length; i++) w8(s.charCodeAt(i));
}

/** Appends bytes the host serialized (the FUNCTION2 records) as they are. */
export function rdbSaveRaw(p: usize, n: usize): void { wBytes(p, n); }

/**
 * Writes keys until the output holds `limit` bytes or the keyspace ends;
 * returns 1 while there is more, 0 once EOF and the checksum are written.
 */
export function rdbSaveStep(limit: u32): i32 {
  if (saveDone) return 0;
  while (saveDb < numDbs) {
    const db = getDb(saveDb);
    if (!saveStarted) {
      saveStarted = true;
      saveCursor = 0;
      if (dbSize(db) == 0) {
        saveDb++;
        saveStarted = false;
        continue;
      }
      w8(OP_SELECTDB);
      wLen(<u64>saveDb);
      w8(OP_RESIZEDB);
      wLen(<u64>dbSize(db));
      wLen(<u64>dbExpires(db));
    }
    do {
      saveCursor = dictScan(db.dict, saveCursor, saveKey, 0);
      if (outLen >= <usize>limit && saveCursor != 0) return 1;
    } while (saveCursor != 0);
    saveDb++;
    saveStarted = false;
    if (outLen >= <usize>limit) return 1;
  }
  writeEof();
  saveDone = true;
  return 0;
}

/** The EOF opcode and the CRC-64 of everything before it (0 with rdbchecksum off). */
export function writeEof(): void {
  w8(OP_EOF);
  if (checksum) foldCrc();
  const sum = checksum ? crc : 0;
  wU64LE(sum);
  crcPos = outLen;
}

/** SELECTDB: the records that follow belong to database `db`. */
export function writeSelectDb(db: i32): void {
  w8(OP_SELECTDB);
  wLen(<u64>db);
}
export function writeResizeDb(keys: u32, expires: u32): void {
  w8(OP_RESIZEDB);
  wLen(<u64>keys);
  wLen(<u64>expires);
}

function foldCrc(): void {
  if (outLen > crcPos) crc = crc64(crc, out + crcPos, outLen - crcPos);
  crcPos = outLen;
}

export function rdbOutPtr(): usize { return out; }
export function rdbOutLen(): usize { return outLen; }
/** Whether the output buffer already holds `limit` bytes (a step's budget). */
export function outFull(limit: usize): bool { return outLen >= limit; }

/** The host has taken the output: fold it into the checksum and start afresh. */
export function rdbOutTaken(): void {
  if (checksum) foldCrc();
  outLen = 0;
  crcPos = 0;
}

/** Releases the output buffer (after a save). */
export function rdbOutRelease(): void {
  if (out != 0) memFree(out);
  out = 0;
  outCap = 0;
  outLen = 0;
  crcPos = 0;
}

// ==== DUMP ==================================================================================

/** DUMP's payload for `e` in the output buffer: type, value, RDB version (2 bytes LE), CRC-64 (8 bytes LE). */
// DUMP writes into its own buffer: a background snapshot may hold unsent
// bytes in the file's output while a command asks for a payload.
let dumpOut: usize = 0;
let dumpCap: usize = 0;
let dumpLen: usize = 0;

export function dumpPayload(e: usize, withCompression: bool): void {
  const fileOut = out, fileCap = outCap, fileLen = outLen, fileCrcPos = crcPos, fileCompress = compress;
  out = dumpOut;
  outCap = dumpCap;
  outLen = 0;
  crcPos = 0;
  compress = withCompression;
  w8(rdbTypeOf(e));
  saveValue(e);
  w8(RDB_VERSION & 0xff);
  w8(RDB_VERSION >> 8);
  const c = crc64(0, out, outLen);
  wU64LE(c);
  dumpOut = out;
  dumpCap = outCap;
  dumpLen = outLen;
  out = fileOut;
  outCap = fileCap;
  outLen = fileLen;
  crcPos = fileCrcPos;
  compress = fileCompress;
}

/** The last dumpPayload's bytes. */
export function dumpOutPtr(): usize { return dumpOut; }
export function dumpOutLen(): usize { return dumpLen; }

/** Whether a DUMP payload's footer is right: a version we read and a matching CRC-64. */
export function verifyDumpPayload(p: usize, n: usize): bool {
  if (n < 10) return false;
  const footer = p + n - 10;
  const ver = <u32>load<u8>(footer) | (<u32>load<u8>(footer + 1) << 8);
  if (ver > RDB_VERSION) return false;
  const c = crc64(0, p, n - 8);
  return c == load<u64>(footer + 2);
}

// ==== reading ================================================================================

let rp: usize = 0;
let rend: usize = 0;
/** Ran out of input inside a record (the host gives more). */
let short = false;
/** Corrupt input: rdbErrorText says why. */
let bad = false;
export let rdbErrorText: string = "";

function fail(msg: string): void {
  if (!bad) rdbErrorText = msg;
  bad = true;
}

function need(n: usize): bool {
  if (bad || short) return false;
  if (rend - rp < n) {
    short = true;
    return false;
  }
  return true;
}

function r8(): u32 {
  if (!need(1)) return 0;
  return <u32>load<u8>(rp++);
}

/** Set by rLen when the length byte was a special encoding (11xxxxxx). */
let lenEncoded = false;

function rLen(): u64 {
  lenEncoded = false;
  const b = r8();
  if (short || bad) return 0;
  const kind = b >> 6;
  if (kind == 0) return <u64>(b & 0x3f);
  if (kind == 1) {
    const b2 = r8();
    return (<u64>(b & 0x3f) << 8) | <u64>b2;
  }
  if (kind == 3) {
    lenEncoded = true;
    return <u64>(b & 0x3f);
  }
  if (b == 0x80) {
    if (!need(4)) return 0;
    const v = bswap<u32>(load<u32>(rp));
    rp += 4;
    return <u64>v;
  }
  if (b == 0x81) {
    if (!need(8)) return 0;
    const v = bswap<u64>(load<u64>(rp));
    rp += 8;
    return v;
  }
  fail("Unknown length encoding in rdbLoadLen()");
  return 0;
}

/** A length used as a count or size: refused past what any engine could hold. */
function rCount(): u64 {
  const n = rLen();
  if (lenEncoded) fail("Unexpected encoded length");
  if (n > 0xffffffff) fail("Length out of range");
  return n;
}

// Strings read by rString: in the input when plain, else decoded into a
// scratch buffer (one per slot so a key survives reading its value).
let sPtr: usize = 0;
let sLen: usize = 0;
const SLOTS = 4;
/** The scratch slot a key decodes into: no value read touches it. */
const KEY_SLOT = 3;
const scratch = new StaticArray<usize>(SLOTS);
const scratchCap = new StaticArray<usize>(SLOTS);

function scratchFor(slot: i32, n: usize): usize {
  if (scratchCap[slot] < n || scratch[slot] == 0) {
    if (scratch[slot] != 0) memFree(scratch[slot]);
    const cap: usize = n < 64 ? 64 : n;
    scratch[slot] = memAlloc(cap);
    scratchCap[slot] = cap;
  }
  return scratch[slot];
}

/** Reads a string into sPtr/sLen; `slot` picks the scratch buffer decoded forms go to. */
function rString(slot: i32): bool {
  const n = rLen();
  if (short || bad) return false;
  if (lenEncoded) {
    if (n == <u64>ENC_INT8 || n == <u64>ENC_INT16 || n == <u64>ENC_INT32) {
      let v: i64 = 0;
      if (n == <u64>ENC_INT8) {
        if (!need(1)) return false;
        v = <i64>load<i8>(rp);
        rp += 1;
      } else if (n == <u64>ENC_INT16) {
        if (!need(2)) return false;
        v = <i64>load<i16>(rp);
        rp += 2;
      } else {
        if (!need(4)) return false;
        v = <i64>load<i32>(rp);
        rp += 4;
      }
      const dst = scratchFor(slot, 24);
      sLen = formatI64(dst, v);
      sPtr = dst;
      return true;
    }
    if (n == <u64>ENC_LZF) {
      const clen = rLen();
      const len = rLen();
      if (short || bad) return false;
      if (clen > 0x7fffffff || len > 0x7fffffff) { fail("LZF lengths out of range"); return false; }
      if (!need(<usize>clen)) return false;
      const dst = scratchFor(slot, <usize>len + 1);
      if (!lzfDecompress(rp, <u32>clen, dst, <u32>len)) { fail("Invalid LZF compressed string"); return false; }
      rp += <usize>clen;
      sPtr = dst;
      sLen = <usize>len;
      return true;
    }
    fail("Unknown RDB string encoding type");
    return false;
  }
  if (n > 0x7fffffff) { fail("String length out of range"); return false; }
  if (!need(<usize>n)) return false;
  sPtr = rp;
  sLen = <usize>n;
  rp += <usize>n;
  return true;
}

/** A blob (listpack, intset, ziplist) copied out of the scratch it may live in. */
function rBlob(): usize {
  if (!rString(2)) return 0;
  const b = memAlloc(sLen < 16 ? 16 : sLen);
  memory.copy(b, sPtr, sLen);
  blobLen = sLen;
  return b;
}
let blobLen: usize = 0;

/** The old text form of a zset score (rdbLoadDoubleValue). */
function rTextDouble(): f64 {
  const n = r8();
  if (short || bad) return 0;
  if (n == 253) return NaN;
  if (n == 254) return Infinity;
  if (n == 255) return -Infinity;
  if (!need(<usize>n)) return 0;
  const ok = parseDouble(rp, <usize>n);
  rp += <usize>n;
  if (!ok) { fail("Invalid double value"); return 0; }
  return dblValue;
}

// ==== building values =======================================================================

/** An unlinked entry of `type` for the key (list, hash and zset start empty). */
function newTyped(keyPtr: usize, keyLen: usize, t: u8): usize {
  const e = newEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), 0, false);
  store<u8>(e, t, E_TYPE);
  if (t == TYPE_LIST) setObj(e, qlNew(listMaxListpackSize, listCompressDepth), ENC_QUICKLIST);
  else setObj(e, lpNew(), ENC_LISTPACK);
  return e;
}

function dropEntry(e: usize): void {
  if (e == 0) return;
  freeValue(e);
  memFree(e);
}

// Ziplist entries (Redis < 7 wrote lists, hashes and zsets as ziplists).
let zlPos: usize = 0;
let zlEnd: usize = 0;
let zlIsInt = false;
let zlInt: i64 = 0;
const ZL_DIGITS = memory.data(24);

/** Checks a ziplist blob's header; positions the iterator at its first entry. */
function zlOpen(zl: usize, n: usize): bool {
  if (n < 11 || <usize>load<u32>(zl) != n || load<u8>(zl + n - 1) != 0xff) return false;
  zlPos = zl + 10;
  zlEnd = zl + n - 1;
  return true;
}

/** The next ziplist entry into sPtr/sLen; false at the end (bad set if malformed). */
function zlNext(): bool {
  if (zlPos >= zlEnd) return false;
  let p = zlPos;
  // prevlen: 1 byte, or 0xfe + 4 bytes.
  p += load<u8>(p) == 0xfe ? 5 : 1;
  if (p >= zlEnd) { fail("Ziplist integrity check failed"); return false; }
  const b = <u32>load<u8>(p);
  let hdr: usize = 1;
  let len: usize = 0;
  zlIsInt = true;
  const kind = b >> 6;
  if (kind == 0) { zlIsInt = false; len = <usize>(b & 0x3f); }
  else if (kind == 1) { zlIsInt = false; hdr = 2; len = (<usize>(b & 0x3f) << 8) | <usize>load<u8>(p + 1); }
  else if (b == 0x80) { zlIsInt = false; hdr = 5; len = <usize>bswap<u32>(load<u32>(p + 1)); }
  else if (b == 0xc0) { len = 2; }
  else if (b == 0xd0) { len = 4; }
  else if (b == 0xe0) { len = 8; }
  else if (b == 0xf0) { len = 3; }
  else if (b == 0xfe) { len = 1; }
  else if (b >= 0xf1 && b <= 0xfd) { len = 0; }
  else { fail("Ziplist integrity check failed"); return false; }
  if (p + hdr + len > zlEnd || len > 0x7fffffff) { fail("Ziplist integrity check failed"); return false; }
  const d = p + hdr;
  if (zlIsInt) {
    if (b == 0xc0) zlInt = <i64>load<i16>(d);
    else if (b == 0xd0) zlInt = <i64>load<i32>(d);
    else if (b == 0xe0) zlInt = load<i64>(d);
    else if (b == 0xf0) zlInt = <i64>((<i32>load<u16>(d) | (<i32>load<u8>(d + 2) << 16)) << 8 >> 8);
    else if (b == 0xfe) zlInt = <i64>load<i8>(d);
    else zlInt = <i64>(b & 0x0f) - 1;
    sLen = formatI64(ZL_DIGITS, zlInt);
    sPtr = ZL_DIGITS;
  } else {
    sPtr = d;
    sLen = len;
  }
  zlPos = d + len;
  return true;
}

// Copies of the current pair's first half (hash field, zset member) while the second is read.
let pairBuf: usize = 0;
let pairCap: usize = 0;
let pairLen: usize = 0;
function holdPair(): void {
  if (pairCap < sLen || pairBuf == 0) {
    if (pairBuf != 0) memFree(pairBuf);
    pairCap = sLen < 64 ? <usize>64 : sLen;
    pairBuf = memAlloc(pairCap);
  }
  memory.copy(pairBuf, sPtr, sLen);
  pairLen = sLen;
}

function parseScoreText(p: usize, n: usize): f64 {
  if (!parseDouble(p, n)) { fail("Invalid zset score"); return 0; }
  return dblValue;
}

function addZ(e: usize, score: f64, p: usize, n: usize): void {
  if (isNaN(score)) { fail("Zset with NAN score detected"); return; }
  zsetAdd(e, score, p, n, 0);
}

/**
 * rdbLoadObject: reads a value of RDB type `t` for the key; returns an
 * unlinked entry, or 0 (short input, corrupt data: see short/bad; or an
 * empty collection, which Redis skips: `emptyValue` set).
 */
let emptyValue = false;
function loadValue(t: u8, keyPtr: usize, keyLen: usize): usize {
  emptyValue = false;
  if (t == T_STRING) {
    if (!rString(1)) return 0;
    return makeStringEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), sPtr, sLen, ENCODE_AUTO, -1);
  }
  if (t == T_LIST) {
    const n = rCount();
    if (short || bad) return 0;
    const e = newTyped(keyPtr, keyLen, TYPE_LIST);
    for (let i: u64 = 0; i < n; i++) {
      if (!rString(1)) { dropEntry(e); return 0; }
      qlPushTail(objPtrOf(e), sPtr, sLen);
    }
    return finish(e);
  }
  if (t == T_SET) {
    const n = rCount();
    if (short || bad) return 0;
    let e: usize = 0;
    for (let i: u64 = 0; i < n; i++) {
      if (!rString(1)) { dropEntry(e); return 0; }
      if (e == 0) e = setNewEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), sPtr, sLen);
      if (!setAdd(e, sPtr, sLen)) { dropEntry(e); fail("Duplicate set members detected"); return 0; }
    }
    if (e == 0) emptyValue = true;
    return e;
  }
  if (t == T_ZSET || t == T_ZSET_2) {
    const n = rCount();
    if (short || bad) return 0;
    const e = newTyped(keyPtr, keyLen, TYPE_ZSET);
    for (let i: u64 = 0; i < n; i++) {
      if (!rString(1)) { dropEntry(e); return 0; }
      holdPair();
      let score: f64 = 0;
      if (t == T_ZSET_2) {
        if (!need(8)) { dropEntry(e); return 0; }
        score = reinterpret<f64>(load<u64>(rp));
        rp += 8;
      } else {
        score = rTextDouble();
      }
      if (short || bad) { dropEntry(e); return 0; }
      const before = zsetLength(e);
      addZ(e, score, pairBuf, pairLen);
      if (!bad && zsetLength(e) == before) fail("Duplicate zset fields detected");
      if (bad) { dropEntry(e); return 0; }
    }
    return finish(e);
  }
  if (t == T_HASH) {
    const n = rCount();
    if (short || bad) return 0;
    const e = newTyped(keyPtr, keyLen, TYPE_HASH);
    for (let i: u64 = 0; i < n; i++) {
      if (!rString(1)) { dropEntry(e); return 0; }
      holdPair();
      if (!rString(0)) { dropEntry(e); return 0; }
      if (!hashSet(e, pairBuf, pairLen, sPtr, sLen)) { dropEntry(e); fail("Duplicate hash fields detected"); return 0; }
    }
    return finish(e);
  }
  if (t == T_LIST_QUICKLIST || t == T_LIST_QUICKLIST_2) {
    const nodes = rCount();
    if (short || bad) return 0;
    const e = newTyped(keyPtr, keyLen, TYPE_LIST);
    for (let i: u64 = 0; i < nodes; i++) {
      let container = QL_NODE_PACKED;
      if (t == T_LIST_QUICKLIST_2) {
        container = rLen();
        if (short || bad) { dropEntry(e); return 0; }
        if (container != QL_NODE_PACKED && container != QL_NODE_PLAIN) { dropEntry(e); fail("Quicklist integrity check failed"); return 0; }
      }
      if (!rString(1)) { dropEntry(e); return 0; }
      if (container == QL_NODE_PLAIN) {
        qlPushTail(objPtrOf(e), sPtr, sLen);
        continue;
      }
      const blob = memAlloc(sLen < 16 ? 16 : sLen);
      memory.copy(blob, sPtr, sLen);
      const n = sLen;
      if (t == T_LIST_QUICKLIST) {
        if (!zlOpen(blob, n)) { memFree(blob); dropEntry(e); fail("Ziplist integrity check failed"); return 0; }
        while (zlNext()) qlPushTail(objPtrOf(e), sPtr, sLen);
      } else {
        if (!lpValidate(blob, n)) { memFree(blob); dropEntry(e); fail("Listpack integrity check failed"); return 0; }
        for (let off = lpFirst(blob); off != 0; off = lpNext(blob, off)) {
          lpGetBytes(blob, off);
          qlPushTail(objPtrOf(e), lpPtr, lpLen);
        }
      }
      memFree(blob);
      if (bad) { dropEntry(e); return 0; }
    }
    return finish(e);
  }
  if (t == T_SET_INTSET) {
    const is = rBlob();
    if (is == 0) return 0;
    if (!intsetValidate(is, blobLen, true)) { memFree(is); fail("Intset integrity check failed"); return 0; }
    const n = intsetLen(is);
    let e: usize = 0;
    const digits = memAlloc(24);
    for (let i: u32 = 0; i < n; i++) {
      const l = formatI64(digits, intsetGet(is, i));
      if (e == 0) e = setNewEntry(keyPtr, keyLen, hashKey(keyPtr, keyLen), digits, l);
      setAdd(e, digits, l);
    }
    memFree(digits);
    memFree(is);
    if (e == 0) emptyValue = true;
    return e;
  }
  if (t == T_LIST_ZIPLIST || t == T_HASH_ZIPLIST || t == T_ZSET_ZIPLIST) {
    const zl = rBlob();
    if (zl == 0) return 0;
    if (!zlOpen(zl, blobLen)) { memFree(zl); fail("Ziplist integrity check failed"); return 0; }
    const e = newTyped(keyPtr, keyLen, t == T_LIST_ZIPLIST ? TYPE_LIST : t == T_HASH_ZIPLIST ? TYPE_HASH : TYPE_ZSET);
    while (zlNext()) {
      if (t == T_LIST_ZIPLIST) {
        qlPushTail(objPtrOf(e), sPtr, sLen);
        continue;
      }
      holdPair();
      if (!zlNext()) { if (!bad) fail("Ziplist with an odd number of entries"); break; }
      if (t == T_HASH_ZIPLIST) {
        if (!hashSet(e, pairBuf, pairLen, sPtr, sLen)) { fail("Duplicate hash fields detected"); break; }
      } else {
        const score = zlIsInt ? <f64>zlInt : parseScoreText(sPtr, sLen);
        if (bad) break;
        const before = zsetLength(e);
        addZ(e, score, pairBuf, pairLen);
        if (!bad && zsetLength(e) == before) { fail("Duplicate zset fields detected"); break; }
      }
    }
    memFree(zl);
    if (bad) { dropEntry(e); return 0; }
    return finish(e);
  }
  if (t == T_HASH_LISTPACK || t == T_ZSET_LISTPACK) {
    const lp = rBlob();
    if (lp == 0) return 0;
    if (!lpValidate(lp, blobLen) || (lpLength(lp) & 1) != 0) { memFree(lp); fail("Listpack integrity check failed"); return 0; }
    const e = newTyped(keyPtr, keyLen, t == T_HASH_LISTPACK ? TYPE_HASH : TYPE_ZSET);
    let off = lpFirst(lp);
    while (off != 0) {
      lpGetBytes(lp, off);
      sPtr = lpPtr;
      sLen = lpLen;
      holdPair();
      off = lpNext(lp, off);
      lpGetBytes(lp, off);
      if (t == T_HASH_LISTPACK) {
        if (!hashSet(e, pairBuf, pairLen, lpPtr, lpLen)) { fail("Duplicate hash fields detected"); break; }
      } else {
        const score = parseScoreText(lpPtr, lpLen);
        if (bad) break;
        const before = zsetLength(e);
        addZ(e, score, pairBuf, pairLen);
        if (!bad && zsetLength(e) == before) { fail("Duplicate zset fields detected"); break; }
      }
      off = lpNext(lp, off);
    }
    memFree(lp);
    if (bad) { dropEntry(e); return 0; }
    return finish(e);
  }
  if (t == T_STREAM_LISTPACKS || t == T_STREAM_LISTPACKS_2) return loadStream(t, keyPtr, keyLen);
  if (t == 21) {
    fail("The RDB file contains a Redis 7.2 stream (type 21): not supported");
    return 0;
  }
  if (t == T_MODULE || t == T_MODULE_2) {
    fail("The RDB file contains module data: modules are not supported");
    return 0;
  }
  if (t == T_HASH_ZIPMAP) {
    fail("The RDB file contains a zipmap hash (Redis 2.x): not supported");
    return 0;
  }
  fail("Unknown RDB encoding type " + t.toString());
  return 0;
}

/** An empty collection is skipped, as Redis does on load. */
function finish(e: usize): usize {
  const t = typeOf(e);
  const n: u64 = t == TYPE_LIST ? <u64>qlCount(objPtrOf(e)) : t == TYPE_HASH ? <u64>hashLength(e) : <u64>zsetLength(e);
  if (n == 0) {
    dropEntry(e);
    emptyValue = true;
    return 0;
  }
  return e;
}

// ==== loading a file =========================================================================

let loadDb: i32 = 0;
let loadHeader = false;
let loadEof = false;
let loadNow: i64 = 0;
let loadCrc: u64 = 0;
let loadChecksum = true;
/** Pending key metadata from opcodes before the next key. */
let pendExpire: i64 = -1;
let pendIdle: i64 = -1;
let pendFreq: i32 = -1;
export let loadedKeys: u64 = 0;
export let expiredOnLoad: u64 = 0;
export let emptyOnLoad: u64 = 0;
/** Whether expired keys are dropped (a primary's load; DEBUG RELOAD keeps nothing else either). */
let dropExpired = true;

// FUNCTION2 payloads (library code) for the host to load, as length-prefixed records.
let funcs: usize = 0;
let funcsCap: usize = 0;
let funcsLen: usize = 0;

export const RDB_LOAD_ERROR: i32 = -1;
/** rdbLoadBegin flags. */
export const LOAD_CHECKSUM: u32 = 1;
export const LOAD_KEEP_EXPIRED: u32 = 2;

export function rdbLoadBegin(now: i64, flags: u32): void {
  loadDb = 0;
  loadHeader = false;
  loadEof = false;
  loadNow = now;
  loadCrc = 0;
  loadChecksum = (flags & LOAD_CHECKSUM) != 0;
  dropExpired = (flags & LOAD_KEEP_EXPIRED) == 0;
  pendExpire = -1;
  pendIdle = -1;
  pendFreq = -1;
  loadedKeys = 0;
  expiredOnLoad = 0;
  emptyOnLoad = 0;
  funcsLen = 0;
  bad = false;
  short = false;
  rdbErrorText = "";
}

export function rdbLoadDone(): bool { return loadEof; }
export function rdbFunctionsPtr(): usize { return funcs; }
export function rdbFunctionsLen(): usize { return funcsLen; }
export function rdbLoadDbIndex(): i32 { return loadDb; }

function keepFunction(p: usize, n: usize): void {
  if (funcsLen + n + 4 > funcsCap) {
    let cap: usize = funcsCap == 0 ? 4096 : funcsCap;
    while (cap < funcsLen + n + 4) cap *= 2;
    funcs = funcs == 0 ? memAlloc(cap) : memRealloc(funcs, cap);
    funcsCap = cap;
  }
  store<u32>(funcs + funcsLen, <u32>n);
  memory.copy(funcs + funcsLen + 4, p, n);
  funcsLen += n + 4;
}

/**
 * Consumes whole records of p[0, n); returns the bytes consumed (the host
 * keeps the rest for the next call), or RDB_LOAD_ERROR. `final`: no more
 * bytes will come, so a record cut short is an error.
 */
export function rdbLoadFeed(p: usize, n: usize, final: bool): i32 {
  rp = p;
  rend = p + n;
  short = false;
  if (bad) return RDB_LOAD_ERROR;
  if (!loadHeader) {
    if (n < 9) {
      if (final) { fail("Short read or OOM loading DB. Unrecoverable error, aborting now."); return RDB_LOAD_ERROR; }
      return 0;
    }
    if (memory.compare(p, changetype<usize>(MAGIC), 5) != 0) { fail("Wrong signature trying to load DB from file"); return RDB_LOAD_ERROR; }
    let ver: u32 = 0;
    for (let i = 5; i < 9; i++) {
      const d = <u32>load<u8>(p + i) - 48;
      if (d > 9) { fail("Wrong signature trying to load DB from file"); return RDB_LOAD_ERROR; }
      ver = ver * 10 + d;
    }
    if (ver < 1 || ver > RDB_VERSION) { fail("Can't handle RDB format version " + ver.toString()); return RDB_LOAD_ERROR; }
    rp += 9;
    loadHeader = true;
  }
  let done = rp;
  while (!loadEof) {
    const start = rp;
    readRecord();
    if (bad) return RDB_LOAD_ERROR;
    if (short) {
      rp = start;
      break;
    }
    done = rp;
  }
  if (loadChecksum && done > p) loadCrc = crc64(loadCrc, p, done - p);
  if (loadEof) {
    // The checksum follows EOF (not part of what it covers).
    if (rend - done < 8) {
      if (final) { fail("Short read or OOM loading DB. Unrecoverable error, aborting now."); return RDB_LOAD_ERROR; }
      return <i32>(done - p);
    }
    const expected = load<u64>(done);
    if (loadChecksum && expected != 0 && expected != loadCrc) {
      fail("Wrong RDB checksum. Aborting now.");
      return RDB_LOAD_ERROR;
    }
    done += 8;
    checksumChecked = true;
  } else if (final) {
    fail("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    return RDB_LOAD_ERROR;
  }
  return <i32>(done - p);
}
let checksumChecked = false;
const MAGIC = memory.data<u8>([82, 69, 68, 73, 83]); // "REDIS"

function readRecord(): void {
  const t = <u8>r8();
  if (short || bad) return;
  if (t == OP_EXPIRETIME_MS) {
    if (!need(8)) return;
    pendExpire = load<i64>(rp);
    rp += 8;
    return;
  }
  if (t == OP_EXPIRETIME) {
    if (!need(4)) return;
    pendExpire = <i64>load<i32>(rp) * 1000;
    rp += 4;
    return;
  }
  if (t == OP_IDLE) {
    const v = rLen();
    if (!short && !bad) pendIdle = <i64>v;
    return;
  }
  if (t == OP_FREQ) {
    const v = r8();
    if (!short && !bad) pendFreq = <i32>v;
    return;
  }
  if (t == OP_SELECTDB) {
    const v = rLen();
    if (short || bad) return;
    if (v >= <u64>numDbs) {
      fail("FATAL: Data file was created with a Redis server configured to handle more than " +
        numDbs.toString() + " databases. Exiting");
      return;
    }
    loadDb = <i32>v;
    return;
  }
  if (t == OP_RESIZEDB) {
    rLen();
    rLen();
    return;
  }
  if (t == OP_AUX) {
    if (!rString(0)) return;
    rString(1);
    return;
  }
  if (t == OP_FUNCTION2) {
    if (!rString(0)) return;
    keepFunction(sPtr, sLen);
    return;
  }
  if (t == OP_FUNCTION) {
    fail("Pre-release function format not supported.");
    return;
  }
  if (t == OP_MODULE_AUX) {
    fail("The RDB file contains AUX module data: modules are not supported");
    return;
  }
  if (t == OP_EOF) {
    loadEof = true;
    return;
  }
  // A key: its name (in the input, or decoded into its own scratch slot,
  // which reading the value leaves alone), then its value.
  if (!rString(KEY_SLOT)) return;
  const key = sPtr;
  const keyLen = sLen;
  const e = loadValue(t, key, keyLen);
  const db = getDb(loadDb);
  if (e == 0) {
    if (emptyValue && !short && !bad) emptyOnLoad++;
    if (!short) clearPending();
    return;
  }
  if (dropExpired && pendExpire >= 0 && pendExpire < loadNow) {
    dropEntry(e);
    expiredOnLoad++;
    clearPending();
    return;
  }
  if (dbFindRaw(db, key, keyLen) != 0) {
    dropEntry(e);
    fail("Duplicated key found in RDB file");
    return;
  }
  linkLoaded(db, e, pendExpire, pendIdle, pendFreq);
  loadedKeys++;
  clearPending();
}

function clearPending(): void {
  pendExpire = -1;
  pendIdle = -1;
  pendFreq = -1;
}

/** Adds a loaded value to the db with its TTL and LRU/LFU information (objectSetLRUOrLFU). */
function linkLoaded(db: Db, e: usize, expireAt: i64, idle: i64, freq: i32): usize {
  dbAdd(db, e);
  if (expireAt >= 0) e = dbSetExpire(db, e, expireAt);
  setLruOrLfu(e, idle, freq);
  return e;
}

export function setLruOrLfu(e: usize, idle: i64, freq: i32): void {
  if (lfuMode) {
    if (freq >= 0) store<u32>(e, lfuStamp(<u32>freq), E_LRU);
  } else if (idle >= 0) {
    const clock = lruClock();
    const span = <i64>LRU_CLOCK_MAX + 1;
    const at = ((<i64>clock - idle) % span + span) % span;
    store<u32>(e, <u32>at, E_LRU);
  }
}

// ==== RESTORE ===================================================================================

/**
 * Reads a DUMP payload's value for the key (footer already verified);
 * returns an unlinked entry, or 0 with rdbErrorText set.
 */
export function restoreValue(p: usize, n: usize, keyPtr: usize, keyLen: usize): usize {
  rp = p;
  rend = p + n - 10;
  short = false;
  bad = false;
  rdbErrorText = "";
  const t = <u8>r8();
  if (short) return 0;
  const e = loadValue(t, keyPtr, keyLen);
  if (e != 0 && rp != rend) {
    dropEntry(e);
    return 0;
  }
  return e;
}

/** Whether the last restoreValue failed on an empty collection (Redis: "Bad data format" too). */
export function restoreWasEmpty(): bool { return emptyValue; }

export { checksumChecked };
