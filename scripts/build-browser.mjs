#!/usr/bin/env node
// Builds the browser bundles into dist/browser/ (npm run build:browser,
// part of npm run build):
//   vermilion.js         ESM, fetches engine.wasm and lua.wasm from next to itself
//   vermilion.inline.js  ESM, both .wasm files inlined as base64 (one file, no fetch)
//   engine.wasm          the release engine
//   lua.wasm             the Lua VM (wasmoon's glue.wasm), fetched when a store opens
//   sizes.json           raw and gzip sizes (the README's size budget)
// Node built-ins are not available to the bundle: the host modules reach
// them only through process.getBuiltinModule (src/host/platform.ts), and
// the build fails if any `node:` import slips in. Buffer comes from the
// `buffer` package.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'browser');
const wasmFile = join(root, 'build', 'engine.wasm');
const luaWasmFile = join(root, 'node_modules', 'wasmoon', 'dist', 'glue.wasm');

/**
 * The `vermilion:engine-source` module (a URL next to the bundle, or the
 * bytes inlined) and `vermilion:lua-source` (the Lua VM's URL next to the
 * bundle, or a data: URL, which wasmoon's loader fetches like any other).
 */
function engineSource(inline) {
  return {
    name: 'engine-source',
    setup(b) {
      b.onResolve({ filter: /^vermilion:(engine|lua)-source$/ }, (args) => ({ path: args.path.slice(10), namespace: 'vermilion' }));
      b.onLoad({ filter: /^lua-source$/, namespace: 'vermilion' }, () => ({
        contents: inline
          ? `export default ${JSON.stringify('data:application/wasm;base64,' + readFileSync(luaWasmFile).toString('base64'))};`
          : 'export default new URL("./lua.wasm", import.meta.url).href;',
        loader: 'js',
      }));
      b.onLoad({ filter: /^engine-source$/, namespace: 'vermilion' }, () => ({
        contents: inline
          ? `const b64 = ${JSON.stringify(readFileSync(wasmFile).toString('base64'))};
             const bin = atob(b64); const bytes = new Uint8Array(bin.length);
             for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
             export default bytes;`
          : 'export default new URL("./engine.wasm", import.meta.url);',
        loader: 'js',
      }));
    },
  };
}

/** Fails the build on any Node built-in: the browser has none. */
const noNode = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|os|path|net|crypto|stream|url|zlib|child_process)$/ }, (args) => ({
      errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}: the browser build must not use it` }],
    }));
  },
};

/**
 * wasmoon's loader (Emscripten's) carries a Node branch that a page never
 * takes: it locates itself with require('url') and loads 'module' to make
 * a require. Those expressions are cut from the bundle, so it holds no
 * Node import even as dead code; the build fails if they are not found
 * (a new wasmoon must be looked at again).
 */
const wasmoonForBrowser = {
  name: 'wasmoon-for-browser',
  setup(b) {
    b.onLoad({ filter: /wasmoon[\\/]dist[\\/]index\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const cuts = [
        ["require('u' + 'rl').pathToFileURL(__filename).href", '""'],
        ["await import('module')", "({ createRequire() { throw new Error('Node only'); } })"],
      ];
      for (const [from, to] of cuts) {
        if (!text.includes(from)) throw new Error(`wasmoon changed: '${from}' not found in ${args.path}`);
        text = text.split(from).join(to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

export async function buildBrowser({ entry = join(root, 'src', 'embedded', 'browser.ts'), outdir = out, minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const common = {
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    inject: [join(root, 'scripts', 'browser-buffer.mjs')],
    logLevel: 'warning',
  };
  await build({ ...common, outfile: join(outdir, 'vermilion.js'), plugins: [engineSource(false), noNode, wasmoonForBrowser] });
  await build({ ...common, outfile: join(outdir, 'vermilion.inline.js'), plugins: [engineSource(true), noNode, wasmoonForBrowser] });
  copyFileSync(wasmFile, join(outdir, 'engine.wasm'));
  copyFileSync(luaWasmFile, join(outdir, 'lua.wasm'));
  const size = (f) => {
    const b = readFileSync(join(outdir, f));
    return { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
  };
  const sizes = {
    'vermilion.js': size('vermilion.js'), 'engine.wasm': size('engine.wasm'), 'lua.wasm': size('lua.wasm'),
    'vermilion.inline.js': size('vermilion.inline.js'),
  };
  writeFileSync(join(outdir, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildBrowser();
  for (const [f, s] of Object.entries(sizes)) console.log(`dist/browser/${f}: ${s.bytes} bytes, ${s.gzip} gzip`);
}
