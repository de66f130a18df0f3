// The byte counts Redis 7.0 reports for its script caches
// (used_memory_scripts_eval, used_memory_functions, MEMORY STATS lua.caches
// and functions.caches): the sizes of the C structures and sds strings it
// allocates for them, as jemalloc rounds them. The caches live in the host
// here, so these are Redis's figures for the same content, not our heap's.

/** jemalloc's size class for a request of n bytes (4 classes per doubling above 128). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~15;
  const lg = Math.ceil(Math.log2(n));
  const spacing = 2 ** (lg - 3);
  return Math.ceil(n / spacing) * spacing;
}

/** sdsZmallocSize of an sds of `len` bytes made by sdsnewlen (header by length, NUL). */
export function sdsSize(len: number): number {
  const hdr = len === 0 ? 3 : len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocSize(hdr + len + 1);
}

/**
 * getStringObjectSdsUsedMemory of a command argument of `len` bytes: up to
 * 44 bytes an embstr (the robj and its sds in one allocation), else a raw sds.
 */
export function argStringSize(len: number): number {
  return len <= 44 ? jemallocSize(16 + 3 + len + 1) - 16 : sdsSize(len);
}

/**
 * A dict's table size after adding one entry to `used` entries in a table of
 * `size` slots (_dictExpandIfNeeded: 4 at first, then the next power of two
 * above `used` once it is full; it never shrinks on deletes).
 */
export function dictGrow(size: number, used: number): number {
  if (size === 0) return 4;
  if (used < size) return size;
  let s = 4;
  while (s < used + 1) s *= 2;
  return s;
}

/** sizeof(dictEntry) and a table slot on 64-bit. */
export const DICT_ENTRY = 24;
export const DICT_SLOT = 8;
