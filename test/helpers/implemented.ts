// Which commands a suite may exercise. By default: every command of the
// table (the suites are written to be green once every family is in). While
// a branch is being built, VERMILION_TEST_IMPLEMENTED_ONLY=1 restricts the
// cross-cutting suites to what this build runs, found by probing:
// - an engine command without a handler aborts the engine (dispatch.ts's
//   cmdMissing), so each one is run once, with enough arguments to pass the
//   arity check, in a throwaway engine;
// - a host command without a handler replies "ERR command '...' is not
//   available" (server.ts), so it is probed over TCP.
import { readFileSync } from 'node:fs';
import { Engine, wasmPath } from '../../src/engine/engine.js';
import { encodeCommand } from './resp.js';
import { RawClient } from './server.js';

export const ONLY_IMPLEMENTED = process.env.VERMILION_TEST_IMPLEMENTED_ONLY === '1';

export interface TableCommand {
  name: string;
  arity: number;
  handler: 'engine' | 'host';
  group: string;
  subcommands?: Record<string, TableCommand>;
}

export function commandTable(): Record<string, TableCommand> {
  const raw = JSON.parse(readFileSync(new URL('../../table/commands.json', import.meta.url), 'utf8'));
  const out: Record<string, TableCommand> = {};
  for (const [name, spec] of Object.entries<any>(raw)) {
    const subs: Record<string, TableCommand> | undefined = spec.subcommands
      ? Object.fromEntries(Object.entries<any>(spec.subcommands).map(([s, v]) => [s, { name: s, arity: v.arity, handler: v.handler ?? spec.handler, group: spec.group }]))
      : undefined;
    out[name] = { name, arity: spec.arity, handler: spec.handler, group: spec.group, subcommands: subs };
  }
  return out;
}

/** Full names ("GET", "OBJECT|ENCODING") of engine commands that have a handler in this build. */
function probeEngine(): Set<string> {
  const wasm = readFileSync(wasmPath(true));
  const out = new Set<string>();
  const probe = (full: string, argv: string[]) => {
    const e = new Engine({ wasm, databases: 16, hashSeed: 1, randomSeed: 1n });
    const id = e.x.newClient();
    try {
      e.feed(id, encodeCommand(argv), 1_700_000_000_000);
      out.add(full);
    } catch (err: any) {
      if (err?.code !== 'ENGINE_ABORT') throw err;
    }
  };
  for (const cmd of Object.values(commandTable())) {
    if (cmd.handler !== 'engine') continue;
    if (cmd.subcommands) {
      for (const sub of Object.values(cmd.subcommands)) {
        const n = Math.max(Math.abs(sub.arity), 2);
        probe(`${cmd.name}|${sub.name}`, [cmd.name, sub.name, ...Array(n - 2).fill('k')]);
      }
    } else {
      const n = Math.max(Math.abs(cmd.arity), 1);
      probe(cmd.name, [cmd.name, ...Array(n - 1).fill('1')]);
    }
  }
  return out;
}

let engineCache: Set<string> | null = null;

/** True when suites may exercise engine command `full` ("GET", "OBJECT|FREQ"). */
export function engineHas(full: string): boolean {
  if (!ONLY_IMPLEMENTED) return true;
  engineCache ??= probeEngine();
  const name = full.toUpperCase();
  if (engineCache.has(name)) return true;
  // A container is usable when any of its subcommands is.
  return [...engineCache].some((n) => n.startsWith(`${name}|`));
}

/** True when the server on `port` runs host command `argv` (probed only in restricted mode). */
export async function hostHas(port: number, argv: string[]): Promise<boolean> {
  if (!ONLY_IMPLEMENTED) return true;
  const c = await RawClient.connect(port);
  try {
    const r = await c.cmd(...argv);
    return !(typeof r === 'object' && r !== null && 'error' in r && / is not available$/.test(r.error));
  } finally {
    c.close();
  }
}
