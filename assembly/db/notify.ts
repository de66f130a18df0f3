// Keyspace notifications (notify-keyspace-events): commands report what they
// did to a key, e.g. notifyKeyspaceEvent(NOTIFY_LIST, "lpush", key, db);
// the events the configuration asks for are recorded here, and the host
// publishes them after each call on `__keyspace@<db>__:<key>` (message: the
// event) and `__keyevent@<db>__:<event>` (message: the key), as Redis does.
//
// Record layout in the buffer, 4-aligned:
//   | db i32 | eventLen u32 | keyLen u32 | event bytes | key bytes | pad |
// The K/E choice is the host's: the engine records an event when its class
// is enabled and at least one of K or E is.

import { memRealloc, memFree } from "../ds/mem";

// Redis's NOTIFY_* bits, which are also the host's parse of the flag letters.
export const NOTIFY_KEYSPACE: u32 = 1;   // K
export const NOTIFY_KEYEVENT: u32 = 2;   // E
export const NOTIFY_GENERIC: u32 = 4;    // g
export const NOTIFY_STRING: u32 = 8;     // $
export const NOTIFY_LIST: u32 = 16;      // l
export const NOTIFY_SET: u32 = 32;       // s
export const NOTIFY_HASH: u32 = 64;      // h
export const NOTIFY_ZSET: u32 = 128;     // z
export const NOTIFY_EXPIRED: u32 = 256;  // x
export const NOTIFY_EVICTED: u32 = 512;  // e
export const NOTIFY_STREAM: u32 = 1024;  // t
export const NOTIFY_KEY_MISS: u32 = 2048; // m
export const NOTIFY_LOADED: u32 = 4096;
export const NOTIFY_MODULE: u32 = 8192;
export const NOTIFY_NEW: u32 = 16384;    // n

/** The enabled classes (and K/E bits), pushed by the host from the configuration. */
export let notifyFlags: u32 = 0;
export function setNotifyFlags(f: u32): void { notifyFlags = f; }

let bufPtr: usize = 0;
let bufCap: usize = 0;
let bufLen: usize = 0;

// @ts-ignore: decorator
@inline export function notifying(type: u32): bool {
  return (notifyFlags & type) != 0 && (notifyFlags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) != 0;
}

export function notifyKeyspaceEvent(type: u32, event: string, keyPtr: usize, keyLen: usize, db: i32): void {
  if (!notifying(type)) return;
  const evLen = <usize>event.length;
  const need = bufLen + 12 + ((evLen + keyLen + 3) & ~(<usize>3));
  if (need > bufCap) {
    let cap: usize = bufCap < 512 ? 512 : bufCap * 2;
    while (cap < need) cap *= 2;
    bufPtr = memRealloc(bufPtr, cap);
    bufCap = cap;
  }
  const p = bufPtr + bufLen;
  store<i32>(p, db);
  store<u32>(p, <u32>evLen, 4);
  store<u32>(p, <u32>keyLen, 8);
  for (let i = 0; i < <i32>evLen; i++) store<u8>(p + 12 + i, <u8>event.charCodeAt(i));
  memory.copy(p + 12 + evLen, keyPtr, keyLen);
  bufLen = need;
}

export function notifyBufPtr(): usize { return bufPtr; }
export function notifyBufLen(): usize { return bufLen; }
/** MEMORY PURGE: frees the buffer while it holds nothing (it grows back on demand). */
export function notifyShrink(): void {
  if (bufLen == 0 && bufPtr != 0) {
    memFree(bufPtr);
    bufPtr = 0;
    bufCap = 0;
  }
}
export function notifyReset(): void { bufLen = 0; }

import { signalModifiedKey } from "./watch";

/**
 * What most writes report, in Redis's order: the key changed (WATCH) and
 * the event happened (keyspace notifications).
 */
export function keyChanged(db: i32, keyPtr: usize, keyLen: usize, type: u32, event: string): void {
  signalModifiedKey(db, keyPtr, keyLen);
  notifyKeyspaceEvent(type, event, keyPtr, keyLen, db);
}
