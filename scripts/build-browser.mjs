#!/usr/bin/env node
// Builds the browser bundles into dist/browser/ (npm run build:browser,
// part of npm run build):
//   vermilion.js         ESM, fetches engine.wasm from next to itself
//   vermilion.inline.js  ESM, the .wasm inlined as base64 (one file, no fetch)
//   engine.wasm          the release engine
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

/** The `vermilion:engine-source` module: a URL next to the bundle, or the bytes inlined. */
function engineSource(inline) {
  return {
    name: 'engine-source',
    setup(b) {
      b.onResolve({ filter: /^vermilion:engine-source$/ }, () => ({ path: 'engine-source', namespace: 'vermilion' }));
      b.onLoad({ filter: /.*/, namespace: 'vermilion' }, () => ({
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
 * The Lua VM (wasmoon, with Node-only loading code) stays out of the bundle:
 * src/embedded/lua.ts never loads it without a file system, and this empty
 * module stands in for the import it would make.
 */
const noLua = {
  name: 'no-lua',
  setup(b) {
    b.onResolve({ filter: /host\/scripting\/index\.js$/ }, () => ({ path: 'scripting', namespace: 'no-lua' }));
    b.onLoad({ filter: /.*/, namespace: 'no-lua' }, () => ({ contents: 'export const Scripting = null;', loader: 'js' }));
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
  await build({ ...common, outfile: join(outdir, 'vermilion.js'), plugins: [engineSource(false), noNode, noLua] });
  await build({ ...common, outfile: join(outdir, 'vermilion.inline.js'), plugins: [engineSource(true), noNode, noLua] });
  copyFileSync(wasmFile, join(outdir, 'engine.wasm'));
  const size = (f) => {
    const b = readFileSync(join(outdir, f));
    return { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
  };
  const sizes = { 'vermilion.js': size('vermilion.js'), 'engine.wasm': size('engine.wasm'), 'vermilion.inline.js': size('vermilion.inline.js') };
  writeFileSync(join(outdir, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildBrowser();
  for (const [f, s] of Object.entries(sizes)) console.log(`dist/browser/${f}: ${s.bytes} bytes, ${s.gzip} gzip`);
}
