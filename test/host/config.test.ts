import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, ConfigLoadError } from '../../src/host/config.js';
import { splitArgs, memtoull, repr, globMatch, string2ll } from '../../src/host/config-parse.js';
import { parseArgv, loadStartupConfig } from '../../src/cli/main.js';

const LOCAL = { local: true };

function loadErr(text: string): ConfigLoadError {
  try {
    new Config().loadString(text);
  } catch (err) {
    if (err instanceof ConfigLoadError) return err;
    throw err;
  }
  throw new Error('expected a load error');
}

describe('sdssplitargs quoting', () => {
  const cases: [string, string[] | null][] = [
    ['port 7000', ['port', '7000']],
    ['  save   3600 1  ', ['save', '3600', '1']],
    ['requirepass "a b"', ['requirepass', 'a b']],
    ["requirepass 'a b'", ['requirepass', 'a b']],
    ['x "a\\nb\\t\\x41\\\\"', ['x', 'a\nb\tA\\']],
    ["x 'it\\'s' \"\\q\"", ['x', "it's", 'q']],
    ['x ""', ['x', '']],
    ['x foo"bar baz"', ['x', 'foobar baz']],
    ['x "unterminated', null],
    ['x "a"b', null],
    ["x 'a'b", null],
    ['x "\\xe2\\x82\\xac"', ['x', '€']],
  ];
  it.each(cases)('%j', (line, want) => expect(splitArgs(line)).toEqual(want));

  it('repr round-trips through splitArgs', () => {
    for (const s of ['plain', 'a b"c', 'tab\there', 'nl\n', '\x01\x7f', '€uro', '']) {
      expect(splitArgs(`x ${repr(s)}`)).toEqual(['x', s]);
    }
    expect(repr('a b"c')).toBe('"a b\\"c"');
  });
});

describe('numbers and units', () => {
  const mem: [string, bigint | null][] = [
    ['0', 0n], ['1k', 1000n], ['1kb', 1024n], ['1K', 1000n], ['1KB', 1024n], ['1kB', 1024n],
    ['1m', 1000000n], ['1mb', 1048576n], ['1g', 1000000000n], ['1gb', 1073741824n], ['2GB', 2147483648n],
    ['5b', 5n], ['', 0n], ['01k', 1000n], ['-1', null], ['1x', null], ['1 kb', null], ['+1', null], ['1.5mb', null],
    ['18446744073709551616', 18446744073709551615n], ['18446744073709551615gb', null],
  ];
  it.each(mem)('memtoull(%j)', (s, want) => expect(memtoull(s)).toBe(want));

  it('string2ll is strict', () => {
    expect(string2ll('10')).toBe(10n);
    expect(string2ll('-5')).toBe(-5n);
    for (const bad of ['01', '+1', ' 1', '-0', '1 ', '', '9223372036854775808']) expect(string2ll(bad)).toBeNull();
  });

  it('globMatch is Redis stringmatch, case-insensitive for CONFIG GET', () => {
    expect(globMatch('maxmem*', 'maxmemory')).toBe(true);
    expect(globMatch('MAXMEM*', 'maxmemory')).toBe(true);
    expect(globMatch('h?', 'hz')).toBe(true);
    expect(globMatch('[hp]*', 'port')).toBe(true);
    expect(globMatch('[^hp]*', 'port')).toBe(false);
    expect(globMatch('[a-c]*', 'bind')).toBe(true);
    expect(globMatch('a\\*', 'a*')).toBe(true);
    expect(globMatch('a\\*', 'ab')).toBe(false);
  });
});

describe('CONFIG SET validation and formatting', () => {
  // [name, value, CONFIG GET afterwards or the error reply]
  const ok: [string, string, string][] = [
    ['maxmemory', '1gb', '1073741824'],
    ['maxmemory', '100MB', '104857600'],
    ['maxmemory', '', '0'],
    ['maxmemory-clients', '50%', '50%'],
    ['maxmemory-clients', '1mb', '1048576'],
    ['hz', '0', '1'],
    ['hz', '100000', '500'],
    ['loglevel', 'WARNING', 'warning'],
    ['oom-score-adj', 'relative', 'yes'],
    ['appendonly', 'YES', 'yes'],
    ['save', '', ''],
    ['save', '100 10 20 5', '100 10 20 5'],
    ['save', '1 ', '1 0'],
    ['notify-keyspace-events', 'KEA', 'AKE'],
    ['notify-keyspace-events', 'nmEKdtexzhsl$g', 'AKEm'],
    ['notify-keyspace-events', 'gn', 'gn'],
    ['client-output-buffer-limit', 'NORMAL 1k 2mb 3', 'normal 1000 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
    ['client-output-buffer-limit', 'replica 1 2 3', 'normal 0 0 0 slave 1 2 3 pubsub 33554432 8388608 60'],
    ['latency-tracking-info-percentiles', '1.50 2e1 0x10', '1.5 20 16'],
    ['latency-tracking-info-percentiles', '', ''],
    ['shutdown-on-sigint', 'now nosave force', 'nosave now force'],
    ['shutdown-on-sigint', 'default now', 'now'],
    ['bind', '127.0.0.1 ::1', '127.0.0.1 ::1'],
    ['slowlog-log-slower-than', '-1', '-1'],
    ['list-max-ziplist-size', '-1', '-1'],
    ['oom-score-adj-values', '0 100 1000', '0 100 1000'],
  ];
  it.each(ok)('%s %j', (name, value, want) => {
    const c = new Config();
    expect(c.setMany([[name, value]], LOCAL)).toBeNull();
    expect(c.get(name)).toBe(want);
  });

  const bad: [string, string, string][] = [
    ['foo', 'bar', "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    ['maxmemory', '1x', "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
    ['maxmemory-clients', '101%', "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"],
    ['maxmemory-clients', 'x', "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"],
    ['hz', '01', "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
    ['port', '70000', "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"],
    ['maxclients', '0', "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
    ['slowlog-max-len', '-1', "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive"],
    ['proto-max-bulk-len', '18446744073709551615', "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"],
    ['appendonly', 'maybe', "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"],
    ['maxmemory-policy', 'foo', "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"],
    ['daemonize', 'yes', "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"],
    ['slaveof', 'no one', "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config"],
    ['dir', '/tmp', "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
    ['save', '1  1', "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    ['save', '0 1', "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    ['notify-keyspace-events', 'Q', "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    ['client-output-buffer-limit', 'normal 1 2', "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."],
    ['client-output-buffer-limit', 'master 1 2 3', "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration."],
    ['client-output-buffer-limit', 'pubsub 1 2 -1', "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration."],
    ['oom-score-adj-values', '0 200 9999', "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000."],
    ['bind', 'a b c d e f g h i j k l m n o p q', "ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified."],
    ['latency-tracking-info-percentiles', '101', "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"],
    ['shutdown-on-sigint', 'save nosave', "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously"],
    ['cluster-announce-hostname', 'a_b', "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - Hostnames may only contain alphanumeric characters, hyphens or dots"],
    ['proc-title-template', '{title}', "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"],
    ['hash-max-ziplist-entries', 'x', "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument couldn't be parsed into an integer"],
    ['activedefrag', 'yes', "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"],
  ];
  it.each(bad)('%s %j fails', (name, value, want) => {
    const c = new Config();
    const before = c.get(name.toLowerCase() === 'foo' ? 'port' : name);
    expect(c.setMany([[name, value]], { local: false })).toBe(want);
    expect(c.get(name.toLowerCase() === 'foo' ? 'port' : name)).toBe(before);
  });

  it('is all or nothing, and reports the first problem', () => {
    const c = new Config();
    expect(c.setMany([['maxmemory', '10mb'], ['hz', 'x']], LOCAL)).toMatch(/'hz'/);
    expect(c.get('maxmemory')).toBe('0');
    expect(c.setMany([['foo', 'bar'], ['daemonize', 'yes']], LOCAL)).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    expect(c.setMany([['daemonize', 'yes'], ['foo', 'bar']], LOCAL)).toMatch(/can't set immutable config/);
    expect(c.setMany([['maxmemory', '1'], ['MAXMEMORY', '2']], LOCAL)).toBe("ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter");
    // An alias is a separate name: no duplicate error, the last one wins.
    expect(c.setMany([['hash-max-ziplist-entries', '1'], ['hash-max-listpack-entries', '2']], LOCAL)).toBeNull();
    expect(c.get('hash-max-ziplist-entries')).toBe('2');
  });

  it('fires listeners once per changed parameter, not for unchanged values', () => {
    const c = new Config();
    const seen: string[] = [];
    c.onChange((n, v) => seen.push(`${n}=${v}`));
    c.setMany([['slave-read-only', 'no'], ['hz', '10'], ['maxmemory', '1kb']], LOCAL);
    expect(seen).toEqual(['replica-read-only=no', 'maxmemory=1024']);
  });

  it('protected configs follow enable-protected-configs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcfg-'));
    const c = new Config();
    c.loadString('enable-protected-configs local');
    expect(c.setMany([['dir', dir]], { local: false })).toMatch(/can't set protected config/);
    expect(c.setMany([['dir', dir]], { local: true })).toBeNull();
    expect(c.get('dir')).toBe(dir);
    expect(c.setMany([['dir', join(dir, 'nope')]], LOCAL)).toBe("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
    expect(c.setMany([['dbfilename', 'a/b']], LOCAL)).toBe("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename");
  });
});

describe('CONFIG GET matching', () => {
  it('dedups, keeps the asked spelling for exact names, hides hidden ones from patterns', () => {
    const c = new Config();
    const keys = c.match(['maxmemory', 'maxmemory', 'MAXMEMORY', 'maxmem*']).map(([k]) => k);
    expect(keys[0]).toBe('maxmemory');
    expect(keys.sort()).toEqual(['maxmemory', 'maxmemory-clients', 'maxmemory-eviction-tenacity', 'maxmemory-policy', 'maxmemory-samples']);
    expect(c.match(['MAXMEMORY'])).toEqual([['MAXMEMORY', '0']]);
    expect(c.match(['use-exit-on-panic'])).toEqual([['use-exit-on-panic', 'no']]);
    expect(c.match(['use*'])).toEqual([]);
    expect(c.match(['hash-max-*']).map(([k]) => k).sort()).toEqual(
      ['hash-max-listpack-entries', 'hash-max-listpack-value', 'hash-max-ziplist-entries', 'hash-max-ziplist-value']);
    expect(c.match(['nomatch'])).toEqual([]);
  });

  it('has Redis defaults (except dir) for every parameter', () => {
    const c = new Config();
    const d = Object.fromEntries(c.match(['*']));
    expect(d.save).toBe('3600 1 300 100 60 10000');
    expect(d.bind).toBe('* -::*');
    expect(d['client-output-buffer-limit']).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(d['proto-max-bulk-len']).toBe('536870912');
    expect(d['unixsocketperm']).toBe('0');
    expect(d.dir).toBe(join(process.cwd(), 'data'));
    expect(c.names().length).toBe(Object.keys(d).length);
  });
});

describe('redis.conf loading', () => {
  it('reads directives, repeated save lines, aliases and quoting', () => {
    const c = new Config();
    c.loadString([
      '# comment', '', '   port 7000  ', 'SAVE 100 1', 'save 200 2', 'slave-read-only no', 'hash-max-ziplist-entries 7',
      'requirepass "p w"', 'list-max-ziplist-entries 5', 'client-output-buffer-limit pubsub 1mb 2mb 3', 'maxmemory 2mb', 'maxmemory 3mb',
    ].join('\n'));
    expect(c.get('port')).toBe('7000');
    expect(c.get('save')).toBe('100 1 200 2');
    expect(c.get('replica-read-only')).toBe('no');
    expect(c.get('hash-max-listpack-entries')).toBe('7');
    expect(c.get('requirepass')).toBe('p w');
    expect(c.get('maxmemory')).toBe(String(3 * 1024 * 1024));
  });

  it('save "" in a file only clears when it comes first', () => {
    const a = new Config();
    a.loadString('save ""\nsave 100 1');
    expect(a.get('save')).toBe('100 1');
    const b = new Config();
    b.loadString('save 100 1\nsave ""');
    expect(b.get('save')).toBe('100 1');
    const c = new Config();
    c.loadString('save ""');
    expect(c.get('save')).toBe('');
  });

  const errs: [string, number, string, string][] = [
    ['port abc', 1, 'port abc', "argument couldn't be parsed into an integer"],
    ['# x\n\n  maxmemory  1x', 3, 'maxmemory  1x', 'argument must be a memory value'],
    ['foo bar', 1, 'foo bar', 'Bad directive or wrong number of arguments'],
    ['port "7000', 1, 'port "7000', 'Unbalanced quotes in configuration line'],
    ['port 1 2', 1, 'port 1 2', 'wrong number of arguments'],
    ['hz', 1, 'hz', 'wrong number of arguments'],
    ['replicaof localhost', 1, 'replicaof localhost', 'wrong number of arguments'],
    ['replicaof localhost 99999', 1, 'replicaof localhost 99999', 'Invalid master port'],
    ['dir /nonexistent/dir', 1, 'dir /nonexistent/dir', 'No such file or directory'],
    ['loglevel loud', 1, 'loglevel loud', 'argument(s) must be one of the following: debug, verbose, notice, warning'],
  ];
  it.each(errs)('%j fails at line %i', (text, line, shown, reason) => {
    const e = loadErr(text);
    expect(e.lineNumber).toBe(line);
    expect(e.line).toBe(shown);
    expect(e.reason).toBe(reason);
    expect(e.report('7.0.15')).toBe(`\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${shown}'\n${reason}\n`);
  });

  it('follows include, with globs, and reports errors in the included file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vinc-'));
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'a.conf'), 'hz 20\n');
    writeFileSync(join(dir, 'conf.d', '1.conf'), 'maxmemory 1kb\n');
    writeFileSync(join(dir, 'conf.d', '2.conf'), 'maxmemory 2kb\n');
    writeFileSync(join(dir, 'bad.conf'), '\nport x\n');
    const c = new Config();
    c.loadString(`include ${dir}/a.conf\ninclude ${dir}/conf.d/*.conf\ninclude ${dir}/empty.d/*.conf`);
    expect(c.get('hz')).toBe('20');
    expect(c.get('maxmemory')).toBe('2048');
    const e = loadErr(`port 1\ninclude ${dir}/bad.conf`);
    expect([e.lineNumber, e.line]).toEqual([2, 'port x']);
    expect(loadErr(`include ${dir}/missing.conf`).reason).toBe(`Fatal error, can't open config file '${dir}/missing.conf': No such file or directory`);
  });
});

describe('command line', () => {
  it('turns argv into config lines the way redis-server does', () => {
    expect(parseArgv(['--port', '7000', '--save', '', '--bind', '127.0.0.1', '::1'])).toEqual({
      configFile: '', fromStdin: false, options: 'port "7000" \nsave "" \nbind "127.0.0.1" "::1" ',
    });
    expect(parseArgv(['r.conf', '--save', '--port', '1', '-']).options).toBe('save ""\nport "1" ');
    expect(parseArgv(['r.conf', '--save', '--port', '1', '-']).fromStdin).toBe(true);
    expect(parseArgv(['-', '--port', '1']).fromStdin).toBe(true);
    expect(parseArgv(['--requirepass', '--odd--']).options).toBe('requirepass "--odd--" ');
    expect(parseArgv(['--port 7000']).options).toBe('port 7000 ');
  });

  it('options override the file, errors count lines across file + options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vargs-'));
    writeFileSync(join(dir, 'r.conf'), 'port 7000\nhz 20\n');
    const c = new Config();
    loadStartupConfig(c, parseArgv([join(dir, 'r.conf'), '--port', '7001']));
    expect([c.get('port'), c.get('hz')]).toEqual(['7001', '20']);
    const stdin = new Config();
    loadStartupConfig(stdin, parseArgv(['-', '--hz', '30']), () => 'maxmemory 1mb\nhz 5\n');
    expect([stdin.get('maxmemory'), stdin.get('hz')]).toEqual(['1048576', '30']);
    try {
      loadStartupConfig(new Config(), parseArgv([join(dir, 'r.conf'), '--port', 'x']));
      throw new Error('no error');
    } catch (err: any) {
      expect([err.lineNumber, err.line]).toEqual([4, 'port "x"']);
    }
  });
});

describe('CONFIG REWRITE content', () => {
  it('keeps comments, rewrites in place, blanks extra lines, appends non-defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrw-'));
    const old = [
      '# my comment', 'port 7402', '', 'save 100 1', 'save 200 2', 'slave-read-only no', 'hash-max-ziplist-entries 100',
      'include /x/inc.conf', 'maxmemory 1mb', 'appendonly no', 'bind 127.0.0.1', 'pidfile /tmp/x.pid', `dir ${dir}`, 'bogus line', '',
    ].join('\n');
    const c = new Config();
    c.loadString(old.replace('include /x/inc.conf', '').replace('bogus line', ''));
    c.setMany([['maxmemory', '2000'], ['notify-keyspace-events', 'KEA'], ['loglevel', 'warning'],
      ['client-output-buffer-limit', 'pubsub 1mb 0 0'], ['save', ''], ['masteruser', 'a b"c']], LOCAL);
    expect(c.rewrite(old)).toBe([
      '# my comment', 'port 7402', '', 'save ""', '', 'replica-read-only no', 'hash-max-listpack-entries 100',
      'include /x/inc.conf', 'maxmemory 2000', 'appendonly no', 'bind 127.0.0.1', 'pidfile "/tmp/x.pid"', `dir "${dir}"`,
      '# ??? bogus line', '', '# Generated by CONFIG REWRITE',
      'masteruser "a b\\"c"', 'loglevel warning', 'client-output-buffer-limit pubsub 1mb 0 0',
      'notify-keyspace-events "AKE"', 'latency-tracking-info-percentiles 50 99 99.9', '',
    ].join('\n'));
  });

  it('a default value is dropped only where Redis drops it', () => {
    const c = new Config();
    // bind back at its default: the line goes; maxmemory at default: kept in place.
    expect(c.rewrite('bind 127.0.0.1\nmaxmemory 0\n')).toBe(
      `\nmaxmemory 0\n\n# Generated by CONFIG REWRITE\ndir "${c.get('dir')}"\nsave 3600 1\nsave 300 100\nsave 60 10000\nlatency-tracking-info-percentiles 50 99 99.9\n`);
    const fresh = new Config();
    fresh.set('dir', mkdtempSync(join(tmpdir(), 'vrw-')));
    const text = fresh.rewrite('');
    const again = new Config();
    again.loadString(text);
    expect(again.match(['*'])).toEqual(fresh.match(['*']));
  });
});

describe('startup data directory', () => {
  it('creates a missing dir whose parent exists (npm start on a fresh checkout), as Redis would not', () => {
    const parent = mkdtempSync(join(tmpdir(), 'vermilion-dir-'));
    const c = new Config();
    c.loadString(`dir ${join(parent, 'data')}\n`);
    expect(existsSync(join(parent, 'data'))).toBe(true);
    expect(c.get('dir')).toBe(join(parent, 'data'));
  });
});
