// Per-key access bits for eviction, kept as Redis keeps them (evict.c).
//
// LRU mode: 24-bit clock in seconds of the last access.
// LFU mode: high 16 bits = minutes of the last decrement, low 8 bits = a
//           logarithmic access counter (starts at LFU_INIT_VAL).
// The mode follows `maxmemory-policy`; switching it leaves old bits to be
// reinterpreted, as in Redis.

import { E_LRU } from "./entry";
import { nowMs } from "./db";
import { randomU64 } from "../ds/hash";

export const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
const LFU_INIT_VAL: u32 = 5;

export let lfuMode: bool = false;
export let lfuLogFactor: u32 = 10;
export let lfuDecayTime: u32 = 1;

export function setLfu(on: bool, logFactor: u32, decayTime: u32): void {
  lfuMode = on;
  lfuLogFactor = logFactor;
  lfuDecayTime = decayTime;
}

// @ts-ignore: decorator
@inline export function lruClock(): u32 {
  return <u32>(nowMs / 1000) & LRU_CLOCK_MAX;
}

// @ts-ignore: decorator
@inline function lfuTimeMinutes(): u32 {
  return <u32>(nowMs / 60000) & 0xFFFF;
}

/** An LFU stamp for a counter restored from a file or payload: now, with `counter`. */
export function lfuStamp(counter: u32): u32 {
  return (lfuTimeMinutes() << 8) | (counter & 0xFF);
}

export function lruInit(e: usize): void {
  store<u32>(e, lfuMode ? (lfuTimeMinutes() << 8) | LFU_INIT_VAL : lruClock(), E_LRU);
}

/** Minutes since the counter was last decremented, wrapping at 16 bits. */
function lfuElapsed(ldt: u32): u32 {
  const now = lfuTimeMinutes();
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** The counter after decay, without storing it (OBJECT FREQ reads this). */
export function lfuDecayed(e: usize): u32 {
  const v = load<u32>(e, E_LRU);
  const counter = v & 0xFF;
  const periods = lfuDecayTime != 0 ? lfuElapsed(v >> 8) / lfuDecayTime : 0;
  return periods > counter ? 0 : counter - periods;
}

function lfuIncr(counter: u32): u32 {
  if (counter == 255) return 255;
  const r = <f64>(randomU64() >> 11) / 9007199254740992.0;
  let base = <f64>counter - <f64>LFU_INIT_VAL;
  if (base < 0) base = 0;
  const p = 1.0 / (base * <f64>lfuLogFactor + 1);
  return r < p ? counter + 1 : counter;
}

export function lruTouch(e: usize): void {
  if (lfuMode) {
    const c = lfuIncr(lfuDecayed(e));
    store<u32>(e, (lfuTimeMinutes() << 8) | c, E_LRU);
  } else {
    store<u32>(e, lruClock(), E_LRU);
  }
}

/** Seconds since last access (OBJECT IDLETIME). */
export function idleSeconds(e: usize): u64 {
  const clock = lruClock();
  const lru = load<u32>(e, E_LRU) & LRU_CLOCK_MAX;
  const ticks = clock >= lru ? clock - lru : (LRU_CLOCK_MAX - lru) + clock;
  return <u64>ticks;
}
