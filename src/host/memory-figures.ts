// The memory figures behind INFO memory, MEMORY STATS and MEMORY DOCTOR,
// computed the way Redis 7.0's getMemoryOverheadData computes its own, from
// the engine's exact block counts (assembly/db/memstats.ts), the allocator's
// heap (assembly/ds/heap.ts) and the process. The README's "Memory" section
// says what each one counts.
import { nodeOs, nodeProcess } from './platform.js';
import type { HostServer } from './context.js';
import type { HeapStats } from '../engine/engine.js';

export interface DbOverhead { db: number; main: number; expires: number }

export interface MemoryFigures {
  /** used_memory: the engine's bytes plus the replies the host holds in sockets. */
  used: number;
  engineUsed: number;
  hostPending: number;
  peak: number;
  startup: number;
  clientsNormal: number;
  dbs: DbOverhead[];
  /** The script caches (host-side, counted as Redis counts its own: in used_memory, as overhead). */
  luaCaches: number;
  functionsCaches: number;
  overhead: number;
  keys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  heap: HeapStats;
  /** Bytes in the allocator's used blocks (the engine's, the runtime's, host scratch). */
  allocatorAllocated: number;
  /** From the heap's start to the end of its last used block: used blocks and the holes between them. */
  allocatorActive: number;
  /** The whole linear memory. */
  allocatorResident: number;
  rss: number;
}

// used_memory_peak: the engine tracks its own bytes' peak exactly; the host's
// share (replies in sockets) is sampled by the cron and at every report.
const peaks = new WeakMap<HostServer, number>();

/** Replies waiting in the host's sockets (counted in used_memory and against maxmemory). */
export function hostPendingBytes(srv: HostServer): number {
  let n = 0;
  for (const c of srv.clients.values()) n += c.pendingOut();
  return n;
}

/** The EVAL scripts' and the function libraries' bytes (none without scripting). */
export function scriptCaches(srv: HostServer): { lua: number; functions: number } {
  return srv.scripting?.caches() ?? { lua: 0, functions: 0 };
}

/** Called by the cron (which passes the host's bytes it summed: pending replies, script caches): keeps the peak. */
export function samplePeak(srv: HostServer, hostBytes: number): void {
  const used = srv.engine.x.usedMemory() + hostBytes;
  peaks.set(srv, Math.max(peaks.get(srv) ?? 0, used));
}

export function memoryFigures(srv: HostServer): MemoryFigures {
  const x = srv.engine.x;
  const hostPending = hostPendingBytes(srv);
  const engineUsed = x.usedMemory();
  const caches = scriptCaches(srv);
  const used = engineUsed + hostPending + caches.lua + caches.functions;
  const peak = Math.max(peaks.get(srv) ?? 0, x.memPeakBytes(), used);
  peaks.set(srv, peak);
  const startup = x.memStartup();
  const clientsNormal = x.memClients() + hostPending;
  const dbs: DbOverhead[] = [];
  let keys = 0;
  let overhead = startup + clientsNormal + caches.lua + caches.functions;
  for (let db = 0; db < x.databases(); db++) {
    const n = x.keyCount(db);
    if (n === 0) continue;
    keys += n;
    const o = { db, main: x.memDbMain(db), expires: x.memDbExpires(db) };
    overhead += o.main + o.expires;
    dbs.push(o);
  }
  const dataset = used - overhead;
  const net = used > startup ? used - startup : 1;
  const heap = srv.engine.heapStats();
  return {
    used, engineUsed, hostPending, peak, startup, clientsNormal, dbs, luaCaches: caches.lua,
    functionsCaches: caches.functions, overhead, keys,
    bytesPerKey: keys ? Math.floor(net / keys) : 0,
    dataset,
    datasetPerc: (dataset * 100) / net,
    peakPerc: (used * 100) / peak,
    heap,
    allocatorAllocated: heap.end - heap.start - heap.freeBytes - 4,
    allocatorActive: heap.highWater - heap.start,
    allocatorResident: heap.linear,
    // A page cannot see its process: its resident set is at least the engine's memory.
    rss: nodeProcess ? nodeProcess.memoryUsage().rss : heap.linear,
  };
}

/** Redis's ratios are C floats: rounded to single precision before printing. */
export const ratio = (a: number, b: number): number => Math.fround(a / b);

/** printf("%.17g") of a number, as Redis 7.0 prints the doubles of MEMORY STATS. */
export function fmt17g(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential(16).split('e');
  const exp = Number(expText);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 17) {
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(v.toFixed(16 - exp));
}

/** printf("%.2f"). */
export const fmt2f = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : v > 0 ? 'inf' : Number.isNaN(v) ? 'nan' : '-inf');

export function totalSystemMemory(): number { return nodeOs ? nodeOs.totalmem() : 0; }
