// COMMAND over TCP, and differentially against a real redis-server 7.0 for
// every command in our table (our table is a subset: compared per command).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import type { RespValue } from '../helpers/resp.js';
import type { Server } from '../../src/server/server.js';
import { COMMANDS } from '../../src/engine/commands.gen.js';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const NAMES = COMMANDS.map((m) => m.name);
const TOP = COMMANDS.filter((m) => m.parent < 0).map((m) => m.name);

let server: Server;
let ours: RawClient;

beforeAll(async () => {
  const s = await startServer();
  server = s.server;
  ours = await RawClient.connect(s.port);
});
afterAll(async () => {
  ours.close();
  await server.close();
});

describe('COMMAND (ours)', () => {
  it('COMMAND, COMMAND COUNT, COMMAND LIST and COMMAND INFO agree on the table', async () => {
    const all = (await ours.cmd('COMMAND')) as RespValue[][];
    expect(all.length).toBe(TOP.length);
    expect(await ours.cmd('COMMAND', 'COUNT')).toBe(TOP.length);
    expect(((await ours.cmd('COMMAND', 'LIST')) as string[]).sort()).toEqual([...NAMES].sort());
    expect(((await ours.cmd('COMMAND', 'INFO')) as RespValue[]).length).toBe(TOP.length);
    expect(all.map((e) => e[0]).sort()).toEqual([...TOP].sort());
  });

  it('COMMAND INFO answers null for unknown names, in place', async () => {
    const r = (await ours.cmd('COMMAND', 'INFO', 'nope', 'GET')) as RespValue[][];
    expect(r[0]).toBe(null);
    expect(r[1].slice(0, 7)).toEqual(['get', 2, ['readonly', 'fast'], 1, 1, 1, ['@read', '@string', '@fast']]);
  });

  it('COMMAND DOCS carries our summaries and complexity', async () => {
    const r = (await ours.cmd('COMMAND', 'DOCS', 'get')) as RespValue[];
    expect(r[0]).toBe('get');
    const doc = r[1] as string[];
    expect(doc[0]).toBe('summary');
    expect(doc[1]).toBe(COMMANDS.find((m) => m.name === 'get')!.summary);
    expect(doc.slice(2, 8)).toEqual(['since', '1.0.0', 'group', 'string', 'complexity', 'O(1)']);
  });

  it('every command and subcommand has a summary, and complexity where Redis gives one', () => {
    for (const m of COMMANDS) {
      expect(m.summary, m.name).toBeTruthy();
      if (!['debug', 'monitor'].includes(m.name)) expect(m.complexity, m.name).toBeTruthy();
    }
  });

  it('COMMAND GETKEYS / GETKEYSANDFLAGS / HELP', async () => {
    expect(await ours.cmd('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(await ours.cmd('COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET')).toEqual([['k', ['RW', 'access', 'update']]]);
    expect(await ours.cmd('COMMAND', 'GETKEYS', 'nope', 'x')).toEqual({ error: 'ERR Invalid command specified' });
    const help = (await ours.cmd('COMMAND', 'HELP')) as string[];
    expect(help[0]).toBe('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help[help.length - 1]).toBe('    Prints this help.');
  });
});

// ---- differential ------------------------------------------------------------------

const haveRedis = !!redisServerPath();

// Commands taken from later Redis versions (CLIENT SETINFO, which clients
// send on connect) and Vermilion's own (MEMORY PREFIXES) have no 7.0
// counterpart to compare with.
const isLater = (since: string) => since.localeCompare('7.1', undefined, { numeric: true }) > 0;
const notIn70 = (m: (typeof COMMANDS)[number]) => isLater(m.since) || !!m.notes?.startsWith("Vermilion's own");
const NAMES_70 = COMMANDS.filter((m) => !notIn70(m)).map((m) => m.name);

/** Sorts what Redis returns in hash order (subcommands) so replies compare. */
function normInfo(v: RespValue): RespValue {
  if (!Array.isArray(v)) return v;
  const out = [...v];
  const subs = out[9] as any;
  const list: RespValue[] = Array.isArray(subs) ? subs : subs.set;
  out[9] = list.filter((s: any) => NAMES_70.includes(s[0])).map(normInfo).sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1));
  return out;
}

/** COMMAND DOCS minus the texts we write in our own words. */
function normDocs(v: RespValue): RespValue {
  if (!Array.isArray(v)) return v;
  const out: RespValue[] = [];
  for (let i = 0; i < v.length; i += 2) {
    const k = v[i];
    let val = v[i + 1];
    if (k === 'summary' || k === 'complexity' || k === 'replaced_by') continue;
    if (k === 'history') val = (val as RespValue[][]).map((h) => h[0]);
    if (k === 'subcommands') {
      const pairs: [RespValue, RespValue][] = [];
      const arr = val as RespValue[];
      for (let j = 0; j < arr.length; j += 2) if (NAMES_70.includes(arr[j] as string)) pairs.push([arr[j], normDocs(arr[j + 1])]);
      pairs.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
      val = pairs.flat();
    }
    out.push(k, val);
  }
  return out;
}

describe.skipIf(!haveRedis)('COMMAND vs redis-server 7.0', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let ref: RawClient;
  beforeAll(async () => {
    redis = await startRedis();
    ref = await RawClient.connect(redis.port);
  });
  afterAll(() => {
    ref?.close();
    redis?.stop();
  });

  const both = async (...args: (string | number)[]) => [await ours.cmd(...args), await ref.cmd(...args)];

  it('COMMAND INFO matches for every command and subcommand (RESP2 and RESP3)', async () => {
    for (const proto of [2, 3]) {
      await ours.cmd('HELLO', proto);
      await ref.cmd('HELLO', proto);
      for (const name of NAMES_70) {
        const [a, b] = await both('COMMAND', 'INFO', name);
        expect(normInfo((a as RespValue[])[0]), `${name} RESP${proto}`).toEqual(normInfo((b as RespValue[])[0]));
      }
    }
    await ours.cmd('HELLO', 2);
    await ref.cmd('HELLO', 2);
  });

  it('COMMAND INFO bytes match for commands without subcommands', async () => {
    for (const m of COMMANDS.filter((c) => !notIn70(c) && !COMMANDS.some((s) => s.parent === c.id))) {
      ours.send('COMMAND', 'INFO', m.name);
      ref.send('COMMAND', 'INFO', m.name);
      expect((await ours.readRaw()).toString(), m.name).toBe((await ref.readRaw()).toString());
    }
  });

  it('COMMAND DOCS matches apart from our own texts', async () => {
    for (const name of NAMES_70) {
      const [a, b] = await both('COMMAND', 'DOCS', name);
      expect(normDocs((a as RespValue[])[1]), name).toEqual(normDocs((b as RespValue[])[1]));
      expect((a as RespValue[])[0]).toBe((b as RespValue[])[0]);
    }
  });

  it('COMMAND LIST FILTERBY ACLCAT / PATTERN agree on our commands', async () => {
    const cats = ['keyspace', 'read', 'write', 'string', 'bitmap', 'admin', 'fast', 'slow', 'dangerous', 'connection', 'nope'];
    for (const cat of cats) {
      const [a, b] = await both('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', cat);
      const theirs = (b as string[]).filter((n) => NAMES.includes(n)).sort();
      expect((a as string[]).filter((n) => NAMES_70.includes(n)).sort(), cat).toEqual(theirs);
    }
    for (const pat of ['config*', 'g?t', '*|help', 'x[a-z]*']) {
      const [a, b] = await both('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', pat);
      expect((a as string[]).filter((n) => NAMES_70.includes(n)).sort(), pat).toEqual((b as string[]).filter((n) => NAMES.includes(n)).sort());
    }
    expect((await both('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'))[0]).toEqual([]);
  });

  it('COMMAND COUNT and LIST are consistent on both servers', async () => {
    const [ca, cb] = await both('COMMAND', 'COUNT');
    const [la, lb] = await both('COMMAND', 'LIST');
    // COUNT counts top-level commands; LIST names subcommands too.
    expect((la as string[]).filter((n) => !n.includes('|')).length).toBe(ca);
    expect((lb as string[]).filter((n) => !n.includes('|')).length).toBe(cb);
    expect((la as string[]).filter((n) => NAMES_70.includes(n)).every((n) => (lb as string[]).includes(n))).toBe(true);
  });

  it('COMMAND GETKEYS / GETKEYSANDFLAGS and their errors match', async () => {
    const lines: string[][] = [
      ['GET', 'k'], ['SET', 'k', 'v'], ['SET', 'k', 'v', 'get'], ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'c'],
      ['DEL', 'a', 'b'], ['BITOP', 'AND', 'd', 's1', 's2'], ['COPY', 'a', 'b'], ['RENAME', 'a', 'b'],
      ['BITFIELD', 'k', 'GET', 'u8', '0'], ['BITFIELD', 'k', 'SET', 'u8', '0', '1'], ['BITFIELD', 'k'],
      ['OBJECT', 'ENCODING', 'k'], ['LCS', 'a', 'b'], ['EXPIRE', 'k', '10'], ['TOUCH', 'a'],
      ['CONFIG', 'GET', 'x'], ['CONFIG', 'nope'], ['nope', 'a'], ['GET', 'a', 'b'], ['MSET', 'a'], ['PING', 'x'],
      ['KEYS', '*'], ['SCAN', '0'], ['OBJECT', 'HELP'],
    ];
    for (const sub of ['GETKEYS', 'GETKEYSANDFLAGS']) {
      for (const l of lines) {
        const [a, b] = await both('COMMAND', sub, ...l);
        expect(a, `${sub} ${l.join(' ')}`).toEqual(b);
      }
    }
  });

  it('HELP texts and error texts match', async () => {
    const cases: string[][] = [
      ['COMMAND', 'HELP'], ['SLOWLOG', 'HELP'], ['LATENCY', 'HELP'],
      ['COMMAND', 'LIST', 'FILTERBY'], ['COMMAND', 'LIST', 'foo'], ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar'],
      ['COMMAND', 'COUNT', 'x'], ['COMMAND', 'GETKEYS'], ['COMMAND', 'DOCS', 'nope'], ['COMMAND', 'INFO', 'nope'],
      ['SLOWLOG', 'GET', 'x'], ['SLOWLOG', 'GET', '-2'], ['SLOWLOG', 'LEN', 'x'], ['SLOWLOG', 'nope'], ['SLOWLOG'],
      ['LATENCY', 'HISTORY'], ['LATENCY', 'HISTORY', 'nope'], ['LATENCY', 'GRAPH', 'nope'], ['LATENCY', 'RESET', 'nope'],
      ['LATENCY', 'LATEST'], ['LATENCY', 'LATEST', 'x'], ['LATENCY', 'DOCTOR'], ['LATENCY', 'nope'],
      ['INFO', 'nope'],
    ];
    for (const c of cases) {
      ours.send(...c);
      ref.send(...c);
      expect((await ours.readRaw()).toString(), c.join(' ')).toBe((await ref.readRaw()).toString());
    }
  });
});

// redis-cli 7 builds its typing hints from COMMAND DOCS. Run it in a
// pseudo-terminal (python's pty), type a command name, and read the hint.
const PTY_SCRIPT = String.raw`
import os, pty, sys, time, select
port, typed = sys.argv[1], sys.argv[2].encode()
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.execvp('redis-cli', ['redis-cli', '-p', port])
answered = []
def drain(t):
    out = b''; end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: d = os.read(fd, 65536)
            except OSError: break
            out += d
            # linenoise asks for the cursor column twice to learn the width.
            for _ in range(d.count(b'\x1b[6n')):
                os.write(fd, b'\x1b[1;1R' if not answered else b'\x1b[1;200R'); answered.append(1)
    return out
drain(1.0)
os.write(fd, typed)
out = drain(1.0)
os.write(fd, b'\x15quit\r'); drain(0.3)
hints = out.split(b'\x1b[0;90;49m')
print(hints[-1].split(b'\x1b[0m')[0].decode() if len(hints) > 1 else '')
`;

const haveCli = (() => {
  try { execFileSync('which', ['redis-cli', 'python3']); return true; } catch { return false; }
})();

describe.skipIf(!haveCli)('redis-cli hints from our COMMAND DOCS', () => {
  // Asynchronous: the server under test runs in this process's event loop.
  const hint = async (p: number, typed: string) =>
    (await promisify(execFile)('python3', ['-c', PTY_SCRIPT, String(p), typed])).stdout.trim();
  it('shows the argument grammar of our commands, and none for commands we do not have', async () => {
    const p = server.port;
    expect(await hint(p, 'SET ')).toBe('key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]');
    expect(await hint(p, 'GETEX ')).toBe('key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]');
    expect(await hint(p, 'LPUSH ')).toBe('key element [element ...]');
    expect(await hint(p, 'XACK ')).toBe('key group id [id ...]');
    // redis-cli has its own table for MIGRATE (not in ours); no hint proves it read ours.
    expect(await hint(p, 'MIGRATE ')).toBe('');
  }, 20000);
});
