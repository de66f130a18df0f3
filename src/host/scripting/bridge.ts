// redis.call / redis.pcall: a script's command goes through the same engine
// as a client's (scriptCall in Redis's script.c). The arguments are copied
// from the Lua VM's memory straight into the script client's input in the
// engine as one RESP command, the engine runs it (handing host commands
// back, which run through the same host handlers as for clients), and the
// reply is read from the engine's output and converted into a Lua value.
//
// Before running, the checks Redis makes for scripts, in its order: the
// command exists and its arity fits, it is allowed in scripts (no NOSCRIPT
// flag), a read-only script does not write. Their errors, and the
// command's own error replies, become {err=...} tables: raised by
// redis.call, returned by redis.pcall (and by both when the arguments
// themselves are wrong).
import { COMMANDS, CommandMeta } from '../../engine/commands.gen.js';
import { ST_OK, ST_HANDOFF, ST_READY, ST_YIELD } from '../../engine/engine.js';
import { hostHandler } from '../context.js';
import { Reply } from '../reply.js';
import { lookupCommandMeta } from '../cmd-command.js';
import { noteCommandTime } from '../timing.js';
import { LUA_TNUMBER, LUA_TSTRING } from './lua.js';
import { fmtG, errorText } from './convert.js';
import type { ScriptRunner } from './runner.js';

const F_WRITE = 1;
const F_MAY_REPLICATE = 2;
const F_NOSCRIPT = 4;
const F_DENYOOM = 8;
const FLAGS = Uint8Array.from(COMMANDS, (m) => {
  const f = m.command_flags ?? [];
  return (f.includes('WRITE') ? F_WRITE : 0) | (f.includes('MAY_REPLICATE') ? F_MAY_REPLICATE : 0) |
    (f.includes('NOSCRIPT') ? F_NOSCRIPT : 0) | (f.includes('DENYOOM') ? F_DENYOOM : 0);
});

const E_NO_ARGS = 'Please specify at least one argument for this redis lib call';
const E_BAD_ARGS = 'Lua redis lib command arguments must be strings or integers';
const E_UNKNOWN = 'Unknown Redis command called from script';
const E_ARITY = 'Wrong number of args calling Redis command from script';
const E_NOSCRIPT = 'This Redis command is not allowed from script';
const E_READONLY = 'Write commands are not allowed from read-only scripts.';
const E_OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

const CONTAINER = new Uint8Array(COMMANDS.length);
for (const m of COMMANDS) if (m.parent >= 0) CONTAINER[m.parent] = 1;
/** Command names as scripts spell them (any case) -> command; cleared when it grows past NAMES_MAX. */
const BY_NAME = new Map<string, CommandMeta>();
const NAMES_MAX = 4096;

/**
 * Last command found for a name at a Lua address. A script's constant
 * strings ('INCR') keep their address between calls, so the usual lookup is
 * an address compare plus a check that the bytes there are still the name.
 */
const PTR_SLOTS = 256;
const ptrKey = new Int32Array(PTR_SLOTS);
const ptrName: (Uint8Array | null)[] = new Array(PTR_SLOTS).fill(null);
const ptrMeta: (CommandMeta | null)[] = new Array(PTR_SLOTS).fill(null);

const digits = (n: number): number => (n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).length);

/** Writes n's decimal digits at `at`; returns the position after them. */
function writeInt(mem: Uint8Array, at: number, n: number): number {
  if (n < 10) { mem[at] = 48 + n; return at + 1; }
  const s = String(n);
  for (let i = 0; i < s.length; i++) mem[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/** Copies n bytes; short spans byte by byte (cheaper than making a subarray view). */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number): void {
  if (n <= 32) {
    for (let j = 0; j < n; j++) dst[at + j] = src[from + j];
  } else {
    dst.set(src.subarray(from, from + n), at);
  }
}

export class CommandBridge {
  /** Argument spans of the call being made: Lua addresses or staged number texts. */
  private ptrs = new Int32Array(16);
  private lens = new Int32Array(16);
  private nums: (string | null)[] = [];
  private chunks: Buffer[] = [];
  private argc = 0;
  /** The current call's arguments as buffers, for the slow log (made only if it keeps the entry). */
  private readonly argvNow = (): Buffer[] => this.argv(this.argc);

  constructor(private runner: ScriptRunner) {}

  /**
   * Reads the call's arguments (luaArgsToRedisArgv): strings as they are,
   * numbers as "%.17g" (Lua's own formatting would lose precision).
   * Returns the count, or an error text.
   */
  private readArgs(L: number): number | string {
    const vm = this.runner.vm;
    const api = vm.api;
    const argc = api.lua_gettop(L);
    if (argc === 0) return E_NO_ARGS;
    if (argc > this.ptrs.length) {
      let cap = this.ptrs.length;
      while (cap < argc) cap *= 2;
      this.ptrs = new Int32Array(cap);
      this.lens = new Int32Array(cap);
    }
    this.argc = argc;
    for (let i = 0; i < argc; i++) {
      const t = api.lua_type(L, i + 1);
      if (t === LUA_TNUMBER) {
        const text = fmtG(api.lua_tonumberx(L, i + 1, 0), 17);
        this.nums[i] = text;
        this.lens[i] = text.length;
        this.ptrs[i] = 0;
      } else if (t === LUA_TSTRING) {
        this.ptrs[i] = vm.strPtr(L, i + 1);
        this.lens[i] = vm.lastLen;
        this.nums[i] = null;
      } else {
        return E_BAD_ARGS;
      }
    }
    return argc;
  }

  private arg(i: number): Buffer {
    const n = this.nums[i];
    if (n) return Buffer.from(n, 'latin1');
    const p = this.ptrs[i];
    return Buffer.from(this.runner.vm.mem().subarray(p, p + this.lens[i]));
  }

  private argText(i: number): string {
    const n = this.nums[i];
    if (n) return n;
    const p = this.ptrs[i];
    return this.runner.vm.buf().toString('latin1', p, p + this.lens[i]);
  }

  /** lookupCommand: a container's subcommand by the second argument. */
  private lookup(argc: number): CommandMeta | undefined {
    const top = this.lookupTop();
    if (!top || argc < 2 || !CONTAINER[top.id]) return top;
    return lookupCommandMeta(top.name, this.argText(1));
  }

  private lookupTop(): CommandMeta | undefined {
    const p = this.ptrs[0];
    const n = this.lens[0];
    let slot = -1;
    if (p !== 0) {
      slot = (p >>> 3) & (PTR_SLOTS - 1);
      const known = ptrName[slot];
      if (ptrKey[slot] === p && known !== null && known.length === n) {
        const mem = this.runner.vm.mem();
        let j = 0;
        while (j < n && mem[p + j] === known[j]) j++;
        if (j === n) return ptrMeta[slot]!;
      }
    }
    const name = this.argText(0);
    let top = BY_NAME.get(name);
    if (top === undefined) {
      top = lookupCommandMeta(name);
      if (!top) return undefined;
      if (BY_NAME.size >= NAMES_MAX) BY_NAME.clear();
      BY_NAME.set(name, top);
    }
    if (slot >= 0) {
      ptrKey[slot] = p;
      ptrName[slot] = this.runner.vm.mem().slice(p, p + n);
      ptrMeta[slot] = top;
    }
    return top;
  }

  /** An error table for Lua: raised (redis.call) or returned (redis.pcall, or `raise` false). */
  private fail(L: number, msg: string, raise: boolean, ignoreStats: boolean): number {
    const vm = this.runner.vm;
    const api = vm.api;
    api.lua_settop(L, 0);
    api.lua_createtable(L, 0, 2);
    vm.pushString(L, errorText(msg));
    vm.setfield(L, -2, 'err');
    if (ignoreStats) {
      api.lua_pushboolean(L, 1);
      vm.setfield(L, -2, 'ignore_error_stats_update');
    }
    return raise ? api.lua_error(L) : 1;
  }

  /** A refusal before running (scriptCall's error path): counted as the command's rejected call. */
  private reject(L: number, msg: string, meta: CommandMeta | undefined, raise: boolean): number {
    const run = this.runner.running!;
    const stats = this.runner.srv.stats;
    const code = msg.startsWith('-') ? msg.slice(1, msg.indexOf(' ')) : 'ERR';
    stats.hostErrors.set(code, (stats.hostErrors.get(code) ?? 0) + 1);
    if (meta) stats.commandHostRejected[meta.id]++;
    run.errors++;
    return this.fail(L, msg, raise, true);
  }

  call(L: number, raise: boolean): number {
    const runner = this.runner;
    const run = runner.running;
    if (!run) return this.fail(L, 'redis.call/pcall can only be called inside a script invocation', true, false);
    const argc = this.readArgs(L);
    if (typeof argc === 'string') return this.fail(L, argc, raise, false);
    const meta = this.lookup(argc);
    if (!meta) return this.reject(L, E_UNKNOWN, undefined, raise);
    if ((meta.arity > 0 && meta.arity !== argc) || argc < -meta.arity) return this.reject(L, E_ARITY, meta, raise);
    const flags = FLAGS[meta.id];
    if (flags & F_NOSCRIPT) return this.reject(L, E_NOSCRIPT, meta, raise);
    if (run.call.readOnly && (flags & (F_WRITE | F_MAY_REPLICATE))) return this.reject(L, E_READONLY, meta, raise);
    // scriptVerifyOOM: over maxmemory when the script started, a command
    // that may grow the dataset is refused until the script has written
    // (after a write it cannot stop half-way).
    const call = run.call;
    if (call.oom && !call.allowOom && !run.writeDirty && (flags & F_DENYOOM)) return this.reject(L, E_OOM, meta, raise);
    if (flags & F_WRITE) run.writeDirty = true;
    const srv0 = runner.srv;

    // redis.set_repl without PROPAGATE_AOF (1): this command's effects stay out of the AOF.
    const unpropagated = (run.replFlags & 1) === 0;
    if (unpropagated) srv0.engine.x.setPropSuppressed(1);
    let reply: { src: Uint8Array; start: number };
    try {
      reply = this.execute(argc, meta);
    } finally {
      if (unpropagated) srv0.engine.x.setPropSuppressed(0);
    }
    const srcStart = reply.start;
    const isError = reply.src[srcStart] === 0x2d;
    if (isError) run.errors++;
    const api = runner.vm.api;
    api.lua_settop(L, 0);
    runner.toLua.push(L, reply.src, srcStart);
    // Its keyspace events go out now, in order with what the script
    // publishes itself (Redis writes them to subscribers at once).
    const srv = runner.srv;
    if (srv.engine.x.notifyLen() > 0) srv.publishKeyspaceEvents();
    if (runner.effects && (flags & F_WRITE) && !isError) {
      const argv: Buffer[] = [];
      for (let i = 0; i < argc; i++) argv.push(this.arg(i));
      runner.effects(runner.srv.engine.x.clientDb(runner.slot), argv, run.replFlags);
    }
    if (raise && isError) return api.lua_error(L);
    return 1;
  }

  /** Runs the command on the script client; the reply's bytes (in engine memory when possible). */
  private execute(argc: number, meta: CommandMeta): { src: Uint8Array; start: number } {
    const runner = this.runner;
    const srv = runner.srv;
    const engine = srv.engine;
    const x = engine.x;
    const slot = runner.slot;
    const run = runner.running!;

    let total = 1 + digits(argc) + 2;
    for (let i = 0; i < argc; i++) total += 1 + digits(this.lens[i]) + 2 + this.lens[i] + 2;
    const dst = x.reserveInput(slot, total);
    if (dst === 0) throw new Error('command too large for the engine');
    const mem = engine.bytes();
    const lua = runner.vm.mem();
    let at = dst;
    mem[at++] = 42; // '*'
    at = writeInt(mem, at, argc);
    mem[at++] = 13;
    mem[at++] = 10;
    for (let i = 0; i < argc; i++) {
      const n = this.lens[i];
      mem[at++] = 36; // '$'
      at = writeInt(mem, at, n);
      mem[at++] = 13;
      mem[at++] = 10;
      const num = this.nums[i];
      if (num) for (let j = 0; j < n; j++) mem[at + j] = num.charCodeAt(j);
      else copyBytes(mem, at, lua, this.ptrs[i], n);
      at += n;
      mem[at++] = 13;
      mem[at++] = 10;
    }

    const t0 = performance.now();
    if (this.chunks.length > 0) this.chunks = [];
    let hostRan = false;
    let st: number;
    try {
      st = x.execute(slot, total, run.snapshotMs);
    } catch (err) {
      // The engine gave up on the command (a bug, like a client's would be
      // dropped for): the script's client starts afresh.
      runner.resetSlot();
      throw err;
    }
    for (;;) {
      const len = x.outputLen();
      if (len > 0 && (st !== ST_OK || this.chunks.length > 0)) this.chunks.push(engine.takeOutput()!);
      if (st === ST_OK) break;
      if (st === ST_HANDOFF) {
        hostRan = true;
        this.chunks.push(this.runHost(meta));
      } else if (st !== ST_READY && st !== ST_YIELD) {
        // ST_BLOCKED cannot happen (CF_NO_BLOCK), nor ST_PAUSED (CF_SCRIPT).
        throw new Error(`unexpected engine status ${st} running a script command`);
      }
      st = x.execute(slot, 0, run.snapshotMs);
    }
    const usec = (performance.now() - t0) * 1000;
    const id = meta.id;
    if (!hostRan) {
      srv.stats.commandUsec[id] += usec;
      noteCommandTime(srv, runner.luaClient, id, usec, this.argvNow);
      if (srv.monitors.active) srv.monitors.feed(runner.luaClient, id, x.clientDb(slot), this.argv(argc), []);
    }
    if (this.chunks.length === 0) {
      return { src: engine.bytes(), start: x.outputPtr() };
    }
    return { src: this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks), start: 0 };
  }

  private argv(argc: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < argc; i++) out.push(this.arg(i));
    return out;
  }

  /** A host command the engine handed back (INFO, TIME, COMMAND...), run as runHostCommand runs it. */
  private runHost(meta: CommandMeta): Buffer {
    const runner = this.runner;
    const srv = runner.srv;
    const engine = srv.engine;
    const id = engine.x.handoffCmd();
    const args = engine.handoffArgs();
    const r = new Reply(engine.x.clientProto(runner.slot));
    const fn = hostHandler(id);
    const t0 = performance.now();
    if (!fn) {
      r.error(`ERR command '${COMMANDS[id].name}' is not available`);
    } else {
      const pending = fn(srv, runner.luaClient, args, r);
      if (pending) r.error(`ERR command '${COMMANDS[id].name}' cannot run inside a script`);
    }
    const usec = (performance.now() - t0) * 1000;
    srv.stats.commandHostCalls[id]++;
    srv.stats.commandUsec[id] += usec;
    for (const code of r.errorCodes) srv.stats.hostErrors.set(code, (srv.stats.hostErrors.get(code) ?? 0) + 1);
    if (r.errorCodes.length > 0) srv.stats.commandHostFailed[id]++;
    noteCommandTime(srv, runner.luaClient, id, usec, () => args);
    if (srv.monitors.active) srv.monitors.feed(runner.luaClient, id, engine.x.clientDb(runner.slot), args, []);
    void meta;
    return r.empty ? Buffer.from('$-1\r\n') : r.toBuffer();
  }

  /** redis.acl_check_cmd: with the default user only, every existing command is allowed. */
  aclCheck(L: number): number {
    const argc = this.readArgs(L);
    if (typeof argc === 'string') return this.fail(L, argc, true, false);
    if (!this.lookup(argc)) return this.fail(L, 'Invalid command passed to redis.acl_check_cmd()', true, false);
    const api = this.runner.vm.api;
    api.lua_settop(L, 0);
    api.lua_pushboolean(L, 1);
    return 1;
  }
}

