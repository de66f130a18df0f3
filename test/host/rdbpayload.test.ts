// The RDB pieces FUNCTION DUMP/RESTORE are made of (src/host/lzf.ts,
// src/host/rdbpayload.ts): Redis's CRC-64, its LZF compressor byte for byte,
// its string encodings. A real redis-server's DUMP of string values is the
// reference: our encoding of the same string must be the same bytes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { crc64, rdbString, withPayloadFooter, verifyPayload, RdbReader } from '../../src/host/rdbpayload.js';
import { lzfCompress, lzfDecompress } from '../../src/host/lzf.js';
import { startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import { seeded } from '../helpers/prng.js';

describe('CRC-64 and LZF', () => {
  it('CRC-64 (Jones) gives Redis\'s check value', () => {
    // crc64.c's test: "123456789" -> e9c6d914c4b8d9ca.
    expect(crc64(Buffer.from('123456789')).readBigUInt64LE()).toBe(0xe9c6d914c4b8d9can);
  });

  it('LZF round-trips and refuses what does not shrink', () => {
    const rnd = seeded(7);
    for (const n of [1, 2, 3, 20, 100, 1000, 70000]) {
      const repetitive = Buffer.alloc(n, 'abcabcabd');
      const c = lzfCompress(repetitive, n - 1);
      if (n > 20) {
        expect(c).not.toBeNull();
        expect(lzfDecompress(c!, n)).toEqual(repetitive);
      }
      const noise = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
      const d = lzfCompress(noise, n - 1);
      if (d) expect(lzfDecompress(d, n)).toEqual(noise);
    }
    // A corrupt stream is refused, not read past its end.
    expect(lzfDecompress(Buffer.from([0xff, 1, 2]), 10)).toBeNull();
  });
});

const suite = redisServerPath() !== null || process.env.CI ? describe : describe.skip;

suite('string encodings vs redis-server DUMP', () => {
  let redis: { stop: () => void; port: number };
  let c: RawClient;
  beforeAll(async () => {
    redis = await startRedis();
    c = await RawClient.connect(redis.port);
  });
  afterAll(() => {
    c?.close();
    redis?.stop();
  });

  it('each string dumps to the bytes we make (plain, integer, LZF)', async () => {
    const rnd = seeded(11);
    const values = [
      '', 'a', '12345', '-7', '2147483648', '007', 'x'.repeat(20), 'x'.repeat(21), 'abc'.repeat(50),
      'Lorem ipsum dolor sit amet, lorem ipsum dolor sit amet, consectetur'.repeat(20),
      Buffer.from(Array.from({ length: 300 }, () => Math.floor(rnd() * 256))).toString('latin1'),
      Buffer.from(Array.from({ length: 5000 }, () => 97 + Math.floor(rnd() * 3))).toString('latin1'),
    ];
    for (const v of values) {
      const bytes = Buffer.from(v, 'latin1');
      await c.cmd('SET', 'k', bytes);
      c.send('DUMP', 'k');
      const raw = await c.readRaw();
      const len = Number(raw.toString('latin1', 1, raw.indexOf('\r\n')));
      const dump = raw.subarray(raw.indexOf('\r\n') + 2, raw.indexOf('\r\n') + 2 + len);
      const ours = withPayloadFooter(Buffer.concat([Buffer.from([0]), rdbString(bytes, true)]));
      expect(ours.toString('hex'), JSON.stringify(v.slice(0, 30))).toBe(dump.toString('hex'));
      expect(verifyPayload(ours)).not.toBeNull();
      const r = new RdbReader(ours.subarray(1, ours.length - 10));
      expect(Buffer.from(r.string()!).toString('latin1')).toBe(v);
    }
  });
});
