// Where the Lua VM's .wasm (wasmoon's glue.wasm) comes from. Unset in Node,
// where wasmoon reads it from its package; the browser build sets a URL
// beside the bundle or a data: URL (src/embedded/browser.ts), since wasmoon
// alone would fetch it from a CDN. A module of its own so that asking does
// not load the VM's code.

let location: string | undefined;

export function setLuaWasmLocation(uri: string): void { location = uri; }

export function luaWasmLocation(): string | undefined { return location; }

/** Whether this platform can load the VM: Node, or a browser build that says where the .wasm is. */
export function luaAvailable(): boolean {
  return location !== undefined || typeof (globalThis as any).process?.versions?.node === 'string';
}
