// Function libraries (functions.c, function_lua.c): FUNCTION LOAD compiles
// a library ("#!lua name=<lib>" then Lua code) and runs its top level,
// where redis.register_function declares the library's functions; FCALL
// calls them. Libraries live in their own Lua state. FUNCTION DUMP and
// RESTORE move them as Redis's payload (RDB_OPCODE_FUNCTION2 + the code,
// RDB version and CRC-64).
import type { HostClient, PendingReply } from '../context.js';
import type { Reply } from '../reply.js';
import { splitArgs } from '../config-parse.js';
import { parseStrictI64 } from '../cmd-client.js';
import { LuaSandbox } from './sandbox.js';
import type { ScriptRunner } from './runner.js';
import {
  LuaVM, LUA_OK, LUA_TTABLE, LUA_TFUNCTION, LUA_TSTRING, LUA_TNUMBER, LUA_TNIL, LUA_REGISTRYINDEX,
} from './lua.js';
import { SCRIPT_FLAGS, prepareError, runsReadOnly, FLAG_ALLOW_OOM, FLAG_EVAL_COMPAT } from './flags.js';
import { syntax51 } from './convert.js';
import { rdbString, withPayloadFooter, verifyPayload, RdbReader } from '../rdbpayload.js';
import { sdsSize, dictGrow, DICT_ENTRY, DICT_SLOT } from './memsize.js';
import { optText } from '../optword.js';

const RDB_OPCODE_FUNCTION2 = 245;
const RDB_OPCODE_FUNCTION_PRE_GA = 246;

const E_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

export interface LuaFunction {
  name: string;
  desc: Buffer | null;
  flags: number;
  ref: number;
  lib: Library;
}

export interface Library {
  name: string;
  code: Buffer;
  functions: Map<string, LuaFunction>;
}

/** A set of libraries with a case-insensitive index of their functions (functionsLibCtx). */
class LibrarySet {
  libraries = new Map<string, Library>();
  functions = new Map<string, LuaFunction>();
  /** The functions dict's table size in Redis (it grows, never shrinks, until a flush). */
  tableSize = 0;

  link(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const f of lib.functions.values()) {
      this.tableSize = dictGrow(this.tableSize, this.functions.size);
      this.functions.set(f.name.toLowerCase(), f);
    }
  }

  unlink(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions.values()) this.functions.delete(f.name.toLowerCase());
  }
}

// Redis 7.0's allocations for functions (64-bit, jemalloc-rounded): the
// engines dict with the Lua engine's entry, the libraries context and the
// engine's own structures; a functionLibInfo; a functionInfo; a Lua
// function's context (its registry reference).
const ENGINE_OVERHEAD = 200;
const LIB_STRUCT = 32;
const FUNCTION_STRUCT = 48;
const LUA_FUNCTION_CTX = 8;

function validName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

export class FunctionLibraries {
  readonly sandbox: LuaSandbox;
  private current = new LibrarySet();

  constructor(private vm: LuaVM, private runner: ScriptRunner) {
    this.sandbox = new LuaSandbox(vm, 'function', runner.natives);
  }

  get libraryCount(): number { return this.current.libraries.size; }
  get functionCount(): number { return this.current.functions.size; }
  get libraries(): Iterable<Library> { return this.current.libraries.values(); }

  /**
   * used_memory_functions as Redis 7.0 computes it (functionsMemoryOverhead):
   * the Lua engine's entry, the functions dict, and per library its struct,
   * name and code (libraryMallocSize), per function its struct, name,
   * description and compiled-function handle (functionMallocSize).
   */
  get memory(): number {
    const set = this.current;
    let n = ENGINE_OVERHEAD + set.functions.size * DICT_ENTRY + set.tableSize * DICT_SLOT;
    for (const lib of set.libraries.values()) {
      n += LIB_STRUCT + sdsSize(lib.name.length) + sdsSize(lib.code.length);
      for (const f of lib.functions.values()) {
        n += FUNCTION_STRUCT + sdsSize(f.name.length) + (f.desc ? sdsSize(f.desc.length) : 0) + LUA_FUNCTION_CTX;
      }
    }
    return n;
  }

  private free(lib: Library): void {
    for (const f of lib.functions.values()) this.sandbox.unref(f.ref);
  }

  // ---- creating a library -------------------------------------------------------

  /**
   * functionsCreateWithLibraryCtx: parses the metadata line, compiles and
   * runs the library into `set`. Returns the library's name or an error.
   */
  private create(code: Buffer, replace: boolean, set: LibrarySet): { name: string } | { error: string } {
    if (code[0] !== 0x23 || code[1] !== 0x21) return { error: 'Missing library metadata' };
    const nl = code.indexOf(10);
    if (nl < 0) return { error: 'Invalid library metadata' };
    const parts = splitArgs(code.subarray(0, nl).toString('utf8'));
    if (!parts || parts.length === 0) return { error: 'Invalid library metadata' };
    const engine = parts[0].slice(2);
    let name: string | null = null;
    for (const part of parts.slice(1)) {
      if (part.slice(0, 5).toLowerCase() === 'name=') {
        if (name !== null) return { error: 'Invalid metadata value, name argument was given multiple times' };
        name = part.slice(5);
        continue;
      }
      return { error: `Invalid metadata value given: ${part}` };
    }
    if (name === null) return { error: 'Library name was not given' };
    if (!validName(name)) return { error: E_NAME };
    if (engine.toUpperCase() !== 'LUA') return { error: `Engine '${engine}' not found` };
    let old = set.libraries.get(name);
    if (old && !replace) return { error: `Library '${name}' already exists` };
    if (old) set.unlink(old);

    const lib: Library = { name, code: Buffer.from(code), functions: new Map() };
    const error = this.compileAndRun(code.subarray(nl), lib);
    const fail = (msg: string) => {
      this.free(lib);
      if (old) set.link(old);
      return { error: msg };
    };
    if (error !== null) return fail(error);
    if (lib.functions.size === 0) return fail('No functions registered');
    for (const f of lib.functions.values()) {
      if (set.functions.has(f.name.toLowerCase())) return fail(`Function ${f.name} already exists`);
    }
    set.link(lib);
    if (old) this.free(old);
    old = undefined;
    return { name };
  }

  /** luaEngineCreate: compile as "@user_function", then run the top level in the load environment. */
  private compileAndRun(body: Buffer, lib: Library): string | null {
    const sb = this.sandbox;
    const api = this.vm.api;
    const L = sb.L;
    const compiled = sb.compile(body, '@user_function');
    if ('error' in compiled) return `Error compiling function: ${syntax51(compiled.error)}`;
    const setLoading = (on: boolean) => {
      sb.callRef(sb.refs.loading, 1, (l) => api.lua_pushboolean(l, on ? 1 : 0));
      api.lua_settop(L, 0);
    };
    setLoading(true);
    let result: string | null;
    try {
      result = this.runner.withLoadHook(L, (l) => this.register(l, lib), () => {
        const st = sb.callRef(sb.refs.load, 1, (l) => sb.pushRef(l, compiled.ref));
        const msg = st === LUA_OK && api.lua_type(L, -1) !== LUA_TNIL ? this.vm.text(L, -1) : null;
        const failed = st !== LUA_OK ? (this.vm.text(L, -1) ?? 'ERR execution failure') : null;
        api.lua_settop(L, 0);
        return failed ?? msg;
      });
    } finally {
      setLoading(false);
      sb.unref(compiled.ref);
    }
    return result === null ? null : `Error registering functions: ${result}`;
  }

  // ---- redis.register_function ----------------------------------------------------

  /** Raises {err="ERR <msg>"} in Lua. */
  private fail(L: number, msg: string): number {
    return this.runner.raise(L, `ERR ${msg}`);
  }

  private register(L: number, lib: Library): number {
    const vm = this.vm;
    const api = vm.api;
    const argc = api.lua_gettop(L);
    if (argc < 1 || argc > 2) return this.fail(L, 'wrong number of arguments to redis.register_function');
    let name: string | null = null;
    let desc: Buffer | null = null;
    let ref = 0;
    let flags = 0;
    const isString = (idx: number) => {
      const t = api.lua_type(L, idx);
      return t === LUA_TSTRING || t === LUA_TNUMBER;
    };
    const unrefOnError = (msg: string) => {
      if (ref) this.sandbox.unref(ref);
      return this.fail(L, msg);
    };
    if (argc === 1) {
      if (api.lua_type(L, 1) !== LUA_TTABLE) {
        return this.fail(L, 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      api.lua_pushnil(L);
      while (api.lua_next(L, 1)) {
        // Stack: table, key, value.
        if (!isString(-2)) return unrefOnError('named argument key given to redis.register_function is not a string');
        const key = api.lua_type(L, -2) === LUA_TSTRING ? (vm.text(L, -2) ?? '') : String(api.lua_tonumberx(L, -2, 0));
        const k = key.toLowerCase();
        if (k === 'function_name') {
          if (!isString(-1)) return unrefOnError('function_name argument given to redis.register_function must be a string');
          name = vm.text(L, -1);
        } else if (k === 'description') {
          if (!isString(-1)) return unrefOnError('description argument given to redis.register_function must be a string');
          desc = vm.bytes(L, -1);
        } else if (k === 'callback') {
          if (api.lua_type(L, -1) !== LUA_TFUNCTION) return unrefOnError('callback argument given to redis.register_function must be a function');
          if (ref) this.sandbox.unref(ref);
          ref = api.luaL_ref(L, LUA_REGISTRYINDEX);
          continue; // luaL_ref popped the value
        } else if (k === 'flags') {
          if (api.lua_type(L, -1) !== LUA_TTABLE) {
            return unrefOnError('flags argument to redis.register_function must be a table representing function flags');
          }
          const f = this.readFlags(L);
          if (f === null) return unrefOnError('unknown flag given');
          flags = f;
        } else {
          return unrefOnError('unknown argument given to redis.register_function');
        }
        api.lua_settop(L, -2);
      }
      if (name === null) return unrefOnError('redis.register_function must get a function name argument');
      if (!ref) return unrefOnError('redis.register_function must get a callback argument');
    } else {
      if (!isString(1)) return this.fail(L, 'first argument to redis.register_function must be a string');
      if (api.lua_type(L, 2) !== LUA_TFUNCTION) return this.fail(L, 'second argument to redis.register_function must be a function');
      name = vm.text(L, 1);
      api.lua_settop(L, 2);
      ref = api.luaL_ref(L, LUA_REGISTRYINDEX);
    }
    // C strings: the name ends at its first NUL.
    const fname = (name ?? '').split('\0')[0];
    if (!validName(fname)) return unrefOnError(E_NAME);
    if (lib.functions.has(fname)) return unrefOnError('Function already exists in the library');
    lib.functions.set(fname, { name: fname, desc, flags, ref, lib });
    return 0;
  }

  /** The flags table at the top of the stack: its array part, names matched case-insensitively. */
  private readFlags(L: number): number | null {
    const vm = this.vm;
    const api = vm.api;
    let flags = 0;
    for (let j = 1; ; j++) {
      api.lua_pushinteger(L, BigInt(j));
      api.lua_rawget(L, -2);
      const t = api.lua_type(L, -1);
      if (t === LUA_TNIL) { api.lua_settop(L, -2); return flags; }
      if (t !== LUA_TSTRING && t !== LUA_TNUMBER) { api.lua_settop(L, -2); return null; }
      const s = (vm.text(L, -1) ?? '').toLowerCase();
      api.lua_settop(L, -2);
      const f = SCRIPT_FLAGS.find(([n]) => n === s);
      if (!f) return null;
      flags |= f[1];
    }
  }

  // ---- commands ---------------------------------------------------------------------

  /** FUNCTION LOAD [REPLACE] code. */
  load(args: Buffer[], r: Reply): boolean {
    let replace = false;
    let pos = 2;
    while (pos < args.length - 1) {
      const opt = args[pos++];
      if (optText(opt) === 'replace') { replace = true; continue; }
      r.error(`ERR Unknown option given: ${opt.toString('latin1')}`);
      return false;
    }
    if (pos >= args.length) {
      r.error('ERR Function code is missing');
      return false;
    }
    const res = this.create(args[pos], replace, this.current);
    if ('error' in res) {
      r.error(`ERR ${res.error}`);
      return false;
    }
    r.bulk(res.name);
    return true;
  }

  /**
   * Loads a library's code as an RDB file's FUNCTION2 record does (a library
   * of the same name is replaced, as DEBUG RELOAD needs); the error text, or null.
   */
  loadCode(code: Buffer): string | null {
    const res = this.create(code, true, this.current);
    return 'error' in res ? res.error : null;
  }

  /** FUNCTION DELETE library-name. */
  delete(name: Buffer, r: Reply): boolean {
    const lib = this.current.libraries.get(name.toString('latin1'));
    if (!lib) {
      r.error('ERR Library not found');
      return false;
    }
    this.current.unlink(lib);
    this.free(lib);
    r.ok();
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    for (const lib of this.current.libraries.values()) this.free(lib);
    this.current = new LibrarySet();
  }

  /** FUNCTION DUMP: each library as RDB_OPCODE_FUNCTION2 + its code, then the footer. */
  dump(compress: boolean): Buffer {
    const parts: Buffer[] = [];
    for (const lib of this.current.libraries.values()) {
      parts.push(Buffer.from([RDB_OPCODE_FUNCTION2]), rdbString(lib.code, compress));
    }
    return withPayloadFooter(Buffer.concat(parts));
  }

  /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
  restore(payload: Buffer, policy: 'flush' | 'append' | 'replace', r: Reply): boolean {
    if (verifyPayload(payload) === null) {
      r.error('ERR DUMP payload version or checksum are wrong');
      return false;
    }
    const tmp = new LibrarySet();
    const rd = new RdbReader(payload, payload.length - 10);
    const abort = (msg: string) => {
      for (const lib of tmp.libraries.values()) this.free(lib);
      r.error(`ERR ${msg}`);
      return false;
    };
    while (rd.left > 0) {
      const type = rd.byte();
      if (type !== RDB_OPCODE_FUNCTION2 && type !== RDB_OPCODE_FUNCTION_PRE_GA) return abort('given type is not a function');
      let code: Buffer | null;
      if (type === RDB_OPCODE_FUNCTION_PRE_GA) {
        // The 7.0 release candidates' format: name, engine, optional description, code.
        const name = rd.string();
        if (!name) return abort('Failed loading library name');
        const engine = rd.string();
        if (!engine) return abort('Failed loading engine name');
        const hasDesc = rd.len();
        if (hasDesc === null) return abort('Failed loading library description indicator');
        if (hasDesc && !rd.string()) return abort('Failed loading library description');
        const blob = rd.string();
        if (!blob) return abort('Failed loading library blob');
        code = Buffer.concat([Buffer.from(`#!${engine.toString('latin1')} name=${name.toString('latin1')}\n`, 'latin1'), blob]);
      } else {
        code = rd.string();
        if (!code) return abort('Failed loading library payload');
      }
      const res = this.create(code, false, tmp);
      if ('error' in res) return abort(res.error);
    }
    if (policy === 'flush') {
      this.flush();
      this.current = tmp;
    } else {
      // libraryJoin: with REPLACE, libraries of the same name go; any other collision aborts.
      const replaced: Library[] = [];
      const undo = () => { for (const lib of replaced) this.current.link(lib); };
      for (const lib of tmp.libraries.values()) {
        const old = this.current.libraries.get(lib.name);
        if (!old) continue;
        if (policy !== 'replace') { undo(); return abort(`Library ${lib.name} already exists`); }
        this.current.unlink(old);
        replaced.push(old);
      }
      for (const f of tmp.functions.values()) {
        if (this.current.functions.has(f.name.toLowerCase())) { undo(); return abort(`Function ${f.name} already exists`); }
      }
      for (const lib of tmp.libraries.values()) this.current.link(lib);
      for (const lib of replaced) this.free(lib);
    }
    r.ok();
    return true;
  }

  /** FCALL / FCALL_RO function numkeys [key ...] [arg ...]. */
  fcall(c: HostClient, args: Buffer[], r: Reply, ro: boolean, shown: () => void): PendingReply | void {
    // The name as a C string.
    const fname = args[1].toString('latin1').split('\0')[0].toLowerCase();
    const f = this.current.functions.get(fname);
    // The function's flags are the command's before it runs (fcallGetCommandFlags).
    const oom = this.runner.oomState(c, f ? f.flags : FLAG_EVAL_COMPAT, r);
    if (oom === null) return;
    shown();
    if (!f) {
      r.error('ERR Function not found');
      return;
    }
    const numkeys = parseStrictI64(args[2]);
    if (numkeys === null) {
      r.error('ERR Bad number of keys provided');
      return;
    }
    if (numkeys > BigInt(args.length - 3)) {
      r.error("ERR Number of keys can't be greater than number of args");
      return;
    }
    if (numkeys < 0n) {
      r.error("ERR Number of keys can't be negative");
      return;
    }
    const refusal = prepareError(f.flags, ro, oom);
    if (refusal) {
      r.error(refusal);
      return;
    }
    const n = Number(numkeys);
    return this.runner.start({
      kind: 'function', sandbox: this.sandbox, fnRef: f.ref, name: f.name, caller: c, callerArgs: args,
      keys: args.slice(3, 3 + n), args: args.slice(3 + n),
      readOnly: runsReadOnly(f.flags, ro), allowOom: (f.flags & FLAG_ALLOW_OOM) !== 0, oom, reply: r,
    });
  }
}
