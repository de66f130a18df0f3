// Differential test of the geo commands implemented so far (GEOADD GEODIST
// GEOHASH GEOPOS): the same commands go to a real redis-server and to
// Vermilion over TCP, replies compared byte for byte, in RESP2 and RESP3 and
// with the sorted set in both encodings. Random points cover the poles'
// latitude limits, the antimeridian and tiny coordinates, so the geohash
// scores, the decoded cell centres (%.17Lf), distances (%.4f) and geohash
// strings must carry Redis's digits exactly.
import { describe, it } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { rng } from '../helpers/prng.js';


const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const LAT = 85.05112878;
const scripts: [string, Arg[][]][] = [
  ['GEOADD options and errors', [
    ['GEOADD', 'g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'],
    ['GEOADD', 'g', -180, LAT, 'np', 180, -LAT, 'sp', 0, 0, 'zero', '-0.0000001', '0.0000001', 'tiny'],
    ['GEOADD', 'g', 'CH', 13.4, 38.1, 'Palermo', 1, 1, 'new'], ['GEOADD', 'g', 'nx', 1, 2, 'new'],
    ['GEOADD', 'g', 'xx', 'ch', 1, 3, 'new', 5, 5, 'nokey'], ['GEOADD', 'gx', 'XX', 1, 2, 'a'], ['EXISTS', 'gx'],
    ['GEOADD', 'g', 181, 0, 'bad'], ['GEOADD', 'g', 0, 86, 'bad'], ['GEOADD', 'g', -180.0001, 0, 'bad'],
    ['GEOADD', 'g', 'x', 0, 'bad'], ['GEOADD', 'g', 0, 'nan', 'bad'], ['GEOADD', 'g', 'NX', 'XX', 1, 1, 'a'],
    ['GEOADD', 'g', 1, 1], ['GEOADD', 'g', 'CH', 'CH', 'CH'], ['GEOADD', 'g', '1e300', 5, 'z'],
    ['GEOADD', 'g', 'inf', 5, 'z'], ['GEOADD', 'g', 1, 1, 'a', 2], ['GEOADD', 'g', 1, 1, 'ok', 200, 1, 'bad'],
    ['ZCARD', 'g'], ['ZSCORE', 'g', 'Palermo'], ['ZSCORE', 'g', 'np'], ['ZSCORE', 'g', 'sp'], ['TYPE', 'g'],
    ['SET', 's', 'x'], ['GEOADD', 's', 1, 1, 'a'],
  ]],
  ['GEODIST GEOHASH GEOPOS', [
    ['GEOADD', 'g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'],
    ['GEOADD', 'g', -180, LAT, 'np', 180, -LAT, 'sp', 0, 0, 'zero', '-0.0000001', '0.0000001', 'tiny'],
    ['GEODIST', 'g', 'Palermo', 'Catania'], ['GEODIST', 'g', 'Palermo', 'Catania', 'km'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'MI'], ['GEODIST', 'g', 'Palermo', 'Catania', 'Ft'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'm'], ['GEODIST', 'g', 'np', 'sp'], ['GEODIST', 'g', 'zero', 'tiny'],
    ['GEODIST', 'g', 'Palermo', 'Palermo'], ['GEODIST', 'g', 'Palermo', 'x'], ['GEODIST', 'g', 'x', 'Palermo'],
    ['GEODIST', 'nokey', 'a', 'b'], ['GEODIST', 'g', 'a', 'b', 'parsec'], ['GEODIST', 'nokey', 'a', 'b', 'parsec'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'km', 'x'],
    ['GEOHASH', 'g', 'Palermo', 'Catania', 'np', 'sp', 'zero', 'tiny', 'nope'], ['GEOHASH', 'nokey', 'a'], ['GEOHASH', 'g'],
    ['GEOPOS', 'g', 'Palermo', 'Catania', 'np', 'sp', 'zero', 'tiny', 'nope'], ['GEOPOS', 'nokey', 'a', 'b'], ['GEOPOS', 'g'],
    ['ZADD', 'g', -5, 'neg', '1e20', 'huge', '4503599627370496', 'big', '0.5', 'half'],
    ['GEOPOS', 'g', 'neg', 'huge', 'big', 'half'], ['GEOHASH', 'g', 'neg', 'huge', 'big', 'half'],
    ['GEODIST', 'g', 'neg', 'huge'], ['GEODIST', 'g', 'big', 'half', 'km'],
    ['SET', 's', 'x'], ['GEOPOS', 's', 'a'], ['GEOHASH', 's', 'a'], ['GEODIST', 's', 'a', 'b'],
    ['GEODIST', 'g'], ['GEOPOS'], ['GEOHASH'],
  ]],
];

suite('geo commands vs redis-server', () => {
  const pair = diffPair();
  const { both, compare } = pair;

  for (const proto of [2, 3]) {
    for (const entries of [128, 0]) {
      for (const [name, cmds] of scripts) {
        it(`${name} (RESP${proto}, zset-max-listpack-entries ${entries})`, async () => {
          await both(['HELLO', proto]);
          await both(['FLUSHALL']);
          await both(['CONFIG', 'SET', 'zset-max-listpack-entries', entries]);
          for (const c of cmds) await compare(c);
          await compare(['OBJECT', 'ENCODING', 'g']);
        });
      }
    }
  }

  it('random points: scores, positions, hashes and distances carry Redis\'s digits', async () => {
    await both(['HELLO', 3]);
    await both(['FLUSHALL']);
    await both(['CONFIG', 'SET', 'zset-max-listpack-entries', 128]);
    const rand = rng(42);
    const pick = (): [number, number] => {
      const r = rand();
      if (r < 0.15) return [(rand() * 2 - 1) * 180, (rand() < 0.5 ? -1 : 1) * (LAT - rand() * 1e-3)];
      if (r < 0.3) return [(rand() < 0.5 ? -1 : 1) * (180 - rand() * 1e-3), (rand() * 2 - 1) * LAT];
      if (r < 0.4) return [(rand() * 2 - 1) * 1e-5, (rand() * 2 - 1) * 1e-5];
      return [(rand() * 2 - 1) * 180, (rand() * 2 - 1) * LAT];
    };
    const n = 400;
    for (let i = 0; i < n; i += 20) {
      const args: Arg[] = ['GEOADD', 'pts'];
      for (let j = i; j < i + 20; j++) {
        const [lon, lat] = pick();
        args.push(lon.toFixed(1 + Math.floor(rand() * 12)), lat.toFixed(1 + Math.floor(rand() * 12)), `p${j}`);
      }
      await compare(args);
    }
    await compare(['ZRANGE', 'pts', 0, -1, 'WITHSCORES']);
    for (let i = 0; i < n; i += 25) {
      const members = Array.from({ length: 25 }, (_, j) => `p${i + j}`);
      await compare(['GEOPOS', 'pts', ...members]);
      await compare(['GEOHASH', 'pts', ...members]);
    }
    for (let i = 0; i < 300; i++) {
      const unit = ['m', 'km', 'ft', 'mi'][i % 4];
      await compare(['GEODIST', 'pts', `p${Math.floor(rand() * n)}`, `p${Math.floor(rand() * n)}`, unit]);
    }
  });
});
