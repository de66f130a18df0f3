// The browser entry (dist/browser/, built by scripts/build-browser.mjs):
// the same API as the package's Node entry, with no Node-only imports. The
// engine comes from ENGINE_SOURCE, which the build resolves to either the
// URL of engine.wasm next to the bundle (vermilion.js) or the .wasm bytes
// inlined as base64 (vermilion.inline.js); `open({ wasm })` overrides it.
// The host code's Buffer is the `buffer` package, injected by the build.
import { setDefaultWasm } from './vermilion.js';
// @ts-ignore: a virtual module the build provides (see scripts/build-browser.mjs).
import ENGINE_SOURCE from 'vermilion:engine-source';

setDefaultWasm(ENGINE_SOURCE as URL | Uint8Array);

export * from '../index.js';
