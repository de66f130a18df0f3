// The server as a real process (bin/vermilion-server.js) for the tests that
// need one: persistence across restarts, kill -9, startup failures. Call
// serverProcesses() at a test file's top level: it kills what the file
// started after each test.
import { afterEach, expect } from 'vitest';
import { spawn, ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, RawClient } from './server.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vermilion-server.js');

export interface ServerProcess { proc: ChildProcess; port: number; c: RawClient; log: () => string }

/** Resolves with the exit code once the process has exited. */
export const exited = (p: ChildProcess) => new Promise<number | null>((res) => {
  if (p.exitCode !== null) res(p.exitCode);
  else p.once('exit', (code) => res(code));
});

/** The incr file of an AOF directory's appendonlydir (the only one). */
export function incrFile(dir: string): string {
  const d = join(dir, 'appendonlydir');
  return join(d, readdirSync(d).find((f) => f.endsWith('.incr.aof'))!);
}

export function serverProcesses() {
  const procs: ChildProcess[] = [];
  /** Other cleanups (reference servers) run after each test too. */
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
    for (const s of stops.splice(0)) s();
  });

  const spawnServer = (port: number, dir: string, extra: string[]) => {
    let log = '';
    const proc = spawn(process.execPath, [BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d) => { log += d; });
    proc.stderr!.on('data', (d) => { log += d; });
    procs.push(proc);
    return { proc, log: () => log };
  };

  /**
   * Starts a server in `dir` (no save points) and connects to it. The port
   * opens before the data has loaded (clients get -LOADING meanwhile, as in
   * Redis): unless `loaded` is false, this waits for INFO's loading:0.
   */
  async function start(dir: string, extra: string[] = [], { loaded = true } = {}): Promise<ServerProcess> {
    // freePort's port is free when it answers, not necessarily when the
    // server binds it: a process of another test file may take it first, and
    // this one's connection would then reach that server. The server must
    // answer with its own process id; otherwise start again on another port.
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const { proc, log } = spawnServer(port, dir, extra);
      for (let i = 0; i < 200; i++) {
        if (proc.exitCode !== null) {
          if (/Address already in use/.test(log())) break;
          throw Object.assign(new Error('exited'), { log: log() });
        }
        let c: RawClient;
        try {
          c = await RawClient.connect(port);
        } catch {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const pid = /process_id:(\d+)/.exec(String(await c.cmd('INFO', 'server')))?.[1];
        if (Number(pid) !== proc.pid) {
          c.close();
          proc.kill('SIGKILL');
          await exited(proc);
          break;
        }
        for (let j = 0; loaded && j < 600 && /loading:1\r\n/.test(String(await c.cmd('INFO', 'persistence'))); j++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        return { proc, port, c, log };
      }
      if (proc.exitCode === null) throw new Error('server did not start');
    }
    throw new Error('server did not start: its port was taken each time');
  }

  /** Starts a server that must refuse to start (exit 1); its log. */
  async function startFails(dir: string, extra: string[]): Promise<string> {
    const { proc, log } = spawnServer(await freePort(), dir, extra);
    expect(await exited(proc)).toBe(1);
    return log();
  }

  return { start, startFails, stops };
}
