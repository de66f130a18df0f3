// One Lua state set up the way Redis sets up its scripting states: the
// libraries, the redis table, the read-only globals (prelude.ts), and a
// coroutine to run scripts in (so that a long script can be suspended; see
// runner.ts). EVAL scripts and function libraries live in separate states,
// as in Redis: SCRIPT FLUSH replaces the first without touching the second.
import {
  LuaVM, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS, LUA_OK, LUA_MULTRET,
} from './lua.js';
import { PRELUDE } from './prelude.js';
import { BIT, CJSON, CMSGPACK, STRUCT } from './lualibs.js';
import { REDIS_VERSION } from '../cmd-connection.js';

/** Chunk name of our own Lua code; prelude.ts recognises its frames by it. */
export const INTERNAL_CHUNK = '=[vermilion]';

export type SandboxMode = 'eval' | 'function';

/** C function pointers (LuaVM.cfunction) the sandbox exposes to Lua. */
export interface NativeFunctions {
  call: number;
  pcall: number;
  acl_check_cmd: number;
  log: number;
  sha1hex: number;
  setresp: number;
  set_repl: number;
  lrand48: number;
  srand48: number;
  register_function: number;
  /** Wraps a Lua function in a C closure that calls it (see prelude.ts wrapAll). */
  cwrap: number;
}

function versionNum(v: string): number {
  const [a, b, c] = v.split('.').map(Number);
  return (a << 16) | (b << 8) | c;
}

export class LuaSandbox {
  readonly L: number;
  /** The coroutine scripts run in (anchored in the registry). */
  thread = 0;
  private threadRef = 0;
  /** Registry references to the sandbox's tables and functions. */
  readonly refs: { G: number; run: number; loading: number; load: number };

  constructor(readonly vm: LuaVM, readonly mode: SandboxMode, natives: NativeFunctions) {
    const api = vm.api;
    const L = api.luaL_newstate();
    if (!L) throw new Error('cannot create a Lua state');
    this.L = L;
    api.luaL_openlibs(L);

    // The prelude's arguments: natives (with the libraries' chunks), mode, version.
    if (vm.load(L, Buffer.from(PRELUDE), INTERNAL_CHUNK) !== LUA_OK) throw new Error(`prelude: ${vm.text(L, -1)}`);
    api.lua_createtable(L, 0, 16);
    for (const [name, fn] of Object.entries(natives)) {
      api.lua_pushcclosure(L, fn, 0);
      vm.setfield(L, -2, name);
    }
    api.lua_pushlightuserdata(L, 0);
    vm.setfield(L, -2, 'null');
    api.lua_createtable(L, 0, 4);
    for (const [name, code] of [['bit', BIT], ['cjson', CJSON], ['cmsgpack', CMSGPACK], ['struct', STRUCT]] as const) {
      if (vm.load(L, Buffer.from(code), INTERNAL_CHUNK) !== LUA_OK) throw new Error(`${name}: ${vm.text(L, -1)}`);
      vm.setfield(L, -2, name);
    }
    vm.setfield(L, -2, 'libs');
    vm.pushString(L, mode);
    vm.pushString(L, REDIS_VERSION);
    api.lua_pushinteger(L, BigInt(versionNum(REDIS_VERSION)));
    if (api.lua_pcallk(L, 4, 1, 0, 0, 0) !== LUA_OK) throw new Error(`prelude: ${vm.text(L, -1)}`);

    // Scripts compiled from now on see the read-only globals.
    vm.getfield(L, -1, 'env');
    api.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    const ref = (field: string): number => {
      vm.getfield(L, -1, field);
      return api.luaL_ref(L, LUA_REGISTRYINDEX);
    };
    this.refs = {
      G: ref('G'),
      run: ref('run'),
      loading: mode === 'function' ? ref('loading') : 0,
      load: mode === 'function' ? ref('load') : 0,
    };
    api.lua_settop(L, 0);
    this.newThread();
  }

  /** A fresh coroutine for the next script (after an error left the old one dead). */
  newThread(): void {
    const api = this.vm.api;
    if (this.threadRef) api.luaL_unref(this.L, LUA_REGISTRYINDEX, this.threadRef);
    this.thread = api.lua_newthread(this.L);
    this.threadRef = api.luaL_ref(this.L, LUA_REGISTRYINDEX);
  }

  /** Pushes a registry reference's value. */
  pushRef(L: number, ref: number): void {
    this.vm.api.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(ref));
  }

  /** Sets a global in the real globals table (KEYS, ARGV); the value is on top of L. */
  setGlobal(L: number, name: string): void {
    const api = this.vm.api;
    this.pushRef(L, this.refs.G);
    api.lua_rotate(L, -2, 1);
    this.vm.setfield(L, -2, name);
    api.lua_settop(L, -2);
  }

  /** Compiles `code` into a function kept in the registry; the reference, or the compile error. */
  compile(code: Uint8Array, chunkname: string): { ref: number } | { error: string } {
    const api = this.vm.api;
    const L = this.L;
    if (this.vm.load(L, code, chunkname) !== LUA_OK) {
      const msg = this.vm.text(L, -1) ?? '';
      api.lua_settop(L, -2);
      return { error: msg };
    }
    return { ref: api.luaL_ref(L, LUA_REGISTRYINDEX) };
  }

  unref(ref: number): void {
    if (ref) this.vm.api.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Calls a registry function with no arguments on the main thread (setup helpers). */
  callRef(ref: number, nargs: number, pushArgs: (L: number) => void): number {
    const api = this.vm.api;
    this.pushRef(this.L, ref);
    pushArgs(this.L);
    return api.lua_pcallk(this.L, nargs, LUA_MULTRET, 0, 0, 0);
  }

  /** Bytes held by the state (collectgarbage('count') in bytes). */
  memory(): number {
    const api = this.vm.api;
    const L = this.L;
    const top = api.lua_gettop(L);
    // debug.getregistry is gone; the original collectgarbage is the base
    // library's, reachable from the registry's loaded table.
    this.vm.getfield(L, LUA_REGISTRYINDEX, '_LOADED');
    this.vm.getfield(L, -1, '_G');
    this.vm.getfield(L, -1, 'collectgarbage');
    this.vm.pushString(L, 'count');
    let bytes = 0;
    if (api.lua_pcallk(L, 1, 1, 0, 0, 0) === LUA_OK) bytes = Math.floor(api.lua_tonumberx(L, -1, 0) * 1024);
    api.lua_settop(L, top);
    return bytes;
  }

  close(): void {
    this.vm.api.lua_close(this.L);
  }
}
