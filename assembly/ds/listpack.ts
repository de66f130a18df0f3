// Redis's listpack, byte for byte (listpack.c): a contiguous block of
// entries that small hashes, sorted sets and quicklist nodes use, and that
// RDB files carry verbatim. Keeping Redis's exact format means saving and
// loading a small collection is a copy.
//
//   0         4        6                                  bytes-1
//   | bytes u32 | count u16 | entry | entry | ... | 0xFF |
//
//   count: number of entries, or 65535 when there are more (then walked).
//   entry: | encoding+data | backlen (1-5 bytes) |
//     0xxxxxxx                   7-bit unsigned integer
//     10xxxxxx + bytes           string of up to 63 bytes
//     110xxxxx yyyyyyyy          13-bit signed integer
//     1110xxxx yyyyyyyy + bytes  string of up to 4095 bytes
//     11110000 + u32 + bytes     longer string
//     11110001/2/3/4 + 2/3/4/8 bytes   16/24/32/64-bit signed integer (LE)
//   backlen: the size of encoding+data, 7 bits a byte, most significant
//   byte first; every byte but the first has its top bit set, so it can be
//   read backwards from the next entry's start.
//
// Strings that are canonical decimal integers (string2ll rules: no sign
// '+', no leading zeros, at most 20 chars) are stored as integers, as
// Redis does; readers get the decimal text back through lpGetBytes.
//
// Positions are byte offsets from the listpack's start, so they survive a
// write that moves the block; 0 means "no element" (offset 0 is the header).
// Costs: access by offset O(1), seek by index O(n), insert/delete O(n)
// (one memmove and, when the size changes, a realloc).

import { memAlloc, memFree, memRealloc, blockSize } from "./mem";

const HDR: u32 = 6;
const EOF: u8 = 0xff;
const COUNT_UNKNOWN: u32 = 65535;

/** Integer read by lpGet. */
export let lpInt: i64 = 0;
/** String read by lpGet / lpGetBytes (valid until the next write or lpGetBytes). */
export let lpPtr: usize = 0;
export let lpLen: usize = 0;
/** Offset of the element inserted by the last lpInsertBefore / lpAppend / lpPrepend / lpReplace,
 *  or of the element after the one lpDelete removed (0 when none). */
export let lpLastOff: u32 = 0;

const INTBUF = memory.data(48);

// ---- header ---------------------------------------------------------------------

// @ts-ignore: decorator
@inline export function lpBytes(lp: usize): u32 { return load<u32>(lp); }

export function lpNew(): usize {
  const lp = memAlloc(HDR + 1);
  store<u32>(lp, HDR + 1);
  store<u16>(lp, 0, 4);
  store<u8>(lp, EOF, HDR);
  return lp;
}

export function lpFree(lp: usize): void { memFree(lp); }

export function lpLength(lp: usize): u32 {
  const n = <u32>load<u16>(lp, 4);
  if (n != COUNT_UNKNOWN) return n;
  let count: u32 = 0;
  let off = lpFirst(lp);
  while (off != 0) { count++; off = lpNext(lp, off); }
  if (count < COUNT_UNKNOWN) store<u16>(lp, <u16>count, 4);
  return count;
}

function addCount(lp: usize, delta: i32): void {
  const n = <u32>load<u16>(lp, 4);
  if (n == COUNT_UNKNOWN) return;
  const m = <i64>n + delta;
  store<u16>(lp, m >= <i64>COUNT_UNKNOWN ? <u16>COUNT_UNKNOWN : <u16>m, 4);
}

// ---- entry sizes ------------------------------------------------------------------

/** Size of encoding+data of the entry starting at `p`. */
function encodedSize(p: usize): u32 {
  const b = load<u8>(p);
  if (b < 0x80) return 1;
  if (b < 0xc0) return 1 + <u32>(b & 0x3f);
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 2 + ((<u32>(b & 0x0f) << 8) | <u32>load<u8>(p, 1));
  switch (b) {
    case 0xf0: return 5 + load<u32>(p + 1);
    case 0xf1: return 3;
    case 0xf2: return 4;
    case 0xf3: return 5;
    case 0xf4: return 9;
  }
  assert(false, "listpack: bad encoding");
  return 0;
}

// @ts-ignore: decorator
@inline function backlenSize(l: u32): u32 {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function writeBacklen(p: usize, l: u32): void {
  const n = backlenSize(l);
  // Most significant group first; all but the first byte flagged.
  for (let i: u32 = 0; i < n; i++) {
    const shift = (n - 1 - i) * 7;
    let v = <u8>((l >> shift) & 127);
    if (i > 0) v |= 128;
    store<u8>(p + i, v);
  }
}

/** Reads a backlen whose last byte is at `p` (just before the next entry). */
function readBacklen(p: usize): u32 {
  let v: u32 = 0;
  let shift: u32 = 0;
  while (true) {
    const b = load<u8>(p);
    v |= <u32>(b & 127) << shift;
    if ((b & 128) == 0) break;
    shift += 7;
    p--;
  }
  return v;
}

// @ts-ignore: decorator
@inline function entrySize(p: usize): u32 {
  const l = encodedSize(p);
  return l + backlenSize(l);
}

// ---- navigation --------------------------------------------------------------------

export function lpFirst(lp: usize): u32 {
  return load<u8>(lp + HDR) == EOF ? 0 : HDR;
}

export function lpNext(lp: usize, off: u32): u32 {
  const n = off + entrySize(lp + off);
  return load<u8>(lp + n) == EOF ? 0 : n;
}

export function lpPrev(lp: usize, off: u32): u32 {
  if (off <= HDR) return 0;
  const l = readBacklen(lp + off - 1);
  return off - l - backlenSize(l);
}

export function lpLast(lp: usize): u32 {
  const end = lpBytes(lp) - 1;
  return end == HDR ? 0 : lpPrev(lp, end);
}

/** The element at `index` (negative counts from the end), or 0. */
export function lpSeek(lp: usize, index: i64): u32 {
  const n = <i64>lpLength(lp);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return 0;
  if (index <= n / 2) {
    let off = lpFirst(lp);
    for (let i: i64 = 0; i < index; i++) off = lpNext(lp, off);
    return off;
  }
  let off = lpLast(lp);
  for (let i = n - 1; i > index; i--) off = lpPrev(lp, off);
  return off;
}

// ---- reading -------------------------------------------------------------------------

/** Reads the element at `off`: true with the value in lpInt, or false with bytes at lpPtr/lpLen. */
export function lpGet(lp: usize, off: u32): bool {
  const p = lp + off;
  const b = load<u8>(p);
  if (b < 0x80) { lpInt = <i64>b; return true; }
  if (b < 0xc0) { lpPtr = p + 1; lpLen = <usize>(b & 0x3f); return false; }
  if (b < 0xe0) {
    let v = (<i32>(b & 0x1f) << 8) | <i32>load<u8>(p, 1);
    if (v >= 4096) v -= 8192;
    lpInt = <i64>v;
    return true;
  }
  if (b < 0xf0) {
    lpPtr = p + 2;
    lpLen = (<usize>(b & 0x0f) << 8) | <usize>load<u8>(p, 1);
    return false;
  }
  switch (b) {
    case 0xf0: lpPtr = p + 5; lpLen = <usize>load<u32>(p + 1); return false;
    case 0xf1: lpInt = <i64>load<i16>(p + 1); return true;
    case 0xf2: {
      let v = <i32>load<u16>(p + 1) | (<i32>load<u8>(p + 3) << 16);
      if (v >= 0x800000) v -= 0x1000000;
      lpInt = <i64>v;
      return true;
    }
    case 0xf3: lpInt = <i64>load<i32>(p + 1); return true;
    case 0xf4: lpInt = load<i64>(p + 1); return true;
  }
  assert(false, "listpack: bad encoding");
  return false;
}

/** Formats a signed integer as decimal at `dst`; returns the length. */
export function formatInt(dst: usize, v: i64): usize {
  let u: u64 = v < 0 ? <u64>0 - <u64>v : <u64>v;
  let n: usize = 0;
  const tmp = dst + 21; // digits are built backwards past the output, then moved
  do {
    store<u8>(tmp - n - 1, <u8>(48 + <u32>(u % 10)));
    u /= 10;
    n++;
  } while (u != 0);
  let o: usize = 0;
  if (v < 0) store<u8>(dst + o++, 45);
  memory.copy(dst + o, tmp - n, n);
  return o + n;
}

/** Reads the element at `off` as bytes (integers as decimal text) into lpPtr/lpLen. */
export function lpGetBytes(lp: usize, off: u32): void {
  if (lpGet(lp, off)) {
    lpLen = formatInt(INTBUF, lpInt);
    lpPtr = INTBUF;
  }
}

/** Whether the element at `off` equals the bytes (as Redis's lpCompare: integers by their text). */
export function lpEquals(lp: usize, off: u32, ptr: usize, len: usize): bool {
  if (lpGet(lp, off)) {
    if (len == 0 || len > 20) return false;
    if (!parseCanonical(ptr, len)) return false;
    return parsed == lpInt;
  }
  return lpLen == len && memory.compare(lpPtr, ptr, len) == 0;
}

/**
 * The first element equal to the bytes, starting at `off` and then every
 * (skip + 1)th element (skip 1 looks at the fields of field/value pairs).
 */
export function lpFind(lp: usize, off: u32, ptr: usize, len: usize, skip: u32): u32 {
  // Decide once whether the needle can match an integer entry.
  const isInt = len > 0 && len <= 20 && parseCanonical(ptr, len);
  const want = parsed;
  while (off != 0) {
    const p = lp + off;
    const b = load<u8>(p);
    const intEnc = b < 0x80 || (b >= 0xc0 && b < 0xe0) || (b >= 0xf1 && b <= 0xf4);
    if (intEnc) {
      if (isInt) {
        lpGet(lp, off);
        if (lpInt == want) return off;
      }
    } else if (!isInt) {
      lpGet(lp, off);
      if (lpLen == len && memory.compare(lpPtr, ptr, len) == 0) return off;
    }
    for (let i: u32 = 0; i <= skip && off != 0; i++) off = lpNext(lp, off);
  }
  return 0;
}

// ---- encoding ------------------------------------------------------------------------

let parsed: i64 = 0;

/** string2ll's rules: optional '-', no leading zeros, no "-0", fits in i64. */
function parseCanonical(ptr: usize, len: usize): bool {
  if (len == 0 || len > 20) return false;
  let i: usize = 0;
  let neg = false;
  if (load<u8>(ptr) == 45) {
    neg = true;
    i = 1;
    if (len == 1) return false;
  }
  const first = load<u8>(ptr + i);
  if (first == 48) {
    if (len == 1) { parsed = 0; return true; }
    return false;
  }
  let v: u64 = 0;
  for (; i < len; i++) {
    const d = <u32>load<u8>(ptr + i) - 48;
    if (d > 9) return false;
    if (v > (<u64>0xffffffffffffffff - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > <u64>0x8000000000000000) return false;
    parsed = <i64>(<u64>0 - v);
  } else {
    if (v > <u64>0x7fffffffffffffff) return false;
    parsed = <i64>v;
  }
  return true;
}

// The entry being written: its encoding+data bytes are built in ENCBUF
// (integers, string headers), string payloads copied from the caller.
const ENCBUF = memory.data(16);
let encHdrLen: u32 = 0; // bytes in ENCBUF
let encDataLen: u32 = 0; // string bytes after the header (0 for integers)

function encodeInt(v: i64): void {
  if (v >= 0 && v <= 127) {
    store<u8>(ENCBUF, <u8>v);
    encHdrLen = 1;
  } else if (v >= -4096 && v <= 4095) {
    const u = <u32>(v < 0 ? v + 8192 : v);
    store<u8>(ENCBUF, <u8>((u >> 8) | 0xc0));
    store<u8>(ENCBUF, <u8>(u & 0xff), 1);
    encHdrLen = 2;
  } else if (v >= -32768 && v <= 32767) {
    store<u8>(ENCBUF, 0xf1);
    store<i16>(ENCBUF + 1, <i16>v);
    encHdrLen = 3;
  } else if (v >= -8388608 && v <= 8388607) {
    const u = <u32>(v < 0 ? v + 0x1000000 : v);
    store<u8>(ENCBUF, 0xf2);
    store<u8>(ENCBUF, <u8>u, 1);
    store<u8>(ENCBUF, <u8>(u >> 8), 2);
    store<u8>(ENCBUF, <u8>(u >> 16), 3);
    encHdrLen = 4;
  } else if (v >= -2147483648 && v <= 2147483647) {
    store<u8>(ENCBUF, 0xf3);
    store<i32>(ENCBUF + 1, <i32>v);
    encHdrLen = 5;
  } else {
    store<u8>(ENCBUF, 0xf4);
    store<i64>(ENCBUF + 1, v);
    encHdrLen = 9;
  }
  encDataLen = 0;
}

function encodeString(len: usize): void {
  if (len < 64) {
    store<u8>(ENCBUF, <u8>(0x80 | len));
    encHdrLen = 1;
  } else if (len < 4096) {
    store<u8>(ENCBUF, <u8>((len >> 8) | 0xe0));
    store<u8>(ENCBUF, <u8>(len & 0xff), 1);
    encHdrLen = 2;
  } else {
    store<u8>(ENCBUF, 0xf0);
    store<u32>(ENCBUF + 1, <u32>len);
    encHdrLen = 5;
  }
  encDataLen = <u32>len;
}

/** Prepares the encoding of a value given as bytes; true if it became an integer. */
function encodeBytes(ptr: usize, len: usize): bool {
  if (parseCanonical(ptr, len)) {
    encodeInt(parsed);
    return true;
  }
  encodeString(len);
  return false;
}

/**
 * Replaces `delLen` bytes at `off` with the prepared entry (or nothing when
 * `insert` is false). Returns the (possibly moved) listpack.
 */
function splice(lp: usize, off: u32, delLen: u32, insert: bool, dataPtr: usize): usize {
  const total = lpBytes(lp);
  let newLen: u32 = 0;
  let encLen: u32 = 0;
  if (insert) {
    encLen = encHdrLen + encDataLen;
    newLen = encLen + backlenSize(encLen);
  }
  const newTotal = total - delLen + newLen;
  const tail = total - off - delLen;
  // Bytes read from this very listpack (LINSERT of an element, a moved
  // value) would be invalidated by the move: copy them out first.
  let tmp: usize = 0;
  if (encDataLen > 0 && dataPtr >= lp && dataPtr < lp + total) {
    tmp = memAlloc(encDataLen);
    memory.copy(tmp, dataPtr, encDataLen);
    dataPtr = tmp;
  }
  if (newTotal > total) {
    // A block with room already (its size class, or room a stream's tail
    // node reserved) grows in place without asking the allocator.
    if (<usize>newTotal > blockSize(lp)) lp = memRealloc(lp, newTotal);
    memory.copy(lp + off + newLen, lp + off + delLen, tail);
  } else if (newTotal < total) {
    memory.copy(lp + off + newLen, lp + off + delLen, tail);
    lp = memRealloc(lp, newTotal);
  }
  if (insert) {
    const p = lp + off;
    memory.copy(p, ENCBUF, encHdrLen);
    if (encDataLen > 0) memory.copy(p + encHdrLen, dataPtr, encDataLen);
    writeBacklen(p + encLen, encLen);
  }
  if (tmp != 0) memFree(tmp);
  store<u32>(lp, newTotal);
  return lp;
}

// ---- writing -------------------------------------------------------------------------

/** Inserts the bytes before the element at `off` (lpBytes - 1, the end marker, appends). */
export function lpInsertBefore(lp: usize, off: u32, ptr: usize, len: usize): usize {
  encodeBytes(ptr, len);
  lp = splice(lp, off, 0, true, ptr);
  addCount(lp, 1);
  lpLastOff = off;
  return lp;
}

export function lpInsertIntBefore(lp: usize, off: u32, v: i64): usize {
  encodeInt(v);
  lp = splice(lp, off, 0, true, 0);
  addCount(lp, 1);
  lpLastOff = off;
  return lp;
}

export function lpAppend(lp: usize, ptr: usize, len: usize): usize {
  return lpInsertBefore(lp, lpBytes(lp) - 1, ptr, len);
}

export function lpAppendInt(lp: usize, v: i64): usize {
  return lpInsertIntBefore(lp, lpBytes(lp) - 1, v);
}

export function lpPrepend(lp: usize, ptr: usize, len: usize): usize {
  return lpInsertBefore(lp, HDR, ptr, len);
}

/** Replaces the element at `off` with the bytes; lpLastOff = off. */
export function lpReplace(lp: usize, off: u32, ptr: usize, len: usize): usize {
  const old = entrySize(lp + off);
  encodeBytes(ptr, len);
  lp = splice(lp, off, old, true, ptr);
  lpLastOff = off;
  return lp;
}

export function lpReplaceInt(lp: usize, off: u32, v: i64): usize {
  encodeInt(v);
  lp = splice(lp, off, entrySize(lp + off), true, 0);
  lpLastOff = off;
  return lp;
}

/** Deletes the element at `off`; lpLastOff = the following element's offset, or 0. */
export function lpDelete(lp: usize, off: u32): usize {
  lp = splice(lp, off, entrySize(lp + off), false, 0);
  addCount(lp, -1);
  lpLastOff = load<u8>(lp + off) == EOF ? 0 : off;
  return lp;
}

/** Deletes `count` elements starting at `off`; lpLastOff as lpDelete. */
export function lpDeleteRangeAt(lp: usize, off: u32, count: u32): usize {
  let end = off;
  let n: u32 = 0;
  while (n < count && load<u8>(lp + end) != EOF) {
    end += entrySize(lp + end);
    n++;
  }
  if (n == 0) { lpLastOff = load<u8>(lp + off) == EOF ? 0 : off; return lp; }
  lp = splice(lp, off, end - off, false, 0);
  const c = <u32>load<u16>(lp, 4);
  if (c != COUNT_UNKNOWN) store<u16>(lp, <u16>(c - n), 4);
  else lpLength(lp);
  lpLastOff = load<u8>(lp + off) == EOF ? 0 : off;
  return lp;
}

/** Deletes `count` elements starting at `index` (negative from the end). */
export function lpDeleteRange(lp: usize, index: i64, count: u32): usize {
  const off = lpSeek(lp, index);
  if (off == 0) return lp;
  return lpDeleteRangeAt(lp, off, count);
}

/** Size the listpack would have after appending these bytes (for node limits). */
export function lpEntrySizeFor(ptr: usize, len: usize): u32 {
  encodeBytes(ptr, len);
  const l = encHdrLen + encDataLen;
  return l + backlenSize(l);
}

/** A copy of the listpack in a new block. */
export function lpDup(lp: usize): usize {
  const n = <usize>lpBytes(lp);
  const c = memAlloc(n);
  memory.copy(c, lp, n);
  return c;
}

// ---- validation (RDB/RESTORE payloads) -----------------------------------------------

/**
 * Checks that `len` bytes at `lp` form a well-formed listpack: header size,
 * every entry inside the block with a matching backlen, the end marker, and
 * (when not 65535) the count. Loading untrusted bytes must never read past
 * the block.
 */
export function lpValidate(lp: usize, len: usize): bool {
  if (len < <usize>HDR + 1 || <usize>load<u32>(lp) != len) return false;
  if (load<u8>(lp + len - 1) != EOF) return false;
  let off: usize = HDR;
  let count: u32 = 0;
  while (off < len - 1) {
    const p = lp + off;
    const b = load<u8>(p);
    // Enough bytes for the longest header before decoding it.
    const room = len - 1 - off;
    let l: usize;
    if (b < 0x80) l = 1;
    else if (b < 0xc0) l = 1 + <usize>(b & 0x3f);
    else if (b < 0xe0) l = 2;
    else if (b < 0xf0) { if (room < 2) return false; l = 2 + ((<usize>(b & 0x0f) << 8) | <usize>load<u8>(p, 1)); }
    else if (b == 0xf0) { if (room < 5) return false; l = 5 + <usize>load<u32>(p + 1); }
    else if (b == 0xf1) l = 3;
    else if (b == 0xf2) l = 4;
    else if (b == 0xf3) l = 5;
    else if (b == 0xf4) l = 9;
    else return false;
    if (l > 0x7fffffff) return false;
    const bl = <usize>backlenSize(<u32>l);
    if (l + bl > room) return false;
    if (readBacklen(p + l + bl - 1) != <u32>l) return false;
    off += l + bl;
    count++;
  }
  const c = <u32>load<u16>(lp, 4);
  return c == COUNT_UNKNOWN || c == count;
}
