// The only code that touches the engine's linear memory. Loads the .wasm,
// wraps its exports, and moves bytes across the boundary: a socket read in,
// the replies out, the arguments of a handed-off command out.
//
// Views over memory.buffer go stale when the memory grows, so every accessor
// re-reads `memory.buffer` instead of caching a view. Addresses come back
// from the engine as i32: past 2 GiB they are negative, so every one is
// read with `>>> 0` (the batch records' addresses too, in requestBytes).
//
// No Node-only imports: the browser build loads this file too, passing the
// .wasm bytes (or a compiled module) itself.
import { BufferClass, nodeFs, randomBytes } from '../host/platform.js';
import type { OutputPool } from '../host/outpool.js';

// executeInfo's record (assembly/index.ts callInfo): its i32 slots after
// the status. Addresses past 2 GiB read negative: take them unsigned.
export const INFO_OUT_PTR = 1;
export const INFO_OUT_LEN = 2;
export const INFO_BATCH_PTR = 3;
export const INFO_BATCH_LEN = 4;
export const INFO_NOTIFY_LEN = 5;
export const INFO_QBUF = 6;

export const ST_OK = 0;
export const ST_HANDOFF = 1;
export const ST_CLOSE = 2;
/** Host-side status: the input would exceed what the engine can buffer. */
export const ST_INPUT_FULL = -1;
/** CLIENT PAUSE holds the client's next command; resume() it after unpausing. */
export const ST_PAUSED = 3;
export const ST_YIELD = 4;
/** The command waits for keys: park the client (blockedOn()), resume() it when woken. */
export const ST_BLOCKED = 5;
/** Keys became ready for blocked clients (takeReadyKeys()); serve them, then resume(). */
export const ST_READY = 6;

// CLIENT PAUSE modes (assembly/commands/dispatch.ts).
export const PAUSE_NONE = 0;
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;

// Client flags (assembly/client.ts).
export const CF_AUTHED = 1;
export const CF_REPLY_OFF = 2;
export const CF_REPLY_SKIP_NEXT = 4;
export const CF_REPLY_SKIP = 8;
export const CF_CLOSE = 32;
export const CF_MONITOR = 128;
export const CF_NO_BLOCK = 256;
export const CF_UNBLOCK_TIMEOUT = 512;
export const CF_UNBLOCK_ERROR = 1024;
/** A watched key changed: EXEC will fail (CLIENT LIST flag d). */
export const CF_DIRTY_CAS = 8192;
export const CF_IN_EXEC = 16384;
export const CF_PUBSUB = 32768;
/** The hidden client scripts run their commands on (never paused, never BUSY). */
export const CF_SCRIPT = 65536;
export const CF_LOADER = 131072;

// setBusyScript modes (assembly/commands/dispatch.ts): which BUSY error other clients get.
export const BUSY_NONE = 0;
export const BUSY_EVAL = 1;
export const BUSY_FUNCTION = 2;

export interface EngineExports {
  memory: WebAssembly.Memory;
  init(dbs: number, hashSeed: number, randomSeed: bigint): void;
  newClient(): number;
  freeClient(id: number): void;
  reserveInput(id: number, n: number): number;
  appendInput(id: number, n: number): void;
  blockFirst(): number;
  blockCount(): number;
  blockTimeout(): number;
  blockCmdLen(): number;
  setBlockedWatch(on: number): void;
  clientResetTx(id: number): void;
  setKeyspaceEvents(flags: number): void;
  setMaxmemory(bytes: number, policy: number, samples: number): void;
  setHostBytes(bytes: number): void;
  evictNow(): number;
  evictedKeys(): number;
  memoryForMaxmemory(): number;
  setSharedIntegers(on: number): void;
  notifyPtr(): number;
  notifyLen(): number;
  notifyClear(): void;
  clientMultiCount(id: number): number;
  clientMultiMem(id: number): number;
  clientLastCmd(id: number): number;
  clientWatchCount(id: number): number;
  readyPtr(): number;
  readyLen(): number;
  readyClear(): void;
  // RDB (assembly/persistapi.ts).
  rdbSaveBegin(ctimeSec: number, usedMem: number, flags: number): void;
  rdbSaveRaw(p: number, n: number): void;
  rdbSaveStep(limit: number): number;
  rdbOutPtr(): number;
  rdbOutLen(): number;
  rdbOutTaken(): void;
  rdbOutRelease(): void;
  rdbSavedKeys(): number;
  rdbSkippedKeys(): number;
  rdbLoadBegin(nowMs: number, flags: number): void;
  rdbLoadFeed(p: number, n: number, final: number): number;
  rdbLoadDone(): number;
  rdbLoadedKeys(): number;
  rdbExpiredOnLoad(): number;
  rdbEmptyOnLoad(): number;
  rdbFunctionsPtr(): number;
  rdbFunctionsLen(): number;
  rdbErrorPtr(): number;
  rdbErrorLen(): number;
  rdbAlloc(n: number): number;
  rdbFree(p: number): void;
  setRdbCompression(on: number): void;
  snapshotBegin(ctimeSec: number, usedMem: number, flags: number): void;
  snapshotStep(limit: number): number;
  snapshotStop(): void;
  snapshotActive(): number;
  snapshotHookKeys(): number;
  snapshotHookBytes(): number;
  setLoading(on: number): void;
  setDiskError(on: number): void;
  setAofWriteError(p: number, n: number): void;
  debugPopulate(db: number, count: number, p: number, n: number, size: number): number;
  aofRewriteBegin(): void;
  aofRewriteStep(limit: number): number;
  aofRewriteOutPtr(): number;
  aofRewriteOutLen(): number;
  aofRewriteOutTaken(): void;
  aofRewriteRelease(): void;
  aofRewrittenKeys(): number;
  rdbSerializedLength(db: number, keyPtr: number, keyLen: number): number;
  setEncodingLimits(listSize: number, listDepth: number, hashEntries: number, hashValue: number,
    setIntset: number, zsetEntries: number, zsetValue: number): void;
  setHllSparseMaxBytes(n: number): void;
  setStreamNodeLimits(maxBytes: number, maxEntries: number): void;
  execute(id: number, n: number, nowMs: number): number;
  executeInfo(id: number, n: number, nowMs: number): number;
  callInfoPtr(): number;
  outputPtr(): number;
  outputLen(): number;
  handoffArgv(): number;
  handoffArgc(): number;
  handoffCmd(): number;
  batchRecords(): number;
  batchCount(): number;
  clientDb(id: number): number;
  setClientDb(id: number, db: number): void;
  clientProto(id: number): number;
  setClientProto(id: number, p: number): void;
  clientFlags(id: number): number;
  setClientFlags(id: number, f: number): void;
  clientQbuf(id: number): number;
  clientQbufCap(id: number): number;
  clientQbufHeld(id: number): number;
  keyCount(db: number): number;
  expiresCount(db: number): number;
  avgTtl(db: number): number;
  databases(): number;
  usedMemory(): number;
  expiredKeys(): number;
  expiredStalePerc(): number;
  keyspaceHits(): number;
  keyspaceMisses(): number;
  dirtyCount(): number;
  commandsProcessed(): number;
  errorReplies(): number;
  cmdCalls(id: number): number;
  cmdFailed(id: number): number;
  cmdRejected(id: number): number;
  errorStatCount(): number;
  errorStatTotal(i: number): number;
  errorStatName(i: number): number;
  resetAllStats(): void;
  setMaxBulkLen(v: number): void;
  setRequirePass(on: number): void;
  setEvictionBits(lfu: number, logFactor: number, decayTime: number): void;
  setActiveExpireEnabled(on: number): void;
  activeExpireIsEnabled(): number;
  cronExpire(nowMs: number, budget: number): number;
  cronRehash(): number;
  flushAllDbs(): void;
  setClientPause(mode: number): void;
  setBusyScript(mode: number): void;
  hostArg(n: number): number;
  debugObject(db: number, keyLen: number): number;
  debugQuicklist(db: number, keyLen: number): number;
  // Memory reporting and the heap ceiling (assembly/memapi.ts).
  memStartup(): number;
  memPeakBytes(): number;
  memClients(): number;
  memClient(id: number): number;
  memDbMain(db: number): number;
  memDbExpires(db: number): number;
  heapStats(): number;
  heapClasses(): number;
  heapClassCount(fl: number): number;
  heapClassBytes(fl: number): number;
  heapLimitBytes(): number;
  heapCeilingBytes(): number;
  heapMarginBytes(): number;
  heapRoomBytes(): number;
  heapRefusingWrites(): number;
  heapRefusedWrites(): number;
  setHeapLimit(bytes: number): void;
  inputRefusedForRoom(): number;
  memoryPurge(): void;
  prefixWalkStart(db: number, depth: number, sepLen: number, count: number): number;
  prefixWalkStep(walk: number, budget: number): number;
  prefixWalkOrder(walk: number): number;
  prefixWalkOrderLen(walk: number): number;
  prefixWalkKeys(walk: number): number;
  prefixWalkBytes(walk: number): number;
  prefixWalkFree(walk: number): void;
  [name: string]: any;
}

/** Finds build/engine(.debug).wasm from src/engine or dist/src/engine (Node only). */
export function wasmPath(debug = false): string {
  const file = debug ? 'engine.debug.wasm' : 'engine.wasm';
  if (nodeFs) {
    for (const up of ['../../build/', '../../../build/']) {
      const url = new URL(up + file, import.meta.url);
      if (nodeFs.existsSync(url)) return decodeURIComponent(url.pathname);
    }
  }
  throw Object.assign(new Error(`engine not built: run npm run build (${file})`), { code: 'ENOENT_ENGINE' });
}

export interface EngineOptions {
  databases?: number;
  debug?: boolean;
  /** Fixed seeds make runs reproducible (tests); random by default. */
  hashSeed?: number;
  randomSeed?: bigint;
  /** The .wasm bytes or a compiled module; read from build/ when absent (Node only). */
  wasm?: BufferSource | WebAssembly.Module;
}

/** A key's internals for DEBUG OBJECT (assembly/api.ts debugObject). */
export interface DebugObject {
  addr: number;
  /** TYPE_* and ENC_* of assembly/db/entry.ts. */
  type: number;
  encoding: number;
  /** Raw LRU/LFU bits. */
  lru: number;
  idle: number;
  /** The value of an int-encoded string. */
  intValue: bigint;
  /** The bytes of a raw/embstr string (a copy); null otherwise. */
  bytes: Buffer | null;
  /** A list's quicklist: nodes, elements, fill, compress depth, listpack bytes; null otherwise. */
  quicklist: { nodes: number; count: number; fill: number; compress: number; bytes: number } | null;
}

/** The allocator's heap (assembly/memapi.ts heapStats): addresses and byte counts. */
export interface HeapStats {
  /** Linear memory size. */
  linear: number;
  /** Address of the first block, of the end of the last used block, of the heap's end. */
  start: number;
  highWater: number;
  end: number;
  freeBytes: number;
  freeBlocks: number;
  largestFree: number;
  /** The free block between the last used block and the end (growth slack). */
  topFree: number;
  /** Blocks and bytes ds/mem.ts counts (the engine's own; the runtime's objects are not among them). */
  engineBlocks: number;
  engineBytes: number;
  allocFailures: number;
  /** The smallest size of the largest free block's class: any request up to it fits without growing. */
  largestFreeClass: number;
}

/** One group of a MEMORY PREFIXES walk. */
export interface PrefixGroup { prefix: Buffer; keys: number; bytes: number }

// Below about 32 bytes a byte loop beats Buffer#copy, whose fixed cost
// (views made for the copy) is ~135 ns here; a byte costs ~3.4 ns.
const SMALL_COPY = 32;

/**
 * Copies `n` bytes of `src` from `start` to `dst` at `at`: by hand when
 * short (most replies, one request at -P1, a command's arguments), natively
 * otherwise.
 */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, start: number, n: number): void {
  if (n <= SMALL_COPY) {
    for (let i = 0; i < n; i++) dst[at + i] = src[start + i];
  } else if (Buffer.isBuffer(src)) {
    src.copy(dst, at, start, start + n);
  } else {
    dst.set(start === 0 && n === src.length ? src : src.subarray(start, start + n), at);
  }
}

export class Engine {
  readonly x: EngineExports;
  private decoder = new TextDecoder();

  constructor(opts: EngineOptions = {}) {
    const src = opts.wasm ?? nodeFs!.readFileSync(wasmPath(opts.debug));
    const module = src instanceof WebAssembly.Module ? src : new WebAssembly.Module(src);
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          const text = `engine abort: ${this.readAsString(msg)} at ${this.readAsString(file)}:${line}:${col}`;
          throw Object.assign(new Error(text), { code: 'ENGINE_ABORT' });
        },
      },
    });
    this.x = instance.exports as unknown as EngineExports;
    const seed = new DataView(randomBytes(12).buffer);
    this.x.init(
      opts.databases ?? 16,
      opts.hashSeed ?? seed.getUint32(0, true),
      opts.randomSeed ?? seed.getBigUint64(4, true),
    );
    this.infoAt = this.x.callInfoPtr() >>> 2;
  }

  get memory(): WebAssembly.Memory { return this.x.memory; }

  // Views over the whole memory, re-created only when a grow has detached
  // the old buffer: the per-read path then allocates no view objects.
  private u8View = Buffer.alloc(0);
  private i32View = new Int32Array(0);

  /** The byte view of linear memory (a Buffer, for copy()), fresh after any growth. */
  bytes(): Buffer {
    // A grow detaches the old buffer, whose views then read as empty:
    // cheaper to test than fetching memory.buffer on every access.
    if (this.u8View.byteLength === 0) {
      const buf = this.x.memory.buffer;
      this.u8View = Buffer.from(buf);
      this.i32View = new Int32Array(buf);
    }
    return this.u8View;
  }

  /** The engine's memory as i32, current (a grow replaces the view). */
  ints(): Int32Array {
    this.bytes();
    return this.i32View;
  }

  /**
   * executeInfo's record (assembly/index.ts callInfo), as an index into
   * ints(): filled by every executeInfo call, this class's or the embedded
   * API's own.
   */
  private infoAt = 0;

  // What the last feed() or resume() left, read from its record instead of
  // asking the engine figure by figure: valid until anything else runs in
  // the engine (a host command, another client).

  /** Its output, copied (takeOutput()), into a buffer of `pool`'s when given. */
  lastOutput(pool: OutputPool | null = null): Buffer | null {
    const i32 = this.ints();
    const len = i32[this.infoAt + INFO_OUT_LEN];
    if (len === 0) return null;
    // Addresses past 2 GiB come back as negative i32: read them unsigned.
    const ptr = i32[this.infoAt + INFO_OUT_PTR] >>> 0;
    const out = pool ? pool.take(len) : BufferClass.allocUnsafe(len);
    copyBytes(out, 0, this.u8View, ptr, len);
    return out;
  }

  /**
   * How many batch records the last execute() left: (cmdId, db, start, end),
   * 4 i32 each from ints()[lastBatchAt()], valid until the next call into
   * the engine. start and end are the addresses of the command's request
   * bytes; cmdId is -1 for an unknown command and -2 - id for one refused
   * before it ran (arity, auth, ...).
   */
  lastBatchCount(): number { return this.ints()[this.infoAt + INFO_BATCH_LEN]; }

  /** Where the first batch record is, as an index into ints(). */
  lastBatchAt(): number { return this.ints()[this.infoAt + INFO_BATCH_PTR] >>> 2; }

  /** Bytes of keyspace events waiting (notifyLen()). */
  lastNotifyLen(): number { return this.ints()[this.infoAt + INFO_NOTIFY_LEN]; }

  /** The client's unread input (clientQbuf()). */
  lastQbuf(): number { return this.ints()[this.infoAt + INFO_QBUF] >>> 0; }

  /** Copies the first `n` bytes of `chunk` into client `id`'s input and runs what is complete. */
  feed(id: number, chunk: Uint8Array, nowMs: number, n = chunk.length): number {
    if (!this.copyIn(id, chunk, n)) return ST_INPUT_FULL;
    return this.x.executeInfo(id, n, nowMs);
  }

  /** Copies input for a client that must not run it yet (blocked); ST_INPUT_FULL or ST_OK. */
  append(id: number, chunk: Uint8Array, n = chunk.length): number {
    if (!this.copyIn(id, chunk, n)) return ST_INPUT_FULL;
    this.x.appendInput(id, n);
    return ST_OK;
  }

  /** Copies `n` bytes of `chunk` to the end of client `id`'s input; false when it cannot grow. */
  private copyIn(id: number, chunk: Uint8Array, n: number): boolean {
    const ptr = this.x.reserveInput(id, n) >>> 0;
    if (ptr === 0) return false;
    copyBytes(this.bytes(), ptr, chunk, 0, n);
    return true;
  }

  /** After ST_BLOCKED: the keys the command waits on and its deadline (unix ms, 0 = never). */
  blockedOn(): { keys: Buffer[]; deadline: number } {
    const args = this.handoffArgs();
    const first = this.x.blockFirst();
    return { keys: args.slice(first, first + this.x.blockCount()), deadline: this.x.blockTimeout() };
  }

  /**
   * The keys signalled ready since the last call, as "db:key" (key bytes
   * as latin1), deduplicated in first-signal order; clears the engine's list.
   * A bare "db" (no colon) means every key of that database (SWAPDB).
   */
  takeReadyKeys(): string[] {
    const len = this.x.readyLen();
    if (len === 0) return [];
    const mem = this.bytes();
    const base = this.x.readyPtr() >>> 0;
    const seen = new Set<string>();
    for (let at = 0; at < len;) {
      const db = mem.readInt32LE(base + at);
      const n = mem.readUInt32LE(base + at + 4);
      seen.add(db < 0 ? `${-1 - db}` : `${db}:${mem.toString('latin1', base + at + 8, base + at + 8 + n)}`);
      at += 8 + ((n + 3) & ~3);
    }
    this.x.readyClear();
    return [...seen];
  }

  /**
   * Keyspace events recorded since the last call, in order, as (db, event,
   * key); clears the engine's list.
   */
  takeKeyspaceEvents(): { db: number; event: string; key: Buffer }[] {
    const len = this.x.notifyLen();
    if (len === 0) return [];
    const mem = this.bytes();
    const base = this.x.notifyPtr() >>> 0;
    const out: { db: number; event: string; key: Buffer }[] = [];
    for (let at = 0; at < len;) {
      const p = base + at;
      const db = mem.readInt32LE(p);
      const evLen = mem.readUInt32LE(p + 4);
      const keyLen = mem.readUInt32LE(p + 8);
      const event = mem.toString('latin1', p + 12, p + 12 + evLen);
      const key = Buffer.from(mem.subarray(p + 12 + evLen, p + 12 + evLen + keyLen));
      out.push({ db, event, key });
      at += 12 + ((evLen + keyLen + 3) & ~3);
    }
    this.x.notifyClear();
    return out;
  }

  /** Continues after a hand-off. */
  resume(id: number, nowMs: number): number {
    return this.x.executeInfo(id, 0, nowMs);
  }

  /** A copy of the replies written by the last execute. */
  takeOutput(): Buffer | null {
    const len = this.x.outputLen();
    if (len === 0) return null;
    const ptr = this.x.outputPtr() >>> 0;
    const out = Buffer.allocUnsafe(len);
    this.bytes().copy(out, 0, ptr, ptr + len);
    return out;
  }

  /**
   * The propagation stream written since the last call (RESP commands as
   * the AOF stores them), copied out and cleared; null when empty.
   */
  takePropagation(): Buffer | null {
    const len = this.x.propStreamLen();
    if (len === 0) return null;
    const ptr = this.x.propStreamPtr() >>> 0;
    const out = Buffer.allocUnsafe(len);
    this.bytes().copy(out, 0, ptr, ptr + len);
    this.x.propStreamClear();
    return out;
  }

  /** The handed-off command's arguments, copied out. */
  handoffArgs(): Buffer[] {
    const argc = this.x.handoffArgc();
    const argv = this.x.handoffArgv() >>> 0;
    const mem = this.bytes();
    const i32 = this.i32View;
    // Inline commands keep args in another buffer; handoffArgv gives offsets
    // relative to the base that bindArgs chose, exported as argBase.
    const base = this.x.handoffBase() >>> 0;
    // Copied: the host keeps args past the next engine call. A Buffer of
    // its own each (from Node's pool) with short ones copied by hand is
    // cheaper than slicing one shared copy: subarray's species lookup and
    // Buffer#copy's fixed cost dominate arguments this small.
    const out: Buffer[] = new Array(argc);
    for (let i = 0; i < argc; i++) {
      const start = base + (i32[(argv >>> 2) + i * 2] >>> 0);
      const n = i32[(argv >>> 2) + i * 2 + 1] >>> 0;
      const b = BufferClass.allocUnsafe(n);
      copyBytes(b, 0, mem, start, n);
      out[i] = b;
    }
    return out;
  }

  /** Request bytes between two addresses of a batch record (for MONITOR/SLOWLOG): a copy. */
  requestBytes(start: number, end: number): Buffer {
    start >>>= 0;
    end >>>= 0;
    return Buffer.from(new Uint8Array(this.x.memory.buffer, start, end - start));
  }

  /** DEBUG OBJECT's facts about a key in `db`, or null if it does not exist. */
  debugObject(db: number, key: Buffer): DebugObject | null {
    const p = this.x.hostArg(key.length) >>> 0;
    new Uint8Array(this.x.memory.buffer, p, key.length).set(key);
    const rec = this.x.debugObject(db, key.length) >>> 0;
    if (rec === 0) return null;
    const dv = new DataView(this.x.memory.buffer, rec, 32);
    const valPtr = dv.getUint32(24, true);
    const valLen = dv.getUint32(28, true);
    const o: DebugObject = {
      addr: dv.getUint32(0, true), type: dv.getUint8(4), encoding: dv.getUint8(5),
      lru: dv.getUint32(8, true), idle: dv.getUint32(12, true), intValue: dv.getBigInt64(16, true),
      bytes: valPtr ? Buffer.from(new Uint8Array(this.x.memory.buffer, valPtr, valLen)) : null,
      quicklist: null,
    };
    const ql = this.x.debugQuicklist(db, key.length) >>> 0;
    if (ql !== 0) {
      const q = new DataView(this.x.memory.buffer, ql, 24);
      o.quicklist = {
        nodes: q.getUint32(0, true), count: q.getUint32(4, true), fill: q.getInt32(8, true),
        compress: q.getInt32(12, true), bytes: q.getFloat64(16, true),
      };
    }
    return o;
  }

  /** The allocator heap's figures (assembly/memapi.ts heapStats; walks the free lists). */
  heapStats(): HeapStats {
    const p = this.x.heapStats() >>> 0;
    const v = new Float64Array(this.x.memory.buffer, p, 12);
    return {
      linear: v[0], start: v[1], highWater: v[2], end: v[3], freeBytes: v[4], freeBlocks: v[5],
      largestFree: v[6], topFree: v[7], engineBlocks: v[8], engineBytes: v[9], allocFailures: v[10],
      largestFreeClass: v[11],
    };
  }

  /** Starts a MEMORY PREFIXES walk of `db` (assembly/db/prefixes.ts); returns its handle. */
  prefixWalkStart(db: number, depth: number, sep: Buffer, count: number): number {
    const p = this.x.hostArg(sep.length) >>> 0;
    new Uint8Array(this.x.memory.buffer, p, sep.length).set(sep);
    return this.x.prefixWalkStart(db, depth, sep.length, count);
  }

  /** Groups [from, to) of a finished walk's result, largest first (prefix bytes copied out). */
  prefixWalkResult(walk: number, from = 0, to = this.x.prefixWalkOrderLen(walk)): PrefixGroup[] {
    const order = this.x.prefixWalkOrder(walk) >>> 0;
    const mem = this.bytes();
    const u64 = (at: number) => mem.readUInt32LE(at) + mem.readUInt32LE(at + 4) * 2 ** 32;
    const out: PrefixGroup[] = [];
    for (let i = from; i < to; i++) {
      const g = mem.readUInt32LE(order + i * 4);
      const len = mem.readUInt32LE(g + 8);
      out.push({ prefix: Buffer.from(mem.subarray(g + 32, g + 32 + len)), keys: u64(g + 16), bytes: u64(g + 24) });
    }
    return out;
  }

  /** Reads an AssemblyScript string (UTF-16, length in the header). */
  readAsString(ptr: number): string {
    ptr >>>= 0;
    if (!ptr) return '';
    const mem = this.x.memory.buffer;
    const len = new Uint32Array(mem, ptr - 4, 1)[0] >>> 1;
    return String.fromCharCode(...new Uint16Array(mem, ptr, len));
  }

  /** Reads a (u32 length, bytes) record. */
  readLenBytes(ptr: number): string {
    ptr >>>= 0;
    const mem = this.x.memory.buffer;
    const n = new DataView(mem).getUint32(ptr, true);
    return this.decoder.decode(new Uint8Array(mem, ptr + 4, n));
  }
}
