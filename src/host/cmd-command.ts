// COMMAND and its subcommands: the server describing its own command table.
// Everything here is read from the one generated table (src/engine/
// commands.gen.ts, from table/commands.json); what Redis derives from that
// table at startup (implicit ACL categories, the legacy first/last/step key
// range, the movablekeys flag) is derived the same way below.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import {
  COMMANDS, CommandMeta, CMD_COMMAND, CMD_COMMAND_COUNT, CMD_COMMAND_DOCS, CMD_COMMAND_GETKEYS,
  CMD_COMMAND_GETKEYSANDFLAGS, CMD_COMMAND_HELP, CMD_COMMAND_INFO, CMD_COMMAND_LIST,
} from '../engine/commands.gen.js';
import { replyHelp } from './replyhelp.js';
import { stringMatch } from './stringmatch.js';

const TOP = COMMANDS.filter((m) => m.parent < 0);
const CHILDREN: CommandMeta[][] = COMMANDS.map(() => []);
for (const m of COMMANDS) if (m.parent >= 0) CHILDREN[m.parent].push(m);
const BY_NAME = new Map(COMMANDS.map((m) => [m.name, m]));

/** A command by name (any case), or a subcommand as ("config", "get"). */
export function lookupCommandMeta(name: string, sub?: string): CommandMeta | undefined {
  const top = BY_NAME.get(name.toLowerCase());
  if (!top || sub === undefined || CHILDREN[top.id].length === 0) return top;
  return BY_NAME.get(`${top.name}|${sub.toLowerCase()}`);
}

const has = (m: CommandMeta, f: string) => (m.command_flags ?? []).includes(f);

// ---- flags, ACL categories, legacy key range ------------------------------------

// The order Redis lists command flags in; the flags it hides are absent.
const FLAG_ORDER = [
  'WRITE', 'READONLY', 'DENYOOM', 'MODULE', 'ADMIN', 'PUBSUB', 'NOSCRIPT', 'BLOCKING', 'LOADING',
  'STALE', 'SKIP_MONITOR', 'SKIP_SLOWLOG', 'ASKING', 'FAST', 'NO_AUTH', 'NO_MANDATORY_KEYS',
  'NO_ASYNC_LOADING', 'NO_MULTI', 'MOVABLE_KEYS', 'ALLOW_BUSY',
];
const FLAG_NAME: Record<string, string> = { MOVABLE_KEYS: 'movablekeys' };

// ACL categories in Redis's order (the order COMMAND INFO lists them in).
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
];

/** Explicit categories plus those Redis implies from the flags. */
export function aclCategories(m: CommandMeta): string[] {
  const cats = new Set((m.acl_categories ?? []).map((c) => c.toLowerCase()));
  if (has(m, 'WRITE')) cats.add('write');
  if (has(m, 'READONLY') && !cats.has('scripting')) cats.add('read');
  if (has(m, 'ADMIN')) { cats.add('admin'); cats.add('dangerous'); }
  if (has(m, 'PUBSUB')) cats.add('pubsub');
  if (has(m, 'FAST')) cats.add('fast');
  if (has(m, 'BLOCKING')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

interface LegacyRange { first: number; last: number; step: number; movable: boolean }

const isPlainRange = (s: any) => s.begin_search.index !== undefined && s.find_keys.range !== undefined;

/**
 * The pre-7.0 (first, last, step) triple, merged from consecutive plain range
 * specs as Redis does; anything it cannot express makes the keys "movable".
 */
function legacyRange(m: CommandMeta): LegacyRange {
  const specs = m.key_specs ?? [];
  const out = { first: 0, last: 0, step: 0, movable: false };
  if (specs.length === 0) return out;
  const incomplete = (s: any) => (s.flags ?? []).includes('INCOMPLETE');
  if (specs.length === 1 && isPlainRange(specs[0])) {
    const s = specs[0];
    out.first = s.begin_search.index.pos;
    out.last = s.find_keys.range.lastkey >= 0 ? out.first + s.find_keys.range.lastkey : s.find_keys.range.lastkey;
    out.step = s.find_keys.range.step;
    out.movable = incomplete(s);
    return out;
  }
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (!isPlainRange(s)) { out.movable = true; continue; }
    const pos = s.begin_search.index.pos;
    if (s.find_keys.range.step !== 1 || (prevLast && prevLast !== pos - 1)) { out.movable = true; continue; }
    if (incomplete(s)) out.movable = true;
    first = Math.min(first, pos);
    const abs = s.find_keys.range.lastkey >= 0 ? s.find_keys.range.lastkey + pos : s.find_keys.range.lastkey;
    // Redis compares as unsigned, so a negative (relative-to-end) last key wins.
    last = (abs >>> 0) > (last >>> 0) ? abs : last;
    prevLast = last;
  }
  if (first === Infinity) { out.movable = true; return out; }
  out.first = first;
  out.last = last;
  out.step = 1;
  return out;
}

export function commandFlags(m: CommandMeta): string[] {
  const flags = new Set(m.command_flags ?? []);
  if (legacyRange(m).movable) flags.add('MOVABLE_KEYS');
  return FLAG_ORDER.filter((f) => flags.has(f)).map((f) => FLAG_NAME[f] ?? f.toLowerCase());
}

// ---- COMMAND INFO -------------------------------------------------------------

const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS'];
/** Key-spec flags as Redis prints them: the four access kinds in capitals, the rest lowercase. */
function keyFlagNames(flags: string[]): string[] {
  return KEY_FLAG_ORDER.filter((f) => flags.includes(f)).map((f) => (f.length === 2 ? f : f.toLowerCase()));
}

function replyKeySpec(r: Reply, s: any): void {
  r.map(s.notes ? 4 : 3);
  if (s.notes) r.bulk('notes').bulk(s.notes);
  const flags = keyFlagNames(s.flags ?? []);
  r.bulk('flags').set(flags.length);
  for (const f of flags) r.simple(f);
  r.bulk('begin_search').map(2);
  if (s.begin_search.index) {
    r.bulk('type').bulk('index').bulk('spec').map(1).bulk('index').int(s.begin_search.index.pos);
  } else if (s.begin_search.keyword) {
    r.bulk('type').bulk('keyword').bulk('spec').map(2)
      .bulk('keyword').bulk(s.begin_search.keyword.keyword).bulk('startfrom').int(s.begin_search.keyword.startfrom);
  } else {
    r.bulk('type').bulk('unknown').bulk('spec').map(0);
  }
  r.bulk('find_keys').map(2);
  if (s.find_keys.range) {
    const k = s.find_keys.range;
    r.bulk('type').bulk('range').bulk('spec').map(3)
      .bulk('lastkey').int(k.lastkey).bulk('keystep').int(k.step).bulk('limit').int(k.limit);
  } else if (s.find_keys.keynum) {
    const k = s.find_keys.keynum;
    r.bulk('type').bulk('keynum').bulk('spec').map(3)
      .bulk('keynumidx').int(k.keynumidx).bulk('firstkey').int(k.firstkey).bulk('keystep').int(k.step);
  } else {
    r.bulk('type').bulk('unknown').bulk('spec').map(0);
  }
}

function replyCommandInfo(r: Reply, m: CommandMeta): void {
  const flags = commandFlags(m);
  const range = legacyRange(m);
  const cats = aclCategories(m);
  const tips = (m.command_tips ?? []).map((t) => t.toLowerCase());
  const specs = m.key_specs ?? [];
  const subs = CHILDREN[m.id];
  r.array(10);
  r.bulk(m.name).int(m.arity);
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.int(range.first).int(range.last).int(range.step);
  r.set(cats.length);
  for (const c of cats) r.simple(`@${c}`);
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  // Redis 7.0 sends key specs and subcommands as RESP3 sets.
  r.set(specs.length);
  for (const s of specs) replyKeySpec(r, s);
  r.set(subs.length);
  for (const s of subs) replyCommandInfo(r, s);
}

// ---- COMMAND DOCS -------------------------------------------------------------

const ARG_FLAGS = ['optional', 'multiple', 'multiple_token'];

function replyArgs(r: Reply, args: any[]): void {
  r.array(args.length);
  for (const a of args) {
    const flags = ARG_FLAGS.filter((f) => a[f]);
    const fields: [string, (r: Reply) => void][] = [
      ['name', (r) => r.bulk(a.name)],
      ['type', (r) => r.bulk(a.type)],
    ];
    if (a.key_spec_index !== undefined) fields.push(['key_spec_index', (r) => r.int(a.key_spec_index)]);
    if (a.token !== undefined) fields.push(['token', (r) => r.bulk(a.token)]);
    if (a.summary !== undefined) fields.push(['summary', (r) => r.bulk(a.summary)]);
    if (a.since !== undefined) fields.push(['since', (r) => r.bulk(a.since)]);
    if (a.deprecated_since !== undefined) fields.push(['deprecated_since', (r) => r.bulk(a.deprecated_since)]);
    if (flags.length) fields.push(['flags', (r) => { r.set(flags.length); for (const f of flags) r.simple(f); }]);
    if (a.arguments) fields.push(['arguments', (r) => replyArgs(r, a.arguments)]);
    r.map(fields.length);
    for (const [k, put] of fields) { r.bulk(k); put(r); }
  }
}

function replyCommandDocs(r: Reply, m: CommandMeta): void {
  const fields: [string, (r: Reply) => void][] = [];
  if (m.summary !== undefined) fields.push(['summary', (r) => r.bulk(m.summary!)]);
  fields.push(['since', (r) => r.bulk(m.since)]);
  fields.push(['group', (r) => r.bulk(m.group)]);
  if (m.complexity !== undefined) fields.push(['complexity', (r) => r.bulk(m.complexity!)]);
  const docFlags = (m.doc_flags ?? []).map((f) => f.toLowerCase());
  if (docFlags.length) fields.push(['doc_flags', (r) => { r.set(docFlags.length); for (const f of docFlags) r.simple(f); }]);
  if (m.deprecated_since !== undefined) fields.push(['deprecated_since', (r) => r.bulk(m.deprecated_since!)]);
  if (m.replaced_by !== undefined) fields.push(['replaced_by', (r) => r.bulk(m.replaced_by!)]);
  const history = m.history ?? [];
  if (history.length) {
    fields.push(['history', (r) => { r.set(history.length); for (const [v, what] of history) r.array(2).bulk(v).bulk(what); }]);
  }
  if (m.arguments?.length) fields.push(['arguments', (r) => replyArgs(r, m.arguments!)]);
  const subs = CHILDREN[m.id];
  if (subs.length) {
    fields.push(['subcommands', (r) => { r.map(subs.length); for (const s of subs) { r.bulk(s.name); replyCommandDocs(r, s); } }]);
  }
  r.map(fields.length);
  for (const [k, put] of fields) { r.bulk(k); put(r); }
}

// ---- key extraction (COMMAND GETKEYS) --------------------------------------------

export interface KeyRef { pos: number; flags: string[] }

/** Keys of `argv` (argv[0] is the command name) by the key specs, or null where a spec cannot be applied. */
function keysBySpecs(m: CommandMeta, argv: Buffer[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const s of m.key_specs ?? []) {
    if ((s.flags ?? []).includes('NOT_KEY')) continue;
    let first = 0;
    if (s.begin_search.index) {
      first = s.begin_search.index.pos;
    } else if (s.begin_search.keyword) {
      const { keyword, startfrom } = s.begin_search.keyword;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 0;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toString().toLowerCase() === String(keyword).toLowerCase()) { first = i + 1; break; }
      }
      if (!first) continue;
    } else {
      return null;
    }
    let last: number;
    let step: number;
    if (s.find_keys.range) {
      const k = s.find_keys.range;
      step = k.step;
      if (k.lastkey >= 0) last = first + k.lastkey;
      else if (!k.limit) last = argc + k.lastkey;
      else last = first + Math.floor((argc - first) / k.limit) + k.lastkey;
    } else if (s.find_keys.keynum) {
      const k = s.find_keys.keynum;
      step = k.step;
      const at = first + k.keynumidx;
      if (at >= argc) return null;
      const text = argv[at].toString();
      if (!/^(0|-?[1-9]\d*)$/.test(text) || Number(text) < 0) return null;
      first += k.firstkey;
      last = first + Number(text) - 1;
    } else {
      return null;
    }
    for (let i = first; i <= last; i += step) {
      // Variadic commands are not arity-checked here: past the end means no key.
      if (i >= argc || i < first) continue;
      out.push({ pos: i, flags: s.flags ?? [] });
    }
  }
  return out;
}

// Commands whose key flags depend on their arguments (VARIABLE_FLAGS): Redis
// computes them with a per-command function; these are ours.
const VARIABLE_KEY_FLAGS: Record<string, (argv: Buffer[]) => string[]> = {
  set(argv) {
    for (let i = 3; i < argv.length; i++) if (argv[i].toString().toLowerCase() === 'get') return ['RW', 'ACCESS', 'UPDATE'];
    return ['OW', 'UPDATE'];
  },
  bitfield(argv) {
    for (let i = 2; i < argv.length; i++) {
      const left = argv.length - i - 1;
      const op = argv[i].toString().toLowerCase();
      if (op === 'get' && left >= 2) i += 2;
      else if (op === 'overflow' && left >= 1) i += 1;
      else return ['RW', 'ACCESS', 'UPDATE']; // SET/INCRBY, or a syntax error: assume a write
    }
    return ['RO', 'ACCESS'];
  },
};

/** The keys of a full command line, as COMMAND GETKEYS and ACL/cluster logic see them. */
export function commandKeys(m: CommandMeta, argv: Buffer[]): KeyRef[] | null {
  const keys = keysBySpecs(m, argv);
  const variable = VARIABLE_KEY_FLAGS[m.name];
  if (keys && variable) {
    const flags = variable(argv);
    for (const k of keys) k.flags = flags;
  }
  return keys;
}

function hasKeyArgs(m: CommandMeta): boolean {
  return (m.key_specs ?? []).some((s) => !(s.flags ?? []).includes('NOT_KEY'));
}

// COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...]
function getKeys(args: Buffer[], r: Reply, withFlags: boolean): void {
  const argv = args.slice(2);
  const top = BY_NAME.get(argv[0].toString().toLowerCase());
  let m = top;
  if (top && CHILDREN[top.id].length && argv.length >= 2) m = BY_NAME.get(`${top.name}|${argv[1].toString().toLowerCase()}`);
  if (!m) { r.error('ERR Invalid command specified'); return; }
  if (!hasKeyArgs(m)) { r.error('ERR The command has no key arguments'); return; }
  if ((m.arity > 0 && m.arity !== argv.length) || argv.length < -m.arity) {
    r.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = commandKeys(m, argv);
  if (!keys || keys.length === 0) {
    if (has(m, 'NO_MANDATORY_KEYS')) r.array(0);
    else r.error('ERR Invalid arguments specified for command');
    return;
  }
  r.array(keys.length);
  for (const k of keys) {
    if (!withFlags) { r.bulk(argv[k.pos]); continue; }
    const names = keyFlagNames(k.flags);
    r.array(2).bulk(argv[k.pos]).set(names.length);
    for (const f of names) r.simple(f);
  }
}

// ---- the commands ---------------------------------------------------------------

// COMMAND
function cmdCommand(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.array(TOP.length);
  for (const m of TOP) replyCommandInfo(r, m);
}

// COMMAND COUNT
function cmdCommandCount(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.int(TOP.length);
}

// COMMAND INFO [command-name ...]: unknown names answer null in their place.
function cmdCommandInfo(_srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length === 2) { cmdCommand(_srv, _c, args, r); return; }
  r.array(args.length - 2);
  for (const a of args.slice(2)) {
    const m = BY_NAME.get(a.toString().toLowerCase());
    if (m) replyCommandInfo(r, m);
    else r.nullBulk();
  }
}

// COMMAND DOCS [command-name ...]: unknown names are left out.
function cmdCommandDocs(_srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const wanted = args.length === 2 ? TOP
    : args.slice(2).map((a) => BY_NAME.get(a.toString().toLowerCase())).filter((m): m is CommandMeta => !!m);
  r.map(wanted.length);
  for (const m of wanted) {
    r.bulk(m.name);
    replyCommandDocs(r, m);
  }
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
function cmdCommandList(_srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  // Without a filter as with one, subcommands are listed too ("config|get").
  if (args.length === 2) { r.bulkArray(listed(() => true)); return; }
  if (args.length !== 5 || args[2].toString().toLowerCase() !== 'filterby') { r.error('ERR syntax error'); return; }
  const kind = args[3].toString().toLowerCase();
  const value = args[4];
  let match: (m: CommandMeta) => boolean;
  if (kind === 'module') {
    match = () => false; // no modules are loaded
  } else if (kind === 'aclcat') {
    const cat = value.toString().toLowerCase();
    match = (m) => aclCategories(m).includes(cat);
  } else if (kind === 'pattern') {
    match = (m) => stringMatch(value, Buffer.from(m.name), true);
  } else {
    r.error('ERR syntax error');
    return;
  }
  r.bulkArray(listed(match));
}

function listed(match: (m: CommandMeta) => boolean): string[] {
  const names: string[] = [];
  for (const m of TOP) {
    if (match(m)) names.push(m.name);
    for (const s of CHILDREN[m.id]) if (match(s)) names.push(s.name);
  }
  return names;
}

// COMMAND GETKEYS command [arg ...]
function cmdCommandGetkeys(_srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  getKeys(args, r, false);
}

// COMMAND GETKEYSANDFLAGS command [arg ...]
function cmdCommandGetkeysandflags(_srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  getKeys(args, r, true);
}

// COMMAND HELP
function cmdCommandHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'COMMAND', [
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.',
  ]);
}

export function register(): void {
  registerHost(CMD_COMMAND, cmdCommand);
  registerHost(CMD_COMMAND_COUNT, cmdCommandCount);
  registerHost(CMD_COMMAND_INFO, cmdCommandInfo);
  registerHost(CMD_COMMAND_DOCS, cmdCommandDocs);
  registerHost(CMD_COMMAND_LIST, cmdCommandList);
  registerHost(CMD_COMMAND_GETKEYS, cmdCommandGetkeys);
  registerHost(CMD_COMMAND_GETKEYSANDFLAGS, cmdCommandGetkeysandflags);
  registerHost(CMD_COMMAND_HELP, cmdCommandHelp);
}
