// Differential test of the bitmap family: the same commands, valid and
// invalid, go to a real redis-server and to Vermilion over TCP, and every raw
// reply must match byte for byte. Setup uses only SET and GET; every table
// and every random round works on its own key prefix, so no DEL is needed.
// Without redis-server the suite is skipped locally and fails under CI.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { BITMAP_TABLES } from '../engine/bitmap.cases.js';


const haveRedis = redisServerPath() !== null;
if (!haveRedis && process.env.CI) {
  throw new Error('redis-server is required for differential tests under CI');
}

/** Prefixes the key arguments of bitmap commands (and SET/GET). */
function withPrefix(args: Arg[], prefix: string): Arg[] {
  const name = String(args[0]).toUpperCase();
  const key = (a: Arg) => (Buffer.isBuffer(a) ? Buffer.concat([Buffer.from(prefix), a]) : prefix + a);
  if (name === 'BITOP') return args.map((a, i) => (i >= 2 ? key(a) : a));
  return args.map((a, i) => (i === 1 ? key(a) : a));
}

/** Arguments as bytes: a table's '\xff' is the byte 0xff. */
function bytes(args: Arg[]): Arg[] {
  return args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
}

/** xorshift32: the same sequence on every run, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

describe.skipIf(!haveRedis)('bitmap commands against redis-server', () => {
  const pair = diffPair();

  /** Sends a batch to both (pipelined) and returns the raw reply pairs. */
  async function both(cmds: Arg[][]): Promise<[string, string][]> {
    for (const c of cmds) {
      pair.ref.send(...c);
      pair.ours.send(...c);
    }
    const out: [string, string][] = [];
    for (let i = 0; i < cmds.length; i++) {
      out.push([(await pair.ref.readRaw()).toString('latin1'), (await pair.ours.readRaw()).toString('latin1')]);
    }
    return out;
  }

  const show = (c: Arg[]) => c.map((a) => (Buffer.isBuffer(a) ? `<${a.toString('hex')}>` : String(a))).join(' ');

  it('replies like Redis, and like the tables say, for every table row', async () => {
    for (const [i, table] of BITMAP_TABLES.entries()) {
      const prefix = `t${i}:`;
      const setup = table.setup.map((s) => bytes(withPrefix(s, prefix)));
      for (const [r, v] of await both(setup)) expect(v).toBe(r);
      const cmds = table.rows.map(([args]) => bytes(withPrefix(args, prefix)));
      const replies = await both(cmds);
      replies.forEach(([r, v], k) => {
        expect(v, `${table.name}: ${show(cmds[k])}`).toBe(r);
        expect(r, `table literal vs Redis: ${show(cmds[k])}`).toBe(table.rows[k][1]);
      });
    }
  });

  it('replies like Redis to random bitmap commands', async () => {
    const rand = rng(20240607);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const below = (n: number) => Math.floor(rand() * n);
    const KEYS = ['a', 'b', 'c', 'd', 'n'];
    const units = ['BYTE', 'BIT', 'bit', 'byte', 'BITS', ''];
    const edgeInts = ['0', '1', '-1', '127', '-128', '255', '256', '9223372036854775807', '-9223372036854775808',
      '4611686018427387904', '-4611686018427387905', '18446744073709551615', 'x', '01', '+1', ''];
    const index = () => (rand() < 0.8 ? String(below(80) - 40) : pick(edgeInts));
    // BITCOUNT/BITPOS tail: up to start, end and two unit words (extra ones test the syntax errors).
    const withRange = (c: Arg[]): Arg[] => {
      const n = below(5);
      if (n >= 1) c.push(index());
      if (n >= 2) c.push(index());
      if (n >= 3) c.push(pick(units));
      if (n >= 4) c.push(pick(units));
      return c;
    };
    // Reads may probe the last valid offset; writes stay small (a write at
    // 2^32-1 would make both servers allocate 512MB).
    const offset = (write = false) => {
      const r = rand();
      if (r < 0.75) return String(below(600));
      if (r < 0.85) return pick(['-1', 'x', '4294967296', write ? '4294967297' : '4294967295', '#3', '#-1', '99999999999', ' 1']);
      return `#${below(40)}`;
    };
    const type = () => (rand() < 0.9 ? `${pick(['i', 'u'])}${1 + below(64)}` : pick(['u64', 'i65', 'I8', 'i0', 'x8', 'i']));
    const value = () => (rand() < 0.6 ? String(below(600) - 300) : pick(edgeInts));

    const gen = (): Arg[] => {
      const key = pick(KEYS);
      switch (below(9)) {
        case 0: return ['SETBIT', key, rand() < 0.9 ? String(below(700)) : offset(true), pick(['0', '1', '1', '0', '2', '-1', 'x'])];
        case 1: return ['GETBIT', key, rand() < 0.5 ? String(below(700)) : offset()];
        case 2: {
          return withRange(['BITCOUNT', key]);
        }
        case 3: {
          return withRange(['BITPOS', key, rand() < 0.9 ? pick(['0', '1']) : pick(['2', '-1', 'x'])]);
        }
        case 4: {
          const op = rand() < 0.95 ? pick(['AND', 'OR', 'XOR', 'NOT', 'and', 'not']) : 'NAND';
          const c: Arg[] = ['BITOP', op, pick(KEYS)];
          const n = op.toUpperCase() === 'NOT' && rand() < 0.9 ? 1 : 1 + below(4);
          for (let k = 0; k < n; k++) c.push(rand() < 0.9 ? pick(KEYS) : 'missing');
          return c;
        }
        case 5: return ['SET', key, randomValue()];
        case 6: return ['GET', key];
        default: {
          const ro = rand() < 0.25;
          const c: Arg[] = [ro ? 'BITFIELD_RO' : 'BITFIELD', key];
          const ops = below(5);
          for (let k = 0; k < ops; k++) {
            const r = rand();
            if (r < 0.35) c.push('GET', type(), offset());
            else if (r < 0.6) c.push(ro && rand() < 0.8 ? 'GET' : 'SET', type(), offset(true), value());
            else if (r < 0.85) c.push(ro && rand() < 0.8 ? 'GET' : 'INCRBY', type(), offset(true), value());
            else if (r < 0.97) c.push('OVERFLOW', pick(['WRAP', 'SAT', 'FAIL', 'sat', 'fail', 'nope']));
            else c.push(pick(['GET', 'SET', 'OVERFLOW', 'FOO']));
          }
          return c;
        }
      }
    };
    function randomValue(): Buffer {
      const r = rand();
      if (r < 0.2) return Buffer.from(String(below(2 ** 31) * (rand() < 0.3 ? -1 : 1)));
      if (r < 0.25) return Buffer.alloc(0);
      const len = r < 0.7 ? below(44) : 45 + below(120);
      const b = Buffer.alloc(len);
      const style = below(3);
      for (let k = 0; k < len; k++) b[k] = style === 0 ? below(256) : style === 1 ? pick([0, 0xff, 0x80, 0x01]) : pick([0, 0, 0, 0x10]);
      return b;
    }

    for (let round = 0; round < 12; round++) {
      const prefix = `r${round}:`;
      const setup = KEYS.map((k) => (k === 'n' ? ['SET', prefix + k, String(below(1e9))] : ['SET', prefix + k, randomValue()]));
      for (const [r, v] of await both(setup)) expect(v).toBe(r);
      const cmds: Arg[][] = [];
      for (let k = 0; k < 250; k++) cmds.push(withPrefix(gen(), prefix));
      for (const k of KEYS) cmds.push(['GET', prefix + k]);
      const replies = await both(cmds);
      replies.forEach(([r, v], k) => expect(v, `round ${round}: ${show(cmds[k])}`).toBe(r));
    }
  });
});
