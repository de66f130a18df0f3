// The memory benchmark: a named dataset is loaded into each target, and the
// growth of the server's RSS (what the machine pays) and of its own
// used_memory (what it says it holds) is divided by the number of items.
//
// A server the harness started is restarted before each dataset, so every
// dataset starts from a fresh process (allocators rarely give memory back
// after FLUSHALL, which would hide the next dataset's growth). A server given
// with --target is flushed instead; its RSS figure is then a lower bound.
import { Control, isError } from './control.js';
import { Target, restartTarget, rssBytes } from './targets.js';
import { Template, VarSpec, widthOf } from './template.js';
import { valueOf } from './workloads.js';
import { ratio } from './stats.js';

export interface Dataset {
  name: string;
  /** Items at scale 1. */
  items: number;
  description: string;
  cmds: string[][];
}

export const DATASETS: Dataset[] = [
  { name: 'strings', items: 1_000_000, description: 'SET string:N, 16-byte values', cmds: [['SET', 'string:{i}', '{v16}']] },
  {
    name: 'hashes', items: 100_000, description: 'HSET hash:N, 10 fields of 8-byte values',
    cmds: [['HSET', 'hash:{i}', ...Array.from({ length: 10 }, (_, j) => [`field${j}`, '{v8}']).flat()]],
  },
  { name: 'zset', items: 1_000_000, description: 'ZADD zset N member:N, one sorted set', cmds: [['ZADD', 'zset', '{i}', 'member:{i}']] },
  { name: 'stream', items: 1_000_000, description: 'XADD stream * sensor N value <16 bytes>, one stream', cmds: [['XADD', 'stream', '*', 'sensor', '{i}', 'value', '{v16}']] },
];

export interface MemoryResult {
  target: string;
  status: 'ok' | 'unsupported' | 'failed';
  reason?: string;
  rssBytesPerItem: number | null;
  usedBytesPerItem: number | null;
  /** Items loaded per second (one pipelined connection). */
  loadPerSec: number | null;
  ratio: { rss: number | null; used: number | null } | null;
}

export interface MemoryDatasetResult {
  name: string;
  description: string;
  items: number;
  results: MemoryResult[];
}

export function selectDatasets(list: string): Dataset[] {
  if (list === 'all' || list === 'default') return DATASETS;
  return list.split(',').filter(Boolean).map((n) => {
    const d = DATASETS.find((x) => x.name === n.trim());
    if (!d) throw new Error(`unknown dataset ${n} (${DATASETS.map((x) => x.name).join(', ')})`);
    return d;
  });
}

function compile(d: Dataset, items: number): Template {
  const v: VarSpec = { kind: 'key', n: items };
  return new Template(d.cmds, new Map([['i', 0]]), [widthOf(v, items)], new Map([['v16', valueOf(16)], ['v8', valueOf(8)]]));
}

/** Runs the dataset's command once on its own connection: the error (or a closed connection) if the target lacks it. */
async function probe(t: Target, d: Dataset): Promise<string | null> {
  const c = await Control.connect(t.host, t.port);
  try {
    const cmd = d.cmds[0].map((a) => a.replace(/\{i\}/g, '0').replace(/\{v\d+\}/g, 'v'));
    const r = await c.call(['FLUSHALL']).then(() => c.call(cmd, 5000));
    return isError(r) ? r.error : null;
  } catch (e) {
    return `${d.cmds[0][0]}: ${(e as Error).message}`;
  } finally {
    c.close();
  }
}

async function usedMemory(c: Control): Promise<number | null> {
  const m = await c.info('memory');
  return m.used_memory ? Number(m.used_memory) : null;
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measureOne(t: Target, d: Dataset, items: number): Promise<MemoryResult> {
  const res: MemoryResult = { target: t.name, status: 'ok', rssBytesPerItem: null, usedBytesPerItem: null, loadPerSec: null, ratio: null };
  if (t.proc) await restartTarget(t);
  const reason = await probe(t, d);
  if (reason) return { ...res, status: 'unsupported', reason };
  if (t.proc) await restartTarget(t);
  const c = await Control.connect(t.host, t.port);
  try {
    if (!t.proc) await c.call(['FLUSHALL'], 120000);
    await settle(300);
    const rss0 = rssBytes(t.pid);
    const used0 = await usedMemory(c);
    const tpl = compile(d, items);
    const vals = new Float64Array(1);
    const t0 = performance.now();
    const errors = await c.load(tpl, items, (i) => { vals[0] = i; return vals; });
    const secs = (performance.now() - t0) / 1000;
    if (errors.size) {
      const text = [...errors.keys()][0];
      return { ...res, status: /unknown (sub)?command/i.test(text) ? 'unsupported' : 'failed', reason: text };
    }
    await settle(1000);
    const rss1 = rssBytes(t.pid);
    const used1 = await usedMemory(c);
    res.rssBytesPerItem = rss0 !== null && rss1 !== null ? (rss1 - rss0) / items : null;
    res.usedBytesPerItem = used0 !== null && used1 !== null ? (used1 - used0) / items : null;
    res.loadPerSec = items / secs;
    await c.call(['FLUSHALL'], 120000);
    return res;
  } catch (e) {
    return { ...res, status: 'failed', reason: (e as Error).message };
  } finally {
    c.close();
  }
}

export interface MemoryUi {
  step(index: number, total: number, dataset: string, target: string): void;
  done(dataset: string, target: string, r: MemoryResult): void;
}

/** `scale` shrinks every dataset (0.01 for a quick look; 1 for the published figures). */
export async function runMemory(targets: Target[], datasets: Dataset[], scale: number, ui: MemoryUi): Promise<MemoryDatasetResult[]> {
  const out: MemoryDatasetResult[] = [];
  let index = 0;
  for (const d of datasets) {
    const items = Math.max(1, Math.round(d.items * scale));
    const results: MemoryResult[] = [];
    for (const t of targets) {
      ui.step(index++, datasets.length * targets.length, d.name, t.name);
      const r = await measureOne(t, d, items);
      results.push(r);
      ui.done(d.name, t.name, r);
    }
    const base = results[0];
    for (const r of results.slice(1)) {
      if (base.status === 'ok' && r.status === 'ok') r.ratio = { rss: ratio(r.rssBytesPerItem, base.rssBytesPerItem), used: ratio(r.usedBytesPerItem, base.usedBytesPerItem) };
    }
    out.push({ name: d.name, description: d.description, items, results });
  }
  return out;
}
