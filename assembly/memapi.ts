// Engine exports for the host's memory reporting (INFO memory, MEMORY STATS,
// DOCTOR, MALLOC-STATS, PURGE, PREFIXES) and the heap ceiling. Byte counts
// cross as f64 (exact below 2^53).

import { memUsed, memPeak, memBlocks, allocFailures, heapLimit } from "./ds/mem";
import { heapStart, heapTail, heapHighWater, topFreeBytes, linearBytes, largestFreeClass, freeListStats,
  freeBlocks, freeBytes, largestFree, freeClassCount, freeClassBytes, HEAP_CLASSES } from "./ds/heap";
import { getDb, numDbs } from "./db/db";
import { startupMemory, clientsEngineMemory, dbMainOverhead, dbExpiresOverhead, setHeapLimit as setLimit,
  heapCeiling, heapRoom, heapMargin, heapRefusals, heapPressure } from "./db/memstats";
import { clientsShrinkInput, clientGet, clientMemory, inputNoRoom } from "./client";
import { outShrink } from "./resp/writer";
import { readyShrink } from "./db/ready";
import { notifyShrink } from "./db/notify";
import { evictPoolClear } from "./db/evict";
import { dictShrinkIfNeeded } from "./ds/dict";
import { prefixWalkStart as walkStart, prefixWalkStep as walkStep, prefixWalkOrder as walkOrder,
  prefixWalkOrderLen as walkOrderLen, prefixWalkKeys as walkKeys, prefixWalkBytes as walkBytes,
  prefixWalkFree as walkFree } from "./db/prefixes";
import { hostArg } from "./api";

export function memStartup(): f64 { return <f64>startupMemory(); }
export function memPeakBytes(): f64 { return <f64>memPeak(); }
/** The engine's share of clients.normal. */
export function memClients(): f64 { return <f64>clientsEngineMemory(); }
/** Bytes the engine holds for one connection (CLIENT LIST tot-mem). */
export function memClient(id: u32): f64 { return <f64>clientMemory(clientGet(id)); }
export function memDbMain(db: i32): f64 { return <f64>dbMainOverhead(getDb(db)); }
export function memDbExpires(db: i32): f64 { return <f64>dbExpiresOverhead(getDb(db)); }

// ---- the allocator's heap ----------------------------------------------------------

// heapStats() fills this record (all f64):
//   0 linear memory bytes | 8 heap start | 16 high-water mark | 24 tail (heap end) |
//   32 free bytes | 40 free blocks | 48 largest free block | 56 top free block bytes |
//   64 engine blocks | 72 engine bytes | 80 allocation failures | 88 largest free class
const HEAP_REC = memory.data(96);

/** Walks the free lists (O(free blocks)) and fills the record above; returns its address. */
export function heapStats(): usize {
  freeListStats();
  store<f64>(HEAP_REC, <f64>linearBytes());
  store<f64>(HEAP_REC, <f64>heapStart(), 8);
  store<f64>(HEAP_REC, <f64>heapHighWater(), 16);
  store<f64>(HEAP_REC, <f64>(heapTail() + 4), 24);
  store<f64>(HEAP_REC, <f64>freeBytes, 32);
  store<f64>(HEAP_REC, <f64>freeBlocks, 40);
  store<f64>(HEAP_REC, <f64>largestFree, 48);
  store<f64>(HEAP_REC, <f64>topFreeBytes(), 56);
  store<f64>(HEAP_REC, <f64>memBlocks(), 64);
  store<f64>(HEAP_REC, <f64>memUsed(), 72);
  store<f64>(HEAP_REC, <f64>allocFailures, 80);
  store<f64>(HEAP_REC, <f64>largestFreeClass(), 88);
  return HEAP_REC;
}

/** After heapStats: free blocks and bytes of first-level class `fl` (0 .. heapClasses()-1). */
export function heapClasses(): i32 { return HEAP_CLASSES; }
export function heapClassCount(fl: i32): f64 { return <f64>freeClassCount(fl); }
export function heapClassBytes(fl: i32): f64 { return <f64>freeClassBytes(fl); }

// ---- the heap ceiling ----------------------------------------------------------------

export function heapLimitBytes(): f64 { return <f64>heapLimit; }
export function heapCeilingBytes(): f64 { return <f64>heapCeiling(); }
export function heapMarginBytes(): f64 { return <f64>heapMargin; }
export function heapRoomBytes(): f64 { return <f64>heapRoom(); }
/** Whether writes are being refused at the ceiling (the host logs the start and end of each episode). */
export function heapRefusingWrites(): bool { return heapPressure(); }
export function heapRefusedWrites(): f64 { return <f64>heapRefusals; }
/** After reserveInput returned 0: whether for lack of room in the address space (not the 1 GiB block cap). */
export function inputRefusedForRoom(): bool { return inputNoRoom; }
/** Tests only: pretend the address space ends at `bytes`. */
export function setHeapLimit(bytes: f64): void { setLimit(<u64>bytes); }

// ---- MEMORY PURGE --------------------------------------------------------------------

/**
 * Gives back to the allocator what the engine holds without needing it:
 * idle input buffers, an empty reply buffer past its initial size, empty
 * event buffers, the eviction pool's candidates, and key tables that can
 * shrink. The linear memory itself cannot shrink (WebAssembly has no way
 * to); the blocks go back to the allocator's free lists for reuse.
 */
export function memoryPurge(): void {
  clientsShrinkInput();
  outShrink();
  readyShrink();
  notifyShrink();
  evictPoolClear();
  for (let i = 0; i < numDbs; i++) dictShrinkIfNeeded(getDb(i).dict);
}

// ---- MEMORY PREFIXES -----------------------------------------------------------------

/** Starts a walk of db `db`; the separator's `sepLen` bytes are at hostArg(). */
export function prefixWalkStart(db: i32, depth: u32, sepLen: u32, count: u32): usize {
  return walkStart(getDb(db), depth, hostArg(sepLen), <usize>sepLen, count);
}
/** About `budget` keys' (then groups') worth of work: 0 more to do, 1 done, 2 no room left for the walk. */
export function prefixWalkStep(walk: usize, budget: u32): i32 { return walkStep(walk, budget); }
/** The result: u32 group addresses, largest first; each group is
 *  8 prefixLen u32 | 16 keys u64 | 24 bytes u64 | 32 prefix bytes (db/prefixes.ts). */
export function prefixWalkOrder(walk: usize): usize { return walkOrder(walk); }
export function prefixWalkOrderLen(walk: usize): u32 { return walkOrderLen(walk); }
export function prefixWalkKeys(walk: usize): f64 { return <f64>walkKeys(walk); }
export function prefixWalkBytes(walk: usize): f64 { return <f64>walkBytes(walk); }
export function prefixWalkFree(walk: usize): void { walkFree(walk); }
