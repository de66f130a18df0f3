// The only code that touches the engine's linear memory. Loads the .wasm,
// wraps its exports, and moves bytes across the boundary: a socket read in,
// the replies out, the arguments of a handed-off command out.
//
// Views over memory.buffer go stale when the memory grows, so every accessor
// re-reads `memory.buffer` instead of caching a view.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

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
/** The hidden client scripts run their commands on (never paused, never BUSY). */
export const CF_SCRIPT = 32768;

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
  setBlockedWatch(on: number): void;
  clientResetTx(id: number): void;
  setKeyspaceEvents(flags: number): void;
  notifyPtr(): number;
  notifyLen(): number;
  notifyClear(): void;
  clientMultiCount(id: number): number;
  clientWatchCount(id: number): number;
  readyPtr(): number;
  readyLen(): number;
  readyClear(): void;
  setEncodingLimits(listSize: number, listDepth: number, hashEntries: number, hashValue: number,
    setIntset: number, zsetEntries: number, zsetValue: number): void;
  execute(id: number, n: number, nowMs: number): number;
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
  [name: string]: any;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Finds build/engine(.debug).wasm from src/engine or dist/src/engine. */
export function wasmPath(debug = false): string {
  const file = debug ? 'engine.debug.wasm' : 'engine.wasm';
  for (const up of ['../..', '../../..']) {
    const p = join(here, up, 'build', file);
    try { readFileSync(p, { flag: 'r' }).byteLength; return p; } catch { /* try next */ }
  }
  throw Object.assign(new Error(`engine not built: run npm run build (${file})`), { code: 'ENOENT_ENGINE' });
}

export interface EngineOptions {
  databases?: number;
  debug?: boolean;
  /** Fixed seeds make runs reproducible (tests); random by default. */
  hashSeed?: number;
  randomSeed?: bigint;
  wasm?: BufferSource;
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
}

const EMPTY_BATCH = new Int32Array(0);

export class Engine {
  readonly x: EngineExports;
  private decoder = new TextDecoder();

  constructor(opts: EngineOptions = {}) {
    const bytes = opts.wasm ?? readFileSync(wasmPath(opts.debug));
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          const text = `engine abort: ${this.readAsString(msg)} at ${this.readAsString(file)}:${line}:${col}`;
          throw Object.assign(new Error(text), { code: 'ENGINE_ABORT' });
        },
      },
    });
    this.x = instance.exports as unknown as EngineExports;
    const seed = randomBytes(12);
    this.x.init(
      opts.databases ?? 16,
      opts.hashSeed ?? seed.readUInt32LE(0),
      opts.randomSeed ?? seed.readBigUInt64LE(4),
    );
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

  private ints(): Int32Array {
    this.bytes();
    return this.i32View;
  }

  /** Copies the first `n` bytes of `chunk` into client `id`'s input and runs what is complete. */
  feed(id: number, chunk: Uint8Array, nowMs: number, n = chunk.length): number {
    const ptr = this.x.reserveInput(id, n);
    if (ptr === 0) return ST_INPUT_FULL;
    const mem = this.bytes();
    if (Buffer.isBuffer(chunk)) chunk.copy(mem, ptr, 0, n);
    else mem.set(n === chunk.length ? chunk : chunk.subarray(0, n), ptr);
    return this.x.execute(id, n, nowMs);
  }

  /** Copies input for a client that must not run it yet (blocked); ST_INPUT_FULL or ST_OK. */
  append(id: number, chunk: Uint8Array, n = chunk.length): number {
    const ptr = this.x.reserveInput(id, n);
    if (ptr === 0) return ST_INPUT_FULL;
    const mem = this.bytes();
    if (Buffer.isBuffer(chunk)) chunk.copy(mem, ptr, 0, n);
    else mem.set(n === chunk.length ? chunk : chunk.subarray(0, n), ptr);
    this.x.appendInput(id, n);
    return ST_OK;
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
   */
  takeReadyKeys(): string[] {
    const len = this.x.readyLen();
    if (len === 0) return [];
    const mem = this.bytes();
    const base = this.x.readyPtr();
    const seen = new Set<string>();
    for (let at = 0; at < len;) {
      const db = mem.readInt32LE(base + at);
      const n = mem.readUInt32LE(base + at + 4);
      seen.add(`${db}:${mem.toString('latin1', base + at + 8, base + at + 8 + n)}`);
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
    const base = this.x.notifyPtr();
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
    return this.x.execute(id, 0, nowMs);
  }

  /** A copy of the replies written by the last execute. */
  takeOutput(): Buffer | null {
    const len = this.x.outputLen();
    if (len === 0) return null;
    const ptr = this.x.outputPtr();
    const out = Buffer.allocUnsafe(len);
    this.bytes().copy(out, 0, ptr, ptr + len);
    return out;
  }

  /** The handed-off command's arguments, copied out. */
  handoffArgs(): Buffer[] {
    const argc = this.x.handoffArgc();
    const argv = this.x.handoffArgv();
    const mem = this.x.memory.buffer;
    const spans = new Uint32Array(mem, argv, argc * 2);
    // Inline commands keep args in another buffer; handoffArgv gives offsets
    // relative to the base that bindArgs chose, exported as argBase.
    const base = this.x.handoffBase();
    const out: Buffer[] = [];
    for (let i = 0; i < argc; i++) {
      out.push(Buffer.from(new Uint8Array(mem, base + spans[i * 2], spans[i * 2 + 1])));
    }
    return out;
  }

  /**
   * (cmdId, db, start, end) of each command run by the last execute (start
   * and end are addresses of its request bytes, valid until the next call
   * into the engine): a view
   * valid until the next call into the engine. cmdId is -1 for an unknown
   * command and -2 - id for one refused before it ran (arity, auth, ...).
   */
  batch(): Int32Array {
    const n = this.x.batchCount();
    if (n === 0) return EMPTY_BATCH;
    const at = this.x.batchRecords() >> 2;
    return this.ints().subarray(at, at + n * 4);
  }

  /** Request bytes between two addresses of a batch record (for MONITOR/SLOWLOG): a copy. */
  requestBytes(start: number, end: number): Buffer {
    return Buffer.from(new Uint8Array(this.x.memory.buffer, start, end - start));
  }

  /** DEBUG OBJECT's facts about a key in `db`, or null if it does not exist. */
  debugObject(db: number, key: Buffer): DebugObject | null {
    const p = this.x.hostArg(key.length);
    new Uint8Array(this.x.memory.buffer, p, key.length).set(key);
    const rec = this.x.debugObject(db, key.length);
    if (rec === 0) return null;
    const dv = new DataView(this.x.memory.buffer, rec, 32);
    const valPtr = dv.getUint32(24, true);
    const valLen = dv.getUint32(28, true);
    return {
      addr: dv.getUint32(0, true), type: dv.getUint8(4), encoding: dv.getUint8(5),
      lru: dv.getUint32(8, true), idle: dv.getUint32(12, true), intValue: dv.getBigInt64(16, true),
      bytes: valPtr ? Buffer.from(new Uint8Array(this.x.memory.buffer, valPtr, valLen)) : null,
    };
  }

  /** Reads an AssemblyScript string (UTF-16, length in the header). */
  readAsString(ptr: number): string {
    if (!ptr) return '';
    const mem = this.x.memory.buffer;
    const len = new Uint32Array(mem, ptr - 4, 1)[0] >>> 1;
    return String.fromCharCode(...new Uint16Array(mem, ptr, len));
  }

  /** Reads a (u32 length, bytes) record. */
  readLenBytes(ptr: number): string {
    const mem = this.x.memory.buffer;
    const n = new DataView(mem).getUint32(ptr, true);
    return this.decoder.decode(new Uint8Array(mem, ptr + 4, n));
  }
}
