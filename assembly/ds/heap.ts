// A read-only view of AssemblyScript's TLSF heap (std/assembly/rt/tlsf.ts),
// the allocator under ds/mem.ts: how far it reaches, what is free, and
// whether an allocation would make it grow past the end of the address space
// (which the runtime turns into an `unreachable` trap).
//
// The layout below is TLSF's for wasm32 in the AssemblyScript version this
// project pins (0.28): keep it in step when upgrading; test/engine/memory.test.ts
// checks the figures against the allocator's own behaviour.
//
//   Root (at ROOT, 16-aligned, right after the static data):
//     0 flMap u32 | 4 slMap[23] u32 | 96 head[23][16] u32 | 1568 tail u32
//   Block: header u32 (size | FREE 1 | LEFTFREE 2) at ptr - 4, payload at ptr;
//     a free block keeps prev u32 at +4, next u32 at +8 (from its header) and a
//     back pointer to its header in its last 4 bytes.
//   The heap is one run of blocks from heapStart() to the tail, a zero-size
//   used block; TLSF only ever grows it at the end (memory.grow), doubling the
//   linear memory when it can.
//
// Invariants read here (never written): a free block's size class is given by
// its size alone; every class list is non-empty iff its bits are set.
// Costs: O(1) for everything but freeListStats (O(free blocks)).

import { ROOT } from "rt/tlsf";

const AL_BITS: u32 = 4;
const AL_MASK: usize = 15;
const SL_BITS: u32 = 4;
const SB_BITS: u32 = SL_BITS + AL_BITS;
const SB_SIZE: usize = 1 << SB_BITS;
const FL_BITS: u32 = 31 - SB_BITS;
export const HEAP_CLASSES: i32 = <i32>FL_BITS;
const OVERHEAD: usize = 4;
const MIN_PAYLOAD: usize = 12;
const MAX_PAYLOAD: usize = (1 << 30) - OVERHEAD;
const FREE: u32 = 1;
const LEFTFREE: u32 = 2;
const TAGS: u32 = 3;
const SL_START: usize = 4;
const HL_START: usize = 96;
const HL_END: usize = HL_START + <usize>FL_BITS * (1 << SL_BITS) * 4;
const ROOT_SIZE: usize = HL_END + 4;
const PAGE: u64 = 65536;
/** wasm32: 65536 pages of 64 KiB. */
export const ADDRESS_SPACE: u64 = 1 << 32;

// @ts-ignore: decorator
@inline function root(): usize { return changetype<usize>(ROOT); }
// @ts-ignore: decorator
@inline function sizeOf(block: usize): usize { return <usize>(load<u32>(block) & ~TAGS); }

/** Header address of the first block. */
export function heapStart(): usize {
  return ((root() + ROOT_SIZE + OVERHEAD + AL_MASK) & ~AL_MASK) - OVERHEAD;
}

/** Header address of the tail (the zero-size block that ends the heap). */
export function heapTail(): usize {
  return <usize>load<u32>(root(), HL_END);
}

/** The free block just before the tail (never-used or given-back space at the top), or 0. */
export function topFreeBlock(): usize {
  const tail = heapTail();
  return (load<u32>(tail) & LEFTFREE) != 0 ? <usize>load<u32>(tail - 4) : 0;
}

/** Bytes of the top free block, header included (0 if the block before the tail is used). */
export function topFreeBytes(): usize {
  const b = topFreeBlock();
  return b != 0 ? sizeOf(b) + OVERHEAD : 0;
}

/**
 * Where the last used block ends: the allocator's high-water mark. Space
 * above it up to the end of linear memory is growth slack, not fragmentation.
 */
export function heapHighWater(): usize {
  const b = topFreeBlock();
  return b != 0 ? b : heapTail();
}

/** Linear memory size in bytes. */
export function linearBytes(): u64 {
  return <u64>memory.size() * PAGE;
}

/** TLSF's payload size for a request (prepareSize/computeSize). */
function payloadFor(size: usize): usize {
  return size <= MIN_PAYLOAD ? MIN_PAYLOAD : ((size + OVERHEAD + AL_MASK) & ~AL_MASK) - OVERHEAD;
}

/** TLSF's rounding of a search request to the next second-level class (roundSize). */
function roundUp(size: usize): usize {
  const halfMax = MAX_PAYLOAD >> 1;
  return size < halfMax ? size + (<usize>1 << (27 - clz<usize>(size))) - 1 : size;
}

/**
 * The block TLSF would take for a `payload`-byte request (searchBlock), or
 * 0 when none is free and it would grow the memory.
 */
function searchFree(payload: usize): usize {
  let fl: u32, sl: u32;
  if (payload < SB_SIZE) {
    fl = 0;
    sl = <u32>(payload >> AL_BITS);
  } else {
    const req = roundUp(payload);
    fl = 31 - clz<u32>(<u32>req);
    sl = <u32>((req >> (fl - SL_BITS)) ^ (1 << SL_BITS));
    fl -= SB_BITS - 1;
  }
  if (fl >= FL_BITS) return 0;
  const r = root();
  let slMap = load<u32>(r + (<usize>fl << 2), SL_START) & (~0 << sl);
  if (slMap == 0) {
    const flMap = load<u32>(r) & (fl + 1 >= 32 ? 0 : ~0 << (fl + 1));
    if (flMap == 0) return 0;
    fl = ctz<u32>(flMap);
    slMap = load<u32>(r + (<usize>fl << 2), SL_START);
  }
  return <usize>load<u32>(r + (((<usize>fl << SL_BITS) + <usize>ctz<u32>(slMap)) << 2), HL_START);
}

/**
 * Whether allocating `size` bytes keeps the heap inside `limit` bytes of
 * address space: either a free block fits (and lies under the limit) or the
 * heap can grow enough above its last used block.
 */
export function heapCanAllocate(size: usize, limit: u64): bool {
  if (size > MAX_PAYLOAD) return false;
  const payload = payloadFor(size);
  const b = searchFree(payload);
  if (b != 0) return <u64>b + <u64>OVERHEAD + <u64>payload <= limit;
  // TLSF grows by at least the rounded request plus two headers, appended
  // after the tail (merged with the top free block when there is one).
  const need = <u64>(payload >= SB_SIZE ? roundUp(payload) : payload) + 2 * <u64>OVERHEAD;
  const from = <u64>heapHighWater();
  if (from + need > limit) return false;
  // The memory itself must be able to grow by the pages TLSF asks for.
  const pagesNeeded = (need + PAGE - 1) / PAGE;
  return <u64>memory.size() + pagesNeeded <= ADDRESS_SPACE / PAGE;
}

/** Whether growing live block `ptr` to `size` bytes keeps the heap inside `limit` (reallocateBlock). */
export function heapCanReallocate(ptr: usize, size: usize, limit: u64): bool {
  if (size > MAX_PAYLOAD) return false;
  const block = ptr - OVERHEAD;
  const payload = payloadFor(size);
  const have = sizeOf(block);
  if (payload <= have) return true;
  const right = block + OVERHEAD + have;
  const rightInfo = load<u32>(right);
  if ((rightInfo & FREE) != 0 && have + OVERHEAD + <usize>(rightInfo & ~TAGS) >= payload) {
    return <u64>block + <u64>OVERHEAD + <u64>payload <= limit;
  }
  return heapCanAllocate(size, limit);
}

/**
 * The lower bound of the largest free block's size class: TLSF can serve
 * any request up to this without growing.
 */
export function largestFreeClass(): usize {
  const r = root();
  const flMap = load<u32>(r);
  if (flMap == 0) return 0;
  const fl = 31 - clz<u32>(flMap);
  const slMap = load<u32>(r + (<usize>fl << 2), SL_START);
  const sl = 31 - clz<u32>(slMap);
  if (fl == 0) return <usize>sl << AL_BITS;
  // Class (fl, sl) holds sizes from 2^(fl+7) + sl * 2^(fl+3).
  const base = <usize>1 << (fl + SB_BITS - 1);
  return base + ((<usize>sl) << (fl + SB_BITS - 1 - SL_BITS));
}

// ---- free lists ----------------------------------------------------------------

/** Filled by freeListStats. */
export let freeBlocks: u64 = 0;
export let freeBytes: u64 = 0;
export let largestFree: u64 = 0;
// Per first-level class (sizes [2^(fl+7), 2^(fl+8)), fl 0 below 256): count, bytes.
const classCount = new StaticArray<u64>(FL_BITS);
const classBytes = new StaticArray<u64>(FL_BITS);

/** Walks every free list: counts, bytes (headers included), largest, per class. */
export function freeListStats(): void {
  freeBlocks = 0; freeBytes = 0; largestFree = 0;
  const r = root();
  for (let fl: u32 = 0; fl < FL_BITS; fl++) {
    classCount[fl] = 0;
    classBytes[fl] = 0;
    const slMap = load<u32>(r + (<usize>fl << 2), SL_START);
    if (slMap == 0) continue;
    for (let sl: u32 = 0; sl < (1 << SL_BITS); sl++) {
      if ((slMap & (1 << sl)) == 0) continue;
      let b = <usize>load<u32>(r + (((<usize>fl << SL_BITS) + <usize>sl) << 2), HL_START);
      while (b != 0) {
        const bytes = <u64>(sizeOf(b) + OVERHEAD);
        freeBlocks++;
        freeBytes += bytes;
        classCount[fl]++;
        classBytes[fl] += bytes;
        if (bytes > largestFree) largestFree = bytes;
        b = <usize>load<u32>(b, 8);
      }
    }
  }
}

export function freeClassCount(fl: i32): u64 { return classCount[fl]; }
export function freeClassBytes(fl: i32): u64 { return classBytes[fl]; }
