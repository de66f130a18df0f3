// The AOF base as commands (aof-use-rdb-preamble no): every key rewritten
// as the commands that rebuild it, as Redis 7.0's rewriteAppendOnlyFileRio
// writes them: SELECT before each non-empty db, SET, RPUSH / SADD / ZADD /
// HMSET with at most 64 items per command (AOF_REWRITE_ITEMS_PER_CMD),
// XADD per stream entry (XADD MAXLEN 0 for an empty stream) then XSETID
// and the consumer groups (XGROUP CREATE, CREATECONSUMER, XCLAIM ... FORCE),
// and PEXPIREAT for a volatile key. The host writes the function libraries
// (FUNCTION LOAD) before the keys, and drains the output between steps as
// it does for an RDB save.

import { memAlloc, memFree, memRealloc } from "../ds/mem";
import { formatI64, formatU64 } from "../resp/writer";
import { formatDouble } from "../util/double";
import { getDb, numDbs, dbSize } from "../db/db";
import {
  typeOf, encOf, keyPtrOf, keyLenOf, hasExpire, expireSlot, objPtrOf,
  TYPE_STRING, TYPE_LIST, TYPE_SET, TYPE_ZSET, TYPE_HASH, TYPE_STREAM, ENC_INT, ENC_LISTPACK, E_VAL,
} from "../db/entry";
import { loadString, valPtr, valLen } from "../db/strval";
import { Dict, dictScan, dictForEach } from "../ds/dict";
import { qlHead, nodeNext, nodeLp, qlCount } from "../ds/quicklist";
import { lpFirst, lpNext, lpGet, lpGetBytes, lpInt, lpPtr, lpLen } from "../ds/listpack";
import { setSize, setLoad, elemPtr, elemLen } from "../db/setval";
import { hashLength, fieldPtrOf, fieldLenOf, valuePtrOf, valueLenOf } from "../db/hashval";
import { zsetLength, zFirst, zNext, zMemberAt, zmPtr, zmLen, zScoreAt } from "../db/zsetval";
import {
  nodeCount, nodeLp as streamNodeLp, firstEntryOff, entryRead, masterFieldsOff,
  entMs, entSeq, entFlags, entFields, entDataOff, FLAG_DELETED, FLAG_SAMEFIELDS,
  S_LENGTH, S_LAST_MS, S_LAST_SEQ, S_MAXDEL_MS, S_MAXDEL_SEQ, S_ADDED, S_CGROUPS,
} from "../db/streamval";
import {
  arrCount, arrAt, groupNamePtr, groupNameLen, groupConsumers, consumerPel, consumerNamePtr, consumerNameLen,
  nackTime, nackCount, G_LAST_MS, G_LAST_SEQ, G_ENTRIES_READ,
} from "../db/cgroup";
import { idlFirst, idlNext, idlLength, idlMs, idlSeq, idlData } from "../ds/idlist";

const ITEMS_PER_CMD: u32 = 64;

// ==== output ==========================================================================

let out: usize = 0;
let outCap: usize = 0;
let outLen: usize = 0;
const NUM = memory.data(64);

function reserve(n: usize): void {
  if (outLen + n <= outCap) return;
  let cap: usize = outCap == 0 ? 65536 : outCap;
  while (cap < outLen + n) cap *= 2;
  out = out == 0 ? memAlloc(cap) : memRealloc(out, cap);
  outCap = cap;
}

function wRaw(p: usize, n: usize): void {
  reserve(n);
  memory.copy(out + outLen, p, n);
  outLen += n;
}

/** "*<n>\r\n" or "$<n>\r\n". */
function wHeader(kind: u8, n: u64): void {
  reserve(24);
  store<u8>(out + outLen, kind);
  outLen += 1 + formatI64(out + outLen + 1, <i64>n);
  store<u16>(out + outLen, 0x0a0d);
  outLen += 2;
}

function wBulk(p: usize, n: usize): void {
  wHeader(0x24, <u64>n);
  reserve(n + 2);
  memory.copy(out + outLen, p, n);
  store<u16>(out + outLen + n, 0x0a0d);
  outLen += n + 2;
}

function wBulkText(s: string): void {
  wHeader(0x24, <u64>s.length);
  reserve(<usize>s.length + 2);
  for (let i = 0; i < s.length; i++) store<u8>(out + outLen + <usize>i, <u8>s.charCodeAt(i));
  store<u16>(out + outLen + <usize>s.length, 0x0a0d);
  outLen += <usize>s.length + 2;
}

function wBulkInt(v: i64): void {
  wBulk(NUM, formatI64(NUM, v));
}

/** rioWriteBulkDouble: "%.17g". */
function wBulkDouble(v: f64): void {
  wBulk(NUM, formatDouble(NUM, v));
}

/** A stream ID as "<ms>-<seq>" (unsigned). */
function wBulkId(ms: u64, seq: u64): void {
  let n = formatU64(NUM, ms);
  store<u8>(NUM + n, 45);
  n++;
  n += formatU64(NUM + n, seq);
  wBulk(NUM, n);
}

function wKey(e: usize): void { wBulk(keyPtrOf(e), keyLenOf(e)); }

/** The element at `off` of a listpack, as Redis writes it (integers as their decimal text). */
function wLpElement(lp: usize, off: u32): void {
  if (lpGet(lp, off)) wBulkInt(lpInt);
  else wBulk(lpPtr, lpLen);
}

// ==== one key ===========================================================================

/** Items left in the command being written, and in the key. */
let cmdLeft: u32 = 0;
let itemsLeft: u64 = 0;
let curKey: usize = 0;

/** Opens the next "<verb> <key> items..." command when the previous one is full. */
function nextItem(verb: string, perItem: u32): void {
  if (cmdLeft == 0) {
    const n = itemsLeft > <u64>ITEMS_PER_CMD ? ITEMS_PER_CMD : <u32>itemsLeft;
    wHeader(0x2a, 2 + <u64>n * perItem);
    wBulkText(verb);
    wKey(curKey);
    cmdLeft = n;
  }
  cmdLeft--;
  itemsLeft--;
}

function hashFieldCb(f: usize, _ctx: usize): void {
  nextItem("HMSET", 2);
  wBulk(fieldPtrOf(f), fieldLenOf(f));
  wBulk(valuePtrOf(f), valueLenOf(f));
}

function rewriteStream(e: usize): void {
  const s = objPtrOf(e);
  if (load<u64>(s, S_LENGTH) > 0) {
    const nodes = nodeCount(s);
    for (let i: u32 = 0; i < nodes; i++) {
      const lp = streamNodeLp(s, i);
      let off = firstEntryOff(lp);
      while (off != 0) {
        off = entryRead(s, i, lp, off);
        if ((entFlags & FLAG_DELETED) != 0) continue;
        wHeader(0x2a, 3 + <u64>entFields * 2);
        wBulkText("XADD");
        wKey(e);
        wBulkId(entMs, entSeq);
        let p = entDataOff;
        if ((entFlags & FLAG_SAMEFIELDS) != 0) {
          let f = masterFieldsOff(lp);
          for (let k = 0; k < entFields; k++) {
            lpGetBytes(lp, f);
            wBulk(lpPtr, lpLen);
            wLpElement(lp, p);
            f = lpNext(lp, f);
            p = lpNext(lp, p);
          }
        } else {
          for (let k = 0; k < entFields * 2; k++) {
            wLpElement(lp, p);
            p = lpNext(lp, p);
          }
        }
      }
    }
  } else {
    // An empty stream (every entry deleted) is made by the XADD MAXLEN 0 trick.
    wHeader(0x2a, 7);
    wBulkText("XADD");
    wKey(e);
    wBulkText("MAXLEN");
    wBulkText("0");
    wBulkId(0, 1);
    wBulkText("x");
    wBulkText("y");
  }
  // XSETID after the XADDs: the last ID may be a deleted entry's.
  wHeader(0x2a, 7);
  wBulkText("XSETID");
  wKey(e);
  wBulkId(load<u64>(s, S_LAST_MS), load<u64>(s, S_LAST_SEQ));
  wBulkText("ENTRIESADDED");
  wBulkInt(<i64>load<u64>(s, S_ADDED));
  wBulkText("MAXDELETEDID");
  wBulkId(load<u64>(s, S_MAXDEL_MS), load<u64>(s, S_MAXDEL_SEQ));
  rewriteStreamGroups(e);
}

/**
 * The consumer groups of a stream, as Redis 7.0's rewriteStreamObject: per
 * group XGROUP CREATE key group last-id ENTRIESREAD n, then per consumer
 * (name order) XGROUP CREATECONSUMER when its PEL is empty, else an XCLAIM
 * key group consumer 0 id TIME t RETRYCOUNT n JUSTID FORCE per pending entry.
 */
function rewriteStreamGroups(e: usize): void {
  const a = <usize>load<u32>(objPtrOf(e), S_CGROUPS);
  const ng = arrCount(a);
  for (let i: u32 = 0; i < ng; i++) {
    const g = arrAt(a, i);
    wHeader(0x2a, 7);
    wBulkText("XGROUP");
    wBulkText("CREATE");
    wKey(e);
    wBulk(groupNamePtr(g), groupNameLen(g));
    wBulkId(load<u64>(g, G_LAST_MS), load<u64>(g, G_LAST_SEQ));
    wBulkText("ENTRIESREAD");
    wBulkInt(load<i64>(g, G_ENTRIES_READ));
    const cons = groupConsumers(g);
    const nc = arrCount(cons);
    for (let j: u32 = 0; j < nc; j++) {
      const c = arrAt(cons, j);
      const pel = consumerPel(c);
      if (idlLength(pel) == 0) {
        wHeader(0x2a, 5);
        wBulkText("XGROUP");
        wBulkText("CREATECONSUMER");
        wKey(e);
        wBulk(groupNamePtr(g), groupNameLen(g));
        wBulk(consumerNamePtr(c), consumerNameLen(c));
        continue;
      }
      let x = idlFirst(pel);
      while (x != 0) {
        const nack = <usize>load<u32>(idlData(x));
        wHeader(0x2a, 12);
        wBulkText("XCLAIM");
        wKey(e);
        wBulk(groupNamePtr(g), groupNameLen(g));
        wBulk(consumerNamePtr(c), consumerNameLen(c));
        wBulkText("0");
        wBulkId(idlMs(x), idlSeq(x));
        wBulkText("TIME");
        wBulkInt(nackTime(nack));
        wBulkText("RETRYCOUNT");
        wBulkInt(<i64>nackCount(nack));
        wBulkText("JUSTID");
        wBulkText("FORCE");
        x = idlNext(pel, x);
      }
    }
  }
}

function rewriteKey(e: usize, _ctx: usize): void {
  const t = typeOf(e);
  const enc = encOf(e);
  curKey = e;
  cmdLeft = 0;
  if (t == TYPE_STRING) {
    wHeader(0x2a, 3);
    wBulkText("SET");
    wKey(e);
    if (enc == ENC_INT) {
      wBulkInt(load<i64>(e, E_VAL));
    } else {
      loadString(e);
      wBulk(valPtr, valLen);
    }
  } else if (t == TYPE_LIST) {
    const ql = objPtrOf(e);
    itemsLeft = <u64>qlCount(ql);
    for (let n = qlHead(ql); n != 0; n = nodeNext(n)) {
      const lp = nodeLp(n);
      for (let off = lpFirst(lp); off != 0; off = lpNext(lp, off)) {
        nextItem("RPUSH", 1);
        wLpElement(lp, off);
      }
    }
  } else if (t == TYPE_SET) {
    const n = setSize(e);
    itemsLeft = <u64>n;
    for (let i: u32 = 0; i < n; i++) {
      nextItem("SADD", 1);
      setLoad(e, i);
      wBulk(elemPtr, elemLen);
    }
  } else if (t == TYPE_ZSET) {
    itemsLeft = <u64>zsetLength(e);
    for (let p = zFirst(e); p != 0; p = zNext(e, p)) {
      nextItem("ZADD", 2);
      const score = zScoreAt(e, p);
      wBulkDouble(score);
      zMemberAt(e, p);
      wBulk(zmPtr, zmLen);
    }
  } else if (t == TYPE_HASH) {
    itemsLeft = <u64>hashLength(e);
    if (enc == ENC_LISTPACK) {
      const lp = objPtrOf(e);
      for (let off = lpFirst(lp); off != 0; off = lpNext(lp, off)) {
        nextItem("HMSET", 2);
        wLpElement(lp, off);
        off = lpNext(lp, off);
        wLpElement(lp, off);
      }
    } else {
      dictForEach(changetype<Dict>(objPtrOf(e)), hashFieldCb, 0);
    }
  } else if (t == TYPE_STREAM) {
    rewriteStream(e);
  } else {
    return;
  }
  if (hasExpire(e)) {
    wHeader(0x2a, 3);
    wBulkText("PEXPIREAT");
    wKey(e);
    wBulkInt(load<i64>(expireSlot(e)));
  }
  rewrittenKeys++;
}

// ==== the walk ============================================================================

let walkDb: i32 = 0;
let walkCursor: u64 = 0;
let walkStarted = false;
export let rewrittenKeys: u64 = 0;

export function aofRewriteBegin(): void {
  outLen = 0;
  walkDb = 0;
  walkCursor = 0;
  walkStarted = false;
  rewrittenKeys = 0;
}

/** Writes keys until the output holds `limit` bytes; 1 while there is more, 0 at the end. */
export function aofRewriteStep(limit: u32): i32 {
  while (walkDb < numDbs) {
    const db = getDb(walkDb);
    if (!walkStarted) {
      walkStarted = true;
      walkCursor = 0;
      if (dbSize(db) == 0) {
        walkDb++;
        walkStarted = false;
        continue;
      }
      wHeader(0x2a, 2);
      wBulkText("SELECT");
      wBulkInt(<i64>walkDb);
    }
    do {
      walkCursor = dictScan(db.dict, walkCursor, rewriteKey, 0);
      if (outLen >= <usize>limit && walkCursor != 0) return 1;
    } while (walkCursor != 0);
    walkDb++;
    walkStarted = false;
    if (outLen >= <usize>limit) return 1;
  }
  return 0;
}

export function aofRewriteOutPtr(): usize { return out; }
export function aofRewriteOutLen(): usize { return outLen; }
export function aofRewriteOutTaken(): void { outLen = 0; }

export function aofRewriteRelease(): void {
  if (out != 0) memFree(out);
  out = 0;
  outCap = 0;
  outLen = 0;
}
