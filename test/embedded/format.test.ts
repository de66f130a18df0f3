// The playground's redis-cli imitation: reply formatting and command-line
// splitting, checked against what redis-cli 7.0 prints and splits.
import { describe, it, expect } from 'vitest';
import { formatReply, splitCommandLine } from '../../src/index.js';

const fmt = (raw: string) => formatReply(Uint8Array.from(raw, (c) => c.charCodeAt(0)));

describe('formatReply (redis-cli on a terminal)', () => {
  it('prints each type as redis-cli does', () => {
    expect(fmt('+OK\r\n')).toBe('OK');
    expect(fmt('-ERR no\r\n')).toBe('(error) ERR no');
    expect(fmt(':5\r\n')).toBe('(integer) 5');
    expect(fmt('$-1\r\n')).toBe('(nil)');
    expect(fmt('_\r\n')).toBe('(nil)');
    expect(fmt('$6\r\na"b\\\n\x01\r\n')).toBe('"a\\"b\\\\\\n\\x01"');
    expect(fmt('*0\r\n')).toBe('(empty array)');
    expect(fmt('%0\r\n')).toBe('(empty hash)');
    expect(fmt('~0\r\n')).toBe('(empty set)');
    expect(fmt(',1.5\r\n')).toBe('(double) 1.5');
    expect(fmt('#t\r\n')).toBe('(true)');
    expect(fmt('(123\r\n')).toBe('(big number) 123');
    expect(fmt('=7\r\ntxt:a\nb\r\n')).toBe('a\nb');
    expect(fmt('~2\r\n$1\r\na\r\n$1\r\nb\r\n')).toBe('1~ "a"\n2~ "b"');
  });

  it('nests and pads indexes as redis-cli does', () => {
    // redis-cli -p ... eval 'return {1,{2,{3,4}},5}' 0
    expect(fmt('*3\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n:4\r\n:5\r\n'))
      .toBe('1) (integer) 1\n2) 1) (integer) 2\n   2) 1) (integer) 3\n      2) (integer) 4\n3) (integer) 5');
    // LRANGE of 11 elements: two-wide indexes.
    const eleven = '*11\r\n' + 'abcdefghijk'.split('').map((c) => `$1\r\n${c}\r\n`).join('');
    expect(fmt(eleven).split('\n').slice(0, 2)).toEqual([' 1) "a"', ' 2) "b"']);
    // HELLO 3 (7 pairs): the map's width counts pairs, not elements.
    expect(fmt('%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n'))
      .toBe('1# "server" => "redis"\n2# "modules" => (empty array)');
  });
});

describe('splitCommandLine (sdssplitargs)', () => {
  it('splits on spaces and takes quoted arguments', () => {
    expect(splitCommandLine('SET  k "hello world"')).toEqual(['SET', 'k', 'hello world']);
    expect(splitCommandLine(`SET k 'it\\'s' "a\\tb\\x41"`)).toEqual(['SET', 'k', "it's", 'a\tbA']);
    expect(splitCommandLine('SET k ""')).toEqual(['SET', 'k', '']);
    expect(splitCommandLine('   ')).toEqual([]);
    expect(splitCommandLine('SET k "open')).toBe(null);
    expect(splitCommandLine('SET k "a"b')).toBe(null);
  });
});
