// Server configuration: the live value of every parameter in
// config-schema.ts, set from redis.conf, the command line and CONFIG SET,
// read by CONFIG GET and written back by CONFIG REWRITE.
//
// Values are kept in their typed form (numbers as bigint, flags as bits)
// and turned into text only on the way out, so CONFIG GET prints exactly
// what Redis prints (plain bytes for memory, "50%" for percentages, octal
// for unixsocketperm) whatever spelling set them.
import { requireFs, nodeFs, cwd, resolvePath as resolve } from './platform.js';
import {
  PARAMS, Param, NumParam, EnumParam, SpecialParam,
  IMMUTABLE, PROTECTED, HIDDEN, MULTI_ARG, DEPRECATED_DIRECTIVES,
} from './config-schema.js';
import {
  memtoull, string2ll, strtoll, string2d, formatPercentile, globMatch, repr, formatMemory, splitArgs,
} from './config-parse.js';

/** A configuration problem; `message` is Redis's reason text. */
export class ConfigError extends Error {
  constructor(message: string, public code = 'ECONFIG') { super(message); }
}

type Listener = (name: string, value: string) => void;

/** One name CONFIG knows: a parameter under its own name or an alias. */
interface Entry { name: string; param: Param; alias: boolean }

type Save = [bigint, number][];
interface ObufLimit { hard: bigint; soft: bigint; secs: number }
interface ReplicaOf { host: string; port: number }

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
const OBUF_DEFAULTS: Record<string, ObufLimit> = {
  normal: { hard: 0n, soft: 0n, secs: 0 },
  slave: { hard: 256n << 20n, soft: 64n << 20n, secs: 60 },
  pubsub: { hard: 32n << 20n, soft: 8n << 20n, secs: 60 },
};
const DEFAULT_SAVE: Save = [[3600n, 1], [300n, 100], [60n, 10000]];
const DEFAULT_BIND = ['*', '-::*'];
const OOM_DEFAULTS = [0, 200, 800];
const DEFAULT_PERCENTILES = [50, 99, 99.9];
/** Redis caps `bind` at this many addresses. */
const BIND_MAX = 16;
/** Redis keeps hz within these, whatever was asked. */
const HZ_MIN = 1n;
const HZ_MAX = 500n;

// notify-keyspace-events classes, in the order Redis prints them.
const NKE_KEYSPACE = 1 << 0;
const NKE_KEYEVENT = 1 << 1;
const NKE_KEY_MISS = 1 << 11;
const NKE_CLASSES: [string, number][] = [
  ['g', 1 << 2], ['$', 1 << 3], ['l', 1 << 4], ['s', 1 << 5], ['h', 1 << 6], ['z', 1 << 7],
  ['x', 1 << 8], ['e', 1 << 9], ['t', 1 << 10], ['d', 1 << 13], ['n', 1 << 14],
];
/** 'A': every class except K, E, m and n. */
const NKE_ALL = NKE_CLASSES.filter(([c]) => c !== 'n').reduce((a, [, f]) => a | f, 0);

/** Parses an event class string ("KEA", "Ex"); null on an unknown character. */
export function keyspaceEventsToFlags(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') flags |= NKE_ALL;
    else if (ch === 'K') flags |= NKE_KEYSPACE;
    else if (ch === 'E') flags |= NKE_KEYEVENT;
    else if (ch === 'm') flags |= NKE_KEY_MISS;
    else {
      const c = NKE_CLASSES.find(([k]) => k === ch);
      if (!c) return null;
      flags |= c[1];
    }
  }
  return flags;
}

export function keyspaceEventsToString(flags: number): string {
  let out = '';
  if ((flags & NKE_ALL) === NKE_ALL) out += 'A';
  else for (const [c, f] of NKE_CLASSES) if (flags & f) out += c;
  if (flags & NKE_KEYSPACE) out += 'K';
  if (flags & NKE_KEYEVENT) out += 'E';
  if (flags & NKE_KEY_MISS) out += 'm';
  return out;
}

/** Who is asking, for PROTECTED parameters (enable-protected-configs local). */
export interface SetContext { local: boolean }

/** Where a config file error happened, for the FATAL CONFIG FILE ERROR block. */
export class ConfigLoadError extends ConfigError {
  constructor(public reason: string, public lineNumber: number | null, public line: string | null) {
    super(reason, 'ECONFIGLOAD');
  }
  /** The block redis-server prints to stderr before exiting with 1. */
  report(version: string): string {
    let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\n`;
    if (this.lineNumber !== null) {
      out += `Reading the configuration file, at line ${this.lineNumber}\n>>> '${this.line}'\n`;
    }
    return `${out}${this.reason}\n`;
  }
}

export class Config {
  private values = new Map<string, unknown>();
  private entries = new Map<string, Entry>();
  private listeners: Listener[] = [];
  /** While a file is loading, the first `save` line replaces the defaults and later ones add. */
  private loading = false;
  private saveLoaded = false;
  /** Reads an included file; tests replace it. */
  readFile: (path: string) => string = (path) => requireFs().readFileSync(path, 'utf8');

  constructor(overrides: Record<string, string> = {}) {
    for (const p of PARAMS) {
      this.entries.set(p.name, { name: p.name, param: p, alias: false });
      if (p.alias) this.entries.set(p.alias, { name: p.alias, param: p, alias: true });
      this.values.set(p.name, defaultValue(p));
    }
    for (const [k, v] of Object.entries(overrides)) this.set(k, v);
  }

  // ---- reading ---------------------------------------------------------

  /** CONFIG GET's text for one parameter (aliases accepted). */
  get(name: string): string {
    return this.format(this.entry(name).param);
  }

  getInt(name: string): number {
    const p = this.entry(name).param;
    const v = this.values.get(p.name);
    return typeof v === 'bigint' ? Number(v) : Number(this.format(p));
  }

  getBool(name: string): boolean { return this.get(name) === 'yes'; }

  /** The save points as [seconds, changes]. */
  savePoints(): [number, number][] {
    return (this.values.get('save') as Save).map(([s, c]) => [Number(s), c]);
  }

  /** notify-keyspace-events as bits (K=1, E=2, g=4, ...), Redis's layout. */
  keyspaceEventFlags(): number { return this.values.get('notify-keyspace-events') as number; }

  /** client-output-buffer-limit of one class, in bytes and seconds (0 = no limit). */
  outputBufferLimit(cls: 'normal' | 'slave' | 'pubsub'): { hard: number; soft: number; secs: number } {
    const lim = (this.values.get('client-output-buffer-limit') as Record<string, ObufLimit>)[cls];
    return { hard: Number(lim.hard), soft: Number(lim.soft), secs: lim.secs };
  }

  /** The bind addresses as a list. */
  bindAddresses(): string[] { return [...(this.values.get('bind') as string[])]; }

  /** Every visible parameter and alias name (what `CONFIG GET *` lists). */
  names(): string[] {
    return [...this.entries.values()].filter((e) => !(e.param.flags & HIDDEN)).map((e) => e.name);
  }

  /**
   * CONFIG GET: each argument is a name or a glob. Returns [name, value]
   * pairs without repeats; an exact name answers under the spelling asked,
   * as Redis does.
   */
  match(patterns: string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    const add = (key: string, e: Entry) => {
      seen.add(key.toLowerCase());
      out.push([key, this.format(e.param)]);
    };
    for (const pat of patterns) {
      if (!/[[*?]/.test(pat)) {
        if (seen.has(pat.toLowerCase())) continue;
        const e = this.entries.get(pat.toLowerCase());
        if (e) add(pat, e);
        continue;
      }
      for (const e of this.entries.values()) {
        if (e.param.flags & HIDDEN) continue;
        if (seen.has(e.name)) continue;
        if (globMatch(pat, e.name, true)) add(e.name, e);
      }
    }
    return out;
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name.toLowerCase());
    if (!e) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`, 'EUNKNOWN');
    return e;
  }

  // ---- writing ---------------------------------------------------------

  /**
   * Sets one parameter from text as CONFIG SET would, but without the
   * immutable/protected checks (startup and tests use it). Throws
   * ConfigError with Redis's reason.
   */
  set(name: string, value: string): void {
    const e = this.entry(name);
    const res = this.assign(e.param, this.splitValue(e.param, value));
    if (typeof res === 'object') throw new ConfigError(res.err);
    if (res === 'changed') this.changed([e.param.name]);
  }

  onChange(l: Listener): void { this.listeners.push(l); }

  /**
   * CONFIG SET name value [name value ...]: all or nothing. Returns the
   * error reply text ("ERR ...") or null when every value was applied.
   */
  setMany(pairs: [string, string][], ctx: SetContext): string | null {
    let unknown: string | null = null;
    let err: { name: string; reason: string } | null = null;
    const chosen: Entry[] = [];
    for (const [name, ] of pairs) {
      const e = this.entries.get(name.toLowerCase());
      if (!e) {
        if (!unknown && !err) unknown = name;
        continue;
      }
      if (unknown || err) continue;
      if (e.param.flags & IMMUTABLE) err = { name, reason: "can't set immutable config" };
      else if ((e.param.flags & PROTECTED) && !this.allowProtected(ctx)) err = { name, reason: "can't set protected config" };
      else if (chosen.includes(e)) err = { name, reason: 'duplicate parameter' };
      chosen.push(e);
    }
    if (unknown) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`;
    if (err) return `ERR CONFIG SET failed (possibly related to argument '${err.name}') - ${err.reason}`;

    const backup = chosen.map((e) => cloneValue(this.values.get(e.param.name)));
    const changed: string[] = [];
    for (let i = 0; i < chosen.length; i++) {
      const p = chosen[i].param;
      const res = this.assign(p, this.splitValue(p, pairs[i][1]));
      if (typeof res === 'object') {
        for (let j = i; j >= 0; j--) this.values.set(chosen[j].param.name, backup[j]);
        return `ERR CONFIG SET failed (possibly related to argument '${chosen[i].name}') - ${res.err}`;
      }
      if (res === 'changed' && !changed.includes(p.name)) changed.push(p.name);
    }
    this.changed(changed);
    return null;
  }

  private allowProtected(ctx: SetContext): boolean {
    const v = this.get('enable-protected-configs');
    return v === 'yes' || (v === 'local' && ctx.local);
  }

  private changed(names: string[]): void {
    for (const n of names) {
      const v = this.get(n);
      for (const l of this.listeners) l(n, v);
    }
  }

  /** CONFIG SET gives one string; multi-word parameters split it on single spaces. */
  private splitValue(p: Param, value: string): string[] {
    if (!(p.flags & MULTI_ARG)) return [value];
    return value === '' ? [] : value.split(' ');
  }

  /** Validates and stores; 'same' when nothing changed (no listeners fire). */
  private assign(p: Param, args: string[]): 'changed' | 'same' | { err: string } {
    const before = this.format(p);
    const r = this.parse(p, args);
    if (typeof r === 'object' && r !== null && 'err' in (r as object)) return r as { err: string };
    this.values.set(p.name, r);
    if (p.name === 'hz') {
      const v = r as bigint;
      this.values.set('hz', v < HZ_MIN ? HZ_MIN : v > HZ_MAX ? HZ_MAX : v);
    }
    return this.format(p) === before ? 'same' : 'changed';
  }

  /** Text to typed value, or {err} with Redis's reason. */
  private parse(p: Param, args: string[]): unknown {
    const fail = (err: string) => ({ err });
    const v = args[0] ?? '';
    switch (p.type) {
      case 'bool': {
        const low = v.toLowerCase();
        if (low !== 'yes' && low !== 'no') return fail("argument must be 'yes' or 'no'");
        const reason = p.validate?.(low === 'yes');
        return reason ? fail(reason) : low === 'yes';
      }
      case 'string': {
        const reason = p.validate?.(v);
        if (reason) return fail(reason);
        return p.emptyIsNull && v === '' ? null : v;
      }
      case 'enum': return parseEnum(p, args);
      case 'num': return parseNum(p, v);
      case 'special': return this.parseSpecial(p, args);
    }
  }

  private parseSpecial(p: SpecialParam, args: string[]): unknown {
    const fail = (err: string) => ({ err });
    switch (p.special) {
      case 'dir': {
        if (args.length !== 1) return fail('wrong number of arguments');
        // At startup a missing data directory whose parent exists is created
        // (so `npm start` works on a fresh checkout with ./data); anything
        // else, and CONFIG SET, keeps Redis's chdir check.
        if (this.loading) {
          try { requireFs().mkdirSync(resolve(this.cwdForDir(), args[0])); } catch { /* checkDir says why */ }
        }
        return checkDir(resolve(this.cwdForDir(), args[0]));
      }
      case 'save': {
        let a = args;
        if (a.length === 1 && a[0] === '') a = [];
        if (a.length % 2) return fail('Invalid save parameters');
        const points: Save = [];
        for (let j = 0; j < a.length; j += 2) {
          const sec = strtoll(a[j]);
          const chg = strtoll(a[j + 1]);
          if (sec.rest !== '' || sec.value < 1n || chg.rest !== '' || chg.value < 0n) return fail('Invalid save parameters');
          points.push([sec.value, Number(BigInt.asIntN(32, chg.value))]);
        }
        // In a config file the first `save` line replaces the defaults and
        // each later one adds to it; CONFIG SET replaces.
        if (this.loading && this.saveLoaded) return [...(this.values.get('save') as Save), ...points];
        if (this.loading) this.saveLoaded = true;
        return points;
      }
      case 'client-output-buffer-limit': {
        if (args.length % 4) return fail('Wrong number of arguments in buffer limit configuration.');
        const cur = cloneValue(this.values.get(p.name)) as Record<string, ObufLimit>;
        const next: Record<string, ObufLimit> = {};
        for (let j = 0; j < args.length; j += 4) {
          const cls = obufClass(args[j]);
          if (!cls) return fail('Invalid client class specified in buffer limit configuration.');
          const hard = memtoull(args[j + 1]);
          const soft = memtoull(args[j + 2]);
          const secs = strtoll(args[j + 3]);
          const secs32 = Number(BigInt.asIntN(32, secs.value));
          if (hard === null || soft === null || secs32 < 0 || secs.rest !== '') {
            return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
          }
          next[cls] = { hard, soft, secs: secs32 };
        }
        return { ...cur, ...next };
      }
      case 'oom-score-adj-values': {
        if (args.length !== 3) return fail('wrong number of arguments');
        const vals: number[] = [];
        for (const a of args) {
          const r = strtoll(a);
          if (r.rest !== '' || r.value < -2000n || r.value > 2000n) {
            return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
          }
          vals.push(Number(r.value));
        }
        return vals;
      }
      case 'notify-keyspace-events': {
        if (args.length !== 1) return fail('wrong number of arguments');
        const f = keyspaceEventsToFlags(args[0]);
        return f === null ? fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.") : f;
      }
      case 'bind': {
        if (args.length > BIND_MAX) return fail('Too many bind addresses specified.');
        return args.length === 1 && args[0] === '' ? [] : [...args];
      }
      case 'replicaof': {
        if (args.length !== 2) return fail('wrong number of arguments');
        if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return null;
        const port = strtoll(args[1]);
        if (port.rest !== '' || port.value < 0n || port.value > 65535n) return fail('Invalid master port');
        return { host: args[0], port: Number(port.value) };
      }
      case 'latency-tracking-info-percentiles': {
        if (args.length === 1 && args[0] === '') return [];
        const out: number[] = [];
        for (const a of args) {
          const d = string2d(a);
          if (d === null) return fail('Invalid latency-tracking-info-percentiles parameters');
          if (d > 100 || d < 0) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
          out.push(d);
        }
        return out;
      }
    }
  }

  /** Redis chdirs on `dir`, so a relative dir is relative to the previous one. */
  private cwdForDir(): string {
    const cur = this.values.get('dir') as string;
    try {
      if (nodeFs?.statSync(cur).isDirectory()) return cur;
    } catch { /* not created yet: the process cwd */ }
    return cwd();
  }

  /** Typed value to CONFIG GET text. */
  private format(p: Param): string {
    const v = this.values.get(p.name);
    switch (p.type) {
      case 'bool': return v ? 'yes' : 'no';
      case 'string': return (v as string | null) ?? '';
      case 'enum': return formatEnum(p, v as number);
      case 'num': return formatNum(p, v as bigint);
      case 'special': return formatSpecial(p, v);
    }
  }

  // ---- config files ----------------------------------------------------

  /**
   * Loads redis.conf text as redis-server does: one directive per line,
   * sdssplitargs quoting, `include`, deprecated directives skipped. Throws
   * ConfigLoadError naming the line.
   */
  loadString(text: string, baseDir = cwd()): void {
    const outer = this.loading;
    this.loading = true;
    try {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
        if (line === '' || line.startsWith('#')) continue;
        const fail = (reason: string): never => { throw new ConfigLoadError(reason, i + 1, line); };
        const argv = splitArgs(line);
        if (argv === null) fail('Unbalanced quotes in configuration line');
        if (argv!.length === 0) continue;
        const name = argv![0].toLowerCase();
        const e = this.entries.get(name);
        if (e) {
          if (!(e.param.flags & MULTI_ARG) && argv!.length !== 2) fail('wrong number of arguments');
          let args = argv!.slice(1);
          // A multi-word parameter given as one word ("--save '100 1'") is
          // split again, as Redis 7.0 does; "" stays an empty value.
          if ((e.param.flags & MULTI_ARG) && args.length === 1 && args[0] !== '') {
            args = splitArgs(args[0]) ?? fail('Unbalanced quotes in configuration line');
          }
          const res = this.assign(e.param, args);
          if (typeof res === 'object') fail(res.err);
          if (res === 'changed') this.changed([e.param.name]);
          continue;
        }
        if (DEPRECATED_DIRECTIVES.has(name) && argv!.length === 2) continue;
        if (name === 'include' && argv!.length === 2) {
          this.include(resolve(this.cwdForInclude(baseDir), argv![1]));
        } else if (name === 'rename-command' || name === 'user' || name === 'loadmodule' || name === 'sentinel' || name.includes('.')) {
          fail(`'${name}' is not supported by this server`);
        } else {
          fail('Bad directive or wrong number of arguments');
        }
      }
    } finally {
      this.loading = outer;
    }
  }

  private cwdForInclude(baseDir: string): string {
    return this.dirWasSet() ? this.values.get('dir') as string : baseDir;
  }

  private dirWasSet(): boolean {
    return this.values.get('dir') !== defaultValue(PARAMS.find((p) => p.name === 'dir')!);
  }

  /** include path: a file, or a glob over file names (no match is fine). */
  private include(path: string): void {
    const slash = path.lastIndexOf('/');
    const dir = path.slice(0, slash) || '/';
    const base = path.slice(slash + 1);
    if (!/[*?[]/.test(base)) {
      this.loadString(this.readIncluded(path));
      return;
    }
    let names: string[] = [];
    try {
      names = requireFs().readdirSync(dir).filter((f) => globMatch(base, f, false)).sort();
    } catch { /* no such directory: nothing to include */ }
    for (const f of names) this.loadString(this.readIncluded(`${dir}/${f}`));
  }

  private readIncluded(path: string): string {
    try {
      return this.readFile(path);
    } catch (err: any) {
      throw new ConfigLoadError(`Fatal error, can't open config file '${path}': ${strerror(err)}`, null, null);
    }
  }


  // ---- CONFIG REWRITE --------------------------------------------------

  /**
   * The new content of a config file, Redis-style: comments and unknown
   * lines kept, each parameter's old lines reused in place, parameters not
   * at their default appended after a "# Generated by CONFIG REWRITE" mark,
   * and leftover lines of rewritten parameters blanked.
   */
  rewrite(oldText: string): string {
    const st = new RewriteState(oldText, (n) => this.entries.get(n.toLowerCase()));
    for (const p of PARAMS) this.rewriteParam(p, st);
    return st.content();
  }

  private rewriteParam(p: Param, st: RewriteState): void {
    const v = this.values.get(p.name);
    const name = p.name;
    switch (p.type) {
      case 'bool':
        st.line(name, `${name} ${v ? 'yes' : 'no'}`, v !== p.def);
        return;
      case 'string': {
        const s = v as string | null;
        if (s === null) { st.processed(name); return; }
        st.line(name, `${name} ${repr(s)}`, !(p.def !== null && s === p.def));
        return;
      }
      case 'enum':
        st.line(name, `${name} ${formatEnum(p, v as number)}`, (v as number) !== enumDefault(p));
        return;
      case 'num': {
        const n = v as bigint;
        if (p.unit === 'percent+memory' && n < 0n) st.line(name, `${name} ${-n}%`, n !== p.def);
        else if (p.unit === 'memory' || p.unit === 'percent+memory') st.line(name, `${name} ${formatMemory(BigInt.asUintN(64, n))}`, n !== p.def);
        else if (p.unit === 'octal') st.line(name, `${name} ${n.toString(8)}`, n !== p.def);
        else st.line(name, `${name} ${n}`, n !== p.def);
        return;
      }
      case 'special': this.rewriteSpecial(p, st);
    }
  }

  private rewriteSpecial(p: SpecialParam, st: RewriteState): void {
    const v = this.values.get(p.name);
    const name = p.name;
    switch (p.special) {
      case 'dir':
        st.line(name, `${name} ${repr(v as string)}`, true);
        return;
      case 'save': {
        const points = v as Save;
        if (points.length === 0) st.line(name, 'save ""', true);
        for (const [s, c] of points) st.line(name, `save ${s} ${c}`, true);
        st.processed(name);
        return;
      }
      case 'client-output-buffer-limit': {
        const lim = v as Record<string, ObufLimit>;
        for (const cls of OBUF_CLASSES) {
          const l = lim[cls];
          const d = OBUF_DEFAULTS[cls];
          const force = l.hard !== d.hard || l.soft !== d.soft || l.secs !== d.secs;
          const shown = cls === 'slave' ? 'replica' : cls;
          st.line(name, `${name} ${shown} ${formatMemory(l.hard)} ${formatMemory(l.soft)} ${l.secs}`, force);
        }
        return;
      }
      case 'oom-score-adj-values': {
        const vals = v as number[];
        st.line(name, `${name} ${vals.join(' ')}`, vals.some((x, i) => x !== OOM_DEFAULTS[i]));
        return;
      }
      case 'notify-keyspace-events':
        st.line(name, `${name} ${repr(keyspaceEventsToString(v as number))}`, (v as number) !== 0);
        return;
      case 'bind': {
        const addrs = v as string[];
        if (addrs.join(' ') === DEFAULT_BIND.join(' ')) { st.processed(name); return; }
        st.line(name, `${name} ${addrs.length ? addrs.join(' ') : '""'}`, true);
        return;
      }
      case 'replicaof': {
        const r = v as ReplicaOf | null;
        if (!r || this.getBool('cluster-enabled')) { st.processed(name); return; }
        st.line(name, `${name} ${r.host} ${r.port}`, true);
        return;
      }
      case 'latency-tracking-info-percentiles': {
        const ps = v as number[];
        st.line(name, `${name}${ps.length ? ps.map((x) => ` ${formatPercentile(x)}`).join('') : ' ""'}`, true);
      }
    }
  }
}

/** Redis's rewrite bookkeeping: which old lines belong to which parameter. */
class RewriteState {
  private lines: string[] = [];
  private optionLines = new Map<string, number[]>();
  private rewritten = new Set<string>();
  private needsSignature = true;

  constructor(text: string, lookup: (name: string) => Entry | undefined) {
    if (text === '') return;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, '');
      if (line === '' || line.startsWith('#')) {
        if (line === REWRITE_SIGNATURE) this.needsSignature = false;
        this.lines.push(line);
        continue;
      }
      const argv = splitArgs(line);
      const known = argv && argv.length > 0 && (lookup(argv[0]) || FILE_ONLY_DIRECTIVES.has(argv[0].toLowerCase()));
      if (!argv || !known) {
        // Unparsable or no longer a parameter: kept, as a comment.
        this.lines.push(`# ??? ${line}`);
        continue;
      }
      let name = argv[0].toLowerCase();
      const e = lookup(name);
      if (e) name = e.param.name;
      this.lines.push(line);
      const l = this.optionLines.get(name) ?? [];
      l.push(this.lines.length - 1);
      this.optionLines.set(name, l);
    }
  }

  processed(name: string): void { this.rewritten.add(name); }

  line(name: string, text: string, force: boolean): void {
    this.processed(name);
    const l = this.optionLines.get(name);
    if (!l && !force) return;
    if (l) {
      this.lines[l.shift()!] = text;
      if (l.length === 0) this.optionLines.delete(name);
      return;
    }
    if (this.needsSignature) {
      this.lines.push(REWRITE_SIGNATURE);
      this.needsSignature = false;
    }
    this.lines.push(text);
  }

  content(): string {
    for (const [name, l] of this.optionLines) {
      if (!this.rewritten.has(name)) continue;
      for (const i of l) this.lines[i] = '';
    }
    let out = '';
    let wasEmpty = false;
    for (const line of this.lines) {
      if (line === '') {
        if (wasEmpty) continue;
        wasEmpty = true;
      } else {
        wasEmpty = false;
      }
      out += `${line}\n`;
    }
    return out;
  }
}

const REWRITE_SIGNATURE = '# Generated by CONFIG REWRITE';
/** Directives CONFIG REWRITE keeps as they are although they are not parameters. */
const FILE_ONLY_DIRECTIVES = new Set(['include', 'rename-command', 'user', 'loadmodule', 'sentinel']);

// ---- per-type helpers -------------------------------------------------

/** C's strerror for the Node error codes file operations here can meet. */
export function strerror(err: any): string {
  switch (err?.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'ENOTDIR': return 'Not a directory';
    case 'EISDIR': return 'Is a directory';
    case 'EROFS': return 'Read-only file system';
    case 'ENOSPC': return 'No space left on device';
    case 'ENOTSUP': return 'Operation not supported';
    case 'EIO': return 'Input/output error';
    case 'EDQUOT': return 'Disk quota exceeded';
    case 'EFBIG': return 'File too large';
    case 'EBADF': return 'Bad file descriptor';
    case 'EPERM': return 'Operation not permitted';
    default: return String(err?.message ?? err);
  }
}

/** What chdir(2) would say about `path`, or the path when it is usable. */
function checkDir(path: string): string | { err: string } {
  try {
    const fs = requireFs();
    if (!fs.statSync(path).isDirectory()) return { err: 'Not a directory' };
    fs.accessSync(path, fs.constants.X_OK);
    return path;
  } catch (err) {
    return { err: strerror(err) };
  }
}

function obufClass(name: string): string | null {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'pubsub') return n;
  if (n === 'slave' || n === 'replica') return 'slave';
  return null;
}

function defaultValue(p: Param): unknown {
  switch (p.type) {
    case 'bool': return p.def;
    case 'string': return p.emptyIsNull && p.def === '' ? null : p.def;
    case 'enum': return enumDefault(p);
    case 'num': return p.def;
    case 'special':
      switch (p.special) {
        case 'dir': return resolve('data');
        case 'save': return DEFAULT_SAVE.map(([s, c]) => [s, c]);
        case 'client-output-buffer-limit': return cloneValue(OBUF_DEFAULTS);
        case 'oom-score-adj-values': return [...OOM_DEFAULTS];
        case 'notify-keyspace-events': return 0;
        case 'bind': return [...DEFAULT_BIND];
        case 'replicaof': return null;
        case 'latency-tracking-info-percentiles': return [...DEFAULT_PERCENTILES];
      }
  }
}

function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = cloneValue(x);
    return o as T;
  }
  return v;
}

// Enums hold an index; "multi" enums (shutdown-on-sigint) hold bits where
// value i (i >= 1) is bit 1 << (i - 1) and value 0 means no bit.
function enumDefault(p: EnumParam): number {
  const i = p.values.indexOf(p.def);
  return p.multi ? (i === 0 ? 0 : 1 << (i - 1)) : i;
}

function parseEnum(p: EnumParam, args: string[]): number | { err: string } {
  const bad = { err: `argument(s) must be one of the following: ${p.values.join(', ')}` };
  if (!p.multi) {
    const i = p.values.indexOf((args[0] ?? '').toLowerCase());
    return i < 0 || args.length !== 1 ? bad : i;
  }
  if (args.length === 0) return bad;
  let bits = 0;
  for (const a of args) {
    const i = p.values.indexOf(a.toLowerCase());
    if (i < 0) return bad;
    if (i > 0) bits |= 1 << (i - 1);
  }
  // shutdown-on-sig*: SAVE (bit 0) and NOSAVE (bit 1) exclude each other.
  if ((bits & 3) === 3) return { err: "shutdown options SAVE and NOSAVE can't be used simultaneously" };
  return bits;
}

function formatEnum(p: EnumParam, v: number): string {
  if (!p.multi) {
    // Several names may share a value (oom-score-adj yes/relative): the first wins.
    const name = p.values[v];
    return p.name === 'oom-score-adj' && name === 'relative' ? 'yes' : name;
  }
  if (v === 0) return p.values[0];
  return p.values.slice(1).filter((_, i) => v & (1 << i)).join(' ');
}

const UNSIGNED: Set<string> = new Set(['ull', 'uint', 'size']);

/** Parses then bounds-checks a number exactly as Redis's numeric configs do. */
function parseNum(p: NumParam, s: string): bigint | { err: string } {
  let v: bigint | null = null;
  if (p.unit === 'memory' || p.unit === 'percent+memory') {
    const m = memtoull(s);
    // Redis reads the unsigned result into a long long.
    if (m !== null) v = BigInt.asIntN(64, m);
  }
  if (v === null && p.unit === 'percent+memory' && s.length > 1 && s.endsWith('%')) {
    const pct = string2ll(s.slice(0, -1));
    if (pct !== null && pct >= 0n) v = -pct;
  }
  if (v === null && p.unit === 'octal') {
    const r = strtoll(s, 8);
    if (!r.overflow && r.rest === '') v = r.value;
  }
  if (v === null && !p.unit) v = string2ll(s);
  if (v === null) {
    if (p.unit === 'percent+memory') return { err: 'argument must be a memory or percent value' };
    if (p.unit === 'memory') return { err: 'argument must be a memory value' };
    if (p.unit === 'octal') return { err: "argument couldn't be parsed as an octal number" };
    return { err: "argument couldn't be parsed into an integer" };
  }
  if (UNSIGNED.has(p.kind)) {
    const u = BigInt.asUintN(64, v);
    const lo = BigInt.asUintN(64, p.min);
    const hi = BigInt.asUintN(64, p.max);
    if (u > hi || u < lo) {
      const f = (x: bigint) => (p.unit === 'octal' ? x.toString(8) : x.toString());
      return { err: `argument must be between ${f(lo)} and ${f(hi)} inclusive` };
    }
  } else if (p.unit === 'percent+memory' && v < 0n) {
    if (v < p.min) return { err: `percentage argument must be less or equal to ${-p.min}` };
  } else if (v > p.max || v < p.min) {
    return { err: `argument must be between ${p.min} and ${p.max} inclusive` };
  }
  return v;
}

function formatNum(p: NumParam, v: bigint): string {
  if (p.unit === 'percent+memory' && v < 0n) return `${-v}%`;
  if (p.unit === 'memory' || p.unit === 'percent+memory') return BigInt.asUintN(64, v).toString();
  if (p.unit === 'octal') return BigInt.asUintN(64, v).toString(8);
  return v.toString();
}

function formatSpecial(p: SpecialParam, v: unknown): string {
  switch (p.special) {
    case 'dir': return v as string;
    case 'save': return (v as Save).map(([s, c]) => `${s} ${c}`).join(' ');
    case 'client-output-buffer-limit': {
      const lim = v as Record<string, ObufLimit>;
      return OBUF_CLASSES.map((c) => `${c} ${lim[c].hard} ${lim[c].soft} ${lim[c].secs}`).join(' ');
    }
    case 'oom-score-adj-values': return (v as number[]).join(' ');
    case 'notify-keyspace-events': return keyspaceEventsToString(v as number);
    case 'bind': return (v as string[]).join(' ');
    case 'replicaof': {
      const r = v as ReplicaOf | null;
      return r ? `${r.host} ${r.port}` : '';
    }
    case 'latency-tracking-info-percentiles': return (v as number[]).map(formatPercentile).join(' ');
  }
}

