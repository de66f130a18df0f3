// MEMORY STATS, DOCTOR, MALLOC-STATS, PURGE, HELP and Vermilion's own
// PREFIXES. (MEMORY USAGE is the engine's: assembly/commands/memory.ts.)
// The figures come from host/memory-figures.ts; the README's "Memory"
// section says what each counts.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { replyHelp } from './replyhelp.js';
import { parseStrictI64 } from './cmd-client.js';
import {
  CMD_MEMORY_DOCTOR, CMD_MEMORY_HELP, CMD_MEMORY_MALLOC_STATS, CMD_MEMORY_PREFIXES, CMD_MEMORY_PURGE,
  CMD_MEMORY_STATS,
} from '../engine/commands.gen.js';
import { memoryFigures, MemoryFigures, fmt17g, fmt2f, ratio } from './memory-figures.js';
import { bytesToHuman } from './cmd-info.js';
import { configOr } from './timing.js';
import { optText } from './optword.js';

// ---- MEMORY STATS -----------------------------------------------------------------------

// MEMORY STATS — a map of Redis 7.0's fields in its order; a db.<n> entry (a
// map of its key-table overheads) for every database holding keys. O(free
// blocks of the heap), for the allocator figures.
function cmdMemoryStats(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  const m = memoryFigures(srv);
  const int = (k: string, v: number) => { r.bulk(k); r.int(Math.round(v)); };
  const dbl = (k: string, v: number) => { r.bulk(k); r.double(fmt17g(Math.fround(v))); };
  r.map(27 + m.dbs.length);
  int('peak.allocated', m.peak);
  int('total.allocated', m.used);
  int('startup.allocated', m.startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', m.clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', m.luaCaches);
  int('functions.caches', m.functionsCaches);
  for (const d of m.dbs) {
    r.bulk(`db.${d.db}`);
    r.map(3);
    int('overhead.hashtable.main', d.main);
    int('overhead.hashtable.expires', d.expires);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', m.overhead);
  int('keys.count', m.keys);
  int('keys.bytes-per-key', m.bytesPerKey);
  int('dataset.bytes', m.dataset);
  dbl('dataset.percentage', m.datasetPerc);
  dbl('peak.percentage', m.peakPerc);
  int('allocator.allocated', m.allocatorAllocated);
  int('allocator.active', m.allocatorActive);
  int('allocator.resident', m.allocatorResident);
  dbl('allocator-fragmentation.ratio', ratio(m.allocatorActive, m.allocatorAllocated));
  int('allocator-fragmentation.bytes', m.allocatorActive - m.allocatorAllocated);
  dbl('allocator-rss.ratio', ratio(m.allocatorResident, m.allocatorActive));
  int('allocator-rss.bytes', m.allocatorResident - m.allocatorActive);
  dbl('rss-overhead.ratio', ratio(m.rss, m.allocatorResident));
  int('rss-overhead.bytes', m.rss - m.allocatorResident);
  dbl('fragmentation', ratio(m.rss, m.used));
  int('fragmentation.bytes', m.rss - m.used);
}

// ---- MEMORY DOCTOR ----------------------------------------------------------------------

const MB = 1024 * 1024;

/** The findings of MEMORY DOCTOR: one paragraph each, from the figures as they are now. */
export function doctorReport(srv: HostServer, m: MemoryFigures): string {
  if (m.used < 5 * MB) {
    return 'This server holds almost nothing yet (' + bytesToHuman(m.used) + ' in use), too little for its memory ' +
      'figures to mean much. Load some data and ask again.\n';
  }
  const x = srv.engine.x;
  const h = m.heap;
  const findings: string[] = [];
  const human = bytesToHuman;
  const ceiling = x.heapCeilingBytes();
  const limit = x.heapLimitBytes();
  const maxmemory = Number(configOr(srv, 'maxmemory', '0'));
  if (x.heapRefusingWrites()) {
    findings.push(`* Address space: the engine is refusing writes. It has ${human(m.engineUsed)} in use and ` +
      `${human(x.heapRoomBytes())} of contiguous room left, below its margin of ${human(x.heapMarginBytes())} under the ` +
      `${human(limit)} a wasm32 engine can address. Delete keys, or set maxmemory with an eviction policy so that ` +
      'the server makes room by itself.');
  } else if (m.engineUsed > ceiling * 0.8) {
    findings.push(`* Address space: ${human(m.engineUsed)} in use is past 80% of the ${human(ceiling)} at which the ` +
      `engine starts refusing writes (wasm32 addresses ${human(limit)}). Set maxmemory below it.`);
  }
  if (maxmemory === 0 || maxmemory > ceiling) {
    findings.push(`* maxmemory is ${maxmemory === 0 ? 'not set' : human(maxmemory)}: nothing keeps the dataset under the ` +
      `${human(ceiling)} ceiling of one engine. A value of ${human(ceiling * 0.8)} or less leaves room for replies and ` +
      'for the allocator\'s free blocks.');
  }
  if (h.allocFailures > 0) {
    findings.push(`* ${h.allocFailures} allocation(s) found no room in the address space; each dropped the client ` +
      'whose command made it (the server log has a line for each).');
  }
  if (m.peak > m.used * 1.5) {
    findings.push(`* Peak: the server used ${human(m.peak)} at its peak, ${human(m.used)} now. The freed blocks go ` +
      'back to the allocator and are reused, but WebAssembly memory never shrinks: the process keeps the pages ' +
      'it touched until restart.');
  }
  const fragBytes = m.allocatorActive - m.allocatorAllocated;
  if (m.allocatorActive > m.allocatorAllocated * 1.5 && fragBytes > 10 * MB) {
    findings.push(`* Fragmentation: ${human(fragBytes)} of free holes sit between used blocks ` +
      `(${fmt2f(ratio(m.allocatorActive, m.allocatorAllocated))} times what is allocated). They are reused by new ` +
      'blocks of their size; MEMORY PURGE gives back what idle buffers hold.');
  }
  const slack = m.allocatorResident - m.allocatorActive;
  if (m.allocatorResident > m.allocatorActive * 1.5 && slack > 64 * MB) {
    findings.push(`* Growth slack: the engine's linear memory is ${human(m.allocatorResident)}, of which the heap reaches ` +
      `${human(m.allocatorActive)}; the allocator doubles the memory when it needs more. Untouched pages cost no RAM, ` +
      'pages touched before a deletion stay with the process.');
  }
  const outside = m.rss - m.allocatorResident;
  if (outside > 256 * MB && m.rss > m.used * 1.4) {
    findings.push(`* Process: the Node.js process holds ${human(outside)} beyond the engine's memory (its own heap, ` +
      'socket buffers, replies waiting for slow clients).');
  }
  if (srv.clients.size > 0 && m.clientsNormal / srv.clients.size > 200 * 1024) {
    findings.push(`* Clients: ${srv.clients.size} connections hold ${human(m.clientsNormal)} in buffers ` +
      `(${human(m.clientsNormal / srv.clients.size)} each on average): large pipelines, big replies, or clients ` +
      'that read slowly. CLIENT LIST shows which (qbuf, omem).');
  }
  if (m.keys > 1000 && m.datasetPerc < 50) {
    findings.push(`* Per-key overhead: ${fmt2f(m.datasetPerc)}% of the memory above startup holds data; the rest ` +
      `indexes ${m.keys} keys (${m.bytesPerKey} bytes per key in all). Small values in many keys cost more than the ` +
      'same values grouped in hashes.');
  }
  if (findings.length === 0) {
    return `Memory looks healthy: ${human(m.used)} in use (peak ${human(m.peak)}), allocator holes ` +
      `${fmt2f(ratio(m.allocatorActive, m.allocatorAllocated))} times what is allocated, and the engine is far from ` +
      `its ${human(ceiling)} ceiling. Nothing to report.\n`;
  }
  return 'Here is what stands out in this server\'s memory:\n\n' + findings.join('\n\n') + '\n';
}

// MEMORY DOCTOR — verbatim text: a diagnosis of the figures MEMORY STATS reports.
function cmdMemoryDoctor(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.verbatim(doctorReport(srv, memoryFigures(srv)));
}

// ---- MEMORY MALLOC-STATS ----------------------------------------------------------------

/** The engine's allocator, described: its span, used and free blocks, free blocks by size class. */
export function mallocStatsText(srv: HostServer): string {
  const x = srv.engine.x;
  const h = srv.engine.heapStats();
  const allocated = h.end - h.start - h.freeBytes - 4;
  const active = h.highWater - h.start;
  const lines = [
    '___ Begin TLSF heap statistics (AssemblyScript runtime, wasm32) ___',
    `Linear memory:        ${h.linear} bytes (${h.linear / 65536} pages of 64 KiB; the address space ends at ${x.heapLimitBytes()})`,
    `Heap:                 ${h.start} .. ${h.end} (${h.end - h.start} bytes), last used block ends at ${h.highWater}`,
    `Used blocks:          ${allocated} bytes (headers included)`,
    `  engine blocks:      ${h.engineBlocks} blocks, ${h.engineBytes} bytes (keys, values, tables, buffers)`,
    `  runtime and scratch: ${allocated - h.engineBytes} bytes (AssemblyScript objects, host argument scratch)`,
    `Free blocks:          ${h.freeBlocks} blocks, ${h.freeBytes} bytes, largest ${h.largestFree} bytes`,
    `  holes below the last used block: ${h.freeBytes - h.topFree} bytes`,
    `  top free block (growth slack):   ${h.topFree} bytes`,
    `Fragmentation:        ${fmt2f(ratio(active, allocated))} (bytes up to the last used block / bytes in used blocks)`,
    `Allocation failures:  ${h.allocFailures}`,
    `Heap ceiling:         ${x.heapCeilingBytes()} bytes; contiguous room ${x.heapRoomBytes()} bytes; writes refused so far ${x.heapRefusedWrites()}`,
    'Free blocks by size class (count, bytes):',
  ];
  for (let fl = 0; fl < x.heapClasses(); fl++) {
    const n = x.heapClassCount(fl);
    if (n === 0) continue;
    const lo = fl === 0 ? 0 : 2 ** (fl + 7);
    const hi = 2 ** (fl + 8);
    lines.push(`  [${bytesToHuman(lo)}, ${bytesToHuman(hi)}): ${n} blocks, ${x.heapClassBytes(fl)} bytes`);
  }
  lines.push('___ End TLSF heap statistics ___');
  return lines.join('\n') + '\n';
}

// MEMORY MALLOC-STATS — verbatim text describing the engine's TLSF heap.
function cmdMemoryMallocStats(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.verbatim(mallocStatsText(srv));
}

// MEMORY PURGE — OK, after giving back to the allocator what idle buffers
// and oversized key tables hold (assembly/memapi.ts memoryPurge).
function cmdMemoryPurge(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  srv.engine.x.memoryPurge();
  r.ok();
}

// MEMORY HELP — Redis's lines, plus PREFIXES.
function cmdMemoryHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'MEMORY', [
    'DOCTOR',
    '    Return memory problems reports.',
    'MALLOC-STATS',
    '    Return internal statistics report from the memory allocator.',
    'PURGE',
    '    Attempt to purge dirty pages for reclamation by the allocator.',
    'STATS',
    '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return memory in bytes used by <key> and its value. Nested values are',
    '    sampled up to <count> times (default: 5, 0 means sample all).',
    ...PREFIXES_HELP,
  ]);
}

// ---- MEMORY PREFIXES ---------------------------------------------------------------------

export const PREFIXES_HELP = [
  'PREFIXES [<depth>] [SEPARATOR <sep>] [COUNT <count>]',
  '    Return the keys of the current database grouped by prefix (each key cut',
  '    after its <depth>-th <sep>, default 1 and ":"), with the number of keys and',
  '    bytes of each group, largest first (default 10 groups, 0 means all).',
  '    Vermilion only; other clients are served while the keys are walked.',
];

// prefixWalkStep's statuses (assembly/db/prefixes.ts).
const WALK_MORE = 0;
const WALK_DONE = 1;
const WALK_NO_ROOM = 2;
const E_PREFIXES_NO_ROOM = 'ERR not enough memory left in the engine to group the keys';

/** The next turn of the event loop: setImmediate in Node, a zero timeout in a page. */
const nextTurn: (fn: () => void) => void = (globalThis as any).setImmediate ?? ((fn: () => void) => setTimeout(fn, 0));

/** Keys walked per engine call, and the time one turn of the event loop may spend walking. */
const STEP_BUDGET = 1000;
const SLICE_MS = 2;

interface PrefixOptions { depth: number; sep: Buffer; count: number }

/** Parses `[depth] [SEPARATOR sep] [COUNT n]`; replies with the error and returns null when bad. */
function prefixOptions(args: Buffer[], r: Reply): PrefixOptions | null {
  const o: PrefixOptions = { depth: 1, sep: Buffer.from(':'), count: 10 };
  let i = 2;
  const word = (b: Buffer) => optText(b).toUpperCase();
  if (i < args.length && word(args[i]) !== 'SEPARATOR' && word(args[i]) !== 'COUNT') {
    const d = parseStrictI64(args[i]);
    if (d === null) { r.error('ERR value is not an integer or out of range'); return null; }
    if (d < 1n || d > 0x7fffffffn) { r.error('ERR depth must be between 1 and 2147483647'); return null; }
    o.depth = Number(d);
    i++;
  }
  for (; i < args.length; i += 2) {
    const opt = word(args[i]);
    if (i + 1 >= args.length || (opt !== 'SEPARATOR' && opt !== 'COUNT')) { r.error('ERR syntax error'); return null; }
    if (opt === 'SEPARATOR') {
      if (args[i + 1].length === 0) { r.error('ERR separator must not be empty'); return null; }
      o.sep = args[i + 1];
    } else {
      const n = parseStrictI64(args[i + 1]);
      if (n === null) { r.error('ERR value is not an integer or out of range'); return null; }
      if (n < 0n) { r.error('ERR COUNT must be 0 (all groups) or positive'); return null; }
      // The engine keeps at most 2^32-1 groups: a larger count means all of them.
      o.count = n > 0xffffffffn ? 0 : Number(n);
    }
  }
  return o;
}

/** Writes groups [from, to) of a finished walk: each a map {prefix, keys, bytes}. */
function replyGroups(srv: HostServer, walk: number, from: number, to: number, r: Reply): void {
  for (const g of srv.engine.prefixWalkResult(walk, from, to)) {
    r.map(3);
    r.bulk('prefix');
    r.bulk(g.prefix);
    r.bulk('keys');
    r.int(g.keys);
    r.bulk('bytes');
    r.int(g.bytes);
  }
}

/** Groups formatted per turn of the event loop once the walk is done. */
const REPLY_CHUNK = 2000;

// MEMORY PREFIXES [depth] [SEPARATOR sep] [COUNT count] — an array of maps
// {prefix, keys, bytes}, largest first (ties in prefix byte order). O(N)
// in the keys of the selected database, walked STEP_BUDGET keys at a time
// for at most SLICE_MS per turn of the event loop, so other clients keep
// being served; this client's next commands wait for the reply. Inside
// EXEC the walk runs at once (nothing may interleave with a transaction).
function cmdMemoryPrefixes(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const o = prefixOptions(args, r);
  if (!o) return;
  const engine = srv.engine;
  const x = engine.x;
  const walk = engine.prefixWalkStart(x.clientDb(c.slot), o.depth, o.sep, o.count);
  const deliver = srv.deferReply?.(c) ?? null;
  if (!deliver) {
    let st = WALK_MORE;
    while (st === WALK_MORE) st = x.prefixWalkStep(walk, STEP_BUDGET);
    if (st === WALK_DONE) {
      const n = x.prefixWalkOrderLen(walk);
      r.array(n);
      replyGroups(srv, walk, 0, n, r);
    } else {
      r.error(E_PREFIXES_NO_ROOM);
    }
    x.prefixWalkFree(walk);
    return;
  }
  // Walk in slices, then format the reply in chunks: neither blocks the
  // other clients for more than about SLICE_MS.
  const out = new Reply(r.proto);
  let total = -1;
  let written = 0;
  const slice = (): void => {
    if (!c.socket) {
      x.prefixWalkFree(walk);
      return;
    }
    const t0 = performance.now();
    if (total < 0) {
      let st = WALK_MORE;
      while (st === WALK_MORE && performance.now() - t0 < SLICE_MS) st = x.prefixWalkStep(walk, STEP_BUDGET);
      if (st === WALK_NO_ROOM) {
        x.prefixWalkFree(walk);
        out.error(E_PREFIXES_NO_ROOM);
        srv.stats.hostErrors.set('ERR', (srv.stats.hostErrors.get('ERR') ?? 0) + 1);
        deliver(out);
        return;
      }
      if (st === WALK_DONE) {
        total = x.prefixWalkOrderLen(walk);
        out.array(total);
      }
    } else {
      const to = Math.min(total, written + REPLY_CHUNK);
      replyGroups(srv, walk, written, to, out);
      written = to;
    }
    srv.stats.commandUsec[CMD_MEMORY_PREFIXES] += (performance.now() - t0) * 1000;
    if (total < 0 || written < total) {
      nextTurn(slice);
      return;
    }
    x.prefixWalkFree(walk);
    deliver(out);
  };
  nextTurn(slice);
}

export function register(): void {
  registerHost(CMD_MEMORY_STATS, cmdMemoryStats);
  registerHost(CMD_MEMORY_DOCTOR, cmdMemoryDoctor);
  registerHost(CMD_MEMORY_MALLOC_STATS, cmdMemoryMallocStats);
  registerHost(CMD_MEMORY_PURGE, cmdMemoryPurge);
  registerHost(CMD_MEMORY_HELP, cmdMemoryHelp);
  registerHost(CMD_MEMORY_PREFIXES, cmdMemoryPrefixes);
}
