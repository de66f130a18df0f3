// Where a naive list goes quadratic: pushes and pops at both ends of a
// list of a million elements, reads by index and ranges in its middle, and
// LREM / LTRIM / LINSERT on a large list. Each is O(1) or O(N) here; a
// structure that copies or walks the whole list per element would not finish
// in the test timeout. No wall-clock assertions.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand, parseAll } from '../helpers/resp.js';

const N = 1_000_000;

/** Raw RESP for one command (cheaper than encodeCommand for a million of them). */
function resp(args: (string | number)[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const v = String(a);
    s += `$${v.length}\r\n${v}\r\n`;
  }
  return s;
}

/**
 * Sends `count` commands made by `make` in pipelined chunks and returns the
 * raw replies, all concatenated (latin1): parsing a million replies costs
 * more than running them.
 */
function pipelineRaw(t: TestEngine, count: number, make: (i: number) => (string | number)[]): string {
  const out: string[] = [];
  const CHUNK = 50_000;
  for (let start = 0; start < count; start += CHUNK) {
    let s = '';
    for (let i = start; i < Math.min(count, start + CHUNK); i++) s += resp(make(i));
    out.push(t.raw(Buffer.from(s, 'latin1')).toString('latin1'));
  }
  return out.join('');
}

/** Sends `count` commands made by `make` in pipelined chunks; returns every reply. */
function pipeline(t: TestEngine, count: number, make: (i: number) => (string | number)[]): unknown[] {
  const out: unknown[] = [];
  const CHUNK = 20_000;
  for (let start = 0; start < count; start += CHUNK) {
    const bufs: Buffer[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) bufs.push(encodeCommand(make(i)));
    out.push(...parseAll(t.raw(Buffer.concat(bufs))));
  }
  return out;
}

describe('large lists stay linear', () => {
  it('a million single pushes and pops at both ends', () => {
    const t = new TestEngine();
    const half = N / 2;
    expect(pipelineRaw(t, half, (i) => ['RPUSH', 'l', i]).endsWith(`:${half}\r\n`)).toBe(true);
    expect(pipelineRaw(t, half, (i) => ['LPUSH', 'l', -1 - i]).endsWith(`:${N}\r\n`)).toBe(true);
    expect(t.cmd('LINDEX', 'l', 0)).toBe(String(-half));
    expect(t.cmd('LINDEX', 'l', -1)).toBe(String(half - 1));
    const heads = pipelineRaw(t, half, () => ['LPOP', 'l']);
    const bulk = (v: number) => `$${String(v).length}\r\n${v}\r\n`;
    expect(heads.startsWith(bulk(-half) + bulk(-half + 1))).toBe(true);
    expect(heads.endsWith(bulk(-2) + bulk(-1))).toBe(true);
    const tails = pipelineRaw(t, half, () => ['RPOP', 'l']);
    expect(tails.startsWith(bulk(half - 1) + bulk(half - 2))).toBe(true);
    expect(tails.endsWith(bulk(1) + bulk(0))).toBe(true);
    expect(t.cmd('EXISTS', 'l')).toBe(0);
  }, 120_000);

  it('LINDEX, LSET and LRANGE in the middle of a large list', () => {
    const t = new TestEngine();
    pipeline(t, 1000, (i) => ['RPUSH', 'l', ...Array.from({ length: 500 }, (_, j) => i * 500 + j)]);
    const mid = 250_000;
    const got = pipeline(t, 2000, (i) => ['LINDEX', 'l', mid + i]);
    expect(got[0]).toBe(String(mid));
    expect(got[1999]).toBe(String(mid + 1999));
    pipeline(t, 2000, (i) => ['LSET', 'l', -mid - i, 'x']);
    expect(t.cmd('LINDEX', 'l', -mid)).toBe('x');
    const ranges = pipeline(t, 200, (i) => ['LRANGE', 'l', mid + i * 10, mid + i * 10 + 99]) as string[][];
    expect(ranges[199][0]).toBe(String(mid + 1990));
    expect((t.cmd('LRANGE', 'l', 0, -1) as string[]).length).toBe(500_000);
  }, 120_000);

  it('LREM, LTRIM and LPOS over a large list', () => {
    const t = new TestEngine();
    let model = Array.from({ length: 500_000 }, (_, i) => (i % 3 === 0 ? 'a' : `v${i % 500}`));
    pipeline(t, 1000, (i) => ['RPUSH', 'l', ...model.slice(i * 500, i * 500 + 500)]);
    expect(t.cmd('LREM', 'l', 0, 'a')).toBe(model.filter((x) => x === 'a').length);
    model = model.filter((x) => x !== 'a');
    expect(t.cmd('LPOS', 'l', 'a')).toBe(null);
    expect((t.cmd('LPOS', 'l', 'v499', 'COUNT', 0) as number[]).length).toBe(model.filter((x) => x === 'v499').length);
    expect(t.cmd('LREM', 'l', -300, 'v1')).toBe(300);
    let removed = 0;
    model = model.reverse().filter((x) => !(x === 'v1' && removed++ < 300)).reverse();
    expect(t.cmd('LTRIM', 'l', 100_000, -100_000)).toBe('OK');
    model = model.slice(100_000, model.length - 100_000 + 1);
    pipeline(t, 1000, () => ['LTRIM', 'l', 1, -2]);
    model = model.slice(1000, model.length - 1000);
    expect(t.cmd('LLEN', 'l')).toBe(model.length);
    expect(t.cmd('LRANGE', 'l', 0, -1)).toEqual(model);
  }, 120_000);

  it('LINSERT near the head of a large list, and LMOVE rotations', () => {
    const t = new TestEngine();
    pipeline(t, 1000, (i) => ['RPUSH', 'l', ...Array.from({ length: 500 }, (_, j) => i * 500 + j)]);
    // The pivot stays first: each insert lands in the full head node, which
    // splits, or in the small node a split left after it.
    const r = pipelineRaw(t, 20_000, (i) => ['LINSERT', 'l', 'AFTER', 0, `n${i}`]);
    expect(r.endsWith(':520000\r\n')).toBe(true);
    expect(t.cmd('LRANGE', 'l', 0, 2)).toEqual(['0', 'n19999', 'n19998']);
    expect(t.cmd('LINDEX', 'l', 20_000)).toBe('n0');
    expect(t.cmd('LINDEX', 'l', 20_001)).toBe('1');
    pipelineRaw(t, 100_000, () => ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT']);
    pipelineRaw(t, 100_000, () => ['RPOPLPUSH', 'l', 'l']);
    expect(t.cmd('LLEN', 'l')).toBe(520_000);
    expect(t.cmd('LINDEX', 'l', 0)).toBe('0');
    expect(t.cmd('LINDEX', 'l', 20_001)).toBe('1');
  }, 120_000);
});
