// INFO [section ...]: Redis 7.0's sections, field names and order, CRLF
// lines. Values come from the engine (keyspace, memory, counters) and the
// host (clients, network, per-command time). Fields that describe machinery
// this server does not have (forks, AOF rewrites, defrag, Lua) are present
// with the value that is true here, usually 0.
import { nodeFs, nodeOs, nodeProcess, randomHex, pid } from './platform.js';
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { COMMANDS, CMD_INFO } from '../engine/commands.gen.js';
import { REDIS_VERSION } from './cmd-connection.js';
import { latencyStatsLines } from './cmd-latency.js';
import { configOr } from './timing.js';
import { memoryFigures, totalSystemMemory, fmt2f, ratio } from './memory-figures.js';

function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try { return JSON.parse(nodeFs!.readFileSync(new URL(up, import.meta.url), 'utf8')).version; } catch { /* next */ }
  }
  return '0.0.0';
}
const VERMILION_VERSION = packageVersion();

// Sections in output order; DEFAULT is what INFO / INFO default shows.
const SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace'];
const DEFAULT = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'errorstats', 'cluster', 'keyspace']);

// ---- state INFO keeps between calls ------------------------------------------------

// instantaneous_*: Redis samples the counters every 100 ms into 16-slot rings.
const METRIC_SAMPLES = 16;
interface Metric { lastTime: number; lastValue: number; samples: number[]; idx: number }
interface InfoState { replid: string; ops: Metric; netIn: Metric; netOut: Metric }
const states = new WeakMap<HostServer, InfoState>();

function stateOf(srv: HostServer): InfoState {
  let s = states.get(srv);
  if (!s) {
    const m = (): Metric => ({ lastTime: 0, lastValue: 0, samples: new Array(METRIC_SAMPLES).fill(0), idx: 0 });
    s = { replid: randomHex(20), ops: m(), netIn: m(), netOut: m() };
    states.set(srv, s);
  }
  return s;
}

function totalCommands(srv: HostServer): number {
  let host = 0;
  for (const n of srv.stats.commandHostCalls) host += n;
  return srv.engine.x.commandsProcessed() + host;
}

function sampleMetric(m: Metric, now: number, value: number): void {
  if (m.lastTime > 0 && now > m.lastTime) {
    m.samples[m.idx] = ((value - m.lastValue) * 1000) / (now - m.lastTime);
    m.idx = (m.idx + 1) % METRIC_SAMPLES;
  }
  m.lastTime = now;
  m.lastValue = value;
}
const metricAvg = (m: Metric) => m.samples.reduce((a, b) => a + b, 0) / METRIC_SAMPLES;

/** Called from the cron: samples ops/sec and network rates. */
export function infoCron(srv: HostServer): void {
  const s = stateOf(srv);
  const now = srv.clock.now();
  if (now - s.ops.lastTime >= 100) {
    sampleMetric(s.ops, now, totalCommands(srv));
    sampleMetric(s.netIn, now, srv.stats.netInputBytes);
    sampleMetric(s.netOut, now, srv.stats.netOutputBytes);
  }
}

// ---- formatting ---------------------------------------------------------------------

/** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let v = n;
  for (const u of units) {
    v /= 1024;
    if (v < 1024 || u === 'P') return `${v.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

type Fields = [string, string | number][];

function render(title: string, fields: Fields | string[]): string {
  const lines = (fields as any[]).map((f) => (Array.isArray(f) ? `${f[0]}:${f[1]}` : f));
  return `# ${title}\r\n` + lines.map((l) => `${l}\r\n`).join('');
}

// ---- sections -----------------------------------------------------------------------

function serverSection(srv: HostServer): Fields {
  const now = srv.clock.now();
  const up = Math.floor((now - srv.startedAt) / 1000);
  const hz = srv.config.getInt('hz');
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    // In a browser: the engine's own word size (wasm32).
    ['os', nodeOs ? `${nodeOs.type()} ${nodeOs.release()} ${nodeOs.machine()}` : 'browser'],
    ['arch_bits', nodeProcess ? (nodeProcess.arch.includes('64') ? 64 : 32) : 32],
    ['monotonic_clock', 'process.hrtime'],
    ['multiplexing_api', 'libuv'],
    ['atomicvar_api', 'none'],
    ['gcc_version', '0.0.0'],
    ['process_id', pid()],
    ['process_supervised', 'no'],
    ['run_id', srv.runId],
    ['tcp_port', srv.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', up],
    ['uptime_in_days', Math.floor(up / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    // Redis's LRU clock: seconds, 24 bits.
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', nodeProcess ? nodeProcess.argv[1] ?? nodeProcess.execPath : ''],
    ['config_file', srv.configFile],
    ['io_threads_active', 0],
    ['vermilion_version', VERMILION_VERSION],
  ];
}

function clientsSection(srv: HostServer): Fields {
  let maxIn = 0;
  let maxOut = 0;
  for (const c of srv.clients.values()) {
    maxIn = Math.max(maxIn, srv.engine.x.clientQbuf(c.slot));
    maxOut = Math.max(maxOut, c.pendingOut());
  }
  return [
    ['connected_clients', srv.clients.size],
    ['cluster_connections', 0],
    ['maxclients', srv.config.getInt('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', srv.blockedCount() + pausedCount(srv)],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', [...srv.clients.values()].filter((c) => (c.blocked?.deadline ?? 0) > 0).length],
  ];
}

function memorySection(srv: HostServer): Fields {
  const m = memoryFigures(srv);
  const total = totalSystemMemory();
  const lua = srv.scripting?.memory() ?? {
    vmEval: 0, scriptsEval: 0, cachedScripts: 0, vmFunctions: 0, functions: 0, libraries: 0, functionsMemory: 0,
  };
  const maxmemory = Number(configOr(srv, 'maxmemory', '0'));
  const r2 = (a: number, b: number) => fmt2f(ratio(a, b));
  return [
    ['used_memory', m.used],
    ['used_memory_human', bytesToHuman(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', bytesToHuman(m.peak)],
    ['used_memory_peak_perc', `${fmt2f(Math.fround(m.peakPerc))}%`],
    ['used_memory_overhead', m.overhead],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', m.dataset],
    ['used_memory_dataset_perc', `${fmt2f(Math.fround(m.datasetPerc))}%`],
    ['allocator_allocated', m.allocatorAllocated],
    ['allocator_active', m.allocatorActive],
    ['allocator_resident', m.allocatorResident],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', lua.vmEval],
    ['used_memory_vm_eval', lua.vmEval],
    ['used_memory_lua_human', bytesToHuman(lua.vmEval)],
    ['used_memory_scripts_eval', lua.scriptsEval],
    ['number_of_cached_scripts', lua.cachedScripts],
    ['number_of_functions', lua.functions],
    ['number_of_libraries', lua.libraries],
    ['used_memory_vm_functions', lua.vmFunctions],
    ['used_memory_vm_total', lua.vmEval + lua.vmFunctions],
    ['used_memory_vm_total_human', bytesToHuman(lua.vmEval + lua.vmFunctions)],
    ['used_memory_functions', lua.functionsMemory],
    ['used_memory_scripts', lua.scriptsEval + lua.functionsMemory],
    ['used_memory_scripts_human', bytesToHuman(lua.scriptsEval + lua.functionsMemory)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', srv.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', r2(m.allocatorActive, m.allocatorAllocated)],
    ['allocator_frag_bytes', m.allocatorActive - m.allocatorAllocated],
    ['allocator_rss_ratio', r2(m.allocatorResident, m.allocatorActive)],
    ['allocator_rss_bytes', m.allocatorResident - m.allocatorActive],
    ['rss_overhead_ratio', r2(m.rss, m.allocatorResident)],
    ['rss_overhead_bytes', m.rss - m.allocatorResident],
    ['mem_fragmentation_ratio', r2(m.rss, m.used)],
    ['mem_fragmentation_bytes', m.rss - m.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', m.clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'tlsf-assemblyscript'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

/** A running BGSAVE's progress, keys saved over keys in its image (Redis's current_fork_perc). */
function savePerc(srv: HostServer): string {
  const rdb = srv.rdb;
  if (!rdb.bgsaveInProgress || rdb.bgsaveKeysTotal === 0) return '0.00';
  return Math.min(100, (100 * srv.engine.x.rdbSavedKeys()) / rdb.bgsaveKeysTotal).toFixed(2);
}

function persistenceSection(srv: HostServer): Fields {
  const rdb = srv.rdb;
  const now = Date.now();
  return [
    ['loading', rdb.loading ? 1 : 0], ['async_loading', 0],
    ['current_cow_peak', rdb.bgsaveInProgress ? rdb.bgsavePendingPeak : 0],
    // No fork: the nearest thing to copy-on-write memory is the snapshot's
    // bytes still waiting for the disk (and, for the last save, what the
    // pre-write hook serialized ahead of the walk).
    ['current_cow_size', rdb.bgsaveInProgress ? rdb.bgsavePendingBytes : 0],
    ['current_cow_size_age', 0], ['current_fork_perc', savePerc(srv)],
    ['current_save_keys_processed', rdb.bgsaveInProgress ? srv.engine.x.rdbSavedKeys() : 0],
    ['current_save_keys_total', rdb.bgsaveInProgress ? rdb.bgsaveKeysTotal : 0],
    ['rdb_changes_since_last_save', rdb.changesSinceSave()],
    ['rdb_bgsave_in_progress', rdb.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', rdb.lastSave],
    ['rdb_last_bgsave_status', rdb.lastBgsaveOk ? 'ok' : 'err'], ['rdb_last_bgsave_time_sec', rdb.lastBgsaveSec],
    ['rdb_current_bgsave_time_sec', rdb.bgsaveInProgress ? Math.floor((now - rdb.bgsaveStartedAt) / 1000) : -1],
    ['rdb_saves', rdb.saves], ['rdb_last_cow_size', rdb.lastCowBytes],
    ['rdb_last_load_keys_expired', rdb.lastLoadExpired], ['rdb_last_load_keys_loaded', rdb.lastLoadKeys],
    ...aofFields(srv),
    ['module_fork_in_progress', 0], ['module_fork_last_cow_size', 0],
    ...aofSizeFields(srv),
  ];
}

/** The aof_* fields of INFO persistence (src/persistence/aof.ts). */
function aofFields(srv: HostServer): Fields {
  const aof = srv.aof;
  return [
    ['aof_enabled', aof.enabled ? 1 : 0],
    ['aof_rewrite_in_progress', aof.rewriteInProgress ? 1 : 0], ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteSec],
    ['aof_current_rewrite_time_sec', aof.rewriteInProgress ? Math.floor((Date.now() - aof.rewriteStartedAt) / 1000) : -1], ['aof_last_bgrewrite_status', aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', aof.rewrites],
    ['aof_rewrites_consecutive_failures', aof.rewriteFailures],
    ['aof_last_write_status', aof.writeStatusOk ? 'ok' : 'err'], ['aof_last_cow_size', 0],
  ];
}

/** Shown only while the AOF is on, after the module_fork fields, as Redis. */
function aofSizeFields(srv: HostServer): Fields {
  const aof = srv.aof;
  if (!aof.enabled) return [];
  return [
    ['aof_current_size', aof.currentSize], ['aof_base_size', aof.baseSize],
    ['aof_pending_rewrite', 0], ['aof_buffer_length', aof.bufferLength()],
    ['aof_pending_bio_fsync', aof.fsyncPending() ? 1 : 0], ['aof_delayed_fsync', aof.delayedFsync],
  ];
}

function totalErrors(srv: HostServer): number {
  let n = srv.engine.x.errorReplies();
  for (const v of srv.stats.hostErrors.values()) n += v;
  return n;
}

function statsSection(srv: HostServer): Fields {
  const x = srv.engine.x;
  const st = stateOf(srv);
  return [
    ['total_connections_received', srv.stats.totalConnections],
    ['total_commands_processed', totalCommands(srv)],
    ['instantaneous_ops_per_sec', Math.round(metricAvg(st.ops))],
    ['total_net_input_bytes', srv.stats.netInputBytes],
    ['total_net_output_bytes', srv.stats.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', (metricAvg(st.netIn) / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (metricAvg(st.netOut) / 1024).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', srv.stats.rejectedConnections],
    ['sync_full', 0], ['sync_partial_ok', 0], ['sync_partial_err', 0],
    ['expired_keys', x.expiredKeys()],
    ['expired_stale_perc', x.expiredStalePerc().toFixed(2)],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', srv.engine.x.evictedKeys()], ['evicted_clients', 0], ['total_eviction_exceeded_time', 0], ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', x.keyspaceHits()],
    ['keyspace_misses', x.keyspaceMisses()],
    ['pubsub_channels', srv.pubsub.channelCount], ['pubsub_patterns', srv.pubsub.patternCount],
    ['pubsubshard_channels', srv.pubsub.shardChannelCount],
    ['latest_fork_usec', 0], ['total_forks', 0], ['migrate_cached_sockets', 0], ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0], ['active_defrag_misses', 0], ['active_defrag_key_hits', 0], ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0], ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0], ['tracking_total_items', 0], ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', totalErrors(srv)],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', 0], ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0], ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0], ['reply_buffer_expands', 0],
  ];
}

function replicationSection(srv: HostServer): Fields {
  return [
    ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'],
    ['master_replid', stateOf(srv).replid], ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0], ['second_repl_offset', -1], ['repl_backlog_active', 0],
    ['repl_backlog_size', Number(configOr(srv, 'repl-backlog-size', '1048576'))],
    ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const u = nodeProcess ? nodeProcess.cpuUsage() : { user: 0, system: 0 };
  const sec = (us: number) => (us / 1e6).toFixed(6);
  // Node runs commands on one thread: the main thread's figures are the process's.
  return [
    ['used_cpu_sys', sec(u.system)], ['used_cpu_user', sec(u.user)],
    ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sec(u.system)], ['used_cpu_user_main_thread', sec(u.user)],
  ];
}

function commandstatsLines(srv: HostServer): string[] {
  const x = srv.engine.x;
  const s = srv.stats;
  const lines: string[] = [];
  for (const m of [...COMMANDS].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const calls = x.cmdCalls(m.id) + s.commandHostCalls[m.id];
    const failed = x.cmdFailed(m.id) + s.commandHostFailed[m.id];
    const rejected = x.cmdRejected(m.id) + s.commandHostRejected[m.id];
    if (!calls && !failed && !rejected) continue;
    const usec = Math.round(s.commandUsec[m.id]);
    const per = calls ? (s.commandUsec[m.id] / calls).toFixed(2) : '0.00';
    lines.push(`cmdstat_${m.name}:calls=${calls},usec=${usec},usec_per_call=${per},rejected_calls=${rejected},failed_calls=${failed}`);
  }
  return lines;
}

function errorstatsLines(srv: HostServer): string[] {
  const x = srv.engine.x;
  const counts = new Map(srv.stats.hostErrors);
  for (let i = 0; i < x.errorStatCount(); i++) {
    const name = srv.engine.readLenBytes(x.errorStatName(i));
    counts.set(name, (counts.get(name) ?? 0) + x.errorStatTotal(i));
  }
  // Redis keeps error codes in a radix tree: listed in byte order.
  return [...counts.keys()].sort().map((k) => `errorstat_${k}:count=${counts.get(k)}`);
}

function keyspaceLines(srv: HostServer): string[] {
  const x = srv.engine.x;
  const lines: string[] = [];
  for (let db = 0; db < x.databases(); db++) {
    const keys = x.keyCount(db);
    if (keys === 0) continue;
    lines.push(`db${db}:keys=${keys},expires=${x.expiresCount(db)},avg_ttl=${Math.round(x.avgTtl(db))}`);
  }
  return lines;
}

function percentiles(srv: HostServer): number[] {
  return configOr(srv, 'latency-tracking-info-percentiles', '50 99 99.9').split(/\s+/).filter(Boolean).map(Number);
}

/** The INFO text for the chosen sections (lowercase names), in Redis's order. */
export function infoText(srv: HostServer, wanted: Set<string>): string {
  const out: string[] = [];
  for (const name of SECTIONS) {
    if (!wanted.has(name)) continue;
    switch (name) {
      case 'server': out.push(render('Server', serverSection(srv))); break;
      case 'clients': out.push(render('Clients', clientsSection(srv))); break;
      case 'memory': out.push(render('Memory', memorySection(srv))); break;
      case 'persistence': out.push(render('Persistence', persistenceSection(srv))); break;
      case 'stats': out.push(render('Stats', statsSection(srv))); break;
      case 'replication': out.push(render('Replication', replicationSection(srv))); break;
      case 'cpu': out.push(render('CPU', cpuSection())); break;
      case 'modules': out.push(render('Modules', [])); break;
      case 'commandstats': out.push(render('Commandstats', commandstatsLines(srv))); break;
      case 'errorstats': out.push(render('Errorstats', errorstatsLines(srv))); break;
      case 'latencystats':
        out.push(render('Latencystats', configOr(srv, 'latency-tracking', 'yes') === 'yes'
          ? latencyStatsLines(srv, percentiles(srv)) : []));
        break;
      case 'cluster': out.push(render('Cluster', [['cluster_enabled', 0]])); break;
      case 'keyspace': out.push(render('Keyspace', keyspaceLines(srv))); break;
    }
  }
  return out.join('\r\n');
}

/** Which sections INFO's arguments name: "default", "all", "everything" or section names, any case. */
export function infoSections(args: string[]): Set<string> {
  if (args.length === 0) return new Set(DEFAULT);
  const out = new Set<string>();
  for (const a of args.map((s) => s.toLowerCase())) {
    if (a === 'all' || a === 'everything') SECTIONS.forEach((s) => out.add(s));
    else if (a === 'default') DEFAULT.forEach((s) => out.add(s));
    else if (SECTIONS.includes(a)) out.add(a);
  }
  return out;
}

// INFO [section [section ...]]
function cmdInfo(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  r.verbatim(infoText(srv, infoSections(args.slice(1).map((a) => a.toString()))));
}

export function register(): void {
  registerHost(CMD_INFO, cmdInfo);
}

/** Clients holding a command back for CLIENT PAUSE: Redis counts them as blocked. */
function pausedCount(srv: HostServer): number {
  let n = 0;
  for (const c of srv.clients.values()) if (srv.isPaused(c)) n++;
  return n;
}
