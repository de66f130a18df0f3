// Where the engine's bytes go, split the way Redis splits used_memory for
// MEMORY STATS and INFO memory (its getMemoryOverheadData): what existed at
// startup, what serves clients, what indexes the keys of each database, and
// the rest, which is the dataset. Every figure is a sum of real block sizes
// (ds/mem.ts blockFootprint), never an estimate.
//
//   startup        ds/mem.ts's count at the end of init, minus the buffers
//                  counted under clients (the reply buffer, the WATCH table)
//   clients        every connection's blocks (client.ts clientMemory), the
//                  shared reply buffer, the ready-key and keyspace-event
//                  buffers, the WATCH registry, the eviction pool, and the
//                  MEMORY PREFIXES walks in progress
//   db N main      the bucket arrays of the key table (both while rehashing)
//                  and each key's fixed part: its 28-byte entry header and
//                  4-byte block header (Redis counts its dictEntry and robj)
//   db N expires   the volatile array (the expiry index) and each volatile
//                  key's 16-byte TTL slot (Redis counts the expires dict)
//
// The heap ceiling lives here too: wasm32 addresses 4 GiB, and the engine
// refuses writes with -OOM before its allocator runs out of room (see
// heapRefusesCommand).

import { memUsed, heapLimit, setHeapLimit as setMemHeapLimit, blockFootprint } from "../ds/mem";
import { heapHighWater, largestFreeClass, ADDRESS_SPACE } from "../ds/heap";
import { dictTableBytes } from "../ds/dict";
import { Db } from "./db";
import { E_KEY, EXPIRE_EXTRA } from "./entry";
import { BLOCK_HEADER } from "../ds/mem";
import { clientsMemory, Client, argLen, curArgc, CF_MULTI } from "../client";
import { outBufferPtr } from "../resp/writer";
import { readyBufPtr } from "./ready";
import { notifyBufPtr } from "./notify";
import { watchMemory } from "./watch";
import { evictPoolMemory } from "./evict";
import { prefixWalksMemory } from "./prefixes";
import { CMD_FLAGS, F_DENYOOM, CMD_EXEC, CMD_DISCARD, CMD_QUIT, CMD_RESET } from "../commands/table.gen";

/** What each key costs whatever it holds: its entry header and block header. */
export const KEY_FIXED_BYTES: u64 = <u64>(E_KEY + BLOCK_HEADER);

// @ts-ignore: decorator
@inline function fp(ptr: usize): u64 { return ptr != 0 ? <u64>blockFootprint(ptr) : 0; }

/** Engine buffers that serve commands rather than hold data (counted with the clients). */
export function engineBuffersMemory(): u64 {
  return fp(outBufferPtr()) + fp(readyBufPtr()) + fp(notifyBufPtr()) + watchMemory() +
    evictPoolMemory() + prefixWalksMemory();
}

let startupBytes: u64 = 0;

/** Called once at the end of init. */
export function markStartup(): void {
  startupBytes = memUsed() - engineBuffersMemory();
}

export function startupMemory(): u64 { return startupBytes; }

/** The engine's share of clients.normal (the host adds the replies waiting in its sockets). */
export function clientsEngineMemory(): u64 {
  return clientsMemory() + engineBuffersMemory();
}

/** overhead.hashtable.main of one database. */
export function dbMainOverhead(db: Db): u64 {
  const d = db.dict;
  const buckets = dictTableBytes(d) - fp(changetype<usize>(d));
  return buckets + <u64>(d.used0 + d.used1) * KEY_FIXED_BYTES;
}

/** overhead.hashtable.expires of one database. */
export function dbExpiresOverhead(db: Db): u64 {
  return fp(<usize>db.volPtr) + <u64>db.volLen * <u64>EXPIRE_EXTRA;
}

// ---- the heap ceiling ---------------------------------------------------------------
//
// Writes are refused when the engine's bytes plus the request would pass the
// ceiling (the limit less a margin: 3.75 GiB of 4 GiB), or when the
// allocator has less than the margin of contiguous room left: neither a
// free block that large nor that much address space above its last block.
// The second rule catches a fragmented heap that fills its address space
// before its bytes reach the ceiling. Reads go on: they allocate little.
// Below half the limit neither rule can fire, so the check costs one
// comparison per command until then.

/** Bytes the engine keeps free for reads, replies and the commands already running. */
export let heapMargin: u64 = ADDRESS_SPACE / 16;
/** Above this many bytes in use, commands are checked against the ceiling. */
export let heapWatch: u64 = ADDRESS_SPACE / 2;
/** Writes refused at the ceiling since start. */
export let heapRefusals: u64 = 0;
/**
 * Set by a refusal, cleared once the engine is well clear of the ceiling
 * again (a margin below it, with twice the margin of room), so that the
 * host logs one warning per episode rather than one per write.
 */
let heapRefusing: bool = false;

/** Whether the engine is in an episode of refusing writes at the ceiling (see heapRefusing). */
export function heapPressure(): bool {
  if (heapRefusing && memUsed() + heapMargin < heapCeiling() && heapRoom() >= 2 * heapMargin) heapRefusing = false;
  return heapRefusing;
}

/** Tests lower the address space limit to reach it with little data. */
export function setHeapLimit(bytes: u64): void {
  setMemHeapLimit(bytes);
  heapMargin = bytes / 16;
  heapWatch = bytes / 2;
}

export function heapCeiling(): u64 { return heapLimit - heapMargin; }

/** Contiguous bytes the allocator can still hand out in one block. */
export function heapRoom(): u64 {
  const hw = <u64>heapHighWater();
  const top = heapLimit > hw ? heapLimit - hw : 0;
  const hole = <u64>largestFreeClass();
  return top > hole ? top : hole;
}

/** Whether a write that may allocate about `extra` bytes must be refused. */
export function heapRefuses(extra: u64): bool {
  if (memUsed() + extra < heapWatch) return false;
  return memUsed() + extra > heapCeiling() || heapRoom() < heapMargin + extra;
}

/**
 * dispatch.ts, once memUsed() passed heapWatch: whether the command must be
 * refused with E_OOM_HEAP. Only what may add data is refused (denyoom, an
 * EXEC whose queue holds such a command, queuing inside MULTI), as with
 * maxmemory; its request bytes are what it is about to store.
 */
export function heapRefusesCommand(c: Client, id: i32): bool {
  const inMulti = (c.flags & CF_MULTI) != 0;
  const denyoom = (CMD_FLAGS[id] & F_DENYOOM) != 0 ||
    (id == CMD_EXEC && (c.multiFlags & F_DENYOOM) != 0) ||
    (inMulti && id != CMD_EXEC && id != CMD_DISCARD && id != CMD_QUIT && id != CMD_RESET);
  if (!denyoom) return false;
  let extra: u64 = id == CMD_EXEC ? <u64>c.multiLen : 0;
  for (let i = 0; i < curArgc; i++) extra += <u64>argLen(i);
  if (!heapRefuses(extra)) return false;
  heapRefusals++;
  heapRefusing = true;
  return true;
}
