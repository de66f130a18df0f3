// The Lua VM: wasmoon's build of Lua 5.4 (Lua compiled to WebAssembly),
// driven through Lua's C API directly rather than through wasmoon's
// JavaScript object bridge, which copies values as UTF-8 text (scripts
// handle binary strings) and costs far more per call.
//
// The exports are taken from the WebAssembly instance itself: wasmoon's
// module wraps each export in a checking trampoline that costs ~6x a
// direct call, which matters on the redis.call path. If the instance
// cannot be captured, the trampolines are used (same signatures).
//
// Strings cross as bytes: lua_tolstring's pointer is read in the VM's
// memory, and pushed strings are copied into a scratch block first.
// wasm32: size_t is 4 bytes; lua_Integer is 64-bit (a BigInt here).
import { LuaFactory } from 'wasmoon';
import { luaWasmLocation } from './location.js';

export const LUA_REGISTRYINDEX = -1001000;
export const LUA_RIDX_GLOBALS = 2n;
export const LUA_MULTRET = -1;

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;

export const LUA_MASKLINE = 4;
export const LUA_MASKCOUNT = 8;

/** The part of the C API this server uses (raw wasm exports). */
export interface LuaApi {
  memory: { readonly buffer: ArrayBuffer };
  malloc(n: number): number;
  free(p: number): void;
  luaL_newstate(): number;
  luaL_openlibs(L: number): void;
  luaL_loadbufferx(L: number, buf: number, len: number, name: number, mode: number): number;
  luaL_ref(L: number, t: number): number;
  luaL_unref(L: number, t: number, ref: number): void;
  lua_close(L: number): void;
  lua_newthread(L: number): number;
  lua_gettop(L: number): number;
  lua_settop(L: number, idx: number): void;
  lua_pushvalue(L: number, idx: number): void;
  lua_rotate(L: number, idx: number, n: number): void;
  lua_xmove(from: number, to: number, n: number): void;
  lua_checkstack(L: number, n: number): number;
  lua_type(L: number, idx: number): number;
  lua_isinteger(L: number, idx: number): number;
  lua_tonumberx(L: number, idx: number, isnum: number): number;
  lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  lua_toboolean(L: number, idx: number): number;
  lua_tolstring(L: number, idx: number, len: number): number;
  lua_rawlen(L: number, idx: number): number;
  lua_pushnil(L: number): void;
  lua_pushnumber(L: number, n: number): void;
  lua_pushinteger(L: number, n: bigint): void;
  lua_pushlstring(L: number, s: number, len: number): number;
  lua_pushcclosure(L: number, fn: number, n: number): void;
  lua_pushboolean(L: number, b: number): void;
  lua_pushlightuserdata(L: number, p: number): void;
  lua_getfield(L: number, idx: number, k: number): number;
  lua_rawget(L: number, idx: number): number;
  lua_rawgeti(L: number, idx: number, n: bigint): number;
  lua_createtable(L: number, narr: number, nrec: number): void;
  lua_setfield(L: number, idx: number, k: number): void;
  lua_rawset(L: number, idx: number): void;
  lua_rawseti(L: number, idx: number, n: bigint): void;
  lua_callk(L: number, nargs: number, nresults: number, ctx: number, k: number): void;
  lua_pcallk(L: number, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  lua_resume(L: number, from: number, narg: number, nres: number): number;
  lua_status(L: number): number;
  lua_isyieldable(L: number): number;
  lua_yieldk(L: number, nresults: number, ctx: number, k: number): number;
  lua_error(L: number): number;
  lua_next(L: number, idx: number): number;
  lua_sethook(L: number, fn: number, mask: number, count: number): void;
  lua_resetthread(L: number): number;
}

const API_NAMES = [
  'malloc', 'free', 'luaL_newstate', 'luaL_openlibs', 'luaL_loadbufferx', 'luaL_ref', 'luaL_unref', 'lua_close',
  'lua_newthread', 'lua_gettop', 'lua_settop', 'lua_pushvalue', 'lua_rotate', 'lua_xmove', 'lua_checkstack', 'lua_type',
  'lua_isinteger', 'lua_tonumberx', 'lua_tointegerx', 'lua_toboolean', 'lua_tolstring', 'lua_rawlen', 'lua_pushnil',
  'lua_pushnumber', 'lua_pushinteger', 'lua_pushlstring', 'lua_pushcclosure', 'lua_pushboolean', 'lua_pushlightuserdata',
  'lua_getfield', 'lua_rawget', 'lua_rawgeti', 'lua_createtable', 'lua_setfield', 'lua_rawset', 'lua_rawseti', 'lua_callk',
  'lua_pcallk', 'lua_resume', 'lua_status', 'lua_isyieldable', 'lua_yieldk', 'lua_error', 'lua_next', 'lua_sethook',
  'lua_resetthread',
] as const;

/** Captures the instance wasmoon instantiates, so its exports can be called directly. */
async function instantiate(): Promise<{ api: LuaApi; module: any }> {
  const W = WebAssembly as any;
  const orig = W.instantiate;
  const origStreaming = W.instantiateStreaming;
  let instance: WebAssembly.Instance | null = null;
  W.instantiate = async function (...args: any[]) {
    const r = await orig.apply(this, args);
    instance = r.instance ?? r;
    return r;
  };
  if (origStreaming) {
    W.instantiateStreaming = async function (...args: any[]) {
      const r = await origStreaming.apply(this, args);
      instance = r.instance;
      return r;
    };
  }
  let lw: any;
  try {
    lw = await new LuaFactory(luaWasmLocation()).getLuaModule();
  } finally {
    W.instantiate = orig;
    if (origStreaming) W.instantiateStreaming = origStreaming;
  }
  const module = lw.module;
  const exp: any = (instance as WebAssembly.Instance | null)?.exports;
  if (exp && API_NAMES.every((n) => typeof exp[n] === 'function') && exp.memory) {
    return { api: exp as LuaApi, module };
  }
  const api: any = { memory: { get buffer() { return module.HEAPU8.buffer; } } };
  for (const n of API_NAMES) api[n] = module[`_${n}`];
  return { api: api as LuaApi, module };
}

let shared: Promise<LuaVM> | null = null;

export class LuaVM {
  private view = new Uint8Array(0);
  private bufView = Buffer.alloc(0);
  /** A size_t out-parameter (lua_tolstring's length) and an int for lua_resume's result count. */
  private readonly outPtr: number;
  /** Scratch block for bytes pushed into Lua (grown on demand). */
  private scratch = 0;
  private scratchCap = 0;
  private readonly names = new Map<string, number>();

  private constructor(readonly api: LuaApi, private readonly module: any) {
    this.outPtr = api.malloc(16);
    this.grow(4096);
  }

  /** One VM per process: every Lua state lives in its memory. */
  static load(): Promise<LuaVM> {
    if (!shared) shared = instantiate().then(({ api, module }) => new LuaVM(api, module));
    return shared;
  }

  /** The VM's memory as a Buffer (for latin1 decoding in place), fresh after growth. */
  buf(): Buffer {
    // Growing the memory detaches the old buffer (its views read as empty),
    // which is cheaper to test than fetching memory.buffer on every access.
    if (this.bufView.byteLength === 0) this.bufView = Buffer.from(this.api.memory.buffer);
    return this.bufView;
  }

  /** The VM's memory, fresh after growth. */
  mem(): Uint8Array {
    if (this.view.byteLength === 0) this.view = new Uint8Array(this.api.memory.buffer);
    return this.view;
  }

  private grow(n: number): void {
    if (n <= this.scratchCap) return;
    let cap = Math.max(this.scratchCap * 2, 4096);
    while (cap < n) cap *= 2;
    if (this.scratch) this.api.free(this.scratch);
    this.scratch = this.api.malloc(cap);
    if (!this.scratch) throw new Error('Lua VM out of memory');
    this.scratchCap = cap;
  }

  /** A NUL-terminated constant string in VM memory (kept for the VM's life). */
  name(s: string): number {
    let p = this.names.get(s);
    if (p === undefined) {
      const b = Buffer.from(s + '\0', 'latin1');
      p = this.api.malloc(b.length);
      this.mem().set(b, p);
      this.names.set(s, p);
    }
    return p;
  }

  /** Copies bytes into the scratch block; returns their address (valid until the next copy). */
  stage(src: Uint8Array, start = 0, end = src.length): number {
    const n = end - start;
    this.grow(n + 1);
    const mem = this.mem();
    const at = this.scratch;
    if (n <= 32) {
      // Short spans byte by byte: cheaper than making a subarray view.
      for (let j = 0; j < n; j++) mem[at + j] = src[start + j];
    } else {
      mem.set(start === 0 && end === src.length ? src : src.subarray(start, end), at);
    }
    return at;
  }

  pushBytes(L: number, src: Uint8Array, start = 0, end = src.length): void {
    this.api.lua_pushlstring(L, this.stage(src, start, end), end - start);
  }

  pushString(L: number, s: string): void {
    this.pushBytes(L, Buffer.from(s, 'utf8'));
  }

  /** Address of the string at `idx` (numbers are converted in place), or 0; its length is `lastLen`. */
  strPtr(L: number, idx: number): number {
    return this.api.lua_tolstring(L, idx, this.outPtr);
  }

  get lastLen(): number {
    const m = this.mem();
    const p = this.outPtr;
    return m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
  }

  /** The string at `idx` as bytes (a copy), or null if it is not a string or number. */
  bytes(L: number, idx: number): Buffer | null {
    const p = this.strPtr(L, idx);
    if (!p) return null;
    return Buffer.from(this.mem().subarray(p, p + this.lastLen));
  }

  /** The string at `idx` as latin1 text (byte for byte), or null. */
  text(L: number, idx: number): string | null {
    const b = this.bytes(L, idx);
    return b ? b.toString('latin1') : null;
  }

  getfield(L: number, idx: number, k: string): number {
    return this.api.lua_getfield(L, idx, this.name(k));
  }

  setfield(L: number, idx: number, k: string): void {
    this.api.lua_setfield(L, idx, this.name(k));
  }

  /** luaL_loadbuffer: compiles `code` (text only) as a chunk named `chunkname`. */
  load(L: number, code: Uint8Array, chunkname: string): number {
    const p = this.stage(code);
    return this.api.luaL_loadbufferx(L, p, code.length, this.name(chunkname), this.name('t'));
  }

  /** lua_resume; the number of results is in `nres` afterwards. */
  resume(co: number, from: number, nargs: number): number {
    return this.api.lua_resume(co, from, nargs, this.outPtr);
  }

  get nres(): number {
    return this.lastLen;
  }

  /** A C function implemented in JavaScript. It must not throw JS errors: Lua errors unwind through it. */
  cfunction(fn: (L: number) => number): number {
    return this.module.addFunction(fn, 'ii');
  }

  /** A lua_KFunction (continuation of lua_callk after a yield) implemented in JavaScript. */
  kfunction(fn: (L: number, status: number, ctx: number) => number): number {
    return this.module.addFunction(fn, 'iiii');
  }

  /** A lua_Hook implemented in JavaScript. */
  hookFunction(fn: (L: number, ar: number) => void): number {
    return this.module.addFunction(fn, 'vii');
  }
}
