// The embedded store: a host core (src/host/core.ts) with no listener. Its
// clients are API handles (ApiClient, below) and in-process streams
// (connection.ts); every command goes through the same engine, host
// commands, blocking, pause and accounting code as the TCP server's.
//
// ApiClient's synchronous path is the hot one: the request is encoded
// straight into the client's input buffer in linear memory, execute() runs
// it, and the reply is decoded straight from the output buffer. Anything
// that is not a plain engine reply (a host command, a blocked command,
// MONITOR active, CLIENT PAUSE) takes the core's general path, which writes
// the replies to the ApiClient as a socket.
import { ST_OK, INFO_OUT_PTR, INFO_OUT_LEN, INFO_BATCH_PTR, INFO_BATCH_LEN, INFO_NOTIFY_LEN } from '../engine/engine.js';
import { HostCore, CoreOptions } from '../host/core.js';
import { nodeProcess } from '../host/platform.js';
import type { ClientSocket, HostClient } from '../host/context.js';
import type { Scripting } from '../host/scripting/index.js';
import {
  Arg, argText, requestLength, writeRequest, asciiRequestLength, writeAsciiRequest, ReplyDecoder, ReplyValue, PushMessage, INCOMPLETE, utf8Text, asciiText,
  ASCII_TEXT_MAX, copyBytes,
} from './resp.js';
import { VermilionError } from './errors.js';

const NO_OUTPUT: Buffer[] = [];

/**
 * The clock for command durations, held: in Node the global `performance`
 * is a lazy getter, which costs a third as much again as the read itself
 * on every one of the two reads a command makes.
 */
const perf = globalThis.performance;

/** Node's Buffer (not the browser build's JS one): views of memory are Buffers, text is decoded natively. */
const NATIVE_TEXT = nodeProcess !== null && typeof Buffer === 'function' && typeof (Buffer.prototype as any).utf8Slice === 'function';

/**
 * Replies up to this long are decoded by asciiText when ASCII. Past 16
 * bytes it takes two String.fromCharCode calls and a concatenation, which
 * Node's native utf8Slice beats from about 20 bytes (measured: 16 bytes
 * 74 ns against 109, 24 bytes 134 against 123); without a native decoder
 * (browsers: TextDecoder) asciiText wins up to its own limit.
 */
const SHORT_TEXT = NATIVE_TEXT ? 16 : ASCII_TEXT_MAX;

/** A byte view of the engine's memory: a Buffer where text decoding is native. */
function memView(buf: ArrayBufferLike): Uint8Array {
  return NATIVE_TEXT ? Buffer.from(buf) : new Uint8Array(buf);
}

/**
 * One complete reply at mem[p, end): the common single-line and bulk
 * replies read directly, the rest by the general decoder.
 */
function decodeOne(d: ReplyDecoder, mem: Uint8Array, p: number, end: number, buffers: boolean): ReplyValue {
  const type = mem[p];
  if (type === 0x24 && mem[p + 1] !== 0x2d) { // '$' and not $-1
    let i = p + 1;
    let len = 0;
    for (let b = mem[i]; b !== 13; b = mem[++i]) len = len * 10 + (b - 48);
    const s = i + 2;
    if (buffers) return copyBytes(mem, s, s + len);
    // Short ASCII (most keys and values) without a native call; in Node the
    // view is a Buffer, whose native utf8Slice beats a JS loop on the rest.
    if (len <= SHORT_TEXT) {
      const t = asciiText(mem, s, len);
      if (t !== null) return t;
    }
    return NATIVE_TEXT ? (mem as any).utf8Slice(s, s + len) : utf8Text(mem, s, s + len);
  }
  if (type === 0x3a && end - p < 18) { // ':' with a safe integer
    let i = p + 1;
    const neg = mem[i] === 0x2d;
    if (neg) i++;
    let n = 0;
    for (let b = mem[i]; b !== 13; b = mem[++i]) n = n * 10 + (b - 48);
    return neg ? -n : n;
  }
  if (type === 0x2b && end - p === 5 && mem[p + 1] === 0x4f && mem[p + 2] === 0x4b) return 'OK';
  return d.reset(mem, p, end, buffers).next() as ReplyValue;
}

export class EmbeddedCore extends HostCore {
  closed = false;
  /** Called when a client sends SHUTDOWN: the owner closes the store. */
  onShutdown: (() => void) | null = null;

  constructor(opts: CoreOptions) {
    super(opts);
    this.cron.start();
  }

  /** A new client for an in-process connection. */
  connect(socket: ClientSocket, name: string): HostClient {
    this.stats.totalConnections++;
    // No address: Redis shows unix-socket clients as "/path:0"; ours have none.
    return this.addClient(socket, { addr: `${name}:0`, laddr: `${name}:0`, fd: -1 });
  }

  /**
   * Whether the call being run may be answered later: set while an
   * asynchronous API call runs, so a scripting command can wait for the Lua
   * VM to load, or a busy script can give the event loop turns, as on a socket.
   */
  deferrable = false;

  protected canDefer(_c: HostClient): boolean { return this.deferrable; }

  /** Gives the store Lua scripting once the VM has loaded (src/embedded/lua.ts). */
  enableScripting(ready: Promise<Scripting>): void { this.attachScripting(ready); }

  /** Runs cron work (save points) owned by the embedding layer after each tick. */
  set onCronTick(fn: (() => void) | null) { this.cron.onTick = fn; }

  /**
   * The fast path's accounting: what drive() does for one execute() call,
   * without allocating when the call ran exactly one command. `i32` views
   * the engine's memory; `rec` is the batch records' i32 index, `n` their count.
   */
  accountFast(c: HostClient, t0: number, i32: Int32Array, rec: number, n: number): void {
    if (n === 1) this.accountOne(c, t0, i32, rec);
    else this.account(c, t0, false, NO_OUTPUT);
  }

  /** One cron tick now (tests; ManualClock users get them from advance()). */
  runCron(): void { this.cron.tick(); }

  shutdown(): void {
    const fn = this.onShutdown;
    // After the command's own bookkeeping is done.
    queueMicrotask(() => fn?.());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopCore();
  }
}

interface Waiter {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** Replies still to collect (a pipeline waits for several). */
  left: number;
  values: ReplyValue[];
  buffers: boolean;
}

/**
 * One API connection: an engine client plus the socket the core writes its
 * replies to. Replies that arrive while nobody waits (a command that was
 * paused and later ran for a sync caller who gave up) are dropped.
 */
export class ApiClient implements ClientSocket {
  readonly c: HostClient;
  private mem: Uint8Array;
  /** The engine's memory as i32 (empty once a growth detached it), and executeInfo's record in it. */
  private i32 = new Int32Array(0);
  private readonly info: number;
  private readonly lens: number[] = [];
  private readonly texts: (string | Uint8Array)[] = [];
  private readonly decoder = new ReplyDecoder();
  /** Bytes the core wrote and no caller took yet. */
  private inbox: Uint8Array | null = null;
  private inboxPos = 0;
  private waiters: Waiter[] = [];
  /** Replies owed to callers that stopped waiting (EWOULDBLOCK). */
  private orphans = 0;
  /** Set while a call collects its own replies from the inbox (the general path). */
  private collecting = false;
  onPush: ((msg: PushMessage) => void) | null = null;
  /** Decode out-of-band pushes' bulk strings as bytes (a subscription's connection). */
  pushBuffers = false;
  onClose: (() => void) | null = null;

  constructor(readonly core: EmbeddedCore, name = 'embedded') {
    this.c = core.connect(this, name);
    this.mem = memView(core.engine.memory.buffer);
    this.info = core.engine.x.callInfoPtr() >>> 2;
  }

  // ---- ClientSocket ------------------------------------------------------------

  get writableLength(): number { return this.inbox ? this.inbox.length - this.inboxPos : 0; }
  isPaused(): boolean { return false; }
  end(): void { /* nothing buffered on our side */ }

  destroy(): void {
    const waiting = this.waiters;
    this.waiters = [];
    const err = new VermilionError('ECLOSED', 'connection closed');
    for (const w of waiting) w.reject(err);
    this.onClose?.();
  }

  write(data: Uint8Array | string): boolean {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.inbox && this.inboxPos < this.inbox.length) {
      const rest = this.inbox.subarray(this.inboxPos);
      const joined = new Uint8Array(rest.length + bytes.length);
      joined.set(rest, 0);
      joined.set(bytes, rest.length);
      this.inbox = joined;
    } else {
      this.inbox = bytes;
    }
    this.inboxPos = 0;
    if (!this.collecting) this.deliver();
    return true;
  }

  get open(): boolean { return this.c.socket !== null; }

  // ---- calls -------------------------------------------------------------------

  /**
   * Room for a request of `total` bytes in the client's input: its address,
   * with this.mem a view that reaches past it (linear memory may have grown).
   */
  private reserve(total: number): number {
    const x = this.core.engine.x;
    const ptr = x.reserveInput(this.c.slot, total) >>> 0;
    if (ptr === 0) throw new VermilionError('EINVAL', 'request larger than the engine can buffer');
    if (this.mem.length < ptr + total) this.mem = memView(x.memory.buffer);
    return ptr;
  }

  /**
   * Runs one command and returns its reply (a ReplyError is returned, not
   * thrown). Synchronously: a blocking command that would wait answers at
   * once as on timeout (nil), as Redis runs blocking commands inside MULTI
   * or a script. Asynchronously (`wait`): a blocked or paused command
   * returns a promise of its reply.
   */
  run(args: ArrayLike<Arg>, buffers: boolean, wait: boolean, name: string | null = null): ReplyValue | Promise<ReplyValue[]> {
    const c = this.c;
    if (!c.socket) throw new VermilionError('ECLOSED', 'the store is closed');
    if (this.waiters.length > 0) {
      if (wait) return this.enqueue([name === null ? args : [name, ...Array.from(args)]], buffers);
      throw new VermilionError('EBUSY', 'an asynchronous call on this connection is still waiting (blocked or paused); use another handle');
    }
    const core = this.core;
    const x = core.engine.x;
    const texts = this.texts;
    let argc = 0;
    if (name !== null) texts[argc++] = name;
    for (let i = 0; i < args.length; i++) texts[argc++] = argText(args[i]);
    if (argc === 0) throw new VermilionError('EINVAL', 'a command needs a name');
    // Sized and written as ASCII (one pass over the text); redone exactly
    // at the first character that is not.
    // (reserve() first: it may replace this.mem.)
    let total = asciiRequestLength(texts, argc);
    const ptr = this.reserve(total);
    if (writeAsciiRequest(this.mem, ptr, texts, argc) < 0) {
      total = requestLength(texts, argc, this.lens);
      // Nothing was consumed: the same reservation, made larger.
      const again = this.reserve(total);
      writeRequest(this.mem, again, texts, argc, this.lens);
    }
    const t0 = perf.now();
    const clock = core.clock;
    const now = clock.atPerf ? clock.atPerf(t0) : clock.now();
    c.lastInteraction = now;
    core.stats.netInputBytes += total;
    let st: number;
    try {
      st = x.executeInfo(c.slot, total, now);
    } catch (err) {
      throw this.engineAbort(err);
    }
    if (st === ST_OK && !core.monitors.active) {
      // One read of what the call left (index.ts executeInfo), not a call per figure.
      let i32 = this.i32;
      if (i32.length === 0) i32 = this.i32 = new Int32Array(x.memory.buffer);
      const info = this.info;
      // Addresses past 2 GiB come back as negative i32: read them unsigned.
      const len = i32[info + INFO_OUT_LEN];
      core.accountFast(c, t0, i32, i32[info + INFO_BATCH_PTR] >>> 2, i32[info + INFO_BATCH_LEN]);
      // Keyspace events (notify-keyspace-events) go out as drive() sends
      // them, after the reply is read: publishing reuses the output buffer.
      const events = i32[info + INFO_NOTIFY_LEN] > 0;
      // CLIENT REPLY OFF / SKIP: nothing to decode.
      if (len === 0) {
        if (events) core.publishKeyspaceEvents();
        return undefined as unknown as ReplyValue;
      }
      core.stats.netOutputBytes += len;
      const p = i32[info + INFO_OUT_PTR] >>> 0;
      let mem = this.mem;
      if (mem.length < p + len) mem = this.mem = memView(x.memory.buffer);
      const v = decodeOne(this.decoder, mem, p, p + len, buffers);
      if (events) core.publishKeyspaceEvents();
      return v;
    }
    this.collecting = true;
    core.deferrable = wait;
    try {
      core.afterExecute(c, st, t0);
      const out: ReplyValue[] = [];
      this.takeReplies(out, 1, buffers);
      if (out.length === 1) return out[0];
      if (wait && c.socket && (c.blocked || c.suspended || core.isPaused(c))) return this.waitFor(1, buffers);
      return this.finishSync(out, 1, buffers)[0];
    } finally {
      this.collecting = false;
      core.deferrable = false;
    }
  }

  /** Runs commands as one pipeline; replies (errors included) in order. */
  runMany(cmds: ArrayLike<Arg>[], buffers: boolean, wait: boolean): ReplyValue[] | Promise<ReplyValue[]> {
    const c = this.c;
    if (!c.socket) throw new VermilionError('ECLOSED', 'the store is closed');
    if (cmds.length === 0) return [];
    if (this.waiters.length > 0) {
      if (wait) return this.enqueue(cmds, buffers);
      throw new VermilionError('EBUSY', 'an asynchronous call on this connection is still waiting (blocked or paused); use another handle');
    }
    this.collecting = true;
    this.core.deferrable = wait;
    try {
      this.feed(this.encodeMany(cmds));
      const out: ReplyValue[] = [];
      this.takeReplies(out, cmds.length, buffers);
      if (out.length === cmds.length) return out;
      if (wait && c.socket && (c.blocked || c.suspended || this.core.isPaused(c))) {
        const w = this.waitFor(cmds.length - out.length, buffers);
        return w.then((rest) => out.concat(rest));
      }
      return this.finishSync(out, cmds.length, buffers);
    } finally {
      this.collecting = false;
      this.core.deferrable = false;
    }
  }

  /**
   * Runs one command synchronously and returns its reply's raw RESP bytes
   * (the playground formats them as redis-cli does). Pushes are skipped.
   */
  runRaw(args: ArrayLike<Arg>): Uint8Array {
    const c = this.c;
    if (!c.socket) throw new VermilionError('ECLOSED', 'the store is closed');
    if (this.waiters.length > 0) {
      throw new VermilionError('EBUSY', 'an asynchronous call on this connection is still waiting (blocked or paused); use another handle');
    }
    this.collecting = true;
    try {
      return this.rawReply(args);
    } finally {
      this.collecting = false;
    }
  }

  private rawReply(args: ArrayLike<Arg>): Uint8Array {
    const c = this.c;
    this.feed(this.encodeMany([args]));
    for (;;) {
      const inbox = this.inbox;
      const start = this.inboxPos;
      const v = this.nextFromInbox(false);
      if (v !== INCOMPLETE) {
        const end = this.inbox === inbox ? this.inboxPos : inbox!.length;
        if (v instanceof PushMessage) { this.onPush?.(v); continue; }
        return copyBytes(inbox!, start, end);
      }
      if (!c.socket) throw new VermilionError('ECLOSED', 'connection closed by the command');
      if (c.blocked) { this.core.timeOutNow(c); continue; }
      if (this.core.isPaused(c)) {
        this.orphans++;
        throw new VermilionError('EWOULDBLOCK', 'CLIENT PAUSE holds this command; it runs when the pause ends');
      }
      return new Uint8Array(0);
    }
  }

  /** After the general path: fills `out` to `n` replies, answering blocked commands as timed out. */
  private finishSync(out: ReplyValue[], n: number, buffers: boolean): ReplyValue[] {
    const core = this.core;
    const c = this.c;
    for (;;) {
      this.takeReplies(out, n, buffers);
      if (out.length === n) return out;
      if (!c.socket) throw new VermilionError('ECLOSED', 'connection closed by the command');
      if (c.blocked) {
        core.timeOutNow(c);
        continue;
      }
      if (core.isPaused(c)) {
        this.orphans += n - out.length;
        throw new VermilionError('EWOULDBLOCK', 'CLIENT PAUSE holds this command; it runs when the pause ends (use call() to wait for it)');
      }
      // Nothing owed: the connection replies nothing (CLIENT REPLY OFF / SKIP).
      while (out.length < n) out.push(undefined as unknown as ReplyValue);
      return out;
    }
  }

  /** A promise of the next `n` replies (the command is blocked or paused). */
  private waitFor(n: number, buffers: boolean): Promise<ReplyValue[]> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve: resolve as (v: unknown) => void, reject, left: n, values: [], buffers });
    });
  }

  /** Commands behind a waiting one: their bytes wait in the client's input, as on a socket. */
  private enqueue(cmds: ArrayLike<Arg>[], buffers: boolean): Promise<ReplyValue[]> {
    const bytes = this.encodeMany(cmds);
    const p = this.waitFor(cmds.length, buffers);
    this.feed(bytes);
    return p;
  }

  // ---- plumbing --------------------------------------------------------------------

  private encodeMany(cmds: ArrayLike<Arg>[]): Uint8Array {
    let total = 0;
    const all: { texts: (string | Uint8Array)[]; lens: number[] }[] = [];
    for (let i = 0; i < cmds.length; i++) {
      const args = cmds[i];
      if (args.length === 0) throw new VermilionError('EINVAL', 'a command needs a name');
      const texts = Array.from(args, argText);
      const lens: number[] = [];
      total += requestLength(texts, texts.length, lens);
      all.push({ texts, lens });
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const { texts, lens } of all) at = writeRequest(bytes, at, texts, texts.length, lens);
    return bytes;
  }

  /** Sends request bytes through the core's general path (as a socket read would). */
  private feed(bytes: Uint8Array): void {
    this.core.onData(this.c, bytes, bytes.length);
  }

  /** Moves complete replies from the inbox into `out` (at most `n`); pushes go to onPush. */
  private takeReplies(out: ReplyValue[], n: number, buffers: boolean): void {
    while (out.length < n || this.orphans > 0) {
      const v = this.nextFromInbox(buffers);
      if (v === INCOMPLETE) return;
      if (v instanceof PushMessage) { this.onPush?.(v); continue; }
      if (this.orphans > 0) { this.orphans--; continue; }
      out.push(v);
    }
  }

  private nextFromInbox(buffers: boolean): ReplyValue | PushMessage | typeof INCOMPLETE {
    const inbox = this.inbox;
    if (!inbox || this.inboxPos >= inbox.length) return INCOMPLETE;
    const d = this.decoder.reset(inbox, this.inboxPos, inbox.length, buffers);
    try {
      const v = d.next();
      this.inboxPos = d.pos;
      if (this.inboxPos >= inbox.length) { this.inbox = null; this.inboxPos = 0; }
      return v;
    } catch (err) {
      if (err === INCOMPLETE) return INCOMPLETE;
      throw err;
    }
  }

  /** Settles waiters in order as their replies arrive. */
  private deliver(): void {
    while (this.waiters.length > 0 || this.orphans > 0) {
      const w = this.waiters[0];
      const v = this.nextFromInbox(w?.buffers ?? false);
      if (v === INCOMPLETE) return;
      if (v instanceof PushMessage) { this.onPush?.(v); continue; }
      if (this.orphans > 0) { this.orphans--; continue; }
      w.values.push(v);
      if (--w.left === 0) {
        this.waiters.shift();
        w.resolve(w.values);
      }
    }
    // Out of band with nobody waiting: pushes only.
    for (;;) {
      const v = this.nextFromInbox(this.pushBuffers);
      if (v === INCOMPLETE) return;
      if (v instanceof PushMessage) this.onPush?.(v);
    }
  }

  private engineAbort(err: unknown): unknown {
    if ((err as any)?.code !== 'ENGINE_ABORT') return err;
    // The core logs it and drops the connection, as the server does.
    this.core.log('warning', `Engine error while serving client id=${this.c.id}: ${(err as Error).message}`);
    this.core.closeClient(this.c);
    return new VermilionError('ENGINE_ABORT', (err as Error).message);
  }

  close(): void {
    if (this.c.socket) this.core.closeClient(this.c);
  }
}

