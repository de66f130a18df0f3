// A key of the keyspace and, for small strings, its value: one allocation.
//
//   0      4      8        12     16              24    25   26    27    28
//   | next | hash | keyLen | lru  | val (8 bytes) | type| enc| flags| snap | key bytes ...
//
//   val:  ENC_INT     the integer itself (i64)
//         ENC_EMBSTR  u32 at 20 = value length; the bytes follow the key
//         ENC_RAW     u32 at 16 = pointer to a block holding the bytes,
//                     u32 at 20 = length (block capacity = its size)
//         other types u32 at 16 = pointer to the type's own structure
//   snap: the epoch of the last background snapshot that saved this key, or
//         in which it was born (persist/snapshot.ts)
//   lru:  LRU mode: 24-bit clock in seconds; LFU mode: minutes<<8 | counter
//   HAS_EXPIRE: after key (and embedded value), aligned to 8:
//         | expireAt i64 (unix ms) | volIdx u32 (slot in the db's volatile array) |
//
// Invariants: the first three fields are the dict's (see ds/dict.ts); an
// entry's size never changes in place beyond its block; whoever reallocates
// an entry replaces it in the dict and in the volatile array.

import { blockFootprint } from "../ds/mem";
import { ENTRY_KEYLEN } from "../ds/dict";

export const E_LRU: usize = 12;
export const E_VAL: usize = 16;
export const E_VAL_PTR: usize = 16;
export const E_VAL_LEN: usize = 20;
export const E_TYPE: usize = 24;
export const E_ENC: usize = 25;
export const E_FLAGS: usize = 26;
export const E_SNAP: usize = 27;
export const E_KEY: usize = 28;

export const TYPE_STRING: u8 = 0;
export const TYPE_LIST: u8 = 1;
export const TYPE_SET: u8 = 2;
export const TYPE_ZSET: u8 = 3;
export const TYPE_HASH: u8 = 4;
export const TYPE_STREAM: u8 = 6;

// Numbered as Redis's OBJ_ENCODING_* (OBJECT ENCODING names in db/object.ts).
export const ENC_RAW: u8 = 0;
export const ENC_INT: u8 = 1;
export const ENC_HT: u8 = 2;
export const ENC_INTSET: u8 = 6;
export const ENC_SKIPLIST: u8 = 7;
export const ENC_EMBSTR: u8 = 8;
export const ENC_QUICKLIST: u8 = 9;
export const ENC_STREAM: u8 = 10;
export const ENC_LISTPACK: u8 = 11;

export const FLAG_EXPIRE: u8 = 1;
// An int-encoded string value that is the key's own object rather than one
// of Redis's shared integers 0..9999: OBJECT REFCOUNT reports 1 instead of
// INT_MAX. Set on values COPY duplicated, and on every new entry while shared
// integers are off (maxmemory with an LRU/LFU policy; db/object.ts).
export const FLAG_INT_PRIVATE: u8 = 2;

// Values up to this many bytes are stored inside the entry (Redis's
// OBJ_ENCODING_EMBSTR_SIZE_LIMIT, which decides `embstr` vs `raw`).
export const EMBSTR_MAX: usize = 44;
export const EXPIRE_EXTRA: usize = 16;

// @ts-ignore: decorator
@inline export function keyLenOf(e: usize): usize { return <usize>load<u32>(e, ENTRY_KEYLEN); }
// @ts-ignore: decorator
@inline export function keyPtrOf(e: usize): usize { return e + E_KEY; }
// @ts-ignore: decorator
@inline export function typeOf(e: usize): u8 { return load<u8>(e, E_TYPE); }
// @ts-ignore: decorator
@inline export function encOf(e: usize): u8 { return load<u8>(e, E_ENC); }
// @ts-ignore: decorator
@inline export function hasExpire(e: usize): bool { return (load<u8>(e, E_FLAGS) & FLAG_EXPIRE) != 0; }

/** Bytes used inside the entry by an embedded value (0 for other encodings). */
// @ts-ignore: decorator
@inline export function embLenOf(e: usize): usize {
  return load<u8>(e, E_ENC) == ENC_EMBSTR ? <usize>load<u32>(e, E_VAL_LEN) : 0;
}

// @ts-ignore: decorator
@inline export function expireSlot(e: usize): usize {
  return (e + E_KEY + keyLenOf(e) + embLenOf(e) + 7) & ~(<usize>7);
}

/** Size to allocate for an entry with this key, embedded bytes and expiry. */
export function entrySizeFor(keyLen: usize, embLen: usize, withExpire: bool): usize {
  const base = E_KEY + keyLen + embLen;
  // Block payloads are 16-aligned, so aligning the offset from the entry
  // start keeps the expiry slot 8-aligned in memory too.
  return withExpire ? ((base + 7) & ~(<usize>7)) + EXPIRE_EXTRA : base;
}

export function expireAtOf(e: usize): i64 {
  return hasExpire(e) ? load<i64>(expireSlot(e)) : -1;
}

// @ts-ignore: decorator
@inline export function volIdxOf(e: usize): u32 { return load<u32>(expireSlot(e), 8); }
// @ts-ignore: decorator
@inline export function setVolIdx(e: usize, i: u32): void { store<u32>(expireSlot(e), i, 8); }

/** String value bytes (for ENC_RAW / ENC_EMBSTR). */
export function strPtrOf(e: usize): usize {
  return load<u8>(e, E_ENC) == ENC_EMBSTR ? e + E_KEY + keyLenOf(e) : <usize>load<u32>(e, E_VAL_PTR);
}
export function strLenOf(e: usize): usize {
  return <usize>load<u32>(e, E_VAL_LEN);
}

/** Bytes the entry itself occupies (not counting out-of-line values). */
export function entryFootprint(e: usize): usize {
  return blockFootprint(e);
}

/** The structure of a non-string value (u32 at E_VAL_PTR). */
// @ts-ignore: decorator
@inline export function objPtrOf(e: usize): usize { return <usize>load<u32>(e, E_VAL_PTR); }
/** Points the entry at a new structure for its value, with its encoding. */
// @ts-ignore: decorator
@inline export function setObj(e: usize, ptr: usize, enc: u8): void {
  store<u32>(e, <u32>ptr, E_VAL_PTR);
  store<u8>(e, enc, E_ENC);
}
