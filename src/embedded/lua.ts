// Lua scripting for an embedded store: the same scripting room as the
// server's (src/host/scripting/), loaded in the background when a store
// opens so that opening stays fast for stores that never script. The
// browser build replaces the scripting module with nothing (see
// scripts/build-browser.mjs): the VM is not in the bundle yet, and scripting
// commands there answer that Lua is not available.
import { nodeFs } from '../host/platform.js';
import type { Scripting } from '../host/scripting/index.js';
import type { EmbeddedCore } from './store.js';

/** Starts loading the Lua VM for `core`; null where scripting is not built in. */
export function loadScripting(core: EmbeddedCore): Promise<Scripting> | null {
  if (!nodeFs) return null;
  return import('../host/scripting/index.js').then((m) => m.Scripting.create(core));
}
