// Every Redis 7.0 configuration parameter: its type, range, default and
// flags, as redis-server 7.0.15 declares them. config.ts turns this table
// into live values; nothing here has behaviour of its own.
//
// Defaults are Redis's, except `dir` (./data, created by the server) which
// the project chose so a bare `vermilion-server` does not litter the cwd.

export const INT_MAX = 2147483647n;
export const INT_MIN = -2147483648n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const ULLONG_MAX = 18446744073709551615n;

/** CONFIG SET refuses it: "can't set immutable config". */
export const IMMUTABLE = 1;
/** CONFIG SET needs enable-protected-configs: "can't set protected config". */
export const PROTECTED = 2;
/** Only an exact CONFIG GET name shows it, never a pattern. */
export const HIDDEN = 4;
/** Takes several words: from a file line, or one CONFIG SET value split on spaces. */
export const MULTI_ARG = 8;

/** How a numeric value is stored in C, which decides how bounds compare. */
export type NumKind = 'int' | 'uint' | 'long' | 'ulong' | 'll' | 'ull' | 'size' | 'ssize' | 'time' | 'off';

interface Base { name: string; alias?: string; flags: number }
export interface BoolParam extends Base { type: 'bool'; def: boolean; validate?: (v: boolean) => string | null }
export interface StringParam extends Base {
  type: 'string'; def: string | null;
  /** Redis stores "" as NULL for these (matters for CONFIG REWRITE). */
  emptyIsNull: boolean;
  validate?: (v: string) => string | null;
}
export interface EnumParam extends Base {
  type: 'enum'; values: string[]; def: string;
  /** A set of flags ("nosave now"): value i is bit 1<<(i-1), the first name means none. */
  multi?: boolean;
}
export interface NumParam extends Base {
  type: 'num'; kind: NumKind; min: bigint; max: bigint; def: bigint;
  unit?: 'memory' | 'percent+memory' | 'octal';
}
export interface SpecialParam extends Base {
  type: 'special';
  special: 'dir' | 'save' | 'client-output-buffer-limit' | 'oom-score-adj-values' | 'notify-keyspace-events' | 'bind' | 'replicaof' | 'latency-tracking-info-percentiles';
}
export type Param = BoolParam | StringParam | EnumParam | NumParam | SpecialParam;

const M = 0; // modifiable

function b(name: string, alias: string | undefined, flags: number, def: boolean, validate?: BoolParam['validate']): BoolParam {
  return { type: 'bool', name, alias, flags, def, validate };
}
function s(name: string, alias: string | undefined, flags: number, emptyIsNull: boolean, def: string | null, validate?: StringParam['validate']): StringParam {
  return { type: 'string', name, alias, flags, emptyIsNull, def, validate };
}
function e(name: string, flags: number, values: string[], def: string, multi = false): EnumParam {
  return { type: 'enum', name, flags: multi ? flags | MULTI_ARG : flags, values, def, multi };
}
function n(name: string, alias: string | undefined, flags: number, kind: NumKind, min: bigint, max: bigint, def: bigint, unit?: NumParam['unit']): NumParam {
  return { type: 'num', name, alias, flags, kind, min, max, def, unit };
}
function sp(name: string, alias: string | undefined, flags: number, special: SpecialParam['special']): SpecialParam {
  return { type: 'special', name, alias, flags, special };
}

const NULL_IS_EMPTY = true;
const ALLOW_EMPTY = false;

const PROTECTED_ACTION = ['no', 'yes', 'local'];

function baseName(what: string, kind: 'filename' | 'dirname') {
  return (v: string): string | null => {
    if (v === '' && what !== 'dbfilename') return `${what} can't be empty`;
    if (v.includes('/') || v.includes('\\')) return `${what} can't be a path, just a ${kind}`;
    return null;
  };
}

function hostname(v: string): string | null {
  if (Buffer.byteLength(v) >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
}

// The variables proc-title-template may use; the template must expand to
// something non-empty with an empty {title}.
const TITLE_VARS: Record<string, string> = {
  title: '', 'listen-addr': '*:6379', 'server-mode': '', port: '6379', 'tls-port': '0', unixsocket: '', 'config-file': '',
};
export function expandTitleTemplate(t: string, vars: Record<string, string>): string | null {
  let out = '';
  let p = 0;
  while (p < t.length) {
    const sv = t.indexOf('{', p);
    if (sv < 0) { out += t.slice(p); break; }
    out += t.slice(p, sv);
    if (sv + 1 >= t.length) return null;
    if (t[sv + 1] === '{') { out += '{'; p = sv + 2; continue; }
    const ev = t.indexOf('}', sv + 1);
    if (ev < 0) return null;
    const v = vars[t.slice(sv + 1, ev)];
    if (v === undefined) return null;
    out += v;
    p = ev + 1;
  }
  return out.replace(/^ +| +$/g, '');
}
function procTitle(v: string): string | null {
  const r = expandTitleTemplate(v, TITLE_VARS);
  return r ? null : 'template format is invalid or contains unknown variables';
}

function activeDefrag(v: boolean): string | null {
  // Redis says this when built without its jemalloc; our allocator is the
  // engine's own and has no defragmenter either.
  return v ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution' : null;
}

export const PARAMS: Param[] = [
  // yes/no
  b('rdbchecksum', undefined, IMMUTABLE, true),
  b('daemonize', undefined, IMMUTABLE, false),
  b('io-threads-do-reads', undefined, IMMUTABLE, false),
  b('always-show-logo', undefined, IMMUTABLE, false),
  b('protected-mode', undefined, M, true),
  b('rdbcompression', undefined, M, true),
  b('rdb-del-sync-files', undefined, M, false),
  b('activerehashing', undefined, M, true),
  b('stop-writes-on-bgsave-error', undefined, M, true),
  b('set-proc-title', undefined, IMMUTABLE, true),
  b('dynamic-hz', undefined, M, true),
  b('lazyfree-lazy-eviction', undefined, M, false),
  b('lazyfree-lazy-expire', undefined, M, false),
  b('lazyfree-lazy-server-del', undefined, M, false),
  b('lazyfree-lazy-user-del', undefined, M, false),
  b('lazyfree-lazy-user-flush', undefined, M, false),
  b('repl-disable-tcp-nodelay', undefined, M, false),
  b('repl-diskless-sync', undefined, M, true),
  b('aof-rewrite-incremental-fsync', undefined, M, true),
  b('no-appendfsync-on-rewrite', undefined, M, false),
  b('cluster-require-full-coverage', undefined, M, true),
  b('rdb-save-incremental-fsync', undefined, M, true),
  b('aof-load-truncated', undefined, M, true),
  b('aof-use-rdb-preamble', undefined, M, true),
  b('aof-timestamp-enabled', undefined, M, false),
  b('cluster-replica-no-failover', 'cluster-slave-no-failover', M, false),
  b('replica-lazy-flush', 'slave-lazy-flush', M, false),
  b('replica-serve-stale-data', 'slave-serve-stale-data', M, true),
  b('replica-read-only', 'slave-read-only', M, true),
  b('replica-ignore-maxmemory', 'slave-ignore-maxmemory', M, true),
  b('jemalloc-bg-thread', undefined, M, true),
  b('activedefrag', undefined, M, false, activeDefrag),
  b('syslog-enabled', undefined, IMMUTABLE, false),
  b('cluster-enabled', undefined, IMMUTABLE, false),
  b('appendonly', undefined, M, false),
  b('cluster-allow-reads-when-down', undefined, M, false),
  b('cluster-allow-pubsubshard-when-down', undefined, M, true),
  b('crash-log-enabled', undefined, M, true),
  b('crash-memcheck-enabled', undefined, M, true),
  b('use-exit-on-panic', undefined, HIDDEN, false),
  b('disable-thp', undefined, IMMUTABLE, true),
  b('cluster-allow-replica-migration', undefined, M, true),
  b('replica-announced', undefined, M, true),
  b('latency-tracking', undefined, M, true),
  b('aof-disable-auto-gc', undefined, M, false),
  b('replica-ignore-disk-write-errors', undefined, M, false),

  // strings
  s('aclfile', undefined, IMMUTABLE, ALLOW_EMPTY, ''),
  s('unixsocket', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('pidfile', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('replica-announce-ip', 'slave-announce-ip', M, NULL_IS_EMPTY, null),
  s('masteruser', undefined, M, NULL_IS_EMPTY, null),
  s('cluster-announce-ip', undefined, M, NULL_IS_EMPTY, null),
  s('cluster-config-file', undefined, IMMUTABLE, ALLOW_EMPTY, 'nodes.conf'),
  s('cluster-announce-hostname', undefined, M, NULL_IS_EMPTY, null, hostname),
  s('syslog-ident', undefined, IMMUTABLE, ALLOW_EMPTY, 'redis'),
  s('dbfilename', undefined, PROTECTED, ALLOW_EMPTY, 'dump.rdb', baseName('dbfilename', 'filename')),
  s('appendfilename', undefined, IMMUTABLE, ALLOW_EMPTY, 'appendonly.aof', baseName('appendfilename', 'filename')),
  s('appenddirname', undefined, IMMUTABLE, ALLOW_EMPTY, 'appendonlydir', baseName('appenddirname', 'dirname')),
  s('server_cpulist', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('bio_cpulist', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('aof_rewrite_cpulist', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('bgsave_cpulist', undefined, IMMUTABLE, NULL_IS_EMPTY, null),
  s('ignore-warnings', undefined, M, ALLOW_EMPTY, ''),
  s('proc-title-template', undefined, M, ALLOW_EMPTY, '{title} {listen-addr} {server-mode}', procTitle),
  s('bind-source-addr', undefined, M, NULL_IS_EMPTY, null),
  s('logfile', undefined, IMMUTABLE, ALLOW_EMPTY, ''),
  s('masterauth', undefined, M, NULL_IS_EMPTY, null),
  s('requirepass', undefined, M, NULL_IS_EMPTY, null),

  // enums
  e('supervised', IMMUTABLE, ['upstart', 'systemd', 'auto', 'no'], 'no'),
  e('syslog-facility', IMMUTABLE, ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0'),
  e('repl-diskless-load', M, ['disabled', 'on-empty-db', 'swapdb'], 'disabled'),
  e('loglevel', M, ['debug', 'verbose', 'notice', 'warning'], 'notice'),
  e('maxmemory-policy', M, ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction'),
  e('appendfsync', M, ['everysec', 'always', 'no'], 'everysec'),
  // "yes" and "relative" are one setting; Redis reports it as "yes".
  e('oom-score-adj', M, ['no', 'yes', 'relative', 'absolute'], 'no'),
  e('acl-pubsub-default', M, ['allchannels', 'resetchannels'], 'resetchannels'),
  e('sanitize-dump-payload', M, ['no', 'yes', 'clients'], 'no'),
  e('enable-protected-configs', IMMUTABLE, PROTECTED_ACTION, 'no'),
  e('enable-debug-command', IMMUTABLE, PROTECTED_ACTION, 'no'),
  e('enable-module-command', IMMUTABLE, PROTECTED_ACTION, 'no'),
  e('cluster-preferred-endpoint-type', M, ['ip', 'hostname', 'unknown-endpoint'], 'ip'),
  e('propagation-error-behavior', M, ['ignore', 'panic', 'panic-on-replicas'], 'ignore'),
  e('shutdown-on-sigint', M, ['default', 'save', 'nosave', 'now', 'force'], 'default', true),
  e('shutdown-on-sigterm', M, ['default', 'save', 'nosave', 'now', 'force'], 'default', true),

  // integers
  n('databases', undefined, IMMUTABLE, 'int', 1n, INT_MAX, 16n),
  n('port', undefined, M, 'int', 0n, 65535n, 6379n),
  n('io-threads', undefined, IMMUTABLE, 'int', 1n, 128n, 1n),
  n('auto-aof-rewrite-percentage', undefined, M, 'int', 0n, INT_MAX, 100n),
  n('cluster-replica-validity-factor', 'cluster-slave-validity-factor', M, 'int', 0n, INT_MAX, 10n),
  n('list-max-listpack-size', 'list-max-ziplist-size', M, 'int', INT_MIN, INT_MAX, -2n),
  n('tcp-keepalive', undefined, M, 'int', 0n, INT_MAX, 300n),
  n('cluster-migration-barrier', undefined, M, 'int', 0n, INT_MAX, 1n),
  n('active-defrag-cycle-min', undefined, M, 'int', 1n, 99n, 1n),
  n('active-defrag-cycle-max', undefined, M, 'int', 1n, 99n, 25n),
  n('active-defrag-threshold-lower', undefined, M, 'int', 0n, 1000n, 10n),
  n('active-defrag-threshold-upper', undefined, M, 'int', 0n, 1000n, 100n),
  n('lfu-log-factor', undefined, M, 'int', 0n, INT_MAX, 10n),
  n('lfu-decay-time', undefined, M, 'int', 0n, INT_MAX, 1n),
  n('replica-priority', 'slave-priority', M, 'int', 0n, INT_MAX, 100n),
  n('repl-diskless-sync-delay', undefined, M, 'int', 0n, INT_MAX, 5n),
  n('maxmemory-samples', undefined, M, 'int', 1n, INT_MAX, 5n),
  n('maxmemory-eviction-tenacity', undefined, M, 'int', 0n, 100n, 10n),
  n('timeout', undefined, M, 'int', 0n, INT_MAX, 0n),
  n('replica-announce-port', 'slave-announce-port', M, 'int', 0n, 65535n, 0n),
  n('tcp-backlog', undefined, IMMUTABLE, 'int', 0n, INT_MAX, 511n),
  n('cluster-port', undefined, IMMUTABLE, 'int', 0n, 65535n, 0n),
  n('cluster-announce-bus-port', undefined, M, 'int', 0n, 65535n, 0n),
  n('cluster-announce-port', undefined, M, 'int', 0n, 65535n, 0n),
  n('cluster-announce-tls-port', undefined, M, 'int', 0n, 65535n, 0n),
  n('repl-timeout', undefined, M, 'int', 1n, INT_MAX, 60n),
  n('repl-ping-replica-period', 'repl-ping-slave-period', M, 'int', 1n, INT_MAX, 10n),
  n('list-compress-depth', undefined, M, 'int', 0n, INT_MAX, 0n),
  n('rdb-key-save-delay', undefined, HIDDEN, 'int', INT_MIN, INT_MAX, 0n),
  n('key-load-delay', undefined, HIDDEN, 'int', INT_MIN, INT_MAX, 0n),
  n('active-expire-effort', undefined, M, 'int', 1n, 10n, 1n),
  n('hz', undefined, M, 'int', 0n, INT_MAX, 10n),
  n('min-replicas-to-write', 'min-slaves-to-write', M, 'int', 0n, INT_MAX, 0n),
  n('min-replicas-max-lag', 'min-slaves-max-lag', M, 'int', 0n, INT_MAX, 10n),
  n('watchdog-period', undefined, HIDDEN, 'int', 0n, INT_MAX, 0n),
  n('shutdown-timeout', undefined, M, 'int', 0n, INT_MAX, 10n),
  n('repl-diskless-sync-max-replicas', undefined, M, 'int', 0n, INT_MAX, 0n),
  n('maxclients', undefined, M, 'uint', 1n, UINT_MAX, 10000n),
  n('unixsocketperm', undefined, IMMUTABLE, 'uint', 0n, 0o777n, 0n, 'octal'),
  n('socket-mark-id', undefined, IMMUTABLE, 'uint', 0n, UINT_MAX, 0n),
  n('active-defrag-max-scan-fields', undefined, M, 'ulong', 1n, LONG_MAX, 1000n),
  n('slowlog-max-len', undefined, M, 'ulong', 0n, LONG_MAX, 128n),
  n('acllog-max-len', undefined, M, 'ulong', 0n, LONG_MAX, 128n),
  n('busy-reply-threshold', 'lua-time-limit', M, 'll', 0n, LONG_MAX, 5000n),
  n('cluster-node-timeout', undefined, M, 'll', 0n, LONG_MAX, 15000n),
  n('slowlog-log-slower-than', undefined, M, 'll', -1n, LONG_MAX, 10000n),
  n('latency-monitor-threshold', undefined, M, 'll', 0n, LONG_MAX, 0n),
  n('proto-max-bulk-len', undefined, M, 'll', 1024n * 1024n, LONG_MAX, 512n * 1024n * 1024n, 'memory'),
  n('stream-node-max-entries', undefined, M, 'll', 0n, LONG_MAX, 100n),
  n('repl-backlog-size', undefined, M, 'll', 1n, LONG_MAX, 1024n * 1024n, 'memory'),
  n('maxmemory', undefined, M, 'ull', 0n, ULLONG_MAX, 0n, 'memory'),
  n('cluster-link-sendbuf-limit', undefined, M, 'ull', 0n, ULLONG_MAX, 0n, 'memory'),
  n('hash-max-listpack-entries', 'hash-max-ziplist-entries', M, 'size', 0n, LONG_MAX, 512n),
  n('set-max-intset-entries', undefined, M, 'size', 0n, LONG_MAX, 512n),
  n('zset-max-listpack-entries', 'zset-max-ziplist-entries', M, 'size', 0n, LONG_MAX, 128n),
  n('active-defrag-ignore-bytes', undefined, M, 'size', 1n, LONG_MAX, 100n << 20n, 'memory'),
  n('hash-max-listpack-value', 'hash-max-ziplist-value', M, 'size', 0n, LONG_MAX, 64n, 'memory'),
  n('stream-node-max-bytes', undefined, M, 'size', 0n, LONG_MAX, 4096n, 'memory'),
  n('zset-max-listpack-value', 'zset-max-ziplist-value', M, 'size', 0n, LONG_MAX, 64n, 'memory'),
  n('hll-sparse-max-bytes', undefined, M, 'size', 0n, LONG_MAX, 3000n, 'memory'),
  n('tracking-table-max-keys', undefined, M, 'size', 0n, LONG_MAX, 1000000n),
  n('client-query-buffer-limit', undefined, M, 'size', 1024n * 1024n, LONG_MAX, 1024n * 1024n * 1024n, 'memory'),
  n('maxmemory-clients', undefined, M, 'ssize', -100n, LONG_MAX, 0n, 'percent+memory'),
  n('repl-backlog-ttl', undefined, M, 'time', 0n, LONG_MAX, 3600n),
  n('auto-aof-rewrite-min-size', undefined, M, 'off', 0n, LONG_MAX, 64n * 1024n * 1024n, 'memory'),
  n('loading-process-events-interval-bytes', undefined, HIDDEN, 'off', 1024n, INT_MAX, 2n * 1024n * 1024n),

  // TLS (accepted and stored; the listener does not speak TLS yet)
  n('tls-port', undefined, M, 'int', 0n, 65535n, 0n),
  n('tls-session-cache-size', undefined, M, 'int', 0n, INT_MAX, 20480n),
  n('tls-session-cache-timeout', undefined, M, 'int', 0n, INT_MAX, 300n),
  b('tls-cluster', undefined, M, false),
  b('tls-replication', undefined, M, false),
  e('tls-auth-clients', M, ['no', 'yes', 'optional'], 'yes'),
  b('tls-prefer-server-ciphers', undefined, M, false),
  b('tls-session-caching', undefined, M, true),
  ...['tls-cert-file', 'tls-key-file', 'tls-key-file-pass', 'tls-client-cert-file', 'tls-client-key-file',
    'tls-client-key-file-pass', 'tls-dh-params-file', 'tls-ca-cert-file', 'tls-ca-cert-dir', 'tls-protocols',
    'tls-ciphers', 'tls-ciphersuites'].map((t) => s(t, undefined, M, NULL_IS_EMPTY, null)),

  // special
  sp('dir', undefined, PROTECTED, 'dir'),
  sp('save', undefined, MULTI_ARG, 'save'),
  sp('client-output-buffer-limit', undefined, MULTI_ARG, 'client-output-buffer-limit'),
  sp('oom-score-adj-values', undefined, MULTI_ARG, 'oom-score-adj-values'),
  sp('notify-keyspace-events', undefined, M, 'notify-keyspace-events'),
  sp('bind', undefined, MULTI_ARG, 'bind'),
  sp('replicaof', 'slaveof', IMMUTABLE | MULTI_ARG, 'replicaof'),
  sp('latency-tracking-info-percentiles', undefined, MULTI_ARG, 'latency-tracking-info-percentiles'),
];

/** Directives a config file may hold that are not parameters (ignored, as Redis 7.0 does). */
export const DEPRECATED_DIRECTIVES = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);
