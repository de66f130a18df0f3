// The pipeline read-ahead (assembly/db/prefetch.ts): with more keys than its
// threshold, each read of several commands, and each EXEC's queue, is
// scanned for their keys before they run. The scan only reads, so the replies must be exactly those of the
// same bytes arriving in pieces too small to scan ahead over; and it must
// survive any bytes (incomplete, inline, malformed, huge counts).
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand, parseAll } from '../helpers/resp.js';
import { seeded } from '../helpers/prng.js';
import { randomStream } from '../helpers/respstream.js';

const KEYS = 70_000; // above the read-ahead's threshold (65,536)
const CF_CLOSE = 32;

function bigEngine(): TestEngine {
  const t = new TestEngine({ debug: false });
  for (let i = 0; i < KEYS; i += 1000) {
    const cmds: Buffer[] = [];
    for (let j = i; j < i + 1000; j++) cmds.push(encodeCommand(['SET', `k${j}`, `v${j}`]));
    t.raw(Buffer.concat(cmds));
  }
  expect(t.cmd('DBSIZE')).toBe(KEYS);
  return t;
}

/** Feeds `chunks` to a new client of `t`, as successive reads, until it closes. */
function run(t: TestEngine, chunks: Buffer[]): { reply: string; closed: boolean } {
  const client = t.engine.x.newClient();
  const out: Buffer[] = [];
  let closed = false;
  for (const ch of chunks) {
    out.push(t.raw(ch, client));
    if ((t.engine.x.clientFlags(client) & CF_CLOSE) !== 0) {
      closed = true;
      break;
    }
  }
  t.engine.x.freeClient(client);
  return { reply: Buffer.concat(out).toString('latin1'), closed };
}

/** A pipeline over the keyspace: reads, writes, and what the scan must step over or stop at. */
function keyedStream(rand: () => number): Buffer {
  const r = (n: number) => Math.floor(rand() * n);
  const parts: Buffer[] = [];
  const n = 2 + r(40);
  for (let i = 0; i < n; i++) {
    const f = rand();
    if (f < 0.35) parts.push(encodeCommand(['GET', `k${r(KEYS + 500)}`]));
    else if (f < 0.5) parts.push(encodeCommand(['SET', `k${r(KEYS)}`, `w${r(1000)}`]));
    else if (f < 0.6) parts.push(encodeCommand(['INCR', `n${r(50)}`]));
    else if (f < 0.65) parts.push(encodeCommand(['PING']));
    else if (f < 0.7) parts.push(Buffer.from(`GET k${r(KEYS)}\r\n`, 'latin1'));
    else if (f < 0.75) parts.push(encodeCommand(['GET', 'x'.repeat(300 + r(300))]));
    else if (f < 0.8) parts.push(encodeCommand(['SELECT', String(r(2))]));
    else if (f < 0.85) parts.push(encodeCommand(['MGET', `k${r(KEYS)}`, `k${r(KEYS)}`, `k${r(KEYS)}`]));
    else if (f < 0.9) parts.push(encodeCommand(['EXISTS', `k${r(KEYS)}`]));
    else if (f < 0.95) parts.push(encodeCommand(['DEL', `k${r(KEYS)}`]));
    else {
      // A transaction: its queue is read ahead again as EXEC runs it.
      parts.push(encodeCommand(['MULTI']));
      for (let j = 1 + r(20); j > 0; j--) parts.push(encodeCommand(rand() < 0.5 ? ['INCR', `n${r(50)}`] : ['GET', `k${r(KEYS)}`]));
      parts.push(encodeCommand([rand() < 0.9 ? 'EXEC' : 'DISCARD']));
    }
  }
  // Now and then a damaged tail: a mutated stream, or a command cut short.
  const tail = rand();
  if (tail < 0.2) parts.push(randomStream(rand));
  else if (tail < 0.3) parts.push(Buffer.from('*3\r\n$3\r\nSET\r\n$2\r\nk1', 'latin1'));
  else if (tail < 0.35) parts.push(Buffer.from('*2\r\n$3\r\nGET\r\n$99999999999\r\nk1\r\n', 'latin1'));
  return Buffer.concat(parts);
}

describe('pipeline read-ahead', () => {
  it('a pipeline of reads over a large keyspace answers every key', () => {
    const t = bigEngine();
    const rand = seeded(77);
    const keys = Array.from({ length: 500 }, () => Math.floor(rand() * (KEYS + 1000)));
    const replies = parseAll(t.raw(Buffer.concat(keys.map((k) => encodeCommand(['GET', `k${k}`])))));
    expect(replies).toEqual(keys.map((k) => (k < KEYS ? `v${k}` : null)));
    // SELECT in the middle: the read-ahead looked in db 0; the commands after it run in db 1.
    const mixed = Buffer.concat([
      encodeCommand(['GET', 'k1']), encodeCommand(['SELECT', '1']), encodeCommand(['GET', 'k1']),
      encodeCommand(['SET', 'k1', 'one']), encodeCommand(['GET', 'k1']), encodeCommand(['SELECT', '0']), encodeCommand(['GET', 'k1']),
    ]);
    expect(parseAll(t.raw(mixed))).toEqual(['v1', 'OK', null, 'OK', 'one', 'OK', 'v1']);
    // A command too long to scan over (MSET of 100 pairs) stops the read-ahead; what follows still runs.
    const pairs = Array.from({ length: 100 }, (_, i) => [`m${i}`, `mv${i}`]).flat();
    const withLong = Buffer.concat([
      encodeCommand(['GET', 'k2']), encodeCommand(['MSET', ...pairs]), encodeCommand(['GET', 'm99']), encodeCommand(['GET', 'k3']),
    ]);
    expect(parseAll(t.raw(withLong))).toEqual(['v2', 'OK', 'mv99', 'v3']);
  });

  it('the same replies and state whether a stream arrives whole or in small reads (300 streams)', () => {
    const whole = bigEngine();
    const cut = bigEngine();
    const rand = seeded(9191);
    for (let k = 0; k < 300; k++) {
      const input = keyedStream(rand);
      const chunks: Buffer[] = [];
      for (let i = 0; i < input.length;) {
        const n = 1 + Math.floor(rand() * 12);
        chunks.push(input.subarray(i, i + n));
        i += n;
      }
      const a = run(whole, [input]);
      const b = run(cut, chunks);
      expect(b, `stream ${k}: ${JSON.stringify(input.toString('latin1').slice(0, 400))}`).toEqual(a);
    }
    // Both keyspaces went through the same changes.
    for (const db of ['0', '1']) {
      whole.cmd('SELECT', db);
      cut.cmd('SELECT', db);
      expect(cut.cmd('DBSIZE')).toBe(whole.cmd('DBSIZE'));
      const sample = Array.from({ length: 2000 }, (_, i) => encodeCommand(['GET', `k${i * 35}`]));
      expect(cut.raw(Buffer.concat(sample)).toString('latin1')).toBe(whole.raw(Buffer.concat(sample)).toString('latin1'));
    }
  });
});
