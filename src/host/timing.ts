// What happens after every command with its duration: the latency
// histograms (INFO latencystats, LATENCY HISTOGRAM), the latency monitor's
// "command"/"fast-command" events, and the slow log. Called by the server
// (src/server/server.ts) for engine batches and for host commands alike.
import type { HostServer, HostClient } from './context.js';
import { COMMANDS } from '../engine/commands.gen.js';
import {
  latencyAddSampleIfNeeded, latencyTrackBatch, latencyTrackIn, latencyHistograms, LatencyHistograms,
} from './cmd-latency.js';
import { slowlogPush } from './cmd-slowlog.js';

const FAST = COMMANDS.map((m) => (m.command_flags ?? []).includes('FAST'));
const SKIP_SLOWLOG = COMMANDS.map((m) => (m.command_flags ?? []).includes('SKIP_SLOWLOG'));

/** A config value, or `dflt` where the config schema does not have the option (yet). */
export function configOr(srv: HostServer, name: string, dflt: string): string {
  try { return srv.config.get(name); } catch { return dflt; }
}

/**
 * Accounts one command `id` that ran for `usec` µs. `args` is only called
 * when the slow log keeps the entry, so the common case re-reads nothing.
 */
export function noteCommandTime(srv: HostServer, c: HostClient, id: number, usec: number, args: () => Buffer[]): void {
  const s = settingsOf(srv);
  if (s.tracking) latencyTrackIn(s.histograms, id, usec);
  if (SKIP_SLOWLOG[id]) return;
  if (s.latencyMs > 0 && usec / 1000 >= s.latencyMs) {
    latencyAddSampleIfNeeded(srv, FAST[id] ? 'fast-command' : 'command', usec / 1000);
  }
  if (s.slowUsec >= 0 && usec >= s.slowUsec) slowlogPush(srv, c, usec, () => redact(id, args()));
}

/** 1 for commands the host runs: they are timed one by one by noteCommandTime. */
export const HOST_RUN = Uint8Array.from(COMMANDS, (m) => (m.handler === 'host' ? 1 : 0));

/**
 * Accounts the engine commands of one execute() call, each credited with
 * `usec` (the call's time split evenly: the engine has no clock). Its batch
 * records are read in place: `n` records of 4 i32 from index `at` of `recs`
 * (the engine's memory). The usual case — below both thresholds — touches
 * only the histograms; arguments are re-read from the input (`argsAt`) only
 * for entries the slow log keeps.
 */
export function noteEngineBatch(srv: HostServer, c: HostClient, recs: Int32Array, at: number, n: number, usec: number,
  argsAt: (c: HostClient, start: number, end: number) => Buffer[], s: TimingSettings): void {
  if (s.tracking) latencyTrackBatch(s.histograms, recs, at, n, usec, HOST_RUN);
  const monitorHit = s.latencyMs > 0 && usec / 1000 >= s.latencyMs;
  const slowHit = s.slowUsec >= 0 && usec >= s.slowUsec;
  if (!monitorHit && !slowHit) return;
  for (let i = 0; i < n; i++) {
    const r = at + i * 4;
    const id = recs[r];
    if (id < 0 || HOST_RUN[id] || SKIP_SLOWLOG[id]) continue;
    if (monitorHit) latencyAddSampleIfNeeded(srv, FAST[id] ? 'fast-command' : 'command', usec / 1000);
    if (slowHit) {
      const start = recs[r + 2];
      const end = recs[r + 3];
      slowlogPush(srv, c, usec, () => redact(id, argsAt(c, start, end)));
    }
  }
}

/**
 * noteEngineBatch for a single engine command `id` that ran in
 * [start, end) of the client's input: the per-request path (one command
 * per read at -P1, the embedded API's synchronous calls), which should not
 * allocate for it. `s` is the server's cached TimingSettings.
 */
export function noteEngineCommand(srv: HostServer, c: HostClient, id: number, start: number, end: number, usec: number,
  argsAt: (c: HostClient, start: number, end: number) => Buffer[], s: TimingSettings): void {
  if (s.tracking) latencyTrackIn(s.histograms, id, usec);
  if (SKIP_SLOWLOG[id]) return;
  if (s.latencyMs > 0 && usec / 1000 >= s.latencyMs) {
    latencyAddSampleIfNeeded(srv, FAST[id] ? 'fast-command' : 'command', usec / 1000);
  }
  if (s.slowUsec >= 0 && usec >= s.slowUsec) slowlogPush(srv, c, usec, () => redact(id, argsAt(c, start, end)));
}

// The settings read after every command, cached and refreshed on CONFIG SET
// so the per-command path does no config lookups.
export interface TimingSettings {
  tracking: boolean;
  latencyMs: number;
  slowUsec: number;
  /** The latency histograms, looked up once (not per command). */
  histograms: LatencyHistograms;
}
type Settings = TimingSettings;
const settings = new WeakMap<HostServer, Settings>();

/** The live settings object for `srv` (kept up to date by CONFIG SET), for callers on hot paths. */
export function timingSettings(srv: HostServer): TimingSettings { return settingsOf(srv); }

function settingsOf(srv: HostServer): Settings {
  let s = settings.get(srv);
  if (!s) {
    const read = (): Omit<Settings, 'histograms'> => ({
      tracking: configOr(srv, 'latency-tracking', 'yes') === 'yes',
      latencyMs: Number(configOr(srv, 'latency-monitor-threshold', '0')),
      slowUsec: Number(configOr(srv, 'slowlog-log-slower-than', '10000')),
    });
    const live: Settings = { ...read(), histograms: latencyHistograms(srv) };
    settings.set(srv, live);
    // Updated in place, so a caller may keep the object (timingSettings).
    srv.config.onChange(() => Object.assign(live, read()));
    s = live;
  }
  return s;
}

// Passwords never reach the slow log: Redis shows "(redacted)" in their place.
function redact(id: number, argv: Buffer[]): Buffer[] {
  const name = COMMANDS[id].name;
  const hidden = Buffer.from('(redacted)');
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : hidden));
  if (name === 'hello') {
    const out = [...argv];
    for (let i = 2; i < out.length; i++) {
      if (out[i].toString().toLowerCase() === 'auth' && i + 2 < out.length) {
        out[i + 1] = hidden; out[i + 2] = hidden; i += 2;
      }
    }
    return out;
  }
  return argv;
}

/** Splits one request's raw bytes (RESP multibulk or inline) back into arguments. */
export function parseRequest(raw: Buffer): Buffer[] {
  const args: Buffer[] = [];
  if (raw[0] !== 0x2a) { // '*': otherwise an inline command
    return raw.toString('latin1').trim().split(/\s+/).filter(Boolean).map((s) => Buffer.from(s, 'latin1'));
  }
  let pos = raw.indexOf('\r\n');
  const n = Number(raw.toString('latin1', 1, pos));
  pos += 2;
  for (let i = 0; i < n && pos < raw.length; i++) {
    const nl = raw.indexOf('\r\n', pos);
    const len = Number(raw.toString('latin1', pos + 1, nl));
    args.push(raw.subarray(nl + 2, nl + 2 + len));
    pos = nl + 2 + len + 2;
  }
  return args;
}
