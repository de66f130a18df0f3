// A consumer-group work queue over TCP with ioredis: a producer, three
// workers blocking in XREADGROUP, one of which dies (disconnects) holding
// unacknowledged jobs; the survivors recover them with XAUTOCLAIM. Every job
// ends acknowledged exactly once and the PEL empty.
import { describe, it, expect } from 'vitest';
import { Redis } from 'ioredis';
import { serverWithClients } from '../helpers/clients.js';

const srv = serverWithClients();
const client = srv.client;

type Entries = [string, string[]][];
type ReadReply = [string, Entries][] | null;

describe('consumer groups over TCP (ioredis)', () => {
  it('three workers, one crashes mid-work, XAUTOCLAIM recovers: every job acknowledged exactly once', async () => {
    const JOBS = 300;
    const admin = client();
    await admin.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
    const acked = new Map<string, number>();
    const done = new Map<string, string>();
    let stop = false;
    let recovered = 0;

    const process = async (r: Redis, name: string, entries: Entries) => {
      for (const [id, fields] of entries) {
        acked.set(id, (acked.get(id) ?? 0) + 1);
        done.set(fields[1], name);
        expect(await r.xack('jobs', 'workers', id)).toBe(1);
      }
    };

    const worker = async (name: string, crashAfter: number) => {
      const r = client();
      let taken = 0;
      while (!stop) {
        const res = (await r.xreadgroup('GROUP', 'workers', name, 'COUNT', 5, 'BLOCK', 50, 'STREAMS', 'jobs', '>')) as ReadReply;
        if (res) {
          const entries = res[0][1];
          taken += entries.length;
          if (crashAfter > 0 && taken >= crashAfter) {
            // Dies holding this batch, unacknowledged.
            r.disconnect();
            return;
          }
          await process(r, name, entries);
        }
        // Recovery: jobs idle for 150 ms belong to a dead worker.
        const [, claimed] = (await r.xautoclaim('jobs', 'workers', name, 150, '0-0', 'COUNT', 10)) as [string, Entries, string[]];
        if (claimed.length) {
          recovered += claimed.length;
          await process(r, name, claimed);
        }
      }
      r.disconnect();
    };

    const workers = [worker('w1', 0), worker('w2', 0), worker('w3', 40)];
    const producer = client();
    for (let i = 0; i < JOBS; i++) {
      await producer.xadd('jobs', '*', 'job', String(i));
      if (i % 25 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 20_000;
    while (acked.size < JOBS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await Promise.all(workers);

    expect(acked.size).toBe(JOBS);
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(done.size).toBe(JOBS);
    const summary = (await admin.xpending('jobs', 'workers')) as unknown[];
    expect(summary[0]).toBe(0);
    // The crashed worker took jobs, the survivors finished them.
    const info = (await admin.xinfo('CONSUMERS', 'jobs', 'workers')) as unknown[][];
    expect(info.map((c) => c[1]).sort()).toEqual(['w1', 'w2', 'w3']);
    expect(info.find((c) => c[1] === 'w3')![3]).toBe(0);
    expect(recovered).toBeGreaterThan(0);
    const groups = (await admin.xinfo('GROUPS', 'jobs')) as unknown[][];
    expect(groups[0].slice(0, 12)).toEqual(['name', 'workers', 'consumers', 3, 'pending', 0, 'last-delivered-id',
      groups[0][7], 'entries-read', JOBS, 'lag', 0]);
  }, 30_000);
});
