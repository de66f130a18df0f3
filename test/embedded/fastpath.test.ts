// The synchronous fast path (src/embedded/store.ts ApiClient.run, the
// engine's executeInfo, resp.ts asciiText): its shortcuts must give exactly
// what the general path gives — every text length around the short-ASCII
// cut-off, non-ASCII and invalid UTF-8, the multibulk header shortcut at
// and past nine arguments, and the accounting Redis does per command.
import { describe, it, expect } from 'vitest';
import { ReplyDecoder, asciiText, ASCII_TEXT_MAX } from '../../src/embedded/resp.js';
import { storesClosedAfterEach } from '../helpers/stores.js';

const open = storesClosedAfterEach();

const ascii = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join('');

describe('short ASCII decoding', () => {
  it('asciiText gives the bytes as text up to its limit, null past ASCII', () => {
    for (let n = 0; n <= ASCII_TEXT_MAX; n++) {
      const s = ascii(n);
      const b = new Uint8Array(n + 4);
      for (let i = 0; i < n; i++) b[i + 2] = s.charCodeAt(i);
      expect(asciiText(b, 2, n)).toBe(s);
      if (n > 0) {
        b[2 + n - 1] = 0xc3;
        expect(asciiText(b, 2, n)).toBe(null);
      }
    }
  });

  it('GET of every length around the cut-off, ASCII or not, as the general decoder reads it', () => {
    const db = open();
    const s = db.sync;
    const values: string[] = [];
    for (let n = 0; n <= ASCII_TEXT_MAX + 8; n++) {
      values.push(ascii(n));
      if (n > 0) values.push(ascii(n - 1) + 'é', 'ü' + ascii(n - 1), ascii(n - 1) + '\u{1F600}');
    }
    for (const v of values) {
      s.set('k', v);
      expect(s.get('k')).toBe(v);
      // The same reply through the general decoder (pipeline path).
      expect(db.pipeline().get('k').execSync()[0][1]).toBe(v);
    }
  });

  it('invalid UTF-8 decodes as the general path does (U+FFFD), short or long', () => {
    const db = open();
    for (const n of [1, 5, 31, 32, 33, 100]) {
      const bytes = new Uint8Array(n).fill(0x61);
      bytes[n >> 1] = 0xff;
      db.sync.set('bad', bytes);
      const raw = Uint8Array.from([...new TextEncoder().encode(`$${n}\r\n`), ...bytes, 13, 10]);
      const want = new ReplyDecoder().reset(raw, 0, raw.length, false).next();
      expect(want).toContain('\uFFFD');
      expect(db.sync.get('bad')).toBe(want);
      expect(db.callBufferSync('GET', 'bad')).toEqual(bytes);
    }
  });
});

describe('requests', () => {
  it('commands of 1 to 12 arguments (the one-digit header shortcut and past it)', () => {
    const db = open();
    const s = db.sync;
    for (let n = 1; n <= 11; n++) {
      const fields: string[] = [];
      for (let i = 0; i < n; i++) fields.push(`f${i}`);
      expect(s.del('l')).toBeGreaterThanOrEqual(0);
      // RPUSH l f0 .. f(n-1): n + 2 arguments.
      expect(s.rpush('l', ...fields)).toBe(n);
      expect(s.lrange('l', 0, -1)).toEqual(fields);
    }
    expect(db.callSync('PING')).toBe('PONG');
  });

  it('numbers, bigints, bytes and non-ASCII arguments', () => {
    const db = open();
    const s = db.sync;
    expect(s.set('n', 12345)).toBe('OK');
    expect(s.incrby('n', 10n)).toBe(12355);
    expect(s.set(new TextEncoder().encode('bk'), 'é')).toBe('OK');
    expect(s.get('bk')).toBe('é');
    expect(s.strlen('bk')).toBe(2);
    const big = 'x'.repeat(1000) + 'ü';
    expect(s.set('ключ', big)).toBe('OK');
    expect(s.get('ключ')).toBe(big);
  });
});

describe('per-command accounting on the fast path', () => {
  it('counts calls and time in commandstats and the latency histograms (keyspace events: pubsub.test.ts)', () => {
    const db = open();
    const s = db.sync;
    for (let i = 0; i < 5; i++) s.set('a', 'v');
    for (let i = 0; i < 3; i++) s.get('a');
    s.incr('c');
    const info = s.info('commandstats') as string;
    expect(info).toMatch(/cmdstat_set:calls=5,usec=\d+/);
    expect(info).toMatch(/cmdstat_get:calls=3,usec=\d+/);
    expect(info).toMatch(/cmdstat_incr:calls=1,usec=\d+/);
    const lat = s.info('latencystats') as string;
    expect(lat).toMatch(/latency_percentiles_usec_set:p50=/);
  });
});
