// What a command handler sees: the client it runs for, its database, and
// the shared argument helpers that reply with Redis's error themselves and
// return false ("...OrReply", as in Redis's object.c).

import { Client, CF_CLOSE } from "../client";
import { Db, getDb } from "../db/db";
import { argPtr, argLen } from "../client";
import { replyError, outMark } from "../resp/writer";
import { MAX_BLOCK } from "../ds/mem";
import { parseI64Strict, PARSE_OK, parsedI64 } from "../util/num";
import { E_NOT_INTEGER, E_WRONGTYPE } from "../resp/errors";
import { typeOf } from "../db/entry";

export let cur: Client = changetype<Client>(0);
export let curDbIndex: i32 = 0;

export function setCurrent(c: Client): void {
  cur = c;
  curDbIndex = c.db;
}

// @ts-ignore: decorator
@inline export function curDb(): Db { return getDb(cur.db); }

/** The integer parsed by the last successful ...OrReply call. */
export let argInt: i64 = 0;

export function parseLongOrReply(i: i32): bool {
  if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) {
    replyError(E_NOT_INTEGER);
    return false;
  }
  argInt = parsedI64;
  return true;
}

/** Same as parseLongOrReply with a caller-chosen error text. */
export function parseLongOrReplyMsg(i: i32, msg: string): bool {
  if (parseI64Strict(argPtr(i), argLen(i)) != PARSE_OK) {
    replyError(msg);
    return false;
  }
  argInt = parsedI64;
  return true;
}

/** True (and WRONGTYPE replied) if `e` exists and holds another type than `type`. */
export function wrongType(e: usize, type: u8): bool {
  if (e != 0 && typeOf(e) != type) {
    replyError(E_WRONGTYPE);
    return true;
  }
  return false;
}

/**
 * Compares argument `i` with an uppercase ASCII word as Redis's option
 * parsers do: strcasecmp on the argument's C string, so the argument ends at
 * its first NUL byte ("COUNT\0junk" is COUNT to Redis) and only ASCII
 * letters fold. Redis reads every option word this way.
 */
export function argIs(i: i32, word: string): bool {
  const p = argPtr(i);
  const n = argLen(i);
  const wlen = <usize>word.length;
  if (n < wlen || (n > wlen && load<u8>(p + wlen) != 0)) return false;
  // The word's UTF-16 units read directly: charCodeAt is a call with a bounds check per unit.
  const w = changetype<usize>(word);
  for (let k: usize = 0; k < wlen; k++) {
    let b = <u32>load<u8>(p + k);
    if (b - 97 < 26) b -= 32;
    if (b != <u32>load<u16>(w + (k << 1))) return false;
  }
  return true;
}

// A reply that no output buffer can hold (a huge negative count to
// SRANDMEMBER / HRANDFIELD / ZRANDMEMBER) closes the client, as Redis closes
// one that passes its output buffer limit; the engine's largest reply is one
// block. The engine loop (index.ts) drops the client's pending output and
// returns ST_CLOSE after the command.
export function closeForReplySize(): void {
  cur.flags |= CF_CLOSE;
}

/** False (and the client closing) if `more` bytes would not fit the reply. */
export function roomFor(more: u64): bool {
  if (<u64>outMark() + more <= <u64>MAX_BLOCK - 64) return true;
  closeForReplySize();
  return false;
}
