// The browser entry (dist/browser/, built by scripts/build-browser.mjs):
// the same API as the package's Node entry, with no Node-only imports. The
// engine and the Lua VM come from ENGINE_SOURCE and LUA_SOURCE, which the
// build resolves either to URLs of engine.wasm and lua.wasm next to the
// bundle (vermilion.js) or to the .wasm bytes inlined (vermilion.inline.js);
// `open({ wasm })` overrides the engine's. The host code's Buffer is the
// `buffer` package, injected by the build.
import { setDefaultWasm } from './vermilion.js';
import { setLuaWasmLocation } from '../host/scripting/location.js';
// @ts-ignore: virtual modules the build provides (see scripts/build-browser.mjs).
import ENGINE_SOURCE from 'vermilion:engine-source';
// @ts-ignore
import LUA_SOURCE from 'vermilion:lua-source';

setDefaultWasm(ENGINE_SOURCE as URL | Uint8Array);
setLuaWasmLocation(String(LUA_SOURCE));

export * from '../index.js';
