// Conversions between Redis replies and Lua values, both ways, as Redis
// 7.0 documents and does them (script_lua.c):
//
//   RESP -> Lua (redis.call's result)
//     integer -> number, bulk -> string, null bulk / null array -> false,
//     array -> table, status -> {ok=...}, error -> {err=...};
//     RESP3 only (redis.setresp(3)): null -> nil, boolean -> boolean,
//     double -> {double=n}, map -> {map={k=v}}, set -> {set={m=true}},
//     big number -> {big_number=s}, verbatim -> {verbatim_string={format=, string=}};
//     attributes are skipped.
//   Lua -> RESP (the script's return value)
//     string -> bulk, number -> integer (truncated), true -> 1 (or #t),
//     false/nil -> null (or #f), table -> array up to the first nil, or the
//     error/status/double/big number/verbatim/map/set tables above.
//
// Lua numbers are 5.1 doubles in Redis: integers are pushed as Lua
// integers only where a double holds them exactly (|n| <= 2^53), and
// every number read back is converted through a double.
import {
  LuaVM, LUA_TNIL, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE,
} from './lua.js';

const CR = 13;

// ---- C's "%.<p>g" ------------------------------------------------------------------

const NEG_NAN = (() => {
  const f = new Float64Array([0 / 0]);
  return (new Uint8Array(f.buffer)[7] & 0x80) !== 0;
})();

/**
 * printf("%.<p>g", d) as glibc writes it: round half to even on the exact
 * binary value (JavaScript rounds such ties up), "inf"/"nan" spelled out.
 * A NaN prints as "-nan" when the platform's 0/0 is negative (x86), which is
 * what Redis shows for the NaNs scripts compute.
 */
export function fmtG(d: number, p: number): string {
  // Integers with at most p digits print as themselves (the common case).
  if (Number.isInteger(d) && d < 1e15 && d > -1e15 && !Object.is(d, -0)) return String(d);
  if (Number.isNaN(d)) return NEG_NAN ? '-nan' : 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  let exp = d.toExponential(p - 1);
  // A tie (exactly half way at digit p+1) rounds to even in C.
  const exact = Math.abs(d).toPrecision(100).replace('.', '').replace(/e.*$/, '').replace(/^0+/, '');
  if (exact.length > p && exact[p] === '5' && /^0*$/.test(exact.slice(p + 1)) && Number(exact[p - 1]) % 2 === 0) {
    const expOf = Number(Math.abs(d).toExponential(20).split('e')[1]);
    const digits = exact.slice(0, p);
    exp = `${d < 0 ? '-' : ''}${digits[0]}${p > 1 ? '.' + digits.slice(1) : ''}e${expOf >= 0 ? '+' : ''}${expOf}`;
  }
  const [mant, expS] = exp.split('e');
  const x = Number(expS);
  if (x < -4 || x >= p) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    return `${m}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  }
  // Fixed notation with p significant digits, from the rounded mantissa.
  const neg = mant[0] === '-';
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (x >= 0) {
    const int = digits.slice(0, x + 1).padEnd(x + 1, '0');
    const frac = digits.slice(x + 1);
    s = frac ? `${int}.${frac}` : int;
  } else {
    s = `0.${'0'.repeat(-x - 1)}${digits}`;
  }
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return neg ? `-${s}` : s;
}

/** (long long)d as x86 converts a double: out of range and NaN give LLONG_MIN. */
export function toLongLong(d: number): string {
  if (!(d >= -9223372036854775808 && d < 9223372036854775808)) return '-9223372036854775808';
  const t = Math.trunc(d);
  if (t === 0) return '0';
  return Math.abs(t) < 9007199254740992 ? String(t) : BigInt(t).toString();
}

/**
 * The error code Redis counts for an error line ("-CODE message"): up to
 * the first space within 32 bytes, else ERR (afterErrorReply).
 */
export function errorCode(line: string): string {
  if (!line.startsWith('-')) return 'ERR';
  const sp = line.slice(0, 32).indexOf(' ');
  return sp < 0 ? 'ERR' : line.slice(1, sp);
}

// ---- a growable byte buffer for replies --------------------------------------------

export class ByteOut {
  buf = Buffer.allocUnsafe(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  ascii(s: string): void {
    this.room(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.room(n);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += n;
  }

  /** Reserves space for a header written later (deferred lengths). */
  mark(): number { return this.len; }

  insertAt(at: number, s: string): void {
    const b = Buffer.from(s, 'latin1');
    this.room(b.length);
    this.buf.copy(this.buf, at + b.length, at, this.len);
    b.copy(this.buf, at);
    this.len += b.length;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

// ---- error strings -------------------------------------------------------------------

/**
 * luaPushErrorBuff: "-CODE message" keeps its code, anything else gets ERR;
 * CR/LF are trimmed from both ends of the message.
 */
export function errorText(e: string): string {
  let code: string;
  let msg: string;
  if (e.startsWith('-')) {
    const sp = e.indexOf(' ');
    if (sp < 0) { code = 'ERR'; msg = e.slice(1); } else { code = e.slice(1, sp); msg = e.slice(sp + 1); }
  } else {
    code = 'ERR';
    msg = e;
  }
  return `${code} ${msg.replace(/^[\r\n]+|[\r\n]+$/g, '')}`;
}

// ---- RESP -> Lua ------------------------------------------------------------------------

/**
 * Pushes the reply at `src[pos..]` onto L's stack; returns the position
 * after it. `err` receives the reply's type byte when the whole reply is an
 * error (redis.call raises only then).
 */
export class ReplyToLua {
  constructor(private vm: LuaVM) {}

  private line(src: Uint8Array, pos: number): number {
    let i = pos;
    while (src[i] !== CR) i++;
    return i;
  }

  private num(src: Uint8Array, start: number, end: number): number {
    let neg = false;
    let i = start;
    if (src[i] === 45) { neg = true; i++; }
    let v = 0;
    for (; i < end; i++) v = v * 10 + (src[i] - 48);
    return neg ? -v : v;
  }

  private pushInteger(L: number, src: Uint8Array, start: number, end: number): void {
    const api = this.vm.api;
    if (end - start <= 16) {
      const v = this.num(src, start, end);
      if (Math.abs(v) <= 9007199254740992) {
        api.lua_pushinteger(L, BigInt(v));
        return;
      }
    }
    api.lua_pushnumber(L, Number(Buffer.from(src.subarray(start, end)).toString('latin1')));
  }

  private pushError(L: number, text: string): void {
    const api = this.vm.api;
    api.lua_createtable(L, 0, 2);
    this.vm.pushString(L, errorText(text));
    this.vm.setfield(L, -2, 'err');
    // Redis counted this error when the command replied it.
    api.lua_pushboolean(L, 1);
    this.vm.setfield(L, -2, 'ignore_error_stats_update');
  }

  private double(text: string): number {
    const t = text.toLowerCase();
    if (t === 'inf' || t === '+inf') return Infinity;
    if (t === '-inf') return -Infinity;
    if (t === 'nan' || t === '-nan') return NaN;
    return Number(text);
  }

  push(L: number, src: Uint8Array, pos: number): number {
    const vm = this.vm;
    const api = vm.api;
    if (!api.lua_checkstack(L, 4)) throw new Error('lua stack limit reach when parsing redis.call reply');
    const type = src[pos];
    const eol = this.line(src, pos + 1);
    const next = eol + 2;
    switch (type) {
      case 0x3a: // ':'
        this.pushInteger(L, src, pos + 1, eol);
        return next;
      case 0x24: { // '$'
        const n = this.num(src, pos + 1, eol);
        if (n < 0) { api.lua_pushboolean(L, 0); return next; }
        vm.pushBytes(L, src, next, next + n);
        return next + n + 2;
      }
      case 0x2b: // '+'
        api.lua_createtable(L, 0, 1);
        vm.pushBytes(L, src, pos + 1, eol);
        vm.setfield(L, -2, 'ok');
        return next;
      case 0x2d: // '-'
        this.pushError(L, '-' + Buffer.from(src.subarray(pos + 1, eol)).toString('latin1'));
        return next;
      case 0x2a: // '*'
      case 0x3e: { // '>' (not expected from commands; read as an array)
        const n = this.num(src, pos + 1, eol);
        if (n < 0) { api.lua_pushboolean(L, 0); return next; }
        api.lua_createtable(L, n, 0);
        let p = next;
        for (let i = 1; i <= n; i++) {
          p = this.push(L, src, p);
          api.lua_rawseti(L, -2, BigInt(i));
        }
        return p;
      }
      case 0x5f: // '_'
        api.lua_pushnil(L);
        return next;
      case 0x23: // '#'
        api.lua_pushboolean(L, src[pos + 1] === 0x74 ? 1 : 0);
        return next;
      case 0x2c: // ','
        api.lua_createtable(L, 0, 1);
        api.lua_pushnumber(L, this.double(Buffer.from(src.subarray(pos + 1, eol)).toString('latin1')));
        vm.setfield(L, -2, 'double');
        return next;
      case 0x28: // '('
        api.lua_createtable(L, 0, 1);
        vm.pushBytes(L, src, pos + 1, eol);
        vm.setfield(L, -2, 'big_number');
        return next;
      case 0x3d: { // '='
        const n = this.num(src, pos + 1, eol);
        api.lua_createtable(L, 0, 1);
        api.lua_createtable(L, 0, 2);
        vm.pushBytes(L, src, next + 4, next + n);
        vm.setfield(L, -2, 'string');
        vm.pushBytes(L, src, next, next + 3);
        vm.setfield(L, -2, 'format');
        vm.setfield(L, -2, 'verbatim_string');
        return next + n + 2;
      }
      case 0x25: { // '%'
        const n = this.num(src, pos + 1, eol);
        api.lua_createtable(L, 0, 1);
        api.lua_createtable(L, 0, n);
        let p = next;
        for (let i = 0; i < n; i++) {
          p = this.push(L, src, p);
          p = this.push(L, src, p);
          this.settable(L);
        }
        vm.setfield(L, -2, 'map');
        return p;
      }
      case 0x7e: { // '~'
        const n = this.num(src, pos + 1, eol);
        api.lua_createtable(L, 0, 1);
        api.lua_createtable(L, 0, n);
        let p = next;
        for (let i = 0; i < n; i++) {
          p = this.push(L, src, p);
          api.lua_pushboolean(L, 1);
          this.settable(L);
        }
        vm.setfield(L, -2, 'set');
        return p;
      }
      case 0x7c: { // '|': attributes are read and dropped
        const n = this.num(src, pos + 1, eol);
        let p = next;
        for (let i = 0; i < 2 * n; i++) {
          p = this.push(L, src, p);
          api.lua_settop(L, -2);
        }
        return this.push(L, src, p);
      }
      default:
        throw new Error(`unexpected reply type ${String.fromCharCode(type)}`);
    }
  }

  /** t[k] = v with k and v on the stack; a nil key (RESP3 null) is dropped, as lua_settable would fail. */
  private settable(L: number): void {
    const api = this.vm.api;
    if (api.lua_type(L, -2) === LUA_TNIL || (api.lua_type(L, -2) === LUA_TNUMBER && Number.isNaN(api.lua_tonumberx(L, -2, 0)))) {
      api.lua_settop(L, -3);
      return;
    }
    api.lua_rawset(L, -3);
  }
}

// ---- Lua -> RESP --------------------------------------------------------------------------

/** Error replies written while converting, for INFO errorstats. */
export interface ReplyErrors {
  /** The error's code; `counted` is false when Redis skips the stats (ignore_error_stats_update). */
  (code: string, counted: boolean): void;
}

const MAX_NESTING = 3000;

export class LuaToReply {
  constructor(private vm: LuaVM) {}

  /** C strings end at the first NUL. */
  private cstr(b: Buffer): Buffer {
    const z = b.indexOf(0);
    return z < 0 ? b : b.subarray(0, z);
  }

  /** rawget of `name` in the table at `idx` (counted before the key is pushed). */
  private field(L: number, name: string, idx = -1): number {
    this.vm.pushString(L, name);
    return this.vm.api.lua_rawget(L, idx - 1);
  }

  private writeError(out: ByteOut, msg: Buffer, counted: boolean, onError: ReplyErrors): void {
    // addReplyErrorFormatEx(c, flags, "-%s", msg): CR/LF trimmed from the
    // ends, the rest turned into spaces, so the error stays on one line.
    const line = `-${this.cstr(msg).toString('latin1')}`.replace(/^[\r\n]+|[\r\n]+$/g, '').replace(/[\r\n]/g, ' ');
    out.ascii(line + '\r\n');
    onError(errorCode(line), counted);
  }

  /**
   * Writes the value at the top of L's stack (and pops it). `proto` is the
   * caller's protocol, `scriptProto` the script's (redis.setresp), which
   * decides how booleans convert.
   */
  write(L: number, out: ByteOut, proto: number, scriptProto: number, onError: ReplyErrors, depth = 0): void {
    const vm = this.vm;
    const api = vm.api;
    if (depth > MAX_NESTING || !api.lua_checkstack(L, 4)) {
      out.ascii('-ERR reached lua stack limit\r\n');
      onError('ERR', true);
      api.lua_settop(L, -2);
      return;
    }
    const t = api.lua_type(L, -1);
    switch (t) {
      case LUA_TSTRING: {
        const p = vm.strPtr(L, -1);
        const n = vm.lastLen;
        out.ascii(`$${n}\r\n`);
        out.bytes(vm.mem(), p, p + n);
        out.ascii('\r\n');
        break;
      }
      case LUA_TBOOLEAN: {
        const b = api.lua_toboolean(L, -1) !== 0;
        if (scriptProto === 2) out.ascii(b ? ':1\r\n' : proto === 3 ? '_\r\n' : '$-1\r\n');
        else if (proto === 3) out.ascii(b ? '#t\r\n' : '#f\r\n');
        else out.ascii(b ? ':1\r\n' : ':0\r\n');
        break;
      }
      case LUA_TNUMBER:
        out.ascii(`:${toLongLong(api.lua_tonumberx(L, -1, 0))}\r\n`);
        break;
      case LUA_TTABLE:
        this.table(L, out, proto, scriptProto, onError, depth);
        return; // table() pops
      default:
        out.ascii(proto === 3 ? '_\r\n' : '$-1\r\n');
    }
    api.lua_settop(L, -2);
  }

  private table(L: number, out: ByteOut, proto: number, scriptProto: number, onError: ReplyErrors, depth: number): void {
    const vm = this.vm;
    const api = vm.api;
    // {err=...}
    if (this.field(L, 'err') === LUA_TSTRING) {
      const msg = vm.bytes(L, -1)!;
      api.lua_settop(L, -2);
      vm.getfield(L, -1, 'ignore_error_stats_update');
      const ignore = api.lua_type(L, -1) === LUA_TBOOLEAN && api.lua_toboolean(L, -1) !== 0;
      api.lua_settop(L, -3);
      this.writeError(out, msg, !ignore, onError);
      return;
    }
    api.lua_settop(L, -2);
    // {ok=...}
    if (this.field(L, 'ok') === LUA_TSTRING) {
      const s = this.cstr(vm.bytes(L, -1)!).toString('latin1').replace(/[\r\n]/g, ' ');
      out.ascii(`+${s}\r\n`);
      api.lua_settop(L, -3);
      return;
    }
    api.lua_settop(L, -2);
    // {double=...}
    if (this.field(L, 'double') === LUA_TNUMBER) {
      const d = api.lua_tonumberx(L, -1, 0);
      const text = fmtG(d, 17);
      if (proto === 3) out.ascii(`,${text}\r\n`);
      else out.ascii(`$${text.length}\r\n${text}\r\n`);
      api.lua_settop(L, -3);
      return;
    }
    api.lua_settop(L, -2);
    // {big_number=...}
    if (this.field(L, 'big_number') === LUA_TSTRING) {
      const b = Buffer.from(vm.bytes(L, -1)!);
      for (let i = 0; i < b.length; i++) if (b[i] === 10 || b[i] === 13) b[i] = 32;
      if (proto === 3) { out.ascii('('); out.bytes(b); out.ascii('\r\n'); } else { out.ascii(`$${b.length}\r\n`); out.bytes(b); out.ascii('\r\n'); }
      api.lua_settop(L, -3);
      return;
    }
    api.lua_settop(L, -2);
    // {verbatim_string={format=..., string=...}}
    if (this.field(L, 'verbatim_string') === LUA_TTABLE) {
      if (this.field(L, 'format') === LUA_TSTRING) {
        const format = this.cstr(vm.bytes(L, -1)!);
        if (this.field(L, 'string', -2) === LUA_TSTRING) {
          const s = vm.bytes(L, -1)!;
          if (proto === 3) {
            out.ascii(`=${s.length + 4}\r\n`);
            const f = Buffer.alloc(3, 0x20);
            format.copy(f, 0, 0, Math.min(3, format.length));
            out.bytes(f);
            out.ascii(':');
          } else {
            out.ascii(`$${s.length}\r\n`);
          }
          out.bytes(s);
          out.ascii('\r\n');
          api.lua_settop(L, -5);
          return;
        }
        api.lua_settop(L, -2);
      }
      api.lua_settop(L, -2);
    }
    api.lua_settop(L, -2);
    // {map={...}}
    if (this.field(L, 'map') === LUA_TTABLE) {
      const at = out.mark();
      let n = 0;
      api.lua_pushnil(L);
      while (api.lua_next(L, -2)) {
        api.lua_pushvalue(L, -2);
        this.write(L, out, proto, scriptProto, onError, depth + 1);
        this.write(L, out, proto, scriptProto, onError, depth + 1);
        n++;
      }
      out.insertAt(at, proto === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`);
      api.lua_settop(L, -3);
      return;
    }
    api.lua_settop(L, -2);
    // {set={...}}
    if (this.field(L, 'set') === LUA_TTABLE) {
      const at = out.mark();
      let n = 0;
      api.lua_pushnil(L);
      while (api.lua_next(L, -2)) {
        api.lua_settop(L, -2);
        api.lua_pushvalue(L, -1);
        this.write(L, out, proto, scriptProto, onError, depth + 1);
        n++;
      }
      out.insertAt(at, proto === 3 ? `~${n}\r\n` : `*${n}\r\n`);
      api.lua_settop(L, -3);
      return;
    }
    api.lua_settop(L, -2);
    // An array: elements 1, 2, ... up to the first nil.
    const at = out.mark();
    let n = 0;
    for (;;) {
      if (api.lua_rawgeti(L, -1, BigInt(n + 1)) === LUA_TNIL) {
        api.lua_settop(L, -2);
        break;
      }
      this.write(L, out, proto, scriptProto, onError, depth + 1);
      n++;
    }
    out.insertAt(at, `*${n}\r\n`);
    api.lua_settop(L, -2);
  }
}

/** Compiler messages Lua 5.4 words differently from Lua 5.1. */
export function syntax51(msg: string): string {
  return msg
    .replace(/(?<!')<(eof|name|string|number|integer)>(?!')/g, (_m, t: string) => `'<${t === 'integer' ? 'number' : t}>'`)
    .replace(/'<name>' or '\.\.\.' expected/g, "<name> or '...' expected")
    .replace(/syntax error near/g, "'=' expected near");
}
