// Differential test of the geo search commands (GEORADIUS GEORADIUS_RO
// GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE): the same
// commands go to a real redis-server and to Vermilion over TCP, replies
// compared byte for byte, in RESP2 and RESP3, with the sorted set in both
// encodings. Vermilion walks Redis's cells in Redis's order and sorts ties
// as glibc's qsort and Redis's pqsort do, so even unordered replies (no
// ASC/DESC, no COUNT) are compared as they come, not sorted.
//
// One thing is compared with a tolerance: STOREDIST scores printed with
// all 17 digits. Distances come from sin/cos/asin, and glibc's are not
// correctly rounded for about 0.15% of arguments while ours are (see
// assembly/util/crmath.ts), so a stored distance may differ in its last bit:
// members and order must match, each score within 1 ulp, and fewer than 1%
// of the scores inexact.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, diffEventPair } from '../helpers/diffpair.js';
import type { RespValue } from '../helpers/resp.js';
import { seeded } from '../helpers/prng.js';

type Arg = string | number;

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const LAT = 85.05112878;
const SICILY: Arg[] = ['GEOADD', 'g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania',
  12.758489, 38.788135, 'edge1', 17.241510, 38.788135, 'edge2', 13.583333, 37.316667, 'Agrigento'];

const scripts: [string, Arg[][]][] = [
  ['errors and option mixes', [
    SICILY, ['SET', 's', 'x'],
    ['GEOSEARCH', 's', 'FROMLONLAT', 1, 1, 'BYRADIUS', 1, 'km'], ['GEORADIUS', 's', 'x', 'y', 'z', 'w'],
    ['GEORADIUSBYMEMBER', 's', 'm', 1, 'km'], ['GEOSEARCHSTORE', 'd', 's', 'FROMLONLAT', 1, 1, 'BYRADIUS', 1, 'km'],
    ['GEOSEARCHSTORE', 's', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 100, 'km'], ['TYPE', 's'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 10, 'km', 'BYBOX', 1, 1, 'km'],
    ['GEOSEARCH', 'g', 'BYBOX', 1, 1, 'km', 'BYRADIUS', 10, 'km', 'FROMMEMBER', 'Palermo'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', 1, 1, 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'nope', 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYRADIUS', 'x', 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'ANY'],
    ['GEOSEARCH', 'nokey', 'FROMLONLAT', 1, 1, 'BYBOX', 1, 1, 'km', 'any'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'COUNT', 0],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'COUNT', -1, 'ANY'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'COUNT', 'x'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'COUNT', '99999999999999999999'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'COUNT'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'STOREDIST'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'STORE', 'd'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'WITHDIST'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'STORE', 'x'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'WITHHASH', 'STOREDIST'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd', 'WITHDIST'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'WITHCOORD', 'STOREDIST', 'd'],
    ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km', 'WITHDIST', 'STORE', 'd'],
    ['GEORADIUS_RO', 'g', 15, 37, 200, 'km', 'STORE', 'd'], ['GEORADIUS_RO', 'g', 15, 37, 200, 'km', 'STOREDIST', 'd'],
    ['GEORADIUSBYMEMBER_RO', 'g', 'Palermo', 200, 'km', 'STORE', 'd'],
    ['GEORADIUS', 'g', 15, 37, -1, 'km'], ['GEORADIUS', 'g', 15, 37, 'x', 'km'], ['GEORADIUS', 'g', 15, 37, 1, 'parsec'],
    ['GEORADIUS', 'g', 15, 37, 'nan', 'km'], ['GEORADIUS', 'g', 181, 37, 1, 'km'], ['GEORADIUS', 'g', 15, -86, 1, 'km'],
    ['GEORADIUS', 'g', 'x', 37, 1, 'km'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT', 1, 'COUNT'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'FROMMEMBER', 'Palermo'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'bogus'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', -1, 1, 'km'], ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 1, -1, 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 'x', 1, 'km'], ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 1, 'x', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 'x', -1, 'km'], ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 1, 1, 'yd'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYRADIUS', 'x', 'km'], ['GEOSEARCH', 'g', 'FROMLONLAT', 200, 1, 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 'BYBOX', 1, 1, 'km'], ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'BYBOX', 1, 1],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 1, 'COUNT', 1], ['geosearch', 'g', 'FROMLONLAT', 1, 1, 'COUNT', 1],
    ['GeoSearch', 'g', 'BYRADIUS', 1, 'km', 'COUNT', 1, 'ANY'], ['geosearchstore', 'd', 'g', 'FROMLONLAT', 1, 1, 'COUNT', 1],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMMEMBER', 'Catania', 'BYRADIUS', 1, 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'BYRADIUS', 200, 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 1, 'km', 'ASC', 'DESC', 'WITHDIST'],
    ['GEORADIUSBYMEMBER', 'g', 'nope', 1, 'km'], ['GEORADIUSBYMEMBER', 'g', 'Palermo', -1, 'km'],
    ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km'], ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km', 'STORE', 'd'],
    ['GEOSEARCH'], ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo'], ['GEORADIUS', 'g', 1, 2, 3], ['GEOSEARCHSTORE', 'd', 'g'],
  ]],
  ['replies and options', [
    SICILY, ['GEOADD', 'g', 15.087269, 37.502669, 'Catania2', 15.087269, 37.502669, 'Catania3'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'WITHDIST', 'WITHHASH', 'WITHCOORD'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'withcoord', 'withdist', 'desc'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'WITHHASH', 'ASC', 'COUNT', 2], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT', 3, 'ANY'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT', 3, 'ANY', 'DESC'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT', 100],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'COUNT', 2, 'DESC', 'WITHDIST'], ['GEORADIUS', 'g', 15, 37, 1, 'm'],
    ['GEORADIUS', 'g', 15, 37, 1e300, 'km'], ['GEORADIUS', 'g', 15, 37, 'inf', 'km', 'WITHDIST'],
    ['GEORADIUS', 'g', 15, 37, 0, 'm'], ['GEORADIUS', 'g', 15.087269, 37.502669, 0, 'm', 'WITHDIST'],
    ['GEORADIUS', 'g', 15, 37, 124, 'mi', 'WITHDIST'], ['GEORADIUS', 'g', 15, 37, 600000, 'ft', 'WITHDIST'],
    ['GEORADIUSBYMEMBER', 'g', 'Catania', 0, 'm', 'WITHDIST'], ['GEORADIUSBYMEMBER', 'g', 'Palermo', 100, 'km', 'WITHCOORD'],
    ['GEORADIUSBYMEMBER_RO', 'g', 'Palermo', 300, 'km', 'WITHDIST', 'COUNT', 3],
    ['GEORADIUS_RO', 'g', 15, 37, 200, 'km', 'WITHHASH'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYBOX', 400, 400, 'km', 'WITHCOORD', 'WITHDIST', 'DESC'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYBOX', 400, 100, 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYBOX', 100, 400, 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYBOX', 248, 248, 'mi', 'WITHDIST', 'ASC', 'COUNT', 1, 'ANY'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Catania', 'BYBOX', 0, 0, 'm', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Catania', 'BYRADIUS', 0, 'ft', 'WITHHASH', 'WITHCOORD'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', 1e300, 1, 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', 'inf', 'inf', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'nokey', 'FROMLONLAT', 15, 37, 'BYRADIUS', 100, 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 100, 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', -100, 10, 'BYRADIUS', 100, 'km'],
    ['ZADD', 'g', -5, 'neg', 0.5, 'half', '4503599627370495', 'top', 0, 'zero'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', -180, -LAT, 'BYRADIUS', 10, 'km', 'WITHHASH', 'WITHCOORD'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 180, LAT, 'BYRADIUS', 100, 'km', 'WITHHASH', 'WITHCOORD'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 25000, 'km', 'WITHHASH'],
  ]],
  ['STORE and STOREDIST', [
    SICILY, ['SET', 'str', 'x'], ['EXPIRE', 'str', 1000],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STOREDIST', 'd', 'COUNT', 1], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'a', 'STOREDIST', 'b'], ['EXISTS', 'a'], ['EXISTS', 'b'],
    ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STOREDIST', 'a', 'STORE', 'b'], ['ZRANGE', 'b', 0, -1, 'WITHSCORES'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', 100, 'km', 'STORE', 'str', 'DESC'], ['TYPE', 'str'], ['TTL', 'str'],
    ['GEORADIUS', 'g', 15, 37, 1, 'm', 'STORE', 'd'], ['EXISTS', 'd'], ['GEORADIUS', 'g', 15, 37, 1, 'm', 'STORE', 'd'],
    ['GEORADIUS', 'nokey', 15, 37, 1, 'm', 'STORE', 'b'], ['EXISTS', 'b'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'STOREDIST', 'DESC', 'COUNT', 2],
    ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', 300, 300, 'mi', 'STOREDIST', 'COUNT', 2, 'ANY'],
    ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'g', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 100, 'km'], ['ZRANGE', 'g', 0, -1, 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'd', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 300, 'km'], ['EXISTS', 'd'],
    ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', 4],
    ['GEORADIUS', 'g', 15, 37, 500, 'km', 'STORE', 'long'], ['OBJECT', 'ENCODING', 'long'],
    ['GEORADIUS', 'g', 15, 37, 500, 'km', 'STORE', 'short', 'COUNT', 1], ['OBJECT', 'ENCODING', 'short'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', 64],
  ]],
];

function rng(seed: number): () => number { return seeded(seed); }

/** The double after x (x finite, > 0). */
function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] += 1n;
  return b[0];
}

function ulpsApart(a: number, b: number): bigint {
  const i = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = i[0] - i[1];
  return d < 0n ? -d : d;
}

suite('geo search commands vs redis-server', () => {
  const pair = diffPair();
  const { both, compare } = pair;

  async function setup(proto: number, entries: number): Promise<void> {
    await both(['HELLO', proto]);
    await both(['FLUSHALL']);
    await both(['CONFIG', 'SET', 'zset-max-listpack-entries', entries]);
    await both(['CONFIG', 'SET', 'zset-max-listpack-value', 64]);
  }

  for (const proto of [2, 3]) {
    for (const entries of [128, 0]) {
      for (const [name, cmds] of scripts) {
        it(`${name} (RESP${proto}, zset-max-listpack-entries ${entries})`, async () => {
          await setup(proto, entries);
          for (const c of cmds) await compare(c);
          await compare(['OBJECT', 'ENCODING', 'g']);
        });
      }
    }
  }

  let inexact = 0;
  let nonEmpty = 0;
  let scores = 0;

  /** A STOREDIST destination on both servers: same members in the same order, scores within 1 ulp. */
  async function compareStoredDistances(key: string): Promise<void> {
    pair.ref.send('ZRANGE', key, 0, -1, 'WITHSCORES');
    pair.ours.send('ZRANGE', key, 0, -1, 'WITHSCORES');
    const [a, b] = [await pair.ref.read(), await pair.ours.read()] as RespValue[];
    const flat = (v: RespValue): string[] => (v as RespValue[]).flat(2).map((x) => String(x));
    const fa = flat(a), fb = flat(b);
    expect(fb.length, `ZRANGE ${key} length`).toBe(fa.length);
    for (let i = 0; i < fa.length; i += 2) {
      expect(fb[i], `member ${i / 2} of ${key}`).toBe(fa[i]);
      const ulps = ulpsApart(Number(fa[i + 1]), Number(fb[i + 1]));
      expect(ulps <= 1n, `score of ${fa[i]}: ${fa[i + 1]} vs ${fb[i + 1]}`).toBe(true);
      if (ulps !== 0n) inexact++;
      scores++;
    }
  }

  // Random points: the poles' latitude limits, the antimeridian, a dense
  // cluster, repeated positions (equal distances: ties in the sorts).
  function randomPoints(rand: () => number, n: number): [number, number][] {
    const pts: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (r < 0.1 && pts.length) pts.push(pts[Math.floor(rand() * pts.length)]);
      else if (r < 0.2) pts.push([(rand() * 2 - 1) * 180, (rand() < 0.5 ? -1 : 1) * (LAT - rand() * 2)]);
      else if (r < 0.3) pts.push([(rand() < 0.5 ? -1 : 1) * (180 - rand() * 2), (rand() * 2 - 1) * 80]);
      else if (r < 0.5) pts.push([2.35 + (rand() - 0.5) * 0.2, 48.85 + (rand() - 0.5) * 0.2]);
      else pts.push([(rand() * 2 - 1) * 180, (rand() * 2 - 1) * LAT]);
    }
    return pts;
  }

  const UNITS: [string, number][] = [['m', 1], ['km', 1000], ['ft', 0.3048], ['mi', 1609.34]];

  function randomSearch(rand: () => number, n: number, pts: [number, number][]): { cmd: Arg[]; store?: string; dist?: boolean } {
    const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
    const [unit, perUnit] = pick(UNITS);
    // Radii from meters to the whole earth, in the unit.
    const meters = Math.pow(10, rand() * 7.5);
    const size = () => +(meters / perUnit * (0.5 + rand())).toPrecision(1 + Math.floor(rand() * 8));
    const centre = (): Arg[] => {
      if (rand() < 0.4) return ['FROMMEMBER', `p${Math.floor(rand() * n)}`];
      const [lon, lat] = rand() < 0.5 ? pick(pts) : [(rand() * 2 - 1) * 180, (rand() * 2 - 1) * LAT];
      return ['FROMLONLAT', lon.toFixed(6), lat.toFixed(6)];
    };
    const opts: Arg[] = [];
    const r = rand();
    if (r < 0.3) opts.push(pick(['ASC', 'DESC']));
    if (rand() < 0.35) opts.push('COUNT', 1 + Math.floor(rand() * 30), ...(rand() < 0.3 ? ['ANY'] : []));
    const withs = ['WITHDIST', 'WITHHASH', 'WITHCOORD'].filter(() => rand() < 0.4);
    const kind = rand();
    if (kind < 0.45) {
      const by = rand() < 0.5 ? ['BYRADIUS', size(), unit] : ['BYBOX', size(), size(), unit];
      if (rand() < 0.2) {
        const dist = rand() < 0.5;
        return { cmd: ['GEOSEARCHSTORE', 'dst', 'pts', ...centre(), ...by, ...opts, ...(dist ? ['STOREDIST'] : [])], store: 'dst', dist };
      }
      return { cmd: ['GEOSEARCH', 'pts', ...centre(), ...by, ...opts, ...withs] };
    }
    const c = centre();
    const head: Arg[] = c[0] === 'FROMMEMBER'
      ? [rand() < 0.5 ? 'GEORADIUSBYMEMBER' : 'GEORADIUSBYMEMBER_RO', 'pts', c[1]]
      : [rand() < 0.5 ? 'GEORADIUS' : 'GEORADIUS_RO', 'pts', c[1], c[2]];
    if (!String(head[0]).endsWith('_RO') && rand() < 0.2) {
      const dist = rand() < 0.5;
      return { cmd: [...head, size(), unit, ...opts, dist ? 'STOREDIST' : 'STORE', 'dst'], store: 'dst', dist };
    }
    return { cmd: [...head, size(), unit, ...opts, ...withs] };
  }

  for (const [proto, entries, seed] of [[2, 128, 1], [3, 0, 2], [2, 0, 3], [3, 128, 4]]) {
    it(`random points and searches (seed ${seed}, RESP${proto}, zset-max-listpack-entries ${entries})`, async () => {
      await setup(proto, entries);
      const rand = rng(seed);
      const n = entries === 128 ? 120 : 1500;
      const pts = randomPoints(rand, n);
      for (let i = 0; i < n; i += 100) {
        const args: Arg[] = ['GEOADD', 'pts'];
        for (let j = i; j < Math.min(n, i + 100); j++) args.push(pts[j][0].toFixed(1 + Math.floor(rand() * 10)), pts[j][1].toFixed(1 + Math.floor(rand() * 10)), `p${j}`);
        await compare(args);
      }
      await compare(['OBJECT', 'ENCODING', 'pts']);
      for (let i = 0; i < 400; i++) {
        const s = randomSearch(rand, n, pts);
        const reply = await compare(s.cmd);
        if (reply.length > 8) nonEmpty++;
        if (s.store && s.dist) await compareStoredDistances(s.store);
        else if (s.store) await compare(['ZRANGE', s.store, 0, -1, 'WITHSCORES']);
      }
    });
  }

  it('members exactly on the radius and box edges are in, one ulp further out', async () => {
    await setup(2, 0);
    // One longitude: distances are R * |dlat| in radians, no trigonometry,
    // so the exact boundary is computable here from GEOPOS's exact digits.
    const R = 6372797.560856;
    const D_R = Math.PI / 180;
    const lats = [0, 0.5, 1.25, 10, 33.3, 60.123456, 84.9];
    const args: Arg[] = ['GEOADD', 'line'];
    lats.forEach((lat, i) => args.push(7.5, lat, `l${i}`));
    await compare(args);
    pair.ref.send('GEOPOS', 'line', ...lats.map((_, i) => `l${i}`));
    const pos = (await pair.ref.read()) as string[][];
    const [lon0, lat0] = pos[0].map(Number);
    for (let i = 1; i < lats.length; i++) {
      const lat = Number(pos[i][1]);
      const d = R * Math.abs(lat * D_R - lat0 * D_R);
      const exact = d.toPrecision(17);
      const further = nextUp(d).toPrecision(17);
      const below = (d - (nextUp(d) - d)).toPrecision(17);
      // The radius within 1 ulp below excludes it; exact includes it.
      expect(await compare(['GEORADIUSBYMEMBER', 'line', 'l0', exact, 'm', 'ASC'])).toContain(`l${i}\r\n`);
      await compare(['GEORADIUSBYMEMBER', 'line', 'l0', below, 'm', 'ASC', 'WITHDIST']);
      await compare(['GEORADIUSBYMEMBER', 'line', 'l0', further, 'm', 'ASC']);
      await compare(['GEOSEARCH', 'line', 'FROMLONLAT', lon0, lat0, 'BYRADIUS', exact, 'm', 'ASC']);
      // A box of height 2d reaches exactly to the member; width 0 still holds the line.
      const h2 = (2 * d).toPrecision(17);
      await compare(['GEOSEARCH', 'line', 'FROMMEMBER', 'l0', 'BYBOX', 0, h2, 'm', 'ASC']);
      await compare(['GEOSEARCH', 'line', 'FROMMEMBER', 'l0', 'BYBOX', 1, below, 'm', 'ASC']);
    }
  });

  it('found something in most random searches; inexact STOREDIST scores stay rare', () => {
    expect(nonEmpty).toBeGreaterThan(600);
    expect(scores).toBeGreaterThan(100);
    expect(inexact / scores).toBeLessThan(0.01);
  });

  it('COMMAND GETKEYS finds the STORE destinations', async () => {
    for (const c of [
      ['GEORADIUS', 'g', 1, 2, 3, 'km', 'STORE', 'a', 'STOREDIST', 'b'], ['GEORADIUS', 'g', 1, 2, 3, 'km'],
      ['GEORADIUS', 'g', 1, 2, 3, 'km', 'store', 'a'], ['GEORADIUSBYMEMBER', 'g', 'm', 3, 'km', 'STOREDIST', 'a'],
      ['GEORADIUSBYMEMBER', 'g', 'm', 3, 'km'], ['GEORADIUS_RO', 'g', 1, 2, 3, 'km'], ['GEORADIUSBYMEMBER_RO', 'g', 'm', 3, 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km'], ['GEOSEARCHSTORE', 'a', 'b', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km'],
    ] as Arg[][]) {
      await compare(['COMMAND', 'GETKEYS', ...c]);
    }
    for (const name of ['GEORADIUS', 'GEORADIUS_RO', 'GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO', 'GEOSEARCH', 'GEOSEARCHSTORE']) {
      await compare(['COMMAND', 'INFO', name]);
    }
  });
});

suite('geo search keyspace events vs redis-server', () => {
  const pair = diffEventPair([['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);

  it('STORE forms publish georadiusstore / geosearchstore, an empty result del', async () => {
    const steps: Arg[][] = [
      SICILY, ['GEORADIUS', 'g', 15, 37, 200, 'km'], ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd'],
      ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STOREDIST', 'd'], ['GEORADIUSBYMEMBER', 'g', 'Palermo', 1, 'km', 'STORE', 'e'],
      ['GEOSEARCHSTORE', 'e', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km'],
      ['GEOSEARCHSTORE', 'e', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'], ['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'],
      ['GEORADIUS', 'nokey', 15, 37, 200, 'km', 'STORE', 'd'], ['GEOSEARCHSTORE', 'd', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 1, 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km'], ['GEORADIUS_RO', 'g', 15, 37, 200, 'km'],
    ];
    await pair.both(['FLUSHALL']);
    await pair.drainEvents();
    for (const args of steps) await pair.stepEvents(args);
  });
});
