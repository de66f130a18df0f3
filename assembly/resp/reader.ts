// The resumable RESP reader: multibulk (`*2\r\n$3\r\nGET\r\n...`) and inline
// (`GET key\r\n`, what telnet and redis-cli's raw mode send) commands, with
// Redis's limits and protocol errors (networking.c processMultibulkBuffer /
// processInlineBuffer).
//
// State lives in the Client (client.ts): when a command is incomplete the
// reader returns and picks up at `pos` with `mbLeft`/`bulkLen` next time, so
// a large bulk arriving slowly is waited for, never rescanned. Like Redis,
// the two bytes after a bulk's payload are skipped, not checked.

import { Client, CF_INLINE, CF_AUTHED, CF_MASTER, argvPush } from "../client";
import { memRealloc } from "../ds/mem";
import {
  EP_INVALID_MULTIBULK, EP_INVALID_BULK, EP_UNAUTH_MULTIBULK, EP_UNAUTH_BULK,
  EP_BIG_MBULK, EP_BIG_BULK, EP_BIG_INLINE, EP_UNBALANCED,
} from "./errors";
import { CR, LF } from "./writer";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";

const STAR: u8 = 42;
const DOLLAR: u8 = 36;
const DQUOTE: u8 = 34;
const SQUOTE: u8 = 39;
const BACKSLASH: u8 = 92;
const SPACE: u8 = 32;
const TAB: u8 = 9;
const VTAB: u8 = 11;
const FORMFEED: u8 = 12;

// Redis's PROTO_INLINE_MAX_SIZE: the longest line without a newline.
const INLINE_MAX: u32 = 64 * 1024;
// Before AUTH, Redis refuses long commands to limit what a stranger can make
// the server buffer.
const UNAUTH_MAX_ARGS: i64 = 10;
const UNAUTH_MAX_BULK: i64 = 16384;
const INT_MAX: i64 = 2147483647;
const MAX_BULK: i64 = 2147483645; // bulkLen + 2 must fit an i32

export const READ_NEED_MORE: i32 = 0;
export const READ_COMMAND: i32 = 1;
export const READ_ERROR: i32 = -1;

export let protoMaxBulkLen: i64 = 512 * 1024 * 1024;
export let authRequired: bool = false;
export function setProtoMaxBulkLen(v: i64): void { protoMaxBulkLen = v; }
export function setAuthRequired(v: bool): void { authRequired = v; }

/** The protocol error of the last READ_ERROR (an AssemblyScript string). */
export let readError: string = "";

// @ts-ignore: decorator
@inline function needsAuth(c: Client): bool {
  return authRequired && (c.flags & CF_AUTHED) == 0;
}

function findByte(c: Client, from: u32, b: u8): i64 {
  const base = <usize>c.inPtr;
  const end = base + c.inLen;
  for (let p = base + from; p < end; p++) {
    const ch = load<u8>(p);
    if (ch == b) return <i64>(p - base);
    // C's strchr stops at NUL, as Redis's search does.
    if (ch == 0) return -1;
  }
  return -1;
}

/**
 * Reads the next command of `c` into its argv. Returns READ_COMMAND (argc
 * may be 0 for an empty command, which callers skip), READ_NEED_MORE, or
 * READ_ERROR with `readError` set.
 */
export function readCommand(c: Client): i32 {
  if (c.mbLeft < 0) {
    if (c.pos >= c.inLen) return READ_NEED_MORE;
    c.argc = 0;
    c.flags &= ~CF_INLINE;
    if (load<u8>(<usize>c.inPtr + c.cmdStart) != STAR) return readInline(c);
    // Fast path for the common "*<1-9>\r\n": under UNAUTH_MAX_ARGS, so
    // nothing else to check.
    if (c.pos + 4 <= c.inLen) {
      const at = <usize>c.inPtr + c.pos;
      const d = <u32>load<u8>(at, 1) - 48;
      if (d - 1 < 9 && load<u8>(at, 2) == CR) {
        c.pos += 4;
        c.mbLeft = <i32>d;
        c.bulkLen = -1;
        return readBulks(c);
      }
    }
    const cr = findByte(c, c.pos, CR);
    if (cr < 0) {
      if (c.inLen - c.pos > INLINE_MAX) return fail(EP_BIG_MBULK);
      return READ_NEED_MORE;
    }
    if (<u32>cr + 2 > c.inLen) return READ_NEED_MORE;
    const ok = parseI64Strict(<usize>c.inPtr + c.pos + 1, <usize>(<u32>cr - c.pos - 1));
    if (ok != PARSE_OK || parsedI64 > INT_MAX) return fail(EP_INVALID_MULTIBULK);
    if (parsedI64 > UNAUTH_MAX_ARGS && needsAuth(c)) return fail(EP_UNAUTH_MULTIBULK);
    c.pos = <u32>cr + 2;
    if (parsedI64 <= 0) return READ_COMMAND;
    c.mbLeft = <i32>parsedI64;
    c.bulkLen = -1;
  }
  return readBulks(c);
}

/** The bulk arguments of the multibulk command being read (mbLeft of them to go). */
function readBulks(c: Client): i32 {
  while (c.mbLeft > 0) {
    if (c.bulkLen < 0) {
      // Whatever is complete goes in one pass; this loop reads the bulk it
      // stopped at (and resumes one whose payload is still arriving).
      readCompleteBulks(c);
      if (c.mbLeft == 0) break;
      const cr = findByte(c, c.pos, CR);
      if (cr < 0) {
        if (c.inLen - c.pos > INLINE_MAX) return fail(EP_BIG_BULK);
        return READ_NEED_MORE;
      }
      if (<u32>cr + 2 > c.inLen) return READ_NEED_MORE;
      const first = load<u8>(<usize>c.inPtr + c.pos);
      if (first != DOLLAR) {
        // Redis turns CR and LF inside an error text into spaces, so the reply
        // stays one line.
        const shown: u8 = first == CR || first == LF ? SPACE : first;
        readError = "ERR Protocol error: expected '$', got '" + String.fromCharCode(shown) + "'";
        return READ_ERROR;
      }
      const ok = parseI64Strict(<usize>c.inPtr + c.pos + 1, <usize>(<u32>cr - c.pos - 1));
      if (ok != PARSE_OK || parsedI64 < 0) return fail(EP_INVALID_BULK);
      if (!bulkLenAllowed(c, parsedI64)) return READ_ERROR;
      c.pos = <u32>cr + 2;
      c.bulkLen = <i32>parsedI64;
    }
    if (<u64>c.inLen - <u64>c.pos < <u64>c.bulkLen + 2) return READ_NEED_MORE;
    argvPush(c, c.pos - c.cmdStart, <u32>c.bulkLen);
    c.pos += <u32>c.bulkLen + 2;
    c.bulkLen = -1;
    c.mbLeft--;
  }
  c.mbLeft = -1;
  return READ_COMMAND;
}

/**
 * The common case of readBulks in one pass with the state in locals: every
 * bulk whose `$<1-9 digits>\r\n` header and payload are both in the buffer,
 * with a length no limit refuses, goes straight into argv. It stops, having
 * consumed nothing of it, at the first bulk that is not so (incomplete, over
 * a limit, malformed), which readBulks's general loop then reads with all of
 * Redis's checks and errors. Field accesses of the Client are loads and
 * stores of linear memory the compiler cannot keep in registers across the
 * argv stores, and were a third of the parsing time of a 12-argument PFADD.
 */
function readCompleteBulks(c: Client): void {
  let left = c.mbLeft;
  const base = <usize>c.inPtr;
  const end = base + c.inLen;
  const cmdBase = base + c.cmdStart;
  let p = base + c.pos;
  // Each bulk takes at least 6 bytes ("$0\r\n\r\n"): room in argv for
  // what the buffer can hold, grown once instead of checked per argument.
  let fit = <u32>((end - p) / 6);
  if (<u32>left < fit) fit = <u32>left;
  if (fit == 0) return;
  let argc = c.argc;
  if (argc + fit > c.argvCap) {
    let cap = c.argvCap * 2;
    if (cap < argc + fit) cap = argc + fit;
    c.argvPtr = <u32>memRealloc(<usize>c.argvPtr, <usize>cap << 3);
    c.argvCap = cap;
  }
  const argv = <usize>c.argvPtr;
  let limit = MAX_BULK;
  if ((c.flags & CF_MASTER) == 0 && protoMaxBulkLen < limit) limit = protoMaxBulkLen;
  if (needsAuth(c) && UNAUTH_MAX_BULK < limit) limit = UNAUTH_MAX_BULK;
  while (left > 0 && p + 4 <= end && load<u8>(p) == DOLLAR) {
    let q = p + 1;
    const first = load<u8>(q);
    if (first < 48 || first > 57) break;
    let len: i64 = <i64>(first - 48);
    q++;
    // A leading zero is only valid as "0" itself (string2ll).
    if (first != 48) {
      while (q < end) {
        const b = load<u8>(q);
        if (b < 48 || b > 57) break;
        len = len * 10 + <i64>(b - 48);
        q++;
      }
    }
    if (q - p > 10 || q + 2 > end || load<u8>(q) != CR || len > limit) break;
    const data = q + 2;
    if (<u64>(end - data) < <u64>len + 2) break;
    const at = argv + (<usize>argc << 3);
    store<u32>(at, <u32>(data - cmdBase));
    store<u32>(at, <u32>len, 4);
    argc++;
    left--;
    p = data + <usize>len + 2;
  }
  c.argc = argc;
  c.mbLeft = left;
  c.pos = <u32>(p - base);
}

/**
 * Redis's limits on a bulk length (proto-max-bulk-len, except from a master;
 * the unauthenticated limit); false with readError set when refused. Past
 * MAX_BULK the length would not fit the i32 state, nor could the bytes be
 * buffered: refused for every client, master included.
 */
function bulkLenAllowed(c: Client, len: i64): bool {
  if (len > MAX_BULK || ((c.flags & CF_MASTER) == 0 && len > protoMaxBulkLen)) {
    readError = EP_INVALID_BULK;
    return false;
  }
  if (len > UNAUTH_MAX_BULK && needsAuth(c)) {
    readError = EP_UNAUTH_BULK;
    return false;
  }
  return true;
}

function fail(msg: string): i32 {
  readError = msg;
  return READ_ERROR;
}

/** Bytes of input still to read to finish the bulk being waited for (0 if none). */
export function pendingBulkBytes(c: Client): u32 {
  if (c.mbLeft <= 0 || c.bulkLen < 0) return 0;
  const have = c.inLen - c.pos;
  const want = <u32>c.bulkLen + 2;
  return have >= want ? 0 : want - have;
}

// ---- inline -------------------------------------------------------------------

// @ts-ignore: decorator
@inline function isSpace(b: u8): bool {
  return b == SPACE || b == TAB || b == LF || b == CR || b == VTAB || b == FORMFEED;
}

function hexVal(b: u8): i32 {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

function readInline(c: Client): i32 {
  const nl = findByte(c, c.pos, LF);
  if (nl < 0) {
    if (c.inLen - c.pos > INLINE_MAX) return fail(EP_BIG_INLINE);
    return READ_NEED_MORE;
  }
  let lineEnd = <u32>nl;
  if (lineEnd > c.pos && load<u8>(<usize>c.inPtr + lineEnd - 1) == CR) lineEnd--;
  const lineLen = lineEnd - c.pos;
  if (c.inlineCap < lineLen + 1) {
    c.inlineCap = lineLen + 1 < 256 ? 256 : lineLen + 1;
    c.inlinePtr = <u32>memRealloc(<usize>c.inlinePtr, <usize>c.inlineCap);
  }
  c.flags |= CF_INLINE;
  if (!splitArgs(c, <usize>c.inPtr + c.pos, <usize>lineLen)) {
    c.argc = 0;
    return fail(EP_UNBALANCED);
  }
  c.pos = <u32>nl + 1;
  return READ_COMMAND;
}

/** Redis's sdssplitargs: words, "double quoted" with escapes, 'single quoted'. */
function splitArgs(c: Client, linePtr: usize, lineLen: usize): bool {
  const out = <usize>c.inlinePtr;
  let w: usize = 0;
  let p: usize = 0;
  // The line is a C string to Redis: a NUL byte ends it.
  let n: usize = 0;
  while (n < lineLen && load<u8>(linePtr + n) != 0) n++;
  while (true) {
    while (p < n && isSpace(load<u8>(linePtr + p))) p++;
    if (p >= n) return true;
    const argStart = w;
    let inDq = false, inSq = false, done = false;
    while (!done) {
      const ch: u8 = p < n ? load<u8>(linePtr + p) : 0;
      const next: u8 = p + 1 < n ? load<u8>(linePtr + p + 1) : 0;
      if (inDq) {
        if (ch == BACKSLASH && next == 120 && p + 3 < n &&
            hexVal(load<u8>(linePtr + p + 2)) >= 0 && hexVal(load<u8>(linePtr + p + 3)) >= 0) {
          store<u8>(out + w++, <u8>(hexVal(load<u8>(linePtr + p + 2)) * 16 + hexVal(load<u8>(linePtr + p + 3))));
          p += 3;
        } else if (ch == BACKSLASH && next != 0) {
          p++;
          let e = next;
          if (e == 110) e = LF; else if (e == 114) e = CR; else if (e == 116) e = TAB;
          else if (e == 98) e = 8; else if (e == 97) e = 7;
          store<u8>(out + w++, e);
        } else if (ch == DQUOTE) {
          if (next != 0 && !isSpace(next)) return false;
          done = true;
        } else if (ch == 0) {
          return false;
        } else {
          store<u8>(out + w++, ch);
        }
      } else if (inSq) {
        if (ch == BACKSLASH && next == SQUOTE) {
          p++;
          store<u8>(out + w++, SQUOTE);
        } else if (ch == SQUOTE) {
          if (next != 0 && !isSpace(next)) return false;
          done = true;
        } else if (ch == 0) {
          return false;
        } else {
          store<u8>(out + w++, ch);
        }
      } else {
        if (ch == SPACE || ch == LF || ch == CR || ch == TAB || ch == 0) done = true;
        else if (ch == DQUOTE) inDq = true;
        else if (ch == SQUOTE) inSq = true;
        else store<u8>(out + w++, ch);
      }
      if (p < n) p++;
    }
    argvPush(c, <u32>argStart, <u32>(w - argStart));
  }
  return true;
}
