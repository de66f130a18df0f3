// Per-connection state the engine keeps between `execute` calls: the input
// buffer with its unconsumed tail, the RESP reader's position in a partial
// command, the parsed arguments, and the connection's db and protocol.
//
// Client layout (one allocation, fields as declared below). Argument spans
// are stored as offsets from `cmdStart` (multibulk) or from `inlinePtr`
// (inline), so moving the input buffer never invalidates them.
//
// argv array: argc pairs of u32 { offset, length }.

import { memAlloc, memCalloc, memFree, memRealloc, memHasRoom, blockFootprint, MAX_BLOCK } from "./ds/mem";

export const CF_AUTHED: u32 = 1;
export const CF_REPLY_OFF: u32 = 2;
export const CF_REPLY_SKIP_NEXT: u32 = 4;
export const CF_REPLY_SKIP: u32 = 8;
export const CF_INLINE: u32 = 16;
export const CF_CLOSE: u32 = 32;
export const CF_MASTER: u32 = 64;
/** MONITOR: like a replica, the client may no longer touch the keyspace. */
export const CF_MONITOR: u32 = 128;
/** Set by the host while running MULTI/EXEC or a script: blocking commands
 *  answer as if their timeout had passed (Redis's CLIENT_DENY_BLOCKING). */
export const CF_NO_BLOCK: u32 = 256;
/** Set by the host on a blocked client to end its wait: the command replies
 *  its timeout answer (timeout, CLIENT UNBLOCK) or the UNBLOCKED error. */
export const CF_UNBLOCK_TIMEOUT: u32 = 512;
export const CF_UNBLOCK_ERROR: u32 = 1024;
/** Inside MULTI: commands are queued (commands/multi.ts). */
export const CF_MULTI: u32 = 2048;
/** A command was refused while queuing: EXEC answers EXECABORT. */
export const CF_DIRTY_EXEC: u32 = 4096;
/** A watched key changed: EXEC answers a null array. */
export const CF_DIRTY_CAS: u32 = 8192;
/** EXEC is running the queued commands (the input is the queue). */
export const CF_IN_EXEC: u32 = 16384;
/** Set by the host while the client has any pub/sub subscription (Redis's
 *  CLIENT_PUBSUB). In RESP2 it limits the client to the subscriber-mode
 *  commands (dispatch.ts) and turns PING's reply into an array. */
export const CF_PUBSUB: u32 = 32768;
/** The hidden client a script's redis.call runs on (host/scripting): never
 *  held by CLIENT PAUSE (the script's own command was) nor refused as BUSY. */
export const CF_SCRIPT: u32 = 65536;
/** The AOF loader's client: its commands run as Redis's fake AOF client
 *  runs them, past the LOADING, maxmemory and MISCONF refusals. */
export const CF_LOADER: u32 = 131072;

@unmanaged export class Client {
  inPtr: u32;
  inLen: u32;
  inCap: u32;
  /** Offset of the first byte of the command being read. */
  cmdStart: u32;
  /** Offset of the next byte the reader has not looked at. */
  pos: u32;
  /** Bulk arguments still to read; -1 when not inside a multibulk. */
  mbLeft: i32;
  /** Length of the bulk being waited for; -1 when its `$` line is next. */
  bulkLen: i32;
  argc: u32;
  argvPtr: u32;
  argvCap: u32;
  inlinePtr: u32;
  inlineCap: u32;
  db: i32;
  proto: i32;
  flags: u32;
  id: u32;
  // MULTI: the queued commands' request bytes, their count and the union of
  // their command flags (CLIENT PAUSE WRITE holds an EXEC that writes).
  multiPtr: u32;
  multiLen: u32;
  multiCap: u32;
  multiCount: u32;
  multiFlags: u32;
  /** A finished EXEC's queue, freed at the next execute (the host may still read its spans). */
  multiOld: u32;
  // The real input while EXEC reads the queue instead.
  savedInPtr: u32;
  savedInLen: u32;
  savedInCap: u32;
  savedCmdStart: u32;
  savedPos: u32;
  // WATCH: (watch record u32, expired-when-watched u32) pairs (db/watch.ts).
  watchPtr: u32;
  watchLen: u32;
  watchCap: u32;
  /** Redis's c->lastcmd for CLIENT LIST cmd=: the last command read from the
   *  connection (queued, refused or blocked too; -1 for an unknown one);
   *  the commands an EXEC runs leave it at EXEC. */
  lastCmdId: i32;
  /** The running EXEC's command count (CLIENT LIST multi= while it runs). */
  execCount: u32;
}

const INITIAL_INPUT: u32 = 1024;

// Set by db/watch.ts at init, so that freeing a client drops its watches
// without this file importing the keyspace.
let unwatchAll: (c: Client) => void = (c: Client): void => {};
export function setUnwatchHook(fn: (c: Client) => void): void { unwatchAll = fn; }

const slots = new Array<u32>();
const freeSlots = new Array<u32>();

export function clientNew(): u32 {
  const c = changetype<Client>(memCalloc(offsetof<Client>()));
  c.inPtr = <u32>memAlloc(INITIAL_INPUT);
  c.inCap = INITIAL_INPUT;
  c.mbLeft = -1;
  c.bulkLen = -1;
  c.argvCap = 16;
  c.argvPtr = <u32>memAlloc(16 * 8);
  c.proto = 2;
  c.lastCmdId = -1;
  let id: u32;
  if (freeSlots.length > 0) {
    id = freeSlots.pop();
    slots[id] = changetype<u32>(c);
  } else {
    id = <u32>slots.length;
    slots.push(changetype<u32>(c));
  }
  c.id = id;
  return id;
}

export function clientGet(id: u32): Client {
  return changetype<Client>(<usize>slots[id]);
}

export function clientFree(id: u32): void {
  const c = clientGet(id);
  if (c.watchLen > 0) unwatchAll(c);
  // Mid-EXEC (a host command, or an abort) the input is the queue, which
  // multiOld owns: free the real input instead.
  if ((c.flags & CF_IN_EXEC) != 0) c.inPtr = c.savedInPtr;
  memFree(<usize>c.watchPtr);
  memFree(<usize>c.multiPtr);
  memFree(<usize>c.multiOld);
  memFree(<usize>c.inPtr);
  memFree(<usize>c.argvPtr);
  memFree(<usize>c.inlinePtr);
  memFree(changetype<usize>(c));
  slots[id] = 0;
  freeSlots.push(id);
}

/** Whether the last clientReserve that returned 0 did so for lack of room in the address space. */
export let inputNoRoom: bool = false;

/**
 * Drops the consumed prefix and makes room for `n` more bytes at the end;
 * returns where the host should copy them, or 0 when the buffer cannot grow
 * that far. Called before every read's bytes
 * are handed in, so argument spans of the previous call are dead by then.
 */
export function clientReserve(c: Client, n: u32): usize {
  const start = c.cmdStart;
  if (start > 0) {
    const tail = c.inLen - start;
    memory.copy(<usize>c.inPtr, <usize>c.inPtr + start, tail);
    c.inLen = tail;
    c.pos -= start;
    c.cmdStart = 0;
  }
  const need = <u64>c.inLen + <u64>n;
  // More than one block can hold: the host closes the client, as Redis does
  // past client-query-buffer-limit.
  if (need > <u64>MAX_BLOCK) return 0;
  if (need > <u64>c.inCap) {
    let cap = <u64>c.inCap * 2;
    while (cap < need) cap *= 2;
    if (cap > <u64>MAX_BLOCK) cap = <u64>MAX_BLOCK;
    // Near the end of the address space a request that cannot be buffered
    // closes its client, as one over the query buffer limit does, rather
    // than abort the engine mid-read.
    inputNoRoom = !memHasRoom(<usize>cap);
    if (inputNoRoom) return 0;
    c.inPtr = <u32>memRealloc(<usize>c.inPtr, <usize>cap);
    c.inCap = <u32>cap;
  } else if (c.inCap > (1 << 16) && need < (c.inCap >> 2)) {
    // A big argument has been consumed: give the memory back.
    c.inPtr = <u32>memRealloc(<usize>c.inPtr, <usize>(need > INITIAL_INPUT ? need : INITIAL_INPUT));
    c.inCap = need > INITIAL_INPUT ? <u32>need : INITIAL_INPUT;
  }
  return <usize>c.inPtr + c.inLen;
}

/** Bytes the connection buffers in the engine (for CLIENT LIST qbuf). */
export function clientQueryBufLen(c: Client): u32 { return c.inLen - c.cmdStart; }
/** The real input buffer's size, also while EXEC reads the queue. */
export function clientQueryBufCap(c: Client): u32 { return (c.flags & CF_IN_EXEC) != 0 ? c.savedInCap : c.inCap; }
/**
 * Bytes in the input buffer including the commands already run from it
 * (the buffer is compacted only before the next read), the real input's
 * while EXEC reads the queue: Redis's sdslen(querybuf) for the client whose
 * command is running, as Redis trims its query buffer after the whole read.
 */
export function clientQueryBufHeld(c: Client): u32 { return (c.flags & CF_IN_EXEC) != 0 ? c.savedInLen : c.inLen; }

// ---- arguments --------------------------------------------------------------

export function argvPush(c: Client, off: u32, len: u32): void {
  if (c.argc == c.argvCap) {
    c.argvCap *= 2;
    c.argvPtr = <u32>memRealloc(<usize>c.argvPtr, <usize>c.argvCap * 8);
  }
  const p = <usize>c.argvPtr + (<usize>c.argc << 3);
  store<u32>(p, off);
  store<u32>(p, len, 4);
  c.argc++;
}

// The current command's arguments, as absolute pointers. Valid until the
// next clientReserve.
let argBase: usize = 0;
export let curArgv: usize = 0;
export let curArgc: i32 = 0;

export function bindArgs(c: Client): void {
  argBase = (c.flags & CF_INLINE) != 0 ? <usize>c.inlinePtr : <usize>c.inPtr + c.cmdStart;
  curArgv = <usize>c.argvPtr;
  curArgc = <i32>c.argc;
}

// @ts-ignore: decorator
@inline export function argPtr(i: i32): usize {
  return argBase + <usize>load<u32>(curArgv + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function argLen(i: i32): usize {
  return <usize>load<u32>(curArgv + (<usize>i << 3), 4);
}

export function argBaseNow(): usize { return argBase; }

// ---- memory (MEMORY STATS, INFO mem_clients_normal, MEMORY PURGE) ----------------------

// @ts-ignore: decorator
@inline function fp(ptr: u32): u64 { return ptr != 0 ? <u64>blockFootprint(<usize>ptr) : 0; }

/**
 * Bytes the engine holds for one connection: the struct, its input buffer
 * (the real one while EXEC reads the queue), argument array, inline buffer,
 * MULTI queue (and a finished EXEC's, until the next call) and WATCH list.
 */
export function clientMemory(c: Client): u64 {
  const input = (c.flags & CF_IN_EXEC) != 0 ? c.savedInPtr : c.inPtr;
  return fp(changetype<u32>(c)) + fp(input) + fp(c.argvPtr) + fp(c.inlinePtr) + fp(c.multiPtr) +
    fp(c.multiOld) + fp(c.watchPtr);
}

/** clientMemory summed over every connection. O(clients). */
export function clientsMemory(): u64 {
  let n: u64 = 0;
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] != 0) n += clientMemory(changetype<Client>(<usize>slots[i]));
  }
  return n;
}

/**
 * MEMORY PURGE: shrinks every idle input buffer (nothing unread, not inside
 * EXEC) that grew past its initial size back to it.
 */
export function clientsShrinkInput(): void {
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] == 0) continue;
    const c = changetype<Client>(<usize>slots[i]);
    if ((c.flags & CF_IN_EXEC) != 0 || c.inLen != c.cmdStart || c.inCap <= INITIAL_INPUT) continue;
    c.inPtr = <u32>memRealloc(<usize>c.inPtr, INITIAL_INPUT);
    c.inCap = INITIAL_INPUT;
    c.inLen = 0;
    c.cmdStart = 0;
    c.pos = 0;
  }
}

/**
 * Replaces the input bytes [start, end) with `len` bytes at `ptr` (a parked
 * command rewritten before it waits: XREAD's `$` becomes the ID it meant).
 * False when the buffer cannot grow.
 */
export function clientReplaceInput(c: Client, start: u32, end: u32, ptr: usize, len: u32): bool {
  const tail = c.inLen - end;
  const need = <u64>start + <u64>len + <u64>tail;
  if (need > <u64>MAX_BLOCK) return false;
  if (need > <u64>c.inCap) {
    if (!memHasRoom(<usize>need)) return false;
    c.inPtr = <u32>memRealloc(<usize>c.inPtr, <usize>need);
    c.inCap = <u32>need;
  }
  const base = <usize>c.inPtr;
  memory.copy(base + start + len, base + end, tail);
  memory.copy(base + start, ptr, len);
  c.inLen = <u32>need;
  return true;
}
