// Lua scripting cases shared by every runner (test/shared/*.test.ts and the
// browser page): EVAL with conversions both ways, the bundled libraries,
// redis.sha1hex (the browser build hashes in JavaScript), the script cache,
// read-only scripts, and functions. Expected replies captured from
// redis-server 7.0, which redis.test.ts checks on every run. Runners open
// the embedded store with the Lua VM loaded (`lua: true`).
import type { SharedTable } from './commands.cases.js';

const LIB = "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)\nredis.register_function{function_name='getk', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}\nredis.register_function('setk', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

export const SCRIPTING_TABLES: SharedTable[] = [
  {
    name: 'Lua scripting: EVAL, the script cache and functions',
    lua: true,
    setup: [['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH']],
    rows: [
      [["EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k", "v"], "+OK\r\n"],
      [["EVAL", "return redis.call('GET', KEYS[1])", "1", "k"], "$1\r\nv\r\n"],
      [["EVAL", "return {1, 2.9, 'x', false, true, {ok='fine'}, {err='E1 bad'}, {4, {5}}}", "0"], "*8\r\n:1\r\n:2\r\n$1\r\nx\r\n$-1\r\n:1\r\n+fine\r\n-E1 bad\r\n*2\r\n:4\r\n*1\r\n:5\r\n"],
      [["EVAL", "return {1, nil, 3}", "0"], "*1\r\n:1\r\n"],
      [["EVAL", "return 3.99", "0"], ":3\r\n"],
      [["EVAL", "return redis.sha1hex('')", "0"], "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n"],
      [["EVAL", "return redis.sha1hex(ARGV[1])", "0", "héllo wörld, a longer text that spans more than one sixty-four byte block of SHA-1 input"], "$40\r\n85568531ed2c9d6357b79ad2f1e228adcfcc6d6a\r\n"],
      [["EVAL", "return cjson.encode({a={1,2,3}})", "0"], "$13\r\n{\"a\":[1,2,3]}\r\n"],
      [["EVAL", "return cjson.decode('[1,\"two\",{\"x\":3}]')[3].x", "0"], ":3\r\n"],
      [["EVAL", "return cmsgpack.unpack(cmsgpack.pack({1,2,'three'}))", "0"], "*3\r\n:1\r\n:2\r\n$5\r\nthree\r\n"],
      [["EVAL", "return bit.band(0xff, 0x0f) + bit.lshift(1, 4)", "0"], ":31\r\n"],
      [["EVAL", "return struct.pack('>I2', 258)", "0"], "$2\r\n\x01\x02\r\n"],
      [["EVAL", "return redis.pcall('INCR', KEYS[1])", "1", "k"], "-ERR value is not an integer or out of range\r\n"],
      [["EVAL", "return redis.error_reply('MY custom')", "0"], "-MY custom\r\n"],
      [["EVAL", "return redis.status_reply('FINE')", "0"], "+FINE\r\n"],
      [["EVAL", "return tostring(unpack({1,2}))", "0"], "$1\r\n1\r\n"],
      [["EVAL", "return #KEYS + #ARGV", "2", "a", "b", "c"], ":3\r\n"],
      [["EVAL", "redis.call('SET', KEYS[1], '10'); return redis.call('INCRBY', KEYS[1], ARGV[1])", "1", "n", "5"], ":15\r\n"],
      [["EVAL", "local t = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3]); return {t[1], type(t[2]), t[3]}", "3", "k", "missing", "n"], "*3\r\n$1\r\nv\r\n$7\r\nboolean\r\n$2\r\n15\r\n"],
      [["EVAL_RO", "return redis.call('SET', KEYS[1], 'x')", "1", "k"], "-ERR Write commands are not allowed from read-only scripts. script: bd6f3018b28bbdb36260f19d3c44afed740db987, on @user_script:1.\r\n"],
      [["SCRIPT", "LOAD", "return 'loaded'"], "$40\r\nb534286061d4b9e4026607613b95c06c06015ae8\r\n"],
      [["EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"], "$6\r\nloaded\r\n"],
      [["EVALSHA", "B534286061D4B9E4026607613B95C06C06015AE8", "0"], "$6\r\nloaded\r\n"],
      [["SCRIPT", "EXISTS", "b534286061d4b9e4026607613b95c06c06015ae8", "ffffffffffffffffffffffffffffffffffffffff"], "*2\r\n:1\r\n:0\r\n"],
      [["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"], "-NOSCRIPT No matching script. Please use EVAL.\r\n"],
      [["SCRIPT", "FLUSH"], "+OK\r\n"],
      [["SCRIPT", "EXISTS", "b534286061d4b9e4026607613b95c06c06015ae8"], "*1\r\n:0\r\n"],
      [['FUNCTION', 'LOAD', LIB], "$5\r\nmylib\r\n"],
      [['FUNCTION', 'LOAD', LIB], "-ERR Library 'mylib' already exists\r\n"],
      [["FCALL", "echo1", "0", "hello"], "$5\r\nhello\r\n"],
      [["FCALL_RO", "getk", "1", "k"], "$1\r\nv\r\n"],
      [["FCALL_RO", "setk", "1", "k", "v2"], "-ERR Can not execute a script with write flag using *_ro command.\r\n"],
      [["FCALL", "setk", "1", "k", "v2"], "+OK\r\n"],
      [["GET", "k"], "$2\r\nv2\r\n"],
      [["FUNCTION", "DELETE", "mylib"], "+OK\r\n"],
      [["FCALL", "echo1", "0", "hello"], "-ERR Function not found\r\n"],
    ],
  },
];
