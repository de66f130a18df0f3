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
// commands then find their keys in cache (over two million keys, 16-command
// pipelines of GET or SET: 0.63-0.70 -> 0.32-0.36 µs a command, engine
// only). The touches only read: a wrong guess (a first argument that is not
// a key) costs a wasted load, never a different answer. EXEC's queue is read
// ahead the same way as it runs.
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
/**
 * A command with more arguments ends the scan: walking a huge MSET just to
 * find its end would cost more than its key's miss.
 */
const MAX_ARGS: u32 = 64;

const STAR: u8 = 42;
const DOLLAR: u8 = 36;
const CR: u8 = 13;

/** Where the last read-ahead stopped (an address in the input being read). */
let aheadTo: usize = 0;
/** The hashes of the keys found by a scan, then touched together. */
const hashes = memory.data(AHEAD * 4);

/**
 * Nothing of the input has been read ahead: a new execute(), and EXEC
 * switching its reading to the queue and back (another buffer).
 */
export function prefetchReset(): void {
  aheadTo = 0;
}

/**
 * Called with a command read and bound (its arguments in argv), before it
 * runs, when more input follows it (c.pos < c.inLen). If that part has not
 * been read ahead, touches the keys of this command and of up to AHEAD-1
 * complete commands after it. The scan collects their hashes first and touches them all
 * after it: touches spread through the scan would have too much work
 * between them for the processor to overlap their misses.
 */
export function prefetchPipeline(c: Client): void {
  const from = <usize>c.inPtr + c.pos;
  if (from < aheadTo) return;
  const end = <usize>c.inPtr + c.inLen;
  const d = getDb(c.db);
  if (dbSize(d) < MIN_KEYS) {
    aheadTo = end;
    return;
  }
  let n = 0;
  if (curArgc > 1 && argLen(1) <= MAX_KEY) {
    store<u32>(hashes, hashBytes(argPtr(1), argLen(1)));
    n = 1;
  }
  let p = from;
  for (let i = 1; i < AHEAD; i++) {
    const next = scanCommand(p, end);
    if (next == 0) break;
    if (keyLen <= MAX_KEY) {
      store<u32>(hashes + (<usize>n << 2), hashBytes(keyAt, keyLen));
      n++;
    }
    p = next;
  }
  aheadTo = p;
  if (n > 1) dictTouch(d.dict, hashes, n);
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
  if (p == 0 || count > MAX_ARGS) return 0;
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
