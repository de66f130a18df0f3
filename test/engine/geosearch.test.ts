// Geo search commands (GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER
// GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE) through the engine
// in-process (debug build). Expected replies from redis-server 7.0.15;
// test/diff/geosearch.diff.test.ts compares random points and shapes against
// a live one. Each table runs with the sorted set in both encodings.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

type Row = [args: (string | number)[], raw: string];
function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

function limits(t: TestEngine, zsetEntries: number): void {
  t.engine.x.setEncodingLimits(-2, 0, 512, 64, 512, zsetEntries, 64);
}

const SICILY: (string | number)[] = ['GEOADD', 'g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania',
  13.583333, 37.316667, 'Agrigento'];

const REPLIES: Row[] = [
  [SICILY, ":3\r\n"],
  [["GEORADIUS","g",15,37,200,"km"], "*3\r\n$9\r\nAgrigento\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n"],
  [["GEORADIUS","g",15,37,200,"km","WITHDIST","WITHHASH","WITHCOORD","ASC"], "*3\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n*2\r\n$19\r\n13.5833314061164856\r\n$20\r\n37.31666804993816555\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n"],
  [["GEORADIUS","g",15,37,200,"km","WITHDIST","DESC","COUNT",2], "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n"],
  [["GEORADIUS","g",15,37,200,"km","COUNT",1,"ANY"], "*1\r\n$9\r\nAgrigento\r\n"],
  [["GEORADIUS_RO","g",15,37,100,"mi","WITHDIST"], "*2\r\n*2\r\n$9\r\nAgrigento\r\n$7\r\n81.0416\r\n*2\r\n$7\r\nCatania\r\n$7\r\n35.0711\r\n"],
  [["GEORADIUSBYMEMBER","g","Palermo",100,"km","WITHDIST"], "*2\r\n*2\r\n$9\r\nAgrigento\r\n$7\r\n90.9778\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n"],
  [["GEORADIUSBYMEMBER_RO","g","Agrigento",500000,"ft","WITHHASH"], "*3\r\n*2\r\n$9\r\nAgrigento\r\n:3479030013248308\r\n*2\r\n$7\r\nPalermo\r\n:3479099956230698\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",15,37,"BYBOX",400,400,"km","WITHDIST","ASC"], "*3\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",15,37,"BYBOX",400,100,"km","WITHDIST","ASC"], "*1\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n"],
  [["GEOSEARCH","g","FROMMEMBER","Palermo","BYRADIUS",0,"m","WITHCOORD"], "*1\r\n*2\r\n$7\r\nPalermo\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n"],
  [["GEOSEARCH","nokey","FROMMEMBER","x","BYRADIUS",1,"km"], "*0\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",0,0,"BYRADIUS",1,"km"], "*0\r\n"],
  [["GEOSEARCHSTORE","d","g","FROMLONLAT",15,37,"BYRADIUS",200,"km","STOREDIST"], ":3\r\n"],
  [["ZRANGE","d",0,-1,"WITHSCORES"], "*6\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$9\r\nAgrigento\r\n$18\r\n130.42348706714702\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n"],
  [["GEORADIUS","g",15,37,200,"km","STORE","d2","COUNT",1], ":1\r\n"],
  [["ZRANGE","d2",0,-1,"WITHSCORES"], "*2\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n"],
  [["GEOSEARCHSTORE","d","g","FROMLONLAT",0,0,"BYRADIUS",1,"km"], ":0\r\n"],
  [["EXISTS","d"], ":0\r\n"],
  [["GEORADIUS","nokey",1,1,1,"km","STORE","d2"], ":0\r\n"],
  [["EXISTS","d2"], ":0\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",1,1,"COUNT",1], "-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH\r\n"],
  [["geosearch","g","FROMLONLAT",1,1,"COUNT",1], "-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n"],
  [["GeoSearchStore","d","g","BYRADIUS",1,"km","ASC","DESC"], "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearchStore\r\n"],
  [["GEOSEARCH","g","BYRADIUS",1,"km","FROMLONLAT",1,1,"BYBOX",1,1,"km"], "-ERR syntax error\r\n"],
  [["GEOSEARCH","g","FROMMEMBER","nope","BYRADIUS",1,"km"], "-ERR could not decode requested zset member\r\n"],
  [["GEOSEARCH","g","FROMMEMBER","Palermo","BYRADIUS",1,"km","ANY"], "-ERR the ANY argument requires COUNT argument\r\n"],
  [["GEOSEARCH","g","FROMMEMBER","Palermo","BYRADIUS",1,"km","COUNT",0], "-ERR COUNT must be > 0\r\n"],
  [["GEOSEARCH","g","FROMMEMBER","Palermo","BYRADIUS",1,"km","COUNT","x"], "-ERR value is not an integer or out of range\r\n"],
  [["GEOSEARCHSTORE","d","g","FROMMEMBER","Palermo","BYRADIUS",1,"km","WITHDIST"], "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n"],
  [["GEORADIUS","g",15,37,200,"km","STORE","d","WITHHASH"], "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n"],
  [["GEORADIUS_RO","g",15,37,200,"km","STORE","d"], "-ERR syntax error\r\n"],
  [["GEORADIUSBYMEMBER_RO","g","Palermo",200,"km","STOREDIST","d"], "-ERR syntax error\r\n"],
  [["GEORADIUS","g",15,37,-1,"km"], "-ERR radius cannot be negative\r\n"],
  [["GEORADIUS","g",15,37,"x","km"], "-ERR need numeric radius\r\n"],
  [["GEORADIUS","g",15,37,1,"ly"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",1,1,"BYBOX",-1,1,"km"], "-ERR height or width cannot be negative\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",1,1,"BYBOX","w",1,"km"], "-ERR need numeric width\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",1,1,"BYBOX",1,"h","km"], "-ERR need numeric height\r\n"],
  [["GEORADIUSBYMEMBER","g","nope",1,"km"], "-ERR could not decode requested zset member\r\n"],
  [["GEORADIUSBYMEMBER","nokey","nope","x","km"], "*0\r\n"],
  [["GEORADIUS","g",200,1,1,"km"], "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n"],
  [["SET","s","x"], "+OK\r\n"],
  [["GEOSEARCH","s","FROMLONLAT",1,1,"BYRADIUS",1,"km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GEORADIUS","s",1,1,1,"km","STORE","d"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GEORADIUS","g",15,37,200,"km","STORE","s"], ":3\r\n"],
  [["TYPE","s"], "+zset\r\n"],
];

const RESP3: Row[] = [
  [SICILY, ":3\r\n"],
  [["GEORADIUS","g",15,37,200,"km","WITHDIST","WITHHASH","WITHCOORD","ASC"], "*3\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n*4\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n*2\r\n,13.5833314061164856\r\n,37.31666804993816555\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",0,0,"BYRADIUS",1,"km"], "*0\r\n"],
  [["GEOSEARCHSTORE","d","g","FROMLONLAT",15,37,"BYRADIUS",200,"mi","STOREDIST"], ":3\r\n"],
  [["ZRANGE","d",0,-1,"WITHSCORES"], "*3\r\n*2\r\n$7\r\nCatania\r\n,35.071058862737644\r\n*2\r\n$9\r\nAgrigento\r\n,81.041599082323827\r\n*2\r\n$7\r\nPalermo\r\n,118.33573380874013\r\n"],
  [["GEOSEARCH","g","FROMLONLAT",15,37,"BYRADIUS",200,"km","WITHCOORD","DESC","COUNT",1], "*1\r\n*2\r\n$7\r\nPalermo\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n"],
];

// notify-keyspace-events "KEA" as Redis's NOTIFY_* bits.
const KEA = 2 | 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024;
const EVENTS: [args: (string | number)[], events: string[]][] = [
  [SICILY, ['zadd g']],
  [['GEORADIUS', 'g', 15, 37, 200, 'km'], []],
  [['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd'], ['georadiusstore d']],
  [['GEORADIUSBYMEMBER', 'g', 'Palermo', 10, 'km', 'STOREDIST', 'd'], ['georadiusstore d']],
  [['GEOSEARCHSTORE', 'e', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'STOREDIST'], ['geosearchstore e']],
  [['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'], ['del e']],
  [['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'], []],
  [['GEORADIUS', 'nokey', 15, 37, 200, 'km', 'STORE', 'd'], ['del d']],
  [['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km'], []],
];

/** A RESP multibulk command, as the AOF holds it. */
function resp(...args: (string | number)[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('');
}

for (const [enc, entries] of [['listpack', 128], ['skiplist', 0]] as [string, number][]) {
  describe(`geo search (${enc})`, () => {
    it('replies, options and errors (RESP2)', () => {
      const t = new TestEngine();
      limits(t, entries);
      run(t, REPLIES);
      run(t, [[['OBJECT', 'ENCODING', 'g'], bulk(enc)], [['OBJECT', 'ENCODING', 's'], bulk(enc)]]);
    });

    it('replies in RESP3: coordinates and scores as doubles, distances as bulk strings', () => {
      const t = new TestEngine();
      limits(t, entries);
      t.setProto(3);
      run(t, RESP3);
    });

    it('STORE chooses the destination encoding by its own size', () => {
      const t = new TestEngine();
      limits(t, entries);
      t.cmd(...SICILY);
      t.cmd('GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd');
      expect(t.cmd('OBJECT', 'ENCODING', 'd')).toBe(enc);
      t.engine.x.setEncodingLimits(-2, 0, 512, 64, 512, 2, 64);
      t.cmd('GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd');
      expect(t.cmd('OBJECT', 'ENCODING', 'd')).toBe('skiplist');
      t.cmd('GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd', 'COUNT', 2);
      expect(t.cmd('OBJECT', 'ENCODING', 'd')).toBe('listpack');
    });

    it("each STORE write reports Redis's events", () => {
      const t = new TestEngine();
      limits(t, entries);
      t.engine.x.setKeyspaceEvents(KEA);
      for (const [args, events] of EVENTS) {
        t.rawCmd(...args);
        const got = t.engine.takeKeyspaceEvents().map((e) => `${e.event} ${e.key.toString('latin1')}`);
        expect(`${args.join(' ')} -> ${JSON.stringify(got)}`).toBe(`${args.join(' ')} -> ${JSON.stringify(events)}`);
      }
    });
  });
}

describe('geo propagation', () => {
  // Expected streams as redis-server 7.0.15 wrote them to its AOF.
  it('GEOADD goes as the ZADD Redis builds; STORE forms verbatim; reads and empty no-ops nothing', () => {
    const t = new TestEngine();
    t.engine.x.setPropEnabled(true);
    const take = (): string => t.engine.takePropagation()?.toString('latin1') ?? '';
    t.cmd('geoadd', 'g', 'nx', 'CH', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    t.cmd('GEOADD', 'g', 'NX', 13.361389, 38.115556, 'Palermo');
    t.cmd('GEORADIUS', 'g', 15, 37, 200, 'km');
    t.cmd('GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km');
    t.cmd('georadius', 'g', 15, 37, 200, 'km', 'store', 'd');
    t.cmd('GEORADIUS', 'g', 15, 37, 1, 'm', 'STORE', 'd');
    t.cmd('GEORADIUS', 'g', 15, 37, 1, 'm', 'STORE', 'd');
    t.cmd('GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'STOREDIST');
    expect(take()).toBe(resp('SELECT', 0) + resp('zadd', 'g', 'nx', 'CH', '3479099956230698', 'Palermo', '3479447370796909', 'Catania') +
      resp('georadius', 'g', 15, 37, 200, 'km', 'store', 'd') + resp('GEORADIUS', 'g', 15, 37, 1, 'm', 'STORE', 'd') +
      resp('GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'STOREDIST'));
  });
});

// Where naive structures go quadratic: sorting (insertion sort, a quicksort
// without three-way partitioning on equal distances), growing the candidate
// array or the member arena by a constant, storing by repeated inserts.
// Counts a quadratic implementation cannot finish within the timeout.
describe('geo search at scale', () => {
  const N = 150000;
  function filled(same: boolean): TestEngine {
    const t = new TestEngine({ debug: false });
    for (let i = 0; i < N; i += 1000) {
      const args: (string | number)[] = ['GEOADD', 'pts'];
      for (let j = i; j < i + 1000; j++) {
        if (same) args.push(2.35, 48.85, `m${j}`);
        else args.push((2.35 + ((j * 7919) % N) / N * 0.5).toFixed(6), (48.85 + ((j * 104729) % N) / N * 0.5).toFixed(6), `m${j}`);
      }
      t.cmd(...args);
    }
    return t;
  }

  function ascending(d: string[]): boolean {
    for (let i = 1; i < d.length; i++) if (Number(d[i]) < Number(d[i - 1])) return false;
    return true;
  }

  it('sorts, counts and stores 150,000 candidates', () => {
    const t = filled(false);
    const all = t.cmd('GEOSEARCH', 'pts', 'FROMLONLAT', 2.6, 49.1, 'BYRADIUS', 500, 'km', 'ASC', 'WITHDIST') as [string, string][];
    expect(all.length).toBe(N);
    expect(ascending(all.map((x) => x[1]))).toBe(true);
    const near = t.cmd('GEOSEARCH', 'pts', 'FROMLONLAT', 2.6, 49.1, 'BYRADIUS', 500, 'km', 'COUNT', 50, 'WITHDIST') as [string, string][];
    expect(near.map((x) => x[0])).toEqual(all.slice(0, 50).map((x) => x[0]));
    const far = t.cmd('GEORADIUS', 'pts', 2.6, 49.1, 500, 'km', 'COUNT', 50, 'DESC') as string[];
    expect(far.length).toBe(50);
    expect(t.cmd('GEOSEARCHSTORE', 'dst', 'pts', 'FROMLONLAT', 2.6, 49.1, 'BYBOX', 1000, 1000, 'km', 'STOREDIST')).toBe(N);
    expect(t.cmd('ZCARD', 'dst')).toBe(N);
    expect((t.cmd('ZRANGE', 'dst', 0, 0) as string[])[0]).toBe(all[0][0]);
    expect(t.cmd('GEORADIUS', 'pts', 2.6, 49.1, 500, 'km', 'STORE', 'pts')).toBe(N);
    expect(t.cmd('ZCARD', 'pts')).toBe(N);
  });

  it('handles every candidate at one distance (all ties) in the partial and full sorts', () => {
    const t = filled(true);
    const top = t.cmd('GEOSEARCH', 'pts', 'FROMLONLAT', 2.35, 48.85, 'BYRADIUS', 1, 'km', 'COUNT', 10) as string[];
    expect(top.length).toBe(10);
    const desc = t.cmd('GEORADIUS', 'pts', 2.35, 48.85, 1, 'km', 'DESC') as string[];
    expect(desc.length).toBe(N);
    // A stable sort keeps the walk's (score, then member) order for ties.
    expect(desc).toEqual(t.cmd('GEORADIUS', 'pts', 2.35, 48.85, 1, 'km'));
    expect(t.cmd('GEORADIUS', 'pts', 2.35, 48.85, 1, 'km', 'COUNT', N - 1, 'DESC', 'STOREDIST', 'd')).toBe(N - 1);
  });
});
