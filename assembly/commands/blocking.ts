// What a blocking command (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK ...) does
// when it has nothing to serve: it asks to block, writes nothing, and the
// engine's loop rewinds to the command and returns ST_BLOCKED. The host
// parks the client on the keys named here until a ready key (db/ready.ts),
// its timeout or CLIENT UNBLOCK; then it runs the command again. The second
// run either serves the client or, when the host set CF_UNBLOCK_*, writes
// the timeout reply or the UNBLOCKED error.
//
// A handler calls parseTimeoutOrReply before looking at keys (Redis checks
// the timeout first), then, finding nothing:
//
//   if (blockForKeys(first, count)) replyNullArray(); // its timeout reply

import { cur } from "./context";
import { argPtr, argLen, CF_NO_BLOCK, CF_IN_EXEC, CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR } from "../client";
import { replyError } from "../resp/writer";
import { E_TIMEOUT_NOT_FLOAT, E_TIMEOUT_NEGATIVE, E_TIMEOUT_RANGE, E_UNBLOCKED } from "../resp/errors";
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
    if (tval > I64_MAX - nowMs) {
      replyError(E_TIMEOUT_RANGE);
      return false;
    }
    tval += nowMs;
  }
  argTimeout = tval;
  return true;
}

/**
 * A timeout in seconds (BLPOP and the other list/zset commands), parsed as
 * Redis's getTimeoutFromObjectOrReply does: a long double, times 1000,
 * truncated to ms; 0 means forever. Values past the i64 range convert to
 * its minimum, as the x87 conversion does, and so read as negative.
 */
export function parseTimeoutOrReply(i: i32): bool {
  if (!ldParse(argPtr(i), argLen(i))) {
    replyError(E_TIMEOUT_NOT_FLOAT);
    return false;
  }
  let tval: i64;
  if (ldInf) {
    tval = I64_MIN;
  } else {
    let v = <f64>ldMant * Math.pow(2, <f64>ldExp);
    if (ldNeg) v = -v;
    v *= 1000.0;
    tval = v >= 9.2233720368547758e18 || v < -9.2233720368547758e18 ? I64_MIN : <i64>v;
  }
  return checkTimeout(tval);
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

export function clearBlockRequest(): void { blockRequested = false; }
