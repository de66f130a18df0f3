// The MONITOR feed: every command a client runs, shown to MONITOR clients
// as Redis 7.0 shows it (replicationFeedMonitors):
//
//   +<unix seconds>.<micros> [<db> <ip:port>] "cmd" "arg" ...
//
// Arguments are quoted with Redis's sdscatrepr escaping. Commands flagged
// ADMIN or SKIP_MONITOR are never shown, nor commands rejected before they
// ran (unknown, wrong arity, NOAUTH: the engine records those with a
// negative id). Secrets given to AUTH and HELLO ... AUTH
// are shown as "(redacted)". The db is the client's db after the command
// ran (SELECT 5 shows as [5 ...]).
//
// Engine commands come as spans of the client's input (the engine's batch
// records), re-parsed here only when a monitor exists, so the fast path pays
// nothing; host commands come with their parsed arguments.
import { COMMANDS, CMD_AUTH, CMD_HELLO } from '../engine/commands.gen.js';
import { CF_MONITOR } from '../engine/engine.js';
import type { HostClient, HostServer, MonitorFeedLike } from './context.js';

const HIDDEN = new Uint8Array(COMMANDS.length);
for (const c of COMMANDS) {
  const f = c.command_flags ?? [];
  if (f.includes('ADMIN') || f.includes('SKIP_MONITOR')) HIDDEN[c.id] = 1;
}

const REDACTED = Buffer.from('(redacted)');

/** Wall-clock time in microseconds, with sub-millisecond resolution (MONITOR, TIME). */
export function nowMicros(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms * 1000));
}

export class MonitorFeed implements MonitorFeedLike {
  private clients = new Set<HostClient>();

  constructor(private srv: HostServer) {}

  get active(): boolean { return this.clients.size > 0; }

  add(c: HostClient): void {
    c.monitor = true;
    this.clients.add(c);
    // Like a replica, a monitor may no longer read or write keys.
    const x = this.srv.engine.x;
    x.setClientFlags(c.slot, x.clientFlags(c.slot) | CF_MONITOR);
  }

  remove(c: HostClient): void {
    if (!this.clients.delete(c)) return;
    c.monitor = false;
    if (c.socket) {
      const x = this.srv.engine.x;
      x.setClientFlags(c.slot, x.clientFlags(c.slot) & ~CF_MONITOR);
    }
  }

  /** An engine-run command: `start`..`end` of client `c`'s input. */
  feedRaw(c: HostClient, id: number, db: number, start: number, end: number, out: Buffer[]): void {
    if (id < 0 || HIDDEN[id]) return;
    const args = parseCommand(this.srv.engine.requestBytes(start, end));
    if (args) this.feed(c, id, db, args, out);
  }

  /**
   * A command that ran, with its arguments. `out` is `c`'s pending output:
   * a client monitoring itself sees the line after the command's reply.
   */
  feed(c: HostClient, id: number, db: number, args: Buffer[], out: Buffer[], force = false): void {
    if (id < 0 || (HIDDEN[id] && !force)) return;
    const t = nowMicros();
    const secs = t / 1000000n;
    const micros = String(t % 1000000n).padStart(6, '0');
    // Redis names a unix client by the socket ("unix:/tmp/redis.sock"), not its addr.
    const who = c.unixSocket ? `unix:${c.addr.slice(0, -2)}` : c.addr;
    let line = `+${secs}.${micros} [${db} ${who}]`;
    const shown = redact(id, args);
    for (const a of shown) line += ' ' + repr(a);
    const msg = Buffer.from(line + '\r\n', 'latin1');
    for (const m of this.clients) {
      // RESET turns MONITOR off without telling the feed.
      if (!m.monitor || !m.socket) { this.clients.delete(m); continue; }
      if (m === c) {
        out.push(msg);
      } else {
        this.srv.send(m, msg);
      }
    }
  }
}

/** AUTH hides every argument; HELLO the user and password after its AUTH option. */
function redact(id: number, args: Buffer[]): Buffer[] {
  if (id === CMD_AUTH) return args.map((a, i) => (i === 0 ? a : REDACTED));
  if (id !== CMD_HELLO || args.length < 2) return args;
  // HELLO parses its options only after a valid protocol version.
  const ver = args[1].toString('latin1');
  if (ver !== '2' && ver !== '3') return args;
  const out = args.slice();
  for (let j = 2; j < out.length; j++) {
    const more = out.length - 1 - j;
    const opt = out[j].toString('latin1').toLowerCase();
    if (opt === 'auth' && more >= 2) {
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else if (opt === 'setname' && more >= 1) {
      j += 1;
    } else {
      break;
    }
  }
  return out;
}

/** Redis's sdscatrepr: a double-quoted string with C-style escapes. */
export function repr(b: Buffer): string {
  let s = '"';
  for (const ch of b) {
    switch (ch) {
      case 0x5c: s += '\\\\'; break;
      case 0x22: s += '\\"'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case 0x07: s += '\\a'; break;
      case 0x08: s += '\\b'; break;
      default:
        s += ch >= 0x20 && ch <= 0x7e ? String.fromCharCode(ch) : '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return s + '"';
}

// ---- re-reading a command from its input bytes -----------------------------------

/** The arguments of one complete command (multibulk or inline), or null. */
export function parseCommand(raw: Buffer): Buffer[] | null {
  return raw[0] === 0x2a ? parseMultibulk(raw) : splitInline(raw);
}

function parseMultibulk(raw: Buffer): Buffer[] | null {
  let nl = raw.indexOf('\r\n');
  const argc = Number(raw.toString('latin1', 1, nl));
  let pos = nl + 2;
  const out: Buffer[] = [];
  for (let i = 0; i < argc; i++) {
    nl = raw.indexOf('\r\n', pos);
    if (nl < 0) return null;
    const len = Number(raw.toString('latin1', pos + 1, nl));
    pos = nl + 2;
    out.push(raw.subarray(pos, pos + len));
    pos += len + 2;
  }
  return out;
}

const isSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
const hexVal = (b: number): number =>
  b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;

/** Redis's sdssplitargs over an inline line (the engine's reader splits it the same way). */
function splitInline(raw: Buffer): Buffer[] | null {
  let n = raw.length;
  if (n > 0 && raw[n - 1] === 0x0a) n--;
  if (n > 0 && raw[n - 1] === 0x0d) n--;
  const nul = raw.indexOf(0);
  if (nul >= 0 && nul < n) n = nul;
  const out: Buffer[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(raw[p])) p++;
    if (p >= n) return out;
    const cur: number[] = [];
    let inDq = false, inSq = false, done = false;
    while (!done) {
      const ch = p < n ? raw[p] : 0;
      const next = p + 1 < n ? raw[p + 1] : 0;
      if (inDq) {
        if (ch === 0x5c && next === 0x78 && p + 3 < n && hexVal(raw[p + 2]) >= 0 && hexVal(raw[p + 3]) >= 0) {
          cur.push(hexVal(raw[p + 2]) * 16 + hexVal(raw[p + 3]));
          p += 3;
        } else if (ch === 0x5c && next !== 0) {
          p++;
          const esc: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };
          cur.push(esc[next] ?? next);
        } else if (ch === 0x22) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (ch === 0) {
          return null;
        } else {
          cur.push(ch);
        }
      } else if (inSq) {
        if (ch === 0x5c && next === 0x27) { p++; cur.push(0x27); }
        else if (ch === 0x27) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (ch === 0) return null;
        else cur.push(ch);
      } else if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0) done = true;
      else if (ch === 0x22) inDq = true;
      else if (ch === 0x27) inSq = true;
      else cur.push(ch);
      if (p < n) p++;
    }
    out.push(Buffer.from(cur));
  }
}
