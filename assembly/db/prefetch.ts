// Reading keys ahead of a pipeline.
//
// A lookup in a keyspace larger than the processor's caches waits for
// memory twice (the bucket, then the entry), and in a wasm32 heap of
// hundreds of megabytes often for a page-table walk as well: engine-only,
// a pipelined GET over two million keys took 580-730 ns against 150-280 ns
// over ten thousand. Commands run one after another, so those waits add up.
// When a read brings several commands, the engine first touches the bucket
// and first entry of each one's key (its first argument): loads that do not
// depend on one another, so the processor overlaps their misses, and the
// commands then find their keys in cache (GET over two million keys: 25-40%
// less engine time; SET, which also writes its value, 7-20%). The touches
// only read: a wrong guess (a first argument that is not a key) costs a
// wasted load, never a different answer. EXEC reads its queue's keys ahead
// the same way (commands/multi.ts).
//
// Keyspaces under MIN_KEYS are not read ahead: they mostly stay in cache,
// where the scan and the second hash would only add work.

import { Client, curArgc, argPtr, argLen } from "../client";
import { getDb, dbSize } from "./db";
import { dictTouch } from "../ds/dict";
import { hashBytes } from "../ds/hash";

/** Commands read ahead at a time (the one about to run and those after it). */
const AHEAD: i32 = 16;
/** Keyspaces smaller than this are left alone (they mostly stay in cache). */
const MIN_KEYS: u32 = 65536;
/** Longer first arguments are not hashed twice (a key that long is rare; a value is not worth it). */
const MAX_KEY: usize = 256;

const STAR: u8 = 42;
const DOLLAR: u8 = 36;
const CR: u8 = 13;

/** Where the last read-ahead stopped (an address in the client's input), for this execute(). */
let aheadTo: usize = 0;
/** The loads' sum, kept so that the optimizer keeps the loads. */
let touched: u32 = 0;

/** A new execute(): nothing has been read ahead in its input yet. */
export function prefetchReset(): void {
  aheadTo = 0;
}

/**
 * Called with a command read and bound (its arguments in argv), before it
 * runs. If more input follows it, and that part has not been read ahead,
 * touches the keys of this command and of up to AHEAD-1 complete commands
 * after it.
 */
export function prefetchPipeline(c: Client): void {
  if (c.pos >= c.inLen) return;
  const from = <usize>c.inPtr + c.pos;
  if (from < aheadTo) return;
  const d = getDb(c.db);
  if (dbSize(d) < MIN_KEYS) {
    aheadTo = <usize>c.inPtr + c.inLen;
    return;
  }
  const dict = d.dict;
  let acc: u32 = 0;
  if (curArgc > 1 && argLen(1) <= MAX_KEY) acc = dictTouch(dict, hashBytes(argPtr(1), argLen(1)));
  const end = <usize>c.inPtr + c.inLen;
  let p = from;
  for (let n = 1; n < AHEAD; n++) {
    const next = scanCommand(p, end);
    if (next == 0) break;
    if (keyLen <= MAX_KEY) acc ^= dictTouch(dict, hashBytes(keyAt, keyLen));
    p = next;
  }
  touched = acc;
  aheadTo = p;
}

// The first argument scanCommand found (keyLen > MAX_KEY: none).
let keyAt: usize = 0;
let keyLen: usize = 0;

/**
 * Reads the complete multibulk command at p (before end): returns the
 * address after it and sets keyAt/keyLen to its first argument, or returns
 * 0 if the bytes there are not one (incomplete, inline, malformed). Only
 * finds boundaries: the reader still checks everything when the command runs.
 */
function scanCommand(p: usize, end: usize): usize {
  if (p >= end || load<u8>(p) != STAR) return 0;
  let argc: i32 = 0;
  p = readCount(p + 1, end);
  if (p == 0) return 0;
  argc = <i32>count;
  keyLen = MAX_KEY + 1;
  for (let i = 0; i < argc; i++) {
    if (p >= end || load<u8>(p) != DOLLAR) return 0;
    p = readCount(p + 1, end);
    if (p == 0) return 0;
    const len = <usize>count;
    if (len + 2 > end - p) return 0;
    if (i == 1) {
      keyAt = p;
      keyLen = len;
    }
    p += len + 2;
  }
  return p;
}

let count: u32 = 0;

/** Digits up to CR LF from p: sets `count`, returns the address after the LF (0: not a count line). */
function readCount(p: usize, end: usize): usize {
  let n: u32 = 0;
  let digits = 0;
  while (p < end) {
    const b = <u32>load<u8>(p);
    if (b == CR) {
      if (digits == 0 || p + 1 >= end) return 0;
      count = n;
      return p + 2;
    }
    const v = b - 48;
    if (v > 9 || ++digits > 9) return 0;
    n = n * 10 + v;
    p++;
  }
  return 0;
}
