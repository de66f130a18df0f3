// Lua scripting for an embedded store: the same scripting room as the
// server's (src/host/scripting/), loaded in the background when a store
// opens so that opening stays fast for stores that never script. In Node
// wasmoon reads its Lua VM from its package; the browser build ships the
// VM's .wasm beside the bundle (or inlined) and says where it is
// (src/embedded/browser.ts).
import { luaAvailable } from '../host/scripting/location.js';
import type { Scripting } from '../host/scripting/index.js';
import type { EmbeddedCore } from './store.js';

/** Starts loading the Lua VM for `core`; null where this platform cannot load it. */
export function loadScripting(core: EmbeddedCore): Promise<Scripting> | null {
  if (!luaAvailable()) return null;
  return import('../host/scripting/index.js').then((m) => m.Scripting.create(core));
}
