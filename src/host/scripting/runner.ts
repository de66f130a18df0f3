// Running one script: Redis's scriptPrepareForRun / luaCallFunction /
// scriptResetRun, and the busy-script machinery.
//
// A script runs in its sandbox's coroutine, with a count hook every
// HOOK_COUNT Lua instructions. Short scripts never see the hook fire and
// run to completion inside the EVAL's host command, like any command. Once
// a script has run longer than busy-reply-threshold, the hook logs Redis's
// "Slow script detected" warning, switches the engine to busy mode (other
// clients get BUSY for everything but the ALLOW_BUSY commands) and yields:
// the EVAL becomes a pending reply, the event loop serves other clients
// (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE...), and the script resumes
// on the next turn, yielding again every SLICE_MS (the hook then fires every
// BUSY_HOOK_COUNT instructions: a loop of redis.call runs few instructions
// per millisecond, and other clients should not wait long). SCRIPT KILL marks the
// run killed and arms the hook to fire at once: the script ends with
// Redis's "Script killed by user with SCRIPT KILL..." error.
//
// A script's commands run on one hidden engine client (CF_SCRIPT: never
// paused nor BUSY; CF_NO_BLOCK: blocking commands answer as timed out) whose
// db and protocol are set from the caller at each start, so SELECT inside a
// script never changes the caller's db. Keys made ready stay queued in the
// engine until the script ends (the server serves blocked clients after the
// EVAL, as Redis does); keyspace events are published as they happen.
import { sha1Hex } from '../sha1.js';
import type { HostServer, HostClient, PendingReply } from '../context.js';
import type { Reply } from '../reply.js';
import { CF_AUTHED, CF_NO_BLOCK, CF_SCRIPT, CF_IN_EXEC, BUSY_NONE, BUSY_EVAL, BUSY_FUNCTION } from '../../engine/engine.js';
import {
  LuaVM, LUA_OK, LUA_YIELD, LUA_TTABLE, LUA_TSTRING, LUA_TNUMBER, LUA_TBOOLEAN, LUA_MASKCOUNT, LUA_MASKLINE,
  LUA_MULTRET, LUA_REGISTRYINDEX,
} from './lua.js';
import type { LuaSandbox, NativeFunctions } from './sandbox.js';
import { ByteOut, LuaToReply, ReplyToLua, errorCode } from './convert.js';
import { CommandBridge } from './bridge.js';
import { LEVELS } from '../log.js';
import { E_UNKILLABLE, E_NOTBUSY, E_BUSY_EVAL, E_BUSY_FUNCTION, E_OOM, deniesOom } from './flags.js';

/** Lua instructions between two looks at the clock (Redis's count hook uses the same). */
const HOOK_COUNT = 100000;
/** Instructions between two looks at the clock once the script is busy. */
const BUSY_HOOK_COUNT = 1000;
/** While busy, how long the script runs before giving the event loop a turn. */
const SLICE_MS = 10;
/** FUNCTION LOAD's limit on a library's top-level code (function_lua.c LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;

const KILLED = 'ERR Script killed by user with SCRIPT KILL...';

// redis.set_repl flags (PROPAGATE_AOF | PROPAGATE_REPL).
export const REPL_ALL = 3;

/** What a script is asked to do (evalGenericCommand / fcallCommandGeneric). */
export interface ScriptCall {
  kind: 'eval' | 'function';
  sandbox: LuaSandbox;
  fnRef: number;
  /** The SHA1 (EVAL) or the function's name: what errors and FUNCTION STATS show. */
  name: string;
  caller: HostClient;
  callerArgs: Buffer[];
  keys: Buffer[];
  args: Buffer[];
  /** *_RO, or a no-writes script/function: write commands are refused. */
  readOnly: boolean;
  /** The allow-oom flag. */
  allowOom: boolean;
  /** Over maxmemory when the script started (pre_command_oom_state): its first write is refused. */
  oom: boolean;
  reply: Reply;
}

/** A script being run (scriptRunCtx). */
export class ScriptRun {
  readonly start = performance.now();
  /** Keys expire by the script's start time for all its commands (scriptTimeSnapshot). */
  readonly snapshotMs = Date.now();
  /** A write command was called: SCRIPT KILL refuses from now on. */
  writeDirty = false;
  killed = false;
  busy = false;
  lastYield = 0;
  /** redis.setresp. */
  resp = 2;
  /** redis.set_repl (what effects replication would propagate). */
  replFlags = REPL_ALL;
  /** Errors counted in INFO errorstats while running: the EVAL's failed_calls. */
  errors = 0;
  /** The caller can be answered later: the script may pause for the event loop once busy. */
  mayYield = false;
  /** Set when the script finishes after having been suspended. */
  private onDone: (() => void) | null = null;
  finished = false;

  constructor(readonly call: ScriptCall) {}

  /** The pending reply the server waits on while the script is suspended. */
  pending(): PendingReply {
    return {
      onDone: (cb: () => void) => {
        if (this.finished) cb();
        else this.onDone = cb;
      },
    };
  }

  done(): void {
    this.finished = true;
    const cb = this.onDone;
    this.onDone = null;
    cb?.();
  }
}

/**
 * Receives the write commands a script ran, in order, for effects
 * replication (Redis 7 replicates what a script did, wrapped in
 * MULTI/EXEC, never the script itself). Nothing consumes them yet: the AOF
 * and replicas (issues 5 and later) plug in here.
 */
export type EffectsSink = (db: number, argv: Buffer[], replFlags: number) => void;

export class ScriptRunner {
  running: ScriptRun | null = null;
  /** The reply being converted (reused: most replies are small). */
  private out = new ByteOut();
  /** Engine client slot every script's commands run on. */
  slot: number;
  readonly luaClient: HostClient;
  readonly natives: NativeFunctions;
  readonly toLua: ReplyToLua;
  readonly toReply: LuaToReply;
  private readonly bridge: CommandBridge;
  private readonly hook: number;
  /** FUNCTION LOAD in progress: redis.register_function's target and the load's start. */
  loadCtx: { register: (L: number) => number; start: number } | null = null;
  effects: EffectsSink | null = null;
  /** The PRNG behind math.random (redisLrand48's 48-bit state). */
  private rand = 0x1234abcd330e;

  /** maxmemory, kept from CONFIG (0: none). */
  private maxmemory = 0;

  constructor(readonly srv: HostServer, readonly vm: LuaVM) {
    const x = srv.engine.x;
    const readMaxmemory = () => { this.maxmemory = Number(srv.config.get('maxmemory')) || 0; };
    readMaxmemory();
    srv.config.onChange((name) => { if (name === 'maxmemory') readMaxmemory(); });
    this.slot = x.newClient();
    x.setClientFlags(this.slot, CF_AUTHED | CF_NO_BLOCK | CF_SCRIPT);
    const now = Date.now();
    // MONITOR shows a script's commands as "[db lua]".
    this.luaClient = {
      slot: this.slot, id: 0, name: '', addr: 'lua', laddr: '', fd: -1, createdAt: now, lastInteraction: now,
      socket: null, lastCmd: 'NULL', monitor: false, noEvict: false, closeAfterReply: false,
      pendingOut: () => 0, kill: () => {},
    };
    this.toLua = new ReplyToLua(vm);
    this.toReply = new LuaToReply(vm);
    this.bridge = new CommandBridge(this);
    this.hook = vm.hookFunction((L) => this.onHook(L));
    const fn = (f: (L: number) => number) => vm.cfunction(this.guard(f));
    // Calls its upvalue with its arguments: a C frame in front of a Lua
    // function. With a continuation, so that the busy-script hook can still
    // suspend a script inside one of our Lua library functions.
    const api = vm.api;
    const afterYield = vm.kfunction((L) => api.lua_gettop(L));
    const trampoline = vm.cfunction((L) => {
      const n = api.lua_gettop(L);
      api.lua_pushvalue(L, LUA_REGISTRYINDEX - 1);
      api.lua_rotate(L, 1, 1);
      api.lua_callk(L, n, LUA_MULTRET, 0, afterYield);
      return api.lua_gettop(L);
    });
    this.natives = {
      cwrap: vm.cfunction((L) => {
        api.lua_settop(L, 1);
        api.lua_pushcclosure(L, trampoline, 1);
        return 1;
      }),
      call: fn((L) => this.bridge.call(L, true)),
      pcall: fn((L) => this.bridge.call(L, false)),
      acl_check_cmd: fn((L) => this.bridge.aclCheck(L)),
      log: fn((L) => this.log(L)),
      sha1hex: fn((L) => this.sha1hex(L)),
      setresp: fn((L) => this.setResp(L)),
      set_repl: fn((L) => this.setRepl(L)),
      lrand48: fn((L) => this.lrand48(L)),
      srand48: fn((L) => this.srand48(L)),
      register_function: fn((L) => (this.loadCtx ? this.loadCtx.register(L) : this.raise(L, 'ERR redis.register_function can only be called on FUNCTION LOAD command'))),
    };
  }

  /**
   * Over maxmemory now (the engine has already evicted what it could before
   * handing the command over). A DENYOOM script (deniesOom) is then refused
   * as processCommand refuses it, unless inside an EXEC (prepareError
   * answers there): null after replying the refusal.
   */
  oomState(c: HostClient, flags: number, r: Reply): boolean | null {
    if (this.maxmemory <= 0) return false;
    const x = this.srv.engine.x;
    const oom = x.memoryForMaxmemory() > this.maxmemory;
    if (oom && deniesOom(flags) && (x.clientFlags(c.slot) & CF_IN_EXEC) === 0) {
      r.error(E_OOM);
      r.rejected = true;
      return null;
    }
    return oom;
  }

  /** A new engine client for scripts, after the engine failed on the old one's command. */
  resetSlot(): void {
    const x = this.srv.engine.x;
    const db = x.clientDb(this.slot);
    const proto = x.clientProto(this.slot);
    x.freeClient(this.slot);
    this.slot = x.newClient();
    x.setClientFlags(this.slot, CF_AUTHED | CF_NO_BLOCK | CF_SCRIPT);
    x.setClientDb(this.slot, db);
    x.setClientProto(this.slot, proto);
    this.luaClient.slot = this.slot;
  }

  /**
   * Native functions must never throw a JavaScript error into the VM: Lua's
   * own errors unwind through them (as a thrown number, emscripten's
   * longjmp), anything else becomes a Lua error.
   */
  private guard(f: (L: number) => number): (L: number) => number {
    return (L: number) => {
      try {
        return f(L);
      } catch (e) {
        if (typeof e === 'number') throw e;
        this.srv.log('warning', `scripting: internal error: ${(e as Error)?.stack ?? e}`);
        return this.raise(L, `ERR ${(e as Error)?.message ?? e}`);
      }
    };
  }

  /** Raises {err=msg} (luaPushError + luaError). Never returns. */
  raise(L: number, msg: string): number {
    const api = this.vm.api;
    api.lua_createtable(L, 0, 1);
    this.vm.pushString(L, msg);
    this.vm.setfield(L, -2, 'err');
    return api.lua_error(L);
  }

  // ---- running --------------------------------------------------------------------------

  /** Runs a script; its reply is written to call.reply now, or later through the pending reply. */
  start(call: ScriptCall): PendingReply | void {
    const run = new ScriptRun(call);
    run.mayYield = this.srv.canSuspend(call.caller);
    const { vm, srv } = this;
    const api = vm.api;
    const x = srv.engine.x;
    const sb = call.sandbox;
    this.running = run;
    x.setClientDb(this.slot, x.clientDb(call.caller.slot));
    x.setClientProto(this.slot, 2);

    const co = sb.thread;
    const L = sb.L;
    if (call.kind === 'eval') {
      this.pushArray(L, call.keys);
      sb.setGlobal(L, 'KEYS');
      this.pushArray(L, call.args);
      sb.setGlobal(L, 'ARGV');
    }
    sb.pushRef(co, sb.refs.run);
    sb.pushRef(co, call.fnRef);
    let nargs = 1;
    if (call.kind === 'function') {
      this.pushArray(co, call.keys);
      this.pushArray(co, call.args);
      nargs = 3;
    }
    api.lua_sethook(co, this.hook, LUA_MASKCOUNT, HOOK_COUNT);
    return this.resume(run, nargs);
  }

  private pushArray(L: number, items: Buffer[]): void {
    const api = this.vm.api;
    api.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      this.vm.pushBytes(L, items[i]);
      api.lua_rawseti(L, -2, BigInt(i + 1));
    }
  }

  private resume(run: ScriptRun, nargs: number): PendingReply | void {
    const sb = run.call.sandbox;
    const st = this.vm.resume(sb.thread, sb.L, nargs);
    if (st === LUA_YIELD) {
      // Suspended by the hook: let the event loop run, then go on.
      setImmediate(() => this.continueRun(run));
      return run.pending();
    }
    this.finish(run, st);
  }

  private continueRun(run: ScriptRun): void {
    if (this.running !== run) return;
    run.lastYield = performance.now();
    const pending = this.resume(run, 0);
    if (!pending) run.done();
  }

  /** After SHUTDOWN NOSAVE: the script is dropped where it stands. */
  abort(): void {
    const run = this.running;
    if (!run) return;
    this.running = null;
    this.srv.engine.x.setBusyScript(BUSY_NONE);
  }

  private finish(run: ScriptRun, st: number): void {
    const { vm, srv } = this;
    const api = vm.api;
    const call = run.call;
    const sb = call.sandbox;
    const co = sb.thread;
    const r = call.reply;
    const onError = (code: string, counted: boolean) => {
      if (!counted) return;
      run.errors++;
      r.errorCodes.push(code);
    };
    if (st === LUA_OK && api.lua_toboolean(co, 1)) {
      // xpcall's true, then the script's first result (or nil).
      if (vm.nres < 2) api.lua_pushnil(co);
      else api.lua_settop(co, 2);
      const out = this.out;
      out.len = 0;
      this.toReply.write(co, out, r.proto, run.resp, onError);
      r.raw(out.take());
      // Not kept large after a big reply.
      if (out.buf.length > 65536) this.out = new ByteOut();
    } else if (st === LUA_OK && api.lua_type(co, 2) === LUA_TTABLE) {
      api.lua_settop(co, 2);
      this.replyErrorTable(co, run, onError);
    } else {
      // Not an error table: an error in the error handler, or out of memory.
      const msg = api.lua_type(co, -1) === LUA_TSTRING || api.lua_type(co, -1) === LUA_TNUMBER
        ? vm.text(co, -1)!.slice(0, 100) : 'execution failure';
      const line = `-ERR Error running script ${call.name}, ${msg}`.replace(/[\r\n]/g, ' ');
      r.raw(Buffer.from(line + '\r\n', 'latin1'));
      onError(errorCode(line), true);
    }
    if (st === LUA_OK) api.lua_settop(co, 0);
    else sb.newThread();
    r.failed = run.errors > 0;
    this.endRun(run);
  }

  /** luaCallFunction's error path: "-<err> script: <name>, on <source>:<line>." */
  private replyErrorTable(L: number, run: ScriptRun, onError: (code: string, counted: boolean) => void): void {
    const vm = this.vm;
    const api = vm.api;
    const field = (name: string): Buffer | null => {
      vm.getfield(L, -1, name);
      const t = api.lua_type(L, -1);
      const v = t === LUA_TSTRING || t === LUA_TNUMBER ? vm.bytes(L, -1) : null;
      api.lua_settop(L, -2);
      return v;
    };
    const cstr = (b: Buffer | null) => {
      if (!b) return null;
      const z = b.indexOf(0);
      return (z < 0 ? b : b.subarray(0, z)).toString('latin1');
    };
    // Redis 7.0 crashes on an error table without a string err field; this server answers instead.
    const msg = cstr(field('err')) ?? 'ERR unknown error';
    const source = cstr(field('source'));
    const line = cstr(field('line'));
    vm.getfield(L, -1, 'ignore_error_stats_update');
    const ignore = api.lua_type(L, -1) === LUA_TBOOLEAN && api.lua_toboolean(L, -1) !== 0;
    api.lua_settop(L, -2);
    let text = `-${msg}`;
    if (line !== null && source !== null) text += ` script: ${run.call.name}, on ${source}:${line}.`;
    text = text.replace(/^[\r\n]+|[\r\n]+$/g, '').replace(/[\r\n]/g, ' ');
    run.call.reply.raw(Buffer.from(text + '\r\n', 'latin1'));
    onError(errorCode(text), !ignore);
  }

  private endRun(run: ScriptRun): void {
    if (this.running === run) this.running = null;
    // The script's effects go to the propagation stream as one (MULTI/EXEC
    // when more than one), unless it runs inside an EXEC, whose end does it.
    const x = this.srv.engine.x;
    if ((x.clientFlags(run.call.caller.slot) & CF_IN_EXEC) === 0) x.propFlush();
    if (run.busy) this.srv.engine.x.setBusyScript(BUSY_NONE);
  }

  // ---- the hook: busy scripts, SCRIPT KILL, FUNCTION LOAD's timeout -----------------------

  private onHook(L: number): void {
    const load = this.loadCtx;
    if (load) {
      if (performance.now() - load.start > LOAD_TIMEOUT_MS) {
        this.vm.api.lua_sethook(L, this.hook, LUA_MASKLINE, 0);
        this.raise(L, 'ERR FUNCTION LOAD timeout');
      }
      return;
    }
    const run = this.running;
    if (!run) return;
    if (run.killed) {
      this.srv.log('warning', 'Lua script killed by user with SCRIPT KILL.');
      // Every line from now on raises again, so pcall cannot swallow the kill.
      this.vm.api.lua_sethook(L, this.hook, LUA_MASKLINE, 0);
      this.raise(L, KILLED);
      return;
    }
    const now = performance.now();
    if (!run.busy) {
      const threshold = this.srv.config.getInt('busy-reply-threshold');
      const elapsed = now - run.start;
      if (threshold <= 0 || elapsed < threshold) return;
      const eval_ = run.call.kind === 'eval';
      this.srv.log('warning', `Slow script detected: still in execution after ${Math.floor(elapsed)} milliseconds. ` +
        `You can try killing the script using the ${eval_ ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. ` +
        `Script name is: ${run.call.name}.`);
      run.busy = true;
      this.srv.engine.x.setBusyScript(eval_ ? BUSY_EVAL : BUSY_FUNCTION);
      if (run.mayYield) this.vm.api.lua_sethook(L, this.hook, LUA_MASKCOUNT, BUSY_HOOK_COUNT);
    } else if (now - run.lastYield < SLICE_MS) {
      return;
    }
    // Only the script's own coroutine is suspended; inside a coroutine the
    // script created (or a C function that cannot yield) it goes on.
    // Where the caller cannot be answered later (the embedded store's
    // synchronous calls) it runs to the end without a pause.
    if (run.mayYield && L === run.call.sandbox.thread && this.vm.api.lua_isyieldable(L)) this.vm.api.lua_yieldk(L, 0, 0, 0);
  }

  /**
   * SCRIPT KILL / FUNCTION KILL (scriptKill): null when the kill is under
   * way, else the error to reply.
   */
  kill(fromEval: boolean): string | null {
    const run = this.running;
    if (!run) return E_NOTBUSY;
    if (run.writeDirty) return E_UNKILLABLE;
    const isEval = run.call.kind === 'eval';
    if (fromEval && !isEval) return E_BUSY_FUNCTION;
    if (!fromEval && isEval) return E_BUSY_EVAL;
    run.killed = true;
    // The script is suspended at a hook; make the hook fire at once when it resumes.
    this.vm.api.lua_sethook(run.call.sandbox.thread, this.hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    return null;
  }

  /** Runs a library's top-level code under FUNCTION LOAD's time limit; the hook must be on the thread used. */
  withLoadHook<T>(L: number, register: (L: number) => number, body: () => T): T {
    this.loadCtx = { register, start: performance.now() };
    this.vm.api.lua_sethook(L, this.hook, LUA_MASKCOUNT, HOOK_COUNT);
    try {
      return body();
    } finally {
      this.vm.api.lua_sethook(L, 0, 0, 0);
      this.loadCtx = null;
    }
  }

  // ---- natives ---------------------------------------------------------------------------

  private log(L: number): number {
    const level = Number(this.vm.api.lua_tonumberx(L, 1, 0));
    const msg = this.vm.text(L, 2) ?? '';
    this.srv.log(LEVELS[level] as 'debug' | 'verbose' | 'notice' | 'warning', msg);
    return 0;
  }

  private sha1hex(L: number): number {
    const b = this.vm.bytes(L, 1) ?? Buffer.alloc(0);
    this.vm.pushString(L, sha1Hex(b));
    return 1;
  }

  private setResp(L: number): number {
    const run = this.running;
    if (!run) return this.raise(L, 'ERR redis.setresp can only be called inside a script invocation');
    run.resp = Number(this.vm.api.lua_tonumberx(L, 1, 0));
    this.srv.engine.x.setClientProto(this.slot, run.resp);
    return 0;
  }

  private setRepl(L: number): number {
    const run = this.running;
    if (!run) return this.raise(L, 'ERR redis.set_repl can only be called inside a script invocation');
    run.replFlags = Number(this.vm.api.lua_tonumberx(L, 1, 0));
    return 0;
  }

  // redisLrand48: x = 0x5DEECE66D * x + 0xB (mod 2^48), returning x >> 17.
  // The product is split in 24-bit halves so that it stays exact in doubles.
  private lrand48(L: number): number {
    if (!this.running) return this.raise(L, 'ERR math.random can only be called inside a script invocation');
    const x = this.rand;
    const xl = x % 0x1000000;
    const xh = Math.floor(x / 0x1000000);
    const al = 0xece66d;
    const ah = 0x5de;
    const lo = xl * al;
    const mid = (xh * al + xl * ah) % 0x1000000;
    this.rand = (lo + mid * 0x1000000 + 0xb) % 0x1000000000000;
    this.vm.api.lua_pushinteger(L, BigInt(Math.floor(this.rand / 0x20000)));
    return 1;
  }

  private srand48(L: number): number {
    if (!this.running) return this.raise(L, 'ERR math.randomseed can only be called inside a script invocation');
    const seed = Number(this.vm.api.lua_tonumberx(L, 1, 0)) | 0;
    this.rand = (seed >>> 0) * 0x10000 + 0x330e;
    return 0;
  }
}
