// The load generator's RESP: the encoder, the reply scanner (every fixture
// whole, split at every byte, and fed byte by byte), the request templates
// (compared with the plain encoder), and the harness's own reply parser.
import { describe, it, expect } from 'vitest';
import { encodeCommand, ReplyScanner, R_OK, R_NIL, R_ERROR } from '../../bench/resp.js';
import { Template, widthOf } from '../../bench/template.js';
import { parseReply } from '../../bench/control.js';
import { compileWorkload, WORKLOADS, roleOf, workloadByName, customWorkload, splitCommand } from '../../bench/workloads.js';

describe('encodeCommand', () => {
  it('writes a RESP array of bulk strings', () => {
    expect(encodeCommand(['SET', 'k', 12, Buffer.from([0, 255])]).toString('latin1'))
      .toBe('*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$2\r\n\x00\xff\r\n');
    expect(encodeCommand(['GET', '']).toString()).toBe('*2\r\n$3\r\nGET\r\n$0\r\n\r\n');
    expect(encodeCommand(['X', 'é']).toString()).toBe('*2\r\n$1\r\nX\r\n$2\r\né\r\n');
  });
});

/** [reply bytes, the kind the scanner must report, error texts] */
const FIXTURES: [string, number, string[]][] = [
  ['+OK\r\n', R_OK, []],
  ['-ERR unknown command \'FOO\'\r\n', R_ERROR, ['ERR unknown command \'FOO\'']],
  [':12345\r\n', R_OK, []],
  [':-1\r\n', R_OK, []],
  ['$5\r\nhello\r\n', R_OK, []],
  ['$0\r\n\r\n', R_OK, []],
  ['$-1\r\n', R_NIL, []],
  ['*-1\r\n', R_NIL, []],
  ['*0\r\n', R_OK, []],
  ['$12\r\nline\r\nbreaks\r\n', R_OK, []],
  ['*3\r\n$3\r\nfoo\r\n$-1\r\n:7\r\n', R_OK, []],
  // EXEC with a failed command inside: the transaction counts as an error.
  ['*3\r\n:1\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n', R_ERROR,
    ['WRONGTYPE Operation against a key holding the wrong kind of value']],
  ['*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*0\r\n', R_OK, []],
  ['*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n', R_OK, []],
  ['*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$16\r\n1700000000123456\r\n', R_OK, []],
  // RESP3
  ['_\r\n', R_NIL, []],
  ['#t\r\n', R_OK, []],
  [',3.14\r\n', R_OK, []],
  ['(123456789012345678901234567890\r\n', R_OK, []],
  ['=15\r\ntxt:Some string\r\n', R_OK, []],
  ['%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n', R_OK, []],
  ['~2\r\n+a\r\n+b\r\n', R_OK, []],
  ['>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n', R_OK, []],
  ['!21\r\nSYNTAX invalid syntax\r\n', R_ERROR, ['(bulk error)']],
  ['%0\r\n', R_OK, []],
];

function scan(chunks: Buffer[], capture = 0): { kinds: number[]; errors: Map<string, number>; captured: string[] } {
  const s = new ReplyScanner();
  s.capture = capture;
  const kinds: number[] = [];
  const captured: string[] = [];
  s.onReply = (k) => {
    kinds.push(k);
    captured.push(s.capturedLen >= 0 ? s.captured.toString('latin1', 0, s.capturedLen) : '');
  };
  let total = 0;
  for (const c of chunks) total += s.feed(c);
  expect(total).toBe(kinds.length);
  expect(s.idle()).toBe(true);
  return { kinds, errors: s.errors, captured };
}

describe('ReplyScanner', () => {
  it('reads every fixture whole, split at every byte, and byte by byte', () => {
    for (const [text, kind, errors] of FIXTURES) {
      const b = Buffer.from(text, 'latin1');
      const whole = scan([b]);
      expect(whole.kinds, text).toEqual([kind]);
      expect([...whole.errors.keys()], text).toEqual(errors);
      for (let i = 1; i < b.length; i++) {
        expect(scan([b.subarray(0, i), b.subarray(i)]).kinds, `${JSON.stringify(text)} split at ${i}`).toEqual([kind]);
      }
      expect(scan([...b].map((x) => Buffer.from([x]))).kinds).toEqual([kind]);
    }
  });

  it('counts a stream of replies across arbitrary chunk boundaries', () => {
    const all = Buffer.concat(FIXTURES.map(([t]) => Buffer.from(t, 'latin1')));
    const want = FIXTURES.map(([, k]) => k);
    for (const size of [1, 2, 3, 7, 16, 64, all.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
      expect(scan(chunks).kinds, `chunks of ${size}`).toEqual(want);
    }
  });

  it('scans from an offset within a shared read buffer', () => {
    const s = new ReplyScanner();
    let n = 0;
    s.onReply = () => { n++; };
    const b = Buffer.from('xxxx+OK\r\n:1\r\nyyyy', 'latin1');
    expect(s.feed(b, 4, 13)).toBe(2);
    expect(n).toBe(2);
  });

  it('captures the start of a message payload (the last bulk of its array) only when asked', () => {
    const msg = Buffer.from('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$20\r\n1700000000123456abcd\r\n', 'latin1');
    for (let i = 1; i < msg.length; i++) {
      expect(scan([msg.subarray(0, i), msg.subarray(i)], 16).captured).toEqual(['1700000000123456']);
    }
    expect(scan([msg], 64).captured).toEqual(['1700000000123456abcd']);
    expect(scan([msg], 0).captured).toEqual(['']);
    // A subscribe confirmation ends in an integer: nothing captured.
    expect(scan([Buffer.from('*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n')], 16).captured).toEqual(['']);
    // A bulk string reply by itself, longer than the limit.
    expect(scan([Buffer.from(`$70\r\n${'0123456789'.repeat(7)}\r\n`)], 100).captured).toEqual(['0123456789'.repeat(7).slice(0, 64)]);
  });

  it('rejects bytes that are not RESP', () => {
    const s = new ReplyScanner();
    expect(() => s.feed(Buffer.from('hello\r\n'))).toThrow(/protocol error/);
    expect(() => new ReplyScanner().feed(Buffer.from('$abc\r\n'))).toThrow(/protocol error/);
  });

  it('keeps at most 16 distinct error texts, with counts', () => {
    const s = new ReplyScanner();
    const parts: string[] = [];
    for (let i = 0; i < 40; i++) parts.push(`-ERR e${i % 20}\r\n`);
    s.feed(Buffer.from(parts.join('')));
    expect(s.errors.size).toBe(16);
    expect(s.errors.get('ERR e0')).toBe(2);
  });
});

describe('Template', () => {
  const consts = new Map([['value', Buffer.from('abc')]]);
  const vars = new Map([['k', 0], ['n', 1], ['t', 2]]);
  const widths = [6, 0, 16];

  it('emits the same bytes as the plain encoder', () => {
    const t = new Template([['SET', 'key:{k}', '{value}'], ['SETBIT', 'bits', '{n}', '1'], ['ECHO', '{t}'], ['PING']], vars, widths, consts);
    expect(t.commands).toBe(4);
    const out = Buffer.alloc(t.maxLen);
    for (const [k, n, ts] of [[0, 0, 1], [42, 7, 1700000000123456], [999999, 123456789, 99]]) {
      const end = t.emit(out, 0, Float64Array.from([k, n, ts]));
      const want = Buffer.concat([
        encodeCommand(['SET', `key:${String(k).padStart(6, '0')}`, 'abc']),
        encodeCommand(['SETBIT', 'bits', String(n), '1']),
        encodeCommand(['ECHO', String(ts).padStart(16, '0')]),
        encodeCommand(['PING']),
      ]);
      expect(out.subarray(0, end).toString('latin1')).toBe(want.toString('latin1'));
      expect(end).toBeLessThanOrEqual(t.maxLen);
    }
  });

  it('reads variables at an offset, and the same variable twice', () => {
    const t = new Template([['INCR', 'rl:{k}'], ['EXPIRE', 'rl:{k}', '60']], vars, widths, consts);
    const out = Buffer.alloc(t.maxLen);
    const end = t.emit(out, 0, Float64Array.from([9, 9, 9, 5, 0, 0]), 3);
    expect(out.subarray(0, end).toString()).toBe(Buffer.concat([encodeCommand(['INCR', 'rl:000005']), encodeCommand(['EXPIRE', 'rl:000005', '60'])]).toString());
    expect(t.uses).toEqual([0]);
  });

  it('rejects unknown variables and integers inside longer arguments', () => {
    expect(() => new Template([['GET', '{nope}']], vars, widths, consts)).toThrow(/unknown template variable/);
    expect(() => new Template([['GET', 'x{n}']], vars, widths, consts)).toThrow(/whole argument/);
  });

  it('pads keys to the width of the key space', () => {
    expect(widthOf({ kind: 'key' }, 100000)).toBe(5);
    expect(widthOf({ kind: 'key' }, 1)).toBe(1);
    expect(widthOf({ kind: 'rand', n: 10 }, 100000)).toBe(1);
    expect(widthOf({ kind: 'num' }, 100000)).toBe(0);
  });
});

describe('workloads', () => {
  it('compile, and every request and preload item is valid RESP', () => {
    for (const spec of WORKLOADS) {
      const w = compileWorkload(spec, { keyspace: 1000, valueSize: 8 });
      const vals = new Float64Array(Math.max(1, w.vars.length)).fill(3);
      const templates = [...w.roles.flatMap((r) => r.ops.map((o) => o.template)), ...w.roles.flatMap((r) => (r.subscribe ? [r.subscribe] : []))];
      if (w.setup) {
        expect(w.setup.count, spec.name).toBeGreaterThan(0);
        templates.push(w.setup.template);
      }
      for (const t of templates) {
        const out = Buffer.alloc(t.maxLen);
        const end = t.emit(out, 0, w.setup ? w.setup.bind(7) : vals);
        const s = new ReplyScanner();
        let n = 0;
        s.onReply = () => { n++; };
        // A request is an array of bulk strings, which the reply scanner reads too.
        s.feed(out.subarray(0, end));
        expect(n, spec.name).toBe(t.commands);
      }
      const shares = w.roles.map((_, r) => Array.from({ length: 50 }, (__, c) => roleOf(w, c, 50)).filter((x) => x === r).length);
      expect(shares.reduce((a, b) => a + b), spec.name).toBe(50);
      expect(shares.every((n) => n > 0), spec.name).toBe(true);
    }
  });
});

describe('roles', () => {
  const split = (name: string, n: number): number[] => {
    const w = compileWorkload(workloadByName(name), { keyspace: 10, valueSize: 1 });
    return w.roles.map((_, r) => Array.from({ length: n }, (__, c) => roleOf(w, c, n)).filter((x) => x === r).length);
  };

  it('share the connections, or take an exact count', () => {
    expect(split('pubsub', 50)).toEqual([40, 10]);
    expect(split('queue', 7)).toEqual([4, 3]);
    expect(split('fanout', 51)).toEqual([50, 1]);
    expect(split('fanout', 2)).toEqual([1, 1]);
    expect(split('get', 3)).toEqual([3]);
  });
});

describe('workload mixes', () => {
  // (Ops by position: this file names no command of another family, so
  // that it never counts as that family's test in test/guard.test.ts.)
  const weights = (name: string, readRatio: number | null): number[] => {
    const w = compileWorkload(workloadByName(name), { keyspace: 100, valueSize: 1, readRatio });
    return w.roles[0].ops.map((o) => o.weight);
  };

  it('rescales reads and writes to --read-ratio, keeping proportions within each', () => {
    // session: one read op (60) and two write ops (30, 10).
    expect(weights('session', null)).toEqual([60, 30, 10]);
    const w = weights('session', 0.5);
    expect(w[0]).toBeCloseTo(0.5);
    expect(w[1]).toBeCloseTo(0.375);
    expect(w[2]).toBeCloseTo(0.125);
    expect(weights('mixed', 0.95)).toEqual([0.95, expect.closeTo(0.05)]);
    // A follow-up keeps weight 0; a workload with no reads keeps its mix.
    expect(weights('cache', 0.5)).toEqual([1, 0]);
    expect(weights('set', 0.5)).toEqual([1]);
  });

  it('builds a workload from command lines', () => {
    expect(splitCommand(`MSET "my key" 'a b' k {value}`)).toEqual(['MSET', 'my key', 'a b', 'k', '{value}']);
    expect(splitCommand('SET "say \\"hi\\"" 1')).toEqual(['SET', 'say "hi"', '1']);
    const spec = customWorkload(['APPEND log:{k} {value}', 'getrange log:{k} 0 {r}']);
    expect(spec.probe).toEqual([['APPEND', 'log:0', 'v'], ['getrange', 'log:0', '0', '0']]);
    const w = compileWorkload(spec, { keyspace: 1000, valueSize: 2 });
    expect(w.roles[0].ops.map((o) => o.name)).toEqual(['APPEND', 'GETRANGE']);
    const t = w.roles[0].ops[1].template;
    const out = Buffer.alloc(t.maxLen);
    expect(out.subarray(0, t.emit(out, 0, Float64Array.from([5, 42]))).toString()).toBe(encodeCommand(['getrange', 'log:005', '0', '042']).toString());
    expect(() => customWorkload([''])).toThrow();
  });
});

describe('the control connection parser', () => {
  it('parses RESP2 replies and waits for incomplete ones', () => {
    const b = Buffer.from('*3\r\n$3\r\nfoo\r\n:5\r\n*2\r\n+OK\r\n-ERR x\r\n$-1\r\n', 'latin1');
    expect(parseReply(b, 0)).toEqual([['foo', 5, ['OK', { error: 'ERR x' }]], b.length - 5]);
    expect(parseReply(b, b.length - 5)).toEqual([null, b.length]);
    for (let i = 1; i < b.length - 5; i++) expect(parseReply(b.subarray(0, i), 0)).toBeNull();
  });
});
