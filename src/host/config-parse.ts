// The text rules Redis applies to configuration: how a redis.conf line is
// split into arguments (sdssplitargs), how strings are quoted back
// (sdscatrepr), how numbers and memory sizes are read (string2ll, memtoull,
// strtoll), and Redis's glob matcher (stringmatch) for CONFIG GET patterns.
// Each mirrors the C function's observable behaviour, edge cases included,
// because clients and config files depend on exactly what is accepted.
import { stringMatch } from './stringmatch.js';

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** Bytes C's isspace() accepts. */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/**
 * Splits a line the way redis.conf and redis-cli do: whitespace separates,
 * "double quotes" take \n \r \t \b \a \xHH and \<char> escapes, 'single
 * quotes' take only \'. A closing quote must be followed by a space or the
 * end. Returns null for unbalanced quotes (Redis's "Unbalanced quotes").
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let p = 0;
  const n = line.length;
  for (;;) {
    while (p < n && isSpace(line[p])) p++;
    if (p >= n) return out;
    let inq = false;
    let insq = false;
    let done = false;
    // Bytes, so that \xHH escapes and literal UTF-8 text combine correctly.
    const cur: number[] = [];
    const put = (s: string) => { for (const b of Buffer.from(s, 'utf8')) cur.push(b); };
    while (!done) {
      const c = p < n ? line[p] : '';
      if (inq) {
        if (c === '') return null;
        if (c === '\\' && line[p + 1] === 'x' && p + 3 < n && isHex(line[p + 2]) && isHex(line[p + 3])) {
          cur.push(parseInt(line.substr(p + 2, 2), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < n) {
          p++;
          const e = line[p];
          put(e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e);
        } else if (c === '"') {
          // The closing quote must be followed by a space or nothing.
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else {
          put(c);
        }
      } else if (insq) {
        if (c === '') return null;
        if (c === '\\' && line[p + 1] === "'") {
          p++;
          put("'");
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else {
          put(c);
        }
      } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '') {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        put(c);
      }
      if (p < n) p++;
    }
    out.push(Buffer.from(cur).toString('utf8'));
  }
}

/** Quotes a string the way sdscatrepr does ("..." with C escapes). */
export function repr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}"`;
}

/** Redis's strict integer parser: no spaces, no '+', no leading zeros. */
export function string2ll(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < I64_MIN || v > I64_MAX ? null : v;
}

/**
 * C strtoll(s, &end, base): leading spaces, a sign, then digits; clamps on
 * overflow. `rest` is what end points at (the whole string when no digits).
 */
export function strtoll(s: string, base = 10): { value: bigint; rest: string; overflow: boolean } {
  let p = 0;
  while (p < s.length && isSpace(s[p])) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') { neg = s[p] === '-'; p++; }
  const digit = base === 8 ? /[0-7]/ : /[0-9]/;
  const start = p;
  while (p < s.length && digit.test(s[p])) p++;
  if (p === start) return { value: 0n, rest: s, overflow: false };
  let v = 0n;
  for (const d of s.slice(start, p)) v = v * BigInt(base) + BigInt(d);
  if (neg) v = -v;
  let overflow = false;
  if (v > I64_MAX) { v = I64_MAX; overflow = true; }
  if (v < I64_MIN) { v = I64_MIN; overflow = true; }
  return { value: v, rest: s.slice(p), overflow };
}

const UNITS: Record<string, bigint> = {
  '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n * 1000n, mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n, gb: 1024n * 1024n * 1024n,
};

/**
 * A memory value: digits then an optional unit (1k=1000, 1kb=1024, m, mb,
 * g, gb; case-insensitive). As in Redis, an empty digit run reads as 0 and
 * an overlong number saturates instead of failing.
 */
export function memtoull(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  const m = /^[0-9]*/.exec(s)![0];
  const mul = UNITS[s.slice(m.length).toLowerCase()];
  if (mul === undefined || m.length >= 128) return null;
  let v = m === '' ? 0n : BigInt(m);
  if (v > U64_MAX) v = U64_MAX;
  if (v > U64_MAX / mul) return null;
  return v * mul;
}

/** C strtod's grammar, as string2d accepts it (no surrounding spaces). */
export function string2d(s: string): number | null {
  if (s === '' || isSpace(s[0]) || isSpace(s[s.length - 1])) return null;
  let v: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
  else if (/^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)$/.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]?0[xX]/, '');
    const [i, f = ''] = body.split('.');
    v = parseInt(i || '0', 16) + (f ? parseInt(f, 16) / 16 ** f.length : 0);
    if (neg) v = -v;
  } else if (/^[+-]?(inf|infinity)$/i.test(s)) v = s.startsWith('-') ? -Infinity : Infinity;
  else return null;
  return Number.isNaN(v) ? null : v;
}

/** printf("%f") then Redis's trimDoubleString (drop trailing zeros and dot). */
export function formatPercentile(v: number): string {
  let s = v.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** Redis's stringmatch over strings (CONFIG GET patterns, include wildcards). */
export function globMatch(pattern: string, str: string, nocase = true): boolean {
  return stringMatch(Buffer.from(pattern, 'latin1'), Buffer.from(str, 'latin1'), nocase);
}

/** The memory notation CONFIG REWRITE writes: 1gb, 64mb, 4kb or plain bytes. */
export function formatMemory(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % 1024n === 0n) return `${bytes / 1024n}kb`;
  return `${bytes}`;
}
