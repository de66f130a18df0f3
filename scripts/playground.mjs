#!/usr/bin/env node
// npm run playground [-- --port N]: builds the browser bundle and the
// playground page, and serves them on 127.0.0.1 (a static server: the
// engine runs in the page).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildBrowser } from './build-browser.mjs';
import { serveStatic } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds what the page needs; resolves with the server and its URL. */
export async function startPlayground({ port = 0 } = {}) {
  await buildBrowser();
  const out = join(root, 'dist', 'playground');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'playground', 'app.ts')], bundle: true, format: 'esm', platform: 'browser',
    target: 'es2022', outfile: join(out, 'app.js'), external: ['vermilion'], logLevel: 'warning', sourcemap: true,
  });
  return serveStatic({ '/': join(root, 'playground'), '/app/': out, '/dist/browser/': join(root, 'dist', 'browser') }, port);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  const { url } = await startPlayground({ port });
  console.log(`Vermilion playground: ${url}  (Ctrl-C to stop)`);
}
