// assembly/ds/listpack.ts on its own: random inserts, replaces and deletes
// checked against a plain array, the byte layout checked against the
// listpacks real Redis 7.0 writes (a small hash's DUMP payload carries its
// listpack verbatim), and validation of damaged bytes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Prng } from '../helpers/prng.js';
import { startRedis, redisServerPath, RawClient } from '../helpers/server.js';

class Lp {
  lp: number;
  constructor(private e: Engine) { this.lp = e.x.dsLpNew(); }
  private put(b: Buffer): number {
    const p = this.e.x.hostArg(b.length);
    this.e.bytes().set(b, p);
    return b.length;
  }
  insert(i: number, b: Buffer): void { this.lp = this.e.x.dsLpInsert(this.lp, i, this.put(b)); }
  replace(i: number, b: Buffer): void { this.lp = this.e.x.dsLpReplace(this.lp, i, this.put(b)); }
  del(i: number): void { this.lp = this.e.x.dsLpDelete(this.lp, i); }
  delRange(i: number, n: number): void { this.lp = this.e.x.dsLpDeleteRange(this.lp, i, n); }
  get(i: number): Buffer | null {
    const n = this.e.x.dsLpGet(this.lp, i);
    if (n < 0) return null;
    return Buffer.from(this.e.bytes().subarray(this.e.x.dsOut(), this.e.x.dsOut() + n));
  }
  find(b: Buffer, skip = 0): number { return this.e.x.dsLpFind(this.lp, this.put(b), skip); }
  get length(): number { return this.e.x.dsLpLength(this.lp); }
  raw(): Buffer {
    const n = this.e.x.dsLpRaw(this.lp);
    return Buffer.from(this.e.bytes().subarray(this.e.x.dsOut(), this.e.x.dsOut() + n));
  }
  valid(): boolean { return this.e.x.dsLpValidate(this.lp) === 1; }
  validRaw(b: Buffer): boolean { return this.e.x.dsLpValidateRaw(this.put(b)) === 1; }
}

// Values that exercise every encoding: each integer width at its limits,
// non-canonical integers kept as strings, and each string length class.
const EDGE = [
  '0', '1', '127', '128', '-1', '-4096', '4095', '4096', '-4097', '32767', '-32768', '32768',
  '8388607', '-8388608', '8388608', '2147483647', '-2147483648', '2147483648',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-0', '007', '+5', ' 5',
  '', 'a', 'x'.repeat(63), 'x'.repeat(64), 'y'.repeat(4095), 'y'.repeat(4096), 'z'.repeat(70000),
  '1.5', '12345678901234567890',
];

function randomValue(r: Prng): Buffer {
  switch (r.int(5)) {
    case 0: return Buffer.from(EDGE[r.int(EDGE.length)]);
    case 1: return Buffer.from(String(r.int(2000000) - 1000000));
    case 2: return Buffer.from(r.bytes(r.int(10)));
    case 3: return Buffer.from(r.bytes(60 + r.int(200)));
    default: return Buffer.from('v' + r.int(100));
  }
}

const e = new Engine({ debug: true, hashSeed: 1, randomSeed: 1n });

describe('listpack', () => {
  it('matches a plain array through random inserts, replaces and deletes', () => {
    const r = new Prng(7);
    const lp = new Lp(e);
    const model: Buffer[] = [];
    for (let step = 0; step < 4000; step++) {
      const op = r.int(10);
      if (op < 5 || model.length === 0) {
        const i = r.int(model.length + 1);
        const v = randomValue(r);
        lp.insert(i, v);
        model.splice(i, 0, v);
      } else if (op < 7) {
        const i = r.int(model.length);
        const v = randomValue(r);
        lp.replace(i, v);
        model[i] = v;
      } else if (op < 9) {
        const i = r.int(model.length);
        lp.del(i);
        model.splice(i, 1);
      } else {
        const i = r.int(model.length);
        const n = 1 + r.int(4);
        lp.delRange(i, n);
        model.splice(i, n);
      }
      if (step % 97 === 0 || model.length < 4) {
        expect(lp.length).toBe(model.length);
        expect(e.x.dsLpCountBackward(lp.lp)).toBe(model.length);
        expect(lp.valid()).toBe(true);
        for (let i = 0; i < model.length; i++) expect(lp.get(i)?.equals(model[i]), `index ${i}`).toBe(true);
        expect(lp.get(-1)?.equals(model[model.length - 1]) ?? model.length === 0).toBe(true);
        if (model.length > 0) {
          const probe = model[r.int(model.length)];
          expect(lp.find(probe)).toBe(model.findIndex((m) => m.equals(probe)));
        }
      }
    }
  });

  it('counts past 65535 entries by walking (the u16 count saturates)', () => {
    const lp = new Lp(e);
    for (let i = 0; i < 70000; i++) lp.insert(i, Buffer.from(String(i % 100)));
    expect(lp.length).toBe(70000);
    expect(lp.raw().readUInt16LE(4)).toBe(65535);
    lp.delRange(0, 5000);
    expect(lp.length).toBe(65000);
    expect(lp.raw().readUInt16LE(4)).toBe(65000);
    expect(lp.valid()).toBe(true);
  });

  it('find with skip looks only at every other element (hash fields)', () => {
    const lp = new Lp(e);
    for (const v of ['f1', 'x', 'x', 'f2', 'f3', '12']) lp.insert(lp.length, Buffer.from(v));
    expect(lp.find(Buffer.from('x'), 1)).toBe(2);
    expect(lp.find(Buffer.from('12'), 1)).toBe(-1);
    expect(lp.find(Buffer.from('12'), 0)).toBe(5);
    expect(lp.find(Buffer.from('012'), 0)).toBe(-1);
  });

  it('rejects damaged bytes', () => {
    const lp = new Lp(e);
    for (let i = 0; i < 30; i++) lp.insert(lp.length, Buffer.from(['a', '1000', '-70000', 'bb', '5'][i % 5]));
    const good = lp.raw();
    expect(lp.validRaw(good)).toBe(true);
    const r = new Prng(3);
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      bad[4 + r.int(bad.length - 4)] ^= 1 << r.int(8);
      if (!lp.validRaw(bad)) rejected++;
    }
    // Flips inside string payloads are still well-formed; structure flips are not.
    expect(rejected).toBeGreaterThan(100);
    expect(lp.validRaw(good.subarray(0, good.length - 1))).toBe(false);
    const lied = Buffer.from(good);
    lied.writeUInt16LE(7, 4);
    expect(lp.validRaw(lied)).toBe(false);
  });
});

// ---- the bytes real Redis writes ----------------------------------------------------

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

/** The listpack inside a DUMP of a listpack-encoded hash (RDB type 16, uncompressed string). */
function listpackFromDump(dump: Buffer): Buffer {
  expect(dump[0]).toBe(16);
  const b = dump[1];
  let len: number; let at: number;
  if ((b & 0xc0) === 0) { len = b & 0x3f; at = 2; }
  else if ((b & 0xc0) === 0x40) { len = ((b & 0x3f) << 8) | dump[2]; at = 3; }
  else if (b === 0x80) { len = dump.readUInt32BE(2); at = 6; }
  else throw new Error(`unexpected string encoding ${b}`);
  return dump.subarray(at, at + len);
}

suite('listpack bytes equal Redis 7.0', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let c: RawClient;
  beforeAll(async () => {
    redis = await startRedis();
    c = await RawClient.connect(redis.port);
    for (const cmd of [['CONFIG', 'SET', 'rdbcompression', 'no'], ['CONFIG', 'SET', 'hash-max-listpack-value', '100000'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '1000']]) {
      c.send(...cmd);
      expect(await c.read()).toBe('OK');
    }
  });
  afterAll(() => { c?.socket.destroy(); redis?.stop(); });

  it('for every encoding class', async () => {
    const values = EDGE.filter((v) => v.length < 5000);
    const r = new Prng(11);
    for (let i = 0; i < 40; i++) values.push(randomValue(r).toString('latin1'));
    const lp = new Lp(e);
    const args: Buffer[] = [];
    for (let i = 0; i < values.length; i++) {
      const f = Buffer.from(`f${i}`);
      const v = Buffer.from(values[i], 'latin1');
      args.push(f, v);
      lp.insert(lp.length, f);
      lp.insert(lp.length, v);
    }
    c.send('DEL', 'h');
    await c.read();
    c.send('HSET', 'h', ...args);
    expect(await c.read()).toBe(values.length);
    c.send('OBJECT', 'ENCODING', 'h');
    expect(await c.read()).toBe('listpack');
    c.send('DUMP', 'h');
    const raw = await c.readRaw();
    const dump = raw.subarray(raw.indexOf('\r\n') + 2, raw.length - 2);
    const theirs = listpackFromDump(dump);
    const ours = lp.raw();
    let at = 0;
    while (at < ours.length && ours[at] === theirs[at]) at++;
    expect({ length: ours.length, firstDifference: at }).toEqual({ length: theirs.length, firstDifference: theirs.length });
  });
});
