// Bitmap commands: BITCOUNT BITFIELD BITFIELD_RO BITOP BITPOS GETBIT SETBIT.
//
// A bitmap is a string value seen as an array of bits. Bit n lives in byte
// n >> 3 under mask 0x80 >> (n & 7): bit 0 is the most significant bit of the
// first byte, as in Redis, so SETBIT and GETRANGE agree on the layout.
//
// Reads go through loadString (int-encoded values are read as their decimal
// digits, like Redis's getObjectReadOnlyString). Writes make the value raw and
// writable in place with makeRawWritable (Redis's dbUnshareStringValue +
// sdsgrowzero), so a written bitmap is always raw-encoded, even when no byte
// changed. Missing bytes read as zero; growth pads with zeros.
//
// Offsets are bit offsets whose byte index must be below proto-max-bulk-len
// (512MB by default, so bits up to 2^32-1); BITFIELD may write up to 63 bits
// past that, as Redis does.

import { register as reg } from "./dispatch";
import {
  CMD_BITCOUNT, CMD_BITFIELD, CMD_BITFIELD_RO, CMD_BITOP, CMD_BITPOS, CMD_GETBIT, CMD_SETBIT,
} from "./table.gen";
import { curDb, argInt, argIs, parseLongOrReply, parseLongOrReplyMsg } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import { replyError, replyInt, replyNull, replyArray } from "../resp/writer";
import {
  E_SYNTAX, E_WRONGTYPE, E_BIT_OFFSET, E_BIT_VALUE, E_BITFIELD_TYPE, E_BITFIELD_RO, E_BITOP_NOT,
  E_BITPOS_BIT, E_BITFIELD_OVERFLOW,
} from "../resp/errors";
import { protoMaxBulkLen } from "../resp/reader";
import { Db, dbLookup, dbLookupRead, dbDelete, addDirty } from "../db/db";
import { keyChanged, NOTIFY_STRING, NOTIFY_GENERIC } from "../db/notify";
import { typeOf, TYPE_STRING, strPtrOf, strLenOf } from "../db/entry";
import { loadString, valPtr, valLen, stringLength, makeRawWritable, storeRawOwned } from "../db/strval";
import { memAlloc, memCalloc, memFree, MAX_STRING } from "../ds/mem";
import { parseI64Strict, parsedI64, PARSE_OK } from "../util/num";

const HASH_SIGN: u8 = 35;  // '#'
const LOWER_I: u8 = 105;   // 'i'
const LOWER_U: u8 = 117;   // 'u'

// wasm32 cannot hold a string of 4GB; a proto-max-bulk-len configured past
// that is capped here so offsets never outgrow a usize.
const MAX_BITMAP_BYTES: i64 = <i64>MAX_STRING;

// ---- bit primitives ----------------------------------------------------------

/** Number of set bits in `len` bytes; 8 bytes per popcnt, unrolled by 4. */
export function popcount(ptr: usize, len: usize): i64 {
  let n: u64 = 0;
  let i: usize = 0;
  while (i + 32 <= len) {
    n += popcnt<u64>(load<u64>(ptr + i)) + popcnt<u64>(load<u64>(ptr + i, 8))
       + popcnt<u64>(load<u64>(ptr + i, 16)) + popcnt<u64>(load<u64>(ptr + i, 24));
    i += 32;
  }
  while (i + 8 <= len) {
    n += popcnt<u64>(load<u64>(ptr + i));
    i += 8;
  }
  while (i < len) {
    n += <u64>popcnt<u32>(<u32>load<u8>(ptr + i));
    i++;
  }
  return <i64>n;
}

/** Set bits among bits [sbit, ebit] (inclusive, within the string). */
function popcountBits(ptr: usize, sbit: i64, ebit: i64): i64 {
  const sb = <usize>(sbit >> 3);
  const eb = <usize>(ebit >> 3);
  let n = popcount(ptr + sb, eb - sb + 1);
  // Take back the bits of the edge bytes that lie outside the range; the
  // two masks are disjoint even when both edges share one byte.
  const headMask = (<u32>0xFF00 >> <u32>(sbit & 7)) & 0xFF;
  const tailMask = (<u32>1 << <u32>(7 - (ebit & 7))) - 1;
  n -= <i64>popcnt<u32>(<u32>load<u8>(ptr + sb) & headMask);
  n -= <i64>popcnt<u32>(<u32>load<u8>(ptr + eb) & tailMask);
  return n;
}

// @ts-ignore: decorator
@inline function bitAt(ptr: usize, pos: i64): i32 {
  return (<i32>load<u8>(ptr + <usize>(pos >> 3)) >> <i32>(7 - (pos & 7))) & 1;
}

/** First position of `bit` in `len` whole bytes, or -1; skips 8 bytes at a time. */
function findBitInBytes(ptr: usize, len: usize, bit: i32): i64 {
  const skipWord: u64 = bit != 0 ? 0 : 0xFFFFFFFFFFFFFFFF;
  const skipByte: u32 = bit != 0 ? 0 : 0xFF;
  let i: usize = 0;
  // 32 bytes per step while they are all skippable: OR of four words is 0
  // exactly when all are 0, AND is all ones exactly when all are all ones.
  if (bit != 0) {
    while (i + 32 <= len && (load<u64>(ptr + i) | load<u64>(ptr + i, 8) | load<u64>(ptr + i, 16) | load<u64>(ptr + i, 24)) == 0) i += 32;
  } else {
    while (i + 32 <= len && (load<u64>(ptr + i) & load<u64>(ptr + i, 8) & load<u64>(ptr + i, 16) & load<u64>(ptr + i, 24)) == skipWord) i += 32;
  }
  while (i + 8 <= len && load<u64>(ptr + i) == skipWord) i += 8;
  while (i < len) {
    const b = <u32>load<u8>(ptr + i);
    if (b != skipByte) {
      const x = bit != 0 ? b : ~b & 0xFF;
      return (<i64>i << 3) + <i64>(clz<u32>(x) - 24);
    }
    i++;
  }
  return -1;
}

/** First position of `bit` among bits [sbit, ebit], or -1. */
function findBit(ptr: usize, sbit: i64, ebit: i64, bit: i32): i64 {
  let pos = sbit;
  while ((pos & 7) != 0 && pos <= ebit) {
    if (bitAt(ptr, pos) == bit) return pos;
    pos++;
  }
  const fullEnd = (ebit + 1) >> 3; // bytes before this one lie wholly in range
  const first = pos >> 3;
  if (fullEnd > first) {
    const r = findBitInBytes(ptr + <usize>first, <usize>(fullEnd - first), bit);
    if (r >= 0) return pos + r;
    pos = fullEnd << 3;
  }
  while (pos <= ebit) {
    if (bitAt(ptr, pos) == bit) return pos;
    pos++;
  }
  return -1;
}

// ---- argument parsing ------------------------------------------------------------

/** The bit offset parsed by the last successful parseBitOffsetOrReply. */
let bitOffset: i64 = 0;

/**
 * A bit offset argument. With `hashBits` > 0 (BITFIELD) the form `#n` means
 * n * hashBits; the product wraps like Redis's, so a huge `#n` may land on a
 * valid offset. Offsets whose byte is not below proto-max-bulk-len fail.
 */
function parseBitOffsetOrReply(i: i32, hashBits: i32): bool {
  let p = argPtr(i);
  let len = argLen(i);
  const useHash = hashBits > 0 && len > 0 && load<u8>(p) == HASH_SIGN;
  if (useHash) { p++; len--; }
  if (parseI64Strict(p, len) != PARSE_OK) {
    replyError(E_BIT_OFFSET);
    return false;
  }
  let off = parsedI64;
  if (useHash) off *= <i64>hashBits;
  if (off < 0 || (off >> 3) >= protoMaxBulkLen || (off >> 3) >= MAX_BITMAP_BYTES) {
    replyError(E_BIT_OFFSET);
    return false;
  }
  bitOffset = off;
  return true;
}

// Start/end after Redis's range rules, set by resolveRange.
let rangeStart: i64 = 0;
let rangeEnd: i64 = 0;

/** Negative indexes count from `total`; both ends are clamped into it. Empty when start > end. */
function resolveRange(start: i64, end: i64, total: i64): void {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  rangeStart = start;
  rangeEnd = end;
}

/** Whether the last range was given in bits (BIT) rather than bytes. */
let rangeInBits = false;

/** Parses BIT|BYTE at `i` into `rangeInBits`; replies a syntax error otherwise. */
function parseRangeUnitOrReply(i: i32): bool {
  if (argIs(i, "BIT")) rangeInBits = true;
  else if (argIs(i, "BYTE")) rangeInBits = false;
  else {
    replyError(E_SYNTAX);
    return false;
  }
  return true;
}

// ---- writable bitmaps --------------------------------------------------------------

/** Set by bitmapForWrite: whether the value was created or grew. */
let bitmapGrew = false;

/**
 * The string entry `e` (0: create one) made raw, writable and at least
 * `minLen` bytes long (Redis's lookupStringForBitCommand after the type check).
 * A new bitmap is allocated at exactly `minLen` zero bytes, like sdsnewlen.
 */
function bitmapForWrite(db: Db, e: usize, keyPtr: usize, keyLen: usize, minLen: usize): usize {
  if (e == 0) {
    bitmapGrew = true;
    return storeRawOwned(db, 0, keyPtr, keyLen, memCalloc(minLen), minLen);
  }
  const before = stringLength(e);
  e = makeRawWritable(db, e, minLen);
  bitmapGrew = strLenOf(e) != before;
  return e;
}

// ---- GETBIT / SETBIT ----------------------------------------------------------------

// GETBIT key offset — integer 0|1; bits past the end read as 0. O(1).
function cmdGetbit(): void {
  if (!parseBitOffsetOrReply(2, 0)) return;
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
  loadString(e);
  const byte = <usize>(bitOffset >> 3);
  replyInt(byte < valLen ? bitAt(valPtr, bitOffset) : 0);
}

// SETBIT key offset 0|1 — integer, the bit's previous value. O(1), plus
// O(offset) when the string must grow.
function cmdSetbit(): void {
  if (!parseBitOffsetOrReply(2, 0)) return;
  const off = bitOffset;
  if (!parseLongOrReplyMsg(3, E_BIT_VALUE)) return;
  const on = argInt;
  if ((on & ~1) != 0) { replyError(E_BIT_VALUE); return; }
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  const found = dbLookup(db, keyPtr, keyLen);
  if (found != 0 && typeOf(found) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
  const old = opSetbit(db, found, keyPtr, keyLen, off, <i32>on);
  replyInt(old);
}

/** Writes one bit, growing the value; returns the old bit. */
function opSetbit(db: Db, e: usize, keyPtr: usize, keyLen: usize, off: i64, on: i32): i32 {
  e = bitmapForWrite(db, e, keyPtr, keyLen, <usize>(off >> 3) + 1);
  const p = strPtrOf(e) + <usize>(off >> 3);
  const mask = <u8>(<i32>0x80 >> <i32>(off & 7));
  const byte = load<u8>(p);
  const old: i32 = (byte & mask) != 0 ? 1 : 0;
  if (bitmapGrew || old != on) {
    store<u8>(p, on != 0 ? byte | mask : byte & ~mask);
    addDirty(1);
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_STRING, "setbit");
  }
  return old;
}

// ---- BITCOUNT / BITPOS ------------------------------------------------------------

// BITCOUNT key [start end [BYTE|BIT]] — integer. O(N).
// As in Redis 7.0 the key is looked up before the range is parsed, so a
// missing key answers 0 whatever the arguments.
function cmdBitcount(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
  loadString(e);
  const p = valPtr;
  const len = <i64>valLen;
  const argc = curArgc;
  if (argc == 2) { replyInt(popcount(p, <usize>len)); return; }
  if (argc != 4 && argc != 5) { replyError(E_SYNTAX); return; }
  if (!parseLongOrReply(2)) return;
  const start = argInt;
  if (!parseLongOrReply(3)) return;
  const end = argInt;
  // Redis answers this case before it looks at the unit argument.
  if (start < 0 && end < 0 && start > end) { replyInt(0); return; }
  rangeInBits = false;
  if (argc == 5 && !parseRangeUnitOrReply(4)) return;
  resolveRange(start, end, rangeInBits ? len << 3 : len);
  if (rangeStart > rangeEnd) { replyInt(0); return; }
  if (rangeInBits) replyInt(popcountBits(p, rangeStart, rangeEnd));
  else replyInt(popcount(p + <usize>rangeStart, <usize>(rangeEnd - rangeStart + 1)));
}

// BITPOS key bit [start [end [BYTE|BIT]]] — integer, the first position of
// `bit`, or -1. A missing key is all zeros. Looking for 0 without an explicit
// end treats the string as zero-padded on the right, so an all-ones string
// answers its length in bits. O(N).
function cmdBitpos(): void {
  if (!parseLongOrReply(2)) return;
  const bit = argInt;
  if (bit != 0 && bit != 1) { replyError(E_BITPOS_BIT); return; }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyInt(bit != 0 ? -1 : 0); return; }
  if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
  loadString(e);
  const p = valPtr;
  const len = <i64>valLen;
  const argc = curArgc;
  let sbit: i64, ebit: i64;
  let endGiven = false;
  if (argc == 3) {
    sbit = 0;
    ebit = (len << 3) - 1;
  } else if (argc <= 6) {
    if (!parseLongOrReply(3)) return;
    const start = argInt;
    rangeInBits = false;
    if (argc == 6 && !parseRangeUnitOrReply(5)) return;
    let end: i64 = len - 1; // BIT needs argc 6, so an implicit end is in bytes
    if (argc >= 5) {
      if (!parseLongOrReply(4)) return;
      end = argInt;
      endGiven = true;
    }
    resolveRange(start, end, rangeInBits ? len << 3 : len);
    if (rangeInBits) {
      sbit = rangeStart;
      ebit = rangeEnd;
    } else {
      sbit = rangeStart << 3;
      ebit = (rangeEnd << 3) + 7;
    }
    if (rangeStart > rangeEnd) { replyInt(-1); return; }
  } else {
    replyError(E_SYNTAX);
    return;
  }
  if (sbit > ebit) { replyInt(-1); return; }
  const pos = findBit(p, sbit, ebit, <i32>bit);
  if (pos >= 0) replyInt(pos);
  else if (bit == 0 && !endGiven) replyInt(ebit + 1);
  else replyInt(-1);
}

// ---- BITOP --------------------------------------------------------------------------

const OP_AND: i32 = 0;
const OP_OR: i32 = 1;
const OP_XOR: i32 = 2;
const OP_NOT: i32 = 3;

// BITOP AND|OR|XOR|NOT destkey key [key ...] — integer, the length of the
// result (the longest source). Missing sources are empty strings, shorter
// ones are zero-padded; an empty result deletes destkey. O(N).
function cmdBitop(): void {
  let op: i32;
  if (argIs(1, "AND")) op = OP_AND;
  else if (argIs(1, "OR")) op = OP_OR;
  else if (argIs(1, "XOR")) op = OP_XOR;
  else if (argIs(1, "NOT")) op = OP_NOT;
  else { replyError(E_SYNTAX); return; }
  if (op == OP_NOT && curArgc != 4) { replyError(E_BITOP_NOT); return; }

  const db = curDb();
  const n = curArgc - 3;
  // Entry pointers of the sources (0 = missing), looked up once: later
  // lookups never move or free an entry already found.
  const srcs = memAlloc(<usize>n << 2);
  let maxLen: usize = 0;
  for (let j = 0; j < n; j++) {
    const e = dbLookupRead(db, argPtr(3 + j), argLen(3 + j));
    if (e != 0 && typeOf(e) != TYPE_STRING) {
      memFree(srcs);
      replyError(E_WRONGTYPE);
      return;
    }
    store<u32>(srcs + (<usize>j << 2), <u32>e);
    if (e != 0) {
      const l = stringLength(e);
      if (l > maxLen) maxLen = l;
    }
  }

  const destPtr = argPtr(2), destLen = argLen(2);
  if (maxLen == 0) {
    memFree(srcs);
    if (dbDelete(db, destPtr, destLen)) {
      addDirty(1);
      keyChanged(db.index, destPtr, destLen, NOTIFY_GENERIC, "del");
    }
    replyInt(0);
    return;
  }
  // The result is built apart from the sources: destkey may be one of them.
  const res = memAlloc(maxLen);
  opBitop(op, srcs, n, res, maxLen);
  memFree(srcs);
  storeRawOwned(db, dbLookup(db, destPtr, destLen), destPtr, destLen, res, maxLen);
  addDirty(1);
  keyChanged(db.index, destPtr, destLen, NOTIFY_STRING, "set");
  replyInt(<i64>maxLen);
}

/** Combines the sources into `res` (`maxLen` bytes), a word at a time. */
function opBitop(op: i32, srcs: usize, n: i32, res: usize, maxLen: usize): void {
  if (op == OP_OR || op == OP_XOR) memory.fill(res, 0, maxLen);
  for (let j = 0; j < n; j++) {
    const e = <usize>load<u32>(srcs + (<usize>j << 2));
    let sp: usize = 0, sl: usize = 0;
    if (e != 0) {
      loadString(e); // int scratch stays valid until the next source
      sp = valPtr;
      sl = valLen;
    }
    if (op == OP_NOT) {
      let i: usize = 0;
      for (; i + 8 <= sl; i += 8) store<u64>(res + i, ~load<u64>(sp + i));
      for (; i < sl; i++) store<u8>(res + i, ~load<u8>(sp + i));
    } else if (op == OP_AND && j == 0) {
      memory.copy(res, sp, sl);
      memory.fill(res + sl, 0, maxLen - sl);
    } else if (op == OP_AND) {
      let i: usize = 0;
      for (; i + 8 <= sl; i += 8) store<u64>(res + i, load<u64>(res + i) & load<u64>(sp + i));
      for (; i < sl; i++) store<u8>(res + i, load<u8>(res + i) & load<u8>(sp + i));
      memory.fill(res + sl, 0, maxLen - sl);
    } else if (op == OP_OR) {
      let i: usize = 0;
      for (; i + 8 <= sl; i += 8) store<u64>(res + i, load<u64>(res + i) | load<u64>(sp + i));
      for (; i < sl; i++) store<u8>(res + i, load<u8>(res + i) | load<u8>(sp + i));
    } else {
      let i: usize = 0;
      for (; i + 8 <= sl; i += 8) store<u64>(res + i, load<u64>(res + i) ^ load<u64>(sp + i));
      for (; i < sl; i++) store<u8>(res + i, load<u8>(res + i) ^ load<u8>(sp + i));
    }
  }
}

// ---- BITFIELD / BITFIELD_RO -----------------------------------------------------------

const BF_GET: i32 = 0;
const BF_SET: i32 = 1;
const BF_INCRBY: i32 = 2;
const BF_OVERFLOW: i32 = 3;

const OW_WRAP: i32 = 0;
const OW_SAT: i32 = 1;
const OW_FAIL: i32 = 2;

// The subcommand, type and overflow mode parsed by the helpers below.
let bfOp: i32 = 0;
let bfSigned = false;
let bfBits: i32 = 0;
let bfOverflow: i32 = OW_WRAP;

/**
 * The subcommand at `j` if it has enough arguments after it (GET type offset,
 * SET/INCRBY type offset value, OVERFLOW mode), else a syntax error.
 */
function parseBitfieldOpOrReply(j: i32): bool {
  const rem = curArgc - j - 1;
  if (argIs(j, "GET") && rem >= 2) bfOp = BF_GET;
  else if (argIs(j, "SET") && rem >= 3) bfOp = BF_SET;
  else if (argIs(j, "INCRBY") && rem >= 3) bfOp = BF_INCRBY;
  else if (argIs(j, "OVERFLOW") && rem >= 1) bfOp = BF_OVERFLOW;
  else {
    replyError(E_SYNTAX);
    return false;
  }
  return true;
}

function parseOverflowOrReply(i: i32): bool {
  if (argIs(i, "WRAP")) bfOverflow = OW_WRAP;
  else if (argIs(i, "SAT")) bfOverflow = OW_SAT;
  else if (argIs(i, "FAIL")) bfOverflow = OW_FAIL;
  else {
    replyError(E_BITFIELD_OVERFLOW);
    return false;
  }
  return true;
}

/** i1..i64 or u1..u63; the letter is case-sensitive, as in Redis. */
function parseBitfieldTypeOrReply(i: i32): bool {
  const p = argPtr(i);
  const len = argLen(i);
  const c: u8 = len > 0 ? load<u8>(p) : 0;
  if (c != LOWER_I && c != LOWER_U) { replyError(E_BITFIELD_TYPE); return false; }
  const signed = c == LOWER_I;
  if (parseI64Strict(p + 1, len - 1) != PARSE_OK || parsedI64 < 1 || parsedI64 > (signed ? 64 : 63)) {
    replyError(E_BITFIELD_TYPE);
    return false;
  }
  bfSigned = signed;
  bfBits = <i32>parsedI64;
  return true;
}

/** Reads `bits` bits at bit `off` as unsigned; bytes at or past `len` read as zero. */
function readField(ptr: usize, len: usize, off: i64, bits: i32): u64 {
  let v: u64 = 0;
  for (let k = 0; k < bits; k++) {
    const pos = off + k;
    const byte = <usize>(pos >> 3);
    const b: u64 = byte < len ? <u64>load<u8>(ptr + byte) : 0;
    v = (v << 1) | ((b >> <u64>(7 - (pos & 7))) & 1);
  }
  return v;
}

/** The low `bits` bits of `v` read as a two's complement number. */
// @ts-ignore: decorator
@inline function signExtend(v: u64, bits: i32): i64 {
  if (bits < 64) {
    const high = <u64>-1 << <u64>bits;
    v = ((v >> <u64>(bits - 1)) & 1) != 0 ? v | high : v & ~high;
  }
  return <i64>v;
}

/** Writes the low `bits` bits of `v` at bit `off`, most significant first. */
function writeField(ptr: usize, off: i64, bits: i32, v: u64): void {
  for (let k = 0; k < bits; k++) {
    const pos = off + k;
    const p = ptr + <usize>(pos >> 3);
    const mask = <u8>(<i32>0x80 >> <i32>(pos & 7));
    if (((v >> <u64>(bits - 1 - k)) & 1) != 0) store<u8>(p, load<u8>(p) | mask);
    else store<u8>(p, load<u8>(p) & ~mask);
  }
}

/** The value to store after an overflow under WRAP or SAT. */
let bfLimit: u64 = 0;

/**
 * Whether `value + incr` leaves the u`bits` range (SET checks the value
 * itself with incr 0, so a negative SET value is a high overflow and
 * saturates to the maximum, as in Redis).
 */
function unsignedOverflows(value: u64, incr: i64, bits: i32, ow: i32): bool {
  const max: u64 = (<u64>1 << <u64>bits) - 1;
  const maxIncr = <i64>(max - value);
  const minIncr = -<i64>value;
  let high: bool;
  if (value > max || (incr > 0 && incr > maxIncr)) high = true;
  else if (incr < 0 && incr < minIncr) high = false;
  else return false;
  if (ow == OW_WRAP) bfLimit = (value + <u64>incr) & max;
  else if (ow == OW_SAT) bfLimit = high ? max : 0;
  return true;
}

/**
 * Whether `value + incr` leaves the i`bits` range. The headroom values are
 * computed with wrapping arithmetic exactly as Redis does; for a SET value
 * far below the range they wrap, which makes Redis call it a high overflow
 * (SAT stores the maximum), and we keep that.
 */
function signedOverflows(value: i64, incr: i64, bits: i32, ow: i32): bool {
  const max: i64 = bits == 64 ? i64.MAX_VALUE : (<i64>1 << <i64>(bits - 1)) - 1;
  const min: i64 = -max - 1;
  const maxIncr = <i64>(<u64>max - <u64>value);
  const minIncr = min - value;
  let high: bool;
  if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) high = true;
  else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) high = false;
  else return false;
  if (ow == OW_WRAP) bfLimit = <u64>signExtend(<u64>value + <u64>incr, bits);
  else if (ow == OW_SAT) bfLimit = <u64>(high ? max : min);
  return true;
}

/** One SET or INCRBY on a writable bitmap; replies the old (SET) or new (INCRBY) value, or nil on FAIL. */
function opBitfieldWrite(ptr: usize, len: usize, op: i32, off: i64, signed: bool, bits: i32, arg: i64, ow: i32): void {
  const raw = readField(ptr, len, off, bits);
  let newVal: u64, ret: i64, overflow: bool;
  if (signed) {
    const old = signExtend(raw, bits);
    if (op == BF_INCRBY) {
      overflow = signedOverflows(old, arg, bits, ow);
      newVal = overflow ? bfLimit : <u64>(old + arg);
      ret = <i64>newVal;
    } else {
      overflow = signedOverflows(arg, 0, bits, ow);
      newVal = overflow ? bfLimit : <u64>arg;
      ret = old;
    }
  } else {
    if (op == BF_INCRBY) {
      overflow = unsignedOverflows(raw, arg, bits, ow);
      newVal = overflow ? bfLimit : raw + <u64>arg;
      ret = <i64>newVal;
    } else {
      overflow = unsignedOverflows(<u64>arg, 0, bits, ow);
      newVal = overflow ? bfLimit : <u64>arg;
      ret = <i64>raw;
    }
  }
  if (overflow && ow == OW_FAIL) {
    replyNull();
    return;
  }
  replyInt(ret);
  writeField(ptr, off, bits, newVal);
}

// BITFIELD key [GET type offset] [SET type offset value]
//   [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ...
// — array, one reply per GET/SET/INCRBY (nil when FAIL refused the write).
// BITFIELD_RO key [GET type offset ...] — the same, GET only.
// Every argument is validated before anything runs or the key is touched;
// the value grows once, to the farthest bit any write reaches. O(ops).
function bitfieldGeneric(readOnlyCmd: bool): void {
  const argc = curArgc;
  let numOps = 0;
  let writes = false;
  let highest: i64 = 0;
  // Pass 1: validate and size. Pass 2 below re-reads the same arguments.
  for (let j = 2; j < argc; ) {
    if (!parseBitfieldOpOrReply(j)) return;
    if (bfOp == BF_OVERFLOW) {
      if (!parseOverflowOrReply(j + 1)) return;
      j += 2;
      continue;
    }
    if (!parseBitfieldTypeOrReply(j + 1)) return;
    if (!parseBitOffsetOrReply(j + 2, bfBits)) return;
    if (bfOp != BF_GET) {
      writes = true;
      const last = bitOffset + bfBits - 1;
      if (last > highest) highest = last;
      if (!parseLongOrReply(j + 3)) return;
    }
    numOps++;
    j += bfOp == BF_GET ? 3 : 4;
  }

  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let ptr: usize = 0, len: usize = 0;
  if (!writes) {
    const e = dbLookupRead(db, keyPtr, keyLen);
    if (e != 0) {
      if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
      loadString(e);
      ptr = valPtr;
      len = valLen;
    }
  } else {
    if (readOnlyCmd) { replyError(E_BITFIELD_RO); return; }
    let e = dbLookup(db, keyPtr, keyLen);
    if (e != 0 && typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
    e = bitmapForWrite(db, e, keyPtr, keyLen, <usize>(highest >> 3) + 1);
    ptr = strPtrOf(e);
    len = strLenOf(e);
  }

  replyArray(numOps);
  bfOverflow = OW_WRAP;
  let changes = 0;
  for (let j = 2; j < argc; ) {
    parseBitfieldOpOrReply(j);
    if (bfOp == BF_OVERFLOW) {
      parseOverflowOrReply(j + 1);
      j += 2;
      continue;
    }
    parseBitfieldTypeOrReply(j + 1);
    parseBitOffsetOrReply(j + 2, bfBits);
    if (bfOp == BF_GET) {
      const raw = readField(ptr, len, bitOffset, bfBits);
      replyInt(bfSigned ? signExtend(raw, bfBits) : <i64>raw);
      j += 3;
    } else {
      parseLongOrReply(j + 3);
      opBitfieldWrite(ptr, len, bfOp, bitOffset, bfSigned, bfBits, argInt, bfOverflow);
      changes++;
      j += 4;
    }
  }
  if (changes > 0) {
    addDirty(<u64>changes);
    keyChanged(curDb().index, argPtr(1), argLen(1), NOTIFY_STRING, "setbit");
  }
}

function cmdBitfield(): void { bitfieldGeneric(false); }
function cmdBitfieldRo(): void { bitfieldGeneric(true); }

export function register(): void {
  reg(CMD_BITCOUNT, cmdBitcount);
  reg(CMD_BITFIELD, cmdBitfield);
  reg(CMD_BITFIELD_RO, cmdBitfieldRo);
  reg(CMD_BITOP, cmdBitop);
  reg(CMD_BITPOS, cmdBitpos);
  reg(CMD_GETBIT, cmdGetbit);
  reg(CMD_SETBIT, cmdSetbit);
}
