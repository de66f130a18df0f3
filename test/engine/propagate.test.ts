// The propagation stream (assembly/db/propagate.ts): what each write
// becomes in the AOF. Expected streams are what redis-server 7.0.15 writes
// to appendonlydir/*.incr.aof for the same commands (checked by hand with
// appendonly yes; timestamps follow the fake clock).
import { describe, it, expect, beforeEach } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

/** A RESP multibulk command, as the AOF holds it. */
function resp(...args: (string | number)[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('');
}

describe('propagation stream', () => {
  let t: TestEngine;
  const take = (): string => t.engine.takePropagation()?.toString('latin1') ?? '';
  beforeEach(() => {
    t = new TestEngine();
    t.engine.x.setPropEnabled(true);
  });

  it('writes verbatim, with SELECT when the db changes, nothing for reads or no-ops', () => {
    t.cmd('set', 'a', '1');
    t.cmd('GET', 'a');
    t.cmd('del', 'nosuch');
    t.cmd('SELECT', '2');
    t.cmd('Set', 'x', 'y');
    t.cmd('SELECT', '0');
    t.cmd('incr', 'a');
    expect(take()).toBe(resp('SELECT', 0) + resp('set', 'a', '1') + resp('SELECT', 2) + resp('Set', 'x', 'y') +
      resp('SELECT', 0) + resp('incr', 'a'));
    expect(take()).toBe('');
  });

  it('rewrites relative TTLs to absolute forms', () => {
    const now = t.now;
    t.cmd('SET', 'b', '2', 'EX', '100');
    t.cmd('set', 'c', '1', 'nx', 'px', '10');
    t.cmd('SET', 'd', '1', 'PXAT', String(now + 5000), 'GET');
    t.cmd('SET', 'e', '1', 'GET', 'xx');
    t.cmd('SET', 'e', '2', 'get', 'GET');
    t.cmd('SETEX', 'f', '100', 'v');
    t.cmd('PSETEX', 'g', '100', 'v');
    t.cmd('EXPIRE', 'b', '200', 'GT');
    t.cmd('pexpireat', 'b', String(now + 300000));
    t.cmd('EXPIREAT', 'b', String(Math.floor(now / 1000) + 400));
    t.cmd('GETEX', 'f', 'EX', '10');
    t.cmd('GETEX', 'f', 'PERSIST');
    t.cmd('GETEX', 'f', 'PERSIST');
    t.cmd('EXPIRE', 'b', '-1');
    t.cmd('INCRBYFLOAT', 'h', '1.5');
    t.cmd('GETDEL', 'h');
    t.cmd('GETEX', 'g', 'PXAT', '1');
    expect(take()).toBe(resp('SELECT', 0) +
      resp('SET', 'b', '2', 'PXAT', now + 100000) +
      resp('SET', 'c', '1', 'PXAT', now + 10) +
      resp('SET', 'd', '1', 'PXAT', now + 5000) +
      resp('SET', 'e', '2') +
      resp('SET', 'f', 'v', 'PXAT', now + 100000) +
      resp('SET', 'g', 'v', 'PXAT', now + 100) +
      resp('PEXPIREAT', 'b', now + 200000, 'GT') +
      resp('pexpireat', 'b', now + 300000) +
      resp('PEXPIREAT', 'b', (Math.floor(now / 1000) + 400) * 1000) +
      resp('PEXPIREAT', 'f', now + 10000) +
      resp('PERSIST', 'f') +
      resp('DEL', 'b') +
      resp('SET', 'h', '1.5', 'KEEPTTL') +
      resp('DEL', 'h') +
      resp('DEL', 'g'));
  });

  it('propagates lazy expiry as DEL, wrapped with the command that met it', () => {
    t.cmd('SET', 'c', '1', 'PXAT', String(t.now + 10));
    t.cmd('SET', 'q', '1', 'PXAT', String(t.now + 10));
    take();
    t.advance(50);
    t.cmd('INCR', 'c');
    t.cmd('GET', 'q');
    expect(take()).toBe(resp('MULTI') + resp('DEL', 'c') + resp('INCR', 'c') + resp('EXEC') + resp('DEL', 'q'));
  });

  it('wraps a transaction in MULTI/EXEC only when it has more than one op', () => {
    t.cmd('SET', 'z', '0');
    take();
    t.raw(resp('MULTI') + resp('SET', 'm', '1') + resp('GET', 'm') + resp('SET', 'n', '2') + resp('EXEC'));
    t.raw(resp('MULTI') + resp('SET', 'o', '1') + resp('EXEC'));
    t.raw(resp('MULTI') + resp('GET', 'o') + resp('EXEC'));
    expect(take()).toBe(resp('MULTI') + resp('SET', 'm', '1') + resp('SET', 'n', '2') + resp('EXEC') + resp('SET', 'o', '1'));
  });

  it('SPOP propagates the members it picked as SREM, or DEL when it took all', () => {
    t.cmd('SADD', 's', '1', '2', '3', '4', '5');
    take();
    const one = t.cmd('SPOP', 's') as string;
    const two = (t.cmd('SPOP', 's', '2') as string[]);
    const rest = t.cmd('SPOP', 's', '10');
    expect(rest).toHaveLength(2);
    expect(take()).toBe(resp('SREM', 's', one) + resp('MULTI') + two.map((m) => resp('SREM', 's', m)).join('') +
      resp('EXEC') + resp('DEL', 's'));
  });

  it('RESTORE with a relative TTL propagates the absolute time and ABSTTL; a past one on REPLACE as DEL', () => {
    t.cmd('SET', 'src', 'v');
    const payload = t.cmd('DUMP', 'src') as string;
    take();
    t.cmd('RESTORE', 'r1', '5000', Buffer.from(payload, 'latin1'));
    t.cmd('RESTORE', 'r2', '0', Buffer.from(payload, 'latin1'));
    t.cmd('RESTORE', 'r2', String(t.now - 10), Buffer.from(payload, 'latin1'), 'REPLACE', 'ABSTTL');
    expect(take()).toBe(resp('RESTORE', 'r1', t.now + 5000, payload, 'ABSTTL') +
      resp('RESTORE', 'r2', '0', payload) + resp('DEL', 'r2'));
  });

  it('lazyfree options turn the propagated deletes into UNLINK as Redis 7.0 (SPOP of all stays DEL)', () => {
    t.engine.x.setLazyfree(1, 0, 1);
    t.cmd('SET', 'a', '1');
    t.cmd('SET', 'b', '1');
    t.cmd('SET', 'c', '1', 'PX', '1');
    t.cmd('SET', 'd', '1');
    t.cmd('SADD', 's', '1');
    take();
    t.cmd('GETDEL', 'a');
    t.cmd('EXPIRE', 'b', '-1');
    t.cmd('SPOP', 's', '5');
    t.advance(10);
    t.cmd('GET', 'c');
    t.cmd('GETEX', 'd', 'PXAT', '1');
    expect(take()).toBe(resp('UNLINK', 'a') + resp('UNLINK', 'b') + resp('DEL', 's') + resp('UNLINK', 'c') +
      resp('UNLINK', 'd'));
  });

  it('collects nothing when disabled', () => {
    t.engine.x.setPropEnabled(false);
    t.cmd('SET', 'a', '1');
    expect(take()).toBe('');
  });
});

describe('propagation of blocking and float commands', () => {
  let t: TestEngine;
  const take = (): string => t.engine.takePropagation()?.toString('latin1') ?? '';
  beforeEach(() => {
    t = new TestEngine();
    t.engine.x.setPropEnabled(true);
  });

  it('pops propagate as their plain forms', () => {
    t.cmd('rpush', 'l', 'a', 'b', 'c', 'd');
    t.cmd('lmpop', '2', 'x', 'l', 'right', 'count', '2');
    t.cmd('blmove', 'l', 'l3', 'left', 'right', '0');
    t.cmd('brpop', 'x', 'l', '0');
    t.cmd('rpush', 'l', 'a');
    t.cmd('brpoplpush', 'l', 'l4', '0');
    t.cmd('blmpop', '0', '1', 'l4', 'left', 'count', '5');
    t.cmd('zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    t.cmd('zmpop', '1', 'z', 'min', 'count', '2');
    t.cmd('bzpopmax', 'x', 'z', '0');
    t.cmd('bzmpop', '0', '1', 'z', 'min', 'count', '9');
    t.cmd('hset', 'hh', 'f', '1.0');
    t.cmd('hincrbyfloat', 'hh', 'g', '3');
    t.cmd('hincrbyfloat', 'hh', 'f', '1.5');
    expect(take()).toBe(resp('SELECT', 0) + resp('rpush', 'l', 'a', 'b', 'c', 'd') + resp('RPOP', 'l', 2) +
      resp('LMOVE', 'l', 'l3', 'left', 'right') + resp('RPOP', 'l') + resp('rpush', 'l', 'a') +
      resp('RPOPLPUSH', 'l', 'l4') + resp('LPOP', 'l4', 1) +
      resp('zadd', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd') + resp('ZPOPMIN', 'z', 2) + resp('ZPOPMAX', 'z') +
      resp('ZPOPMIN', 'z', 1) + resp('hset', 'hh', 'f', '1.0') + resp('HSET', 'hh', 'g', '3') +
      resp('HSET', 'hh', 'f', '2.5'));
  });

  it('a blocked pop propagates when it is served', () => {
    const other = t.engine.x.newClient();
    t.raw(resp('BLPOP', 'w', '5'), other);
    expect(take()).toBe('');
    t.cmd('rpush', 'w', '1', '2');
    t.raw('', other);
    expect(take()).toBe(resp('SELECT', 0) + resp('rpush', 'w', '1', '2') + resp('LPOP', 'w'));
  });
});
