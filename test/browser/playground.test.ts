// The playground (npm run playground) in headless chromium: a REPL session
// typed with the keyboard (commands, redis-cli formatted replies, hints,
// history, Tab completion, the RESP3 toggle), then a screenshot saved to
// test/artifacts/playground.png and checked for being a real page: the key
// elements present and visible, and many colours (not blank).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium, Browser } from 'playwright-core';
import { startPlayground } from '../../scripts/playground.mjs';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error('chromium is required for the browser tests under CI');

/** Decodes an 8-bit RGB/RGBA PNG (what chromium writes) into RGBA pixels. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let pos = 8;
  let width = 0, height = 0, channels = 4;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('bit depth');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      if (!channels) throw new Error(`colour type ${data[9]}`);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = (v + p) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = px[i * channels + k];
    rgba[i * 4 + 3] = channels === 4 ? px[i * channels + 3] : 255;
  }
  return { width, height, rgba };
}

describe.skipIf(!haveChromium)('playground', () => {
  let browser: Browser;
  let server: { close(): void };
  let url: string;

  beforeAll(async () => {
    const s = await startPlayground({ port: 0 });
    server = s.server;
    url = s.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('is a working REPL, and its screenshot is a real page', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    const type = async (line: string) => {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    };
    const replies = () => page.$$eval('#output .reply', (els) => els.map((e) => e.textContent));

    await type('SET greeting "hello world" EX 60');
    await type('GET greeting');
    await type('INCR visits');
    await type('INCR visits');
    await type('CONFIG GET maxmemory');
    await type('INCR greeting');
    await type('GET nokey');
    await type('SELECT 2');
    expect(await replies()).toEqual([
      'OK', '"hello world"', '(integer) 1', '(integer) 2', '1) "maxmemory"\n2) "0"',
      '(error) ERR value is not an integer or out of range', '(nil)', 'OK',
    ]);
    expect(await page.textContent('#prompt')).toBe('vermilion[2]>');

    // Hints from the command table, redis-cli style.
    await page.keyboard.type('SET ');
    expect(await page.textContent('#rest')).toBe('key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]');
    await page.keyboard.type('k ');
    expect(await page.textContent('#rest')).toMatch(/^value \[NX\|XX\]/);
    await page.fill('#cmd', '');
    // Tab completes a command name.
    await page.keyboard.type('getd');
    await page.keyboard.press('Tab');
    expect(await page.inputValue('#cmd')).toBe('GETDEL ');
    await page.fill('#cmd', '');
    // History with the arrow keys.
    await page.keyboard.press('ArrowUp');
    expect(await page.inputValue('#cmd')).toBe('SELECT 2');
    await page.keyboard.press('ArrowUp');
    expect(await page.inputValue('#cmd')).toBe('GET nokey');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#cmd')).toBe('');

    // RESP3: maps and nulls print as redis-cli prints them.
    await page.click('#resp3');
    await page.focus('#cmd');
    await type('CONFIG GET maxmemory');
    await type('GET nokey');
    const r = await replies();
    expect(r[r.length - 3]).toMatch(/^1# "server" => "redis"\n2# "version" => "7\.0\.15"\n3# "proto" => \(integer\) 3/);
    expect(r.slice(-2)).toEqual(['1# "maxmemory" => "0"', '(nil)']);
    expect(errors).toEqual([]);

    for (const sel of ['header h1', '#output', '#cmd', '#resp3', 'footer #status']) expect(await page.isVisible(sel)).toBe(true);
    expect(await page.textContent('#status')).toMatch(/^engine ready · Redis 7\.0\.15 semantics/);

    const png = await page.screenshot({ fullPage: true });
    const dir = fileURLToPath(new URL('../artifacts/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}playground.png`, png);
    const { width, height, rgba } = decodePng(png);
    expect([width, height]).toEqual([1000, 640]);
    const colours = new Set<number>();
    let notBackground = 0;
    const bg = (rgba[0] << 16) | (rgba[1] << 8) | rgba[2];
    for (let i = 0; i < rgba.length; i += 4) {
      const c = (rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2];
      colours.add(c);
      if (c !== bg) notBackground++;
    }
    expect(colours.size).toBeGreaterThan(50);
    expect(notBackground / (width * height)).toBeGreaterThan(0.02);
    await page.close();
  });
});
