// The browser build in a real headless browser (Debian's chromium driven by
// playwright-core): the shipped bundle has no Node-only imports, loads the
// engine by URL and inline, runs the shared command tables with the same
// results as the TCP server and Node, and keeps a snapshot in IndexedDB
// across a page reload. Skipped without chromium, except under CI.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, Browser, Page } from 'playwright-core';
import { buildBrowser } from '../../scripts/build-browser.mjs';
import { serveStatic } from '../../scripts/static-server.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error('chromium is required for the browser tests under CI');

const root = fileURLToPath(new URL('../..', import.meta.url));
let browser: Browser;
let server: { close(): void };
let base: string;

/** The page: an import map sending 'vermilion' to the shipped bundle, then the test code. */
function html(bundle: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports":{"vermilion":"/dist/browser/${bundle}"}}</script>
<script type="module" src="/page/page.js"></script></head><body>vermilion browser test</body></html>`;
}

describe.skipIf(!haveChromium)('browser build', () => {
  beforeAll(async () => {
    await buildBrowser();
    const pageDir = mkdtempSync(join(tmpdir(), 'vermilion-page-'));
    await build({
      entryPoints: [join(root, 'test/browser/page.ts')], bundle: true, format: 'esm', platform: 'browser',
      target: 'es2022', outfile: join(pageDir, 'page.js'), external: ['vermilion'],
      inject: [join(root, 'scripts/browser-buffer.mjs')], logLevel: 'warning',
    });
    writeFileSync(join(pageDir, 'index.html'), html('vermilion.js'));
    writeFileSync(join(pageDir, 'inline.html'), html('vermilion.inline.js'));
    const s = await serveStatic({ '/dist/browser/': join(root, 'dist/browser'), '/page/': pageDir });
    server = s.server;
    base = s.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function page(path = 'page/index.html'): Promise<Page> {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(base + path);
    await p.waitForFunction(() => (globalThis as any).pageReady === true, null, { timeout: 20000 }).catch(() => {
      throw new Error(`page did not load: ${errors.join('; ')}`);
    });
    return p;
  }

  it('ships a bundle with no Node-only imports', () => {
    for (const f of ['vermilion.js', 'vermilion.inline.js']) {
      const text = readFileSync(join(root, 'dist/browser', f), 'utf8');
      expect(text).not.toMatch(/\bfrom\s*["']node:|\brequire\(|\bimport\(\s*["']node:/);
    }
  });

  it('runs the shared command tables with the server\'s results', async () => {
    const p = await page();
    const results = await p.evaluate(() => (globalThis as any).runShared()) as Record<string, string[]>;
    expect(Object.keys(results).length).toBeGreaterThan(20);
    const bad = Object.entries(results).filter(([, v]) => v.length > 0);
    expect(bad).toEqual([]);
    await p.close();
  }, 120000);

  it('loads the engine and the Lua VM inlined as well as by URL, and speaks RESP3', async () => {
    for (const path of ['page/index.html', 'page/inline.html']) {
      const p = await page(path);
      expect(await p.evaluate(() => (globalThis as any).basics())).toEqual({
        script: ['v', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
        get: 'v', config: [['maxmemory', '0']], info: 'browser', time: 2,
      });
      await p.close();
    }
  });

  it('keeps the snapshot in IndexedDB across a page reload', async () => {
    const p = await page();
    expect(await p.evaluate(() => (globalThis as any).rdbRoundTrip())).toEqual({ magic: 'REDIS0010', k: 'v', l: ['a', 'b'] });
    expect(Number(await p.evaluate(() => (globalThis as any).persistWrite()))).toBeGreaterThan(0);
    await p.reload();
    await p.waitForFunction(() => (globalThis as any).pageReady === true);
    expect(await p.evaluate(() => (globalThis as any).persistRead())).toEqual({
      values: ['héllo from before the reload', '42', 'x'], ttl: 4102444800000, size: 3,
    });
    await p.close();
  });
});
