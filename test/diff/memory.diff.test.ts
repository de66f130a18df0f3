// Differential test of MEMORY against a real redis-server. The figures
// differ between the two servers (another allocator, another layout), so
// replies that carry figures are compared by shape: the same field names in
// the same order, the same RESP type for every value (integer, double,
// nested map), RESP2 and RESP3. Everything else — errors, nulls, OK, the
// HELP text (ours adds Vermilion's PREFIXES entry) — byte for byte.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair } from '../helpers/diffpair.js';
import { PREFIXES_HELP } from '../../src/host/cmd-memory.js';

type Arg = string | number;

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

/**
 * A reply's shape: aggregates keep their type, length and children; map
 * keys (RESP3 maps, and with `flat` the even positions of RESP2 arrays,
 * which is how RESP2 sends maps) keep their text; every other scalar keeps
 * only its type (a verbatim string its format too).
 */
type Shape = string | Shape[];

function shapeOf(buf: Buffer, pos: number, keepText: boolean, flat: boolean): [Shape, number] {
  const type = String.fromCharCode(buf[pos]);
  const nl = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, nl);
  let next = nl + 2;
  switch (type) {
    case '$': case '=': {
      const len = Number(line);
      if (len < 0) return ['$-1', next];
      const text = buf.toString('latin1', next, next + len);
      return [keepText ? `${type}${text}` : type === '=' ? `=${text.slice(0, 4)}` : '$', next + len + 2];
    }
    case '+': return [keepText ? `+${line}` : '+', next];
    case '-': return [`-${line}`, next];
    case '*': case '%': case '~': {
      const n = Number(line) * (type === '%' ? 2 : 1);
      const items: Shape[] = [`${type}${line}`];
      for (let i = 0; i < n; i++) {
        const key = i % 2 === 0 && (type === '%' || flat);
        const [s, p] = shapeOf(buf, next, key, flat);
        items.push(s);
        next = p;
      }
      return [items, next];
    }
    default: return [type, next];
  }
}

const shape = (raw: Buffer, flat = false): Shape => shapeOf(raw, 0, false, flat)[0];

suite('MEMORY vs redis-server', () => {
  const pair = diffPair();

  const both = (...args: Arg[]) => pair.both(args);
  const label = (args: Arg[]) => args.join(' ');

  async function same(...args: Arg[]): Promise<void> {
    const [a, b] = await both(...args);
    expect(b.toString('latin1'), label(args)).toBe(a.toString('latin1'));
  }

  async function sameShape(...args: Arg[]): Promise<void> {
    const [a, b] = await both(...args);
    expect(shape(b, true), label(args)).toEqual(shape(a, true));
  }

  async function setup(): Promise<void> {
    await both('FLUSHALL');
    await both('SELECT', 0);
    await both('SET', 'str', 'hello');
    await both('SET', 'int', '12345');
    await both('SET', 'raw', 'r'.repeat(100));
    await both('SET', 'ttl', 'v', 'EX', 1000);
    await both('SADD', 'set', 'a', 'b', 'c');
    await both('SADD', 'iset', 1, 2, 3);
    await both('SELECT', 5);
    await both('SET', 'other', 'x');
    await both('SELECT', 0);
  }

  for (const proto of [2, 3]) {
    it(`MEMORY USAGE: errors, nulls and reply types (RESP${proto})`, async () => {
      await both('HELLO', proto);
      await setup();
      for (const k of ['str', 'int', 'raw', 'ttl', 'set', 'iset']) {
        await sameShape('MEMORY', 'USAGE', k);
        await sameShape('MEMORY', 'USAGE', k, 'SAMPLES', 0);
        await sameShape('MEMORY', 'USAGE', k, 'samples', 3, 'SAMPLES', 100);
      }
      for (const args of [
        ['MEMORY', 'USAGE', 'nokey'], ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 5],
        ['MEMORY', 'USAGE', 'str', 'SAMPLES'], ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'x'],
        ['MEMORY', 'USAGE', 'str', 'SAMPLES', '-1'], ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
        ['MEMORY', 'USAGE', 'str', 'SAMPLES', '1.5'], ['MEMORY', 'USAGE', 'str', 'SAMPLES', '99999999999999999999'],
        ['MEMORY', 'USAGE', 'str', 'foo'], ['MEMORY', 'USAGE', 'str', 'SAMPLES', 1, 'foo'],
        ['MEMORY', 'USAGE'], ['MEMORY', 'usage', 'str', 'samples'], ['MEMORY'], ['MEMORY', 'nope'], ['MEMORY', 'nope', 'x'],
        ['MEMORY', 'STATS', 'x'], ['MEMORY', 'DOCTOR', 'x'], ['MEMORY', 'MALLOC-STATS', 'x'], ['MEMORY', 'PURGE', 'x'],
        ['MEMORY', 'HELP', 'x'], ['MEMORY', 'PURGE'], ['memory', 'purge'],
      ] as Arg[][]) await same(...args);
      await both('HELLO', 2);
    });

    it(`MEMORY STATS: the same fields in the same order, the same value types (RESP${proto})`, async () => {
      await both('HELLO', proto);
      await setup();
      await sameShape('MEMORY', 'STATS');
      await both('FLUSHALL');
      await sameShape('MEMORY', 'STATS');
      await both('HELLO', 2);
    });

    it(`MEMORY DOCTOR and MALLOC-STATS are text of the same type (RESP${proto})`, async () => {
      await both('HELLO', proto);
      for (const sub of ['DOCTOR', 'MALLOC-STATS']) {
        const [a, b] = await both('MEMORY', sub);
        expect(shape(b), sub).toEqual(shape(a));
        expect(b.toString('latin1').endsWith('\n\r\n'), sub).toBe(true);
      }
      await both('HELLO', 2);
    });
  }

  it('MEMORY HELP is Redis\'s text with Vermilion\'s PREFIXES entry before HELP', async () => {
    const [a, b] = await both('MEMORY', 'HELP');
    const lines = (buf: Buffer) => buf.toString('latin1').split('\r\n').slice(1, -1);
    const theirs = lines(a);
    const ourLines = lines(b).filter((l) => !PREFIXES_HELP.includes(l.slice(1)));
    expect(ourLines).toEqual(theirs);
    expect(b.toString('latin1').startsWith(`*${theirs.length + PREFIXES_HELP.length}\r\n`)).toBe(true);
    const all = lines(b);
    expect(all.slice(all.length - 2 - PREFIXES_HELP.length, all.length - 2)).toEqual(PREFIXES_HELP.map((l) => `+${l}`));
    await both('HELLO', 3);
    const [a3, b3] = await both('MEMORY', 'HELP');
    expect(lines(b3).filter((l) => !PREFIXES_HELP.includes(l.slice(1)))).toEqual(lines(a3));
    await both('HELLO', 2);
  });

  it('MEMORY PREFIXES is ours: Redis does not know it, we answer', async () => {
    const [a, b] = await both('MEMORY', 'PREFIXES');
    expect(a.toString()).toBe("-ERR unknown subcommand 'PREFIXES'. Try MEMORY HELP.\r\n");
    expect(b.toString().startsWith('*')).toBe(true);
  });
});
