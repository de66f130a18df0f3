// The RESP reader (assembly/resp/reader.ts) against Redis 7.0's
// processMultibulkBuffer/processInlineBuffer. Every expected reply below was
// taken from a real redis-server 7.0.15 by hand, byte for byte, including
// whether it closed the connection; the differential block at the end checks
// the same fixtures against a live redis-server over TCP.
//
// Each fixture runs whole, split at every byte into two reads, and one byte
// per read: the reader is resumable, so how the bytes arrive must never
// change what is replied.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { startServer, startRedis, redisServerPath } from '../helpers/server.js';
import { seeded } from '../helpers/prng.js';
import { randomStream } from '../helpers/respstream.js';
import type { Server } from '../../src/server/server.js';

const CF_CLOSE = 32;

interface Fixture {
  name: string;
  input: string; // latin1
  reply: string; // latin1, exact bytes
  closed: boolean;
  mode?: 'auth' | 'maxbulk';
}

const PE = (s: string) => `-ERR Protocol error: ${s}\r\n`;

const FIXTURES: Fixture[] = [
  // multibulk
  { name: 'multibulk PING', input: '*1\r\n$4\r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  { name: 'multibulk SET then GET', input: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', reply: '+OK\r\n$5\r\nhello\r\n', closed: false },
  { name: 'lowercase command name', input: '*2\r\n$4\r\necho\r\n$2\r\nhi\r\n', reply: '$2\r\nhi\r\n', closed: false },
  { name: 'empty bulk argument', input: '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n', reply: '$0\r\n\r\n', closed: false },
  // Redis skips the two bytes after a bulk's payload without looking at them.
  { name: 'bytes after a bulk are skipped unchecked', input: '*1\r\n$4\r\nPINGxx', reply: '+PONG\r\n', closed: false },
  { name: 'skipped bytes then an inline command', input: '*1\r\n$4\r\nPINGxxPING\r\n', reply: '+PONG\r\n+PONG\r\n', closed: false },
  { name: 'trailing blank line after multibulk', input: '*1\r\n$4\r\nPING\r\n\r\n', reply: '+PONG\r\n', closed: false },
  // binary-safe bulk: CR LF inside the payload
  { name: 'binary-safe bulk with CRLF inside', input: '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$6\r\na\r\nb\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n', reply: '+OK\r\n$6\r\na\r\nb\r\n\r\n', closed: false },
  { name: 'binary-safe bulk with NUL and high bytes', input: '*2\r\n$4\r\nECHO\r\n$4\r\n\x00\xff\r\x80\r\n', reply: '$4\r\n\x00\xff\r\x80\r\n', closed: false },
  // more arguments than the reader's initial argv holds, read in one pass
  { name: 'twenty arguments in one command', input: `*21\r\n$4\r\nMSET\r\n${'abcdefghij'.split('').map((k, i) => `$1\r\n${k}\r\n$${String(i).length}\r\n${i}\r\n`).join('')}*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nj\r\n`,
    reply: '+OK\r\n*2\r\n$1\r\n0\r\n$1\r\n9\r\n', closed: false },
  // empty commands
  { name: '*0 is skipped', input: '*0\r\n*1\r\n$4\r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  { name: '*-1 is skipped', input: '*-1\r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  { name: '*-5 is skipped', input: '*-5\r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  { name: 'blank lines are skipped', input: '\r\n\r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  { name: 'bare LF lines', input: '\nPING\n', reply: '+PONG\r\n', closed: false },
  { name: 'whitespace-only line is skipped', input: '   \t \r\nPING\r\n', reply: '+PONG\r\n', closed: false },
  // inline
  { name: 'inline PING', input: 'PING\r\n', reply: '+PONG\r\n', closed: false },
  { name: 'inline with extra spaces', input: '  ECHO    hi  \r\n', reply: '$2\r\nhi\r\n', closed: false },
  { name: 'inline double quotes with \\x41 and \\n', input: 'PING "a\\x41\\n"\r\n', reply: '$3\r\naA\n\r\n', closed: false },
  { name: 'inline escapes \\t \\\\ and unknown \\q', input: 'ECHO "a\\tb\\\\c\\q"\r\n', reply: '$6\r\na\tb\\cq\r\n', closed: false },
  { name: 'inline short \\x is kept literally', input: 'ECHO "\\x4"\r\n', reply: '$2\r\nx4\r\n', closed: false },
  { name: 'inline bad hex \\x4g is kept literally', input: 'ECHO "a\\x4g"\r\n', reply: '$4\r\nax4g\r\n', closed: false },
  { name: 'inline uppercase \\X is not hex', input: 'ECHO "\\x41\\X42"\r\n', reply: '$4\r\nAX42\r\n', closed: false },
  { name: 'inline empty quoted argument', input: 'ECHO ""\r\n', reply: '$0\r\n\r\n', closed: false },
  { name: 'inline single quotes with \\\'', input: "ECHO 'a\\'b'\r\n", reply: "$3\r\na'b\r\n", closed: false },
  { name: 'inline single quotes keep \\n', input: "ECHO 'a\\nb'\r\n", reply: '$4\r\na\\nb\r\n', closed: false },
  { name: 'inline quoted argument with a space', input: 'ECHO "a b"  c\r\n', reply: "-ERR wrong number of arguments for 'echo' command\r\n", closed: false },
  { name: 'inline lone CR is a separator', input: 'PING\rX\r\n', reply: '$1\r\nX\r\n', closed: false },
  { name: 'inline SET/GET', input: 'SET k2 "v w"\r\nGET k2\r\n', reply: '+OK\r\n$3\r\nv w\r\n', closed: false },
  // pipelines mixing both forms
  { name: 'pipeline mixed inline and multibulk', input: 'PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\nECHO b\r\n*1\r\n$4\r\nPING\r\n\r\nSELECT 1\r\n*1\r\n$6\r\nDBSIZE\r\n',
    reply: '+PONG\r\n$1\r\na\r\n$1\r\nb\r\n+PONG\r\n+OK\r\n:0\r\n', closed: false },
  { name: 'commands before a protocol error are answered', input: '*1\r\n$4\r\nPING\r\nPING\r\n*a\r\nPING\r\n', reply: `+PONG\r\n+PONG\r\n${PE('invalid multibulk length')}`, closed: true },
  { name: 'incomplete command at the end waits', input: '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nab', reply: '+PONG\r\n', closed: false },
  { name: 'multibulk count without newline waits', input: '*1\r\n$4\r\nPING\r\n*a', reply: '+PONG\r\n', closed: false },
  // protocol errors
  { name: 'invalid multibulk length: letters', input: '*x\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'invalid multibulk length: empty', input: '*\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'invalid multibulk length: plus sign', input: '*+1\r\n$4\r\nPING\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'invalid multibulk length: leading zero', input: '*01\r\n$4\r\nPING\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'invalid multibulk length: space', input: '* 1\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'invalid multibulk length: 2^31', input: '*2147483648\r\n', reply: PE('invalid multibulk length'), closed: true },
  { name: 'multibulk length 2^31-1 is accepted and waits', input: '*2147483647\r\n', reply: '', closed: false },
  { name: 'invalid bulk length: 2^31-1 over proto-max-bulk-len', input: '*1\r\n$2147483647\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: 512MB+1', input: '*1\r\n$536870913\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: negative', input: '*1\r\n$-1\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: trailing letter', input: '*1\r\n$3x\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: plus sign', input: '*1\r\n$+4\r\nPING\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: leading zero', input: '*1\r\n$04\r\nPING\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: space', input: '*1\r\n$ 4\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: 'invalid bulk length: empty', input: '*1\r\n$\r\n', reply: PE('invalid bulk length'), closed: true },
  { name: "expected '$', got 'x'", input: '*1\r\nx3\r\n', reply: PE("expected '$', got 'x'"), closed: true },
  { name: "expected '$' on the second argument", input: '*2\r\n$4\r\nECHO\r\n:1\r\n', reply: PE("expected '$', got ':'"), closed: true },
  // Redis turns CR/LF inside an error text into spaces (addReplyErrorFormat).
  { name: "expected '$', got a newline (shown as a space)", input: '*1\r\r\n$4\r\nPING\r\n', reply: PE("expected '$', got ' '"), closed: true },
  { name: 'unbalanced double quote', input: 'ECHO "abc\r\n', reply: PE('unbalanced quotes in request'), closed: true },
  { name: 'closing double quote followed by a letter', input: 'ECHO "a"b\r\n', reply: PE('unbalanced quotes in request'), closed: true },
  { name: 'closing single quote followed by a letter', input: "ECHO 'ab'c\r\n", reply: PE('unbalanced quotes in request'), closed: true },
  { name: 'unbalanced quote after good commands', input: 'PING\r\nECHO "ab\r\nPING\r\n', reply: `+PONG\r\n${PE('unbalanced quotes in request')}`, closed: true },
  // The search for CR is strchr in Redis: a NUL before it means "no line yet".
  { name: 'NUL in a multibulk count line waits', input: '*1\x00\r\n', reply: '', closed: false },
  { name: 'NUL in an inline line hides the rest of the line', input: 'ECHO a\x00b\r\n', reply: '', closed: false },
  // requirepass set, not authenticated: at most 10 arguments of 16 KiB
  { name: 'unauthenticated: 10 arguments accepted', input: '*10\r\n', reply: '', closed: false, mode: 'auth' },
  { name: 'unauthenticated multibulk length', input: '*11\r\n', reply: PE('unauthenticated multibulk length'), closed: true, mode: 'auth' },
  { name: 'unauthenticated: 16384-byte bulk accepted', input: '*1\r\n$16384\r\n', reply: '', closed: false, mode: 'auth' },
  { name: 'unauthenticated bulk length', input: '*1\r\n$16385\r\n', reply: PE('unauthenticated bulk length'), closed: true, mode: 'auth' },
  { name: 'unauthenticated after an empty command', input: '*-1\r\n*11\r\n', reply: PE('unauthenticated multibulk length'), closed: true, mode: 'auth' },
  { name: 'unauthenticated commands get NOAUTH', input: '*1\r\n$4\r\nPING\r\nPING\r\n', reply: '-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n', closed: false, mode: 'auth' },
  // proto-max-bulk-len 1mb
  { name: 'proto-max-bulk-len: exactly the limit', input: '*1\r\n$1048576\r\n', reply: '', closed: false, mode: 'maxbulk' },
  { name: 'proto-max-bulk-len: one over', input: '*1\r\n$1048577\r\n', reply: PE('invalid bulk length'), closed: true, mode: 'maxbulk' },
];

const MAXBULK = 1024 * 1024;

function engineFor(mode?: Fixture['mode']): TestEngine {
  const t = new TestEngine();
  if (mode === 'auth') t.engine.x.setRequirePass(1);
  if (mode === 'maxbulk') t.engine.x.setMaxBulkLen(MAXBULK);
  return t;
}

/** Feeds chunks as successive reads; stops reading once the engine closes, as the server does. */
function run(t: TestEngine, chunks: Buffer[]): { reply: string; closed: boolean } {
  const out: Buffer[] = [];
  for (const ch of chunks) {
    out.push(t.raw(ch));
    if ((t.engine.x.clientFlags(t.client) & CF_CLOSE) !== 0) return { reply: Buffer.concat(out).toString('latin1'), closed: true };
  }
  return { reply: Buffer.concat(out).toString('latin1'), closed: false };
}

function splits(input: Buffer): [string, Buffer[]][] {
  const out: [string, Buffer[]][] = [['whole', [input]]];
  for (let i = 1; i < input.length; i++) out.push([`split at ${i}`, [input.subarray(0, i), input.subarray(i)]]);
  if (input.length > 1) out.push(['byte by byte', [...input].map((b) => Buffer.from([b]))]);
  return out;
}

describe('RESP reader: fixtures at every split', () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      for (const [how, chunks] of splits(Buffer.from(f.input, 'latin1'))) {
        const got = run(engineFor(f.mode), chunks);
        expect(got, `${f.name} (${how})`).toEqual({ reply: f.reply, closed: f.closed });
      }
    });
  }
});

const fill = (prefix: string, n: number, ch: string) => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.alloc(n, ch)]);
// Redis checks the buffered length against 64 KiB on every read.
const LIMITS: [string, Buffer, string, boolean][] = [
  ['inline of 64 KiB without newline waits', fill('', 65536, 'a'), '', false],
  ['too big inline request', fill('', 65537, 'a'), PE('too big inline request'), true],
  ['mbulk count of 64 KiB waits', fill('*', 65535, '1'), '', false],
  ['too big mbulk count string', fill('*', 65536, '1'), PE('too big mbulk count string'), true],
  ['bulk count of 64 KiB waits', fill('*1\r\n$', 65535, '1'), '', false],
  ['too big bulk count string', fill('*1\r\n$', 65536, '1'), PE('too big bulk count string'), true],
];

describe('RESP reader: limits and large inputs', () => {
  for (const [name, input, reply, closed] of LIMITS) {
    it(name, () => {
      const ways: Buffer[][] = [[input], [input.subarray(0, 1), input.subarray(1)], [input.subarray(0, input.length - 1), input.subarray(input.length - 1)]];
      const kchunks: Buffer[] = [];
      for (let i = 0; i < input.length; i += 1000) kchunks.push(input.subarray(i, i + 1000));
      ways.push(kchunks);
      for (const chunks of ways) expect(run(new TestEngine(), chunks)).toEqual({ reply, closed });
    });
  }

  it('an inline line just under the limit with its newline is a command', () => {
    const t = new TestEngine();
    const arg = 'x'.repeat(65000);
    expect(run(t, [Buffer.from(`ECHO ${arg}\r\n`)])).toEqual({ reply: `$65000\r\n${arg}\r\n`, closed: false });
  });

  it('a big bulk arriving slowly is assembled exactly', () => {
    const t = new TestEngine();
    const value = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < value.length; i++) value[i] = (i * 131 + (i >> 9)) & 0xff;
    const cmd = Buffer.concat([encodeCommand(['SET', 'big', value]), encodeCommand(['GET', 'big'])]);
    const out: Buffer[] = [];
    // 1 byte, then 4 KiB reads, as a slow socket would deliver them.
    out.push(t.raw(cmd.subarray(0, 1)));
    for (let i = 1; i < cmd.length; i += 4096) {
      const o = t.raw(cmd.subarray(i, i + 4096));
      if (i + 4096 < cmd.length - 40) expect(o.length).toBe(0);
      out.push(o);
    }
    const expected = Buffer.concat([Buffer.from('+OK\r\n'), Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    expect(Buffer.concat(out).equals(expected)).toBe(true);
  });

  it('a bulk of exactly proto-max-bulk-len is accepted', () => {
    const t = engineFor('maxbulk');
    const value = Buffer.alloc(MAXBULK, 'v');
    const out = run(t, [encodeCommand(['SET', 'k', value]), Buffer.from('*1\r\n$6\r\nDBSIZE\r\n')]);
    expect(out).toEqual({ reply: '+OK\r\n:1\r\n', closed: false });
  });

  // The reader takes complete bulks in one pass; one over a limit must still
  // be refused when its payload is already buffered behind its header.
  it('a bulk over a limit is refused with its payload in the same read', () => {
    const over = (n: number) => Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${n}\r\n`), Buffer.alloc(n, 'z'), Buffer.from('\r\n')]);
    expect(run(engineFor('auth'), [over(16385)])).toEqual({ reply: PE('unauthenticated bulk length'), closed: true });
    expect(run(engineFor('auth'), [over(16384)])).toEqual({ reply: '-NOAUTH Authentication required.\r\n', closed: false });
    expect(run(engineFor('maxbulk'), [over(MAXBULK + 1)])).toEqual({ reply: PE('invalid bulk length'), closed: true });
    const ok = run(engineFor('maxbulk'), [over(MAXBULK)]);
    expect(ok.closed).toBe(false);
    expect(ok.reply.length).toBe(`$${MAXBULK}\r\n`.length + MAXBULK + 2);
  });

  it('a command of 100k arguments in one read', () => {
    const t = new TestEngine();
    const members = Array.from({ length: 100000 }, (_, i) => `m${i}`);
    const reply = t.raw(Buffer.concat([encodeCommand(['SADD', 's', ...members]), encodeCommand(['SCARD', 's'])])).toString();
    expect(reply).toBe(':100000\r\n:100000\r\n');
  });

  it('10k pipelined commands in one read', () => {
    const t = new TestEngine();
    const parts: Buffer[] = [];
    for (let i = 0; i < 10000; i++) parts.push(i % 2 ? Buffer.from(`ECHO ${i}\r\n`) : encodeCommand(['ECHO', String(i)]));
    const reply = t.raw(Buffer.concat(parts)).toString('latin1');
    let want = '';
    for (let i = 0; i < 10000; i++) want += `$${String(i).length}\r\n${i}\r\n`;
    expect(reply).toBe(want);
  });

  it('after a protocol error nothing more of the read is run', () => {
    const t = new TestEngine();
    expect(run(t, [Buffer.from('SET a 1\r\n*x\r\nSET b 2\r\n')]).closed).toBe(true);
    const t2 = t.newClient();
    expect(t.raw(encodeCommand(['GET', 'a']), t2).toString()).toBe('$1\r\n1\r\n');
    expect(t.raw(encodeCommand(['GET', 'b']), t2).toString()).toBe('$-1\r\n');
  });
});

describe('RESP reader: random streams', () => {
  it('the same replies and close however the bytes are cut (400 streams)', () => {
    const rand = seeded(4242);
    for (let k = 0; k < 400; k++) {
      const input = randomStream(rand);
      const whole = run(new TestEngine(), [input]);
      const cuts: Buffer[] = [];
      for (let i = 0; i < input.length;) {
        const n = 1 + Math.floor(rand() * 40);
        cuts.push(input.subarray(i, i + n));
        i += n;
      }
      expect(run(new TestEngine(), cuts), `stream ${k} in random reads: ${JSON.stringify(input.toString('latin1'))}`).toEqual(whole);
      if (k % 8 === 0) {
        const bytes = [...input].map((b) => Buffer.from([b]));
        expect(run(new TestEngine(), bytes), `stream ${k} byte by byte: ${JSON.stringify(input.toString('latin1'))}`).toEqual(whole);
      }
    }
  });
});

// Errors that quote the request: Redis formats them with %.128s (a NUL ends
// the quoted text) and turns CR/LF into spaces so the reply stays one line.
const QUOTED: [string, string, string][] = [
    ['CR/LF in an argument become spaces', '*2\r\n$3\r\nfoo\r\n$3\r\na\nb\r\n', "-ERR unknown command 'foo', with args beginning with: 'a b' \r\n"],
    ['CR in the command name becomes a space', '*2\r\n$3\r\nf\ro\r\n$1\r\nx\r\n', "-ERR unknown command 'f o', with args beginning with: 'x' \r\n"],
    ['LF in an unknown subcommand becomes a space', '*2\r\n$6\r\nOBJECT\r\n$3\r\na\nb\r\n', "-ERR unknown subcommand 'a b'. Try OBJECT HELP.\r\n"],
    ['a NUL in an unknown command name ends the quoted name', '*1\r\n$4\r\nPI\x00G\r\n', "-ERR unknown command 'PI', with args beginning with: \r\n"],
    ['a NUL in an argument ends that quoted argument', '*3\r\n$3\r\nfoo\r\n$3\r\na\x00b\r\n$1\r\nc\r\n', "-ERR unknown command 'foo', with args beginning with: 'a' 'c' \r\n"],
];

describe('RESP reader: binary arguments quoted in errors', () => {
  for (const [name, input, reply] of QUOTED) {
    it(name, () => {
      for (const [how, chunks] of splits(Buffer.from(input, 'latin1'))) {
        expect(run(new TestEngine(), chunks), how).toEqual({ reply, closed: false });
      }
    });
  }
});

// ---- differential: the same fixtures against a live redis-server ----------------

const haveRedis = redisServerPath() !== null;
if (process.env.CI && !haveRedis) throw new Error('redis-server is required in CI for the differential reader test');

// Waits up to `firstMs` for a first reply (the in-process server shares this
// busy event loop), then until `settleMs` pass without more bytes.
async function exchange(port: number, input: Buffer, settleMs = 250, firstMs = 2000): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    let timer: NodeJS.Timeout;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ reply: buf.toString('latin1'), closed });
    };
    const arm = (ms = settleMs) => { clearTimeout(timer); timer = setTimeout(() => finish(false), ms); };
    s.on('connect', () => { s.write(input); arm(firstMs); });
    s.on('data', (d) => { buf = Buffer.concat([buf, d]); arm(); });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => {});
  });
}

describe.skipIf(!haveRedis)('RESP reader: differential against redis-server over TCP', () => {
  const servers: { mode: Fixture['mode'] | 'plain'; v: { server: Server; port: number }; r: Awaited<ReturnType<typeof startRedis>> }[] = [];

  beforeAll(async () => {
    const modes: [Fixture['mode'] | 'plain', Record<string, string>, string[]][] = [
      ['plain', {}, []],
      ['auth', { requirepass: 'pw' }, ['--requirepass', 'pw']],
      ['maxbulk', { 'proto-max-bulk-len': String(MAXBULK) }, ['--proto-max-bulk-len', String(MAXBULK)]],
    ];
    for (const [mode, vopts, ropts] of modes) servers.push({ mode, v: await startServer(vopts), r: await startRedis(ropts) });
  });
  afterAll(async () => {
    for (const s of servers) { await s.v.server.close(); s.r.stop(); }
  });

  it('every fixture gets the same bytes and the same close', async () => {
    const all: Fixture[] = [...FIXTURES, ...QUOTED.map(([name, input, reply]) => ({ name, input, reply, closed: false }))];
    for (const [name, input, reply, closed] of LIMITS) all.push({ name, input: input.toString('latin1'), reply, closed });
    const rand = seeded(777);
    const streams = Array.from({ length: 60 }, () => randomStream(rand));
    const results = await Promise.all(all.map(async (f) => {
      const pair = servers.find((s) => s.mode === (f.mode ?? 'plain'))!;
      const input = Buffer.from(f.input, 'latin1');
      const [v, r] = await Promise.all([exchange(pair.v.port, input), exchange(pair.r.port, input)]);
      return { name: f.name, v, r, want: { reply: f.reply, closed: f.closed } };
    }));
    // First that the recorded facts still hold for redis-server, then Vermilion.
    for (const x of results) expect(x.r, `redis-server: ${x.name}`).toEqual(x.want);
    const random = await Promise.all(streams.map(async (input, i) => {
      const pair = servers.find((s) => s.mode === 'plain')!;
      const [v, r] = await Promise.all([exchange(pair.v.port, input), exchange(pair.r.port, input)]);
      return { name: `random stream ${i}: ${JSON.stringify(input.toString('latin1'))}`, v, r };
    }));
    const differ = [...results, ...random].filter((x) => x.v.reply !== x.r.reply || x.v.closed !== x.r.closed)
      .map((x) => ({ fixture: x.name, redis: x.r, vermilion: x.v }));
    expect(differ).toEqual([]);
  });
});
