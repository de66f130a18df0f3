// Per-type value code: destructors, sizes, deep copies, and the names and
// reference counts Redis reports (TYPE, OBJECT ENCODING, OBJECT REFCOUNT).
// Strings are handled here; every other type registers its three functions
// with registerValueType from its own db/<type>val.ts, so the keyspace code
// never needs to know a collection's layout.

import { memFree, memDup, blockFootprint } from "../ds/mem";
import {
  E_VAL, E_VAL_PTR, E_VAL_LEN, E_FLAGS, FLAG_INT_PRIVATE, TYPE_STRING, TYPE_LIST, TYPE_SET,
  TYPE_ZSET, TYPE_HASH, TYPE_STREAM, ENC_RAW, ENC_INT, typeOf, encOf,
} from "./entry";

export type ValueFn = (e: usize) => void;
export type ValueSizeFn = (e: usize) => usize;

function noValueFn(e: usize): void { assert(false, "value type not registered"); }
function noValueSize(e: usize): usize { assert(false, "value type not registered"); return 0; }

const TYPE_SLOTS = 8;
const freeFns = new StaticArray<ValueFn>(TYPE_SLOTS);
const sizeFns = new StaticArray<ValueSizeFn>(TYPE_SLOTS);
const dupFns = new StaticArray<ValueFn>(TYPE_SLOTS);
for (let i = 0; i < TYPE_SLOTS; i++) {
  freeFns[i] = noValueFn;
  sizeFns[i] = noValueSize;
  dupFns[i] = noValueFn;
}

/**
 * Registers a collection type's value functions: `free` releases every
 * block the value owns, `footprint` sums their sizes (MEMORY USAGE, INFO),
 * `dup` gives an entry sharing a value (entryRekey) its own deep copy.
 */
export function registerValueType(t: u8, free: ValueFn, footprint: ValueSizeFn, dup: ValueFn): void {
  freeFns[t] = free;
  sizeFns[t] = footprint;
  dupFns[t] = dup;
}

export function freeValue(e: usize): void {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    if (encOf(e) == ENC_RAW) memFree(<usize>load<u32>(e, E_VAL_PTR));
    return;
  }
  freeFns[t](e);
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
  return sizeFns[t](e);
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
  dupFns[t](e);
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
