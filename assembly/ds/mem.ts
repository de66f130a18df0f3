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
//
// wasm32 gives the engine 4 GiB of address space at most. TLSF traps
// (`unreachable`) when it must grow the memory and cannot; once linear memory
// is past half of the limit, every allocation first asks ds/heap.ts whether it
// will fit, and aborts with a message that says why instead. The command
// layer refuses writes well before that (db/memstats.ts, the heap ceiling).

import { heapCanAllocate, heapCanReallocate, ADDRESS_SPACE } from "./heap";

// Size of the allocator's per-block header (TLSF `BLOCK_OVERHEAD`).
export const BLOCK_HEADER: usize = 4;
// The low two bits of a TLSF header hold the FREE/LEFTFREE tags.
const TAG_MASK: u32 = 3;

let usedBytes: u64 = 0;
/** The most usedBytes has been since start (INFO used_memory_peak). */
let peakBytes: u64 = 0;
/** Blocks allocated through this file and not yet freed. */
let liveBlocks: u64 = 0;

/** Address space the engine may fill: 4 GiB, lowered by tests to reach the end quickly. */
export let heapLimit: u64 = ADDRESS_SPACE;
// Below this much linear memory TLSF can always double it within the limit.
let guardFrom: u64 = ADDRESS_SPACE / 2;
/** Allocations refused because the heap had no room (each aborted its command). */
export let allocFailures: u64 = 0;

export function setHeapLimit(bytes: u64): void {
  heapLimit = bytes;
  guardFrom = bytes / 2;
}

const E_NO_ROOM = "out of memory: no room left in the engine's address space (wasm32, 4 GiB)";

// @ts-ignore: decorator
@inline function nearLimit(): bool {
  return (<u64>memory.size() << 16) >= guardFrom;
}

// A constant message: building one would allocate, which is what failed.
function noRoom(): void {
  allocFailures++;
  abort(E_NO_ROOM);
}

// @ts-ignore: decorator
@inline function counted(ptr: usize): void {
  usedBytes += <u64>blockFootprint(ptr);
  if (usedBytes > peakBytes) peakBytes = usedBytes;
}

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

/** Whether allocating `size` bytes now would find room (for work that can stop cleanly instead). */
export function memHasRoom(size: usize): bool {
  return !nearLimit() || heapCanAllocate(size, heapLimit);
}

/**
 * The size actually requested from TLSF: above 128 bytes, rounded up to the
 * floor of one of TLSF's own second-level classes (sixteen per power of
 * two). TLSF hands a freed block only to requests at least one class
 * smaller (its search starts at the class above the request), and splits
 * off the rest: with requests of any size the remainders are odd sizes that
 * pile up as holes under churn. With every request on a class floor, every
 * block is a class floor plus the header, so what a split leaves is a whole
 * number of class steps, which later requests fit. The cost is under a
 * sixteenth of the request, counted in the block's size.
 */
// @ts-ignore: decorator
@inline export function sizeClass(size: usize): usize {
  if (size <= 128) return size;
  const step = <usize>1 << (27 - clz<u32>(<u32>(size - 1)));
  const rounded = (size + step - 1) & ~(step - 1);
  return rounded > MAX_BLOCK_PAYLOAD ? MAX_BLOCK_PAYLOAD : rounded;
}
const MAX_BLOCK_PAYLOAD: usize = (1 << 30) - 4;

// TLSF's smallest payload: room for its free-list links (BLOCK_MINSIZE).
const BLOCK_MIN_PAYLOAD: usize = 28;

/**
 * The payload size of the block memAlloc(size) gets when TLSF splits a free
 * block exactly to the request (computeSize in its tlsf.ts: 16-aligned with
 * the header, at least BLOCK_MIN_PAYLOAD). A block of exactly this size is
 * what a fresh allocation would be, so a writer may reuse it in place
 * without changing any memory figure.
 */
export function blockSizeFor(size: usize): usize {
  const s = sizeClass(size);
  return s <= BLOCK_MIN_PAYLOAD ? BLOCK_MIN_PAYLOAD : ((s + BLOCK_HEADER + 15) & ~(<usize>15)) - BLOCK_HEADER;
}

export function memAlloc(size: usize): usize {
  size = sizeClass(size);
  if (nearLimit() && !heapCanAllocate(size, heapLimit)) noRoom();
  const ptr = heap.alloc(size);
  counted(ptr);
  liveBlocks++;
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
  liveBlocks--;
  heap.free(ptr);
}

/** Grows or shrinks a block, keeping its first min(old, new) bytes. */
export function memRealloc(ptr: usize, size: usize): usize {
  if (ptr == 0) return memAlloc(size);
  size = sizeClass(size);
  if (nearLimit() && !heapCanReallocate(ptr, size, heapLimit)) noRoom();
  usedBytes -= <u64>blockFootprint(ptr);
  const out = heap.realloc(ptr, size);
  counted(out);
  return out;
}

export function memUsed(): u64 {
  return usedBytes;
}

export function memPeak(): u64 { return peakBytes; }
export function memBlocks(): u64 { return liveBlocks; }

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
