// RESP for the embedded API, without intermediate Buffers: commands are
// encoded straight into a byte array (the engine's input buffer, in linear
// memory), and replies are decoded straight from one (the engine's output
// buffer, or bytes the host core wrote) into JS values.
//
// Reply mapping (RESP2 and RESP3):
//   simple string, bulk string, verbatim  -> string (UTF-8), or Uint8Array with `buffers`
//   integer, big number                   -> number when safe, else bigint
//   double (RESP3)                        -> number (inf, -inf, nan included)
//   null bulk / null array / RESP3 null   -> null
//   boolean (RESP3)                       -> true / false
//   array                                 -> Array
//   map (RESP3)                           -> Map (insertion order kept; keys may be non-strings)
//   set (RESP3)                           -> Set
//   error                                 -> ReplyError (thrown by the caller, kept in arrays)
//   attribute (RESP3)                     -> skipped; the value it annotates is returned
//   push (RESP3)                          -> PushMessage (out of band)

import { ReplyError } from './errors.js';

export type Arg = string | number | bigint | Uint8Array;
export type ReplyValue =
  | string | number | bigint | boolean | null | Uint8Array | ReplyError
  | ReplyValue[] | Map<ReplyValue, ReplyValue> | Set<ReplyValue>;

/** A RESP3 push (pub/sub message, invalidation): delivered to push listeners. */
export class PushMessage {
  constructor(public readonly data: ReplyValue[]) {}
}

const CR = 13;
const LF = 10;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

// ---- encoding -------------------------------------------------------------------

/** UTF-8 byte length of a string (its length when it is ASCII, the common case). */
export function utf8Length(s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) return utf8LengthSlow(s, i);
  }
  return n;
}

function utf8LengthSlow(s: string, from: number): number {
  let len = from;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) len += 1;
    else if (c < 0x800) len += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      len += 4;
      i++;
    } else len += 3; // lone surrogates become U+FFFD (3 bytes), as TextEncoder writes them
  }
  return len;
}

function digitCount(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  let d = 3;
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 10)) d++;
  return d;
}

/** Arguments as strings or bytes: numbers in their decimal form. */
export function argText(a: Arg): string | Uint8Array {
  if (typeof a === 'string' || a instanceof Uint8Array) return a;
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  throw new TypeError(`command arguments must be strings, numbers or Uint8Arrays, not ${a === null ? 'null' : typeof a}`);
}

/**
 * Bytes of the multibulk request for the first `argc` of `args` (already
 * through argText), and each argument's byte length in `lens` (reused
 * between calls).
 */
export function requestLength(args: ArrayLike<string | Uint8Array>, argc: number, lens: number[]): number {
  let total = 3 + digitCount(argc);
  for (let i = 0; i < argc; i++) {
    const a = args[i];
    const len = typeof a === 'string' ? utf8Length(a) : a.length;
    lens[i] = len;
    total += 5 + digitCount(len) + len;
  }
  return total;
}

function putDigits(mem: Uint8Array, at: number, n: number): number {
  // Argument counts and most lengths: one or two digits.
  if (n < 10) {
    mem[at] = 48 + n;
    return at + 1;
  }
  if (n < 100) {
    const t = (n / 10) | 0;
    mem[at] = 48 + t;
    mem[at + 1] = 48 + n - t * 10;
    return at + 2;
  }
  const d = digitCount(n);
  let p = at + d;
  do {
    mem[--p] = 48 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return at + d;
}

/** Writes the request at `at`; `lens` from requestLength. Returns the end offset. */
export function writeRequest(mem: Uint8Array, at: number, args: ArrayLike<string | Uint8Array>, argc: number, lens: number[]): number {
  let p = at;
  mem[p++] = 0x2a; // '*'
  p = putDigits(mem, p, argc);
  mem[p++] = CR; mem[p++] = LF;
  for (let i = 0; i < argc; i++) {
    const a = args[i];
    const len = lens[i];
    mem[p++] = 0x24; // '$'
    p = putDigits(mem, p, len);
    mem[p++] = CR; mem[p++] = LF;
    if (typeof a !== 'string') {
      mem.set(a, p);
    } else if (len === a.length) {
      for (let j = 0; j < len; j++) mem[p + j] = a.charCodeAt(j);
    } else {
      textEncoder.encodeInto(a, mem.subarray(p, p + len));
    }
    p += len;
    mem[p++] = CR; mem[p++] = LF;
  }
  return p;
}

/**
 * The request's length if every string in args[0, argc) is ASCII, from the
 * lengths alone (no scan): for writeAsciiRequest, which checks as it writes.
 */
export function asciiRequestLength(args: ArrayLike<string | Uint8Array>, argc: number): number {
  let total = 3 + digitCount(argc);
  for (let i = 0; i < argc; i++) {
    const len = args[i].length;
    total += 5 + digitCount(len) + len;
  }
  return total;
}

/**
 * Writes the request at `at` as asciiRequestLength counted it, checking
 * each character as it is copied: returns the end offset, or -1 at the
 * first non-ASCII one (the caller then sizes it with requestLength and
 * writes it with writeRequest). One pass over the text instead of a
 * measuring pass and a writing pass.
 */
export function writeAsciiRequest(mem: Uint8Array, at: number, args: ArrayLike<string | Uint8Array>, argc: number): number {
  let p = at;
  mem[p++] = 0x2a; // '*'
  p = putDigits(mem, p, argc);
  mem[p++] = CR; mem[p++] = LF;
  for (let i = 0; i < argc; i++) {
    const a = args[i];
    const len = a.length;
    mem[p++] = 0x24; // '$'
    p = putDigits(mem, p, len);
    mem[p++] = CR; mem[p++] = LF;
    if (typeof a !== 'string') {
      mem.set(a, p);
    } else {
      for (let j = 0; j < len; j++) {
        const ch = a.charCodeAt(j);
        if (ch >= 0x80) return -1;
        mem[p + j] = ch;
      }
    }
    p += len;
    mem[p++] = CR; mem[p++] = LF;
  }
  return p;
}

/** A request as a fresh byte array (pipelines over the general path, the in-process stream). */
export function encodeRequest(args: Arg[]): Uint8Array {
  const texts = args.map(argText);
  const lens: number[] = [];
  const out = new Uint8Array(requestLength(texts, texts.length, lens));
  writeRequest(out, 0, texts, texts.length, lens);
  return out;
}

// ---- decoding -------------------------------------------------------------------

/**
 * A copy of bytes[start, end) as a plain Uint8Array (Buffer's slice is a
 * view, and these bytes may be the engine's memory, reused by the next call).
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}

/** Thrown by the decoder when the bytes end inside a reply. */
export const INCOMPLETE = Symbol('incomplete');

/** UTF-8 text of bytes[start, end): short ASCII without TextDecoder (most keys and values). */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= ASCII_TEXT_MAX) {
    const s = asciiText(bytes, start, end - start);
    if (s !== null) return s;
  }
  return textDecoder.decode(bytes.subarray(start, end));
}

/** The longest text asciiText decodes; past it a native decoder's call cost is repaid. */
export const ASCII_TEXT_MAX = 32;

const fc = String.fromCharCode;

/**
 * bytes[s, s + n) as text when they are all ASCII (n <= ASCII_TEXT_MAX),
 * else null. One String.fromCharCode call with the bytes as separate
 * arguments makes a flat string in one step: about three times faster than
 * a native UTF-8 decoder's call (utf8Slice, TextDecoder) on short values,
 * and than building the string a character at a time.
 */
export function asciiText(m: Uint8Array, s: number, n: number): string | null {
  let any = 0;
  for (let i = s, e = s + n; i < e; i++) any |= m[i];
  if (any >= 0x80) return null;
  return n <= 16 ? fromCodes(m, s, n) : fromCodes(m, s, 16) + fromCodes(m, s + 16, n - 16);
}

function fromCodes(m: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return fc(m[s]);
    case 2: return fc(m[s], m[s + 1]);
    case 3: return fc(m[s], m[s + 1], m[s + 2]);
    case 4: return fc(m[s], m[s + 1], m[s + 2], m[s + 3]);
    case 5: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4]);
    case 6: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5]);
    case 7: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6]);
    case 8: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7]);
    case 9: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8]);
    case 10: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9]);
    case 11: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10]);
    case 12: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10], m[s + 11]);
    case 13: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10], m[s + 11], m[s + 12]);
    case 14: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10], m[s + 11], m[s + 12], m[s + 13]);
    case 15: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10], m[s + 11], m[s + 12], m[s + 13], m[s + 14]);
    case 16: return fc(m[s], m[s + 1], m[s + 2], m[s + 3], m[s + 4], m[s + 5], m[s + 6], m[s + 7], m[s + 8], m[s + 9], m[s + 10], m[s + 11], m[s + 12], m[s + 13], m[s + 14], m[s + 15]);
    default: return fc.apply(null, Array.from(m.subarray(s, s + n)));
  }
}

export interface DecodeOptions {
  /** Bulk strings as Uint8Array copies instead of text. */
  buffers: boolean;
}

/**
 * Decodes replies from `bytes` starting at `pos`. Each `next()` returns one
 * reply and advances `pos`; it throws INCOMPLETE (leaving `pos`) when the
 * bytes end first. Error replies come back as ReplyError values.
 */
export class ReplyDecoder {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  buffers = false;

  reset(bytes: Uint8Array, pos: number, end: number, buffers: boolean): this {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.buffers = buffers;
    return this;
  }

  next(): ReplyValue | PushMessage {
    const start = this.pos;
    try {
      return this.value();
    } catch (err) {
      if (err === INCOMPLETE) this.pos = start;
      throw err;
    }
  }

  /** Offset of the CR ending the line that starts at `from`. */
  private lineEnd(from: number): number {
    const b = this.bytes;
    for (let i = from; i + 1 < this.end; i++) {
      if (b[i] === CR && b[i + 1] === LF) return i;
    }
    throw INCOMPLETE;
  }

  /** The integer on the line after the type byte; pos moves past its CRLF. */
  private lineInt(): number {
    const b = this.bytes;
    let p = this.pos + 1;
    let neg = false;
    if (b[p] === 0x2d) { neg = true; p++; }
    let n = 0;
    for (; p < this.end; p++) {
      const c = b[p];
      if (c === CR) break;
      n = n * 10 + (c - 48);
    }
    if (p + 1 >= this.end) throw INCOMPLETE;
    this.pos = p + 2;
    return neg ? -n : n;
  }

  private lineText(): string {
    const e = this.lineEnd(this.pos + 1);
    const s = utf8Text(this.bytes, this.pos + 1, e);
    this.pos = e + 2;
    return s;
  }

  private value(): any {
    if (this.pos >= this.end) throw INCOMPLETE;
    const b = this.bytes;
    switch (b[this.pos]) {
      case 0x2b: // '+'
        return this.lineText();
      case 0x2d: // '-'
        return new ReplyError(this.lineText());
      case 0x3a: { // ':'
        const e = this.lineEnd(this.pos + 1);
        if (e - this.pos - 1 < 16) return this.lineInt();
        return this.bigOrNumber(this.lineText());
      }
      case 0x24: { // '$'
        const len = this.lineInt();
        if (len < 0) return null;
        return this.blob(len, 0);
      }
      case 0x2a: { // '*'
        const n = this.lineInt();
        if (n < 0) return null;
        const arr = new Array(n);
        for (let i = 0; i < n; i++) arr[i] = this.value();
        return arr;
      }
      case 0x5f: // '_'
        if (this.pos + 2 >= this.end) throw INCOMPLETE;
        this.pos += 3;
        return null;
      case 0x25: { // '%'
        const n = this.lineInt();
        const m = new Map();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          m.set(k, this.value());
        }
        return m;
      }
      case 0x7e: { // '~'
        const n = this.lineInt();
        const s = new Set();
        for (let i = 0; i < n; i++) s.add(this.value());
        return s;
      }
      case 0x23: { // '#'
        const t = this.lineText();
        return t === 't';
      }
      case 0x2c: { // ','
        const t = this.lineText();
        return t === 'inf' ? Infinity : t === '-inf' ? -Infinity : Number(t);
      }
      case 0x28: // '('
        return BigInt(this.lineText());
      case 0x3d: { // '=': verbatim, "txt:" or "mkd:" then the text
        const len = this.lineInt();
        return this.blob(len, 4);
      }
      case 0x21: { // '!': blob error
        const len = this.lineInt();
        const e = this.pos + len;
        if (e + 2 > this.end) throw INCOMPLETE;
        const text = utf8Text(b, this.pos, e);
        this.pos = e + 2;
        return new ReplyError(text);
      }
      case 0x7c: { // '|': attributes precede the value they describe
        const n = this.lineInt();
        for (let i = 0; i < n * 2; i++) this.value();
        return this.value();
      }
      case 0x3e: { // '>'
        const n = this.lineInt();
        const arr = new Array(n);
        for (let i = 0; i < n; i++) arr[i] = this.value();
        return new PushMessage(arr);
      }
      default:
        throw new Error(`vermilion: unexpected RESP type byte 0x${b[this.pos].toString(16)}`);
    }
  }

  private blob(len: number, skip: number): string | Uint8Array {
    const s = this.pos + skip;
    const e = this.pos + len;
    if (e + 2 > this.end) throw INCOMPLETE;
    this.pos = e + 2;
    return this.buffers ? copyBytes(this.bytes, s, e) : utf8Text(this.bytes, s, e);
  }

  private bigOrNumber(text: string): number | bigint {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
}
