// The reply writer: RESP2 and RESP3 into one growable output buffer that the
// host drains after every `execute` call (one socket write per read).
//
// Reply shapes that differ between protocols (null, maps, sets, doubles,
// booleans) are chosen here from `proto`, set per client before each command,
// so command code never branches on the protocol.

import { memAlloc, memRealloc, MAX_BLOCK } from "../ds/mem";
import { noteError, noteErrorBytes } from "./stats";

export const CR: u8 = 13;
export const LF: u8 = 10;

let outPtr: usize = 0;
let outLen: usize = 0;
let outCap: usize = 0;

/** 2 or 3: the protocol of the client being served. */
export let proto: i32 = 2;
export function setProto(p: i32): void { proto = p; }

export function outBufferPtr(): usize { return outPtr; }
export function outBufferLen(): usize { return outLen; }
export function outReset(): void {
  outLen = 0;
  // Give back a buffer a huge reply grew, so one big GET does not pin memory.
  if (outCap > (1 << 20)) {
    outPtr = memRealloc(outPtr, 1 << 16);
    outCap = 1 << 16;
  }
}
/** MEMORY PURGE: an empty buffer goes back to its initial size. */
export function outShrink(): void {
  if (outLen == 0 && outCap > (1 << 16)) {
    outPtr = memRealloc(outPtr, 1 << 16);
    outCap = 1 << 16;
  }
}
/** Drops everything written after `len` (CLIENT REPLY OFF/SKIP). */
export function outTruncate(len: usize): void { outLen = len; }

export function outInit(): void {
  outCap = 1 << 16;
  outPtr = memAlloc(outCap);
}

// @ts-ignore: decorator
@inline export function reserve(n: usize): usize {
  if (outLen + n > outCap) grow(n);
  return outPtr + outLen;
}

function grow(n: usize): void {
  const need = <u64>outLen + <u64>n;
  // Strings are capped at MAX_STRING and execute() yields once a batch has
  // written OUT_YIELD bytes, so only a single reply of over 1 GiB (MGET of
  // several huge values) can get here; the host closes that client.
  if (need > <u64>MAX_BLOCK) abort("reply exceeds the engine's largest output block");
  let cap = <u64>outCap * 2;
  while (need > cap) cap *= 2;
  if (cap > <u64>MAX_BLOCK) cap = <u64>MAX_BLOCK;
  outPtr = memRealloc(outPtr, <usize>cap);
  outCap = <usize>cap;
}

/** Replies written since the last reset exceed this: execute() yields to the host. */
export const OUT_YIELD: usize = 16 * 1024 * 1024;

// @ts-ignore: decorator
@inline function putByte(b: u8): void {
  store<u8>(reserve(1), b);
  outLen++;
}

// @ts-ignore: decorator
@inline function putCrlf(): void {
  store<u16>(reserve(2), 0x0A0D);
  outLen += 2;
}

export function writeBytes(ptr: usize, len: usize): void {
  memory.copy(reserve(len), ptr, len);
  outLen += len;
}

/**
 * Writes an ASCII AssemblyScript string as bytes, reading its UTF-16 units
 * in place (charCodeAt is a bounds-checked call per letter, and every
 * simple and error reply comes through here).
 */
export function writeAscii(s: string): void {
  const n = <usize>s.length;
  const dst = reserve(n);
  const src = changetype<usize>(s);
  for (let i: usize = 0; i < n; i++) store<u8>(dst + i, <u8>load<u16>(src + (i << 1)));
  outLen += n;
}

/** Writes the decimal digits of `v` at `dst`; returns how many bytes. */
export function formatU64(dst: usize, v: u64): usize {
  let digits: usize = 1;
  let t = v;
  while (t >= 10) { t /= 10; digits++; }
  let q = dst + digits;
  do {
    store<u8>(--q, <u8>(48 + (v % 10)));
    v /= 10;
  } while (v != 0);
  return digits;
}

/** Writes the decimal digits of `v` at `dst`; returns how many bytes. */
export function formatI64(dst: usize, v: i64): usize {
  if (v >= 0) return formatU64(dst, <u64>v);
  store<u8>(dst, 45);
  return 1 + formatU64(dst + 1, <u64>(-(v + 1)) + 1);
}

/** Digits of `v` at the current position. */
export function writeI64Digits(v: i64): void {
  outLen += formatI64(reserve(20), v);
}

export function writeU64Digits(v: u64): void {
  outLen += formatU64(reserve(20), v);
}

function header(prefix: u8, n: i64): void {
  putByte(prefix);
  writeI64Digits(n);
  putCrlf();
}

// ---- replies ----------------------------------------------------------------

const OK_BYTES = memory.data<u8>([43, 79, 75, 13, 10]); // "+OK\r\n"

export function replyOk(): void { writeBytes(OK_BYTES, 5); }

export function replySimple(s: string): void {
  putByte(43);
  writeAscii(s);
  putCrlf();
}

/** An error reply; `msg` starts with its code ("ERR ...", "WRONGTYPE ..."). */
export function replyError(msg: string): void {
  putByte(45);
  writeAscii(msg);
  putCrlf();
  noteError(msg);
}

/** An error reply from bytes (messages that quote user input). */
export function replyErrorBytes(ptr: usize, len: usize): void {
  putByte(45);
  // Redis replaces CR/LF in error texts with spaces so the reply stays one line.
  const dst = reserve(len);
  for (let i: usize = 0; i < len; i++) {
    const b = load<u8>(ptr + i);
    store<u8>(dst + i, b == CR || b == LF ? 32 : b);
  }
  outLen += len;
  putCrlf();
  noteErrorBytes(ptr, len);
}

export function replyInt(v: i64): void {
  header(58, v);
}

export function replyBulk(ptr: usize, len: usize): void {
  header(36, <i64>len);
  writeBytes(ptr, len);
  putCrlf();
}

export function replyBulkAscii(s: string): void {
  header(36, <i64>s.length);
  writeAscii(s);
  putCrlf();
}

const I64_TMP = memory.data(24);

/** An integer as a bulk string (INCRBYFLOAT-style replies, CONFIG values). */
export function replyBulkI64(v: i64): void {
  const n = formatI64(I64_TMP, v);
  replyBulk(I64_TMP, n);
}

/** An unsigned integer as a bulk string (SCAN cursors). */
export function replyBulkU64(v: u64): void {
  const n = formatU64(I64_TMP, v);
  replyBulk(I64_TMP, n);
}

const NULL2 = memory.data<u8>([36, 45, 49, 13, 10]); // "$-1\r\n"
const NULLARR2 = memory.data<u8>([42, 45, 49, 13, 10]); // "*-1\r\n"
const NULL3 = memory.data<u8>([95, 13, 10]); // "_\r\n"

/** Null bulk: `$-1` in RESP2, `_` in RESP3. */
export function replyNull(): void {
  if (proto == 3) writeBytes(NULL3, 3); else writeBytes(NULL2, 5);
}

/** Null array: `*-1` in RESP2, `_` in RESP3. */
export function replyNullArray(): void {
  if (proto == 3) writeBytes(NULL3, 3); else writeBytes(NULLARR2, 5);
}

export function replyArray(n: i64): void { header(42, n); }

/** A map of n pairs: `%n` in RESP3, an array of 2n in RESP2. */
export function replyMap(n: i64): void {
  if (proto == 3) header(37, n); else header(42, n * 2);
}

/** A set: `~n` in RESP3, an array in RESP2. */
export function replySet(n: i64): void {
  if (proto == 3) header(126, n); else header(42, n);
}

/** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
export function replyBool(b: bool): void {
  if (proto == 3) {
    putByte(35);
    putByte(b ? 116 : 102);
    putCrlf();
  } else {
    replyInt(b ? 1 : 0);
  }
}

/** Verbatim text: `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
export function replyVerbatim(ptr: usize, len: usize): void {
  if (proto == 3) {
    header(61, <i64>(len + 4));
    writeAscii("txt:");
    writeBytes(ptr, len);
    putCrlf();
  } else {
    replyBulk(ptr, len);
  }
}

/**
 * A double already formatted as ASCII bytes: `,` in RESP3, a bulk string in
 * RESP2. (Formatting lives in util/fmt.ts so each caller picks Redis's format.)
 */
export function replyDoubleText(ptr: usize, len: usize): void {
  if (proto == 3) {
    putByte(44);
    writeBytes(ptr, len);
    putCrlf();
  } else {
    replyBulk(ptr, len);
  }
}

/** Current length; with outTruncate, lets a command undo a partial reply. */
export function outMark(): usize { return outLen; }

/** Overwrites `len` bytes at `at` (for headers whose count is known late). */
export function outPatch(at: usize, ptr: usize, len: usize): void {
  memory.copy(outPtr + at, ptr, len);
}

/** Inserts `len` bytes at offset `at`, moving later output right. */
export function outInsert(at: usize, ptr: usize, len: usize): void {
  reserve(len);
  memory.copy(outPtr + at + len, outPtr + at, outLen - at);
  memory.copy(outPtr + at, ptr, len);
  outLen += len;
}

/** Writes an aggregate header (`*`, `%`, `~`) at `at` for a count known only after the elements. */
/** A map header (`%n` in RESP3, `*2n` in RESP2) inserted at `at`, for counts known at the end. */
export function outInsertMapHeader(at: usize, n: i64): void {
  if (proto == 3) {
    const save = outLen;
    header(37, n);
    const hdrLen = outLen - save;
    const tmp = memory.data(32);
    memory.copy(tmp, outPtr + save, hdrLen);
    outLen = save;
    outInsert(at, tmp, hdrLen);
  } else {
    outInsertArrayHeader(at, n * 2);
  }
}

export function outInsertArrayHeader(at: usize, n: i64): void {
  const save = outLen;
  header(42, n);
  const hdrLen = outLen - save;
  const tmp = memory.data(32);
  memory.copy(tmp, outPtr + save, hdrLen);
  outLen = save;
  outInsert(at, tmp, hdrLen);
}
