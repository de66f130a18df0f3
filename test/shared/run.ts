// Runs the shared command tables (commands.cases.ts) against any target and
// reports mismatches. No Node imports: the browser test bundles this file
// and runs it in the page.
import type { SharedTable } from './commands.cases.js';
import { ReplyDecoder, ReplyValue, PushMessage } from '../../src/embedded/resp.js';
import { ReplyError } from '../../src/embedded/errors.js';

const utf8 = new TextEncoder();

/**
 * By name, not instanceof: in the browser test the API comes from the
 * shipped bundle, a different copy of the class than this file imports.
 */
function isReplyError(v: unknown): v is ReplyError {
  return v instanceof Error && v.name === 'ReplyError';
}

/** A table's argument as the bytes that go on the wire. */
export function argBytes(table: SharedTable, a: string | number): Uint8Array {
  const s = String(a);
  if (!table.latin1) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes as a byte string (one char per byte), the form the tables write replies in. */
export function byteString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

export function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A reply as a plain value deep equality can compare (errors become { error }). */
export function plain(v: unknown): unknown {
  if (isReplyError(v)) return { error: v.message };
  if (v instanceof PushMessage) return { push: v.data.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [plain(k), plain(x)]) };
  if (v instanceof Set) return { set: [...v].map(plain) };
  if (v instanceof Uint8Array) return { bytes: byteString(v) };
  return v;
}

/** What the embedded API should return for a raw reply: the same decoder the API uses. */
export function expectedValue(raw: string, buffers: boolean): unknown {
  const bytes = bytesOf(raw);
  return plain(new ReplyDecoder().reset(bytes, 0, bytes.length, buffers).next() as ReplyValue);
}

export interface RawTarget {
  /** Sends one command; resolves with its raw reply as a byte string. */
  raw(args: Uint8Array[]): Promise<string> | string;
}

/** Runs a table's setup and rows; returns "args: got X, want Y" for each mismatch. */
export async function runRaw(table: SharedTable, target: RawTarget): Promise<string[]> {
  const bad: string[] = [];
  for (const s of table.setup) await target.raw(s.map((a) => argBytes(table, a)));
  for (const [args, want] of table.rows) {
    const got = await target.raw(args.map((a) => argBytes(table, a)));
    if (got !== want) bad.push(`${args.join(' ')}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return bad;
}

/** The embedded API surface the value runner needs (a Vermilion handle). */
export interface ValueTarget {
  callSync(...args: Uint8Array[]): unknown;
  callBufferSync(...args: Uint8Array[]): unknown;
  call(...args: Uint8Array[]): Promise<unknown>;
  callBuffer(...args: Uint8Array[]): Promise<unknown>;
  pipeline(cmds: Uint8Array[][], opts?: { buffers?: boolean }): { exec(): Promise<[unknown, unknown][]>; execSync(): [unknown, unknown][] };
}

const outcome = (f: () => unknown): unknown => {
  try {
    return plain(f());
  } catch (err) {
    if (isReplyError(err)) return { error: err.message };
    throw err;
  }
};

const outcomeAsync = async (f: () => Promise<unknown>): Promise<unknown> => {
  try {
    return plain(await f());
  } catch (err) {
    if (isReplyError(err)) return { error: err.message };
    throw err;
  }
};

const same = (a: unknown, b: unknown) => JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ===
  JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/**
 * Runs a table's rows through the API's value calls: `mode` picks
 * callSync, call (async) or one pipeline for the whole table. Latin1
 * tables compare bytes (callBuffer*), the others text.
 */
export async function runValues(table: SharedTable, db: ValueTarget, mode: 'sync' | 'async' | 'pipeline'): Promise<string[]> {
  const bad: string[] = [];
  const buffers = !!table.latin1;
  const setup = table.setup.map((s) => s.map((a) => argBytes(table, a)));
  const rows = table.rows.map(([args]) => args.map((a) => argBytes(table, a)));
  const check = (i: number, got: unknown) => {
    const want = expectedValue(table.rows[i][1], buffers);
    if (!same(got, want)) bad.push(`${table.rows[i][0].join(' ')} (${mode}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  if (mode === 'pipeline') {
    const res = await db.pipeline([...setup, ...rows], { buffers }).exec();
    res.slice(setup.length).forEach(([err, v], i) => check(i, err ? plain(err) : plain(v)));
    return bad;
  }
  for (const s of setup) {
    if (mode === 'sync') outcome(() => db.callSync(...s));
    else await outcomeAsync(() => db.call(...s));
  }
  for (let i = 0; i < rows.length; i++) {
    const args = rows[i];
    const got = mode === 'sync'
      ? outcome(() => (buffers ? db.callBufferSync(...args) : db.callSync(...args)))
      : await outcomeAsync(() => (buffers ? db.callBuffer(...args) : db.call(...args)));
    check(i, got);
  }
  return bad;
}
