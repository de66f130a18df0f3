// Lua scripting in an embedded store: the server's scripting room, loaded
// in the background at open (src/embedded/lua.ts). What scripts can do is
// the scripting suites' business (test/tcp/scripting.test.ts,
// test/diff/scripting.diff.test.ts); here: when the VM is there, how sync
// and async calls meet it, and busy scripts between handles.
import { describe, it, expect, afterEach } from 'vitest';
import { Vermilion, ReplyError } from '../../src/index.js';

const opened: Vermilion[] = [];
async function open(opts: Parameters<typeof Vermilion.open>[0] = {}): Promise<Vermilion> {
  const db = await Vermilion.open({ hashSeed: 1, randomSeed: 1n, ...opts });
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

const LIB = "#!lua name=counters\n" +
  "redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
  "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}";

describe('embedded Lua scripting', () => {
  it('an asynchronous call waits for the VM; a synchronous one before it is ready is refused', async () => {
    const db = await open();
    // Right after open the VM is still loading (it is not awaited).
    expect(() => db.sync.eval('return 1', 0)).toThrow(/Lua scripting is still loading/);
    expect(await db.eval("return redis.call('INCR', KEYS[1])", 1, 'n')).toBe(1);
    // Loaded now: synchronous calls script too, and see the same keyspace.
    expect(db.sync.eval("return redis.call('INCR', KEYS[1])", 1, 'n')).toBe(2);
    expect(db.sync.get('n')).toBe('2');
  });

  it('{ lua: true } opens with the VM ready', async () => {
    const db = await open({ lua: true });
    expect(db.sync.eval("return {1, 'two', {err='no'}, false}", 0)).toEqual([1, 'two', expect.any(ReplyError), null]);
    const sha = db.sync.script('LOAD', 'return ARGV[1]');
    expect(db.sync.evalsha(sha, 0, 'x')).toBe('x');
    expect(db.sync.script('EXISTS', sha, '0'.repeat(40))).toEqual([1, 0]);
  });

  it('{ lua: false } has no VM', async () => {
    const db = await open({ lua: false });
    await expect(db.eval('return 1', 0)).rejects.toThrow('ERR Lua scripting is not available here');
    await expect(db.fcall('f', 0)).rejects.toThrow('ERR Lua scripting is not available here');
  });

  it('functions: FUNCTION LOAD, FCALL, FCALL_RO, DUMP and RESTORE between stores', async () => {
    const a = await open({ lua: true });
    expect(await a.function('LOAD', LIB)).toBe('counters');
    expect(await a.fcall('bump', 1, 'c', 5)).toBe(5);
    expect(await a.fcall_ro('peek', 1, 'c')).toBe('5');
    await expect(a.fcall_ro('bump', 1, 'c', 1)).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    const dump = await a.callBuffer('FUNCTION', 'DUMP');
    const b = await open({ lua: true });
    expect(await b.function('RESTORE', dump)).toBe('OK');
    expect(await b.fcall('bump', 1, 'c', 2)).toBe(2);
  });

  it('a busy script answers BUSY to other handles, which can SCRIPT KILL it', async () => {
    const db = await open({ lua: true, config: { 'busy-reply-threshold': 20 } });
    const other = db.duplicate();
    const running = db.eval('while true do end', 0);
    // The script gives the event loop turns once past busy-reply-threshold.
    await new Promise((r) => setTimeout(r, 60));
    await expect(other.ping()).rejects.toThrow(/^BUSY Redis is busy running a script/);
    expect(await other.script('KILL')).toBe('OK');
    await expect(running).rejects.toThrow(/Script killed by user with SCRIPT KILL/);
    expect(await other.ping()).toBe('PONG');
  });

  it('a busy script run by a synchronous call runs to its end', async () => {
    const db = await open({ lua: true, config: { 'busy-reply-threshold': 5 } });
    const script = "local n = 0 for i = 1, 3000000 do n = n + 1 end redis.call('SET', 'k', n) return n";
    expect(db.sync.eval(script, 0)).toBe(3000000);
    expect(db.sync.get('k')).toBe('3000000');
  });
});
