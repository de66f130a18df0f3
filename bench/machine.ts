// What every result records about where it was measured, so a number is
// never quoted without its machine, its commit and how busy the machine was.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, type, release } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  commit: string;
  /** Uncommitted changes in the checkout when measured. */
  dirty: boolean;
  date: string;
  /** 1-minute load average when the run started (other work on a shared machine skews results). */
  loadAverage: number;
}

export function machine(root: string): Machine {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
  } catch { /* not a git checkout (an installed package) */ }
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    commit,
    dirty,
    date: new Date().toISOString(),
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}, load average ${m.loadAverage} at the start`;
}
