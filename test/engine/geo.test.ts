// Geo commands through the engine in-process (debug build). Expected replies
// from redis-server 7.0.15; test/diff/geo.diff.test.ts compares random points
// against a live one. Each table runs with the sorted set in both encodings.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

type Row = [args: (string | number)[], raw: string];
function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const pair = (a: string, b: string) => `*2\r\n${bulk(a)}${bulk(b)}`;

for (const [enc, entries] of [['listpack', 128], ['skiplist', 0]] as [string, number][]) {
  describe(`geo (${enc})`, () => {
    it('GEOADD GEODIST GEOHASH GEOPOS', () => {
      const t = new TestEngine();
      t.engine.x.setEncodingLimits(-2, 0, 512, 64, 512, entries, 64);
      run(t, [
        [['GEOADD', 'g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'], ':2\r\n'],
        [['OBJECT', 'ENCODING', 'g'], bulk(enc)],
        [['GEOADD', 'g', 'CH', 13.4, 38.1, 'Palermo', 1, 1, 'new'], ':2\r\n'],
        [['GEOADD', 'g', 'NX', 1, 2, 'new'], ':0\r\n'], [['GEOADD', 'gx', 'XX', 1, 2, 'a'], ':0\r\n'],
        [['EXISTS', 'gx'], ':0\r\n'],
        [['GEOADD', 'g', 181, 0, 'bad'], '-ERR invalid longitude,latitude pair 181.000000,0.000000\r\n'],
        [['GEOADD', 'g', 0, 86, 'bad'], '-ERR invalid longitude,latitude pair 0.000000,86.000000\r\n'],
        [['GEOADD', 'g', 'x', 0, 'bad'], '-ERR value is not a valid float\r\n'],
        [['GEOADD', 'g', 'NX', 'XX', 1, 1, 'a'], '-ERR syntax error\r\n'],
        [['GEOADD', 'g', 'CH', 'CH', 'CH'], '-ERR syntax error\r\n'],
        [['GEODIST', 'g', 'Palermo', 'Catania'], bulk('162484.5721')],
        [['GEODIST', 'g', 'Palermo', 'Catania', 'km'], bulk('162.4846')],
        [['GEODIST', 'g', 'Palermo', 'Catania', 'MI'], bulk('100.9635')],
        [['GEODIST', 'g', 'Palermo', 'Catania', 'ft'], bulk('533085.8665')],
        [['GEODIST', 'g', 'Palermo', 'x'], '$-1\r\n'], [['GEODIST', 'nokey', 'a', 'b'], '$-1\r\n'],
        [['GEODIST', 'g', 'a', 'b', 'parsec'], '-ERR unsupported unit provided. please use M, KM, FT, MI\r\n'],
        [['GEODIST', 'g', 'a', 'b', 'km', 'x'], '-ERR syntax error\r\n'],
        [['GEOHASH', 'g', 'Palermo', 'Catania', 'nope'], `*3\r\n${bulk('sqc88zvsdd0')}${bulk('sqdtr74hyu0')}$-1\r\n`],
        [['GEOPOS', 'g', 'Palermo', 'nope'], `*2\r\n${pair('13.40000241994857788', '38.10000081174143105')}*-1\r\n`],
        [['GEOADD', 'g', -180, 85.05112878, 'np', 180, -85.05112878, 'sp'], ':2\r\n'],
        [['GEOPOS', 'g', 'np', 'sp'], `*2\r\n${pair('-179.99999731779098511', '85.0511287799999991')}${pair('180', '-85.05112751263942528')}`],
        [['GEODIST', 'g', 'np', 'sp'], bulk('18919844.5891')],
        [['GEOHASH', 'g', 'np', 'sp'], `*2\r\n${bulk('bp05b5048p0')}${bulk('00bh0hbj200')}`],
        [['SET', 's', 'x'], '+OK\r\n'],
        [['GEOPOS', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      ]);
    });
  });
}
