// The engine's size limits: a wasm32 engine holds blocks of at most 1 GiB,
// so strings stop at 512 MiB (Redis's default proto-max-bulk-len), replies
// and input are bounded, and nothing at those edges may abort the engine.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { ST_INPUT_FULL, ST_YIELD, ST_OK } from '../../src/engine/engine.js';

const MiB = 1024 * 1024;

describe('engine limits', () => {
  it('GET of a string at the 512 MiB limit replies in full', () => {
    const t = new TestEngine({ debug: false });
    expect(t.cmd('SETRANGE', 'k', String(512 * MiB - 1), 'x')).toBe(512 * MiB);
    const out = t.raw('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    expect(out.length).toBe(512 * MiB + `$${512 * MiB}\r\n\r\n`.length);
    expect(t.rawCmd('SETRANGE', 'k', String(512 * MiB), 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(t.rawCmd('APPEND', 'k', 'y')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
  });

  it('a raised proto-max-bulk-len does not let strings pass the engine limit', () => {
    const t = new TestEngine({ debug: false });
    t.engine.x.setMaxBulkLen(4 * 1024 * MiB);
    expect(t.rawCmd('SETRANGE', 'k', String(600 * MiB), 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(t.rawCmd('SETBIT', 'k', String(600 * MiB * 8), '1')).toBe('-ERR bit offset is not an integer or out of range\r\n');
  });

  it('a pipeline of big replies yields to the host instead of growing one buffer', () => {
    const t = new TestEngine({ debug: false });
    expect(t.cmd('SETRANGE', 'big', String(8 * MiB - 1), 'x')).toBe(8 * MiB);
    const get = '*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n';
    let st = t.engine.feed(t.client, Buffer.from(get.repeat(6)), t.now);
    let replies = 0;
    let yields = 0;
    for (;;) {
      const out = t.engine.takeOutput();
      replies += Math.round((out?.length ?? 0) / (8 * MiB));
      if (st !== ST_YIELD) break;
      yields++;
      st = t.engine.resume(t.client, t.now);
    }
    expect(st).toBe(ST_OK);
    expect(replies).toBe(6);
    expect(yields).toBeGreaterThan(0);
  });

  it('input the engine cannot buffer is refused, not aborted', () => {
    const t = new TestEngine({ debug: false });
    t.engine.x.setMaxBulkLen(2 * 1024 * 1024 * MiB);
    t.raw(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${1100 * MiB}\r\n`);
    const chunk = Buffer.alloc(64 * MiB, 0x61);
    let st = ST_OK;
    for (let fed = 0; fed < 1100 * MiB && st !== ST_INPUT_FULL; fed += chunk.length) st = t.engine.feed(t.client, chunk, t.now);
    expect(st).toBe(ST_INPUT_FULL);
  });

  it('bulk lengths past 2^31 are invalid even with a raised proto-max-bulk-len', () => {
    const t = new TestEngine();
    t.engine.x.setMaxBulkLen(8 * 1024 * 1024 * MiB);
    expect(t.raw('*1\r\n$4294967300\r\nPING\r\n').toString('latin1')).toBe('-ERR Protocol error: invalid bulk length\r\n');
  });
});
