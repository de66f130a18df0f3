// Raw memory for the dataset: every byte a key or value owns comes from here.
//
// The allocator underneath is AssemblyScript's TLSF (`heap.*`). Each block
// carries a 4-byte header and its payload is rounded up so that header plus
// payload is a multiple of 16 (payload sizes 12, 28, 44, 60, ...). We count
// the real block size, header included, so `usedBytes` is what the dataset
// occupies in linear memory, not what callers asked for.
//
// Invariant: usedBytes == sum over live blocks of (payload + 4).
// Costs: alloc/free O(1) (TLSF), blockSize O(1).

// Size of the allocator's per-block header (TLSF `BLOCK_OVERHEAD`).
export const BLOCK_HEADER: usize = 4;
// The low two bits of a TLSF header hold the FREE/LEFTFREE tags.
const TAG_MASK: u32 = 3;

let usedBytes: u64 = 0;

// The largest block TLSF can hand out is 2^30 - 4 bytes; stay a little under.
export const MAX_BLOCK: usize = (1 << 30) - 64;
// The longest string value one engine keeps: half a block, so that a reply
// carrying it (plus what a batch wrote before it) still fits one output block.
export const MAX_STRING: u64 = 512 * 1024 * 1024;

/** Payload size of a live block, as the allocator rounded it. */
// @ts-ignore: decorator
@inline export function blockSize(ptr: usize): usize {
  return <usize>(load<u32>(ptr - BLOCK_HEADER) & ~TAG_MASK);
}

/** Bytes a block really occupies (payload plus header). */
// @ts-ignore: decorator
@inline export function blockFootprint(ptr: usize): usize {
  return blockSize(ptr) + BLOCK_HEADER;
}

export function memAlloc(size: usize): usize {
  const ptr = heap.alloc(size);
  usedBytes += <u64>blockFootprint(ptr);
  return ptr;
}

/** Allocates and zeroes. */
export function memCalloc(size: usize): usize {
  const ptr = memAlloc(size);
  memory.fill(ptr, 0, size);
  return ptr;
}

export function memFree(ptr: usize): void {
  if (ptr == 0) return;
  usedBytes -= <u64>blockFootprint(ptr);
  heap.free(ptr);
}

/** Grows or shrinks a block, keeping its first min(old, new) bytes. */
export function memRealloc(ptr: usize, size: usize): usize {
  if (ptr == 0) return memAlloc(size);
  usedBytes -= <u64>blockFootprint(ptr);
  const out = heap.realloc(ptr, size);
  usedBytes += <u64>blockFootprint(out);
  return out;
}

export function memUsed(): u64 {
  return usedBytes;
}

/** Copies `len` bytes into a fresh block. */
export function memDup(srcPtr: usize, len: usize): usize {
  const ptr = memAlloc(len);
  memory.copy(ptr, srcPtr, len);
  return ptr;
}

/** Byte-wise equality of two ranges of equal length. */
export function bytesEqual(aPtr: usize, bPtr: usize, len: usize): bool {
  let i: usize = 0;
  while (i + 8 <= len) {
    if (load<u64>(aPtr + i) != load<u64>(bPtr + i)) return false;
    i += 8;
  }
  while (i < len) {
    if (load<u8>(aPtr + i) != load<u8>(bPtr + i)) return false;
    i++;
  }
  return true;
}

/** memcmp semantics: negative, zero or positive, shorter prefix first. */
export function bytesCompare(aPtr: usize, aLen: usize, bPtr: usize, bLen: usize): i32 {
  const n = aLen < bLen ? aLen : bLen;
  for (let i: usize = 0; i < n; i++) {
    const a = <i32>load<u8>(aPtr + i);
    const b = <i32>load<u8>(bPtr + i);
    if (a != b) return a - b;
  }
  return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
}
