// Per-type value code: destructors, sizes, deep copies, and the names and
// reference counts Redis reports (TYPE, OBJECT ENCODING, OBJECT REFCOUNT).
// Each data-type family adds its case here when it lands; strings are the
// only type with out-of-line bytes today.

import { memFree, memDup, blockFootprint } from "../ds/mem";
import {
  E_VAL, E_VAL_PTR, E_VAL_LEN, E_FLAGS, FLAG_INT_PRIVATE, TYPE_STRING, TYPE_LIST, TYPE_SET,
  TYPE_ZSET, TYPE_HASH, TYPE_STREAM, ENC_RAW, ENC_INT, typeOf, encOf,
} from "./entry";

export function freeValue(e: usize): void {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    if (encOf(e) == ENC_RAW) memFree(<usize>load<u32>(e, E_VAL_PTR));
    return;
  }
}

/** Bytes owned by the value outside the entry itself. */
export function valueFootprint(e: usize): usize {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    if (encOf(e) == ENC_RAW) {
      const p = <usize>load<u32>(e, E_VAL_PTR);
      return p != 0 ? blockFootprint(p) : 0;
    }
    return 0;
  }
  return 0;
}

/**
 * Gives `e`, a shallow copy made by entryRekey, its own copy of the value
 * it shares with its source (COPY). Encodings are kept, as Redis's dup
 * functions keep them: int stays int (but no longer a shared integer),
 * embstr bytes already moved with the entry, raw bytes get a new block.
 */
export function dupValue(e: usize): void {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    const enc = encOf(e);
    if (enc == ENC_RAW) {
      store<u32>(e, <u32>memDup(<usize>load<u32>(e, E_VAL_PTR), <usize>load<u32>(e, E_VAL_LEN)), E_VAL_PTR);
    } else if (enc == ENC_INT) {
      store<u8>(e, load<u8>(e, E_FLAGS) | FLAG_INT_PRIVATE, E_FLAGS);
    }
    return;
  }
  assert(false, "dupValue: no copy for this type yet");
}

/** TYPE's name for the value's type. */
export function typeName(e: usize): string {
  switch (typeOf(e)) {
    case TYPE_STRING: return "string";
    case TYPE_LIST: return "list";
    case TYPE_SET: return "set";
    case TYPE_ZSET: return "zset";
    case TYPE_HASH: return "hash";
    case TYPE_STREAM: return "stream";
  }
  return "unknown";
}

// OBJECT ENCODING names, indexed by encoding number (the engine numbers its
// encodings as Redis's OBJ_ENCODING_* do).
const ENCODING_NAMES: StaticArray<string> = [
  "raw", "int", "hashtable", "zipmap", "linkedlist", "ziplist", "intset",
  "skiplist", "embstr", "quicklist", "stream", "listpack",
];

export function encodingName(e: usize): string {
  const enc = <i32>encOf(e);
  return enc < ENCODING_NAMES.length ? ENCODING_NAMES[enc] : "unknown";
}

// Redis shares one object per integer 0..9999 between all keys holding it
// (OBJ_SHARED_INTEGERS), and reports INT_MAX as their refcount. It stops
// sharing new values while maxmemory is set with an LRU/LFU policy, because
// a shared object cannot carry per-key access bits.
const SHARED_INTEGERS: i64 = 10000;
const SHARED_REFCOUNT: i64 = 2147483647;

/** False while maxmemory is set with an LRU/LFU policy; set by the host. */
export let sharedIntegers: bool = true;
export function setSharedIntegers(on: bool): void { sharedIntegers = on; }

/** What OBJECT REFCOUNT reports: every other value has exactly one owner. */
export function refCount(e: usize): i64 {
  if (typeOf(e) == TYPE_STRING && encOf(e) == ENC_INT && (load<u8>(e, E_FLAGS) & FLAG_INT_PRIVATE) == 0) {
    const v = load<i64>(e, E_VAL);
    if (v >= 0 && v < SHARED_INTEGERS) return SHARED_REFCOUNT;
  }
  return 1;
}
