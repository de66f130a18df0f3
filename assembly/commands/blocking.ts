// What a blocking command (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK ...) does
// when it has nothing to serve: it asks to block, writes nothing, and the
// engine's loop rewinds to the command and returns ST_BLOCKED. The host
// parks the client on the keys named here until a ready key (db/ready.ts),
// its timeout or CLIENT UNBLOCK; then it runs the command again. The second
// run either serves the client or, when the host set CF_UNBLOCK_*, writes
// the timeout reply or the UNBLOCKED error.
//
// A handler calls parseTimeoutOrReply before looking at keys (Redis checks
// the timeout first, after the command's own syntax: BLMOVE's LEFT|RIGHT,
// BLMPOP's numkeys, side and COUNT), then, finding nothing:
//
//   if (blockForKeys(first, count)) replyNullArray(); // its timeout reply
//
// Redis 7.0 answers a timed-out list wait with a null array whatever the
// command (BLMOVE and BRPOPLPUSH too), but BLMOVE/BRPOPLPUSH in MULTI with
// a null bulk: those tell the two cases apart by CF_UNBLOCK_TIMEOUT.

import { cur } from "./context";
import { argPtr, argLen, CF_NO_BLOCK, CF_IN_EXEC, CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR } from "../client";
import { replyError } from "../resp/writer";
import { E_TIMEOUT_NOT_FLOAT, E_TIMEOUT_NEGATIVE, E_UNBLOCKED } from "../resp/errors";
import { ldParse, ldInf, ldMant, ldExp, ldNeg } from "../util/ldouble";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";
import { nowMs } from "../db/db";

const I64_MAX: i64 = 9223372036854775807;
const I64_MIN: i64 = -9223372036854775808;

/** Set by blockForKeys; read and cleared by the engine loop. */
export let blockRequested: bool = false;
/** Argument index of the first key to wait on, and how many follow. */
export let blockKeyFirst: i32 = 0;
export let blockKeyCount: i32 = 0;
/** Unix ms when the wait ends; 0 waits forever. */
export let blockDeadline: i64 = 0;

/** The deadline parsed by the last successful parseTimeoutOrReply. */
export let argTimeout: i64 = 0;

function checkTimeout(tval: i64): bool {
  if (tval < 0) {
    replyError(E_TIMEOUT_NEGATIVE);
    return false;
  }
  if (tval > 0) {
    // Redis 7.0 adds the clock without an overflow check: a deadline that
    // wraps negative sorts last in its timeout table and never fires, so
    // the client waits until served, as with 0.
    tval = tval > I64_MAX - nowMs ? 0 : tval + nowMs;
  }
  argTimeout = tval;
  return true;
}

/**
 * Redis 7.0's `(long long) ceill(ftval * 1000.0)` on the long double that
 * ldParse left: the product rounded to the x87's 64-bit mantissa (round to
 * nearest even), rounded up to an integer, converted as the x87 does (a
 * value outside the i64 range, or infinity, becomes its minimum).
 */
function ldMillisCeil(): i64 {
  if (ldInf) return I64_MIN;
  const m = ldMant;
  if (m == 0) return 0;
  // The exact 74-bit product m * 1000 as hi:lo.
  const a = (m >> 32) * 1000;
  const b = (m & 0xffffffff) * 1000;
  let lo = b + (a << 32);
  let hi = (a >> 32) + (lo < b ? 1 : 0);
  let p = lo;
  let e = ldExp;
  if (hi != 0) {
    const s = <u64>(64 - clz(hi));
    p = (lo >> s) | (hi << (64 - s));
    const rem = lo & ((<u64>1 << s) - 1);
    const half = <u64>1 << (s - 1);
    if (rem > half || (rem == half && (p & 1) != 0)) {
      p++;
      if (p == 0) { p = <u64>1 << 63; e++; }
    }
    e += <i32>s;
  }
  if (e >= 0) {
    if (64 - <i32>clz(p) + e > 63) return I64_MIN;
    const v = <i64>(p << <u64>e);
    return ldNeg ? -v : v;
  }
  const sh = -e;
  const ip: u64 = sh >= 64 ? 0 : p >> <u64>sh;
  if (ldNeg) return -<i64>ip; // ceil(-x) = -floor(x)
  const frac = sh >= 64 || (p & ((<u64>1 << <u64>sh) - 1)) != 0;
  const up = frac ? ip + 1 : ip;
  return up > <u64>I64_MAX ? I64_MIN : <i64>up;
}

/**
 * A timeout in seconds (BLPOP and the other list/zset commands), parsed as
 * Redis 7.0's getTimeoutFromObjectOrReply does: a long double, times 1000,
 * rounded up to whole ms (0.0001 waits 1 ms, -0.0005 waits forever); 0
 * means forever. Values past the i64 range convert to its minimum, as the
 * x87 conversion does, and so read as negative.
 */
export function parseTimeoutOrReply(i: i32): bool {
  if (!ldParse(argPtr(i), argLen(i))) {
    replyError(E_TIMEOUT_NOT_FLOAT);
    return false;
  }
  return checkTimeout(ldMillisCeil());
}

/** A timeout in milliseconds (XREAD BLOCK): an integer. */
export function parseTimeoutMsOrReply(i: i32): bool {
  if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) {
    replyError("ERR timeout is not an integer or out of range");
    return false;
  }
  return checkTimeout(parsedI64);
}

/**
 * Called by a blocking command that found nothing to serve. Returns true
 * when the caller must write its timeout reply now: inside MULTI/EXEC or a
 * script, or when the host ended the wait by timeout. Returns false when
 * the command has been answered (UNBLOCKED error) or will block.
 */
export function blockForKeys(first: i32, count: i32): bool {
  const f = cur.flags;
  if ((f & CF_UNBLOCK_ERROR) != 0) {
    cur.flags = f & ~(CF_UNBLOCK_ERROR | CF_UNBLOCK_TIMEOUT);
    replyError(E_UNBLOCKED);
    return false;
  }
  if ((f & (CF_NO_BLOCK | CF_IN_EXEC | CF_UNBLOCK_TIMEOUT)) != 0) {
    cur.flags = f & ~CF_UNBLOCK_TIMEOUT;
    return true;
  }
  blockRequested = true;
  blockKeyFirst = first;
  blockKeyCount = count;
  blockDeadline = argTimeout;
  return false;
}

export function clearBlockRequest(): void {
  blockRequested = false;
  blockRewriteLen = 0;
}

/**
 * A command that resolved something at block time that must not resolve
 * again when it re-runs (XREAD's `$`: the last ID now, not when woken)
 * leaves here the RESP text it must be re-run as; the engine loop puts it
 * in place of the parked command's bytes.
 */
export let blockRewritePtr: usize = 0;
export let blockRewriteLen: u32 = 0;
export function setBlockRewrite(ptr: usize, len: u32): void {
  blockRewritePtr = ptr;
  blockRewriteLen = len;
}
