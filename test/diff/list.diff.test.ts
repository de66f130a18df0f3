// Differential test of the list family: the same commands go to a real
// redis-server 7.0 and to Vermilion over TCP and the raw replies must be
// byte for byte equal.
//
//   - every table of test/engine/list.cases.ts, in RESP2 and RESP3, at
//     list-max-listpack-size -2 (Redis's default), 4 and -1 on both servers;
//     after each table the quicklist node count of every list is compared
//     with DEBUG OBJECT's ql_nodes, which checks the fill, split and merge
//     rules as well as the replies;
//   - seeded random command sequences over a few lists at small fills;
//   - multi-connection scripts for the blocking commands: who is served,
//     in which order, timeouts, CLIENT UNBLOCK, pipelines around waits.
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { parseReply } from '../helpers/resp.js';
import { Prng } from '../helpers/prng.js';
import { LIST_TABLES, X100, X5000 } from '../engine/list.cases.js';

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const FILLS = ['-2', '4', '-1'];
const label = (args: Arg[]) => args.map((x) => (Buffer.isBuffer(x) ? `<${x.toString('hex')}>` : typeof x === 'string' && x.length > 30 ? `${x.slice(0, 10)}..(${x.length})` : JSON.stringify(x))).join(' ');

suite('list family vs redis-server', () => {
  const pair = diffPair({ config: { 'enable-debug-command': 'yes' } });

  async function both(args: Arg[]): Promise<[string, string]> {
    const [a, b] = await pair.both(args);
    return [a.toString('latin1'), b.toString('latin1')];
  }
  const compare = pair.compare;

  async function reset(fill: string, proto: number): Promise<void> {
    await both(['HELLO', proto]);
    await both(['FLUSHALL']);
    await compare(['CONFIG', 'SET', 'list-max-listpack-size', fill]);
  }

  /** Our quicklist node count of a list (after checking its invariants). */
  function ourNodes(key: string): number {
    const x = pair.server.engine.x;
    const b = Buffer.from(key, 'latin1');
    const p = x.hostArg(b.length);
    new Uint8Array(x.memory.buffer, p, b.length).set(b);
    return x.dsListNodes(0, b.length);
  }

  /**
   * Every list's quicklist as DEBUG OBJECT shows it (ql_nodes, ql_avg_node,
   * ql_listpack_max, ql_compressed, ql_uncompressed_size: the node layout and
   * the listpack bytes), and our invariants.
   */
  async function compareNodes(context: string): Promise<void> {
    pair.ref.send('KEYS', '*');
    const keys = parseReply(await pair.ref.readRaw())![0] as string[];
    for (const k of keys) {
      pair.ref.send('TYPE', k);
      if (parseReply(await pair.ref.readRaw())![0] !== 'list') continue;
      const [a, b] = await both(['DEBUG', 'OBJECT', k]);
      const ql = (line: string) => line.slice(line.indexOf(' ql_nodes:')).trim();
      expect(ql(b), `${context}: DEBUG OBJECT ${k}`).toBe(ql(a));
      expect(ourNodes(k), `${context}: invariants of ${k}`).toBeGreaterThan(0);
    }
  }

  for (const fill of FILLS) {
    for (const proto of [2, 3]) {
      describe(`list-max-listpack-size ${fill}, RESP${proto}`, () => {
        for (const table of LIST_TABLES) {
          it(table.name, async () => {
            await reset(fill, proto);
            for (const [args] of table.rows) await compare(args);
            await compareNodes(table.name);
          });
        }
      });
    }
  }

  it('DEBUG OBJECT rounds ql_avg_node as printf does (9 elements in 8 nodes: 1.12)', async () => {
    await reset('2', 2);
    await compare(['RPUSH', 'l', ...Array.from({ length: 16 }, (_, i) => String(i + 1))]);
    for (const x of ['1', '3', '5', '7', '9', '11', '13']) await compare(['LREM', 'l', '0', x]);
    const [a, b] = await both(['DEBUG', 'OBJECT', 'l']);
    expect(a).toContain('ql_nodes:8 ql_avg_node:1.12 ');
    expect(b.slice(b.indexOf(' ql_nodes:'))).toBe(a.slice(a.indexOf(' ql_nodes:')));
  });

  it('fill is clamped to -5..32767 and the compress depth is reported, per list at its creation', async () => {
    await reset('-10', 2);
    await compare(['RPUSH', 'a', 'x']);
    await compare(['CONFIG', 'SET', 'list-max-listpack-size', '100000']);
    await compare(['CONFIG', 'SET', 'list-compress-depth', '2']);
    await compare(['RPUSH', 'b', 'x']);
    await compare(['CONFIG', 'SET', 'list-compress-depth', '0']);
    await compare(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
    await compare(['RPUSH', 'a', 'y']);
    await compare(['RPUSH', 'b', 'y']);
    await compareNodes('clamped fills');
  });

  // ---- random sequences -----------------------------------------------------------

  const VALUES = ['a', 'b', 'c', '1', '01', '-7', '300', '', X100, 'y'.repeat(3000), X5000];
  const KEYS = ['l1', 'l2', 'l3'];

  function randomCommand(r: Prng): Arg[] {
    const k = r.pick(KEYS), k2 = r.pick(KEYS), v = r.pick(VALUES);
    const idx = () => String(r.int(60) - 30);
    const side = () => r.pick(['LEFT', 'RIGHT']);
    switch (r.int(16)) {
      case 0: return ['LPUSH', k, v, r.pick(VALUES)];
      case 1: return ['RPUSH', k, v, r.pick(VALUES), r.pick(VALUES)];
      case 2: return ['LPUSHX', k, v];
      case 3: return ['LPOP', k, ...(r.int(2) ? [String(r.int(4))] : [])];
      case 4: return ['RPOP', k, ...(r.int(2) ? [String(r.int(4))] : [])];
      case 5: return ['LINSERT', k, r.pick(['BEFORE', 'AFTER']), v, r.pick(VALUES)];
      case 6: return ['LREM', k, String(r.int(5) - 2), v];
      case 7: return ['LSET', k, idx(), v];
      case 8: return r.int(3) === 0 ? ['LTRIM', k, idx(), idx()] : ['LLEN', k];
      case 9: return ['LRANGE', k, idx(), idx()];
      case 10: return ['LINDEX', k, idx()];
      case 11: return ['LMOVE', k, k2, side(), side()];
      case 12: return ['LPOS', k, v, 'RANK', r.pick(['1', '2', '-1', '-3']), 'COUNT', String(r.int(3)), 'MAXLEN', String(r.int(40))];
      case 13: return ['LMPOP', '2', k, k2, side(), 'COUNT', String(1 + r.int(5))];
      case 14: return ['RPOPLPUSH', k, k2];
      default: return ['BLPOP', k, '0'];
    }
  }

  for (const fill of ['1', '4', '-1']) {
    it(`random sequences at list-max-listpack-size ${fill}`, async () => {
      const r = new Prng(7 + Number(fill));
      await reset(fill, 2);
      // Keep the lists non-empty often enough that BLPOP never waits.
      for (const k of KEYS) await compare(['RPUSH', k, ...Array.from({ length: 30 }, (_, i) => String(i % 7))]);
      for (let i = 0; i < 4000; i++) {
        let args = randomCommand(r);
        if (args[0] === 'BLPOP') {
          await compare(['RPUSH', args[1], 'refill']);
          args = ['BLPOP', args[1], '0'];
        }
        await compare(args);
        if (i % 500 === 499) await compareNodes(`step ${i}`);
      }
      await compareNodes('end');
      for (const k of KEYS) await compare(['LRANGE', k, '0', '-1']);
    });
  }

  // ---- blocking: multi-connection scripts -------------------------------------------

  // A step sends a command on connection `c` (0..3), optionally reading its
  // reply now; `read` takes the next reply of a connection (one that was
  // waiting); `blocked` waits until INFO counts that many blocked clients.
  // Replies that were read make the transcript compared across servers.
  type Step =
    | { c: number; cmd: (Arg | { idOf: number })[]; noreply?: boolean }
    | { c: number; raw: string }
    | { c: number; read: true }
    | { blocked: number }
    | { c: number; close: true }
    | { sleep: number };

  const S = (c: number, ...cmd: (Arg | { idOf: number })[]): Step => ({ c, cmd });
  const W = (c: number, ...cmd: Arg[]): Step => ({ c, cmd, noreply: true }); // a command that waits
  const R = (c: number): Step => ({ c, read: true });
  const B = (n: number): Step => ({ blocked: n });
  const RESP = (...cmds: string[][]) => cmds.map((a) => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`).join('');

  const blockingScripts: [string, Step[]][] = [
    ['arrival order, several keys, one element each', [
      W(0, 'BLPOP', 'k', 0), B(1), W(1, 'BRPOP', 'x', 'k', 0), B(2), W(2, 'BLPOP', 'k', 'x', 0), B(3),
      S(3, 'RPUSH', 'k', '1'), R(0), S(3, 'RPUSH', 'x', 'a'), R(1), S(3, 'RPUSH', 'k', '2', '3'), R(2),
      S(3, 'LRANGE', 'k', 0, -1), S(3, 'INFO', 'commandstats'),
    ]],
    ['two waiters, one multi-element push', [
      W(0, 'BRPOP', 'k', 0), B(1), W(1, 'BLPOP', 'k', 0), B(2), S(2, 'RPUSH', 'k', 'a', 'b', 'c'), R(0), R(1),
      S(2, 'LRANGE', 'k', 0, -1),
    ]],
    ['a push pipelined with a pop, and with an RPUSHX', [
      W(0, 'BLPOP', 'k', 0), B(1), { c: 1, raw: RESP(['RPUSH', 'k', 'a'], ['LPOP', 'k']) }, R(1), R(1), R(0),
      W(0, 'BLPOP', 'k', 0), B(1), { c: 1, raw: RESP(['RPUSH', 'k', 'a'], ['RPUSHX', 'k', 'b'], ['LLEN', 'k']) },
      R(1), R(1), R(1), R(0),
    ]],
    ['LMOVE into a waited key, BLMOVE chains, BLMPOP counts', [
      W(0, 'BLPOP', 'dst', 0), B(1), S(1, 'RPUSH', 'src', 'x', 'y'), S(1, 'LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'), R(0),
      W(0, 'BLMOVE', 'k1', 'k2', 'LEFT', 'RIGHT', 0), B(1), W(1, 'BRPOPLPUSH', 'k2', 'k3', 0), B(2),
      W(2, 'BLMPOP', 0, 2, 'k9', 'k3', 'RIGHT', 'COUNT', 5), B(3), S(3, 'LPUSH', 'k1', 'v', 'w'), R(0), R(1), R(2),
      S(3, 'LRANGE', 'k1', 0, -1), S(3, 'KEYS', 'k[23]'),
      W(0, 'BLMPOP', 0, 1, 'm', 'LEFT', 'COUNT', 2), B(1), S(1, 'RPUSH', 'm', 1, 2, 3), R(0), S(1, 'LRANGE', 'm', 0, -1),
    ]],
    ['BLMOVE rotation on one key, and a woken BLMOVE meeting a wrong-type destination', [
      W(0, 'BLMOVE', 'r', 'r', 'LEFT', 'RIGHT', 0), B(1), S(1, 'RPUSH', 'r', 'a'), R(0), S(1, 'LRANGE', 'r', 0, -1),
      S(1, 'SET', 'str', 'v'), W(0, 'BLMOVE', 'src', 'str', 'LEFT', 'LEFT', 0), B(1), S(1, 'RPUSH', 'src', 'x'), R(0),
      S(1, 'LRANGE', 'src', 0, -1), S(1, 'INFO', 'errorstats'),
    ]],
    ['timeouts: fractional seconds, null shapes in RESP2 and RESP3', [
      W(0, 'BLPOP', 'k', '0.1'), R(0), W(0, 'BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05'), R(0),
      W(0, 'BRPOPLPUSH', 'k', 'd', '0.05'), R(0), W(0, 'BLMPOP', '0.05', 1, 'k', 'LEFT'), R(0),
      W(0, 'BRPOP', 'a', 'b', '0.0001'), R(0),
      S(0, 'HELLO', 3), W(0, 'BLPOP', 'k', '0.05'), R(0), W(0, 'BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05'), R(0),
      W(0, 'BLMPOP', '0.05', 1, 'k', 'LEFT', 'COUNT', 2), R(0),
      W(0, 'BLPOP', 'k', 0), B(1), S(1, 'RPUSH', 'k', 'v'), R(0),
      W(0, 'BLMPOP', 0, 1, 'k', 'LEFT', 'COUNT', 2), B(1), S(1, 'RPUSH', 'k', 'v', 'w', 'z'), R(0),
    ]],
    ['CLIENT UNBLOCK with TIMEOUT and ERROR', [
      S(1, 'CLIENT', 'UNBLOCK', { idOf: 0 }), W(0, 'BLPOP', 'k', 0), B(1), S(1, 'CLIENT', 'UNBLOCK', { idOf: 0 }), R(0),
      W(0, 'BLMOVE', 'k', 'd', 'RIGHT', 'LEFT', 0), B(1), S(1, 'CLIENT', 'UNBLOCK', { idOf: 0 }, 'TIMEOUT'), R(0),
      W(0, 'BLMPOP', 0, 1, 'k', 'LEFT'), B(1), S(1, 'CLIENT', 'UNBLOCK', { idOf: 0 }, 'ERROR'), R(0),
      S(1, 'CLIENT', 'UNBLOCK', { idOf: 0 }, 'error'), S(0, 'PING'), S(1, 'INFO', 'errorstats'),
    ]],
    ['a blocked client\'s pipelined commands run after it is served', [
      { c: 0, raw: RESP(['BLPOP', 'k', '0'], ['PING'], ['LLEN', 'k']) }, B(1), { c: 0, raw: RESP(['RPUSH', 'k', 'late']) },
      { sleep: 50 }, S(1, 'RPUSH', 'k', 'x', 'y'), R(0), R(0), R(0), R(0), S(1, 'LRANGE', 'k', 0, -1),
    ]],
    ['a disconnected waiter leaves nothing behind', [
      W(0, 'BLPOP', 'k', 0), B(1), { c: 0, close: true }, B(0), S(1, 'RPUSH', 'k', 'x'), S(1, 'LLEN', 'k'),
    ]],
    ['keys that arrive by RENAME, COPY, MOVE and SWAPDB serve waiters', [
      W(0, 'BLPOP', 'r', 0), B(1), S(1, 'RPUSH', 'tmp', 'a', 'b'), S(1, 'RENAME', 'tmp', 'r'), R(0),
      W(0, 'BRPOP', 'c', 0), B(1), S(1, 'COPY', 'r', 'c'), R(0), S(1, 'LRANGE', 'r', 0, -1),
      S(2, 'SELECT', 2), W(2, 'BLPOP', 'm', 0), B(1), S(1, 'RPUSH', 'm', 'x'), S(1, 'MOVE', 'm', 2), R(2),
      S(0, 'SELECT', 1), W(0, 'BLPOP', 's', 0), B(1), W(2, 'BLPOP', 'other', 's', 0), B(2), S(1, 'RPUSH', 's', 'db0'),
      S(1, 'SWAPDB', 0, 1), R(0), S(1, 'RPUSH', 's', 'again'), S(1, 'SWAPDB', 2, 0), R(2), S(1, 'SELECT', 2), S(1, 'LLEN', 's'),
    ]],
    ['waits are per database', [
      S(0, 'SELECT', 1), W(0, 'BLPOP', 'k', 0), B(1), S(1, 'RPUSH', 'k', 'db0'), S(1, 'SELECT', 1),
      S(1, 'RPUSH', 'k', 'db1'), R(0), S(1, 'LLEN', 'k'), S(1, 'SELECT', 0), S(1, 'LLEN', 'k'),
    ]],
  ];

  for (const [name, steps] of blockingScripts) {
    it(`blocking: ${name}`, async () => {
      const transcripts: string[][] = [];
      for (const port of [pair.refPort, pair.ourPort]) {
        const conns = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(port)));
        const ctl = await RawClient.connect(port);
        await ctl.cmd('FLUSHALL');
        await ctl.cmd('CONFIG', 'RESETSTAT');
        const ids = await Promise.all(conns.map((c) => c.cmd('CLIENT', 'ID')));
        const out: string[] = [];
        try {
          for (const s of steps) {
            if ('blocked' in s) {
              for (let i = 0; ; i++) {
                const text = String(await ctl.cmd('INFO', 'clients'));
                if (text.includes(`blocked_clients:${s.blocked}\r\n`)) break;
                if (i > 200) throw new Error(`never ${s.blocked} blocked clients`);
                await new Promise((res) => setTimeout(res, 5));
              }
            } else if ('sleep' in s) {
              await new Promise((res) => setTimeout(res, s.sleep));
            } else if ('close' in s) {
              conns[s.c].close();
            } else if ('raw' in s) {
              conns[s.c].write(s.raw);
            } else if ('read' in s) {
              out.push(`${s.c}< ${(await conns[s.c].readRaw(3000)).toString('latin1')}`);
            } else {
              const args = s.cmd.map((a) => (typeof a === 'object' && !Buffer.isBuffer(a) ? String(ids[a.idOf]) : a)) as Arg[];
              conns[s.c].send(...args);
              if (!s.noreply) {
                let reply = (await conns[s.c].readRaw(3000)).toString('latin1');
                // Only the lines that are about lists: the stats of other
                // commands (CLIENT, INFO) and timings differ by design.
                // (sorted: Redis lists them in its dict's order).
                if (args[0] === 'INFO') {
                  reply = reply.split('\r\n').filter((l) => /^(cmdstat_(b?[lr](pop|push|move|mpop|range|len)|brpoplpush)|errorstat_)/.test(l))
                    .map((l) => l.replace(/usec=[^,]*,usec_per_call=[^,]*,/, '')).sort().join('\n');
                }
                if (args[0] === 'HELLO') reply = reply.slice(0, 2); // carries the client id
                const shown = s.cmd.map((a) => (typeof a === 'object' && !Buffer.isBuffer(a) ? `<id of ${a.idOf}>` : a)) as Arg[];
                out.push(`${s.c}> ${label(shown)}: ${reply}`);
              }
            }
          }
        } finally {
          for (const c of conns) c.close();
          ctl.close();
        }
        transcripts.push(out);
      }
      expect(transcripts[1]).toEqual(transcripts[0]);
    });
  }
});
